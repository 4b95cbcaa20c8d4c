"""Writes a small safetensors file (8-byte header length, JSON header, raw little-endian data) and a graph
that reads its weights from it. Usage: make_safetensors.py OUT_DIR"""
import json
import os
import struct
import sys

import numpy as np

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(4)
tensors = {"fc.weight": rng.standard_normal((8, 4)).astype(np.float32), "fc.bias": rng.standard_normal(4).astype(np.float16)}
header, blobs, offset = {}, [], 0
for name, value in tensors.items():
    data = value.tobytes()
    header[name] = {"dtype": "F32" if value.dtype == np.float32 else "F16", "shape": list(value.shape), "data_offsets": [offset, offset + len(data)]}
    blobs.append(data)
    offset += len(data)
text = json.dumps(header).encode()
with open(os.path.join(out, "weights.safetensors"), "wb") as f:
    f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))
graph = {"weights": "weights.safetensors", "inputs": ["x"], "outputs": ["y"],
         "tensors": {"x": {"shape": [2, 8], "dtype": "f32"}, "w": {"shape": [8, 4], "dtype": "f32", "safetensors": "fc.weight"},
                     "b16": {"shape": [4], "dtype": "f16", "safetensors": "fc.bias"}},
         "nodes": [{"name": "fc", "op": "matmul", "inputs": ["x", "w"], "outputs": ["h"]},
                   {"name": "b32", "op": "cast", "inputs": ["b16"], "outputs": ["b"], "attrs": {"dtype": "f32"}},
                   {"name": "bias", "op": "add", "inputs": ["h", "b"], "outputs": ["hb"]},
                   {"name": "act", "op": "silu", "inputs": ["hb"], "outputs": ["y"]}]}
json.dump(graph, open(os.path.join(out, "graph.json"), "w"))
bad = dict(graph, tensors=dict(graph["tensors"], w={"shape": [4, 8], "dtype": "f32", "safetensors": "fc.weight"}))
json.dump(bad, open(os.path.join(out, "bad.json"), "w"))
