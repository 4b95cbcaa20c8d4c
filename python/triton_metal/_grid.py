"""Launch grids: Triton accepts an int, or a tuple of 1-3 ints (or a callable returning one). Everything
else (a float such as 1.9, a string, None, a bool, 4 dimensions, a dimension over Metal's limit) is an error
naming the kernel, never truncated."""
import numbers

import numpy as np

from .language.dtypes import constexpr

# Metal dispatches at most 2**32 - 1 threadgroups per dimension; the launch API counts them as int32 like
# Triton's CUDA grid (2**31 - 1 along x).
MAX_GRID_DIM = 2**31 - 1


def _is_int(g):
    return isinstance(g, (numbers.Integral, np.integer)) and not isinstance(g, (bool, np.bool_))


def check_grid(name, grid):
    """The grid as a tuple of 1-3 non-negative ints."""
    if isinstance(grid, constexpr):
        grid = grid.value
    if _is_int(grid):
        grid = (grid,)
    if not isinstance(grid, (tuple, list)):
        raise TypeError(f"{name}: the grid must be an int, a tuple of 1 to 3 ints, or a callable returning one; "
                        f"got {type(grid).__name__} {grid!r}")
    out = []
    for g in grid:
        if isinstance(g, constexpr):
            g = g.value
        if not _is_int(g):
            raise TypeError(f"{name}: grid dimensions must be ints, got {type(g).__name__} {g!r} in {tuple(grid)!r}")
        out.append(int(g))
    if not 1 <= len(out) <= 3:
        raise ValueError(f"{name}: the grid must have 1 to 3 dimensions, got {tuple(grid)!r}")
    if any(g < 0 for g in out):
        raise ValueError(f"{name}: negative grid dimension in {tuple(grid)!r}")
    if any(g > MAX_GRID_DIM for g in out):
        raise ValueError(f"{name}: grid dimension over the limit of {MAX_GRID_DIM} in {tuple(grid)!r}")
    return tuple(out)
