"""Source capture for @jit: the text the C++ front end compiles, with the user's file name and line
numbers preserved so that diagnostics point at the user's file:line:col.

The front end compiles a whole Python file. To keep arbitrary host code (tests, classes, comprehensions)
out of its way, the text keeps the module's imports, its module-level constants (literals and
``tl.constexpr(...)``) and its @jit functions, and blanks every other line. A kernel defined inside a
function is dedented in place; diagnostics then get their column shifted back."""
import ast
import inspect
import linecache
import re
import textwrap

_JIT_NAMES = ("jit",)


def _is_jit_decorator(node):
    target = node.func if isinstance(node, ast.Call) else node
    if isinstance(target, ast.Name):
        return target.id in _JIT_NAMES
    if isinstance(target, ast.Attribute):
        return target.attr in _JIT_NAMES
    return False


def _is_kernel_def(node):
    return isinstance(node, ast.FunctionDef) and any(_is_jit_decorator(d) for d in node.decorator_list)


def _is_constant_assign(node, lines):
    if isinstance(node, ast.Assign):
        value = node.value
    elif isinstance(node, ast.AnnAssign) and node.value is not None:
        value = node.value
    else:
        return False
    if isinstance(value, ast.Constant):
        return True
    if isinstance(value, ast.UnaryOp) and isinstance(value.operand, ast.Constant):
        return True
    return "constexpr" in ast.get_source_segment("".join(lines), value) or False


class KernelSource:
    """What the front end needs to compile one kernel."""

    def __init__(self, text, filename, name, col_shift=0, first_line=0, last_line=0):
        self.text = text
        self.filename = filename
        self.name = name
        self.col_shift = col_shift  # columns removed by dedenting a nested kernel
        self.first_line, self.last_line = first_line, last_line

    def fix_columns(self, message):
        """Adds back the dedent of a nested kernel to `file:line:col` locations inside it."""
        if not self.col_shift:
            return message

        def shift(m):
            line, col = int(m.group(2)), int(m.group(3))
            if self.first_line <= line <= self.last_line:
                col += self.col_shift
            return f"{m.group(1)}:{line}:{col}"

        return re.sub(r"(" + re.escape(self.filename) + r"):(\d+):(\d+)", shift, message)


def _find_def(tree, fn):
    first = fn.__code__.co_firstlineno
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == fn.__name__:
            start = min([node.lineno] + [d.lineno for d in node.decorator_list])
            if start == first or node.lineno == first:
                return node
    return None


def capture(fn):
    """KernelSource of a Python function (raises TypeError when its source cannot be found)."""
    try:
        filename = inspect.getsourcefile(fn)
    except TypeError:
        filename = None
    lines = linecache.getlines(filename) if filename else []
    if not lines:
        raise TypeError(f"@jit: cannot find the source of '{fn.__qualname__}': kernels must be defined in a "
                        "Python file (not in an interactive session or a string passed to exec)")
    source = "".join(lines)
    tree = ast.parse(source, filename)
    node = _find_def(tree, fn)
    if node is None:
        raise TypeError(f"@jit: cannot locate 'def {fn.__name__}' in {filename}")
    out = [""] * len(lines)

    def keep(n):
        for i in range(n.lineno - 1, n.end_lineno):
            out[i] = lines[i] if lines[i].endswith("\n") else lines[i] + "\n"

    def keep_def(n, dedent=0):
        for d in n.decorator_list:
            if _is_jit_decorator(d):
                for i in range(d.lineno - 1, d.end_lineno):
                    out[i] = lines[i][dedent:] if dedent else lines[i]
        body = "".join(lines[n.lineno - 1:n.end_lineno])
        if dedent:
            body = textwrap.dedent(body)
        for i, text in enumerate(body.splitlines(keepends=True)):
            out[n.lineno - 1 + i] = text

    top_level = node in tree.body
    for stmt in tree.body:
        if isinstance(stmt, (ast.Import, ast.ImportFrom)) or _is_constant_assign(stmt, lines):
            keep(stmt)
        elif _is_kernel_def(stmt):
            keep_def(stmt)
    col_shift = 0
    if not top_level:
        col_shift = node.col_offset
        if not any(_is_jit_decorator(d) for d in node.decorator_list):
            raise TypeError(f"@jit: '{fn.__qualname__}' is not decorated with @jit in {filename}")
        keep_def(node, dedent=col_shift)
    for i, text in enumerate(out):
        if text and not text.endswith("\n"):
            out[i] = text + "\n"
        elif not text:
            out[i] = "\n"
    return KernelSource("".join(out), filename, fn.__name__, col_shift, node.lineno, node.end_lineno)
