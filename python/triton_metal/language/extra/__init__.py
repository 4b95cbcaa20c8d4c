"""triton.language.extra: ``libdevice`` (and ``cuda.libdevice``, ``hip.libdevice``) name Triton's extra
math functions; on Metal they are the functions of triton_metal.language.math (the front end maps every
``triton.language.extra...`` module there; names without a Metal equivalent are compile errors)."""
from .. import math as libdevice
from . import cuda, hip

__all__ = ["libdevice", "cuda", "hip"]
