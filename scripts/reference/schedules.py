#!/usr/bin/env python3
"""Generates src/test/resources/reference/schedules.json: learning rates of PyTorch 1.13's schedulers.

StepLR, MultiStepLR, ExponentialLR (γ = e^{−k} for the seed's α₀e^{−kt}) and CosineAnnealingLR,
stepped 60 times from lr 0.1. Run with Debian's python3-torch: /usr/bin/python3 scripts/reference/schedules.py
PyTorch is used only to produce these fixtures; Descent never depends on it.
"""
import json
import math
import pathlib

import torch


def trace(make):
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=0.1)
    sched = make(opt)
    values = []
    for _ in range(60):
        values.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return values


def main():
    out = {
        "step": dict(config=dict(type="step", initial=0.1, gamma=0.5, stepSize=7),
                     values=trace(lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=7, gamma=0.5))),
        "multistep": dict(config=dict(type="multistep", initial=0.1, gamma=0.3, milestones=[10, 25, 40]),
                          values=trace(lambda o: torch.optim.lr_scheduler.MultiStepLR(o, milestones=[10, 25, 40], gamma=0.3))),
        "exponential": dict(config=dict(type="exponential", initial=0.1, k=0.05),
                            values=trace(lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=math.exp(-0.05)))),
        "cosine": dict(config=dict(type="cosine", initial=0.1, floor=0.001, steps=50),
                       values=trace(lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=50, eta_min=0.001))[:51]),
    }
    path = pathlib.Path(__file__).resolve().parents[2] / "src/test/resources/reference/schedules.json"
    path.write_text(json.dumps(out))
    print("wrote", path)


if __name__ == "__main__":
    main()
