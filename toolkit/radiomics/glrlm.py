"""Grey level run length matrix (GLRLM) and its 16 IBSI features.

A run is a straight line of neighbouring ROI voxels with the same grey level; the GLRLM counts
runs by grey level and length along one direction (IBSI 3.7). Long runs mean coarse texture.
"""
from __future__ import annotations

import numpy as np

from ._matrix import DIRECTIONS_2D, DIRECTIONS_3D, aggregate_directional, emphasis_features

__all__ = ["lines_along", "glrlm_matrix", "glrlm_features", "glrlm_family", "GLRLM_SYMBOLS"]

GLRLM_SYMBOLS = ("rlm.sre", "rlm.lre", "rlm.lgre", "rlm.hgre", "rlm.srlge", "rlm.srhge",
                 "rlm.lrlge", "rlm.lrhge", "rlm.glnu", "rlm.glnu.norm", "rlm.rlnu",
                 "rlm.rlnu.norm", "rlm.r.perc", "rlm.gl.var", "rlm.rl.var", "rlm.rl.entr")


def lines_along(levels: np.ndarray, offset: tuple) -> tuple[np.ndarray, int | None]:
    """Lay the voxels out so that every line along ``offset`` is a row of the last axis.

    Diagonal lines are straightened by shearing: a voxel (x, y, z) on a line that moves along
    axis k goes to position p_k of the row identified by p_a - p_k for the other moving axes.
    Every row ends with a 0, so no run continues into the next row.

    Returns
    -------
    rows : ndarray of int, shape (..., L + 1)
    z_axis : int or None
        Which axis of ``rows`` is the z-slice (None when the lines cross slices).
    """
    step = np.abs(np.asarray(offset))
    flips = tuple(ax for ax, d in enumerate(offset) if d < 0)
    lev = np.flip(levels, axis=flips) if flips else levels   # make every step non-negative
    k = int(np.flatnonzero(step)[0])                          # the axis that sets the position
    coords = np.nonzero(lev)
    index, shape = [], []
    for ax in range(3):
        if ax == k:
            continue
        shear = step[ax] * (coords[k] - (lev.shape[k] - 1))
        index.append(coords[ax] - shear)
        shape.append(lev.shape[ax] + step[ax] * (lev.shape[k] - 1))
    rows = np.zeros(shape + [lev.shape[k] + 1], lev.dtype)
    rows[tuple(index) + (coords[k],)] = lev[coords]
    z_axis = None if step[2] else (2 if k == 2 else [ax for ax in range(3) if ax != k].index(2))
    return rows, z_axis


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
    rows, z_axis = lines_along(levels, offset)
    flat = rows.ravel()
    starts = np.concatenate([[0], np.flatnonzero(flat[1:] != flat[:-1]) + 1])
    length = np.diff(np.append(starts, flat.size))            # run-length encoding of the rows
    grey = flat[starts]
    keep = grey > 0
    starts, length, grey = starts[keep], length[keep], grey[keep]
    max_len = max(levels.shape)
    index = (grey - 1) * max_len + (length - 1)
    n_slices = 1
    if by_slice:
        z = np.unravel_index(starts, rows.shape)[z_axis]
        index = index + z * n_levels * max_len
        n_slices = levels.shape[2]
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
    >>> glrlm_family(img, 1, ("2.5D",))["rlm.lre.2.5D_merged"]   # 6 runs of 2, 4 runs of 1
    2.8

    Taught in lesson 11.
    """
    per_slice = np.stack([glrlm_matrix(levels, d, n_levels, by_slice=True) for d in DIRECTIONS_2D])
    through = np.stack([glrlm_matrix(levels, d, n_levels) for d in DIRECTIONS_3D[4:]]) \
        if "3D" in dimensions else np.zeros((0,) + per_slice.shape[2:], int)
    return aggregate_directional(per_slice, through, glrlm_features, GLRLM_SYMBOLS, dimensions)
