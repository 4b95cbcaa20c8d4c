"""torch.nn.Module -> GraphBuilder through torch.fx (docs/graph-import.md).

The module is traced symbolically (torch.fx.symbolic_trace) and the trace is walked once with the example
inputs, running every fx node on real tensors as torch.fx.Interpreter would. That gives each value's static
shape and dtype, and makes everything that does not depend on the inputs a constant: parameters, buffers,
size() arithmetic and masks built from buffers are folded at import. Each remaining call (nn modules,
torch functions, Tensor methods) maps to the graph compiler's ops in the same vocabulary as the ONNX
importer, so one recogniser (recognise.py) finds the same fusable forms. A call with no mapping is a
GraphImportError naming the fx node and its target."""
import operator

import numpy as np

from .builder import GraphBuilder, Tensor, dtype_name, is_const
from .errors import GraphImportError


def _np(t):
    import torch
    if isinstance(t, torch.Tensor):
        return t.detach().cpu().numpy().copy()
    return t


class Ctx:
    def __init__(self, b, node, kind):
        self.b, self.node, self.kind = b, node, kind
        self.origin = (node.name, kind)

    def fail(self, msg):
        return GraphImportError.at(self.node.name, self.kind, msg)

    def emit(self, op, inputs, attrs, out, name=None):
        shape, dtype = (out.shape, out.dtype) if isinstance(out, np.ndarray) else (tuple(out.shape), _np_dtype(out.dtype))
        return self.b.emit(op, inputs, attrs, shape, dtype, self.origin, name=name or self.node.name)


def _np_dtype(torch_dtype):
    import torch
    table = {torch.float32: np.float32, torch.float16: np.float16, torch.int64: np.int64, torch.int32: np.int32, torch.bool: np.bool_,
             torch.int8: np.int8, torch.uint8: np.uint8}
    if torch_dtype not in table:
        raise GraphImportError(f"dtype {torch_dtype} is not supported by the graph compiler")
    return np.dtype(table[torch_dtype])


def _operand(ctx, v, like):
    """A binary op operand: Tensors pass, python numbers and constants become constants of like's dtype."""
    if isinstance(v, Tensor):
        return v
    return np.asarray(v).astype(like.dtype)


def _tensor_arg(ctx, v, what="input"):
    if not isinstance(v, Tensor):
        raise ctx.fail(f"{what} is not a run-time tensor")
    return v


def _dims(args, start):
    rest = args[start:]
    return list(rest[0]) if len(rest) == 1 and isinstance(rest[0], (list, tuple)) else list(rest)


def h_binary(op):
    def h(ctx, args, kwargs, out):
        if kwargs.get("alpha", 1) != 1:
            raise ctx.fail("alpha != 1 is not supported")
        a, c = args[0], args[1]
        t = a if isinstance(a, Tensor) else c
        return ctx.emit(op, [_operand(ctx, a, t), _operand(ctx, c, t)], {}, out)
    return h


def h_rbinary(op):  # reflected: python scalar on the left
    base = h_binary(op)
    return lambda ctx, args, kwargs, out: base(ctx, [args[1], args[0]], kwargs, out)


def h_unary(op):
    return lambda ctx, args, kwargs, out: ctx.emit(op, [_tensor_arg(ctx, args[0])], {}, out)


def h_identity(ctx, args, kwargs, out):
    return args[0]


def h_dropout(ctx, args, kwargs, out):
    if kwargs.get("training", args[2] if len(args) > 2 else False):
        raise ctx.fail("dropout in training mode is not supported (inference only)")
    return args[0]


def h_cast(ctx, args, kwargs, out):
    x = args[0]
    want = _np_dtype(out.dtype)
    if x.dtype == want:
        return x
    return ctx.emit("cast", [x], {"dtype": dtype_name(want)}, out)


def h_gelu(ctx, args, kwargs, out):
    approx = kwargs.get("approximate", args[1] if len(args) > 1 else "none")
    return ctx.emit("gelu", [args[0]], {"approximate": approx} if approx != "none" else {}, out)


def h_softmax(op):
    def h(ctx, args, kwargs, out):
        dim = kwargs.get("dim", args[1] if len(args) > 1 else None)
        if dim is None:
            raise ctx.fail("softmax without dim is not supported")
        if kwargs.get("dtype") is not None:
            raise ctx.fail("softmax with dtype= is not supported")
        return ctx.emit(op, [args[0]], {"axis": int(dim) % len(out.shape)}, out)
    return h


def h_pow(ctx, args, kwargs, out):
    x, e = args[0], args[1]
    if not isinstance(x, Tensor):
        raise ctx.fail("a constant base with a run-time exponent is not supported")
    if isinstance(e, (int, float)) and float(e) == 0.5:
        return ctx.emit("sqrt", [x], {}, out)
    return ctx.emit("pow", [x, _operand(ctx, e, x)], {}, out)


def h_matmul(ctx, args, kwargs, out):
    a, c = args[0], args[1]
    if len(out.shape) < 2 or any(len(v.shape) < 2 for v in (a, c)):
        raise ctx.fail("a vector operand is not supported (matmul needs rank >= 2)")
    return ctx.emit("matmul", [a, c], {}, out)


def linear(ctx, x, w, bias, out):
    wt = np.ascontiguousarray(w.T)
    if bias is None:
        return ctx.emit("matmul", [x, wt], {}, out)
    mm = ctx.b.emit("matmul", [x, wt], {}, tuple(out.shape), _np_dtype(out.dtype), ctx.origin, name=ctx.node.name + ":matmul")
    return ctx.emit("add", [mm, bias], {}, out)


def h_linear(ctx, args, kwargs, out):
    w = args[1]
    bias = kwargs.get("bias", args[2] if len(args) > 2 else None)
    if not is_const(w) or (bias is not None and not is_const(bias)):
        raise ctx.fail("the weight and bias must be constants (parameters)")
    return linear(ctx, args[0], w, bias, out)


def h_transpose(ctx, args, kwargs, out):
    x = args[0]
    r = len(x.shape)
    d0, d1 = args[1] % r, args[2] % r
    perm = list(range(r))
    perm[d0], perm[d1] = perm[d1], perm[d0]
    return x if d0 == d1 else ctx.emit("transpose", [x], {"perm": perm}, out)


def h_permute(ctx, args, kwargs, out):
    x = args[0]
    perm = [d % len(x.shape) for d in _dims(args, 1)]
    return x if perm == list(range(len(perm))) else ctx.emit("transpose", [x], {"perm": perm}, out)


def h_t(ctx, args, kwargs, out):
    return h_transpose(ctx, [args[0], 0, 1], {}, out)


def h_reshape(ctx, args, kwargs, out):
    x = args[0]
    if tuple(out.shape) == x.shape:
        return x
    return ctx.emit("reshape", [x], {"shape": list(out.shape)}, out)


def h_reduce(op):
    def h(ctx, args, kwargs, out):
        x = args[0]
        dim = kwargs.get("dim", args[1] if len(args) > 1 else None)
        keep = bool(kwargs.get("keepdim", args[2] if len(args) > 2 else False))
        if kwargs.get("dtype") is not None:
            raise ctx.fail("dtype= is not supported")
        dims = list(range(len(x.shape))) if dim is None else ([dim] if isinstance(dim, int) else list(dim))
        return ctx.b.reduce(op, x, dims, keep, ctx.origin, name=ctx.node.name)
    return h


def h_cat(ctx, args, kwargs, out):
    xs = list(args[0])
    dim = kwargs.get("dim", args[1] if len(args) > 1 else 0) % len(out.shape)
    t = next(v for v in xs if isinstance(v, Tensor))
    return ctx.emit("concat", [_operand(ctx, v, t) for v in xs], {"axis": dim}, out)


def slice_tensor(ctx, x, axes, starts, ends, steps, out_shape, name=None):
    if all(s == 0 and e >= x.shape[a] and st == 1 for a, s, e, st in zip(axes, starts, ends, steps)):
        return x
    return ctx.b.emit("slice", [x], {"axes": axes, "starts": starts, "ends": ends, "steps": steps}, tuple(out_shape), x.dtype, ctx.origin,
                      name=name or ctx.node.name)


def h_getitem(ctx, args, kwargs, out):
    x, idx = args[0], args[1]
    if isinstance(x, (list, tuple)):
        return x[idx]
    if not isinstance(idx, tuple):
        idx = (idx,)
    if any(isinstance(i, Tensor) or is_const(i) for i in idx):
        raise ctx.fail("indexing with a tensor is not supported")
    n_ell = sum(1 for i in idx if i is Ellipsis)
    explicit = sum(1 for i in idx if i is not None and i is not Ellipsis)
    full = []
    for i in idx:
        if i is Ellipsis:
            full.extend([slice(None)] * (len(x.shape) - explicit))
        else:
            full.append(i)
    if not n_ell:
        full.extend([slice(None)] * (len(x.shape) - explicit))
    axes, starts, ends, steps, shape_after = [], [], [], [], []
    axis = 0
    for i in full:
        if i is None:
            continue
        if isinstance(i, int):
            n = i % x.shape[axis]
            axes.append(axis), starts.append(n), ends.append(n + 1), steps.append(1)
        elif isinstance(i, slice):
            s, e, st = i.indices(x.shape[axis])
            if st <= 0:
                raise ctx.fail("a negative step is not supported")
            if (s, e, st) != (0, x.shape[axis], 1):  # the whole axis: nothing to slice
                axes.append(axis), starts.append(s), ends.append(max(e, s)), steps.append(st)
        else:
            raise ctx.fail(f"index {i!r} is not supported")
        axis += 1
    sliced = list(x.shape)
    for a, s, e, st in zip(axes, starts, ends, steps):
        sliced[a] = len(range(s, e, st))
    y = slice_tensor(ctx, x, axes, starts, ends, steps, sliced, name=ctx.node.name + ":slice") if axes else x
    return h_reshape(ctx, [y], {}, out)


def h_split(ctx, args, kwargs, out, chunk=False):
    x = args[0]
    dim = kwargs.get("dim", args[2] if len(args) > 2 else 0) % len(x.shape)
    results, start = [], 0
    for k, o in enumerate(out):
        size = o.shape[dim]
        shape = list(x.shape)
        shape[dim] = size
        results.append(slice_tensor(ctx, x, [dim], [start], [start + size], [1], shape, name=f"{ctx.node.name}:{k}"))
        start += size
    return tuple(results)


def h_unsqueeze_etc(ctx, args, kwargs, out):
    return h_reshape(ctx, [args[0]], {}, out)


def h_masked_fill(ctx, args, kwargs, out):
    x, mask, value = args[0], args[1], args[2]
    if not is_const(mask):
        raise ctx.fail("the mask is computed at run time; masked_fill is supported only with a constant mask (an attention mask)")
    value = float(value)
    if value > -1e4:
        raise ctx.fail("the fill value is not -inf or a large negative number; masked_fill of a run-time tensor is supported only "
                       "as an additive attention mask")
    return ctx.emit("add", [x, np.where(mask, value, 0.0).astype(x.dtype)], {}, out)


def h_expand(ctx, args, kwargs, out):
    x = args[0]
    if tuple(out.shape) == x.shape:
        return x
    zero = ctx.b.emit("constant", [], {"value": 0, "shape": list(out.shape), "dtype": dtype_name(x.dtype)}, tuple(out.shape), x.dtype,
                      ctx.origin, name=ctx.node.name + ":zeros")
    return ctx.emit("add", [x, zero], {}, out)


def h_layer_norm_f(ctx, args, kwargs, out):
    x, shape = args[0], args[1]
    w = kwargs.get("weight", args[2] if len(args) > 2 else None)
    bias = kwargs.get("bias", args[3] if len(args) > 3 else None)
    eps = kwargs.get("eps", args[4] if len(args) > 4 else 1e-5)
    return layer_norm(ctx, x, shape, w, bias, eps, out)


def layer_norm(ctx, x, shape, w, bias, eps, out):
    if len(shape) != 1:
        raise ctx.fail(f"normalized_shape {list(shape)} covers more than the last axis; only the last axis is supported")
    d = x.shape[-1]
    ins = [x]
    if w is not None or bias is not None:
        ins.append(w.astype(x.dtype) if w is not None else np.ones(d, x.dtype))
    if bias is not None:
        ins.append(bias.astype(x.dtype))
    return ctx.emit("layer_norm", ins, {"eps": float(eps)}, out)


def _pair(v):
    return list(v) if isinstance(v, (list, tuple)) else [v, v]


def conv(ctx, x, w, bias, stride, padding, dilation, groups, out):
    if isinstance(padding, str):
        raise ctx.fail(f"padding='{padding}' is not supported (give explicit padding)")
    ins = [x, w.astype(x.dtype)] + ([bias.astype(x.dtype)] if bias is not None else [])
    return ctx.emit("conv2d", ins, {"stride": _pair(stride), "padding": _pair(padding), "dilation": _pair(dilation), "groups": int(groups)}, out)


def h_module(ctx, mod, args, kwargs, out):
    import torch.nn as nn
    p = lambda t: None if t is None else _np(t)  # noqa: E731
    x = args[0] if args else None
    if isinstance(mod, (nn.Dropout, nn.Identity)):
        return x
    if isinstance(mod, nn.Linear):
        return linear(ctx, x, p(mod.weight), p(mod.bias), out)
    if isinstance(mod, nn.Conv2d):
        if mod.padding_mode != "zeros":
            raise ctx.fail(f"padding_mode='{mod.padding_mode}' is not supported")
        return conv(ctx, x, p(mod.weight), p(mod.bias), mod.stride, mod.padding, mod.dilation, mod.groups, out)
    if isinstance(mod, nn.BatchNorm2d):
        if mod.training or mod.running_mean is None:
            raise ctx.fail("batch norm in training mode (or without running statistics) is not supported: call module.eval()")
        c = mod.num_features
        w = p(mod.weight) if mod.weight is not None else np.ones(c, np.float32)
        bias = p(mod.bias) if mod.bias is not None else np.zeros(c, np.float32)
        params = [v.astype(x.dtype) for v in (w, bias, p(mod.running_mean), p(mod.running_var))]
        return ctx.emit("batch_norm", [x] + params, {"eps": float(mod.eps)}, out)
    if isinstance(mod, nn.LayerNorm):
        return layer_norm(ctx, x, mod.normalized_shape, p(mod.weight), p(mod.bias), mod.eps, out)
    simple = {nn.ReLU: "relu", nn.SiLU: "silu", nn.Sigmoid: "sigmoid", nn.Tanh: "tanh"}
    for cls, op in simple.items():
        if type(mod) is cls:
            return ctx.emit(op, [x], {}, out)
    if isinstance(mod, nn.GELU):
        return ctx.emit("gelu", [x], {"approximate": mod.approximate} if mod.approximate != "none" else {}, out)
    if isinstance(mod, nn.Softmax):
        return h_softmax("softmax")(ctx, [x, mod.dim], {}, out)
    if isinstance(mod, nn.Embedding):
        return ctx.emit("embedding", [p(mod.weight), x], {}, out)
    if isinstance(mod, (nn.MaxPool2d, nn.AvgPool2d)):
        if mod.ceil_mode:
            raise ctx.fail("ceil_mode=True is not supported")
        op = "max_pool2d" if isinstance(mod, nn.MaxPool2d) else "avg_pool2d"
        if op == "avg_pool2d" and mod.count_include_pad and any(_pair(mod.padding)):
            raise ctx.fail("count_include_pad=True with padding is not supported")
        attrs = {"kernel": _pair(mod.kernel_size), "stride": _pair(mod.stride or mod.kernel_size), "padding": _pair(mod.padding)}
        if op == "max_pool2d":
            attrs["dilation"] = _pair(mod.dilation)
        return ctx.emit(op, [x], attrs, out)
    if isinstance(mod, nn.AdaptiveAvgPool2d) and _pair(mod.output_size) == [1, 1]:
        return ctx.b.reduce("reduce_mean", x, [2, 3], True, ctx.origin, name=ctx.node.name)
    if isinstance(mod, nn.Flatten):
        return h_reshape(ctx, [x], {}, out)
    raise ctx.fail(f"module type {type(mod).__name__} is not supported by the graph compiler")


def _function_table():
    import torch
    import torch.nn.functional as F
    t = {
        operator.add: h_binary("add"), operator.sub: h_binary("sub"), operator.mul: h_binary("mul"), operator.truediv: h_binary("div"),
        torch.add: h_binary("add"), torch.sub: h_binary("sub"), torch.mul: h_binary("mul"), torch.div: h_binary("div"),
        torch.maximum: h_binary("maximum"), torch.minimum: h_binary("minimum"),
        operator.neg: h_unary("neg"), torch.neg: h_unary("neg"), torch.relu: h_unary("relu"), F.relu: h_unary("relu"),
        torch.exp: h_unary("exp"), torch.log: h_unary("log"), torch.sqrt: h_unary("sqrt"), torch.rsqrt: h_unary("rsqrt"),
        torch.tanh: h_unary("tanh"), torch.sigmoid: h_unary("sigmoid"), torch.abs: h_unary("abs"), F.silu: h_unary("silu"),
        F.gelu: h_gelu, torch.softmax: h_softmax("softmax"), F.softmax: h_softmax("softmax"), F.log_softmax: h_softmax("log_softmax"),
        torch.pow: h_pow, operator.pow: h_pow, operator.matmul: h_matmul, torch.matmul: h_matmul, torch.bmm: h_matmul,
        F.linear: h_linear, F.layer_norm: h_layer_norm_f, F.dropout: h_dropout, torch.transpose: h_transpose,
        torch.permute: h_permute, torch.reshape: h_reshape, torch.flatten: h_reshape, torch.unsqueeze: h_unsqueeze_etc,
        torch.squeeze: h_unsqueeze_etc, torch.cat: h_cat, torch.concat: h_cat, operator.getitem: h_getitem, torch.mean: h_reduce("reduce_mean"),
        torch.sum: h_reduce("reduce_sum"), torch.amax: h_reduce("reduce_max"), torch.split: h_split, torch.chunk: h_split,
        torch.masked_fill: h_masked_fill,
    }
    try:
        t[torch._C._nn.gelu] = h_gelu
        t[torch._C._nn.linear] = h_linear
    except AttributeError:
        pass
    return t


METHODS = {
    "add": h_binary("add"), "sub": h_binary("sub"), "mul": h_binary("mul"), "div": h_binary("div"), "neg": h_unary("neg"),
    "relu": h_unary("relu"), "exp": h_unary("exp"), "log": h_unary("log"), "sqrt": h_unary("sqrt"), "rsqrt": h_unary("rsqrt"),
    "tanh": h_unary("tanh"), "sigmoid": h_unary("sigmoid"), "abs": h_unary("abs"), "softmax": h_softmax("softmax"),
    "log_softmax": h_softmax("log_softmax"), "pow": h_pow, "matmul": h_matmul, "bmm": h_matmul, "transpose": h_transpose,
    "permute": h_permute, "t": h_t, "view": h_reshape, "reshape": h_reshape, "flatten": h_reshape, "unsqueeze": h_unsqueeze_etc,
    "squeeze": h_unsqueeze_etc, "contiguous": h_identity, "clone": h_identity, "detach": h_identity, "float": h_cast, "half": h_cast,
    "to": h_cast, "type_as": h_cast, "mean": h_reduce("reduce_mean"), "sum": h_reduce("reduce_sum"), "amax": h_reduce("reduce_max"),
    "split": h_split, "chunk": h_split, "masked_fill": h_masked_fill, "expand": h_expand, "expand_as": h_expand,
}
REFLECTED = {operator.add: h_rbinary("add"), operator.sub: h_rbinary("sub"), operator.mul: h_rbinary("mul"), operator.truediv: h_rbinary("div")}


def _flatten(v):
    if isinstance(v, (list, tuple)):
        for x in v:
            yield from _flatten(v=x)
    elif isinstance(v, dict):
        for x in v.values():
            yield from _flatten(x)
    elif isinstance(v, slice):
        yield from (v.start, v.stop, v.step)
    else:
        yield v


class _UnpackableProxies:
    """While tracing, tuple unpacking of proxies (`b, s, d = x.shape`) works on Python 3.11: fx 1.13 looks
    the unpacking instruction up by f_lasti // 2 and misses it, since 3.11 bytecode has inline caches."""

    def __enter__(self):
        import dis
        import inspect
        from torch.fx.proxy import Proxy
        self.saved = Proxy.__iter__
        saved = self.saved

        def __iter__(proxy):
            frame = inspect.currentframe().f_back
            inst = next((i for i in dis.get_instructions(frame.f_code) if i.offset == frame.f_lasti), None)
            if inst is not None and inst.opname == "UNPACK_SEQUENCE":
                return (proxy[i] for i in range(inst.argval))
            return saved(proxy)

        Proxy.__iter__ = __iter__
        return self

    def __exit__(self, *exc):
        from torch.fx.proxy import Proxy
        Proxy.__iter__ = self.saved
        return False


def import_torch_fx(module, example_inputs, name=None):
    import torch
    import torch.fx
    from .recognise import recognise
    if isinstance(example_inputs, torch.Tensor):
        example_inputs = (example_inputs,)
    was_training = module.training
    module.eval()
    try:
        tracer = torch.fx.Tracer()
        tracer.proxy_buffer_attributes = True  # buffers (masks) become get_attr nodes, so slicing them by x.size() traces
        with _UnpackableProxies():
            gm = torch.fx.GraphModule(module, tracer.trace(module))
    except Exception as e:
        raise GraphImportError(f"torch.fx cannot trace {type(module).__name__}: {type(e).__name__}: {e} (try via='onnx')") from None
    b = GraphBuilder(name or type(module).__name__)
    functions = _function_table()
    env, concrete = {}, {}
    placeholders = iter(example_inputs)
    modules = dict(gm.named_modules())

    def mapped(a, table):
        return torch.fx.node.map_arg(a, lambda n: table[n])

    try:
        with torch.no_grad():
            for node in gm.graph.nodes:
                if node.op == "placeholder":
                    try:
                        x = next(placeholders)
                    except StopIteration:
                        raise GraphImportError(f"input '{node.name}': no example input given for it") from None
                    concrete[node] = x
                    env[node] = b.add_input(node.name, tuple(x.shape), _np_dtype(x.dtype))
                    continue
                if node.op == "output":
                    outs = node.args[0]
                    break
                cargs, ckwargs = mapped(node.args, concrete), mapped(node.kwargs, concrete)
                if node.op == "get_attr":
                    obj = gm
                    for part in node.target.split("."):
                        obj = getattr(obj, part)
                    concrete[node] = obj
                    env[node] = _np(obj)
                    continue
                if node.op == "call_function":
                    kind = getattr(node.target, "__name__", str(node.target))
                    run = lambda: node.target(*cargs, **ckwargs)  # noqa: E731
                elif node.op == "call_method":
                    kind = f"Tensor.{node.target}"
                    run = lambda: getattr(cargs[0], node.target)(*cargs[1:], **ckwargs)  # noqa: E731
                else:  # call_module
                    kind = type(modules[node.target]).__name__
                    run = lambda: modules[node.target](*cargs, **ckwargs)  # noqa: E731
                try:
                    result = run()
                except Exception as e:  # e.g. a dtype torch's CPU kernels lack
                    raise GraphImportError.at(node.name, kind, f"torch cannot run it on the example inputs ({type(e).__name__}: "
                                              f"{str(e).strip().splitlines()[0] if str(e).strip() else ''})") from None
                concrete[node] = result
                args, kwargs = mapped(node.args, env), mapped(node.kwargs, env)
                dynamic = any(isinstance(v, Tensor) for v in _flatten((args, kwargs)))
                if not dynamic or not (isinstance(result, torch.Tensor) or
                                       (isinstance(result, (tuple, list)) and result and all(isinstance(r, torch.Tensor) for r in result))):
                    # nothing computed at run time feeds it, or it is not a tensor (size(), shape, dim(), ...): a constant
                    env[node] = tuple(_np(r) for r in result) if isinstance(result, (tuple, list)) and result and \
                        isinstance(result[0], torch.Tensor) else _np(result)
                    continue
                ctx = Ctx(b, node, kind)
                if node.op == "call_module":
                    env[node] = h_module(ctx, modules[node.target], args, kwargs, result)
                    continue
                if node.op == "call_function":
                    h = functions.get(node.target)
                    if node.target in REFLECTED and not isinstance(args[0], Tensor):
                        h = REFLECTED[node.target]
                else:
                    h = METHODS.get(node.target)
                if h is None:
                    raise ctx.fail(f"{kind} is not supported by the graph compiler")
                try:
                    env[node] = h(ctx, args, kwargs, result)
                except GraphImportError:
                    raise
                except (ValueError, IndexError, KeyError, TypeError, AttributeError) as e:
                    raise ctx.fail(f"cannot import ({type(e).__name__}: {e})") from None
    finally:
        module.train(was_training)
    single = not isinstance(outs, (tuple, list))
    out_list = [outs] if single else list(outs)
    pairs = []
    for k, o in enumerate(out_list):
        pairs.append(("output" if single else f"output{k}", env[o] if isinstance(o, torch.fx.Node) else o))
    b.set_outputs(pairs)
    recognise(b)
    b.single_output = single
    return b
