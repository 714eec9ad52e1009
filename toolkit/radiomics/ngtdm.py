"""Neighbourhood grey tone difference matrix (NGTDM) and its 5 IBSI features.

For each voxel, compare its grey level with the mean grey level of its ROI neighbours
(Chebyshev distance 1); the NGTDM sums these differences per grey level (IBSI 3.10).
"""
from __future__ import annotations

import numpy as np
from scipy import ndimage

__all__ = ["ngtdm_matrix", "ngtdm_features", "ngtdm_family", "NGTDM_SYMBOLS"]

NGTDM_SYMBOLS = ("ngt.coarseness", "ngt.contrast", "ngt.busyness", "ngt.complexity", "ngt.strength")


def _kernel(in_plane: bool) -> np.ndarray:
    kernel = np.ones((3, 3, 3))
    if in_plane:
        kernel[:, :, [0, 2]] = 0
    kernel[1, 1, 1] = 0
    return kernel


def ngtdm_matrix(levels: np.ndarray, n_levels: int, in_plane: bool) -> tuple[np.ndarray, np.ndarray]:
    """Per-slice NGTDM: difference sums s_i and voxel counts n_i per grey level.

    Parameters
    ----------
    levels : ndarray of int, shape (X, Y, Z)
        Grey levels 1..Ng inside the ROI, 0 outside.
    n_levels : int
    in_plane : bool
        Neighbours within the slice (8) or in 3D (26).

    Returns
    -------
    s, n : ndarrays, shape (Z, Ng)
        s[z, i-1] = sum of |i - neighbourhood mean| over voxels of level i in slice z that have
        at least one ROI neighbour; n[z, i-1] = how many such voxels.

    Examples
    --------
    >>> s, n = ngtdm_matrix(np.array([[1, 2], [2, 2]])[:, :, None], 2, in_plane=True)
    >>> s.tolist(), n.tolist()     # the 1 has neighbours 2,2,2; each 2 has mean (1+2+2)/3 ... 
    ([[1.0, 1.0]], [[1, 3]])

    Taught in lesson 11.
    """
    roi = levels > 0
    kernel = _kernel(in_plane)
    total = ndimage.correlate(levels.astype(float), kernel, mode="constant")
    count = ndimage.correlate(roi.astype(float), kernel, mode="constant")
    valid = roi & (count > 0)
    diff = np.abs(levels[valid] - total[valid] / count[valid])
    index = np.nonzero(valid)[2] * n_levels + levels[valid] - 1
    size = levels.shape[2] * n_levels
    s = np.bincount(index, weights=diff, minlength=size).reshape(-1, n_levels)
    n = np.bincount(index, minlength=size).reshape(-1, n_levels)
    return s, n


def ngtdm_features(s: np.ndarray, n: np.ndarray) -> dict:
    """The 5 IBSI NGTDM features from each (s, n) pair in a stack of shape (k, Ng).

    Examples
    --------
    >>> f = ngtdm_features(np.array([[1.0, 1.0]]), np.array([[1, 3]]))
    >>> round(float(f["ngt.coarseness"][0]), 3)   # 1 / (1/4 x 1 + 3/4 x 1)
    1.0

    Taught in lesson 11.
    """
    n_v = n.sum(axis=1)
    p = n / n_v[:, None]
    i = np.arange(1, s.shape[1] + 1, dtype=float)
    present = p > 0
    n_gp = present.sum(axis=1)
    ps = (p * s).sum(axis=1)
    both = present[:, :, None] & present[:, None, :]
    pi, pj = p[:, :, None], p[:, None, :]
    si, sj = s[:, :, None], s[:, None, :]
    dij = i[:, None] - i[None, :]
    pair_sum = np.where(both, pi + pj, 1.0)
    values = [
        1.0 / ps,
        (np.where(both, pi * pj * dij ** 2, 0).sum(axis=(1, 2)) / (n_gp * (n_gp - 1)))
        * s.sum(axis=1) / n_v,
        ps / np.where(both, np.abs(i[:, None] * pi - i[None, :] * pj), 0).sum(axis=(1, 2)),
        np.where(both, np.abs(dij) * (pi * si + pj * sj) / pair_sum, 0).sum(axis=(1, 2)) / n_v,
        np.where(both, (pi + pj) * dij ** 2, 0).sum(axis=(1, 2)) / s.sum(axis=1),
    ]
    return dict(zip(NGTDM_SYMBOLS, values))


def ngtdm_family(levels: np.ndarray, n_levels: int, dimensions: tuple = ("2D", "2.5D", "3D")) -> dict:
    """All NGTDM features for the IBSI 2D (slice average), 2.5D (merged) and 3D aggregations.

    Examples
    --------
    >>> sorted(ngtdm_family(np.array([[1, 2], [2, 2]])[:, :, None], 2, ("3D",)))[0]
    'ngt.busyness.3D'

    Taught in lesson 11.
    """
    out = {}
    groups = {}
    if "2D" in dimensions or "2.5D" in dimensions:
        s, n = ngtdm_matrix(levels, n_levels, in_plane=True)
        keep = n.sum(axis=1) > 0
        if "2D" in dimensions:
            groups["2D"] = (s[keep], n[keep])
        if "2.5D" in dimensions:
            groups["2.5D"] = (s.sum(axis=0)[None], n.sum(axis=0)[None])
    if "3D" in dimensions:
        s, n = ngtdm_matrix(levels, n_levels, in_plane=False)
        groups["3D"] = (s.sum(axis=0)[None], n.sum(axis=0)[None])
    for suffix, (s, n) in groups.items():
        ok = n.sum(axis=1) > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            feats = ngtdm_features(s[ok], n[ok])
        for name in NGTDM_SYMBOLS:
            out[f"{name}.{suffix}"] = float(np.mean(feats[name])) if ok.any() else np.nan
    return out
