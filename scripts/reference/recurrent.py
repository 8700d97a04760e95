#!/usr/bin/env python3
"""Generates src/test/resources/reference/recurrent.json: nn.RNN (tanh), nn.LSTM and nn.GRU from PyTorch 1.13.

One layer, batch first, h_0 (and c_0) zero: every step's output for a fixed input, and the gradients of
sum(output * dy) with respect to the input and to weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, for
every step's output and for the last step's only (Descent's "last"). The parameters are PyTorch's own
U(±1/√H) initialization under a fixed seed.
Run with Debian's python3-torch: /usr/bin/python3 scripts/reference/recurrent.py
PyTorch is used only to produce these fixtures; Descent never depends on it.
"""
import json
import pathlib

import torch

CASES = [
    dict(kind="rnn", n=3, steps=6, features=4, hidden=5),
    dict(kind="lstm", n=3, steps=6, features=4, hidden=5),
    dict(kind="gru", n=3, steps=6, features=4, hidden=5),
    dict(kind="lstm", n=2, steps=20, features=2, hidden=8),
    dict(kind="gru", n=2, steps=20, features=2, hidden=8),
]

LAYERS = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}
NAMES = ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def run(c, last):
    layer = LAYERS[c["kind"]](c["features"], c["hidden"], batch_first=True)
    x = torch.randn(c["n"], c["steps"], c["features"], requires_grad=True)
    out, _ = layer(x)
    y = out[:, -1, :] if last else out
    dy = torch.randn_like(y)
    y.backward(dy)
    params = [getattr(layer, name) for name in NAMES]
    return dict(c, last=last, params=flat(torch.cat([p.reshape(-1) for p in params])), x=flat(x), y=flat(y),
                dy=flat(dy), dx=flat(x.grad), dparams=flat(torch.cat([p.grad.reshape(-1) for p in params])))


def main():
    torch.manual_seed(2013)
    out = [run(c, last) for c in CASES for last in (False, True)]
    path = pathlib.Path(__file__).resolve().parents[2] / "src/test/resources/reference/recurrent.json"
    path.write_text(json.dumps(out))
    print("wrote", path)


if __name__ == "__main__":
    main()
