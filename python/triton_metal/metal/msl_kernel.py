"""The parts of a compiled kernel's MSL that the MLX and torch paths rebuild: the kernel function's
parameters (type, name, attribute, index), its body, and the text before and after it."""
import re
from dataclasses import dataclass


@dataclass
class MslParam:
    type: str       # MSL spelling, e.g. "device float*" or "constant int&"
    name: str
    attribute: str  # "buffer", "threadgroup" or a position attribute ("threadgroup_position_in_grid", ...)
    index: int      # [[buffer(i)]] / [[threadgroup(i)]]; -1 for position attributes


@dataclass
class MslKernel:
    name: str
    params: list
    body: str      # between the kernel's braces
    before: str    # everything before the kernel function (includes, helpers), attributes of it removed
    after: str     # everything after it


_PARAM = re.compile(r"^(?P<type>.*?)\s*\b(?P<name>\w+)\s*\[\[\s*(?P<attr>\w+)\s*(?:\(\s*(?P<index>\d+)\s*\))?\s*\]\]$", re.S)


def _skip_comment_or_string(text, i):
    """Index just past a comment or string literal starting at i, or i when there is none."""
    if text.startswith("//", i):
        end = text.find("\n", i)
        return len(text) if end < 0 else end
    if text.startswith("/*", i):
        end = text.find("*/", i + 2)
        return len(text) if end < 0 else end + 2
    if text[i] in "\"'":
        q, j = text[i], i + 1
        while j < len(text) and text[j] != q:
            j += 2 if text[j] == "\\" else 1
        return j + 1
    return i


def _matching(text, open_at, open_ch, close_ch):
    depth, i = 0, open_at
    while i < len(text):
        j = _skip_comment_or_string(text, i)
        if j != i:
            i = j
            continue
        if text[i] == open_ch:
            depth += 1
        elif text[i] == close_ch:
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise ValueError(f"unbalanced '{open_ch}' in the kernel's MSL")


def _split_params(text):
    parts, depth, cur, i = [], 0, "", 0
    while i < len(text):
        c = text[i]
        if c in "(<[":
            depth += 1
        elif c in ")>]":
            depth -= 1
        if c == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += c
        i += 1
    if cur.strip():
        parts.append(cur)
    return [p.strip() for p in parts]


def parse_kernel(msl, name):
    """The kernel function called `name` in `msl`. ValueError when it is not there or cannot be read."""
    m = re.search(r"(\[\[[^\]]*\]\]\s*)*\bkernel\s+void\s+" + re.escape(name) + r"\s*\(", msl)
    if not m:
        raise ValueError(f"the MSL has no kernel function '{name}'")
    open_paren = m.end() - 1
    close_paren = _matching(msl, open_paren, "(", ")")
    open_brace = msl.index("{", close_paren)
    close_brace = _matching(msl, open_brace, "{", "}")
    params = []
    for p in _split_params(msl[open_paren + 1:close_paren]):
        pm = _PARAM.match(p)
        if not pm:
            raise ValueError(f"kernel '{name}': cannot read parameter '{p}'")
        index = int(pm.group("index")) if pm.group("index") is not None else -1
        params.append(MslParam(" ".join(pm.group("type").split()), pm.group("name"), pm.group("attr"), index))
    return MslKernel(name, params, msl[open_brace + 1:close_brace], msl[:m.start()], msl[close_brace + 1:])


def value_type(param_type):
    """The value type of a `constant T&` scalar parameter: "constant int&" -> "int"."""
    t = param_type.replace("&", " ").split()
    return " ".join(w for w in t if w not in ("constant", "const", "device", "thread"))


def pointer_type(param_type):
    """The pointer type of a buffer parameter without const: "device const float*" -> "device float*"."""
    words = [w for w in param_type.replace("*", " * ").split() if w != "const"]
    return " ".join(words).replace(" *", "*")
