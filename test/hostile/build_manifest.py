#!/usr/bin/python3
"""Writes manifest.json, the hostile-input corpus of issue 18 (run by run_corpus.py under CTest).

Each case is one hostile input (files, folders, FIFOs, symlinks) and one command, with the exit code and
the stderr message (a regex) the command must give. Cases are grouped by the class of issue 18 they
cover and carry the engineer whose code must handle them (`owner`); cases whose owner is not `hostile`
may fail until that engineer's branch is merged. Regenerate after editing: /usr/bin/python3 build_manifest.py

File values in a case's "files": a string (text; "{root}" and "{work}" are replaced by the case's
folders), {"b64": ...} (bytes), {"repeat": [[text, count], ...]} (large generated text) or {"json": obj}.
"""
import base64
import json
import os
import struct

CASES = []
VECTOR_ADD = """import triton
import triton.language as tl


@triton.jit
def add_kernel(x_ptr, y_ptr, out_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    pid = tl.program_id(axis=0)
    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    x = tl.load(x_ptr + offsets, mask=mask)
    y = tl.load(y_ptr + offsets, mask=mask)
    tl.store(out_ptr + offsets, x + y, mask=mask)
"""
RUN_ADD = ["{tm}", "run", "k.py", "-k", "add_kernel", "-s", "x_ptr=*fp32:16, y_ptr=*fp32:16, out_ptr=*fp32:16, n_elements=i32",
           "-c", "BLOCK_SIZE=64"]
COPY_MSL = """#include <metal_stdlib>
using namespace metal;
kernel void copy(device const int* src [[buffer(0)]], device int* dst [[buffer(1)]], uint i [[thread_position_in_grid]]) {
  dst[i] = src[i];
}
"""
EMU = ["{tm}", "emulate", "k.metal", "--entry", "copy"]
USAGE = 2
FAIL = 1


def case(cid, klass, cmd, exit_code, stderr=None, files=None, special=None, owner="hostile", stdout=None, timeout=60,
         env=None, expect_files=None, own_cache=False):
    assert not any(c["id"] == cid for c in CASES), cid
    CASES.append({k: v for k, v in {
        "id": cid, "class": klass, "owner": owner, "cmd": cmd, "exit": exit_code, "stderr": stderr, "stdout": stdout,
        "files": files or {}, "special": special or [], "timeout": timeout, "env": env or {},
        "expect_files": expect_files or [], "own_cache": own_cache}.items() if not (v is None or v is False or v == [] or v == {})})


# ---------------------------------------------------------------- binary builders
def npy_bytes(header, data=b"", version=1):
    h = header.encode()
    if version == 1:
        return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(h)) + h + data
    return b"\x93NUMPY" + bytes([version, 0]) + struct.pack("<I", len(h)) + h + data


def npy_f32(shape, values):
    dims = ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "")
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%s), }" % dims
    header += " " * (63 - (10 + len(header)) % 64) + "\n"
    return npy_bytes(header, struct.pack("<%df" % len(values), *values))


def st_bytes(header, data=b"", header_len=None):
    h = header if isinstance(header, bytes) else json.dumps(header).encode()
    n = len(h) if header_len is None else header_len
    return struct.pack("<Q", n) + h + data


def b64(data):
    return {"b64": base64.b64encode(data).decode()}


# ---------------------------------------------------------------- graph builders
def graph(tensors=None, nodes=None, inputs=("x",), outputs=("y",), extra=None):
    g = {"format": "triton-metal-graph", "version": 1, "inputs": list(inputs), "outputs": list(outputs),
         "tensors": tensors if tensors is not None else {"x": {"shape": [4, 8], "dtype": "f32"}},
         "nodes": nodes if nodes is not None else [{"name": "act", "op": "relu", "inputs": ["x"], "outputs": ["y"]}]}
    g.update(extra or {})
    return g


def weight_graph(weight_decl, extra=None):
    """x [4,8] + w [8] -> y, with w declared as given."""
    return graph(tensors={"x": {"shape": [4, 8], "dtype": "f32"}, "w": dict({"shape": [8], "dtype": "f32"}, **weight_decl)},
                 nodes=[{"name": "add", "op": "add", "inputs": ["x", "w"], "outputs": ["y"]}], extra=extra)


GOOD_W = npy_f32([8], [0.5 * i - 1 for i in range(8)])
GRAPH = ["{tm}", "graph", "g.json", "--report"]

# ================================================================ security: graph weight paths
sec = "security/graph-file-paths"
for cid, path, why in [
        ("parent", "../outside/secret.npy", r"'\.\.' is not allowed"),
        ("parent-nested", "sub/../../outside/secret.npy", r"'\.\.' is not allowed"),
        ("dot-parent", "./../outside/secret.npy", r"'\.\.' is not allowed"),
        ("deep-parent", "../../../../../../../../etc/passwd", r"'\.\.' is not allowed"),
        ("absolute", "{root}/outside/secret.npy", "not an absolute path"),
        ("absolute-etc", "/etc/passwd", "not an absolute path"),
        ("absolute-dev-zero", "/dev/zero", "not an absolute path"),
        ("absolute-proc", "/proc/self/environ", "not an absolute path"),
        ("empty", "", "is empty"),
        ("missing", "nothere.npy", "no such file"),
        ("tilde", "~/secret.npy", "no such file"),
        ("nul", "w.npy\u0000.txt", "NUL character")]:
    case(f"weight-file-{cid}", sec, GRAPH, FAIL, r"field 'file'.*" + why,
         files={"g.json": {"json": weight_graph({"file": path})}, "w.npy": b64(GOOD_W)})
case("weight-file-symlink-escape", sec, GRAPH, FAIL, "outside the graph's folder",
     files={"g.json": {"json": weight_graph({"file": "w.npy"})}}, special=[{"symlink": ["w.npy", "{root}/outside/secret.npy"]}])
case("weight-file-symlink-dir-escape", sec, GRAPH, FAIL, "outside the graph's folder",
     files={"g.json": {"json": weight_graph({"file": "sub/secret.npy"})}}, special=[{"symlink": ["sub", "{root}/outside"]}])
case("weight-file-fifo", sec, GRAPH, FAIL, "not a regular file", timeout=20,
     files={"g.json": {"json": weight_graph({"file": "w.npy"})}}, special=[{"fifo": "w.npy"}])
case("weight-file-folder", sec, GRAPH, FAIL, "is a folder", files={"g.json": {"json": weight_graph({"file": "w.npy"})}},
     special=[{"mkdir": "w.npy"}])
case("weight-file-dev-null-link", sec, GRAPH, FAIL, "outside the graph's folder|not a regular file",
     files={"g.json": {"json": weight_graph({"file": "w.npy"})}}, special=[{"symlink": ["w.npy", "/dev/null"]}])
case("weight-file-symlink-inside-ok", sec, GRAPH, 0, stdout="kernels|memory|group",
     files={"g.json": {"json": weight_graph({"file": "link.npy"})}, "real.npy": b64(GOOD_W)}, special=[{"symlink": ["link.npy", "real.npy"]}])
case("weight-file-subfolder-ok", sec, GRAPH, 0, stdout="kernels|memory|group",
     files={"g.json": {"json": weight_graph({"file": "sub/w.npy"})}, "sub/w.npy": b64(GOOD_W)})
for cid, path, why in [("parent", "../outside/w.safetensors", r"'\.\.' is not allowed"),
                       ("absolute", "{root}/outside/w.safetensors", "not an absolute path"),
                       ("missing", "none.safetensors", "no such file")]:
    case(f"weights-{cid}", sec, GRAPH, FAIL, "field 'weights'.*" + why,
         files={"g.json": {"json": weight_graph({"safetensors": "w"}, extra={"weights": path})}})
case("weights-fifo", sec, GRAPH, FAIL, "not a regular file", timeout=20,
     files={"g.json": {"json": weight_graph({"safetensors": "w"}, extra={"weights": "w.safetensors"})}}, special=[{"fifo": "w.safetensors"}])
case("weights-symlink-escape", sec, GRAPH, FAIL, "outside the graph's folder",
     files={"g.json": {"json": weight_graph({"safetensors": "w"}, extra={"weights": "w.safetensors"})}},
     special=[{"symlink": ["w.safetensors", "{root}/outside/w.safetensors"]}])
case("weights-folder", sec, GRAPH, FAIL, "is a folder",
     files={"g.json": {"json": weight_graph({"safetensors": "w"}, extra={"weights": "w.safetensors"})}}, special=[{"mkdir": "w.safetensors"}])
case("graph-file-folder", sec, ["{tm}", "graph", "g.json"], FAIL, "is a folder", special=[{"mkdir": "g.json"}])
case("graph-file-fifo", sec, ["{tm}", "graph", "g.json"], FAIL, "not a regular file", special=[{"fifo": "g.json"}], timeout=20)
case("graph-file-missing", sec, ["{tm}", "graph", "nothere.json"], FAIL, "no such file")

# --values-dir: tensor names from the graph become safe file names inside the folder
vals = "security/values-dir"
RUNREF = ["{tm}", "graph", "g.json", "--run", "--reference", "--values-dir", "vals"]
for cid, name, fname in [("parent", "../../outside/pwned", "_.._.._outside_pwned.npy"),
                         ("absolute", "{root}/outside/pwned", None),
                         ("hidden", ".bashrc", "_.bashrc.npy"),
                         ("slashes", "a/b/c", "a_b_c.npy"),
                         ("spaces", "my tensor", "my_tensor.npy"),
                         ("newline", "a\nb", "a_b.npy"),
                         ("dotdot", "..", "_...npy")]:
    g = graph(nodes=[{"name": "act", "op": "relu", "inputs": ["x"], "outputs": [name]},
                     {"name": "neg", "op": "neg", "inputs": [name], "outputs": ["y"]}])
    case(f"values-dir-name-{cid}", vals, RUNREF, 0, stdout="float64 reference", files={"g.json": {"json": g}},
         expect_files=["vals/y.npy"] + ([f"vals/{fname}"] if fname else []))
g = graph(nodes=[{"name": "n1", "op": "relu", "inputs": ["x"], "outputs": ["a/b"]},
                 {"name": "n2", "op": "neg", "inputs": ["x"], "outputs": ["a_b"]},
                 {"name": "n3", "op": "add", "inputs": ["a/b", "a_b"], "outputs": ["y"]}])
case("values-dir-name-collision", vals, RUNREF + ["--no-optimize"], 0, stdout="float64 reference", files={"g.json": {"json": g}},
     expect_files=["vals/a_b.npy", "vals/a_b-2.npy", "vals/y.npy"])
case("values-dir-symlink-planted", vals, RUNREF, FAIL, "is a symlink; refusing", files={"g.json": {"json": graph()}},
     special=[{"mkdir": "vals"}, {"symlink": ["vals/y.npy", "{root}/outside/target.npy"]}])

# ================================================================ security: safetensors
st = "security/safetensors"
ST_GRAPH = {"json": weight_graph({"safetensors": "w"}, extra={"weights": "w.safetensors"})}
DATA32 = struct.pack("<8f", *[0.25 * i for i in range(8)])
U64 = 2 ** 64
for cid, hdr, data, why in [
        ("offsets-sum-overflow", {"w": {"dtype": "F32", "shape": [8], "data_offsets": [U64 - 32, U64 - 1]}}, DATA32, "outside the file"),
        ("offsets-wrap-to-zero", {"w": {"dtype": "F32", "shape": [8], "data_offsets": [U64 - 40, U64 - 8]}}, DATA32, "outside the file"),
        ("offsets-before-buffer", {"w": {"dtype": "F32", "shape": [8], "data_offsets": [U64 - 16 * 2 ** 20, U64 - 16 * 2 ** 20 + 32]}}, DATA32,
         "outside the file"),
        ("offsets-end-past-file", {"w": {"dtype": "F32", "shape": [8], "data_offsets": [0, 64]}}, DATA32, "outside the file"),
        ("offsets-begin-after-end", {"w": {"dtype": "F32", "shape": [8], "data_offsets": [32, 0]}}, DATA32, "outside the file"),
        ("offsets-negative", {"w": {"dtype": "F32", "shape": [8], "data_offsets": [-32, 0]}}, DATA32, "data_offsets"),
        ("offsets-strings", {"w": {"dtype": "F32", "shape": [8], "data_offsets": ["0", "32"]}}, DATA32, "data_offsets"),
        ("offsets-three", {"w": {"dtype": "F32", "shape": [8], "data_offsets": [0, 16, 32]}}, DATA32, "data_offsets"),
        ("offsets-float", {"w": {"dtype": "F32", "shape": [8], "data_offsets": [0, 32.0]}}, DATA32, "data_offsets"),
        ("size-mismatch", {"w": {"dtype": "F32", "shape": [8], "data_offsets": [0, 16]}}, DATA32, "holds 16 bytes"),
        ("shape-overflow", {"w": {"dtype": "F32", "shape": [2 ** 62, 4], "data_offsets": [0, 0]}}, b"", "larger than"),
        ("shape-2^32-squared", {"w": {"dtype": "F32", "shape": [2 ** 32, 2 ** 32], "data_offsets": [0, 0]}}, b"", "larger than"),
        ("shape-negative", {"w": {"dtype": "F32", "shape": [-8], "data_offsets": [0, 32]}}, DATA32, "non-negative integers"),
        ("shape-string", {"w": {"dtype": "F32", "shape": "8", "data_offsets": [0, 32]}}, DATA32, "field 'shape'"),
        ("shape-zero", {"w": {"dtype": "F32", "shape": [0], "data_offsets": [0, 0]}}, b"", "is 0"),
        ("dtype-number", {"w": {"dtype": 7, "shape": [8], "data_offsets": [0, 32]}}, DATA32, "field 'dtype' must be a string"),
        ("dtype-unsupported", {"w": {"dtype": "F64", "shape": [8], "data_offsets": [0, 64]}}, DATA32 * 2, "unsupported dtype"),
        ("entry-missing-fields", {"w": {"dtype": "F32"}}, DATA32, "malformed entry"),
        ("entry-not-object", {"w": [1, 2]}, DATA32, "malformed entry"),
        ("key-missing", {"v": {"dtype": "F32", "shape": [8], "data_offsets": [0, 32]}}, DATA32, "not in the weights file"),
        ("shape-mismatch", {"w": {"dtype": "F32", "shape": [2, 4], "data_offsets": [0, 32]}}, DATA32, r"holds \[2,4\]"),
        ("header-array", [1, 2, 3], DATA32, "not a JSON object")]:
    case(f"safetensors-{cid}", st, GRAPH, FAIL, why, files={"g.json": ST_GRAPH, "w.safetensors": b64(st_bytes(hdr, data))})
case("safetensors-metadata-key", st, GRAPH, FAIL, "not in the weights file",
     files={"g.json": {"json": weight_graph({"safetensors": "__metadata__"}, extra={"weights": "w.safetensors"})},
            "w.safetensors": b64(st_bytes({"__metadata__": {"a": "b"}}, DATA32))})
case("safetensors-header-length-huge", st, GRAPH, FAIL, "header length",
     files={"g.json": ST_GRAPH, "w.safetensors": b64(st_bytes(b"{}", b"", header_len=U64 - 1))})
case("safetensors-header-length-past-end", st, GRAPH, FAIL, "header length",
     files={"g.json": ST_GRAPH, "w.safetensors": b64(st_bytes(b"{}", b"", header_len=1000))})
case("safetensors-too-short", st, GRAPH, FAIL, "too short", files={"g.json": ST_GRAPH, "w.safetensors": b64(b"\x01\x02")})
case("safetensors-empty", st, GRAPH, FAIL, "too short", files={"g.json": ST_GRAPH, "w.safetensors": ""})
case("safetensors-header-garbage", st, GRAPH, FAIL, "malformed safetensors header",
     files={"g.json": ST_GRAPH, "w.safetensors": b64(st_bytes(b"\xff\xfe{{{", DATA32))})
case("safetensors-header-deep", st, GRAPH, FAIL, "nested deeper",
     files={"g.json": ST_GRAPH, "w.safetensors": b64(st_bytes(b"[" * 1000 + b"]" * 1000))})
case("safetensors-good", st, GRAPH, 0, stdout="kernels|memory|group",
     files={"g.json": ST_GRAPH, "w.safetensors": b64(st_bytes({"w": {"dtype": "F32", "shape": [8], "data_offsets": [0, 32]}}, DATA32))})

# ================================================================ security: .npy
npy = "security/npy"
NPY_GRAPH = {"json": weight_graph({"file": "w.npy"})}
def npy_hdr(descr="<f4", shape="(8,)", fortran="False"):
    h = "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (descr, fortran, shape)
    return h + " " * (63 - (10 + len(h)) % 64) + "\n"
for cid, data, why in [
        ("bad-magic", b"NOTNUMPY" + b"\x00" * 64, "magic"),
        ("too-short", b"\x93NUMPY", "magic"),
        ("truncated-header", npy_bytes(npy_hdr())[:20], "truncated header"),
        ("v2-header-length-huge", b"\x93NUMPY\x02\x00\xff\xff\xff\xff{}", "truncated header"),
        ("v1-header-length-past-end", b"\x93NUMPY\x01\x00\xff\xff{}", "truncated header"),
        ("version-9", b"\x93NUMPY\x09\x00\x10\x00" + b" " * 16, "unsupported format version"),
        ("shape-overflow", npy_bytes(npy_hdr(shape="(4611686018427387904, 4)")), "larger than"),
        ("shape-2^32-squared", npy_bytes(npy_hdr(shape="(4294967296, 4294967296)")), "larger than"),
        ("shape-negative", npy_bytes(npy_hdr(shape="(-8,)")), "malformed 'shape'"),
        ("shape-beyond-int64", npy_bytes(npy_hdr(shape="(99999999999999999999,)")), "malformed 'shape'"),
        ("shape-garbage", npy_bytes(npy_hdr(shape="(8, x)")), "malformed 'shape'"),
        ("shape-float", npy_bytes(npy_hdr(shape="(8.5,)")), "malformed 'shape'"),
        ("shape-zero", npy_bytes(npy_hdr(shape="(0,)")), "is 0"),
        ("shape-17-dims", npy_bytes(npy_hdr(shape="(" + "1, " * 17 + ")")), "more than 16 dimensions"),
        ("big-endian", npy_bytes(npy_hdr(descr=">f4"), DATA32), "little-endian only"),
        ("f64", npy_bytes(npy_hdr(descr="<f8"), DATA32 * 2), "unsupported dtype"),
        ("fortran", npy_bytes(npy_hdr(fortran="True"), DATA32), "Fortran order"),
        ("data-short", npy_bytes(npy_hdr(), DATA32[:16]), "holds 16 data bytes"),
        ("data-long", npy_bytes(npy_hdr(), DATA32 * 2), "holds 64 data bytes"),
        ("no-descr", npy_bytes("{'shape': (8,), }" + " " * 36 + "\n", DATA32), "no 'descr'"),
        ("no-shape", npy_bytes("{'descr': '<f4', }" + " " * 35 + "\n", DATA32), "no 'shape'"),
        ("wrong-shape", npy_f32([2, 4], [0.0] * 8), r"holds shape \[2,4\]"),
        ("wrong-dtype", npy_bytes(npy_hdr(descr="<i4"), DATA32), "holds dtype")]:
    case(f"npy-{cid}", npy, GRAPH, FAIL, why, files={"g.json": NPY_GRAPH, "w.npy": b64(data)})
case("npy-good", npy, GRAPH, 0, stdout="kernels|memory|group", files={"g.json": NPY_GRAPH, "w.npy": b64(GOOD_W)})

# ================================================================ graph JSON: silent acceptance and unclear messages
gj = "silent-acceptance/graph-json"
def graph_text(text):
    return {"g.json": text}
GOOD_TEXT = json.dumps(graph())
case("json-duplicate-tensor-field", gj, GRAPH, FAIL, r"duplicate key 'shape' in 'tensors\.x'",
     files=graph_text(GOOD_TEXT.replace('"shape": [4, 8]', '"shape": [4, 8], "shape": [2, 2]')))
case("json-duplicate-tensor", gj, GRAPH, FAIL, "duplicate key 'x' in 'tensors'",
     files=graph_text(GOOD_TEXT.replace('"tensors": {', '"tensors": {"x": {"shape": [1], "dtype": "f16"}, ')))
case("json-duplicate-top-level", gj, GRAPH, FAIL, "duplicate key 'outputs' in the top-level object",
     files=graph_text(GOOD_TEXT.replace('"outputs": ["y"]', '"outputs": ["y"], "outputs": ["x"]')))
case("json-duplicate-node-field", gj, GRAPH, FAIL, r"duplicate key 'op' in 'nodes\[\]'",
     files=graph_text(GOOD_TEXT.replace('"op": "relu"', '"op": "relu", "op": "neg"')))
case("json-duplicate-attr", gj, GRAPH, FAIL, "duplicate key 'axis'",
     files={"g.json": json.dumps(graph(nodes=[{"name": "s", "op": "softmax", "inputs": ["x"], "outputs": ["y"], "attrs": {"axis": 1}}]))
            .replace('"axis": 1', '"axis": 1, "axis": 0')})
for cid, shape, why in [("zero-dim", [0, 4], "field 'shape' must hold positive integers, found 0"), ("zero-last", [4, 0], "field 'shape' must hold positive integers, found 0"), ("negative", [-1, 4], "positive integers"),
                        ("float", [1.5], "positive integers"), ("string", ["4"], "positive integers"), ("bool", [True], "positive integers"),
                        ("u64-max", [2 ** 64 - 1], "positive integers"), ("2^63", [2 ** 63], "positive integers"),
                        ("2^62x4", [2 ** 62, 4], "larger than"), ("2^32x2^32", [2 ** 32, 2 ** 32], "larger than"),
                        ("17-dims", [1] * 17, "at most 16"), ("not-list", 8, "list of extents"),
                        ("2^48-bytes", [2 ** 46, 2 ** 2], "larger than"), ("huge-exponent", None, "malformed JSON: number overflow")]:
    t = graph(tensors={"x": {"shape": shape, "dtype": "f32"}})
    text = json.dumps(t) if shape is not None else GOOD_TEXT.replace("[4, 8]", "[1e400]")
    case(f"json-shape-{cid}", gj, GRAPH, FAIL, "tensor 'x'.*" + why if shape is not None else why, files=graph_text(text))
case("json-weight-overflow-empty-data", gj, GRAPH, FAIL, "tensor 'w'.*larger than",
     files={"g.json": {"json": weight_graph({"shape": [2 ** 62, 4], "data": []})}})
case("json-weight-data-count", gj, GRAPH, FAIL, "has 3 values, shape \\[8\\] needs 8", files={"g.json": {"json": weight_graph({"data": [1, 2, 3]})}})
case("json-weight-data-strings", gj, GRAPH, FAIL, "only numbers", files={"g.json": {"json": weight_graph({"data": ["1"] * 8})}})
case("json-weight-data-deep", gj, GRAPH, FAIL, "nested deeper than 64",
     files={"g.json": {"repeat": [['{"tensors": {"w": {"data": ', 1], ["[", 100000], ["1", 1], ["]", 100000], ["}}}", 1]]}})
case("json-deep-objects", gj, GRAPH, FAIL, "nested deeper than 64", files={"g.json": {"repeat": [['{"a":', 100000], ["1", 1], ["}", 100000]]}})
case("json-deep-unterminated", gj, GRAPH, FAIL, "nested deeper than 64|malformed JSON", files={"g.json": {"repeat": [["[", 1000000]]}})
case("json-name-number", gj, GRAPH, FAIL, "field 'name' must be a string", files={"g.json": {"json": graph(extra={"name": 42})}})
case("json-dtype-number", gj, GRAPH, FAIL, "field 'dtype' must be a dtype name", files={"g.json": {"json": graph(tensors={"x": {"shape": [4], "dtype": 3}})}})
case("json-dtype-unknown", gj, GRAPH, FAIL, "unknown dtype 'f128'", files={"g.json": {"json": graph(tensors={"x": {"shape": [4], "dtype": "f128"}})}})
case("json-tensors-list", gj, GRAPH, FAIL, "field 'tensors' must be an object", files={"g.json": {"json": graph(extra={"tensors": []})}})
case("json-nodes-object", gj, GRAPH, FAIL, "field 'nodes' must be a list", files={"g.json": {"json": graph(extra={"nodes": {}})}})
case("json-node-not-object", gj, GRAPH, FAIL, "node #0: must be an object", files={"g.json": {"json": graph(nodes=[7])}})
case("json-node-name-number", gj, GRAPH, FAIL, "field 'name' must be a string",
     files={"g.json": {"json": graph(nodes=[{"name": 1, "op": "relu", "inputs": ["x"], "outputs": ["y"]}])}})
case("json-node-inputs-numbers", gj, GRAPH, FAIL, "list of tensor names",
     files={"g.json": {"json": graph(nodes=[{"name": "a", "op": "relu", "inputs": [1], "outputs": ["y"]}])}})
case("json-node-attrs-list", gj, GRAPH, FAIL, "field 'attrs' must be an object",
     files={"g.json": {"json": graph(nodes=[{"name": "a", "op": "relu", "inputs": ["x"], "outputs": ["y"], "attrs": []}])}})
case("json-attr-u64", gj, GRAPH, FAIL, "attribute 'axis' must be an integer",
     files={"g.json": {"json": graph(nodes=[{"name": "s", "op": "softmax", "inputs": ["x"], "outputs": ["y"], "attrs": {"axis": 2 ** 64 - 1}}])}})
case("json-attr-axis-range", gj, GRAPH, FAIL, "out of range for rank",
     files={"g.json": {"json": graph(nodes=[{"name": "s", "op": "softmax", "inputs": ["x"], "outputs": ["y"], "attrs": {"axis": 2 ** 40}}])}})
case("json-node-unknown-op", gj, GRAPH, FAIL, "unknown op 'frobnicate'",
     files={"g.json": {"json": graph(nodes=[{"name": "a", "op": "frobnicate", "inputs": ["x"], "outputs": ["y"]}])}})
case("json-node-zero-output", gj, GRAPH, FAIL, "node 's'.*output 'y'.*is 0",
     files={"g.json": {"json": graph(nodes=[{"name": "s", "op": "slice", "inputs": ["x"], "outputs": ["y"],
                                             "attrs": {"starts": [0, 4], "ends": [4, 4]}}])}})
case("json-node-output-overflow", gj, GRAPH, FAIL, "node 'a'.*output 'y'.*larger than",
     files={"g.json": {"json": graph(tensors={"p": {"shape": [2 ** 31, 1], "dtype": "f32"}, "q": {"shape": [1, 2 ** 31], "dtype": "f32"}},
                                     inputs=["p", "q"], nodes=[{"name": "a", "op": "add", "inputs": ["p", "q"], "outputs": ["y"]}])}})
case("json-reshape-zero", gj, GRAPH, FAIL, "node 'r'",
     files={"g.json": {"json": graph(nodes=[{"name": "r", "op": "reshape", "inputs": ["x"], "outputs": ["y"], "attrs": {"shape": [0, 32]}}])}})
case("json-cycle", gj, GRAPH, FAIL, "cycle",
     files={"g.json": {"json": graph(nodes=[{"name": "a", "op": "add", "inputs": ["x", "b"], "outputs": ["a"]},
                                            {"name": "b", "op": "relu", "inputs": ["a"], "outputs": ["b"]},
                                            {"name": "c", "op": "relu", "inputs": ["b"], "outputs": ["y"]}])}})
case("json-input-with-data", gj, GRAPH, FAIL, "graph input 'x' has weight data",
     files={"g.json": {"json": graph(tensors={"x": {"shape": [2], "dtype": "f32", "data": [1, 2]}})}})
case("json-unknown-field", gj, GRAPH, FAIL, "unknown field 'bogus'", files={"g.json": {"json": graph(extra={"bogus": 1})}})
case("json-truncated", gj, GRAPH, FAIL, r"g\.json:1:\d+: malformed JSON", files=graph_text(GOOD_TEXT[:40]))
case("json-empty", gj, GRAPH, FAIL, "malformed JSON", files=graph_text(""))
case("json-binary", gj, GRAPH, FAIL, "malformed JSON", files={"g.json": b64(bytes(range(256)))})
case("json-nan-literal", gj, GRAPH, FAIL, "malformed JSON", files=graph_text(GOOD_TEXT.replace("[4, 8]", "[NaN]")))
case("json-bad-utf8", gj, GRAPH, FAIL, "malformed JSON", files={"g.json": b64(GOOD_TEXT.replace('"act"', '"a\xff"').encode("latin-1"))})
case("json-top-level-array", gj, GRAPH, FAIL, "must be a JSON object", files=graph_text("[]"))
case("json-no-outputs", gj, GRAPH, FAIL, "no outputs", files={"g.json": {"json": graph(outputs=())}})
case("json-host-memory-run", gj, ["{tm}", "graph", "g.json", "--run", "--reference"], FAIL, "host memory.*tensor '[xy]' \\[1099511627776\\]",
     files={"g.json": {"json": graph(tensors={"x": {"shape": [2 ** 40], "dtype": "f32"}})}})

# 10k- and 20k-node chains: load, optimize, report in linear time, no recursion on the chain
hang = "hang/graph-report"
for n in (2000, 10000, 20000):
    case(f"graph-chain-{n}-report", hang, GRAPH, 0, stdout="kernel", files={"g.json": {"chain_graph": n}}, timeout=60)
case("graph-chain-20k-reversed-unfused", hang, ["{tm}", "graph", "g.json", "--no-optimize", "--no-fuse"], 0,
     files={"g.json": {"chain_graph": 20000, "reversed": True}}, timeout=90, stdout="kernel")

# ================================================================ CLI numbers: strict, whole string, range-checked
num = "silent-truncation/cli-numbers"
KFILES = {"k.py": VECTOR_ADD}
SIZES = ["--size", "x_ptr=64,y_ptr=64,out_ptr=64,n_elements=64"]
for cid, grid, why in [("2^32+1", "4294967297", "out of range"), ("2^31", "2147483648", "out of range"), ("2^32", "4294967296", "out of range"),
                       ("4x", "4x", "not an integer"), ("1.5", "1.5", "not an integer"), ("zero", "0", "at least 1"),
                       ("negative", "-1", "out of range"), ("empty", "", "expected positive integers"), ("empty-dim", "1,,1", "expected positive integers"),
                       ("four-dims", "1,1,1,1", "more than 3 dimensions"), ("space", " 4", "not an integer"), ("nan", "nan", "not an integer"),
                       ("exponent", "1e3", "not an integer"), ("y-2^31", "1,2147483648", "out of range"), ("z-huge", "1,1,99999999999999999999999", "out of range"),
                       ("trailing-comma", "4,", "expected positive integers"), ("hex-garbage", "0xZZ", "not an integer"), ("unicode-digit", "\u0664", "not an integer")]:
    case(f"run-grid-{cid}", num, RUN_ADD + ["--grid", grid] + SIZES, USAGE, "--grid.*" + why, files=KFILES)
case("run-grid-threads-past-2^32", num, RUN_ADD + ["--grid", "2147483647"] + SIZES, USAGE, "exceed Metal's", files=KFILES)
for cid, text, why in [("3e9", "3e9", "not an integer"), ("1e30", "1e30", "not an integer"), ("nan", "nan", "integer"), ("inf", "inf", "integer"),
                       ("5abc", "5abc", "not an integer"), ("2^31", "2147483648", "out of range"), ("-2^31-1", "-2147483649", "out of range"),
                       ("1.5", "1.5", "not an integer"), ("empty", "", "not an integer"), ("hex-huge", "0xffffffffffffffffff", "out of range"),
                       ("space-inside", "6 4", "not an integer"), ("plus-minus", "+-4", "not an integer")]:
    case(f"run-size-scalar-{cid}", num, RUN_ADD + ["--size", f"x_ptr=64,y_ptr=64,out_ptr=64,n_elements={text}"], USAGE,
         "--size n_elements.*" + why, files=KFILES)
for cid, text, why in [("zero", "0", "positive integer"), ("negative", "-4", "out of range"), ("1.5", "1.5", "not an integer"),
                       ("2^41", str(2 ** 41), "out of range"), ("nan", "nan", "not an integer"), ("4x", "4x", "not an integer"),
                       ("1e3", "1e3", "not an integer")]:
    case(f"run-size-array-{cid}", num, RUN_ADD + ["--size", f"x_ptr={text},y_ptr=64,out_ptr=64,n_elements=64"], USAGE, "--size x_ptr.*" + why,
         files=KFILES)
case("run-size-unknown-name", num, RUN_ADD + ["--size", "x_ptr=64,y_ptr=64,out_ptr=64,n_elements=64,bogus=1"], USAGE, "bogus", files=KFILES)
case("run-size-missing", num, RUN_ADD + ["--size", "x_ptr=64"], USAGE, "missing --size", files=KFILES)
case("run-size-no-equals", num, RUN_ADD + ["--size", "x_ptr"], USAGE, "NAME=VALUE", files=KFILES)
case("run-num-warps-4x", num, RUN_ADD + ["--num-warps", "4x"] + SIZES, USAGE, "num-warps", files=KFILES)
case("run-seed-negative", num, RUN_ADD + ["--seed", "-1"] + SIZES, USAGE, "seed", files=KFILES)
case("run-ok", num, RUN_ADD + ["--grid", "1"] + SIZES, 0, stdout="ran add_kernel", files=KFILES, timeout=180)

EFILES = {"k.metal": COPY_MSL}
EBUF = ["--buffer", "0=i32:64:iota", "--buffer", "1=i32:64"]
for cid, args, why in [
        ("grid-2^31", ["--grid", "2147483648"], "--grid.*out of range"),
        ("grid-2^32+1", ["--grid", "4294967297"], "--grid.*out of range"),
        ("grid-4x", ["--grid", "4x"], "--grid.*not an integer"),
        ("grid-1.5", ["--grid", "1.5"], "--grid.*not an integer"),
        ("grid-zero", ["--grid", "0"], "--grid.*at least 1"),
        ("threads-grid-2^32", ["--grid", "4294967296", "--threads-grid"], "--grid.*out of range"),
        ("threadgroup-2000", ["--threadgroup", "2000"], "--threadgroup.*out of range"),
        ("threadgroup-4x", ["--threadgroup", "4x"], "--threadgroup.*not an integer"),
        ("grid-times-threadgroup", ["--grid", "8388608", "--threadgroup", "1024"], "exceed Metal's"),
        ("fill-nan-i32", ["--buffer", "0=i32:64:fill=nan"], "nan.*integer"),
        ("fill-inf-i32", ["--buffer", "0=i32:64:fill=inf"], "integer"),
        ("fill-1e10-i32", ["--buffer", "0=i32:64:fill=1e10"], "not an integer"),
        ("fill-2^31-i32", ["--buffer", "0=i32:64:fill=2147483648"], "out of range"),
        ("fill-300-u8", ["--buffer", "0=u8:64:fill=300"], "out of range"),
        ("fill-minus-u32", ["--buffer", "0=u32:64:fill=-1"], "out of range"),
        ("fill-1.5-i16", ["--buffer", "0=i16:64:fill=1.5"], "not an integer"),
        ("fill-5abc-f32", ["--buffer", "0=f32:64:fill=5abc"], "not a number"),
        ("fill-1e39-f32", ["--buffer", "0=f32:64:fill=1e39"], "overflows f32"),
        ("fill-1e5-f16", ["--buffer", "0=f16:64:fill=1e5"], "overflows f16"),
        ("fill-1e400-f32", ["--buffer", "0=f32:64:fill=1e400"], "out of the range"),
        ("fill-empty", ["--buffer", "0=f32:64:fill="], "not a number"),
        ("count-4x", ["--buffer", "0=i32:4x"], "element count.*not an integer"),
        ("count-zero", ["--buffer", "0=i32:0"], "must be positive"),
        ("count-huge", ["--buffer", "0=i32:99999999999999"], "element count.*out of range"),
        ("count-negative", ["--buffer", "0=i32:-1"], "out of range"),
        ("count-hex-overflow", ["--buffer", "0=i64:0x10000000000000000"], "out of range"),
        ("values-garbage", ["--buffer", "0=i32:=1,2,x"], "'x' is not an integer"),
        ("values-u64-overflow", ["--buffer", "0=u64:=18446744073709551616"], "out of range"),
        ("values-i64-min-1", ["--buffer", "0=i64:=-9223372036854775809"], "out of range"),
        ("struct-i32-overflow", ["--buffer", "0=struct:i32=2147483648"], "out of range"),
        ("struct-garbage", ["--buffer", "0=struct:f32=1.0.0"], "not a number"),
        ("index-huge", ["--buffer", "99999999999=i32:4"], "out of range"),
        ("index-negative", ["--buffer", "-1=i32:4"], "out of range"),
        ("index-4x", ["--buffer", "4x=i32:4"], "not an integer"),
        ("constant-garbage", ["--constant", "N=12abc"], "not a number"),
        ("constant-1e999", ["--constant", "N=1e999"], "out of the range"),
        ("tg-memory-4x", ["--threadgroup-memory", "0=4x"], "not an integer"),
        ("unknown-type", ["--buffer", "0=f128:4"], "unknown element type")]:
    case(f"emulate-{cid}", num, EMU + args, USAGE, why, files=EFILES)
case("emulate-ok", num, EMU + EBUF + ["--grid", "64", "--threads-grid", "--dump", "1"], 0, stdout=r"buffer 1 \(i32 x 64\): 0 1 2 3", files=EFILES,
     timeout=180)
case("emulate-u64-max-exact", num, EMU + ["--buffer", "0=u64:=18446744073709551615", "--buffer", "1=u64:1", "--grid", "1", "--print-cpp"], 0,
     files=EFILES)

# ================================================================ unclear messages: files that are not files
unclear = "unclear-messages/files"
case("run-kernel-folder", unclear, RUN_ADD + SIZES, FAIL, "is a folder", special=[{"mkdir": "k.py"}])
case("run-kernel-fifo", unclear, RUN_ADD + SIZES, FAIL, "not a regular file", special=[{"fifo": "k.py"}], timeout=20)
case("run-kernel-missing", unclear, RUN_ADD + SIZES, FAIL, "no such file")
case("compile-kernel-folder", unclear, ["{tm}", "compile", "k.py", "-k", "add_kernel"], FAIL, "is a folder", special=[{"mkdir": "k.py"}])
case("compile-kernel-fifo", unclear, ["{tm}", "compile", "k.py", "-k", "add_kernel"], FAIL, "not a regular file", special=[{"fifo": "k.py"}],
     timeout=20)
case("emulate-kernel-folder", unclear, EMU + EBUF, FAIL, "is a folder", special=[{"mkdir": "k.metal"}])
case("emulate-kernel-fifo", unclear, EMU + EBUF, FAIL, "not a regular file", special=[{"fifo": "k.metal"}], timeout=20)
case("emulate-buffer-file-folder", unclear, EMU + ["--buffer", "0=i32:file=d"], FAIL, "is a folder", files=EFILES, special=[{"mkdir": "d"}])
case("emulate-buffer-file-fifo", unclear, EMU + ["--buffer", "0=i32:file=p"], FAIL, "not a regular file", files=EFILES,
     special=[{"fifo": "p"}], timeout=20)
case("run-array-bad-alloc", unclear, RUN_ADD + ["--size", f"x_ptr={2 ** 40},y_ptr=64,out_ptr=64,n_elements=64"], FAIL,
     "out of memory|too large to allocate", files=KFILES, timeout=60)
case("compile-signature-divisibility-garbage", unclear, ["{tm}", "compile", "k.py", "-k", "add_kernel", "-s", "x_ptr=*fp32:abc"], USAGE,
     "divisibility", files=KFILES, owner="compat")
case("compile-constexpr-garbage", unclear, ["{tm}", "compile", "k.py", "-k", "add_kernel", "-c", "BLOCK_SIZE=64abc"], USAGE,
     "BLOCK_SIZE", files=KFILES, owner="compat")
case("compile-constexpr-overflow", unclear, ["{tm}", "compile", "k.py", "-k", "add_kernel", "-c", "BLOCK_SIZE=99999999999999999999999"], USAGE,
     "BLOCK_SIZE", files=KFILES, owner="compat")

# ================================================================ crashes: deep input (front end and tile-IR parser)
deep = "crash/deep-input"
def kernel_with(expr, extra_lines=""):
    """A kernel whose line 8 is `w = <expr>`; expr is a list of text or (text, count) parts."""
    parts = [("import triton\nimport triton.language as tl\n\n\n@triton.jit\ndef k(x_ptr):\n    v = tl.load(x_ptr)\n" + extra_lines
              + "    w = ", 1)]
    parts += [(p, 1) if isinstance(p, str) else p for p in expr]
    parts.append(("\n    tl.store(x_ptr, w)\n", 1))
    return {"repeat": [list(p) for p in parts]}
COMPILE_K = ["{tm}", "compile", "k.py", "-k", "k", "-s", "x_ptr=*fp32"]
for cid, expr, why in [
        ("sum-20k", [("v + ", 19999), "v"], r"k\.py:8:\d+: .*nested too deeply"),
        ("sum-2k", [("v + ", 1999), "v"], "nested too deeply"),
        ("product-20k", [("v * ", 19999), "v"], "nested too deeply"),
        ("mixed-20k", [("v * v - ", 9999), "v"], "nested too deeply"),
        ("bitor-20k", [("v | ", 19999), "v"], "nested too deeply"),
        ("parens-100k", [("(", 100000), "v", (")", 100000)], "too deep"),
        ("unary-100k", [("-", 100000), "v"], "too deep"),
        ("not-100k", [("not ", 100000), "v"], "too deep"),
        ("power-20k", [("v ** ", 19999), "v"], "too deep"),
        ("ternary-20k", [("v if v else ", 20000), "v"], "too deep"),
        ("attribute-20k", ["v", (".T", 20000)], "nested too deeply"),
        ("call-20k", ["tl.abs", ("(", 20000), "v", (")", 20000)], "too deep"),
        ("subscript-20k", ["v", ("[0]", 20000)], "nested too deeply"),
        ("list-100k", [("[", 100000), ("]", 100000)], "too deep"),
        ("tuple-100k", [("(v,", 100000), (")", 100000)], "too deep"),
        ("lambda-10k", [("lambda: ", 10000), "v"], "too deep")]:
    case(f"kernel-{cid}", deep, COMPILE_K, FAIL, why, files={"k.py": kernel_with(expr)}, timeout=60)
case("kernel-sum-500-ok", deep, COMPILE_K, 0, files={"k.py": kernel_with([("v + ", 499), "v"])}, stdout="tt.func")
case("kernel-deep-blocks", deep, COMPILE_K, FAIL, "too deep|indentation",
     files={"k.py": {"nested_blocks": 300, "head": "import triton\nimport triton.language as tl\n\n\n@triton.jit\ndef k(x_ptr):\n    v = tl.load(x_ptr)\n",
                     "line": "if v > 0:", "body": "v = v + 1", "tail": "    tl.store(x_ptr, v)\n"}})
MSL_K = ["{tm}", "compile", "k.py", "-k", "k", "-s", "x_ptr=*fp32", "--emit", "msl"]
case("kernel-long-identifier-50k", "crash/regex-hint", MSL_K, 0, stdout="kernel void",
     files={"k.py": {"repeat": [["import triton\nimport triton.language as tl\n\n\n@triton.jit\ndef k(x_ptr):\n    v = tl.load(x_ptr)\n    ", 1],
                                ["x", 50000], [" = v * 2.0\n    tl.store(x_ptr, ", 1], ["x", 50000], [")\n", 1]]}})
case("kernel-long-identifier-1m", "crash/regex-hint", MSL_K, 0, stdout="kernel void", timeout=120,
     files={"k.py": {"repeat": [["import triton\nimport triton.language as tl\n\n\n@triton.jit\ndef k(x_ptr):\n    v = tl.load(x_ptr)\n    ", 1],
                                ["y", 1000000], [" = v + 1.0\n    tl.store(x_ptr, v)\n", 1]]}})
case("kernel-long-assign-line", "crash/regex-hint", MSL_K, 0, stdout="kernel void",
     files={"k.py": {"repeat": [["import triton\nimport triton.language as tl\n\n\n@triton.jit\ndef k(x_ptr):\n    v = tl.load(x_ptr)\n    w", 1],
                                [" ", 50000], ["= v\n    tl.store(x_ptr, w)\n", 1]]}})
TIR = ["{tm}", "compile", "k.tir"]
case("tir-module-100k", deep, TIR, FAIL, r"k\.tir:257:1: error: nesting is deeper than 256", files={"k.tir": {"repeat": [["module {\n", 100000], ["}\n", 100000]]}})
case("tir-module-1m-unclosed", deep, TIR, FAIL, "nesting is deeper", files={"k.tir": {"repeat": [["module {", 1000000]]}})
case("tir-ptr-50k", deep, TIR, FAIL, "nesting is deeper than 256",
     files={"k.tir": {"repeat": [["module {\n  tt.func @k(%a: ", 1], ["!tt.ptr<", 50000], ["f32", 1], [">", 50000], [") {\n  tt.return\n  }\n}\n", 1]]}})
case("tir-tensor-50k", deep, TIR, FAIL, "nesting is deeper than 256|tensor of tensors",
     files={"k.tir": {"repeat": [["module {\n  tt.func @k(%a: ", 1], ["tensor<4x", 50000], ["f32", 1], [">", 50000], [") {\n  tt.return\n  }\n}\n", 1]]}})
case("tir-type-attr-50k", deep, TIR, FAIL, "nesting is deeper than 256",
     files={"k.tir": {"repeat": [["module {x = type<", 1], ["!tt.ptr<", 50000], ["f32", 1], [">", 50001], ["} {\n}\n", 1]]}})
case("tir-garbage", deep, TIR, FAIL, r"k\.tir:", files={"k.tir": b64(bytes(range(256)) * 4)})
case("tir-empty", deep, TIR, FAIL, r"k\.tir:", files={"k.tir": ""})

# ================================================================ cache: verified objects, private folders, stale temporaries
cache = "security/cache"
PY = ["/usr/bin/python3", "-c"]
CACHE_PRELUDE = ("import os, json, glob, warnings, stat\nwarnings.simplefilter('always')\nimport triton_metal._cache as c\nfrom triton_metal import _C\n"
                 "def kernel(msl='kernel void k() {}'):\n    k = _C.CompiledKernel()\n    k.name = 'k'\n    k.msl = msl\n    return k\n")
case("py-cache-edited-msl", cache, PY + [CACHE_PRELUDE + """
key = c.make_key('hostile-edit')
c.store(key, kernel())
path = os.path.join(c.cache_dir(), key + '.json')
d = json.load(open(path))
d['kernel']['msl'] = 'kernel void k() { /* injected */ }'
json.dump(d, open(path, 'w'))
c.clear_memory()
assert c.lookup(key) is None, 'edited entry was trusted'
assert not os.path.exists(path), 'edited entry was not removed'
c.store(key, kernel())
c.clear_memory()
assert c.lookup(key).msl == 'kernel void k() {}'
print('rejected', c.stats['rejected'])
"""], 0, stdout="rejected 1", stderr="content does not match its checksum", own_cache=True)
case("py-cache-corrupt-json", cache, PY + [CACHE_PRELUDE + """
key = c.make_key('hostile-corrupt')
c.store(key, kernel())
path = os.path.join(c.cache_dir(), key + '.json')
open(path, 'w').write('{"key": ')
c.clear_memory()
assert c.lookup(key) is None
assert not os.path.exists(path)
c.store(key, kernel()); c.clear_memory()
assert c.lookup(key) is not None, 'not rebuilt'
print('ok')
"""], 0, stdout="ok", stderr="rebuilding", own_cache=True)
case("py-cache-wrong-key", cache, PY + [CACHE_PRELUDE + """
a, b = c.make_key('a'), c.make_key('b')
c.store(a, kernel('kernel void a() {}'))
d = c.cache_dir()
os.replace(os.path.join(d, a + '.json'), os.path.join(d, b + '.json'))
c.clear_memory()
assert c.lookup(b) is None
print('ok')
"""], 0, stdout="ok", stderr="another key", own_cache=True)
case("py-cache-writable-by-others-file", cache, PY + [CACHE_PRELUDE + """
key = c.make_key('hostile-mode')
c.store(key, kernel())
path = os.path.join(c.cache_dir(), key + '.json')
os.chmod(path, 0o666)
c.clear_memory()
assert c.lookup(key) is None
print('ok')
"""], 0, stdout="ok", stderr="writable by other users", own_cache=True)
case("py-cache-symlink-entry", cache, PY + [CACHE_PRELUDE + """
key = c.make_key('hostile-link')
d = c.cache_dir()
planted = os.path.join(os.environ['TMPDIR'], 'planted.json')
open(planted, 'w').write('{}')
os.symlink(planted, os.path.join(d, key + '.json'))
assert c.lookup(key) is None
print('ok')
"""], 0, stdout="ok", stderr="not a regular file", own_cache=True)
case("py-cache-shared-folder", cache, PY + [CACHE_PRELUDE + """
os.makedirs(os.path.join(os.environ['TRITON_METAL_CACHE_DIR'], 'kernels'), exist_ok=True)
os.chmod(os.path.join(os.environ['TRITON_METAL_CACHE_DIR'], 'kernels'), 0o777)
d = c.cache_dir()
assert not d.startswith(os.environ['TRITON_METAL_CACHE_DIR']), d
assert c.untrusted_reason(d) is None
key = c.make_key('x'); c.store(key, kernel()); c.clear_memory()
assert c.lookup(key) is not None
print('ok')
"""], 0, stdout="ok", stderr="writable by other users.*private folder", own_cache=True)
case("py-cache-stale-temporaries", cache, PY + [CACHE_PRELUDE + """
d = os.path.join(os.environ['TRITON_METAL_CACHE_DIR'], 'kernels')
os.makedirs(d, exist_ok=True)
dead = os.path.join(d, '0123456789abcdef.999999.xyz.tmp')
live = os.path.join(d, '0123456789abcdef.%d.xyz.tmp' % os.getpid())
open(dead, 'w').write('partial'); open(live, 'w').write('partial')
c.cache_dir()
assert not os.path.exists(dead), 'stale temporary kept'
assert os.path.exists(live), 'live temporary removed'
print('ok')
"""], 0, stdout="ok", own_cache=True)
EMU_OK = ["{tm}", "emulate", "k.metal", "--entry", "copy", "--buffer", "0=i32:8:iota", "--buffer", "1=i32:8", "--grid", "8", "--threads-grid",
          "--dump", "1"]
def emu_twice(tamper):
    return ["sh", "-c", " ".join(f"'{a}'" for a in EMU_OK) + " >/dev/null && " + tamper + " && " + " ".join(f"'{a}'" for a in EMU_OK)]
case("emu-cache-planted-object", cache, emu_twice("for f in $TRITON_METAL_CACHE_DIR/*.so; do printf 'planted' > $f; done"), 0,
     stdout="buffer 1 .*: 0 1 2 3 4 5 6 7", stderr="content does not match", files=EFILES, own_cache=True, timeout=240)
case("emu-cache-missing-checksum", cache, emu_twice("rm $TRITON_METAL_CACHE_DIR/*.so.sum"), 0,
     stdout="buffer 1 .*: 0 1 2 3 4 5 6 7", stderr="checksum file is missing", files=EFILES, own_cache=True, timeout=240)
case("emu-cache-object-writable-by-others", cache, emu_twice("chmod 666 $TRITON_METAL_CACHE_DIR/*.so"), 0,
     stdout="buffer 1 .*: 0 1 2 3 4 5 6 7", stderr="writable by other users", files=EFILES, own_cache=True, timeout=240)
case("emu-cache-truncated-object", cache, emu_twice("for f in $TRITON_METAL_CACHE_DIR/*.so; do : > $f; done"), 0,
     stdout="buffer 1 .*: 0 1 2 3 4 5 6 7", stderr="rebuilding", files=EFILES, own_cache=True, timeout=240)
case("emu-cache-shared-folder", cache, ["sh", "-c", "mkdir -p $TRITON_METAL_CACHE_DIR && chmod 777 $TRITON_METAL_CACHE_DIR && "
                                        + " ".join(f"'{a}'" for a in EMU_OK) + " && ! ls $TRITON_METAL_CACHE_DIR/*.so 2>/dev/null"], 0,
     stdout="buffer 1 .*: 0 1 2 3 4 5 6 7", stderr="writable by other users.*private folder", files=EFILES, own_cache=True, timeout=240)
case("emu-cache-stale-temporaries", cache, ["sh", "-c", "mkdir -p $TRITON_METAL_CACHE_DIR && touch $TRITON_METAL_CACHE_DIR/abc.999999.1.cpp "
                                            "$TRITON_METAL_CACHE_DIR/abc.999999.1.so.tmp && " + " ".join(f"'{a}'" for a in EMU_OK)
                                            + " && ! ls $TRITON_METAL_CACHE_DIR/abc.999999.* 2>/dev/null"], 0,
     stdout="buffer 1", files=EFILES, own_cache=True, timeout=240)

# ================================================================ other engineers' classes (owner marked; may fail until merged)
rt = "crash/division-by-zero"
DIV_KERNEL = """import triton
import triton.language as tl


@triton.jit
def div_kernel(x_ptr, out_ptr, d):
    i = tl.arange(0, 64)
    x = tl.load(x_ptr + i)
    tl.store(out_ptr + i, x {op} d)
"""
for op, name in [("//", "floordiv"), ("%", "mod")]:
    case(f"run-int-{name}-by-zero", rt, ["{tm}", "run", "k.py", "-k", "div_kernel", "-s", "x_ptr=*i32, out_ptr=*i32, d=i32",
                                         "--size", "x_ptr=64,out_ptr=64,d=0"], FAIL, "division|remainder|by zero",
         files={"k.py": DIV_KERNEL.replace("{op}", op)}, owner="emurt", timeout=180)
    case(f"interpreter-int-{name}-by-zero", rt, ["{tm}", "run", "k.py", "-k", "div_kernel", "-s", "x_ptr=*i32, out_ptr=*i32, d=i32",
                                                 "--size", "x_ptr=64,out_ptr=64,d=0", "--device", "interpreter"], FAIL, "division|remainder|by zero",
         files={"k.py": DIV_KERNEL.replace("{op}", op)}, owner="emurt")
for op, name in [("/", "div"), ("%", "rem")]:
    for ty in ("int", "uint", "long"):
        msl = f"""#include <metal_stdlib>
using namespace metal;
kernel void k(device {ty}* a [[buffer(0)]], constant {ty}& d [[buffer(1)]], uint i [[thread_position_in_grid]]) {{
  a[i] = a[i] {op} d;
}}
"""
        case(f"emulate-{name}-by-zero-{ty}", rt, ["{tm}", "emulate", "k.metal", "--entry", "k", "--buffer",
                                                  f"0={'i32' if ty == 'int' else 'u32' if ty == 'uint' else 'i64'}:4:iota",
                                                  "--buffer", f"1={'i32' if ty == 'int' else 'u32' if ty == 'uint' else 'i64'}:=0", "--grid", "4",
                                                  "--threads-grid"], FAIL, "division|remainder|by zero", files={"k.metal": msl}, owner="emurt",
             timeout=180)
case("emulate-int-min-div-minus-one", rt, ["{tm}", "emulate", "k.metal", "--entry", "k", "--buffer", "0=i32:=-2147483648", "--buffer",
                                           "1=i32:=-1", "--grid", "1", "--threads-grid"], FAIL, "overflow|division",
     files={"k.metal": "#include <metal_stdlib>\nusing namespace metal;\nkernel void k(device int* a [[buffer(0)]], constant int& d [[buffer(1)]], "
                       "uint i [[thread_position_in_grid]]) {\n  a[i] = a[i] / d;\n}\n"}, owner="emurt", timeout=180)
hang_rt = "hang/launch-time-limit"
LOOP_MSL = """#include <metal_stdlib>
using namespace metal;
kernel void spin(device int* a [[buffer(0)]], uint i [[thread_position_in_grid]]) {
  while (a[0] == 0) { a[1] += 1; }
}
"""
case("emulate-infinite-loop-time-limit", hang_rt, ["{tm}", "emulate", "k.metal", "--entry", "spin", "--buffer", "0=i32:4", "--grid", "1",
                                                   "--threads-grid"], FAIL, "time limit|timed out|watchdog", files={"k.metal": LOOP_MSL},
     env={"TRITON_METAL_LAUNCH_TIMEOUT": "3"}, owner="emurt", timeout=120)
case("emulate-infinite-loop-sigint", "hang/sigint", ["sh", "-c", "'{tm}' emulate k.metal --entry spin --buffer 0=i32:4 --grid 1 --threads-grid & "
                                                     "p=$!; sleep 20; kill -INT $p; wait $p"], 130, "interrupt",
     files={"k.metal": LOOP_MSL}, owner="emurt", timeout=120)
case("py-infinite-loop-keyboardinterrupt", "hang/sigint", PY + ["""
import os, signal, threading, numpy as np, triton_metal as triton
import triton_metal.language as tl
triton.install()  # spin.py says import triton
signal.signal(signal.SIGINT, signal.default_int_handler)  # as at a terminal (a background job starts with SIGINT ignored)
src = '''
import triton
import triton.language as tl
@triton.jit
def spin(x_ptr):
    v = tl.load(x_ptr)
    while v == 0:
        v = tl.load(x_ptr)
'''
open('spin.py', 'w').write(src)
import importlib.util
spec = importlib.util.spec_from_file_location('spin', 'spin.py'); m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)
x = np.ones(4, dtype=np.int32)
m.spin[(1,)](x)  # compiles the kernel; ends
x[:] = 0
threading.Timer(1.0, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
try:
    m.spin[(1,)](x)
    print('returned')
except KeyboardInterrupt:
    print('interrupted')
"""], 0, stdout="interrupted", owner="emurt", timeout=150)

fid = "crash/private-array-bounds"
for cid, body, why in [
        ("read", "int t[4]; for (int j = 0; j < 4; ++j) t[j] = j; a[i] = t[a[0] + 100];", "out of bounds|out-of-bounds"),
        ("write", "int t[4]; t[a[0] + 1000000] = 1; a[i] = t[0];", "out of bounds|out-of-bounds"),
        ("negative", "int t[4]; for (int j = 0; j < 4; ++j) t[j] = j; a[i] = t[a[0] - 1];", "out of bounds|out-of-bounds"),
        ("pointer", "int t[4]; thread int* p = t; a[i] = p[a[0] + 8];", "out of bounds|out-of-bounds"),
        ("2d", "float t[2][2]; t[a[0] + 1][a[0] + 5] = 1.0f; a[i] = int(t[0][0]);", "out of bounds|out-of-bounds")]:
    case(f"emulate-private-array-{cid}", fid, ["{tm}", "emulate", "k.metal", "--entry", "k", "--buffer", "0=i32:4", "--grid", "1", "--threads-grid"],
         FAIL, why, files={"k.metal": "#include <metal_stdlib>\nusing namespace metal;\nkernel void k(device int* a [[buffer(0)]], uint i "
                                      "[[thread_position_in_grid]]) {\n  " + body + "\n}\n"}, owner="fidelity", timeout=180)
for cid, src in [("direct", "int f(int n) { return n <= 0 ? 0 : f(n - 1) + 1; }"),
                 ("mutual", "int g(int n);\nint f(int n) { return n <= 0 ? 0 : g(n - 1); }\nint g(int n) { return f(n); }")]:
    case(f"emulate-recursion-{cid}", "hang/msl-recursion", ["{tm}", "emulate", "k.metal", "--entry", "k", "--buffer", "0=i32:4", "--grid", "1",
                                                            "--threads-grid"], FAIL, "recursi",
         files={"k.metal": "#include <metal_stdlib>\nusing namespace metal;\n" + src + "\nkernel void k(device int* a [[buffer(0)]], uint i "
                           "[[thread_position_in_grid]]) {\n  a[i] = f(a[i] + 1000000000);\n}\n"}, owner="fidelity", timeout=120)

compat = "silent-acceptance/kernels"
case("kernel-float-mask", compat, ["{tm}", "compile", "k.py", "-k", "k", "-s", "x_ptr=*fp32"], FAIL, "mask",
     files={"k.py": "import triton\nimport triton.language as tl\n\n\n@triton.jit\ndef k(x_ptr):\n    i = tl.arange(0, 16)\n"
                    "    v = tl.load(x_ptr + i, mask=i * 1.0)\n    tl.store(x_ptr + i, v)\n"}, owner="compat")
case("kernel-duplicate-param", compat, ["{tm}", "compile", "k.py", "-k", "k", "-s", "x_ptr=*fp32"], FAIL, "duplicate|x_ptr",
     files={"k.py": "import triton\nimport triton.language as tl\n\n\n@triton.jit\ndef k(x_ptr, x_ptr):\n    tl.store(x_ptr, 1.0)\n"}, owner="compat")
case("kernel-constexpr-twice", compat, ["{tm}", "compile", "k.py", "-k", "add_kernel", "-s", "x_ptr=*fp32, y_ptr=*fp32, out_ptr=*fp32, n_elements=i32",
                                        "-c", "BLOCK_SIZE=64", "-c", "BLOCK_SIZE=128"], USAGE, "BLOCK_SIZE.*(twice|more than once|already)",
     files=KFILES, owner="compat")
PY_ADD = ("import numpy as np, importlib.util, triton_metal as triton\ntriton.install()  # k.py says import triton\n"
          "spec = importlib.util.spec_from_file_location('k', 'k.py'); m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)\n"
          "x = np.ones(64, np.float32); y = np.ones(64, np.float32); out = np.zeros(64, np.float32)\n")
AOT_ADD = ("k = triton.compile(m.add_kernel, signature='x_ptr=*fp32, y_ptr=*fp32, out_ptr=*fp32, n_elements=i32', "
           "constexprs={'BLOCK_SIZE': 64})\n    ")
pyargs = "silent-acceptance/python-arguments"
for cid, call, exc in [
        ("constexpr-2^64", "m.add_kernel[(1,)](x, y, out, 64, BLOCK_SIZE=2**64)", "OverflowError|TypeError"),
        ("constexpr-minus-2^70", "m.add_kernel[(1,)](x, y, out, 64, BLOCK_SIZE=-2**70)", "OverflowError|TypeError"),
        # An AOT kernel has a fixed signature: arguments are checked against it. (Through @jit the same values
        # are specialized as Triton does: 2**40+7 as i64, an int32 array as *i32; see the py-jit-* cases.)
        ("scalar-2^40+7-i32", AOT_ADD + "k[(1,)](x, y, out, 2**40 + 7)", "OverflowError"),
        ("scalar-np-uint64-max", AOT_ADD + "k[(1,)](x, y, out, np.uint64(2**64 - 1))", "OverflowError"),
        ("scalar-float-for-i32", AOT_ADD + "k[(1,)](x, y, out, 64.0)", "TypeError"),
        ("int32-array-for-fp32", AOT_ADD + "k[(1,)](x.astype(np.int32), y, out, 64)", "TypeError"),
        ("grid-float", "m.add_kernel[(1.9,)](x, y, out, 64, BLOCK_SIZE=64)", "TypeError|ValueError"),
        ("grid-string", "m.add_kernel['abc'](x, y, out, 64, BLOCK_SIZE=64)", "TypeError|ValueError"),
        ("grid-none", "m.add_kernel[None](x, y, out, 64, BLOCK_SIZE=64)", "TypeError|ValueError"),
        ("grid-negative", "m.add_kernel[(-1,)](x, y, out, 64, BLOCK_SIZE=64)", "ValueError"),
        ("grid-2^31", "m.add_kernel[(2**31,)](x, y, out, 64, BLOCK_SIZE=64)", "ValueError|OverflowError"),
        ("grid-2^32+1", "m.add_kernel[(2**32 + 1,)](x, y, out, 64, BLOCK_SIZE=64)", "ValueError|OverflowError"),
        # A view whose strides reach past the memory of the array it views (NumPy would read past it too).
        ("strided-view-past-end", "m.add_kernel[(1,)](np.lib.stride_tricks.as_strided(x, shape=(64,), strides=(8,)), y, out, 64, "
                                  "BLOCK_SIZE=64)", "ValueError")]:
    case(f"py-{cid}", pyargs, PY + [PY_ADD + "try:\n    " + call + "\n    print('accepted')\nexcept Exception as e:\n"
                                    "    print(type(e).__name__, e)\n"], 0, stdout=f"^({exc}) ", files=KFILES, owner="compat", timeout=180)

# Through @jit, Python ints and arrays are specialized as Triton's JITFunction does (i32 when the value fits,
# u64 from 2**63 to 2**64-1, else i64; arrays by their dtype): such launches run, with the right result.
for cid, call in [("jit-scalar-2^40+7-as-i64", "m.add_kernel[(1,)](x, y, out, 2**40 + 7, BLOCK_SIZE=64)"),
                  ("jit-int32-array-as-i32", "xi = np.arange(64, dtype=np.int32); oi = np.zeros(64, np.int32)\n"
                                             "m.add_kernel[(1,)](xi, xi, oi, 64, BLOCK_SIZE=64); assert (oi == 2 * xi).all()")]:
    case(f"py-{cid}", pyargs, PY + [PY_ADD + call + "\nprint('ran as Triton does')\n"], 0, stdout="^ran as Triton does", files=KFILES,
         owner="compat", timeout=180)

msl_num = "unclear-messages/msl-attribute-numbers"
for cid, sig, why in [("buffer-index-huge", "device int* a [[buffer(99999999999)]]", "buffer index '99999999999' is not an integer from 0 to 30"),
                      ("buffer-index-31", "device int* a [[buffer(31)]]", "buffer index '31'"),
                      ("threadgroup-index-huge", "threadgroup int* a [[threadgroup(4294967296)]]", "threadgroup index"),
                      ("max-threads-huge", None, "max_total_threads_per_threadgroup '99999999999999999999'")]:
    src = ("#include <metal_stdlib>\nusing namespace metal;\nkernel void k(" + sig + ", uint i [[thread_position_in_grid]]) {}\n" if sig else
           "#include <metal_stdlib>\nusing namespace metal;\n[[max_total_threads_per_threadgroup(99999999999999999999)]]\n"
           "kernel void k(device int* a [[buffer(0)]], uint i [[thread_position_in_grid]]) {}\n")
    case(f"emulate-msl-{cid}", msl_num, ["{tm}", "emulate", "k.metal", "--entry", "k", "--buffer", "0=i32:4", "--grid", "1"], FAIL,
         r"k\.metal:\d+:\d+: .*" + why, files={"k.metal": src})
case("emulate-msl-function-constant-index-huge", msl_num, ["{tm}", "emulate", "k.metal", "--entry", "k", "--buffer", "0=i32:4", "--grid", "1"], FAIL,
     r"k\.metal:\d+:\d+: .*function constant index", files={"k.metal": "#include <metal_stdlib>\nusing namespace metal;\n"
     "constant int N [[function_constant(123456789012)]];\nkernel void k(device int* a [[buffer(0)]], uint i [[thread_position_in_grid]]) {}\n"})


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "manifest.json"), "w") as f:
        json.dump({"doc": "hostile-input corpus of issue 18; generated by build_manifest.py, replayed by run_corpus.py", "cases": CASES}, f,
                  indent=1, ensure_ascii=True)
        f.write("\n")
    by_class = {}
    for c in CASES:
        by_class[c["class"]] = by_class.get(c["class"], 0) + 1
    print(f"{len(CASES)} cases")
    for k, v in sorted(by_class.items()):
        print(f"  {v:4d} {k}")


if __name__ == "__main__":
    main()
