"""Argument checks shared by the liquid-biopsy modules (clear messages for learners).
"""
from __future__ import annotations

from typing import Any

import numpy as np

__all__ = []


def _as_fraction(value: Any, name: str) -> np.ndarray:
    arr = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(arr)) or np.any((arr < 0) | (arr > 1)):
        bad = arr[~(np.isfinite(arr) & (arr >= 0) & (arr <= 1))].ravel()[0]
        raise ValueError(f"{name} must be a fraction between 0 and 1; got {bad:g}. "
                         f"Write 1 % as 0.01, not 1.")
    return arr


def _as_count(value: Any, name: str, minimum: int = 0) -> np.ndarray:
    arr = np.asarray(value)
    if arr.dtype.kind not in "iuf" or not np.all(np.isfinite(arr)) or np.any(arr < minimum) \
            or np.any(arr != np.round(arr)):
        raise ValueError(f"{name} must be a whole number >= {minimum} (a count of molecules or "
                         f"sites); got {value!r}.")
    return arr.astype(np.int64)


def _as_error_rate(value: Any) -> float:
    rate = float(value)
    if not 0 <= rate < 0.5:
        raise ValueError(f"error_rate must be in [0, 0.5) (a per-base probability such as 1e-3); "
                         f"got {value!r}.")
    return rate


def _as_probability(value: Any, name: str) -> float:
    p = float(value)
    if not 0 < p < 1:
        raise ValueError(f"{name} must be strictly between 0 and 1; got {value!r}.")
    return p
