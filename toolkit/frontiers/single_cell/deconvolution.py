"""Cell-type fractions behind a mixed (spot or bulk) profile: non-negative least squares, and the
simpler signature score it is compared with.

Taught in lesson 23.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike
import pandas as pd

__all__ = ["deconvolve_cell_types", "signature_score", "pearson_ci"]


def deconvolve_cell_types(mixtures: pd.DataFrame | ArrayLike, profiles: pd.DataFrame) -> pd.DataFrame:
    """Cell-type fractions of mixed samples by non-negative least squares (scipy.optimize.nnls).

    Solves ``mixture ≈ Σ_k c_k · profile_k`` with every c_k ≥ 0 for each sample (row), then
    rescales the c_k to sum to 1. Genes are matched by name when both inputs are DataFrames.

    Parameters
    ----------
    mixtures : DataFrame or array (n_samples, n_genes), linear scale (counts, not logs)
    profiles : DataFrame (n_cell_types, n_genes), linear scale

    Examples
    --------
    >>> P = pd.DataFrame([[1.0, 0, 1], [0, 1, 1]], index=["A", "B"], columns=list("xyz"))
    >>> deconvolve_cell_types(np.array([[3.0, 1, 4]]), P).round(2).values.tolist()
    [[0.75, 0.25]]
    """
    from scipy.optimize import nnls

    if isinstance(mixtures, pd.DataFrame):
        shared = profiles.columns.intersection(mixtures.columns)
        if shared.empty:
            raise ValueError("mixtures and profiles share no gene names: check the column names")
        mixtures, profiles = mixtures[shared], profiles[shared]
    M = np.atleast_2d(np.asarray(mixtures, dtype=float))
    if M.shape[1] != profiles.shape[1] or (M < 0).any() or not np.isfinite(M).all():
        raise ValueError(f"mixtures need {profiles.shape[1]} non-negative finite values per sample "
                         f"(one per profile gene, linear scale); got shape {M.shape}")
    coef = np.array([nnls(profiles.to_numpy().T, m)[0] for m in M])
    total = coef.sum(axis=1, keepdims=True)
    index = mixtures.index if isinstance(mixtures, pd.DataFrame) else None
    return pd.DataFrame(coef / np.where(total > 0, total, 1), columns=profiles.index, index=index)


def signature_score(counts: pd.DataFrame, genes: Sequence[str]) -> pd.Series:
    """Mean z-score of log2(1 + counts per million) over a gene signature, per sample.

    Examples
    --------
    >>> c = pd.DataFrame({"CD3D": [10, 20, 30], "MS4A1": [5, 5, 50], "ACTB": [900, 900, 900]})
    >>> signature_score(c, ["CD3D", "MS4A1"]).round(2).tolist()
    [-1.02, -0.23, 1.24]
    """
    missing = [g for g in genes if g not in counts.columns]
    if missing:
        raise KeyError(f"signature genes not in the counts table: {missing}")
    cpm = counts.div(counts.sum(axis=1), axis=0) * 1e6
    logged = np.log2(1 + cpm[list(genes)])
    z = (logged - logged.mean()) / logged.std(ddof=0).replace(0, 1)
    return z.mean(axis=1).rename("signature_score")


def pearson_ci(x: ArrayLike, y: ArrayLike, level: float = 0.95) -> tuple[float, float, float]:
    """Pearson correlation with a Fisher-z confidence interval: (r, lower, upper).

    Examples
    --------
    >>> r, lo, hi = pearson_ci([1, 2, 3, 4, 5, 6], [1.1, 1.9, 3.2, 3.9, 5.1, 6.2])
    >>> round(r, 3), bool(lo < r < hi <= 1)
    (0.998, True)
    """
    from scipy.stats import norm

    x, y = np.asarray(x, float), np.asarray(y, float)
    if len(x) != len(y) or len(x) < 4:
        raise ValueError(f"x and y need the same length, at least 4; got {len(x)} and {len(y)}")
    r = float(np.corrcoef(x, y)[0, 1])
    half = norm.ppf(0.5 + level / 2) / np.sqrt(len(x) - 3)
    z = np.arctanh(np.clip(r, -0.999999, 0.999999))
    return r, float(np.tanh(z - half)), float(np.tanh(z + half))
