"""Shared plumbing for the fusion estimators: modality column blocks and missing-modality masks."""
from __future__ import annotations

import numpy as np


def resolve_modalities(modalities, n_features: int, feature_names=None) -> dict[str, np.ndarray]:
    """Turn ``{name: columns}`` into ``{name: integer column positions}``.

    ``None`` means one block "all" holding every column. Columns are names (when X was a
    DataFrame) or integer positions.
    """
    if modalities is None:
        return {"all": np.arange(n_features)}
    if not isinstance(modalities, dict) or not modalities:
        raise ValueError("modalities must be a non-empty dict {name: list of columns}, e.g. "
                         f"{{'genomic': ['prs'], 'imaging': ['volume_mm3']}}; got {modalities!r}")
    names = None if feature_names is None else {str(c): i for i, c in enumerate(feature_names)}
    blocks = {}
    for modality, columns in modalities.items():
        columns = [columns] if isinstance(columns, (str, int, np.integer)) else list(columns)
        if not columns:
            raise ValueError(f"modality {modality!r} has no columns; give at least one")
        positions = []
        for c in columns:
            if isinstance(c, (int, np.integer)) and not isinstance(c, bool):
                if not 0 <= c < n_features:
                    raise ValueError(f"column {c} of modality {modality!r} is out of range; "
                                     f"X has {n_features} columns")
                positions.append(int(c))
            elif names is not None and str(c) in names:
                positions.append(names[str(c)])
            else:
                hint = ("X has no column names; pass a DataFrame or integer positions"
                        if names is None else f"X has columns {list(names)[:8]}...")
                raise ValueError(f"column {c!r} of modality {modality!r} is not in X; {hint}")
        blocks[str(modality)] = np.array(positions, dtype=int)
    return blocks


def missing_mask(X: np.ndarray, blocks: dict[str, np.ndarray]) -> np.ndarray:
    """Boolean (n_samples, n_modalities): True where a patient's whole block is NaN."""
    return np.column_stack([np.isnan(X[:, cols]).all(axis=1) for cols in blocks.values()])


def nan_standardise_fit(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Column means and standard deviations ignoring NaN (0 and 1 for empty or constant columns)."""
    observed = ~np.isnan(X)
    count = observed.sum(axis=0)
    filled = np.where(observed, X, 0.0)
    mean = np.divide(filled.sum(axis=0), count, out=np.zeros(X.shape[1]), where=count > 0)
    var = np.divide((np.where(observed, X - mean, 0.0) ** 2).sum(axis=0), count,
                    out=np.zeros(X.shape[1]), where=count > 0)
    sd = np.sqrt(var)
    return mean, np.where(sd > 1e-12, sd, 1.0)


def fuse_blocks(X: np.ndarray, mean, scale, blocks: dict, block_scaling: bool = True) -> np.ndarray:
    """Standardise, set NaN to 0 (the mean), weight each block by 1/sqrt(columns), add missing flags."""
    Z = np.nan_to_num((X - mean) / scale, nan=0.0)
    parts = [Z[:, cols] / (np.sqrt(len(cols)) if block_scaling else 1.0)
             for cols in blocks.values()]
    parts.append(missing_mask(X, blocks).astype(float))
    return np.hstack(parts)


def allow_nan_tags(tags):
    """Declare that the estimator accepts NaN (a missing modality) but not infinity."""
    tags.input_tags.allow_nan = True
    return tags
