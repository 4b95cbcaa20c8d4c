"""triton.language.extra.hip: ``libdevice`` is triton_metal.language.math on Metal."""
from .. import math as libdevice

__all__ = ["libdevice"]
