"""Neighbouring grey level dependence matrix (NGLDM) and its 17 IBSI features.

A voxel's dependence count is 1 + the number of its ROI neighbours (Chebyshev distance 1) whose
grey level differs by at most alpha; the NGLDM counts voxels by grey level and dependence
(IBSI 3.11). High dependence means homogeneous texture.
"""
from __future__ import annotations

import numpy as np

from ._matrix import DIRECTIONS_2D, DIRECTIONS_3D, aggregate_slices, emphasis_features, \
    neighbour_values

__all__ = ["ngldm_matrix", "ngldm_features", "ngldm_family", "NGLDM_SYMBOLS"]

NGLDM_SYMBOLS = ("ngl.lde", "ngl.hde", "ngl.lgce", "ngl.hgce", "ngl.ldlge", "ngl.ldhge",
                 "ngl.hdlge", "ngl.hdhge", "ngl.glnu", "ngl.glnu.norm", "ngl.dcnu",
                 "ngl.dcnu.norm", "ngl.dc.perc", "ngl.gl.var", "ngl.dc.var", "ngl.dc.entr",
                 "ngl.dc.energy")


def ngldm_matrix(levels: np.ndarray, n_levels: int, in_plane: bool, alpha: int = 0) -> np.ndarray:
    """Per-slice NGLDM: voxels counted by grey level and dependence count.

    Parameters
    ----------
    levels : ndarray of int, shape (X, Y, Z)
        Grey levels 1..Ng inside the ROI, 0 outside.
    n_levels : int
    in_plane : bool
        8 in-slice neighbours (2D) or 26 neighbours (3D).
    alpha : int
        Neighbours within ``alpha`` grey levels count as dependent.

    Returns
    -------
    ndarray of int, shape (Z, Ng, 27)
        Entry [z, i-1, k-1] = voxels of level i in slice z with dependence count k.

    Examples
    --------
    >>> m = ngldm_matrix(np.array([[1, 2], [2, 2]])[:, :, None], 2, in_plane=True)
    >>> m[0, :, :4].tolist()     # the 1 stands alone (k=1); each 2 has two equal neighbours (k=3)
    [[1, 0, 0, 0], [0, 0, 3, 0]]

    Taught in lesson 11.
    """
    directions = DIRECTIONS_2D if in_plane else DIRECTIONS_3D
    roi = levels > 0
    dependence = np.ones(levels.shape, int)
    for d in directions:
        for sign in (1, -1):
            other = neighbour_values(levels, tuple(sign * np.asarray(d)))
            dependence += roi & (other > 0) & (np.abs(other - levels) <= alpha)
    z = np.nonzero(roi)[2]
    index = (z * n_levels + levels[roi] - 1) * 27 + dependence[roi] - 1
    return np.bincount(index, minlength=levels.shape[2] * n_levels * 27).reshape(-1, n_levels, 27)


def ngldm_features(matrices: np.ndarray, n_voxels: np.ndarray) -> dict:
    """The 17 IBSI NGLDM features of each dependence matrix in a stack.

    Examples
    --------
    >>> f = ngldm_features(np.array([[[1, 0, 0], [0, 0, 3]]]), np.array([4]))
    >>> float(f["ngl.hde"][0]), float(f["ngl.dc.perc"][0])    # (1 + 3 x 9) / 4; 4 / 4 voxels
    (7.0, 1.0)

    Taught in lesson 11.
    """
    out = emphasis_features(matrices, n_voxels, NGLDM_SYMBOLS[:16])
    p = matrices / matrices.sum(axis=(1, 2), keepdims=True)
    out["ngl.dc.energy"] = (p ** 2).sum(axis=(1, 2))
    return out


def ngldm_family(levels: np.ndarray, n_levels: int, dimensions: tuple = ("2D", "2.5D", "3D"),
                 alpha: int = 0) -> dict:
    """All NGLDM features for the IBSI 2D (slice average), 2.5D (merged) and 3D aggregations.

    Examples
    --------
    >>> ngldm_family(np.array([[1, 2], [2, 2]])[:, :, None], 2, ("2D",))["ngl.hde.2D"]
    7.0

    Taught in lesson 11.
    """
    n_slice = (levels > 0).sum(axis=(0, 1))
    out = {}
    if "2D" in dimensions or "2.5D" in dimensions:
        per_slice = ngldm_matrix(levels, n_levels, True, alpha)
        out.update(aggregate_slices(per_slice, n_slice, None, 0, ngldm_features, NGLDM_SYMBOLS,
                                    dimensions))
    if "3D" in dimensions:
        volume = ngldm_matrix(levels, n_levels, False, alpha).sum(axis=0)
        out.update(aggregate_slices(None, None, volume, n_slice.sum(),
                                    ngldm_features, NGLDM_SYMBOLS, ("3D",)))
    return out
