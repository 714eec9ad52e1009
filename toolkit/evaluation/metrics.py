"""Metrics with honest uncertainty: percentile bootstrap confidence intervals.

A single number such as "AUC = 0.81" hides how much it would move with another sample of
patients. The bootstrap redraws the patients (with replacement) many times and recomputes
the metric; the middle 95 % of those values is the 95 % confidence interval (CI).
"""
from __future__ import annotations

import warnings
from typing import Callable, NamedTuple

import numpy as np

from .._utils.targets import auc_mann_whitney as _auc
from .._utils.targets import check_binary as _check_binary
from .._utils.targets import check_lengths as _check_lengths

__all__ = ["MetricCI", "bootstrap_ci", "auc_ci", "roc_auc", "bootstrap_indices"]


class MetricCI(NamedTuple):
    """A point estimate with its confidence interval; prints as ``0.81 (95% CI 0.75 to 0.86)``."""

    value: float
    lower: float
    upper: float
    ci: float = 0.95
    n_boot: int = 0

    def __str__(self) -> str:
        return f"{self.value:.3f} ({self.ci:.0%} CI {self.lower:.3f} to {self.upper:.3f})"


def roc_auc(y_true, y_score) -> float:
    """Area under the ROC curve: the chance a random case scores above a random control.

    Used to summarise how well a risk score separates patients with and without a condition
    (0.5 = coin toss, 1.0 = perfect). Ties count one half (Mann-Whitney U statistic).

    Parameters
    ----------
    y_true : array of 0/1, shape (n_samples,)
    y_score : array of float, shape (n_samples,)
        Higher = more likely to be a case (probability, score or logit: only the order matters).

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If the lengths differ or ``y_true`` does not contain both classes.

    Examples
    --------
    >>> roc_auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.75

    Taught in lesson 18.
    """
    y_true, y_score = _check_binary(y_true, y_score)
    return _auc(y_true, y_score)


def bootstrap_ci(metric: Callable, y_true, y_score, n_boot: int = 1000, ci: float = 0.95,
                 random_state: int | None = 0, groups=None) -> MetricCI:
    """Percentile bootstrap confidence interval for any metric ``metric(y_true, y_score)``.

    Use it to report every performance number with its uncertainty. When one patient
    contributes several rows (two scans, two eyes), pass ``groups`` (patient ids): the
    bootstrap then redraws whole patients (cluster bootstrap), so the CI is not too narrow.

    Parameters
    ----------
    metric : callable ``(y_true, y_score) -> float``
        E.g. ``roc_auc`` or ``sklearn.metrics.accuracy_score``.
    y_true, y_score : arrays, shape (n_samples,)
    n_boot : int, default 1000
        Number of resamples. 1000 is usual for a 95 % CI; use 2000+ for publications.
    ci : float, default 0.95
        Coverage, a fraction between 0 and 1.
    random_state : int or None, default 0
        Seed, so the interval is reproducible.
    groups : array, shape (n_samples,), optional
        Cluster (patient) id of each row.

    Returns
    -------
    MetricCI
        ``(value, lower, upper, ci, n_boot)``; ``value`` is the metric on all rows.

    Raises
    ------
    ValueError
        If lengths differ, ``ci`` is not in (0, 1), or fewer than half the resamples give a value.

    Notes
    -----
    Resamples where the metric fails (e.g. only one class drawn) are skipped with a warning.
    Efron B, Tibshirani R. An Introduction to the Bootstrap. Chapman & Hall, 1993 (ch. 13).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> y = np.r_[np.zeros(50), np.ones(50)]
    >>> score = y + rng.normal(0, 1, 100)
    >>> r = bootstrap_ci(roc_auc, y, score, n_boot=200)
    >>> r.lower < r.value < r.upper
    True

    Taught in lesson 09.
    """
    y_true, y_score = np.asarray(y_true), np.asarray(y_score)
    _check_lengths(y_true, y_score, groups)
    if not 0 < ci < 1:
        raise ValueError(f"ci must be a fraction between 0 and 1 (e.g. 0.95); got {ci!r}")
    value = float(metric(y_true, y_score))
    stats = []
    for idx in bootstrap_indices(len(y_true), n_boot, random_state, groups):
        try:
            stats.append(float(metric(y_true[idx], y_score[idx])))
        except ValueError:
            continue
    return _percentile_ci(value, np.array(stats), ci, n_boot)


def auc_ci(y_true, y_score, n_boot: int = 1000, ci: float = 0.95, random_state: int | None = 0,
           groups=None) -> MetricCI:
    """ROC AUC with a percentile bootstrap confidence interval.

    Parameters
    ----------
    y_true : array of 0/1, shape (n_samples,)
    y_score : array of float, shape (n_samples,)
    n_boot, ci, random_state, groups
        As in `bootstrap_ci`.

    Returns
    -------
    MetricCI

    Raises
    ------
    ValueError
        If lengths differ or ``y_true`` has a single class.

    Examples
    --------
    >>> y = [0, 0, 0, 1, 1, 1] * 10
    >>> s = [0.1, 0.3, 0.6, 0.4, 0.7, 0.9] * 10
    >>> print(auc_ci(y, s, n_boot=200))
    0.889 (95% CI 0.796 to 0.960)

    Taught in lessons 04, 09, 12, 15 and 18.
    """
    y_true, y_score = _check_binary(y_true, y_score)
    return bootstrap_ci(_auc, y_true, y_score, n_boot, ci, random_state, groups)


def bootstrap_indices(n_samples: int, n_boot: int, random_state=0, groups=None):
    """Yield ``n_boot`` arrays of row indices drawn with replacement (whole groups if given).

    Reusing the same indices for two models gives a *paired* bootstrap of their difference.

    Parameters
    ----------
    n_samples : int
        Number of rows.
    n_boot : int
        Number of resamples.
    random_state : int or None, default 0
    groups : array, shape (n_samples,), optional
        Cluster (patient) id per row; whole clusters are drawn, so lengths vary.

    Yields
    ------
    array of int
        Row indices of one resample.

    Examples
    --------
    >>> [len(i) for i in bootstrap_indices(5, 3)]
    [5, 5, 5]

    Taught in lesson 13.
    """
    rng = np.random.default_rng(random_state)
    if groups is None:
        for _ in range(n_boot):
            yield rng.integers(0, n_samples, n_samples)
        return
    codes = np.unique(np.asarray(groups), return_inverse=True)[1]
    rows_of = [np.flatnonzero(codes == g) for g in range(codes.max() + 1)]
    for _ in range(n_boot):
        picked = rng.integers(0, len(rows_of), len(rows_of))
        yield np.concatenate([rows_of[g] for g in picked])


def _percentile_ci(value: float, stats: np.ndarray, ci: float, n_boot: int) -> MetricCI:
    """Turn bootstrap replicates into a `MetricCI`, warning about failed resamples."""
    stats = stats[np.isfinite(stats)]
    if len(stats) < n_boot / 2:
        raise ValueError(f"only {len(stats)} of {n_boot} bootstrap resamples gave a value; "
                         "the sample is too small or has too few cases of one class")
    if len(stats) < n_boot:
        warnings.warn(f"{n_boot - len(stats)} of {n_boot} bootstrap resamples were skipped "
                      "(metric undefined, e.g. one class only)", UserWarning, stacklevel=3)
    alpha = (1 - ci) / 2
    lower, upper = np.quantile(stats, [alpha, 1 - alpha])
    return MetricCI(value, float(lower), float(upper), ci, n_boot)


