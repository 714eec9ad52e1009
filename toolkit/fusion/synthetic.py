"""A SYNTHETIC multimodal table with a known truth, for testing and teaching fusion."""
from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["make_multimodal"]


def make_multimodal(n_samples: int = 400, signal: dict | None = None, n_features: int = 5,
                    n_informative: int = 2, missing_fraction: float = 0.0,
                    random_state: int = 0) -> tuple[pd.DataFrame, pd.Series, dict]:
    """Simulate patients with several modalities, each carrying a chosen amount of signal.

    Every feature is standard normal. The outcome's log-odds are the sum over modalities of
    ``signal[m]`` times the (unit-variance) mean of that modality's first ``n_informative``
    features, so you know which modality should help and by how much.

    Parameters
    ----------
    n_samples : int, default 400
        Patients.
    signal : dict ``{modality: log odds ratio per SD}``, default
        ``{"genomic": 1.0, "imaging": 1.0, "clinical": 0.0}`` (clinical = pure noise).
    n_features : int, default 5
        Columns per modality, named ``<modality>_0``, ``<modality>_1``, ...
    n_informative : int, default 2
        How many of them carry the modality's signal (the rest are noise).
    missing_fraction : float, default 0.0
        Fraction of patients missing each modality except the first (whole block NaN,
        completely at random).
    random_state : int, default 0

    Returns
    -------
    X : DataFrame (n_samples, n_modalities * n_features), index ``patient_id``
    y : Series of 0/1
    modalities : dict ``{modality: list of column names}``

    Raises
    ------
    ValueError
        If ``n_informative`` exceeds ``n_features`` or ``missing_fraction`` is not in [0, 1).

    Examples
    --------
    >>> X, y, modalities = make_multimodal(n_samples=6)
    >>> X.shape, list(modalities)
    ((6, 15), ['genomic', 'imaging', 'clinical'])

    Taught in lesson 13.
    """
    signal = {"genomic": 1.0, "imaging": 1.0, "clinical": 0.0} if signal is None else signal
    if not 0 < n_informative <= n_features:
        raise ValueError(f"n_informative must be between 1 and n_features={n_features}; "
                         f"got {n_informative}")
    if not 0 <= missing_fraction < 1:
        raise ValueError(f"missing_fraction must be in [0, 1); got {missing_fraction}")
    rng = np.random.default_rng(random_state)
    blocks, modalities, logit = [], {}, np.zeros(n_samples)
    for j, (name, beta) in enumerate(signal.items()):
        block = rng.normal(size=(n_samples, n_features))
        logit += beta * block[:, :n_informative].sum(axis=1) / np.sqrt(n_informative)
        if j > 0 and missing_fraction > 0:
            block[rng.random(n_samples) < missing_fraction] = np.nan
        modalities[name] = [f"{name}_{i}" for i in range(n_features)]
        blocks.append(pd.DataFrame(block, columns=modalities[name]))
    index = pd.Index([f"P{i:04d}" for i in range(1, n_samples + 1)], name="patient_id")
    X = pd.concat(blocks, axis=1).set_index(index)
    y = pd.Series((rng.random(n_samples) < 1 / (1 + np.exp(-logit))).astype(int), index=index,
                  name="outcome")
    return X, y, modalities
