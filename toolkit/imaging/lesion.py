"""Simple lesion descriptors from an image and a lesion mask (not full radiomics; see `toolkit.radiomics`)."""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import ndimage

__all__ = ["lesion_features", "LESION_COLUMNS"]

LESION_COLUMNS = ["lesion_volume_mm3", "lesion_to_brain_ratio", "lesion_cov", "edge_contrast",
                  "surface_to_volume_per_mm"]


def lesion_features(images, masks, spacing_mm) -> pd.DataFrame:
    """Five simple, scanner-robust lesion descriptors per patient (not full radiomics).

    Parameters
    ----------
    images : array (n_patients, X, Y, Z), arbitrary intensity units
    masks : array of 0/1, same shape (1 = lesion)
    spacing_mm : tuple of 3 floats

    Returns
    -------
    DataFrame, one row per patient
        ``lesion_volume_mm3``; ``lesion_to_brain_ratio`` (mean lesion intensity / median
        brain intensity outside the lesion); ``lesion_cov`` (intensity SD / mean inside the
        lesion: heterogeneity); ``edge_contrast`` (mean of the lesion's outer voxel layer minus
        the layer just outside it, / brain median: sharpness of the margin); ``surface_to_volume_per_mm``.
        NaN for a patient with an empty mask.

    Examples
    --------
    >>> img = np.ones((1, 9, 9, 9), np.float32) * 100
    >>> mask = np.zeros_like(img, dtype=np.uint8)
    >>> mask[0, 3:6, 3:6, 3:6] = 1
    >>> img[mask == 1] = 150
    >>> f = lesion_features(img, mask, (2.0, 2.0, 2.0))
    >>> f[["lesion_volume_mm3", "lesion_to_brain_ratio", "edge_contrast"]].values.tolist()
    [[216.0, 1.5, 0.5]]

    Taught in lesson 13.
    """
    voxel_mm3 = float(np.prod(spacing_mm))
    rows = []
    for img, mask in zip(np.asarray(images), np.asarray(masks).astype(bool)):
        if not mask.any():
            rows.append(dict.fromkeys(LESION_COLUMNS, np.nan))
            continue
        outside = ndimage.binary_dilation(mask) & ~mask
        inner = mask & ~ndimage.binary_erosion(mask)
        background = img[~mask]
        brain_median = float(np.median(background[background > 0.1 * img.max()]))
        lesion = img[mask]
        faces = sum(np.abs(np.diff(mask.astype(np.int8), axis=a)).sum() * voxel_mm3 / s
                    for a, s in enumerate(spacing_mm))
        rows.append({"lesion_volume_mm3": mask.sum() * voxel_mm3,
                     "lesion_to_brain_ratio": lesion.mean() / brain_median,
                     "lesion_cov": lesion.std() / lesion.mean(),
                     "edge_contrast": (img[inner].mean() - img[outside].mean()) / brain_median,
                     "surface_to_volume_per_mm": faces / (mask.sum() * voxel_mm3)})
    return pd.DataFrame(rows, columns=LESION_COLUMNS).astype(float)
