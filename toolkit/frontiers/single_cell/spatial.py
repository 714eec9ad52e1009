"""Spatial statistics on spot coordinates: neighbours within a radius, neighbourhood means, Moran's I.

Taught in lesson 23.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

if TYPE_CHECKING:
    from scipy import sparse

__all__ = ["spatial_neighbours", "neighbourhood_mean", "morans_i"]


def spatial_neighbours(coords: ArrayLike, radius: float | None = None) -> sparse.csr_matrix:
    """Symmetric 0/1 adjacency (scipy sparse) linking spots closer than ``radius``.

    The default radius is 1.01 × the median nearest-neighbour distance: on a square grid each
    spot is linked to the 4 spots beside it (fewer at the border).

    Examples
    --------
    >>> W = spatial_neighbours([[0, 0], [1, 0], [5, 0]], radius=2)
    >>> W.toarray().astype(int).tolist()
    [[0, 1, 0], [1, 0, 0], [0, 0, 0]]
    """
    from sklearn.neighbors import NearestNeighbors

    xy = np.asarray(coords, dtype=float)
    if xy.ndim != 2 or xy.shape[1] != 2 or len(xy) < 2 or not np.isfinite(xy).all():
        raise ValueError(f"coords must be a finite (n_spots, 2) array with n_spots >= 2; got {xy.shape}")
    nn = NearestNeighbors().fit(xy)
    if radius is None:
        radius = 1.01 * float(np.median(nn.kneighbors(n_neighbors=1)[0]))
    if not radius > 0:
        raise ValueError(f"radius must be positive; got {radius}")
    A = nn.radius_neighbors_graph(radius=radius, mode="connectivity")   # excludes the spot itself
    return ((A + A.T) > 0).astype(float)


def neighbourhood_mean(values: ArrayLike, coords: ArrayLike, radius: float | None = None) -> np.ndarray:
    """Average of each spot's neighbours (the spot itself excluded; NaN for an isolated spot).

    Examples
    --------
    >>> neighbourhood_mean([1.0, 3.0, 10.0], [[0, 0], [1, 0], [2, 0]]).tolist()
    [3.0, 5.5, 3.0]
    """
    W = spatial_neighbours(coords, radius)
    v = np.asarray(values, dtype=float)
    if v.shape != (W.shape[0],):
        raise ValueError(f"values must hold one number per spot ({W.shape[0]}); got shape {v.shape}")
    degree = np.asarray(W.sum(axis=1)).ravel()
    return np.asarray(W @ v).ravel() / np.where(degree > 0, degree, np.nan)


def morans_i(values: ArrayLike, coords: ArrayLike, radius: float | None = None) -> float:
    """Moran's I spatial autocorrelation: near +1 clustered, about −1/(n−1) random, −1 checkerboard.

    Examples
    --------
    >>> yy, xx = np.mgrid[0:6, 0:6]
    >>> round(morans_i(((xx + yy) % 2).ravel(), np.c_[xx.ravel(), yy.ravel()]), 3)
    -1.0
    """
    W = spatial_neighbours(coords, radius)
    z = np.asarray(values, dtype=float) - np.mean(values)
    if z.shape != (W.shape[0],):
        raise ValueError(f"values must hold one number per spot ({W.shape[0]}); got shape {z.shape}")
    if not (z ** 2).sum() > 0:
        raise ValueError("values are constant: Moran's I is undefined")
    return float(len(z) / W.sum() * (z @ (W @ z)) / (z @ z))
