"""GraphBuilder: the graph both importers build, in the graph compiler's own op vocabulary
(docs/graph-format.md), written out as the JSON format plus .npy weight files.

A value is either a `Tensor` (computed at run time: a graph input or a node's output, with its static
shape and dtype) or a numpy array (a constant: an initializer, a parameter, or something folded at import
time). Constants become weights only when a node reads them. Every node remembers where it came from (the
model's node name and op type) so later errors can name it."""
import json
import os
import re

import numpy as np

from .errors import GraphImportError

DTYPES = {np.dtype(np.float32): "f32", np.dtype(np.float16): "f16", np.dtype(np.int32): "i32", np.dtype(np.int64): "i64",
          np.dtype(np.int8): "i8", np.dtype(np.uint8): "u8", np.dtype(np.bool_): "bool"}
INLINE_LIMIT = 16  # constants with at most this many elements are written inline ("data"), larger ones as .npy


def dtype_name(dtype, where="tensor"):
    try:
        return DTYPES[np.dtype(dtype)]
    except KeyError:
        raise GraphImportError(f"{where}: dtype {np.dtype(dtype)} is not supported by the graph compiler "
                               f"(supported: {', '.join(sorted(set(DTYPES.values())))})") from None


class Tensor:
    """A run-time value: graph input or node output."""
    __slots__ = ("name", "shape", "dtype")

    def __init__(self, name, shape, dtype):
        self.name, self.shape, self.dtype = name, tuple(int(d) for d in shape), np.dtype(dtype)

    def __repr__(self):
        return f"Tensor({self.name!r}, {list(self.shape)}, {self.dtype})"


class Node:
    __slots__ = ("name", "op", "inputs", "output", "attrs", "origin")

    def __init__(self, name, op, inputs, output, attrs, origin):
        self.name, self.op, self.inputs, self.output, self.attrs, self.origin = name, op, list(inputs), output, dict(attrs), origin


def is_const(v):
    return isinstance(v, np.ndarray)


class GraphBuilder:
    def __init__(self, name):
        self.name = name
        self.inputs, self.outputs = [], []
        self.tensors = {}   # name -> Tensor (inputs and node outputs)
        self.consts = {}    # name -> np.ndarray (weights read by nodes)
        self.nodes = []
        self._const_ids = {}
        self._names = set()

    # --- names -------------------------------------------------------------------------------------------
    def unique(self, base):
        base = base or "t"
        name, k = base, 1
        while name in self._names:
            k += 1
            name = f"{base}_{k}"
        self._names.add(name)
        return name

    # --- values --------------------------------------------------------------------------------------------
    def add_input(self, name, shape, dtype):
        t = Tensor(self.unique(name), shape, dtype)
        dtype_name(t.dtype, f"input '{name}'")
        self.tensors[t.name] = t
        self.inputs.append(t.name)
        return t

    def const_name(self, arr, hint="const"):
        """The weight tensor holding constant `arr` (one per distinct array object)."""
        key = id(arr)
        if key in self._const_ids and self._const_ids[key][1] is arr:
            return self._const_ids[key][0]
        name = self.unique(hint)
        self.consts[name] = arr
        self._const_ids[key] = (name, arr)
        return name

    def emit(self, op, inputs, attrs, shape, dtype, origin, name=None, out=None):
        """Appends node `op` reading `inputs` (Tensors or constants) and returns its output Tensor."""
        node_name = self.unique(name or origin[0] or op)
        out_name = self.unique(out or node_name + ":out")
        dtype_name(dtype, f"node '{origin[0]}' ({origin[1]})")
        names = []
        for i, v in enumerate(inputs):
            if isinstance(v, Tensor):
                names.append(v.name)
            else:
                names.append(self.const_name(v, f"{node_name}:c{i}"))
        t = Tensor(out_name, shape, dtype)
        self.tensors[out_name] = t
        self.nodes.append(Node(node_name, op, names, out_name, attrs, origin))
        return t

    def reduce(self, op, x, axes, keepdims, origin, name=None):
        """reduce_sum/mean/max of Tensor x over `axes`. Several trailing axes (a global pool's [2, 3]) become
        reshape -> one-axis reduction -> reshape: the graph compiler's row kernels reduce one axis."""
        r = len(x.shape)
        axes = sorted(a % r for a in axes)
        kept = [d for i, d in enumerate(x.shape) if i not in axes]
        out = [1 if i in axes else d for i, d in enumerate(x.shape)] if keepdims else kept
        if len(axes) <= 1 or axes != list(range(r - len(axes), r)):
            return self.emit(op, [x], {"axes": axes, "keepdims": bool(keepdims)}, out, x.dtype, origin, name=name)
        base = name or origin[0]
        flat = self.emit("reshape", [x], {"shape": kept + [-1]}, kept + [int(np.prod([x.shape[a] for a in axes]))], x.dtype, origin,
                         name=base + ":rows")
        red = self.emit(op, [flat], {"axes": [len(kept)], "keepdims": False}, kept, x.dtype, origin, name=base)
        if list(out) == kept:
            return red
        return self.emit("reshape", [red], {"shape": list(out)}, out, x.dtype, origin, name=base + ":shape")

    def dtype_of(self, name):
        return self.tensors[name].dtype if name in self.tensors else self.consts[name].dtype

    def shape_of(self, name):
        return self.tensors[name].shape if name in self.tensors else tuple(self.consts[name].shape)

    def set_outputs(self, pairs):
        """pairs: (wanted name, value). A value that is a constant or a graph input cannot be an output."""
        for wanted, v in pairs:
            if not isinstance(v, Tensor) or v.name in self.inputs:
                raise GraphImportError(f"graph output '{wanted}' is {'a constant' if not isinstance(v, Tensor) else 'a graph input'}; "
                                       "the graph compiler needs every output computed by a node")
            if v.name in self.outputs:
                raise GraphImportError(f"graph output '{wanted}' is the same tensor as another output")
            self.outputs.append(v.name)
        for (wanted, _), current in zip(pairs, list(self.outputs)):
            if wanted and wanted != current and wanted not in self.tensors and wanted not in self.consts:
                self.rename(current, wanted)

    def rename(self, old, new):
        self.tensors[new] = self.tensors.pop(old)
        self.tensors[new].name = new
        self._names.add(new)
        for n in self.nodes:
            n.inputs = [new if i == old else i for i in n.inputs]
            if n.output == old:
                n.output = new
        self.outputs = [new if o == old else o for o in self.outputs]

    def rename_recent(self, old, new, since):
        """rename() for a tensor that only nodes[since:] can have read."""
        self.tensors[new] = self.tensors.pop(old)
        self.tensors[new].name = new
        self._names.add(new)
        for n in self.nodes[since:]:
            n.inputs = [new if i == old else i for i in n.inputs]
            if n.output == old:
                n.output = new

    # --- graph surgery used by the recogniser --------------------------------------------------------------
    def producers(self):
        return {n.output: n for n in self.nodes}

    def users(self):
        u = {}
        for n in self.nodes:
            for i in n.inputs:
                u.setdefault(i, []).append(n)
        for o in self.outputs:
            u.setdefault(o, []).append(None)  # graph outputs count as a reader
        return u

    def dce(self):
        """Drops nodes and weights nothing reads (the graph's outputs are the roots)."""
        live = set(self.outputs)
        prod = self.producers()
        stack = list(self.outputs)
        while stack:
            n = prod.get(stack.pop())
            if n is None:
                continue
            for i in n.inputs:
                if i not in live:
                    live.add(i)
                    stack.append(i)
        self.nodes = [n for n in self.nodes if n.output in live]
        for name in [c for c in self.consts if c not in live]:
            del self.consts[name]
        for name in [t for t in self.tensors if t not in live and t not in self.inputs]:
            del self.tensors[name]

    # --- output ----------------------------------------------------------------------------------------------
    def write(self, out_dir, doc=""):
        """Writes <out_dir>/<name>.json and its weights under <out_dir>/<name>/; returns the JSON path."""
        self.dce()
        stem = re.sub(r"[^A-Za-z0-9_.-]", "_", self.name) or "model"
        os.makedirs(os.path.join(out_dir, stem), exist_ok=True)
        tensors = {}
        for name in self.inputs:
            t = self.tensors[name]
            tensors[name] = {"shape": list(t.shape), "dtype": dtype_name(t.dtype)}
        for k, (name, arr) in enumerate(sorted(self.consts.items())):
            decl = {"shape": list(arr.shape), "dtype": dtype_name(arr.dtype, f"weight '{name}'")}
            if arr.size <= INLINE_LIMIT and arr.dtype.kind == "f" and np.all(np.isfinite(arr)):
                decl["data"] = [float(x) for x in arr.reshape(-1)]
            elif arr.size <= INLINE_LIMIT and arr.dtype.kind in "iub":
                decl["data"] = [int(x) for x in arr.reshape(-1)]
            else:
                rel = f"{stem}/w{k}.npy"
                np.save(os.path.join(out_dir, rel), np.ascontiguousarray(arr))
                decl["file"] = rel
            tensors[name] = decl
        for n in self.nodes:  # declared intermediate shapes are checked by the graph compiler's shape inference
            t = self.tensors[n.output]
            tensors[n.output] = {"shape": list(t.shape), "dtype": dtype_name(t.dtype)}
        nodes = []
        for n in self.nodes:
            j = {"name": n.name, "op": n.op, "inputs": n.inputs, "outputs": [n.output]}
            if n.attrs:
                j["attrs"] = n.attrs
            if n.origin and n.origin[0]:
                j["doc"] = f"from {n.origin[1]} '{n.origin[0]}'"
            nodes.append(j)
        graph = {"format": "triton-metal-graph", "version": 1, "name": stem, "doc": doc, "inputs": self.inputs,
                 "outputs": self.outputs, "tensors": tensors, "nodes": nodes}
        path = os.path.join(out_dir, stem + ".json")
        with open(path, "w") as f:
            json.dump(graph, f, indent=1)
            f.write("\n")
        return path
