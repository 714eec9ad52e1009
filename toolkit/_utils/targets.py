"""Target validation shared by evaluation and fusion: binary outcomes, survival, fast AUC.

Examples
--------
>>> auc_mann_whitney(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8]))
0.75
"""
from __future__ import annotations

import numpy as np
from scipy.stats import rankdata

__all__ = ["auc_mann_whitney", "check_lengths", "check_binary", "check_survival"]


def auc_mann_whitney(y_true: np.ndarray, y_score: np.ndarray) -> float:
    """Mann-Whitney AUC on validated arrays (fast; NaN if one class only)."""
    pos = y_true == 1
    n_pos, n_neg = int(pos.sum()), int((~pos).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    ranks = rankdata(y_score)
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def check_lengths(y_true, y_score, groups=None) -> None:
    """Raise a ValueError unless ``y_true``, ``y_score`` (and ``groups``) have one entry per patient."""
    if len(y_true) != len(y_score):
        raise ValueError(f"y_true and y_score must have the same length; got {len(y_true)} "
                         f"and {len(y_score)}. Pass one score per patient.")
    if groups is not None and len(groups) != len(y_true):
        raise ValueError(f"groups must have one id per row; expected {len(y_true)}; "
                         f"found {len(groups)}")
    if len(y_true) == 0:
        raise ValueError("y_true is empty; expected at least one patient")


def check_binary(y_true, y_score) -> tuple[np.ndarray, np.ndarray]:
    """Validate a binary outcome (0/1 or bool) and finite scores of the same length."""
    y_true, y_score = np.asarray(y_true), np.asarray(y_score, dtype=float)
    if y_true.ndim != 1 or y_score.ndim != 1:
        raise ValueError(f"expected 1-D y_true and y_score; found shapes {y_true.shape} and "
                         f"{y_score.shape}. For a probability matrix pass proba[:, 1].")
    check_lengths(y_true, y_score)
    labels = set(np.unique(y_true).tolist())
    if not labels <= {0, 1}:
        raise ValueError(f"y_true must contain only 0 and 1 (1 = has the condition); got "
                         f"{sorted(labels)[:5]}. Recode it, e.g. (y == 'cancer').astype(int).")
    if len(labels) < 2:
        raise ValueError(f"y_true contains a single class ({labels.pop()}); the metric needs "
                         "patients with and without the condition")
    if not np.isfinite(y_score).all():
        raise ValueError("y_score contains NaN or infinite values; impute or drop those patients")
    return y_true.astype(int), y_score


def check_survival(event, time, n: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Validate survival targets: 1-D ``event`` (0/1 or bool) and finite ``time`` >= 0.

    Examples
    --------
    >>> check_survival([1, 0], [3.0, 5.0])
    (array([ True, False]), array([3., 5.]))
    """
    event, time = np.asarray(event), np.asarray(time, dtype=float)
    if event.shape != time.shape or event.ndim != 1 or (n is not None and len(event) != n):
        raise ValueError(f"event and time must be 1-D with one value per patient; got shapes "
                         f"{event.shape}, {time.shape}" + (f" for {n} risk scores" if n else ""))
    if not np.isin(event, [0, 1]).all():
        raise ValueError("event must be True/False or 1/0 (1 = event observed, 0 = censored); "
                         f"found values {sorted(set(np.unique(event).tolist()) - {0, 1})[:5]}")
    if not np.isfinite(time).all() or (time < 0).any():
        raise ValueError("time must be finite and >= 0 (follow-up time, e.g. in days); "
                         "found NaN, inf or negative values")
    return event.astype(bool), time
