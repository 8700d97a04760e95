#!/usr/bin/env python3
"""PyTorch CPU baseline for `submit/descent bench throughput`.

Trains the same models as Descent's benchmark (forward + backward + Adam step, softmax
cross-entropy) on random inputs at a fixed batch size with one thread, and prints one JSON line:
{"model", "batch", "steps", "seconds", "examples_per_s", "torch", "blas", "threads"}.
Used only as a reference baseline; never a dependency of Descent.
"""
import argparse
import json
import os
import time

import torch
import torch.nn as nn


def mlp():
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10))


def cnn():
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10))


class LastStep(nn.Module):
    """A recurrent layer's last state through a linear head: Descent's lstm(H, last), dense(10)."""

    def __init__(self, recurrent, hidden):
        super().__init__()
        self.recurrent = recurrent
        self.head = nn.Linear(hidden, 10)

    def forward(self, x):
        out, _ = self.recurrent(x)
        return self.head(out[:, -1, :])


# The recurrent models' sequences: T = 80 steps of F = 32 features, H = 128 units (issue 14's LSTM target).
STEPS, FEATURES, HIDDEN = 80, 32, 128


def blas_library():
    """The shared object behind libblas.so.3, which Debian's PyTorch (BLAS_INFO=generic) calls."""
    for path in ("/etc/alternatives/libblas.so.3-x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu/libblas.so.3"):
        if os.path.exists(path):
            return os.path.realpath(path)
    return "unknown"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", choices=["mlp", "cnn", "lstm", "gru"], required=True)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    recurrent = {"lstm": nn.LSTM, "gru": nn.GRU}.get(args.model)
    if recurrent is not None:
        model = LastStep(recurrent(FEATURES, HIDDEN, batch_first=True), HIDDEN)
        x = torch.rand(args.batch, STEPS, FEATURES)
    else:
        model = mlp() if args.model == "mlp" else cnn()
        x = torch.rand(args.batch, 1, 28, 28)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    y = torch.randint(0, 10, (args.batch,))

    def step():
        opt.zero_grad(set_to_none=False)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()

    for _ in range(args.warmup):
        step()
    t0 = time.perf_counter()
    for _ in range(args.steps):
        step()
    seconds = time.perf_counter() - t0
    print(json.dumps({
        "model": args.model, "batch": args.batch, "steps": args.steps, "seconds": seconds,
        "examples_per_s": args.steps * args.batch / seconds, "torch": torch.__version__,
        "blas": blas_library(), "mkldnn": torch.backends.mkldnn.is_available(), "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
