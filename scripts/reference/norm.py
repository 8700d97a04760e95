#!/usr/bin/env python3
"""Generates src/test/resources/reference/norm.json: normalization layers from PyTorch 1.13.

For BatchNorm1d/2d (training forward, backward, running statistics after one step with
momentum 0.1, evaluation forward with them), LayerNorm, InstanceNorm2d(affine=True) and
GroupNorm: fixed float32 inputs, non-trivial scale and shift, a fixed upstream gradient.
Run with Debian's python3-torch: /usr/bin/python3 scripts/reference/norm.py
PyTorch is used only to produce these fixtures; Descent never depends on it.
"""
import json
import pathlib

import torch


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def case(name, layer, shape, **extra):
    x = (torch.randn(*shape) * 2 + 0.5).requires_grad_(True)
    with torch.no_grad():
        if getattr(layer, "weight", None) is not None:
            layer.weight.copy_(torch.rand_like(layer.weight) + 0.5)
            layer.bias.copy_(torch.randn_like(layer.bias))
    layer.train()
    y = layer(x)
    dy = torch.randn_like(y)
    y.backward(dy)
    out = dict(name=name, shape=list(shape), x=flat(x), weight=flat(layer.weight), bias=flat(layer.bias), y=flat(y), dy=flat(dy),
               dx=flat(x.grad), dweight=flat(layer.weight.grad), dbias=flat(layer.bias.grad), **extra)
    if isinstance(layer, torch.nn.modules.batchnorm._BatchNorm):
        out["running_mean"] = flat(layer.running_mean)
        out["running_var"] = flat(layer.running_var)
        layer.eval()
        out["y_eval"] = flat(layer(x))
    return out


def main():
    torch.manual_seed(7)
    cases = [
        case("batch_norm_1d", torch.nn.BatchNorm1d(4, momentum=0.1), (6, 4)),
        case("batch_norm_2d", torch.nn.BatchNorm2d(3, momentum=0.1), (3, 3, 4, 5)),
        case("layer_norm", torch.nn.LayerNorm([2, 3, 4]), (3, 2, 3, 4)),
        case("instance_norm", torch.nn.InstanceNorm2d(3, affine=True), (2, 3, 4, 4)),
        case("group_norm", torch.nn.GroupNorm(2, 4), (2, 4, 3, 3), groups=2),
    ]
    path = pathlib.Path(__file__).resolve().parents[2] / "src/test/resources/reference/norm.json"
    path.write_text(json.dumps(cases))
    print("wrote", path)


if __name__ == "__main__":
    main()
