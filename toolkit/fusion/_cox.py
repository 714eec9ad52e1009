"""Every Cox proportional-hazards model in `toolkit.fusion` is fitted here, with lifelines.

Why lifelines and not scikit-survival for Cox models: `treatment` needs hazard ratios with
Wald 95 % confidence intervals and p-values (the summary table clinicians read), which
lifelines' ``CoxPHFitter`` gives and scikit-survival's ``CoxPHSurvivalAnalysis`` does not;
`SurvivalFusion` only needs a ridge-penalised Cox fit whose ``predict`` ranks patients inside
scikit-learn pipelines and cross-validation, which `RidgeCox` below provides on top of
lifelines. scikit-survival is still used for non-Cox things (Kaplan-Meier curves in
`toolkit.evaluation.survival`, its data helpers).
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator


def fit_cox(df: pd.DataFrame, time_col: str, event_col: str, penalizer=0.0):
    """``lifelines.CoxPHFitter(penalizer).fit(df)`` (Efron ties), quiet about pandas notices.

    Examples
    --------
    >>> df = pd.DataFrame({"x": [0, 1, 0, 1, 0, 1], "t": [5.0, 3, 6, 2, 4, 7],
    ...                    "e": [1, 1, 0, 1, 1, 1]})
    >>> round(float(fit_cox(df, "t", "e").hazard_ratios_["x"]), 2)
    1.73
    """
    from lifelines import CoxPHFitter

    with warnings.catch_warnings():  # lifelines' pandas-4 deprecation notices are not for learners
        warnings.filterwarnings("ignore", module="lifelines")
        return CoxPHFitter(penalizer=penalizer).fit(df, duration_col=time_col, event_col=event_col)


class RidgeCox(BaseEstimator):
    """Cox model with a ridge penalty, scikit-learn style: ``fit(X, y)`` and ``predict(X)``.

    Maximises log partial likelihood - alpha/2 * sum(beta**2), the objective of
    scikit-survival's ``CoxPHSurvivalAnalysis(alpha)`` (lifelines penalises coefficients of
    internally standardised columns, so each column gets penalizer alpha / (n * variance)).
    Constant columns get coefficient 0. ``y`` is a structured array with fields ``event`` and
    ``time`` (`toolkit.fusion.survival_target`); ``predict`` returns X @ coef_ (higher = event
    expected sooner).

    Examples
    --------
    >>> X = np.array([[0.0], [1.0], [0.0], [1.0], [0.0], [1.0]])
    >>> y = np.array(list(zip([1, 1, 0, 1, 1, 1], [5.0, 3, 6, 2, 4, 7])),
    ...              dtype=[("event", bool), ("time", float)])
    >>> RidgeCox(alpha=0.0).fit(X, y).coef_.round(2)  # log of the hazard ratio 1.73 above
    array([0.55])
    """

    def __init__(self, alpha: float = 1.0):
        self.alpha = alpha

    def fit(self, X, y) -> "RidgeCox":
        """Fit the coefficients ``coef_``; returns self."""
        X = np.asarray(X, dtype=float)
        var = X.var(axis=0, ddof=1) if len(X) > 1 else np.zeros(X.shape[1])
        keep = var > 1e-12
        self.coef_ = np.zeros(X.shape[1])
        if keep.any():
            df = pd.DataFrame(X[:, keep], columns=[f"x{j}" for j in np.flatnonzero(keep)])
            df["_time"], df["_event"] = np.asarray(y["time"], float), np.asarray(y["event"], int)
            fit = fit_cox(df, "_time", "_event", self.alpha / (len(X) * var[keep]))
            self.coef_[keep] = fit.params_.to_numpy()
        return self

    def predict(self, X) -> np.ndarray:
        """Linear predictor X @ coef_ (log relative hazard, up to a constant)."""
        return np.asarray(X, dtype=float) @ self.coef_
