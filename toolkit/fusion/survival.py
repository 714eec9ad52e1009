"""Fusion for time-to-event outcomes: Cox models on fused features (early) or per modality (late).

The Cox models are lifelines fits (`RidgeCox` in ``_cox.py``), the one Cox library of
`toolkit.fusion`: `treatment` needs lifelines' hazard ratios with Wald confidence intervals,
and a thin scikit-learn wrapper gives this module the penalised fit and ``predict`` it needs
inside pipelines and cross-validation. scikit-survival remains for non-Cox tools (Kaplan-Meier
in `toolkit.evaluation.survival`).
"""
from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted, validate_data

from .._utils.validation import check_one_of
from ._blocks import (allow_nan_tags, fuse_blocks, missing_mask, nan_standardise_fit,
                      resolve_modalities)

__all__ = ["SurvivalFusion", "survival_target"]
_STRATEGIES = ("early", "late")


def survival_target(event, time) -> np.ndarray:
    """The outcome array of `SurvivalFusion` and scikit-survival: fields ``event`` (bool), ``time``.

    Parameters
    ----------
    event : array of 0/1 or bool (1 = event observed, 0 = censored)
    time : array of float (follow-up, e.g. months)

    Returns
    -------
    structured array, shape (n_samples,)

    Examples
    --------
    >>> survival_target([1, 0], [12.0, 30.5]).tolist()
    [(True, 12.0), (False, 30.5)]

    Taught in lesson 14.
    """
    from .._utils.targets import check_survival

    event, time = check_survival(event, time)
    out = np.empty(len(event), dtype=[("event", bool), ("time", float)])
    out["event"], out["time"] = event, time
    return out


class SurvivalFusion(BaseEstimator):
    """Combine modalities to rank patients by risk of an event (Cox proportional hazards).

    Parameters
    ----------
    modalities : dict ``{name: list of columns}``, optional
        As in `EarlyFusion`; None = one block of all columns.
    strategy : {"early", "late"}, default "early"
        "early": one Cox model on the fused block (standardised, 1/sqrt(size) block weights,
        missingness flags, as in `EarlyFusion`). "late": one Cox model per modality; the
        risk scores, each divided by its training SD, are averaged over the modalities a
        patient has.
    alpha : float, default 1.0
        Ridge penalty: log partial likelihood - alpha/2 * sum(beta**2), as in scikit-survival's
        ``CoxPHSurvivalAnalysis(alpha)`` (stabilises small cohorts).

    Attributes
    ----------
    blocks_ : dict
    models_ : dict ``{name: fitted Cox pipeline}`` (one "fused" entry for early fusion)
    risk_sd_ : dict ``{name: float}`` (late fusion)

    Notes
    -----
    ``predict`` returns a risk score (higher = event expected sooner); ``score`` is Harrell's
    c-index. Not run through scikit-learn's ``parametrize_with_checks``: those checks pass
    plain numeric ``y``, and this model needs the (event, time) array. Cox DR. Regression models and life-tables. JRSS-B 1972;34:187-220.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame({"grade": [2, 3, 4, 3, 2, 4], "volume": [1.0, 2.0, 5.0, None, 1.5, 4.0]})
    >>> y = survival_target([1, 1, 1, 0, 0, 1], [40.0, 20.0, 6.0, 30.0, 50.0, 9.0])
    >>> model = SurvivalFusion({"clinical": ["grade"], "imaging": ["volume"]}, "late").fit(X, y)
    >>> round(model.score(X, y), 2)  # on the training patients: optimistic
    0.85

    Taught in lesson 14.
    """

    def __init__(self, modalities=None, strategy="early", alpha=1.0):
        self.modalities = modalities
        self.strategy = strategy
        self.alpha = alpha

    def fit(self, X, y):
        """Fit the Cox model(s); ``y`` from `survival_target`. Returns self."""
        check_one_of("strategy", self.strategy, _STRATEGIES)
        X = validate_data(self, X, ensure_all_finite="allow-nan", dtype=float)
        y = survival_target(y["event"], y["time"])
        self.blocks_ = resolve_modalities(self.modalities, X.shape[1],
                                          getattr(self, "feature_names_in_", None))
        if self.strategy == "early":
            self.mean_, self.scale_ = nan_standardise_fit(X)
            fused = fuse_blocks(X, self.mean_, self.scale_, self.blocks_)
            self.models_ = {"fused": self._cox().fit(fused, y)}
            return self
        missing = missing_mask(X, self.blocks_)
        self.models_, self.risk_sd_ = {}, {}
        for j, (name, cols) in enumerate(self.blocks_.items()):
            have = ~missing[:, j]
            model = make_pipeline(SimpleImputer(keep_empty_features=True), StandardScaler(),
                                  self._cox()).fit(X[have][:, cols], y[have])
            self.models_[name] = model
            self.risk_sd_[name] = max(float(np.std(model.predict(X[have][:, cols]))), 1e-12)
        return self

    def predict(self, X) -> np.ndarray:
        """Risk score per patient (higher = event expected sooner)."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, ensure_all_finite="allow-nan", dtype=float)
        if self.strategy == "early":
            return self.models_["fused"].predict(fuse_blocks(X, self.mean_, self.scale_,
                                                             self.blocks_))
        missing = missing_mask(X, self.blocks_)
        total, count = np.zeros(len(X)), np.zeros(len(X))
        for j, (name, cols) in enumerate(self.blocks_.items()):
            have = ~missing[:, j]
            if have.any():
                total[have] += self.models_[name].predict(X[have][:, cols]) / self.risk_sd_[name]
                count[have] += 1
        return total / np.maximum(count, 1)

    def score(self, X, y) -> float:
        """Harrell's c-index (`toolkit.evaluation.c_index`) of ``predict(X)`` against ``y``."""
        from ..evaluation.survival import c_index

        return c_index(y["event"], y["time"], self.predict(X))

    def _cox(self):
        from ._cox import RidgeCox

        return clone(RidgeCox(alpha=self.alpha))

    def __sklearn_tags__(self):
        return allow_nan_tags(super().__sklearn_tags__())
