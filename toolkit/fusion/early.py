"""Early fusion: put every modality's features side by side and fit one model."""
from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.linear_model import LogisticRegression
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from ._blocks import allow_nan_tags, fuse_blocks, nan_standardise_fit, resolve_modalities

__all__ = ["EarlyFusion"]


class EarlyFusion(ClassifierMixin, BaseEstimator):
    """Concatenate standardised modality blocks (plus missingness flags) into one classifier.

    Early fusion (feature-level fusion) is the simplest way to combine, say, a polygenic
    score, lesion volume and age: one model sees all features at once and can use their
    interactions, but a block with many columns can drown a block with few.

    Parameters
    ----------
    modalities : dict ``{name: list of columns}``, optional
        Column names (X as DataFrame) or positions per modality. None = one block of all
        columns. Columns in no modality are ignored.
    estimator : classifier, optional
        Fitted on the fused features; default ``LogisticRegression(max_iter=1000)``.
    block_scaling : bool, default True
        Divide each standardised block by sqrt(its number of columns), so every modality
        carries the same total variance whatever its size.

    Attributes
    ----------
    blocks_ : dict ``{name: column positions}``
    mean_, scale_ : arrays, shape (n_features,)
        Column means and SDs learned in ``fit`` (NaN ignored).
    estimator_ : fitted classifier
    classes_ : array
    n_features_in_ : int
    feature_names_in_ : array of str (when X was a DataFrame)

    Notes
    -----
    Missing data: a missing value (NaN) is replaced by the training mean (0 after
    standardisation), and for each modality an extra 0/1 column flags patients whose whole
    block is missing, so the model can learn "no scan" separately from "average scan".
    Baltrusaitis T, Ahuja C, Morency LP. Multimodal machine learning: a survey and taxonomy.
    IEEE TPAMI 2019;41:423-443.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame({"prs": [-1.0, 0.2, 1.5, 0.9], "volume_mm3": [900, 1200, None, 4000]})
    >>> model = EarlyFusion({"genomic": ["prs"], "imaging": ["volume_mm3"]}).fit(X, [0, 0, 1, 1])
    >>> model.fuse(X).shape  # 2 features + 2 missingness flags
    (4, 4)
    >>> model.predict(X).tolist()
    [0, 0, 1, 1]

    Taught in lesson 13.
    """

    def __init__(self, modalities=None, estimator=None, block_scaling=True):
        self.modalities = modalities
        self.estimator = estimator
        self.block_scaling = block_scaling

    def fit(self, X, y):
        """Learn the scaling on X and fit the estimator on the fused features; returns self."""
        X, y = validate_data(self, X, y, ensure_all_finite="allow-nan", dtype=float)
        check_classification_targets(y)
        self.blocks_ = resolve_modalities(self.modalities, X.shape[1],
                                          getattr(self, "feature_names_in_", None))
        self.mean_, self.scale_ = nan_standardise_fit(X)
        base = self.estimator if self.estimator is not None else LogisticRegression(max_iter=1000)
        self.estimator_ = clone(base).fit(self._fuse(X), y)
        self.classes_ = self.estimator_.classes_
        return self

    def fuse(self, X) -> np.ndarray:
        """The fused matrix the estimator sees: scaled blocks side by side, then missingness flags."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, ensure_all_finite="allow-nan", dtype=float)
        return self._fuse(X)

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, shape (n_samples, n_classes)."""
        check_is_fitted(self)
        return self.estimator_.predict_proba(self.fuse(X))

    def predict(self, X) -> np.ndarray:
        """Predicted class labels."""
        check_is_fitted(self)
        return self.estimator_.predict(self.fuse(X))

    def _fuse(self, X: np.ndarray) -> np.ndarray:
        return fuse_blocks(X, self.mean_, self.scale_, self.blocks_, self.block_scaling)

    def __sklearn_tags__(self):
        return allow_nan_tags(super().__sklearn_tags__())
