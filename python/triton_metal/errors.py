"""Exceptions of the triton_metal package."""
import re


class CompilationError(Exception):
    """A user error in a kernel's source. ``str(e)`` is the compiler's ``file:line:col: error: ...``
    diagnostic (with the source line and a caret); ``filename``, ``lineno`` and ``col`` locate it."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message
        m = re.match(r"(.+?):(\d+):(\d+): error:", message)
        self.filename = m.group(1) if m else None
        self.lineno = int(m.group(2)) if m else None
        self.col = int(m.group(3)) if m else None


class DeviceError(RuntimeError):
    """A device could not be created, or refused or stopped a launch (out-of-bounds access, limits)."""


class OutOfResources(CompilationError):
    """Kept for Triton compatibility: a kernel needs more threadgroup memory or threads than the target has."""
