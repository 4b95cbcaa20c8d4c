"""Routes a launch whose arrays are MLX arrays or torch mps tensors to the MLX or torch path; anything else
(NumPy, CPU tensors, DLPack producers) goes to the package's devices as before."""
from . import mlx_interop, torch_mps

_mlx_cache, _torch_cache = {}, {}


def _kind(a):
    mod = type(a).__module__ or ""
    if mod.startswith("mlx"):
        return "mlx"
    if mod.startswith("torch") and getattr(getattr(a, "device", None), "type", None) == "mps":
        return "mps"
    return None


def route(ck, grid, args):
    """The launch's result when the MLX or torch path ran it, else NotImplemented."""
    kinds = {_kind(a) for p, a in zip(ck.params, args) if p.pointer} - {None}
    if not kinds:
        return NotImplemented
    if len(kinds) > 1:
        raise ValueError(f"kernel '{ck.name}': one launch cannot mix MLX arrays and torch mps tensors")
    if kinds == {"mlx"}:
        return mlx_interop.launch(ck, grid, args, cache=_mlx_cache)
    return torch_mps.launch(ck, grid, args, cache=_torch_cache)
