#!/usr/bin/env python3
"""Exports the reference models (models.py) with torch.onnx.export into OUT_DIR/<model>.onnx, one output
named "output" each, for the command-line tests (`triton-metal graph model.onnx ...`) and bench/graph."""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import models  # noqa: E402


def export(name, out_dir, opset=14):
    module, x = models.build(name)
    path = os.path.join(out_dir, f"{name}.onnx")
    with torch.no_grad():
        torch.onnx.export(module, (x,), path, opset_version=opset, input_names=["x"], output_names=["output"])
    return path


def main():
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    for name in sys.argv[2:] or models.MODELS:
        print(export(name, out_dir))


if __name__ == "__main__":
    main()
