"""Intermediate fusion: a small neural encoder per modality, joined in a shared embedding."""
from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from .._utils.validation import check_one_of
from ._blocks import allow_nan_tags, missing_mask, nan_standardise_fit, resolve_modalities

__all__ = ["IntermediateFusion"]
_FUSION = ("mean", "gated")


class IntermediateFusion(ClassifierMixin, BaseEstimator):
    """Encode each modality with its own small network, average the embeddings, classify.

    Intermediate (joint-representation) fusion learns a compact summary of each modality
    and combines the summaries, so it can learn interactions (like early fusion) while
    handling a missing modality gracefully (like late fusion). It needs more data than both.

    Parameters
    ----------
    modalities : dict ``{name: list of columns}``, optional
        As in `EarlyFusion`; None = one block of all columns.
    hidden : int, default 16
        Units in each encoder's hidden layer.
    embed_dim : int, default 8
        Size of each modality's embedding (the joint space).
    fusion : {"mean", "gated"}, default "mean"
        "mean": equal weight for each available modality; "gated": learned attention weights.
    modality_dropout : float, default 0.2
        During training, hide each available modality with this probability (at least one
        is kept), so the model learns to predict when a modality is missing.
    max_epochs : int, default 100
        Full-batch Adam steps. More epochs overfit small cohorts: with 320 training
        patients, 300 epochs of a 32-unit encoder dropped the cross-validated AUC from 0.76
        to 0.64 on `make_multimodal` data.
    learning_rate : float, default 0.01
    weight_decay : float, default 0.01
        L2 penalty, against overfitting small cohorts.
    random_state : int, default 0
        Seeds weight initialisation and dropout (PyTorch's global generator is left untouched).

    Attributes
    ----------
    blocks_ : dict ``{name: column positions}``
    mean_, scale_ : arrays (n_features,)
    network_ : torch.nn.Module
    loss_curve_ : list of float
        Training cross-entropy per epoch.
    classes_ : array

    Notes
    -----
    Missing data: inputs are standardised, NaN set to 0, and a patient's missing modalities
    are masked out of the embedding average (modality dropout trains for this). A patient
    with no modality gets the head's bias, i.e. roughly the class frequencies.
    Computation is float64 on CPU, so results repeat exactly for a given ``random_state``.
    Ngiam J, et al. Multimodal deep learning. ICML 2011. Neverova N, et al. ModDrop:
    adaptive multi-modal gesture recognition. IEEE TPAMI 2016;38:1692-1706.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame({"prs": [-1.0, -0.8, 1.5, 0.9], "volume_mm3": [900, 1200, None, 4000]})
    >>> model = IntermediateFusion({"genomic": ["prs"], "imaging": ["volume_mm3"]},
    ...                            max_epochs=100).fit(X, [0, 0, 1, 1])
    >>> model.predict(X).tolist()
    [0, 0, 1, 1]

    Taught in lesson 13.
    """

    def __init__(self, modalities=None, hidden=16, embed_dim=8, fusion="mean",
                 modality_dropout=0.2, max_epochs=100, learning_rate=0.01, weight_decay=0.01,
                 random_state=0):
        self.modalities = modalities
        self.hidden = hidden
        self.embed_dim = embed_dim
        self.fusion = fusion
        self.modality_dropout = modality_dropout
        self.max_epochs = max_epochs
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.random_state = random_state

    def fit(self, X, y):
        """Train the network with full-batch Adam; returns self."""
        import torch

        from ._torch_nets import ModalityFusionNet, single_thread

        check_one_of("fusion", self.fusion, _FUSION)
        X, y = validate_data(self, X, y, ensure_all_finite="allow-nan", dtype=float)
        check_classification_targets(y)
        self.classes_, target = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError(f"y has one class only ({self.classes_[0]!r}); a classifier needs "
                             "patients of at least 2 classes")
        self.blocks_ = resolve_modalities(self.modalities, X.shape[1],
                                          getattr(self, "feature_names_in_", None))
        self.mean_, self.scale_ = nan_standardise_fit(X)
        blocks, present = self._tensors(X)
        target = torch.as_tensor(target)
        with torch.random.fork_rng(devices=[]), single_thread():
            torch.manual_seed(self.random_state)
            self.network_ = ModalityFusionNet([len(c) for c in self.blocks_.values()],
                                              self.hidden, self.embed_dim, len(self.classes_),
                                              self.fusion).double()
            opt = torch.optim.Adam(self.network_.parameters(), lr=self.learning_rate,
                                   weight_decay=self.weight_decay, foreach=True)
            self.loss_curve_ = []
            for _ in range(self.max_epochs):
                keep = torch.rand(present.shape, dtype=torch.float64) >= self.modality_dropout
                mask = present & keep
                mask = torch.where(mask.any(dim=1, keepdim=True), mask, present)
                opt.zero_grad()
                loss = torch.nn.functional.cross_entropy(self.network_(blocks, mask), target)
                loss.backward()
                opt.step()
                self.loss_curve_.append(loss.item())
        self.network_.eval()
        return self

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, shape (n_samples, n_classes)."""
        import torch

        from ._torch_nets import single_thread

        check_is_fitted(self)
        X = validate_data(self, X, reset=False, ensure_all_finite="allow-nan", dtype=float)
        with torch.no_grad(), single_thread():
            logits = self.network_(*self._tensors(X))
            return torch.softmax(logits, dim=1).numpy()

    def embed(self, X) -> tuple[np.ndarray, np.ndarray]:
        """Joint embedding (n_samples, embed_dim) and each modality's weight (n_samples, n_modalities).

        Weights are 0 for a missing modality and sum to 1 per patient (equal for "mean").
        """
        import torch

        from ._torch_nets import single_thread

        check_is_fitted(self)
        X = validate_data(self, X, reset=False, ensure_all_finite="allow-nan", dtype=float)
        with torch.no_grad(), single_thread():
            joint, weights = self.network_.embed(*self._tensors(X))
        return joint.numpy(), weights.numpy()

    def predict(self, X) -> np.ndarray:
        """Predicted class labels."""
        check_is_fitted(self)
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def _tensors(self, X: np.ndarray):
        import torch

        Z = np.nan_to_num((X - self.mean_) / self.scale_, nan=0.0)
        blocks = [torch.as_tensor(np.ascontiguousarray(Z[:, c])) for c in self.blocks_.values()]
        present = torch.as_tensor(~missing_mask(X, self.blocks_))
        return blocks, present

    def __sklearn_tags__(self):
        return allow_nan_tags(super().__sklearn_tags__())
