#!/usr/bin/env python3
"""Generates src/test/resources/reference/conv2d.json: Conv2d forward and gradients from PyTorch 1.13.

Run with Debian's python3-torch: /usr/bin/python3 scripts/reference/conv.py
PyTorch is used only to produce these fixtures; Descent never depends on it.
"""
import json
import pathlib

import torch

CASES = [
    dict(name="3x3 pad1", n=2, c=2, h=5, w=5, out=3, kh=3, kw=3, stride=1, padding=1),
    dict(name="stride2 pad1 non-square", n=2, c=3, h=7, w=6, out=4, kh=3, kw=2, stride=2, padding=1),
    dict(name="1x1", n=3, c=4, h=3, w=3, out=2, kh=1, kw=1, stride=1, padding=0),
    dict(name="5x5 no pad", n=1, c=1, h=8, w=8, out=2, kh=5, kw=5, stride=1, padding=0),
    # Sixteen input channels at 3x3, stride 1: Descent's Winograd F(2x2, 3x3) path (odd height: half-outside tiles).
    dict(name="3x3 pad1 16 channels", n=3, c=16, h=7, w=6, out=5, kh=3, kw=3, stride=1, padding=1),
]


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def main():
    torch.manual_seed(1234)
    out = []
    for c in CASES:
        conv = torch.nn.Conv2d(c["c"], c["out"], (c["kh"], c["kw"]), stride=c["stride"], padding=c["padding"])
        x = torch.randn(c["n"], c["c"], c["h"], c["w"], requires_grad=True)
        y = conv(x)
        dy = torch.randn_like(y)
        y.backward(dy)
        out.append(dict(c, weight=flat(conv.weight), bias=flat(conv.bias), x=flat(x), y=flat(y), dy=flat(dy),
                        dx=flat(x.grad), dweight=flat(conv.weight.grad), dbias=flat(conv.bias.grad)))
    path = pathlib.Path(__file__).resolve().parents[2] / "src/test/resources/reference/conv2d.json"
    path.write_text(json.dumps(out))
    print("wrote", path)


if __name__ == "__main__":
    main()
