#!/usr/bin/env python3
"""Writes the example operator graphs (docs/graph-format.md) with deterministic weights in .npy side files.

Graphs: llama_block (RMSNorm, attention with RoPE and causal mask, SwiGLU MLP, residuals), resnet_block
(conv-bn-relu twice plus residual), mlp_gelu (matmul+bias, GELU, matmul+bias). Each at two sizes: "small"
(committed, used by tests) and "medium" (generated on demand: python3 make_graphs.py --size medium --out DIR).
"""
import argparse
import json
import os

import numpy as np

SIZES = {
    "small": dict(llama=dict(S=8, D=32, H=2, F=64), resnet=dict(N=1, C=4, HW=6), mlp=dict(B=4, D=16)),
    "medium": dict(llama=dict(S=32, D=256, H=4, F=688), resnet=dict(N=1, C=32, HW=16), mlp=dict(B=32, D=256)),
}


class GraphWriter:
    def __init__(self, name, out_dir, seed):
        self.name, self.out_dir = name, out_dir
        self.rng = np.random.default_rng(seed)
        self.tensors, self.nodes, self.inputs, self.outputs = {}, [], [], []
        os.makedirs(os.path.join(out_dir, name), exist_ok=True)

    def input(self, name, shape, dtype="f32"):
        self.tensors[name] = {"shape": list(shape), "dtype": dtype}
        self.inputs.append(name)
        return name

    def weight(self, name, shape, scale=None, offset=0.0):
        fan_in = shape[-1] if len(shape) == 1 else int(np.prod(shape[:-1])) if len(shape) == 2 else int(np.prod(shape[1:]))
        scale = scale if scale is not None else 1.0 / np.sqrt(max(fan_in, 1))
        value = (offset + scale * self.rng.standard_normal(shape)).astype(np.float32)
        rel = os.path.join(self.name, name + ".npy")
        np.save(os.path.join(self.out_dir, rel), value)
        self.tensors[name] = {"shape": list(shape), "dtype": "f32", "file": rel}
        return name

    def scalar(self, name, value):
        self.tensors[name] = {"shape": [], "dtype": "f32", "data": [float(value)]}
        return name

    def node(self, name, op, inputs, attrs=None, out=None):
        out = out or name
        node = {"name": name, "op": op, "inputs": list(inputs), "outputs": [out]}
        if attrs:
            node["attrs"] = attrs
        self.nodes.append(node)
        return out

    def write(self, doc):
        graph = {"format": "triton-metal-graph", "version": 1, "name": self.name, "doc": doc, "inputs": self.inputs,
                 "outputs": self.outputs, "tensors": self.tensors, "nodes": self.nodes}
        with open(os.path.join(self.out_dir, self.name + ".json"), "w") as f:
            json.dump(graph, f, indent=1)
            f.write("\n")


def llama_block(out_dir, size, S, D, H, F):
    g = GraphWriter(f"llama_block_{size}", out_dir, 1)
    dh = D // H
    x = g.input("x", [S, D])
    h = g.node("attn_norm", "rms_norm", [x, g.weight("g_attn", [D], 0.1, 1.0)], {"eps": 1e-6})
    heads = {}
    for p in "qkv":
        t = g.node(f"{p}_proj", "matmul", [h, g.weight(f"w{p}", [D, D])])
        t = g.node(f"{p}_split", "reshape", [t], {"shape": [S, H, dh]})
        t = g.node(f"{p}_heads", "transpose", [t], {"perm": [1, 0, 2]})
        if p in "qk":
            t = g.node(f"{p}_rope", "rope", [t], {"base": 10000.0})
        heads[p] = t
    s = g.node("attn_qk", "matmul", [heads["q"], heads["k"]], {"transpose_b": True})
    s = g.node("attn_scale", "mul", [s, g.scalar("inv_sqrt_dh", 1.0 / np.sqrt(dh))])
    s = g.node("attn_mask", "causal_mask", [s])
    s = g.node("attn_softmax", "softmax", [s], {"axis": -1})
    c = g.node("attn_pv", "matmul", [s, heads["v"]])
    c = g.node("ctx_heads", "transpose", [c], {"perm": [1, 0, 2]})
    c = g.node("ctx_merge", "reshape", [c], {"shape": [S, D]})
    a = g.node("o_proj", "matmul", [c, g.weight("wo", [D, D])])
    h2 = g.node("resid_attn", "add", [x, a])
    n2 = g.node("mlp_norm", "rms_norm", [h2, g.weight("g_mlp", [D], 0.1, 1.0)], {"eps": 1e-6})
    gate = g.node("gate_proj", "matmul", [n2, g.weight("w1", [D, F])])
    gate = g.node("gate_silu", "silu", [gate])
    up = g.node("up_proj", "matmul", [n2, g.weight("w3", [D, F])])
    m = g.node("gate_mul", "mul", [gate, up])
    d = g.node("down_proj", "matmul", [m, g.weight("w2", [F, D])])
    g.node("resid_mlp", "add", [h2, d], out="y")
    g.outputs = ["y"]
    g.write(f"LLaMA-style decoder block: S={S}, D={D}, heads={H}, FFN={F}")


def resnet_block(out_dir, size, N, C, HW):
    g = GraphWriter(f"resnet_block_{size}", out_dir, 2)
    x = g.input("x", [N, C, HW, HW])
    t = x
    for i in (1, 2):
        t = g.node(f"conv{i}", "conv2d", [t, g.weight(f"conv{i}_w", [C, C, 3, 3])], {"stride": 1, "padding": 1})
        bn = [g.weight(f"bn{i}_gamma", [C], 0.1, 1.0), g.weight(f"bn{i}_beta", [C], 0.1), g.weight(f"bn{i}_mean", [C], 0.1),
              g.weight(f"bn{i}_var", [C], 0.1, 1.0)]
        t = g.node(f"bn{i}", "batch_norm", [t] + bn, {"eps": 1e-5})
        if i == 1:
            t = g.node("relu1", "relu", [t])
    t = g.node("residual", "add", [t, x])
    g.node("relu2", "relu", [t], out="y")
    g.outputs = ["y"]
    g.write(f"ResNet basic block: N={N}, C={C}, {HW}x{HW}, conv3x3-bn-relu, conv3x3-bn, + x, relu")


def mlp_gelu(out_dir, size, B, D):
    g = GraphWriter(f"mlp_gelu_{size}", out_dir, 3)
    x = g.input("x", [B, D])
    h = g.node("fc1", "matmul", [x, g.weight("w1", [D, 4 * D])])
    h = g.node("fc1_bias", "add", [h, g.weight("b1", [4 * D], 0.1)])
    h = g.node("act", "gelu", [h])
    h = g.node("fc2", "matmul", [h, g.weight("w2", [4 * D, D])])
    g.node("fc2_bias", "add", [h, g.weight("b2", [D], 0.1)], out="y")
    g.outputs = ["y"]
    g.write(f"MLP with GELU: batch {B}, {D} -> {4 * D} -> {D}")


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--size", choices=sorted(SIZES), action="append")
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    args = ap.parse_args()
    for size in args.size or ["small"]:
        s = SIZES[size]
        llama_block(args.out, size, **s["llama"])
        resnet_block(args.out, size, **s["resnet"])
        mlp_gelu(args.out, size, **s["mlp"])


if __name__ == "__main__":
    main()
