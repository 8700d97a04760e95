#!/usr/bin/python3
"""Validates ONNX files with ONNX's own checker and shape inference (Debian: apt-get install python3-onnx).

    /usr/bin/python3 scripts/onnx/check.py model.onnx [more.onnx ...]

Prints one line per file (IR version, opset, nodes, inferred output shapes); exits 1 on the first invalid file.
"""
import sys

import onnx
from onnx import checker, shape_inference

for path in sys.argv[1:]:
    model = onnx.load(path)
    try:
        checker.check_model(model, full_check=True)
        inferred = shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
    except Exception as e:  # the checker's own exception types differ between versions
        print(f"{path}: invalid: {str(e).splitlines()[0]}")
        sys.exit(1)
    outputs = []
    for o in inferred.graph.output:
        dims = [d.dim_param or d.dim_value for d in o.type.tensor_type.shape.dim]
        outputs.append(f"{o.name}{dims}")
    opset = ",".join(f"{i.domain or 'ai.onnx'}:{i.version}" for i in model.opset_import)
    print(f"{path}: valid (onnx {onnx.__version__} checker, full check): IR {model.ir_version}, opset {opset}, "
          f"{len(model.graph.node)} nodes, outputs {' '.join(outputs)}")
