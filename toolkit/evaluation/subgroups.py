"""Subgroup analysis: does the model work equally well for everybody?

An overall AUC can hide a group (an ancestry, a sex, a hospital) for which the model fails.
`subgroup_report` computes each metric per group with a bootstrap CI and the gap to the
overall value and to the best-served group (the numbers behind fairlearn's ``MetricFrame``).
"""
from __future__ import annotations

import warnings
from typing import Callable

import numpy as np
import pandas as pd

from .metrics import _auc, _check_lengths, _percentile_ci, bootstrap_indices

__all__ = ["METRICS", "subgroup_report"]


def _rate(hit: np.ndarray) -> float:
    return float(hit.mean()) if len(hit) else float("nan")


METRICS: dict[str, Callable] = {
    "auc": lambda y, s, t: _auc(y, s),
    "sensitivity": lambda y, s, t: _rate(s[y == 1] >= t),
    "specificity": lambda y, s, t: _rate(s[y == 0] < t),
    "ppv": lambda y, s, t: _rate(y[s >= t] == 1),
    "npv": lambda y, s, t: _rate(y[s < t] == 0),
    "accuracy": lambda y, s, t: _rate((s >= t) == (y == 1)),
    "selection_rate": lambda y, s, t: _rate(s >= t),
    "brier": lambda y, s, t: float(np.mean((s - y) ** 2)),
}
_LOWER_IS_BETTER = {"brier"}


def subgroup_report(y_true, y_score, groups, metrics=("auc", "sensitivity", "specificity"),
                    threshold: float = 0.5, n_boot: int = 1000, ci: float = 0.95,
                    random_state: int | None = 0, min_size: int = 20) -> pd.DataFrame:
    """Per-group metrics with bootstrap CIs and gaps to the overall value and the best group.

    Parameters
    ----------
    y_true : array of 0/1, shape (n_samples,)
    y_score : array of float, shape (n_samples,)
        Predicted risk, or 0/1 predictions. Threshold metrics call "positive" at
        ``y_score >= threshold``.
    groups : array or Series, shape (n_samples,)
        Group label per patient (e.g. ancestry).
    metrics : sequence of str
        Names from ``METRICS``: auc, sensitivity, specificity, ppv, npv, accuracy,
        selection_rate, brier.
    threshold : float, default 0.5
    n_boot, ci, random_state
        As in `bootstrap_ci`; each group is resampled on its own.
    min_size : int, default 20
        Groups smaller than this are reported with a warning (CIs are then unreliable).

    Returns
    -------
    DataFrame
        Long format, one row per (group, metric), the "overall" group first: ``group``,
        ``metric``, ``n``, ``n_positive``, ``value``, ``lower``, ``upper``,
        ``gap_vs_overall`` (value - overall) and ``gap_vs_best`` (value - best group's value;
        0 for the best group). A metric undefined in a group (AUC with one class) is NaN.

    Raises
    ------
    ValueError
        For an unknown metric name, mismatched lengths, or labels other than 0/1.

    See Also
    --------
    fairlearn.metrics.MetricFrame : the same point estimates, without CIs.

    Examples
    --------
    >>> y = [0, 1, 0, 1, 0, 1, 0, 1]
    >>> s = [0.2, 0.9, 0.3, 0.8, 0.6, 0.4, 0.7, 0.1]
    >>> g = ["A"] * 4 + ["B"] * 4
    >>> r = subgroup_report(y, s, g, metrics=["auc"], n_boot=50, min_size=1)
    >>> r[["group", "value", "gap_vs_best"]].values.tolist()
    [['overall', 0.625, nan], ['A', 1.0, 0.0], ['B', 0.0, -1.0]]

    Taught in lesson 16.
    """
    y, s = np.asarray(y_true), np.asarray(y_score, dtype=float)
    g = np.asarray(groups).astype(str)
    _check_lengths(y, s, g)
    if not set(np.unique(y).tolist()) <= {0, 1}:
        raise ValueError(f"y_true must contain only 0 and 1; got {np.unique(y)[:5].tolist()}")
    unknown = [m for m in metrics if m not in METRICS]
    if unknown:
        raise ValueError(f"metrics must be among {sorted(METRICS)}; got {unknown}")
    small = {k: int(n) for k, n in zip(*np.unique(g, return_counts=True)) if n < min_size}
    if small:
        warnings.warn(f"groups with fewer than {min_size} patients: {small}; their estimates "
                      "and CIs are unreliable", UserWarning, stacklevel=2)
    labels = ["overall"] + sorted(str(v) for v in set(g))
    rows = []
    for label in labels:
        inside = np.ones(len(y), bool) if label == "overall" else g == label
        for name in metrics:
            est = _group_ci(METRICS[name], y[inside], s[inside], threshold, n_boot, ci,
                            random_state)
            rows.append({"group": label, "metric": name, "n": int(inside.sum()),
                         "n_positive": int(y[inside].sum()), **est})
    out = pd.DataFrame(rows)
    overall = out[out.group == "overall"].set_index("metric")["value"]
    out["gap_vs_overall"] = out["value"] - out["metric"].map(overall)
    per_group = out[out.group != "overall"]
    best = {m: (v.min() if m in _LOWER_IS_BETTER else v.max())
            for m, v in per_group.groupby("metric")["value"]}
    out["gap_vs_best"] = np.where(out.group == "overall", np.nan,
                                  out["value"] - out["metric"].map(best))
    out.loc[out.group == "overall", "gap_vs_overall"] = np.nan
    return out


def _group_ci(fn, y, s, threshold, n_boot, ci, random_state) -> dict:
    """Point estimate and percentile CI of one metric in one group (NaN when undefined)."""
    value = fn(y, s, threshold)
    if not np.isfinite(value):
        return {"value": value, "lower": np.nan, "upper": np.nan}
    stats = np.array([fn(y[i], s[i], threshold)
                      for i in bootstrap_indices(len(y), n_boot, random_state)])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = _percentile_ci(value, stats, ci, n_boot)
    except ValueError:
        return {"value": value, "lower": np.nan, "upper": np.nan}
    return {"value": value, "lower": r.lower, "upper": r.upper}
