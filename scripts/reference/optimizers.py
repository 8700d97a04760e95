#!/usr/bin/env python3
"""Generates src/test/resources/reference/optimizers.json: PyTorch 1.13 optimizer trajectories.

Every optimizer PyTorch has that Descent implements runs 120 steps from a fixed start on Beale's
function and on Rosenbrock's, in float32, with non-default hyperparameters; the whole trajectory
(x, y after each step) and the gradient PyTorch used at each step are recorded, so Descent can
replay the same gradients (round-off in the gradient itself would otherwise grow chaotically on
Rosenbrock's valley and hide what is being compared: the update rules). Run with Debian's python3-torch:
    /usr/bin/python3 scripts/reference/optimizers.py
PyTorch is used only to produce these fixtures; Descent never depends on it.
"""
import json
import pathlib

import torch

STEPS = 120


def beale(p):
    x, y = p[0], p[1]
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y ** 2) ** 2 + (2.625 - x + x * y ** 3) ** 2


def rosenbrock(p):
    x, y = p[0], p[1]
    return (1 - x) ** 2 + 100 * (y - x ** 2) ** 2


# name in Descent, hyperparameters in Descent's keys, torch constructor
CASES = [
    ("sgd", {"learningRate": 0.002}, lambda ps: torch.optim.SGD(ps, lr=0.002)),
    ("sgd", {"learningRate": 0.002, "weightDecay": 0.1}, lambda ps: torch.optim.SGD(ps, lr=0.002, weight_decay=0.1)),
    ("momentum", {"learningRate": 0.001, "momentum": 0.8}, lambda ps: torch.optim.SGD(ps, lr=0.001, momentum=0.8)),
    ("nesterov", {"learningRate": 0.001, "momentum": 0.85}, lambda ps: torch.optim.SGD(ps, lr=0.001, momentum=0.85, nesterov=True)),
    ("adagrad", {"learningRate": 0.3, "eps": 1e-6}, lambda ps: torch.optim.Adagrad(ps, lr=0.3, eps=1e-6)),
    ("rmsprop", {"learningRate": 0.01, "rho": 0.9, "eps": 1e-6}, lambda ps: torch.optim.RMSprop(ps, lr=0.01, alpha=0.9, eps=1e-6)),
    ("rmsprop", {"learningRate": 0.005, "rho": 0.95, "centered": 1.0, "momentum": 0.5},
     lambda ps: torch.optim.RMSprop(ps, lr=0.005, alpha=0.95, centered=True, momentum=0.5)),
    ("adam", {"learningRate": 0.05, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6},
     lambda ps: torch.optim.Adam(ps, lr=0.05, betas=(0.8, 0.99), eps=1e-6)),
    ("adam", {"learningRate": 0.02, "weightDecay": 0.05}, lambda ps: torch.optim.Adam(ps, lr=0.02, weight_decay=0.05)),
    ("amsgrad", {"learningRate": 0.05, "beta1": 0.85, "beta2": 0.995},
     lambda ps: torch.optim.Adam(ps, lr=0.05, betas=(0.85, 0.995), amsgrad=True)),
    ("adamw", {"learningRate": 0.05, "beta1": 0.8, "weightDecay": 0.1},
     lambda ps: torch.optim.AdamW(ps, lr=0.05, betas=(0.8, 0.999), weight_decay=0.1)),
    ("adamax", {"learningRate": 0.05, "beta1": 0.85, "beta2": 0.99},
     lambda ps: torch.optim.Adamax(ps, lr=0.05, betas=(0.85, 0.99))),
    ("nadam", {"learningRate": 0.02, "beta1": 0.85, "beta2": 0.995},
     lambda ps: torch.optim.NAdam(ps, lr=0.02, betas=(0.85, 0.995))),
    ("adadelta", {"learningRate": 2.0, "rho": 0.8, "eps": 1e-5}, lambda ps: torch.optim.Adadelta(ps, lr=2.0, rho=0.8, eps=1e-5)),
    ("rprop", {"learningRate": 0.02, "etaMinus": 0.4, "etaPlus": 1.3, "stepMin": 1e-5, "stepMax": 0.5},
     lambda ps: torch.optim.Rprop(ps, lr=0.02, etas=(0.4, 1.3), step_sizes=(1e-5, 0.5))),
]

FUNCTIONS = [("beale", beale, [1.0, 1.5]), ("rosenbrock", rosenbrock, [-1.2, 1.0])]


def main():
    out = []
    for fname, f, start in FUNCTIONS:
        for name, hyper, make in CASES:
            p = torch.tensor(start, dtype=torch.float32, requires_grad=True)
            opt = make([p])
            xs, ys, gx, gy = [], [], [], []
            for _ in range(STEPS):
                opt.zero_grad()
                f(p).backward()
                gx.append(float(p.grad[0]))
                gy.append(float(p.grad[1]))
                opt.step()
                xs.append(float(p[0]))
                ys.append(float(p[1]))
            out.append({"function": fname, "optimizer": name, "hyper": hyper, "start": start, "x": xs, "y": ys, "gx": gx, "gy": gy})
    path = pathlib.Path(__file__).resolve().parents[2] / "src/test/resources/reference/optimizers.json"
    path.write_text(json.dumps(out))
    print("wrote", path, len(out), "trajectories of", STEPS, "steps")


if __name__ == "__main__":
    main()
