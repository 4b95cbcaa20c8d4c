"""ONNX -> GraphBuilder (docs/graph-import.md).

Reads the model with onnx's own loader (external data files included) and checker, and walks its nodes in
order. Every value is tracked concretely: constants (initializers, Constant nodes and anything computed only
from constants, such as the Shape/Gather/Concat arithmetic exporters emit around Reshape) are numpy arrays
folded at import; run-time tensors carry their static shape, found by evaluating each op on zero-filled
stand-ins (so shapes never depend on the model's value_info being complete). Each ONNX op maps to the graph
compiler's ops through a handler chosen by op type and the model's opset version; an op, attribute or form
that has no mapping is a GraphImportError naming the node's name and op type."""
import math

import numpy as np

from .builder import GraphBuilder, Tensor, is_const
from .errors import GraphImportError

INT_MAX = 2**62


def _erf(x):  # numpy has no erf; Abramowitz-Stegun 7.1.26 refined by math.erf where exactness matters
    x = np.asarray(x)
    if x.size <= 4096:
        return np.vectorize(math.erf, otypes=[np.float64])(x).astype(x.dtype)
    t = 1.0 / (1.0 + 0.3275911 * np.abs(x))
    y = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * np.exp(-x * x)
    return (np.sign(x) * y).astype(x.dtype)


def _np_dtype(elem_type):
    import onnx
    if hasattr(onnx.helper, "tensor_dtype_to_np_dtype"):  # onnx >= 1.13
        return np.dtype(onnx.helper.tensor_dtype_to_np_dtype(elem_type))
    return np.dtype(onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[elem_type])


class Ctx:
    """What a handler sees of one ONNX node."""

    def __init__(self, b, node, opset):
        self.b, self.node, self.opset = b, node, opset
        self.name, self.op = node.name or (node.output[0] if node.output else node.op_type), node.op_type
        self.origin = (self.name, self.op)

    def fail(self, msg):
        return GraphImportError.at(self.name, self.op, msg)

    def emit(self, op, inputs, attrs, like, name=None, out=None):
        """Emits graph op `op` whose output has the shape and dtype of example array `like`."""
        return self.b.emit(op, inputs, attrs, like.shape, like.dtype, self.origin, name=name or self.name, out=out)

    def const(self, v, what):
        if v is None:
            return None
        if not is_const(v):
            raise self.fail(f"{what} must be a constant (an initializer or computed from constants), it is computed at run time")
        return v


def example(v):
    """Concrete stand-in of a value: a constant itself, a run-time tensor as zeros of its shape."""
    if v is None or is_const(v):
        return v
    return np.zeros(v.shape, v.dtype)


# ----------------------------------------------------------------------------------------------------------------
# Handlers: handler(ctx, inputs, attrs) -> list of output values. Inputs are Tensor, np.ndarray or None.
# Helpers decide folding: when every input is a constant the numpy result is returned (folded).
# ----------------------------------------------------------------------------------------------------------------
def all_const(ins):
    return all(v is None or is_const(v) for v in ins)


def unary(graph_op, fn):
    def h(ctx, ins, attrs):
        (x,) = ins[:1]
        y = fn(example(x))
        if is_const(x):
            return [np.asarray(y, dtype=x.dtype)]
        return [ctx.emit(graph_op, [x], {}, np.asarray(y, dtype=x.dtype))]
    return h


def binary(graph_op, fn):
    def h(ctx, ins, attrs):
        if len(ins) != 2:
            raise ctx.fail(f"{len(ins)} inputs; only the two-input form is supported")
        a, c = ins
        y = np.asarray(fn(example(a), example(c)))
        if all_const(ins):
            return [y.astype(np.result_type(a, c)) if y.dtype.kind != "b" else y]
        if y.dtype.kind == "b":
            raise ctx.fail("comparisons are supported only on constants (folded at import)")
        dt = (a if isinstance(a, Tensor) else c).dtype
        ops = [v.astype(dt) if is_const(v) else v for v in (a, c)]
        return [ctx.emit(graph_op, ops, {}, y.astype(dt))]
    return h


def fold_only(fn):
    def h(ctx, ins, attrs):
        if not all_const(ins):
            raise ctx.fail("supported only on constants (folded at import); here an input is computed at run time")
        out = fn(ctx, ins, attrs)
        return out if isinstance(out, list) else [out]
    return h


def h_identity(ctx, ins, attrs):
    return [ins[0]]


def h_dropout(ctx, ins, attrs):
    if len(ctx.node.output) > 1 and ctx.node.output[1]:
        raise ctx.fail("the mask output is not supported (inference only)")
    if attrs.get("training_mode") or (len(ins) > 2 and ins[2] is not None and bool(np.asarray(ctx.const(ins[2], "training_mode")))):
        raise ctx.fail("training_mode is not supported (inference only)")
    return [ins[0]]


def h_cast(ctx, ins, attrs):
    import onnx
    to = np.dtype(_np_dtype(attrs["to"]))
    x = ins[0]
    if is_const(x):
        return [x.astype(to)]
    if x.dtype == to:
        return [x]
    from .builder import dtype_name
    return [ctx.emit("cast", [x], {"dtype": dtype_name(to, f"node '{ctx.name}' (Cast)")}, example(x).astype(to))]


def h_reciprocal(ctx, ins, attrs):
    x = ins[0]
    if is_const(x):
        return [(1 / x).astype(x.dtype)]
    return [ctx.emit("div", [np.ones((), x.dtype), x], {}, example(x))]


def h_softmax(graph_op):
    def h(ctx, ins, attrs):
        x = ins[0]
        rank = len(example(x).shape)
        default = -1 if ctx.opset >= 13 else 1
        axis = attrs.get("axis", default)
        axis = axis + rank if axis < 0 else axis
        if ctx.opset < 13 and axis != rank - 1:
            raise ctx.fail(f"opset {ctx.opset} {ctx.op} flattens the axes from {axis} on; only the last axis (axis={rank - 1}) is supported")
        if is_const(x):
            e = np.exp(x - x.max(axis=axis, keepdims=True))
            s = e / e.sum(axis=axis, keepdims=True)
            return [(np.log(s) if graph_op == "log_softmax" else s).astype(x.dtype)]
        return [ctx.emit(graph_op, [x], {"axis": axis}, example(x))]
    return h


def h_where(ctx, ins, attrs):
    cond, a, c = ins
    if all_const(ins):
        return [np.where(cond, a, c)]
    if not is_const(cond):
        raise ctx.fail("the condition is computed at run time; Where is supported only with a constant condition and a constant fill "
                       "(an attention mask)")
    # where(cond, fill, x) == x + mask, mask = fill where cond else 0, when fill is -inf or very negative
    if is_const(a) and isinstance(c, Tensor):
        fill, x, where_fill = a, c, cond
    elif is_const(c) and isinstance(a, Tensor):
        fill, x, where_fill = c, a, np.logical_not(cond)
    else:
        raise ctx.fail("both branches are computed at run time; Where is supported only as a mask with a constant fill")
    fill = np.asarray(fill, dtype=np.float64)
    if np.any(fill[np.broadcast_to(True, fill.shape)] > -1e4):
        raise ctx.fail("the fill value is not -inf or a large negative number; Where with a run-time operand is supported only as an "
                       "additive attention mask")
    mask = np.where(where_fill, fill, 0.0).astype(x.dtype)
    out = example(x) + mask
    return [ctx.emit("add", [x, mask], {}, out.astype(x.dtype))]


def h_matmul(ctx, ins, attrs):
    a, c = ins
    ea, ec = example(a), example(c)
    if ea.ndim < 2 or ec.ndim < 2:
        raise ctx.fail(f"operands of rank {ea.ndim} and {ec.ndim}; the graph compiler's matmul needs rank >= 2 (a vector operand is not supported)")
    y = np.matmul(ea, ec)
    if all_const(ins):
        return [y]
    return [ctx.emit("matmul", [a, c], {}, y)]


def h_gemm(ctx, ins, attrs):
    a, c = ins[0], ins[1]
    bias = ins[2] if len(ins) > 2 else None
    alpha, beta = float(attrs.get("alpha", 1.0)), float(attrs.get("beta", 1.0))
    ta, tb = bool(attrs.get("transA", 0)), bool(attrs.get("transB", 0))
    ea, ec = example(a), example(c)
    y = alpha * np.matmul(ea.T if ta else ea, ec.T if tb else ec)
    if bias is not None:
        y = y + beta * example(bias)
    y = y.astype(ea.dtype)
    if all_const(ins):
        return [y]
    mm_attrs = {}
    if ta:
        mm_attrs["transpose_a"] = True
    if tb:
        mm_attrs["transpose_b"] = True
    if alpha != 1.0:
        mm_attrs["alpha"] = alpha
    mm = ctx.emit("matmul", [a, c], mm_attrs, np.zeros(y.shape, y.dtype), name=ctx.name + ":matmul" if bias is not None else None)
    if bias is None:
        return [mm]
    if is_const(bias):
        bias = (beta * bias).astype(y.dtype)
    elif beta != 1.0:
        raise ctx.fail("beta != 1 with a run-time C is not supported")
    return [ctx.emit("add", [mm, bias], {}, y)]


def h_transpose(ctx, ins, attrs):
    x = ins[0]
    ex = example(x)
    perm = list(attrs.get("perm", reversed(range(ex.ndim))))
    y = np.transpose(ex, perm)
    if is_const(x):
        return [y]
    return [ctx.emit("transpose", [x], {"perm": perm}, y)]


def reshape_to(ctx, x, shape):
    if is_const(x):
        return x.reshape(shape)
    if tuple(shape) == x.shape:
        return x
    return ctx.emit("reshape", [x], {"shape": [int(d) for d in shape]}, np.zeros(shape, x.dtype))


def h_reshape(ctx, ins, attrs):
    x, shape = ins[0], ctx.const(ins[1], "the shape input").astype(np.int64)
    ex = example(x)
    shape = [int(ex.shape[i]) if (d == 0 and not attrs.get("allowzero", 0)) else int(d) for i, d in enumerate(shape)]
    try:
        out = np.zeros(ex.shape, ex.dtype).reshape(shape).shape
    except ValueError as e:
        raise ctx.fail(f"cannot reshape {list(ex.shape)} to {shape}: {e}") from None
    return [reshape_to(ctx, x, out)]


def h_flatten(ctx, ins, attrs):
    ex = example(ins[0])
    axis = attrs.get("axis", 1)
    axis = axis + ex.ndim if axis < 0 else axis
    return [reshape_to(ctx, ins[0], (int(np.prod(ex.shape[:axis])), int(np.prod(ex.shape[axis:]))))]


def _axes(ctx, ins, attrs, idx=1):
    if ctx.opset >= 13 and len(ins) > idx and ins[idx] is not None:
        return [int(a) for a in ctx.const(ins[idx], "axes")]
    return list(attrs["axes"]) if "axes" in attrs else None


def h_squeeze(ctx, ins, attrs):
    ex = example(ins[0])
    axes = _axes(ctx, ins, attrs)
    if axes is None:
        axes = [i for i, d in enumerate(ex.shape) if d == 1]
    return [reshape_to(ctx, ins[0], np.squeeze(ex, axis=tuple(axes)).shape)]


def h_unsqueeze(ctx, ins, attrs):
    ex = example(ins[0])
    axes = _axes(ctx, ins, attrs)
    if axes is None:
        raise ctx.fail("missing axes")
    return [reshape_to(ctx, ins[0], np.expand_dims(ex, tuple(axes)).shape)]


def h_concat(ctx, ins, attrs):
    exs = [example(v) for v in ins]
    axis = attrs["axis"]
    axis = axis + exs[0].ndim if axis < 0 else axis
    y = np.concatenate(exs, axis=axis)
    if all_const(ins):
        return [y]
    live = [v for v, e in zip(ins, exs) if e.shape[axis] != 0]
    if len(live) == 1:
        return [live[0]]
    dt = next(v.dtype for v in live if isinstance(v, Tensor))
    live = [v.astype(dt) if is_const(v) else v for v in live]
    return [ctx.emit("concat", live, {"axis": axis}, y.astype(dt))]


def slice_of(ctx, x, axes, starts, ends, steps, name=None):
    ex = example(x)
    sl = [slice(None)] * ex.ndim
    n_axes, n_starts, n_ends, n_steps = [], [], [], []
    for ax, s, e, st in zip(axes, starts, ends, steps):
        ax = ax + ex.ndim if ax < 0 else ax
        s, e, st = int(max(min(s, INT_MAX), -INT_MAX)), int(max(min(e, INT_MAX), -INT_MAX)), int(st)
        start, stop, step = slice(s, e, st).indices(ex.shape[ax])
        sl[ax] = slice(start, stop, step)
        if step <= 0 and not is_const(x):
            raise ctx.fail("a negative step on a run-time tensor is not supported")
        n_axes.append(ax)
        n_starts.append(start)
        n_ends.append(max(stop, start))
        n_steps.append(step)
    y = ex[tuple(sl)]
    if is_const(x):
        return np.ascontiguousarray(y)
    if y.shape == ex.shape:
        return x
    return ctx.emit("slice", [x], {"axes": n_axes, "starts": n_starts, "ends": n_ends, "steps": n_steps}, y, name=name)


def h_slice(ctx, ins, attrs):
    x = ins[0]
    if ctx.opset < 10:
        starts, ends = attrs["starts"], attrs["ends"]
        axes = attrs.get("axes", list(range(len(starts))))
        steps = [1] * len(starts)
    else:
        starts = [int(v) for v in ctx.const(ins[1], "starts")]
        ends = [int(v) for v in ctx.const(ins[2], "ends")]
        axes = [int(v) for v in ctx.const(ins[3], "axes")] if len(ins) > 3 and ins[3] is not None else list(range(len(starts)))
        steps = [int(v) for v in ctx.const(ins[4], "steps")] if len(ins) > 4 and ins[4] is not None else [1] * len(starts)
    return [slice_of(ctx, x, axes, starts, ends, steps)]


def h_split(ctx, ins, attrs):
    x = ins[0]
    ex = example(x)
    axis = attrs.get("axis", 0)
    axis = axis + ex.ndim if axis < 0 else axis
    if ctx.opset >= 13 and len(ins) > 1 and ins[1] is not None:
        sizes = [int(v) for v in ctx.const(ins[1], "split")]
    elif "split" in attrs:
        sizes = list(attrs["split"])
    else:
        n = len(ctx.node.output)
        sizes = [ex.shape[axis] // n] * n
    outs, start = [], 0
    for k, size in enumerate(sizes):
        outs.append(slice_of(ctx, x, [axis], [start], [start + size], [1], name=f"{ctx.name}:{k}"))
        start += size
    return outs


def h_gather(ctx, ins, attrs):
    data, idx = ins
    axis = attrs.get("axis", 0)
    ed, ei = example(data), example(idx)
    axis = axis + ed.ndim if axis < 0 else axis
    if all_const(ins):
        return [np.take(data, idx, axis=axis)]
    if is_const(idx):
        flat = np.where(idx < 0, idx + ed.shape[axis], idx).astype(np.int64).reshape(-1)
        y = np.take(ed, idx, axis=axis)
        if flat.size == 1:
            s = slice_of(ctx, data, [axis], [int(flat[0])], [int(flat[0]) + 1], [1], name=ctx.name + ":slice")
            return [reshape_to(ctx, s, y.shape)]
        step = int(flat[1] - flat[0]) if flat.size > 1 else 1
        if idx.ndim == 1 and step > 0 and np.array_equal(flat, flat[0] + step * np.arange(flat.size)):
            return [slice_of(ctx, data, [axis], [int(flat[0])], [int(flat[-1]) + 1], [step])]
        raise ctx.fail("constant indices that are not an evenly spaced range are not supported on a run-time tensor")
    if is_const(data) and axis == 0 and ed.ndim == 2 and idx.dtype.kind in "iu":
        return [ctx.emit("embedding", [data, idx], {}, np.zeros(ei.shape + ed.shape[1:], ed.dtype))]
    raise ctx.fail("only a constant table indexed along axis 0 (an embedding) or constant indices are supported")


def h_expand(ctx, ins, attrs):
    x, shape = ins[0], [int(v) for v in ctx.const(ins[1], "the shape input")]
    y = example(x) * np.ones(shape, example(x).dtype)
    if is_const(x):
        return [y]
    if y.shape == x.shape:
        return [x]
    zero = ctx.b.emit("constant", [], {"value": 0, "shape": list(y.shape), "dtype": _dt(y.dtype)}, y.shape, y.dtype, ctx.origin,
                      name=ctx.name + ":zeros")
    return [ctx.emit("add", [x, zero], {}, y)]


def _dt(d):
    from .builder import dtype_name
    return dtype_name(d)


def h_reduce(graph_op, fn):
    def h(ctx, ins, attrs):
        x = ins[0]
        ex = example(x)
        if (graph_op == "reduce_sum" and ctx.opset >= 13) or ctx.opset >= 18:
            axes = [int(a) for a in ctx.const(ins[1], "axes")] if len(ins) > 1 and ins[1] is not None else None
        else:
            axes = list(attrs["axes"]) if "axes" in attrs else None
        if axes is None or len(axes) == 0:
            if attrs.get("noop_with_empty_axes", 0):
                return [x]
            axes = list(range(ex.ndim))
        axes = sorted(a + ex.ndim if a < 0 else a for a in axes)
        keep = bool(attrs.get("keepdims", 1))
        y = fn(ex, axis=tuple(axes), keepdims=keep).astype(ex.dtype)
        if is_const(x):
            return [y]
        return [ctx.b.reduce(graph_op, x, axes, keep, ctx.origin, name=ctx.name)]
    return h


def h_layer_norm(ctx, ins, attrs):
    x = ins[0]
    ex = example(x)
    axis = attrs.get("axis", -1)
    if (axis + ex.ndim if axis < 0 else axis) != ex.ndim - 1:
        raise ctx.fail(f"axis={axis} normalizes more than the last axis; only the last axis is supported")
    if len([o for o in ctx.node.output if o]) > 1:
        raise ctx.fail("the Mean and InvStdDev outputs are not supported")
    gamma, beta = ctx.const(ins[1], "scale"), ctx.const(ins[2] if len(ins) > 2 else None, "bias")
    if is_const(x):
        raise ctx.fail("LayerNormalization of a constant is not folded")
    inputs = [x] + [v.astype(x.dtype) for v in (gamma, beta) if v is not None]
    return [ctx.emit("layer_norm", inputs, {"eps": float(attrs.get("epsilon", 1e-5))}, ex)]


def h_batch_norm(ctx, ins, attrs):
    if attrs.get("training_mode", 0):
        raise ctx.fail("training_mode=1 is not supported (inference only)")
    if attrs.get("spatial", 1) != 1:
        raise ctx.fail("spatial=0 is not supported")
    if len([o for o in ctx.node.output if o]) > 1:
        raise ctx.fail("the running mean/var outputs are not supported (inference only)")
    x = ins[0]
    ex = example(x)
    if ex.ndim != 4:
        raise ctx.fail(f"input of rank {ex.ndim}; only NCHW (rank 4) is supported")
    params = [ctx.const(v, n).astype(ex.dtype) for v, n in zip(ins[1:5], ("scale", "B", "mean", "var"))]
    return [ctx.emit("batch_norm", [x] + params, {"eps": float(attrs.get("epsilon", 1e-5))}, ex)]


def _conv_geometry(ctx, attrs, ex, kernel):
    if attrs.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
        raise ctx.fail(f"auto_pad={attrs['auto_pad']!r} is not supported (only explicit pads)")
    if ex.ndim != 4:
        raise ctx.fail(f"input of rank {ex.ndim}; only 2-D (NCHW) is supported")
    strides = list(attrs.get("strides", [1, 1]))
    dil = list(attrs.get("dilations", [1, 1]))
    pads = list(attrs.get("pads", [0, 0, 0, 0]))
    if pads[0] != pads[2] or pads[1] != pads[3]:
        raise ctx.fail(f"asymmetric pads {pads} are not supported")
    out = [(ex.shape[2 + i] + 2 * pads[i] - dil[i] * (kernel[i] - 1) - 1) // strides[i] + 1 for i in range(2)]
    return strides, dil, pads[:2], out


def h_conv(ctx, ins, attrs):
    x, w = ins[0], ctx.const(ins[1], "the weight")
    bias = ctx.const(ins[2] if len(ins) > 2 else None, "the bias")
    if is_const(x):
        raise ctx.fail("Conv of a constant is not folded")
    ex = example(x)
    if w.ndim != 4:
        raise ctx.fail(f"weight of rank {w.ndim}; only 2-D convolution is supported")
    strides, dil, pads, out = _conv_geometry(ctx, attrs, ex, w.shape[2:])
    groups = int(attrs.get("group", 1))
    y = np.zeros((ex.shape[0], w.shape[0], *out), ex.dtype)
    inputs = [x, w.astype(ex.dtype)] + ([bias.astype(ex.dtype)] if bias is not None else [])
    return [ctx.emit("conv2d", inputs, {"stride": strides, "padding": pads, "dilation": dil, "groups": groups}, y)]


def h_pool(graph_op):
    def h(ctx, ins, attrs):
        x = ins[0]
        if is_const(x):
            raise ctx.fail("pooling of a constant is not folded")
        if len([o for o in ctx.node.output if o]) > 1:
            raise ctx.fail("the Indices output is not supported")
        if attrs.get("ceil_mode", 0):
            raise ctx.fail("ceil_mode=1 is not supported")
        if attrs.get("storage_order", 0):
            raise ctx.fail("storage_order=1 is not supported")
        ex = example(x)
        kernel = list(attrs["kernel_shape"])
        strides, dil, pads, out = _conv_geometry(ctx, attrs, ex, kernel)
        if graph_op == "avg_pool2d" and attrs.get("count_include_pad", 0) and any(pads):
            raise ctx.fail("count_include_pad=1 with padding is not supported (the graph compiler divides by in-bounds taps)")
        y = np.zeros((ex.shape[0], ex.shape[1], *out), ex.dtype)
        return [ctx.emit(graph_op, [x], {"kernel": kernel, "stride": strides, "padding": pads, "dilation": dil}, y)]
    return h


def h_global_avg_pool(ctx, ins, attrs):
    x = ins[0]
    ex = example(x)
    y = ex.mean(axis=tuple(range(2, ex.ndim)), keepdims=True)
    if is_const(x):
        return [y]
    return [ctx.b.reduce("reduce_mean", x, list(range(2, ex.ndim)), True, ctx.origin, name=ctx.name)]


def h_constant(ctx, ins, attrs):
    import onnx
    import onnx.numpy_helper
    a = ctx.node.attribute[0]
    if a.name == "value":
        return [onnx.numpy_helper.to_array(a.t)]
    if a.name in ("value_float", "value_int"):
        return [np.array(onnx.helper.get_attribute_value(a), np.float32 if a.name == "value_float" else np.int64)]
    if a.name in ("value_floats", "value_ints"):
        return [np.array(onnx.helper.get_attribute_value(a), np.float32 if a.name == "value_floats" else np.int64)]
    raise ctx.fail(f"attribute '{a.name}' is not supported")


def h_constant_of_shape(ctx, ins, attrs):
    import onnx.numpy_helper
    shape = [int(v) for v in ctx.const(ins[0], "the shape input")]
    value = onnx.numpy_helper.to_array(attrs["value"]) if "value" in attrs else np.zeros(1, np.float32)
    return [np.full(shape, value.reshape(-1)[0], value.dtype)]


def h_shape(ctx, ins, attrs):
    shape = np.array(example(ins[0]).shape, np.int64)
    start, end = attrs.get("start", 0), attrs.get("end", None)
    return [shape[start:end]]


def h_erf(ctx, ins, attrs):
    x = ins[0]
    if is_const(x):
        return [_erf(x)]
    # no graph op computes erf alone: the recogniser folds Erf's GELU form into gelu, or reports this node
    return [ctx.emit("erf", [x], {}, example(x))]


def h_pow(ctx, ins, attrs):
    a, c = ins
    if all_const(ins):
        return [np.power(a, c).astype(a.dtype)]
    if is_const(c):
        c = c.astype(a.dtype)
        if c.size == 1 and float(c.reshape(-1)[0]) == 0.5:
            return [ctx.emit("sqrt", [a], {}, example(a))]
    elif not is_const(a) and a.dtype != c.dtype:
        raise ctx.fail("base and exponent of different dtypes")
    y = np.power(example(a), example(c)).astype(a.dtype if isinstance(a, Tensor) else c.dtype)
    return [ctx.emit("pow", [a, c], {}, y)]


def h_range(ctx, ins, attrs):
    s, l, d = (ctx.const(v, "inputs").reshape(-1)[0] for v in ins)
    return [np.arange(s, l, d).astype(ins[0].dtype)]


def _minmax(graph_op, fn):
    b = binary(graph_op, fn)

    def h(ctx, ins, attrs):
        while len(ins) > 2:
            ins = [fn(ins[0], ins[1]) if all_const(ins[:2]) else b(ctx, ins[:2], attrs)[0]] + list(ins[2:])
        return b(ctx, ins, attrs)
    return h


# Supported ops: handler and the attributes it understands (any other attribute is an error).
HANDLERS = {
    "Identity": (h_identity, ()), "Dropout": (h_dropout, ("ratio", "seed", "training_mode")),
    "Relu": (unary("relu", lambda x: np.maximum(x, 0)), ()), "Neg": (unary("neg", np.negative), ()),
    "Abs": (unary("abs", np.abs), ()), "Exp": (unary("exp", np.exp), ()), "Log": (unary("log", np.log), ()),
    "Sqrt": (unary("sqrt", np.sqrt), ()), "Tanh": (unary("tanh", np.tanh), ()),
    "Sigmoid": (unary("sigmoid", lambda x: 1 / (1 + np.exp(-x))), ()), "Erf": (h_erf, ()),
    "Sin": (fold_only(lambda c, i, a: np.sin(i[0])), ()), "Cos": (fold_only(lambda c, i, a: np.cos(i[0])), ()),
    "Reciprocal": (h_reciprocal, ()), "Cast": (h_cast, ("to", "saturate")),
    "Add": (binary("add", np.add), ()), "Sub": (binary("sub", np.subtract), ()), "Mul": (binary("mul", np.multiply), ()),
    "Div": (binary("div", np.divide), ()), "Pow": (h_pow, ()),
    "Max": (_minmax("maximum", np.maximum), ()), "Min": (_minmax("minimum", np.minimum), ()),
    "Equal": (binary("equal", np.equal), ()), "Less": (binary("less", np.less), ()), "Greater": (binary("greater", np.greater), ()),
    "LessOrEqual": (binary("le", np.less_equal), ()), "GreaterOrEqual": (binary("ge", np.greater_equal), ()),
    "Not": (fold_only(lambda c, i, a: np.logical_not(i[0])), ()), "And": (fold_only(lambda c, i, a: np.logical_and(i[0], i[1])), ()),
    "Or": (fold_only(lambda c, i, a: np.logical_or(i[0], i[1])), ()),
    "Where": (h_where, ()), "Softmax": (h_softmax("softmax"), ("axis",)), "LogSoftmax": (h_softmax("log_softmax"), ("axis",)),
    "MatMul": (h_matmul, ()), "Gemm": (h_gemm, ("alpha", "beta", "transA", "transB")),
    "Transpose": (h_transpose, ("perm",)), "Reshape": (h_reshape, ("allowzero",)), "Flatten": (h_flatten, ("axis",)),
    "Squeeze": (h_squeeze, ("axes",)), "Unsqueeze": (h_unsqueeze, ("axes",)), "Concat": (h_concat, ("axis",)),
    "Slice": (h_slice, ("starts", "ends", "axes")), "Split": (h_split, ("axis", "split", "num_outputs")),
    "Gather": (h_gather, ("axis",)), "Expand": (h_expand, ()),
    "ReduceMean": (h_reduce("reduce_mean", np.mean), ("axes", "keepdims", "noop_with_empty_axes")),
    "ReduceSum": (h_reduce("reduce_sum", np.sum), ("axes", "keepdims", "noop_with_empty_axes")),
    "ReduceMax": (h_reduce("reduce_max", np.max), ("axes", "keepdims", "noop_with_empty_axes")),
    "LayerNormalization": (h_layer_norm, ("axis", "epsilon", "stash_type")),
    "BatchNormalization": (h_batch_norm, ("epsilon", "momentum", "training_mode", "spatial")),
    "Conv": (h_conv, ("auto_pad", "dilations", "group", "kernel_shape", "pads", "strides")),
    "MaxPool": (h_pool("max_pool2d"), ("auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order", "strides")),
    "AveragePool": (h_pool("avg_pool2d"), ("auto_pad", "ceil_mode", "count_include_pad", "kernel_shape", "pads", "strides")),
    "GlobalAveragePool": (h_global_avg_pool, ()),
    "Constant": (h_constant, ("value", "value_float", "value_floats", "value_int", "value_ints")),
    "ConstantOfShape": (h_constant_of_shape, ("value",)), "Shape": (h_shape, ("start", "end")),
    "Range": (h_range, ()),
}


def load_model(model, base_dir=None):
    """A ModelProto from a path, bytes or a ModelProto; malformed files are a GraphImportError naming the file."""
    import onnx
    from onnx import external_data_helper
    if isinstance(model, onnx.ModelProto):
        if base_dir is not None:
            external_data_helper.load_external_data_for_model(model, base_dir)
        where = "model"
    else:
        where = str(model)
        try:
            if isinstance(model, (bytes, bytearray)):
                model = onnx.load_from_string(bytes(model))
            else:
                model = onnx.load(str(model))
        except FileNotFoundError as e:
            raise GraphImportError(f"{where}: cannot open ONNX file: {e.strerror}") from None
        except Exception as e:  # protobuf DecodeError, external data not found, ...
            raise GraphImportError(f"{where}: not a valid ONNX model ({type(e).__name__}: {e})") from None
    try:
        onnx.checker.check_model(model)
    except Exception as e:
        raise GraphImportError(f"{where}: not a valid ONNX model (the ONNX checker: {str(e).strip().splitlines()[0]})") from None
    if not model.graph.node:
        raise GraphImportError(f"{where}: the ONNX graph has no nodes")
    return model


def import_onnx(model, input_shapes=None, base_dir=None, name=None):
    """ONNX model (path, bytes or ModelProto) -> GraphBuilder with the decomposed forms recognised."""
    import onnx
    from onnx import numpy_helper
    from .recognise import recognise
    model = load_model(model, base_dir)
    opset = {o.domain: o.version for o in model.opset_import}
    default_opset = opset.get("", opset.get("ai.onnx", 0))
    g = model.graph
    b = GraphBuilder(name or g.name or "model")
    values = {}
    for init in g.initializer:
        try:
            values[init.name] = numpy_helper.to_array(init, base_dir or "")
        except Exception as e:
            raise GraphImportError(f"initializer '{init.name}': cannot read its data ({e})") from None
    for inp in g.input:
        if inp.name in values:
            continue
        tt = inp.type.tensor_type
        shape = []
        for k, d in enumerate(tt.shape.dim):
            if d.HasField("dim_value"):
                shape.append(d.dim_value)
            else:
                given = (input_shapes or {}).get(inp.name)
                if given is None:
                    raise GraphImportError(f"input '{inp.name}': dimension {k} is symbolic ('{d.dim_param}'); give static shapes "
                                           f"(input_shapes={{'{inp.name}': [...]}} / --input-shape {inp.name}=...)")
                shape = list(given)
                break
        if (input_shapes or {}).get(inp.name) is not None:
            shape = list(input_shapes[inp.name])
        dtype = _np_dtype(tt.elem_type)
        values[inp.name] = b.add_input(inp.name, shape, dtype)
    for node in g.node:
        ctx = Ctx(b, node, default_opset)
        if node.domain not in ("", "ai.onnx"):
            raise ctx.fail(f"domain '{node.domain}' is not supported (only the default ONNX domain)")
        if node.op_type not in HANDLERS:
            raise ctx.fail(f"op type {node.op_type} is not supported by the graph compiler (supported: {', '.join(sorted(HANDLERS))})")
        handler, known = HANDLERS[node.op_type]
        attrs = {}
        for a in node.attribute:
            if a.name not in known:
                raise ctx.fail(f"attribute '{a.name}' is not supported")
            attrs[a.name] = onnx.helper.get_attribute_value(a) if a.name != "value" or node.op_type != "ConstantOfShape" else a.t
        ins = []
        for i in node.input:
            if not i:
                ins.append(None)
            elif i not in values:
                raise ctx.fail(f"input '{i}' is not produced by an earlier node")
            else:
                ins.append(values[i])
        first_new = len(b.nodes)
        try:
            with np.errstate(all="ignore"):  # zero stand-ins divide by zero; only their shapes matter
                outs = handler(ctx, ins, attrs)
        except GraphImportError:
            raise
        except (ValueError, IndexError, KeyError, TypeError) as e:
            raise ctx.fail(f"cannot import ({type(e).__name__}: {e})") from None
        for o, v in zip(node.output, outs):
            if v is not None and not isinstance(v, Tensor):
                v = np.asarray(v)  # numpy scalars (np.take of a 0-d index, ...) are constants too
            if o:
                if isinstance(v, Tensor) and o not in b._names and any(n.output == v.name for n in b.nodes[first_new:]):
                    b.rename_recent(v.name, o, first_new)  # keep the model's tensor names where a node computes them
                values[o] = v
    outputs = []
    for o in g.output:
        if o.name not in values:
            raise GraphImportError(f"graph output '{o.name}' is not computed by any node")
        outputs.append((o.name, values[o.name]))
    b.set_outputs(outputs)
    recognise(b)
    return b
