"""Recognises exporters' decomposed forms in an imported graph and rewrites them into the ops the fusion
engine's patterns are written over (lib/graph/fusion_patterns.cpp), so an exported model fuses like a
hand-written graph:

  * mul(x, sigmoid(x))                                       -> silu(x)             (SwiGLU's gate)
  * x * 0.5 * (1 + erf(x / sqrt(2)))  in any association     -> gelu(x)             (matmul+bias+GELU)
  * x * 0.5 * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3)))    -> gelu(x, "tanh")
  * x * rsqrt(mean(x^2, -1) + eps) [* gamma]  (also x / sqrt(...), x * (1 / sqrt(...)))   -> rms_norm
  * (x - mean(x)) / sqrt(mean((x - mean(x))^2) + eps) [* gamma] [+ beta]                 -> layer_norm
  * matmul(a, transpose(b, perm swapping the last two axes))  -> matmul(a, b', transpose_b) (attention's K^T)
  * add(x, constant causal mask of 0 / -inf)                 -> causal_mask(x)      (flash attention)
  * x * cos + cat(-x[..., D/2:], x[..., :D/2]) * sin  with cos/sin tables of positions 0..S-1 and
    frequencies base^(-2i/D)                                  -> rope(x, base)       (rotate-half RoPE)

Rewrites replace the root node in place (its output keeps its name); nodes only the matched form read
become dead and are dropped. After the rewrites an `erf` left over (no graph op computes erf alone) is an
error naming the model node it came from."""
import numpy as np

from .errors import GraphImportError


class _G:
    def __init__(self, b):
        self.b = b
        self.refresh()

    def refresh(self):
        self.prod = self.b.producers()
        self.users = self.b.users()

    def node(self, name, *ops):
        n = self.prod.get(name)
        return n if n is not None and (not ops or n.op in ops) else None

    def const(self, name):
        return self.b.consts.get(name)

    def scalar(self, name):
        c = self.const(name)
        return float(c.reshape(-1)[0]) if c is not None and c.size == 1 else None

    def only_user(self, name):
        us = self.users.get(name, [])
        return us[0] if len(us) == 1 else None

    def other(self, n, name):
        """The operand of binary node n that is not `name` (None when n does not read it)."""
        if n is None or len(n.inputs) != 2 or name not in n.inputs:
            return None
        return n.inputs[1] if n.inputs[0] == name else n.inputs[0]


def _close(v, want, rel=1e-3):
    return v is not None and abs(v - want) <= rel * abs(want)


def _rewrite(n, op, inputs, attrs=None):
    n.op, n.inputs, n.attrs = op, list(inputs), dict(attrs or {})


def _is_square(g, name, x):
    n = g.node(name, "pow", "mul")
    if n is None:
        return False
    if n.op == "pow":
        return n.inputs[0] == x and _close(g.scalar(n.inputs[1]), 2.0, 1e-6)
    return n.inputs == [x, x]


def _is_cube(g, name, x):
    n = g.node(name, "pow", "mul")
    if n is None:
        return False
    if n.op == "pow":
        return n.inputs[0] == x and _close(g.scalar(n.inputs[1]), 3.0, 1e-6)
    a, c = n.inputs
    return (a == x and _is_square(g, c, x)) or (c == x and _is_square(g, a, x))


def _last_axis_mean(g, n, x):
    rank = len(g.b.shape_of(x))
    return n is not None and n.op == "reduce_mean" and n.attrs.get("axes") in ([rank - 1], [-1]) and n.attrs.get("keepdims")


def _product_root(g, start, x, const_want):
    """Walks single-reader muls up from tensor `start`; returns the mul whose factors are exactly {start, x,
    constants multiplying to const_want} (muls of x by a constant count as their factors), else None."""
    cur, factors, k = start, [], 1.0
    while True:
        m = g.only_user(cur)
        if m is None or m.op != "mul":
            return None
        other = g.other(m, cur)
        inner = g.node(other, "mul")
        if inner is not None and x in inner.inputs and g.scalar(g.other(inner, x)) is not None:
            factors.append(x)
            k *= g.scalar(g.other(inner, x))
        elif g.scalar(other) is not None:
            k *= g.scalar(other)
        else:
            factors.append(other)
        cur = m.output
        if factors == [x] and _close(k, const_want, 1e-4):
            return m
        if len(factors) > 1:
            return None


def silu(g):
    count = 0
    for n in list(g.b.nodes):
        if n.op == "mul" and len(n.inputs) == 2:
            for x, s in (n.inputs, n.inputs[::-1]):
                sig = g.node(s, "sigmoid")
                if sig is not None and sig.inputs[0] == x:
                    _rewrite(n, "silu", [x])
                    count += 1
                    break
    return count


def gelu_erf(g):
    count = 0
    for e in [n for n in g.b.nodes if n.op == "erf"]:
        u = g.node(e.inputs[0], "div", "mul")
        if u is None:
            continue
        x, k = u.inputs[0], g.scalar(u.inputs[1])
        if not ((u.op == "div" and _close(k, np.sqrt(2.0))) or (u.op == "mul" and _close(k, 1 / np.sqrt(2.0)))):
            continue
        a = g.only_user(e.output)
        if a is None or a.op != "add" or not _close(g.scalar(g.other(a, e.output)), 1.0, 1e-6):
            continue
        root = _product_root(g, a.output, x, 0.5)
        if root is not None:
            _rewrite(root, "gelu", [x])
            count += 1
    return count


def gelu_tanh(g):
    count = 0
    for t in [n for n in g.b.nodes if n.op == "tanh"]:
        v = g.node(t.inputs[0], "mul")
        if v is None:
            continue
        for w, c in (v.inputs, v.inputs[::-1]):
            if _close(g.scalar(c), np.sqrt(2 / np.pi)):
                break
        else:
            continue
        w = g.node(w, "add")
        if w is None:
            continue
        x = None
        for cand, cube_term in (w.inputs, w.inputs[::-1]):
            m = g.node(cube_term, "mul")
            if m is None:
                continue
            for p, c in (m.inputs, m.inputs[::-1]):
                if _close(g.scalar(c), 0.044715) and _is_cube(g, p, cand):
                    x = cand
        if x is None:
            continue
        a = g.only_user(t.output)
        if a is None or a.op != "add" or not _close(g.scalar(g.other(a, t.output)), 1.0, 1e-6):
            continue
        root = _product_root(g, a.output, x, 0.5)
        if root is not None:
            _rewrite(root, "gelu", [x], {"approximate": "tanh"})
            count += 1
    return count


def _inverse_std(g, r):
    """From mean node r: add(r, eps) then sqrt then reciprocal/div, or rsqrt. Returns (eps, kind, node) with
    kind 'div' (node = sqrt: the normalized value is x / node) or 'mul' (node = inverse: x * node)."""
    a = g.only_user(r.output)
    if a is None or a.op != "add":
        return None
    eps = g.scalar(g.other(a, r.output))
    if eps is None:
        return None
    s = g.only_user(a.output)
    if s is None:
        return None
    if s.op == "rsqrt":
        return eps, "mul", s
    if s.op != "sqrt":
        return None
    inv = g.only_user(s.output)
    if inv is not None and inv.op == "div" and inv.inputs[1] == s.output and _close(g.scalar(inv.inputs[0]), 1.0, 1e-6):
        return eps, "mul", inv
    return eps, "div", s


def _normalized(g, x, kind, n):
    """The node computing x / n (kind 'div') or x * n (kind 'mul'), among n's readers."""
    for u in g.users.get(n.output, []):
        if u is None:
            continue
        if kind == "div" and u.op == "div" and u.inputs == [x, n.output]:
            return u
        if kind == "mul" and u.op == "mul" and g.other(u, n.output) == x:
            return u
    return None


def _scaled_by_inverse_std(g, r, v):
    """The normalization that follows the mean of squares `r` of `v`: (eps, the node computing v / sqrt(r + eps))
    or None."""
    found = _inverse_std(g, r)
    if found is None:
        return None
    eps, kind, n = found
    y = _normalized(g, v, kind, n)
    return None if y is None else (eps, y)


def _vector(g, name, d):
    c = g.const(name)
    return c is not None and c.size == d and c.shape[-1] == d


def _affine(g, y, d, with_beta):
    """Optional mul by a [d] constant gamma, then (layer norm) add of a [d] constant beta."""
    gamma = beta = None
    root = g.node(y)
    m = g.only_user(y)
    if m is not None and m.op == "mul" and _vector(g, g.other(m, y), d):
        gamma, root, y = g.other(m, y), m, m.output
        a = g.only_user(y)
        if with_beta and a is not None and a.op == "add" and _vector(g, g.other(a, y), d):
            beta, root = g.other(a, y), a
    return root, gamma, beta


def _flat_const(g, name, dtype):
    """A [d] weight holding constant `name` reshaped to one axis."""
    c = g.const(name)
    return g.b.const_name(np.ascontiguousarray(c.reshape(-1).astype(dtype)), name + ":flat")


def rms_norm(g):
    count = 0
    for r in [n for n in g.b.nodes if n.op == "reduce_mean"]:
        sq = g.node(r.inputs[0], "pow", "mul")
        if sq is None:
            continue
        x = sq.inputs[0]
        if not _is_square(g, sq.output, x) or not _last_axis_mean(g, r, x):
            continue
        found = _scaled_by_inverse_std(g, r, x)
        if found is None:
            continue
        eps, y = found
        d = g.b.shape_of(x)[-1]
        root, gamma, _ = _affine(g, y.output, d, False)
        ins = [x] + ([_flat_const(g, gamma, g.b.dtype_of(x))] if gamma else [])
        _rewrite(root, "rms_norm", ins, {"eps": eps})
        count += 1
        g.refresh()
    return count


def layer_norm(g):
    count = 0
    for m1 in [n for n in g.b.nodes if n.op == "reduce_mean"]:
        x = m1.inputs[0]
        if not _last_axis_mean(g, m1, x):
            continue
        for d_node in list(g.users.get(m1.output, [])):
            if d_node is None or d_node.op != "sub" or d_node.inputs != [x, m1.output]:
                continue
            dv = d_node.output
            m2 = next((u for u in g.users.get(dv, []) if u is not None and u.op in ("pow", "mul") and _is_square(g, u.output, dv)), None)
            r = g.only_user(m2.output) if m2 is not None else None
            if r is None or not _last_axis_mean(g, r, dv):
                continue
            found = _scaled_by_inverse_std(g, r, dv)
            if found is None:
                continue
            eps, y = found
            d = g.b.shape_of(x)[-1]
            root, gamma, beta = _affine(g, y.output, d, True)
            dt = g.b.dtype_of(x)
            ins = [x]
            if gamma or beta:
                ins.append(_flat_const(g, gamma, dt) if gamma else g.b.const_name(np.ones(d, dt), root.name + ":gamma"))
            if beta:
                ins.append(_flat_const(g, beta, dt))
            _rewrite(root, "layer_norm", ins, {"eps": eps})
            count += 1
            g.refresh()
            break
    return count


def transposed_matmul_operands(g):
    count = 0
    for mm in [n for n in g.b.nodes if n.op == "matmul"]:
        for idx, attr in ((1, "transpose_b"), (0, "transpose_a")):
            t = g.node(mm.inputs[idx], "transpose")
            if t is None:
                continue
            p = list(t.attrs["perm"])
            r = len(p)
            if r < 2 or p[-2] != r - 1:
                continue  # the transpose does not move the last axis next to last: not a matrix transpose
            q = p[:-2] + [p[-1], p[-2]]
            src = t.inputs[0]
            if q != list(range(r)):
                shape = tuple(g.b.shape_of(src)[i] for i in q)
                src = g.b.emit("transpose", [g.b.tensors[src]], {"perm": q}, shape, g.b.dtype_of(src), t.origin, name=t.name + ":heads").name
                g.b.nodes.insert(g.b.nodes.index(t) + 1, g.b.nodes.pop())
            mm.inputs[idx] = src
            mm.attrs[attr] = not mm.attrs.get(attr, False)
            count += 1
            g.refresh()
    return count


def causal_masks(g):
    count = 0
    for n in [n for n in g.b.nodes if n.op == "add"]:
        for x, c in (n.inputs, n.inputs[::-1]):
            m = g.const(c)
            if m is None or m.ndim < 2 or x not in g.b.tensors:
                continue
            xs = g.b.shape_of(x)
            if len(xs) < 2 or m.shape[-2:] != tuple(xs[-2:]) or n.output not in g.b.tensors or g.b.shape_of(n.output) != xs:
                continue
            rows, cols = xs[-2:]
            flat = m.reshape(-1, rows, cols).astype(np.float64)
            i, j = np.indices((rows, cols))
            banned = j > i + cols - rows
            finite = np.isfinite(flat[:, banned]).any()
            readers = g.users.get(n.output, [])
            if finite and not all(u is not None and u.op == "softmax" for u in readers):
                continue  # x + (-1e9) equals -inf only once a softmax has read it
            if np.all(flat[:, ~banned] == 0) and np.all(flat[:, banned] <= -1e4):
                _rewrite(n, "causal_mask", [x])
                count += 1
                break
    return count


def _slice_of(g, name, x, start, stop):
    s = g.node(name, "slice")
    if s is None or s.inputs[0] != x:
        return False
    rank = len(g.b.shape_of(x))
    return (s.attrs.get("axes") in ([rank - 1], [-1]) and s.attrs.get("starts") == [start] and s.attrs.get("ends") == [stop]
            and s.attrs.get("steps", [1]) == [1])


def _table(g, name, seq, dim):
    c = g.const(name)
    if c is None or c.shape[-2:] != (seq, dim) or c.size != seq * dim:
        return None
    return c.reshape(seq, dim).astype(np.float64)


def rope(g):
    count = 0
    for n in [n for n in g.b.nodes if n.op == "add"]:
        for m_cos, m_sin in (n.inputs, n.inputs[::-1]):
            a, r = g.node(m_cos, "mul"), g.node(m_sin, "mul")
            if a is None or r is None:
                continue
            x = next((v for v in a.inputs if v in g.b.tensors and g.const(g.other(a, v)) is not None), None)
            rot = next((v for v in r.inputs if g.node(v, "concat") is not None and g.const(g.other(r, v)) is not None), None)
            if x is None or rot is None:
                continue
            seq, dim = g.b.shape_of(x)[-2:]
            half = dim // 2
            cat = g.node(rot, "concat")
            if dim % 2 or seq < 2 or len(cat.inputs) != 2 or cat.attrs.get("axis") not in (len(g.b.shape_of(x)) - 1, -1):
                continue
            neg = g.node(cat.inputs[0], "neg")
            if neg is None or not _slice_of(g, neg.inputs[0], x, half, dim) or not _slice_of(g, cat.inputs[1], x, 0, half):
                continue
            cos, sin = _table(g, g.other(a, x), seq, dim), _table(g, g.other(r, rot), seq, dim)
            if cos is None or sin is None:
                continue
            theta = np.arctan2(sin[1, 1], cos[1, 1]) if half > 1 else 0.0  # position 1, frequency index 1: base^(-2/dim)
            if not 0 < theta < 1:
                continue
            base = float(theta ** (-dim / 2))
            ang = np.arange(seq)[:, None] * base ** (-2.0 * np.arange(half) / dim)
            ang = np.concatenate([ang, ang], axis=1)
            if np.allclose(cos, np.cos(ang), atol=1e-5) and np.allclose(sin, np.sin(ang), atol=1e-5):
                _rewrite(n, "rope", [x], {"base": round(base, 3)})
                count += 1
                break
    return count


RULES = [("matmul-transpose", transposed_matmul_operands), ("silu", silu), ("gelu-erf", gelu_erf), ("gelu-tanh", gelu_tanh),
         ("layer_norm", layer_norm), ("rms_norm", rms_norm), ("causal_mask", causal_masks), ("rope", rope)]


def recognise(b):
    """Applies every rule until none changes the graph; returns {rule: rewrites}."""
    counts = {}
    for _ in range(4):
        changed = 0
        for name, rule in RULES:
            g = _G(b)
            k = rule(g)
            if k:
                counts[name] = counts.get(name, 0) + k
                changed += k
                b.dce()
        if not changed:
            break
    b.dce()
    for n in b.nodes:
        if n.op == "erf":
            raise GraphImportError.at(n.origin[0], n.origin[1], "Erf is supported only as part of GELU, x * 0.5 * (1 + erf(x / sqrt(2))); "
                                      "this one is not (the graph compiler has no erf op)")
    b.recognised = counts
    return counts
