"""Did harmonisation work, and was it done without leakage? Cross-validated checks.

Two questions: can a model still tell which hospital a patient came from (it should not, after
harmonisation), and does the model of interest (e.g. mutation status) keep its accuracy *within*
each hospital? ComBat must be fitted inside each cross-validation fold, on training patients
only: fitted on everyone, it sees the test patients (and, if the outcome is a preserved
covariate, their labels), and the cross-validated result is optimistic.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .._utils.validation import check_one_of
from ..evaluation.metrics import MetricCI, auc_ci, bootstrap_ci
from .combat import ComBat

__all__ = ["cv_predict", "site_prediction_accuracy", "auc_by_site", "HARMONISE_OPTIONS"]

HARMONISE_OPTIONS = ("none", "inside", "outside", "outside_with_outcome")


def _model():
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))


def _harmonise_all(X, y, site, harmonise: str) -> np.ndarray:
    if harmonise == "outside":
        return ComBat().fit_transform(X, site=site)
    if harmonise == "outside_with_outcome":
        return ComBat().fit_transform(X, site=site, covariates=pd.DataFrame({"outcome": y}))
    return X


def cv_predict(X, y, site, harmonise: str = "none", n_splits: int = 5,
               random_state: int | None = 0) -> np.ndarray:
    """Out-of-fold predicted probabilities of a logistic model, with ComBat placed as asked.

    Parameters
    ----------
    X : array (n_samples, n_features)
    y : array (n_samples,)
        Labels to predict (0/1 outcome, or site names for a multi-class model).
    site : array (n_samples,)
        Site of each row (used by ComBat; folds are stratified by ``y``).
    harmonise : {"none", "inside", "outside", "outside_with_outcome"}
        "inside": ComBat fitted on each training fold, applied to its test fold (honest).
        "outside": fitted once on all rows before cross-validation (sees the test rows).
        "outside_with_outcome": as "outside", with ``y`` as a preserved covariate (leaks labels).
    n_splits, random_state : cross-validation folds and their seed (int or None)

    Returns
    -------
    ndarray
        (n_samples,) probability of class 1 for binary ``y``; (n_samples, n_classes) otherwise,
        classes in sorted order.

    Raises
    ------
    ValueError
        Unknown ``harmonise``, or a class of ``y`` with fewer rows than ``n_splits``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> site = np.repeat(["A", "B"], 40); y = np.tile([0, 1], 40)
    >>> X = rng.normal(size=(80, 3)) + y[:, None] + (site == "B")[:, None] * 2.0
    >>> cv_predict(X, y, site, harmonise="inside").shape
    (80,)

    Taught in lesson 26.
    """
    from sklearn.model_selection import StratifiedKFold

    check_one_of("harmonise", harmonise, HARMONISE_OPTIONS,
                 hint='"inside" is the honest choice for cross-validation.')
    X, y, site = np.asarray(X, dtype=float), np.asarray(y), np.asarray(site)
    classes, counts = np.unique(y, return_counts=True)
    if counts.min() < n_splits:
        rare = classes[counts < n_splits].tolist()
        raise ValueError(f"every class of y needs at least n_splits={n_splits} rows so that each "
                         f"training fold sees it; {rare} have fewer. Drop or merge them.")
    X = _harmonise_all(X, y, site, harmonise)
    out = np.zeros((len(y), len(classes)))
    folds = StratifiedKFold(n_splits, shuffle=True, random_state=random_state)
    for train, test in folds.split(X, y):
        X_train, X_test = X[train], X[test]
        if harmonise == "inside":
            combat = ComBat().fit(X_train, site=site[train])
            X_train = combat.transform(X_train, site=site[train])
            X_test = combat.transform(X_test, site=site[test])
        out[test] = _model().fit(X_train, y[train]).predict_proba(X_test)
    return out[:, 1] if len(classes) == 2 else out


def site_prediction_accuracy(X, site, harmonise: str = "none", n_splits: int = 5,
                             random_state: int | None = 0, n_boot: int = 1000) -> MetricCI:
    """Cross-validated accuracy of a model that guesses the site from the features, with a 95 % CI.

    Far above chance means the features carry the hospital's fingerprint; near chance (the
    largest site's share) means harmonisation removed it.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> site = np.repeat(["A", "B"], 30)
    >>> X = rng.normal(size=(60, 2)) + (site == "B")[:, None] * 3.0
    >>> site_prediction_accuracy(X, site, n_boot=100).value > 0.9
    True

    Taught in lesson 26.
    """
    site = np.asarray(site)
    proba = cv_predict(X, site, site, harmonise, n_splits, random_state)
    classes = np.unique(site)
    guess = classes[proba.argmax(axis=1)] if proba.ndim == 2 else classes[(proba > 0.5).astype(int)]
    return bootstrap_ci(lambda a, b: float(np.mean(a == b)), site, guess, n_boot=n_boot,
                        random_state=random_state)


def auc_by_site(y, score, site, n_boot: int = 500) -> pd.DataFrame:
    """AUC with a 95 % bootstrap CI in each site and in all patients pooled.

    A pooled AUC mixes two things: how well the score ranks patients within a hospital and
    how much the hospitals differ. The within-site AUCs show the first alone.

    Returns
    -------
    DataFrame, index site names then "all": ``n_patients``, ``n_cases``, ``auc``, ``lower``, ``upper``

    Examples
    --------
    >>> t = auc_by_site([0, 1] * 20, [0.1, 0.9] * 10 + [0.6, 0.4] * 10, ["A"] * 20 + ["B"] * 20,
    ...                 n_boot=50)
    >>> t["auc"].tolist()
    [1.0, 0.0, 0.75]

    Taught in lesson 26.
    """
    y, score, site = np.asarray(y), np.asarray(score, dtype=float), np.asarray(site)
    rows = {}
    for name, keep in [(s, site == s) for s in np.unique(site)] + [("all", np.ones(len(y), bool))]:
        r = auc_ci(y[keep], score[keep], n_boot=n_boot)
        rows[name] = {"n_patients": int(keep.sum()), "n_cases": int(y[keep].sum()),
                      "auc": round(r.value, 3), "lower": round(r.lower, 3), "upper": round(r.upper, 3)}
    return pd.DataFrame.from_dict(rows, orient="index")
