#!/usr/bin/env python3
"""Generates src/test/resources/reference/losses.json: loss values and gradients from PyTorch 1.13.

CrossEntropyLoss, BCEWithLogitsLoss, MSELoss and MultiMarginLoss, all with reduction='sum' (Descent's
losses are sums over the batch; the driver divides by the global count once), on fixed float32
logits including large ones; and CrossEntropyLoss per step of a sequence output [n, T, K] with
ignore_index=-1 (Descent's per-step softmax cross-entropy, -1 marking a step without a target). Run with Debian's python3-torch: /usr/bin/python3 scripts/reference/losses.py
PyTorch is used only to produce these fixtures; Descent never depends on it.
"""
import json
import pathlib

import torch


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def main():
    torch.manual_seed(3)
    n, k = 6, 5
    out = []
    logits = (torch.randn(n, k) * 3)
    logits[0, 1] = 60.0   # a large logit: the stable forms must not overflow
    classes = torch.randint(0, k, (n,))
    targets = torch.rand(n, k)
    for name, fn, labels, label_values in [
        ("softmax_cross_entropy", torch.nn.CrossEntropyLoss(reduction="sum"), classes, classes.float()),
        ("binary_cross_entropy", torch.nn.BCEWithLogitsLoss(reduction="sum"), targets, targets),
        ("squared_error", torch.nn.MSELoss(reduction="sum"), targets, targets),
        ("hinge", torch.nn.MultiMarginLoss(margin=1.0, reduction="sum"), classes, classes.float()),
    ]:
        z = logits.clone().requires_grad_(True)
        loss = fn(z, labels)
        loss.backward()
        out.append(dict(name=name, n=n, k=k, logits=flat(logits), labels=flat(label_values), value=float(loss), grad=flat(z.grad)))
    steps, per = 4, 3
    z = (torch.randn(n, steps, per) * 2).requires_grad_(True)
    step_labels = torch.randint(0, per, (n, steps))
    step_labels[torch.rand(n, steps) < 0.4] = -1
    loss = torch.nn.CrossEntropyLoss(reduction="sum", ignore_index=-1)(z.reshape(n * steps, per), step_labels.reshape(-1))
    loss.backward()
    out.append(dict(name="softmax_cross_entropy", steps=steps, n=n, k=steps * per, logits=flat(z), labels=flat(step_labels.float()),
                    value=float(loss), grad=flat(z.grad)))
    path = pathlib.Path(__file__).resolve().parents[2] / "src/test/resources/reference/losses.json"
    path.write_text(json.dumps(out))
    print("wrote", path)


if __name__ == "__main__":
    main()
