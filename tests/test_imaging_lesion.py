"""Simple lesion descriptors (toolkit.imaging.lesion_features): hand-checkable values, empty masks."""
from __future__ import annotations

import numpy as np
import pytest

from toolkit.imaging import lesion_features


def test_lesion_features_empty_mask_is_nan():
    img = np.ones((2, 6, 6, 6), np.float32)
    mask = np.zeros_like(img, dtype=np.uint8)
    mask[1, 2:4, 2:4, 2:4] = 1
    f = lesion_features(img, mask, (1.0, 1.0, 1.0))
    assert f.iloc[0].isna().all() and f.loc[1, "lesion_volume_mm3"] == 8
    assert f.loc[1, "surface_to_volume_per_mm"] == pytest.approx(24 / 8)
