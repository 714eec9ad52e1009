"""Marker genes: Wilcoxon rank-sum tests per cluster (as scanpy's ``rank_genes_groups``), top markers,
mean profiles per group.

Taught in lesson 23.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike
import pandas as pd

from .clustering import _matrix

__all__ = ["rank_genes_wilcoxon", "top_markers", "mean_profiles"]


def _wilcoxon_columns(X: np.ndarray, inside: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mann-Whitney U of the ``inside`` rows vs the rest for every column, and its tie-corrected SD."""
    from scipy.stats import rankdata

    rmin, rmax = rankdata(X, method="min", axis=0), rankdata(X, method="max", axis=0)
    n1, n2 = int(inside.sum()), int((~inside).sum())
    u = ((rmin + rmax) / 2)[inside].sum(axis=0) - n1 * (n1 + 1) / 2
    n = n1 + n2
    ties = ((rmax - rmin + 1) ** 2 - 1).sum(axis=0)          # = sum over tie groups of t^3 - t
    sigma = np.sqrt(n1 * n2 / 12 * ((n + 1) - ties / (n * (n - 1))))
    return u, sigma


def rank_genes_wilcoxon(X: ArrayLike, groups: ArrayLike, group: str, genes: Sequence[str] | None = None,
                        continuity: bool = True) -> pd.DataFrame:
    """Marker genes of one group vs all other cells by the Wilcoxon rank-sum test (vectorised).

    Same U statistic and two-sided normal-approximation p-value (tie-corrected, with
    continuity correction by default) as ``scipy.stats.mannwhitneyu(method="asymptotic")``.

    Parameters
    ----------
    X : array (n_cells, n_genes)
        log(1 + normalised expression).
    groups : array of n_cells labels
    group : the label to test
    genes : names of the columns (default: "g0", "g1", ...)
    continuity : apply the continuity correction (scipy's default)

    Returns
    -------
    DataFrame sorted by ``z`` (largest first): gene, u, z, pvalue, padj (Benjamini-Hochberg),
    log2fc (of mean expm1(X) + 0.01, group vs rest), pct_in, pct_out (fraction of cells with X > 0).

    Examples
    --------
    >>> X = np.array([[5.0, 1], [6, 0], [7, 1], [1, 1], [0, 0], [2, 1]])
    >>> rank_genes_wilcoxon(X, list("aaabbb"), "a", genes=["MS4A1", "ACTB"])["gene"].tolist()
    ['MS4A1', 'ACTB']
    """
    from scipy.stats import false_discovery_control, norm

    X, groups = _matrix(X), np.asarray(groups)
    inside = groups == group
    if len(groups) != len(X) or not 0 < inside.sum() < len(X):
        raise ValueError(f"groups must label each of the {len(X)} cells, and group {group!r} must "
                         "hold some but not all cells")
    u, sigma = _wilcoxon_columns(X, inside)
    mu, safe = inside.sum() * (~inside).sum() / 2, np.where(sigma > 0, sigma, np.inf)
    z = (u - mu) / safe                                       # 0 for a constant gene
    shift = np.maximum(np.abs(u - mu) - (0.5 if continuity else 0.0), 0)
    p = np.minimum(2 * norm.sf(shift / safe), 1.0)
    lin = np.expm1(X)
    table = pd.DataFrame({
        "gene": genes if genes is not None else [f"g{j}" for j in range(X.shape[1])],
        "u": u, "z": z, "pvalue": p, "padj": false_discovery_control(p),
        "log2fc": np.log2((lin[inside].mean(0) + 0.01) / (lin[~inside].mean(0) + 0.01)),
        "pct_in": (X[inside] > 0).mean(0), "pct_out": (X[~inside] > 0).mean(0)})
    return table.sort_values("z", ascending=False, kind="stable").reset_index(drop=True)


def top_markers(X: ArrayLike, groups: ArrayLike, genes: Sequence[str], n: int = 3) -> pd.DataFrame:
    """The ``n`` highest-scoring Wilcoxon markers of every group (one row per group and gene).

    Examples
    --------
    >>> X = np.array([[5.0, 0], [6, 1], [0, 4], [1, 5]])
    >>> top_markers(X, ["B", "B", "T", "T"], ["MS4A1", "CD3D"], n=1)[["group", "gene"]].values.tolist()
    [['B', 'MS4A1'], ['T', 'CD3D']]
    """
    groups = np.asarray(groups)
    parts = [rank_genes_wilcoxon(X, groups, g, genes).head(n).assign(group=str(g))
             for g in pd.unique(groups)]
    out = pd.concat(parts, ignore_index=True)
    return out[["group"] + [c for c in out.columns if c != "group"]]


def mean_profiles(X: ArrayLike, groups: ArrayLike, genes: Sequence[str]) -> pd.DataFrame:
    """Mean linear expression, expm1(X), of each group: a cell-types × genes reference.

    Examples
    --------
    >>> mean_profiles(np.log1p([[1.0, 3], [3, 1], [0, 8]]), ["a", "a", "b"], ["x", "y"])
         x    y
    a  2.0  2.0
    b  0.0  8.0
    """
    X = _matrix(X)
    lin = pd.DataFrame(np.expm1(X), columns=list(genes))
    return lin.groupby(np.asarray(groups), sort=False).mean()
