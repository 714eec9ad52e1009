"""Cells into clusters: scale genes, principal components, k-means, agreement with published labels.

Taught in lesson 23.
"""
from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["scale_genes", "pca_cells", "cluster_kmeans", "cluster_agreement"]


def _matrix(X, name: str = "X") -> np.ndarray:
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or min(X.shape) < 2:
        raise ValueError(f"{name} must be a 2-D cells × genes matrix with at least 2 rows and "
                         f"2 columns; got shape {X.shape}")
    if not np.isfinite(X).all():
        raise ValueError(f"{name} contains NaN or infinite values: fill or drop them first")
    return X


def _one_thread():
    """Run BLAS/OpenMP on one thread: for matrices this small, extra threads only contend for
    the cores (measured 4.5 s vs 0.55 s for the PCA on a busy 2-core machine)."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1)


def scale_genes(X: ArrayLike, max_value: float = 10.0) -> np.ndarray:
    """Centre every gene to mean 0 and unit variance, then clip at ±max_value (as scanpy.pp.scale).

    Genes with zero variance become 0.

    Examples
    --------
    >>> scale_genes([[0, 1.0], [2, 1.0], [4, 1.0]]).round(3).tolist()
    [[-1.225, 0.0], [0.0, 0.0], [1.225, 0.0]]
    """
    X = _matrix(X)
    sd = X.std(axis=0)
    Z = (X - X.mean(axis=0)) / np.where(sd > 0, sd, 1.0)
    return np.clip(Z, -max_value, max_value)


def pca_cells(X: ArrayLike, n_components: int = 20, random_state: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Principal components of a (scaled) cells × genes matrix.

    Returns
    -------
    scores : ndarray (n_cells, n_components)
    explained_variance_ratio : ndarray (n_components,)

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> scores, ratio = pca_cells(rng.normal(size=(50, 8)), n_components=3)
    >>> scores.shape, bool(ratio[0] >= ratio[1] >= ratio[2])
    ((50, 3), True)
    """
    from sklearn.decomposition import PCA

    X = _matrix(X)
    if not 1 <= n_components <= min(X.shape):
        raise ValueError(f"n_components must be between 1 and {min(X.shape)}; got {n_components}")
    model = PCA(n_components=n_components, svd_solver="covariance_eigh", random_state=random_state)
    with _one_thread():
        return model.fit_transform(X), model.explained_variance_ratio_


def cluster_kmeans(scores: ArrayLike, n_clusters: int = 8, random_state: int = 0) -> np.ndarray:
    """k-means clusters (labels 0..n_clusters-1) of cells in PCA space; deterministic per random_state.

    Examples
    --------
    >>> pts = np.r_[np.zeros((5, 2)), np.full((5, 2), 10.0)]
    >>> labels = cluster_kmeans(pts, n_clusters=2)
    >>> len(set(labels[:5])), len(set(labels)), bool(labels[0] != labels[-1])
    (1, 2, True)
    """
    from sklearn.cluster import KMeans

    scores = _matrix(scores, "scores")
    if not 2 <= n_clusters < len(scores):
        raise ValueError(f"n_clusters must be between 2 and {len(scores) - 1}; got {n_clusters}")
    with _one_thread():
        return KMeans(n_clusters, n_init=10, random_state=random_state).fit_predict(scores)


def cluster_agreement(labels: ArrayLike, reference: ArrayLike) -> float:
    """Adjusted Rand index (1 = same partition, about 0 = chance) between two labelings.

    Examples
    --------
    >>> cluster_agreement([0, 0, 1, 1], ["b", "b", "a", "a"])
    1.0
    """
    from sklearn.metrics import adjusted_rand_score

    if len(labels) != len(reference):
        raise ValueError(f"labels ({len(labels)}) and reference ({len(reference)}) differ in length")
    return float(adjusted_rand_score(np.asarray(reference), np.asarray(labels)))
