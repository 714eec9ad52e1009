"""Representation: how a group's share of the TRAINING data changes how well a model serves it.

`performance_by_training_share` refits the same model on training sets that differ only in
how many patients come from one group, and scores every group on the same held-out patients.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from .._utils.validation import check_one_of
from .metrics import _auc, _check_lengths

__all__ = ["performance_by_training_share"]


def performance_by_training_share(X, y, groups, group: str, shares=(0.05, 0.2, 0.33),
                                  n_train: int = 300, n_test_per_group: int = 100,
                                  n_repeats: int = 3, model=None,
                                  random_state: int | None = 0) -> pd.DataFrame:
    """Test AUC of every group when ``group`` makes up each fraction of the training set.

    A fixed test set (``n_test_per_group`` patients from every group) is set aside first. For
    each share and repeat, ``n_train`` training patients are drawn from the rest: ``share x
    n_train`` from ``group``, the others from the remaining groups at random. The model is
    refitted and scored per group on the same test set.

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

    Returns
    -------
    DataFrame
        One row per (share, test group): ``share``, ``n_train_group`` (patients of ``group``
        in training), ``test_group``, ``auc`` (mean over repeats), ``auc_sd``, and
        ``gap_vs_best`` (this group's AUC - the best group's AUC, mean over repeats; 0 is best).

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

    Taught in lesson 16.
    """
    X, y, g = np.asarray(X, dtype=float), np.asarray(y), np.asarray(groups).astype(str)
    _check_lengths(y, y, g)
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} rows but y has {len(y)}; expected one row per patient")
    labels = sorted(set(g))
    check_one_of("group", group, labels)
    if any(not 0 <= s <= 1 for s in shares):
        raise ValueError(f"shares must be fractions in [0, 1]; got {list(shares)}")
    rng = np.random.default_rng(random_state)
    test = np.concatenate([rng.choice(np.flatnonzero(g == k), n_test_per_group, replace=False)
                           for k in labels if (g == k).sum() > n_test_per_group] or [[]])
    if len(test) != n_test_per_group * len(labels):
        raise ValueError(f"every group needs more than n_test_per_group={n_test_per_group} "
                         f"patients; found {dict(zip(*np.unique(g, return_counts=True)))}")
    pool = np.setdiff1d(np.arange(len(y)), test)
    inside, outside = pool[g[pool] == group], pool[g[pool] != group]
    model = model or make_pipeline(StandardScaler(), LogisticRegression(C=0.01, max_iter=1000))
    rows = []
    for share in shares:
        k = int(round(share * n_train))
        if k > len(inside) or n_train - k > len(outside):
            raise ValueError(f"share {share} needs {k} {group} and {n_train - k} other training "
                             f"patients; only {len(inside)} and {len(outside)} are left")
        for rep in range(n_repeats):
            train = np.r_[rng.choice(inside, k, replace=False),
                          rng.choice(outside, n_train - k, replace=False)]
            p = clone(model).fit(X[train], y[train]).predict_proba(X[test])[:, 1]
            aucs = {t: _auc(y[test][g[test] == t], p[g[test] == t]) for t in labels}
            rows += [{"share": share, "n_train_group": k, "repeat": rep, "test_group": t,
                      "auc": a, "gap_vs_best": a - max(aucs.values())} for t, a in aucs.items()]
    long = pd.DataFrame(rows)
    out = long.groupby(["share", "n_train_group", "test_group"], as_index=False).agg(
        auc=("auc", "mean"), auc_sd=("auc", "std"), gap_vs_best=("gap_vs_best", "mean"))
    return out
