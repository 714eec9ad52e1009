"""Late fusion: one model per modality, then combine their predicted probabilities."""
from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from .._utils.validation import check_one_of
from ._blocks import allow_nan_tags, missing_mask, resolve_modalities

__all__ = ["LateFusion"]
_COMBINE = ("mean", "stacking")


class LateFusion(ClassifierMixin, BaseEstimator):
    """Fit a classifier per modality and combine their probabilities by averaging or stacking.

    Late (decision-level) fusion mirrors a tumour board: the geneticist, the radiologist and
    the oncologist each give an opinion, then the opinions are pooled. It copes naturally
    with a missing modality, but cannot learn interactions between modalities.

    Parameters
    ----------
    modalities : dict ``{name: list of columns}``, optional
        As in `EarlyFusion`; None = one block of all columns.
    estimator : classifier, optional
        Cloned for each modality. Default: mean imputation, standardisation and
        ``LogisticRegression(max_iter=1000)``.
    combine : {"mean", "stacking"}, default "mean"
        "mean": average the probabilities of the available modalities.
        "stacking": a logistic regression learns how much to trust each modality, trained on
        out-of-fold probabilities (so it never sees predictions made on training patients).
    cv : int, default 5
        Folds for the out-of-fold probabilities used by stacking.
    random_state : int or None, default 0
        Shuffling of those folds.

    Attributes
    ----------
    blocks_ : dict ``{name: column positions}``
    estimators_ : dict ``{name: fitted classifier}``
    meta_ : LogisticRegression (stacking only)
        Its ``coef_`` shows how much each modality's vote counts.
    prior_ : array (n_classes,)
        Class frequencies in training, used when a patient has no modality at all.
    classes_ : array

    Notes
    -----
    Missing data: each modality model is fit on the patients who have that modality; a
    patient's prediction uses only the modalities they have (mean), or their missing votes
    are set to the training class frequencies (stacking). Stacking: Wolpert DH. Stacked
    generalization. Neural Networks 1992;5:241-259.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame({"prs": [-1.0, 0.2, 1.5, 0.9], "volume_mm3": [900, 1200, None, 4000]})
    >>> model = LateFusion({"genomic": ["prs"], "imaging": ["volume_mm3"]}).fit(X, [0, 0, 1, 1])
    >>> model.predict(X).tolist()
    [0, 0, 1, 1]

    Taught in lesson 13.
    """

    def __init__(self, modalities=None, estimator=None, combine="mean", cv=5, random_state=0):
        self.modalities = modalities
        self.estimator = estimator
        self.combine = combine
        self.cv = cv
        self.random_state = random_state

    def fit(self, X, y):
        """Fit one model per modality (and the stacker); returns self."""
        check_one_of("combine", self.combine, _COMBINE)
        X, y = validate_data(self, X, y, ensure_all_finite="allow-nan", dtype=float)
        check_classification_targets(y)
        self.classes_, counts = np.unique(y, return_counts=True)
        self.prior_ = counts / counts.sum()
        self.blocks_ = resolve_modalities(self.modalities, X.shape[1],
                                          getattr(self, "feature_names_in_", None))
        missing = missing_mask(X, self.blocks_)
        self.estimators_, votes = {}, []
        for j, (name, cols) in enumerate(self.blocks_.items()):
            have = ~missing[:, j]
            if len(np.unique(y[have])) < len(self.classes_):
                raise ValueError(f"modality {name!r} is present for {have.sum()} patients who "
                                 f"do not cover every class {self.classes_.tolist()}; drop it "
                                 "or collect more data")
            self.estimators_[name] = clone(self._base()).fit(X[have][:, cols], y[have])
            if self.combine == "stacking":
                vote = np.tile(self.prior_, (len(y), 1))
                vote[have] = self._out_of_fold(X[have][:, cols], y[have])
                votes.append(vote)
        if self.combine == "stacking":
            self.meta_ = LogisticRegression(max_iter=1000).fit(self._meta_features(votes), y)
        return self

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, shape (n_samples, n_classes)."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, ensure_all_finite="allow-nan", dtype=float)
        missing = missing_mask(X, self.blocks_)
        votes = []
        for j, (name, cols) in enumerate(self.blocks_.items()):
            vote = np.full((len(X), len(self.classes_)), np.nan)
            have = ~missing[:, j]
            if have.any():
                vote[have] = self.estimators_[name].predict_proba(X[have][:, cols])
            votes.append(vote)
        if self.combine == "stacking":
            votes = [np.where(np.isnan(v), self.prior_, v) for v in votes]
            return self.meta_.predict_proba(self._meta_features(votes))
        stacked = np.stack(votes)  # (n_modalities, n_samples, n_classes)
        n_have = (~np.isnan(stacked[:, :, 0])).sum(axis=0)[:, None]
        mean = np.nansum(stacked, axis=0) / np.maximum(n_have, 1)
        return np.where(n_have > 0, mean, self.prior_)

    def predict(self, X) -> np.ndarray:
        """Predicted class labels (highest combined probability)."""
        check_is_fitted(self)
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def _base(self):
        if self.estimator is not None:
            return self.estimator
        return make_pipeline(SimpleImputer(keep_empty_features=True), StandardScaler(),
                             LogisticRegression(max_iter=1000))

    def _out_of_fold(self, X, y) -> np.ndarray:
        """Probabilities for each patient from a model that did not train on them."""
        n_splits = min(self.cv, np.unique(y, return_counts=True)[1].min())
        if n_splits < 2:  # too few patients per class for folds: fall back to in-sample
            return clone(self._base()).fit(X, y).predict_proba(X)
        folds = StratifiedKFold(n_splits, shuffle=True, random_state=self.random_state)
        return cross_val_predict(clone(self._base()), X, y, cv=folds, method="predict_proba")

    def _meta_features(self, votes) -> np.ndarray:
        """Log-odds of each modality's vote (binary) or log-probabilities (multiclass)."""
        eps = 1e-6
        if len(self.classes_) == 2:
            cols = [np.log((v[:, 1] + eps) / (v[:, 0] + eps)) for v in votes]
        else:
            cols = [np.log(v[:, k] + eps) for v in votes for k in range(v.shape[1])]
        return np.column_stack(cols)

    def __sklearn_tags__(self):
        return allow_nan_tags(super().__sklearn_tags__())
