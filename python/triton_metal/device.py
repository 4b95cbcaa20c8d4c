"""Device selection: TRITON_METAL_DEVICE (emulator | interpreter | metal); default Metal on macOS, the
Metal emulator elsewhere. The target (hardware model the compiler tunes for) is TRITON_METAL_TARGET, or
the detected GPU on macOS, or apple-m3."""
import os
import sys

from . import _C
from .errors import DeviceError

DEVICES = ("emulator", "interpreter", "metal")

# An installed package carries the emulator's metal_stdlib headers (setup.py copies them); a build-tree
# package uses the source tree's, compiled into the extension.
_PACKAGED_INCLUDE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "emulator_include")
if os.path.isdir(_PACKAGED_INCLUDE):
    os.environ.setdefault("TRITON_METAL_EMULATOR_INCLUDE", _PACKAGED_INCLUDE)
_devices = {}


def default_device_name():
    name = os.environ.get("TRITON_METAL_DEVICE", "").strip().lower()
    if name:
        if name not in DEVICES:
            raise DeviceError(f"TRITON_METAL_DEVICE={name!r} is not a device: choose one of {', '.join(DEVICES)}")
        return name
    return "metal" if sys.platform == "darwin" else "emulator"


def get_device(name=None):
    """The (shared) device called ``name``, or the default device."""
    name = name or default_device_name()
    if name not in _devices:
        try:
            _devices[name] = _C.make_device(name)
        except _C.DeviceError as e:
            if name == "metal":
                raise DeviceError(f"{e}; the interpreter too: set TRITON_METAL_DEVICE=emulator") from None
            raise DeviceError(str(e)) from None
    return _devices[name]


def default_target():
    """Canonical name of the compilation target (TRITON_METAL_TARGET, detected GPU, or apple-m3)."""
    try:
        return _C.resolve_target("")
    except _C.UnknownTargetError as e:
        raise ValueError(str(e)) from None


def resolve_target(name):
    try:
        return _C.resolve_target(name or "")
    except _C.UnknownTargetError as e:
        raise ValueError(str(e)) from None
