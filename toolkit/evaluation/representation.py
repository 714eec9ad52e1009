"""Representation: how a group's share of the TRAINING data changes how well a model serves it.

`performance_by_training_share` refits the same model on training sets that differ only in
how many patients come from one group, and scores every group on the same held-out patients:
AUC (ranking) and ECE (calibration).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from .._utils.validation import check_one_of
from .calibration import expected_calibration_error
from .metrics import _auc, _check_lengths

__all__ = ["performance_by_training_share"]

_REST = ("random", "equal")


def performance_by_training_share(X, y, groups, group: str, shares=(0.05, 0.2, 0.33),
                                  n_train: int = 300, n_test_per_group: int = 100,
                                  n_repeats: int = 3, model=None, random_state: int | None = 0,
                                  *, rest: str = "random", return_predictions: bool = False
                                  ) -> pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]:
    """Test AUC and calibration of every group when ``group`` makes up each fraction of training.

    A fixed test set (``n_test_per_group`` patients from every group) is set aside first. For
    each share and repeat, ``n_train`` training patients are drawn from the rest: ``share x
    n_train`` from ``group``, the others from the remaining groups (at random, or in equal
    numbers with ``rest="equal"``). The model is refitted and scored per group on the same
    test set.

    Parameters
    ----------
    X : array or DataFrame, shape (n_samples, n_features)
    y : array of 0/1, shape (n_samples,)
    groups : array, shape (n_samples,)
        Group label per patient (e.g. ancestry).
    group : str
        The group whose training share is varied (e.g. "YRI").
    shares : sequence of float in [0, 1], default (0.05, 0.2, 0.33)
    n_train : int, default 300
    n_test_per_group : int, default 100
    n_repeats : int, default 3
        Fresh training draws per share (the spread shows the sampling noise).
    model : sklearn classifier, optional
        Default: standardise, then L2 logistic regression with ``C=0.01``.
    random_state : int or None, default 0
        Seeds the test-set split and the training draws.
    rest : {"random", "equal"}, default "random"
        How the ``n_train - share x n_train`` other training patients are drawn: at random from
        all other groups together, or the same number from each other group (alphabetically
        first groups get one more when it does not divide evenly).
    return_predictions : bool, default False
        Also return every test prediction (for calibration plots).

    Returns
    -------
    DataFrame, or (DataFrame, DataFrame) with ``return_predictions``
        One row per (share, test group): ``share``, ``n_train_group`` (patients of ``group``
        in training), ``test_group``, ``auc`` (mean over repeats), ``auc_sd``, ``gap_vs_best``
        (this group's AUC - the best group's AUC, mean over repeats; 0 is best) and ``ece``
        (expected calibration error over 5 equal-size bins, mean over repeats). The
        predictions: one row per (share, repeat, test patient) with ``share``, ``repeat``,
        ``test_group``, ``y`` and ``p`` (predicted probability).

    Raises
    ------
    ValueError
        If ``group`` is absent, a share is outside [0, 1], or there are too few patients.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> g = np.repeat(["A", "B"], 400)
    >>> X = rng.normal(size=(800, 2))
    >>> y = (np.where(g == "A", X[:, 0], X[:, 1]) + rng.normal(0, 0.5, 800) > 0).astype(int)
    >>> t = performance_by_training_share(X, y, g, "B", shares=[0.05, 0.5], n_train=200)
    >>> b = t[t.test_group == "B"].auc.tolist()
    >>> bool(b[0] < b[1])  # B is served better when half the training data are B
    True
    >>> bool(t.ece.between(0, 1).all())
    True
    >>> t, p = performance_by_training_share(X, y, g, "B", shares=[0.5], n_train=200,
    ...                                      n_repeats=1, return_predictions=True)
    >>> len(p), list(p.columns)  # 100 test patients per group
    (200, ['share', 'repeat', 'test_group', 'y', 'p'])

    Taught in lesson 16.
    """
    X, y, g = np.asarray(X, dtype=float), np.asarray(y), np.asarray(groups).astype(str)
    _check_lengths(y, y, g)
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} rows but y has {len(y)}; expected one row per patient")
    labels = sorted(set(g.tolist()))
    check_one_of("group", group, labels)
    check_one_of("rest", rest, _REST)
    if any(not 0 <= s <= 1 for s in shares):
        raise ValueError(f"shares must be fractions in [0, 1]; got {list(shares)}")
    rng = np.random.default_rng(random_state)
    test = _fixed_test_set(g, labels, n_test_per_group, rng)
    pool = np.setdiff1d(np.arange(len(y)), test)
    model = model or make_pipeline(StandardScaler(), LogisticRegression(C=0.01, max_iter=1000))
    rows, predictions = [], []
    for share in shares:
        k = int(round(share * n_train))
        for rep in range(n_repeats):
            train = _draw_training(g, pool, group, k, n_train, rest, rng)
            p = clone(model).fit(X[train], y[train]).predict_proba(X[test])[:, 1]
            rows += _scores(y[test], p, g[test], labels, share=share, n_train_group=k, repeat=rep)
            predictions.append(pd.DataFrame({"share": share, "repeat": rep, "test_group": g[test],
                                             "y": y[test], "p": p}))
    out = pd.DataFrame(rows).groupby(["share", "n_train_group", "test_group"], as_index=False).agg(
        auc=("auc", "mean"), auc_sd=("auc", "std"), gap_vs_best=("gap_vs_best", "mean"),
        ece=("ece", "mean"))
    return (out, pd.concat(predictions, ignore_index=True)) if return_predictions else out


def _fixed_test_set(g: np.ndarray, labels: list, n_per_group: int, rng) -> np.ndarray:
    """``n_per_group`` patients of every group, drawn once; raises if a group is too small."""
    test = np.concatenate([rng.choice(np.flatnonzero(g == k), n_per_group, replace=False)
                           for k in labels if (g == k).sum() > n_per_group] or [[]])
    if len(test) != n_per_group * len(labels):
        raise ValueError(f"every group needs more than n_test_per_group={n_per_group} "
                         f"patients; found {dict(zip(*np.unique(g, return_counts=True)))}")
    return test


def _draw_training(g: np.ndarray, pool: np.ndarray, group: str, k: int, n_train: int,
                   rest: str, rng) -> np.ndarray:
    """``k`` patients of ``group`` and ``n_train - k`` others, drawn from ``pool``."""
    parts = {group: (pool[g[pool] == group], k)}
    if rest == "random":
        parts["the other groups"] = (pool[g[pool] != group], n_train - k)
    else:
        others = sorted(set(g[pool]) - {group})
        base, extra = divmod(n_train - k, len(others))
        parts.update({o: (pool[g[pool] == o], base + (i < extra)) for i, o in enumerate(others)})
    for name, (where, n) in parts.items():
        if n > len(where):
            raise ValueError(f"n_train={n_train} with {k} from {group} needs {n} training patients "
                             f"from {name}; only {len(where)} are left after the test set")
    return np.concatenate([rng.choice(where, n, replace=False) for where, n in parts.values()])


def _scores(y: np.ndarray, p: np.ndarray, g: np.ndarray, labels: list, **keys) -> list[dict]:
    """AUC, gap to the best group's AUC and ECE of every test group (one row each)."""
    aucs = {t: _auc(y[g == t], p[g == t]) for t in labels}
    return [{**keys, "test_group": t, "auc": a, "gap_vs_best": a - max(aucs.values()),
             "ece": expected_calibration_error(y[g == t], p[g == t], n_bins=5, strategy="quantile")}
            for t, a in aucs.items()]
