"""Grey level run length matrix (GLRLM) and its 16 IBSI features.

A run is a straight line of neighbouring ROI voxels with the same grey level; the GLRLM counts
runs by grey level and length along one direction (IBSI 3.7). Long runs mean coarse texture.
"""
from __future__ import annotations

import numpy as np

from ._matrix import DIRECTIONS_2D, DIRECTIONS_3D, aggregate_directional, emphasis_features, \
    neighbour_values

__all__ = ["glrlm_matrix", "glrlm_features", "glrlm_family", "GLRLM_SYMBOLS"]

GLRLM_SYMBOLS = ("rlm.sre", "rlm.lre", "rlm.lgre", "rlm.hgre", "rlm.srlge", "rlm.srhge",
                 "rlm.lrlge", "rlm.lrhge", "rlm.glnu", "rlm.glnu.norm", "rlm.rlnu",
                 "rlm.rlnu.norm", "rlm.r.perc", "rlm.gl.var", "rlm.rl.var", "rlm.rl.entr")


def _line_order(coords: np.ndarray, step: np.ndarray, shape: tuple) -> np.ndarray:
    """Sort key putting voxels in order along their line: (line start, position on the line)."""
    active = step != 0
    t = coords[:, active].min(axis=1)                       # steps back to the grid edge
    origin = coords - t[:, None] * step
    line = np.ravel_multi_index(origin.T, shape)
    return line * (max(shape) + 1) + t, t


def glrlm_matrix(levels: np.ndarray, offset: tuple, n_levels: int, by_slice: bool = False) -> np.ndarray:
    """Run-length counts of each grey level along one direction.

    Parameters
    ----------
    levels : ndarray of int, shape (X, Y, Z)
        Grey levels 1..Ng inside the ROI, 0 outside.
    offset : tuple of 3 ints in {-1, 0, 1}
        The run direction (x, y, z).
    n_levels : int
    by_slice : bool
        One matrix per z-slice (in-plane directions only).

    Returns
    -------
    ndarray of int, shape (Ng, L) or (Z, Ng, L)
        Entry [i-1, l-1] = number of runs of grey level i and length l; L = longest grid line.

    Examples
    --------
    >>> img = np.array([[1, 1, 2], [1, 2, 2]])[:, :, None]   # rows along y
    >>> glrlm_matrix(img, (0, 1, 0), n_levels=2).tolist()     # runs along y
    [[1, 1, 0], [1, 1, 0]]

    Taught in lesson 11.
    """
    step = np.abs(np.asarray(offset))
    flips = tuple(ax for ax, d in enumerate(offset) if d < 0)
    lev = np.flip(levels, axis=flips) if flips else levels   # make every step non-negative
    before, after = neighbour_values(lev, tuple(-step)), neighbour_values(lev, tuple(step))
    inside = lev > 0
    starts = np.argwhere(inside & (before != lev))
    ends = np.argwhere(inside & (after != lev))
    key_s, t_s = _line_order(starts, step, lev.shape)
    key_e, t_e = _line_order(ends, step, lev.shape)
    order_s, order_e = np.argsort(key_s, kind="stable"), np.argsort(key_e, kind="stable")
    length = t_e[order_e] - t_s[order_s] + 1                 # k-th start pairs with k-th end
    starts = starts[order_s]
    grey = lev[tuple(starts.T)]
    max_len = max(lev.shape)
    index = (grey - 1) * max_len + (length - 1)
    n_slices = 1
    if by_slice:
        index = index + starts[:, 2] * n_levels * max_len
        n_slices = lev.shape[2]
    counts = np.bincount(index, minlength=n_slices * n_levels * max_len)
    counts = counts.reshape(n_slices, n_levels, max_len)
    return counts if by_slice else counts[0]


def glrlm_features(matrices: np.ndarray) -> dict:
    """The 16 IBSI GLRLM features of each run-length matrix in a stack.

    Run percentage divides the number of runs by the voxels they cover, which also holds for
    matrices merged over directions.

    Examples
    --------
    >>> f = glrlm_features(np.array([[[1, 1], [1, 1]]]))   # 4 runs: lengths 1 and 2
    >>> float(f["rlm.sre"][0]), float(f["rlm.r.perc"][0])   # (2 + 2/4) / 4; 4 runs / 6 voxels
    (0.625, 0.6666666666666666)

    Taught in lesson 11.
    """
    lengths = np.arange(1, matrices.shape[2] + 1)
    n_voxels = (matrices * lengths).sum(axis=(1, 2))
    return emphasis_features(matrices, n_voxels, GLRLM_SYMBOLS)


def glrlm_family(levels: np.ndarray, n_levels: int, dimensions: tuple = ("2D", "2.5D", "3D")) -> dict:
    """All GLRLM features in the IBSI 2D, 2.5D and 3D aggregations.

    Examples
    --------
    >>> img = np.array([[1, 1], [1, 1]])[:, :, None]
    >>> glrlm_family(img, 1, ("2.5D",))["rlm.lre.2.5D_merged"]   # runs of 2 (x, y) and 1 (diagonals)
    2.5

    Taught in lesson 11.
    """
    per_slice = np.stack([glrlm_matrix(levels, d, n_levels, by_slice=True) for d in DIRECTIONS_2D])
    through = np.stack([glrlm_matrix(levels, d, n_levels) for d in DIRECTIONS_3D[4:]]) \
        if "3D" in dimensions else np.zeros((0,) + per_slice.shape[2:], int)
    return aggregate_directional(per_slice, through, glrlm_features, GLRLM_SYMBOLS, dimensions)
