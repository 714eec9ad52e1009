"""Grey level co-occurrence matrix (GLCM) and its 25 IBSI features.

The GLCM counts how often grey level i sits next to grey level j (Chebyshev distance 1) in
one direction; both orders are counted, so the matrix is symmetric (IBSI 3.6).
"""
from __future__ import annotations

import numpy as np

from ._matrix import DIRECTIONS_2D, DIRECTIONS_3D, aggregate_directional, plogp, shift_slices

__all__ = ["glcm_matrix", "glcm_features", "glcm_family", "GLCM_SYMBOLS"]

GLCM_SYMBOLS = ("cm.joint.max", "cm.joint.avg", "cm.joint.var", "cm.joint.entr", "cm.diff.avg",
                "cm.diff.var", "cm.diff.entr", "cm.sum.avg", "cm.sum.var", "cm.sum.entr",
                "cm.energy", "cm.contrast", "cm.dissimilarity", "cm.inv.diff", "cm.inv.diff.norm",
                "cm.inv.diff.mom", "cm.inv.diff.mom.norm", "cm.inv.var", "cm.corr", "cm.auto.corr",
                "cm.clust.tend", "cm.clust.shade", "cm.clust.prom", "cm.info.corr.1",
                "cm.info.corr.2")


def glcm_matrix(levels: np.ndarray, offset: tuple, n_levels: int, by_slice: bool = False) -> np.ndarray:
    """Symmetric co-occurrence counts of grey levels along one direction.

    Texture: a smooth tumour puts its counts on the diagonal, a heterogeneous one spreads them.

    Parameters
    ----------
    levels : ndarray of int, shape (X, Y, Z)
        Grey levels 1..Ng inside the ROI, 0 outside.
    offset : tuple of 3 ints in {-1, 0, 1}
        The neighbour direction (x, y, z).
    n_levels : int
        Ng, the size of the matrix.
    by_slice : bool
        Return one matrix per z-slice (for 2D and 2.5D aggregation).

    Returns
    -------
    ndarray of int, shape (Ng, Ng) or (Z, Ng, Ng)
        Entry [i-1, j-1] counts voxel pairs (i, j) in both orders.

    Examples
    --------
    >>> img = np.array([[1, 2], [2, 2]])[:, :, None]       # a 2 x 2 image, one slice
    >>> glcm_matrix(img, (1, 0, 0), n_levels=2).tolist()    # pairs along x: (1,2), (2,2)
    [[0, 1], [1, 2]]

    Taught in lesson 11.
    """
    here, there = shift_slices(levels.shape, offset)
    a, b = levels[here], levels[there]
    both = (a > 0) & (b > 0)
    index = (a[both] - 1) * n_levels + (b[both] - 1)
    n_slices = 1
    if by_slice:
        z = np.broadcast_to(np.arange(levels.shape[2])[here[2]], a.shape)[both]
        index = index + z * n_levels * n_levels
        n_slices = levels.shape[2]
    counts = np.bincount(index, minlength=n_slices * n_levels ** 2).reshape(n_slices, n_levels, n_levels)
    counts = counts + counts.transpose(0, 2, 1)
    return counts if by_slice else counts[0]


def glcm_features(matrices: np.ndarray) -> dict:
    """The 25 IBSI GLCM features of each matrix in a stack (IBSI 3.6.1-3.6.25).

    Parameters
    ----------
    matrices : ndarray, shape (k, Ng, Ng)

    Returns
    -------
    dict of IBSI symbol -> ndarray, shape (k,)

    Examples
    --------
    >>> f = glcm_features(np.array([[[0, 1], [1, 2]]]))
    >>> float(f["cm.joint.max"][0]), float(f["cm.contrast"][0])   # 2/4; (1-2)^2 x 2/4
    (0.5, 0.5)

    Taught in lesson 11.
    """
    p = matrices / matrices.sum(axis=(1, 2), keepdims=True)
    ng = p.shape[1]
    i = np.arange(1, ng + 1, dtype=float)[:, None]
    j = i.T
    px, py = p.sum(axis=2), p.sum(axis=1)
    flat = p.reshape(len(p), -1)
    p_diff = flat @ np.eye(ng)[np.abs(i - j).astype(int).ravel()]         # p_{x-y}(k), k = 0..Ng-1
    p_sum = flat @ np.eye(2 * ng - 1)[(i + j - 2).astype(int).ravel()]    # p_{x+y}(k), k = 2..2Ng
    k_diff, k_sum = np.arange(ng), np.arange(2, 2 * ng + 1)
    mu = (p * i).sum(axis=(1, 2))
    mu_i, mu_j = px @ i[:, 0], py @ j[0]
    sd_i = np.sqrt(px @ i[:, 0] ** 2 - mu_i ** 2)
    sd_j = np.sqrt(py @ j[0] ** 2 - mu_j ** 2)
    d_avg, s_avg = p_diff @ k_diff, p_sum @ k_sum
    hxy = -plogp(flat).sum(axis=1)
    hx, hy = -plogp(px).sum(axis=1), -plogp(py).sum(axis=1)
    pxpy = px[:, :, None] * py[:, None, :]
    hxy1 = -(p * np.log2(np.where(pxpy > 0, pxpy, 1.0))).sum(axis=(1, 2))
    hxy2 = -plogp(pxpy).sum(axis=(1, 2))
    cluster = i + j - mu_i[:, None, None] - mu_j[:, None, None]
    diff = np.abs(i - j)
    values = [
        flat.max(axis=1), mu, (p * (i - mu[:, None, None]) ** 2).sum(axis=(1, 2)), hxy,
        d_avg, p_diff @ k_diff ** 2 - d_avg ** 2, -plogp(p_diff).sum(axis=1),
        s_avg, p_sum @ k_sum ** 2 - s_avg ** 2, -plogp(p_sum).sum(axis=1),
        (flat ** 2).sum(axis=1), (p * diff ** 2).sum(axis=(1, 2)), (p * diff).sum(axis=(1, 2)),
        (p / (1 + diff)).sum(axis=(1, 2)), (p / (1 + diff / ng)).sum(axis=(1, 2)),
        (p / (1 + diff ** 2)).sum(axis=(1, 2)), (p / (1 + diff ** 2 / ng ** 2)).sum(axis=(1, 2)),
        p_diff[:, 1:] @ (1.0 / k_diff[1:] ** 2),
        ((p * i * j).sum(axis=(1, 2)) - mu_i * mu_j) / (sd_i * sd_j),
        (p * i * j).sum(axis=(1, 2)),
        (p * cluster ** 2).sum(axis=(1, 2)), (p * cluster ** 3).sum(axis=(1, 2)),
        (p * cluster ** 4).sum(axis=(1, 2)),
        (hxy - hxy1) / np.maximum(hx, hy),
        np.sqrt(1 - np.exp(-2 * (hxy2 - hxy))),
    ]
    return dict(zip(GLCM_SYMBOLS, values))


def glcm_family(levels: np.ndarray, n_levels: int, dimensions: tuple = ("2D", "2.5D", "3D")) -> dict:
    """All GLCM features in the IBSI 2D, 2.5D and 3D aggregations.

    Parameters
    ----------
    levels : ndarray of int, shape (X, Y, Z)
        Grey levels 1..Ng inside the ROI, 0 outside.
    n_levels : int
    dimensions : tuple of "2D", "2.5D", "3D"

    Returns
    -------
    dict of "symbol.aggregation" -> float, e.g. ``"cm.joint.max.3D_merged"``

    Examples
    --------
    >>> img = np.array([[1, 2], [2, 2]])[:, :, None]
    >>> glcm_family(img, 2, ("2.5D",))["cm.joint.max.2.5D_merged"]   # 6 of 12 counts are (2, 2)
    0.5

    Taught in lesson 11.
    """
    per_slice = np.stack([glcm_matrix(levels, d, n_levels, by_slice=True) for d in DIRECTIONS_2D])
    through = np.stack([glcm_matrix(levels, d, n_levels) for d in DIRECTIONS_3D[4:]]) \
        if "3D" in dimensions else np.zeros((0, n_levels, n_levels), int)
    return aggregate_directional(per_slice, through, glcm_features, GLCM_SYMBOLS, dimensions)
