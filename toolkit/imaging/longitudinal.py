"""Simulate a second scan with a grown lesion, to practise measuring change (numpy only).

The cohort has one time point per patient; `grow_lesion` makes a follow-up scan with a known
true change in volume, so measured change can be compared against the truth.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
from scipy import ndimage

__all__ = ["grow_lesion"]


def grow_lesion(image: np.ndarray, mask: np.ndarray, grow_mm: float,
                spacing_mm: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    """Follow-up scan: the lesion grows outward by ``grow_mm`` in every direction.

    A SYNTHETIC time point 2 for teaching volumetry: the true change is known exactly.

    Parameters
    ----------
    image : ndarray, shape (X, Y, Z), one patient's scan
    mask : ndarray of 0/1, same shape, the lesion at time point 1
    grow_mm : float, >= 0
        Growth of the margin in mm (voxels within this distance of the lesion join it).
    spacing_mm : sequence of 3 float

    Returns
    -------
    (image2, mask2) : float32 image and uint8 mask at time point 2. Voxels of the new lesion
        within ``grow_mm`` of its edge copy the intensity of the nearest voxel of the old lesion's
        interior (deeper than ``grow_mm``), so the old blurred margin does not stay inside the
        lesion. The new edge is sharper than a real one: an idealised follow-up.

    Raises
    ------
    ValueError
        If ``grow_mm`` is negative or the mask is empty.

    Examples
    --------
    >>> img = np.full((9, 9, 9), 90.0); m = np.zeros((9, 9, 9), np.uint8); m[4, 4, 4] = 1; img[4, 4, 4] = 40
    >>> img2, m2 = grow_lesion(img, m, grow_mm=1.0, spacing_mm=(1, 1, 1))
    >>> int(m2.sum()), float(img2[4, 4, 5])          # the voxel and its 6 face neighbours
    (7, 40.0)

    Taught in lesson 10.
    """
    m = np.asarray(mask) > 0
    if grow_mm < 0:
        raise ValueError(f"grow_mm must be >= 0 (mm of growth); got {grow_mm}.")
    if not m.any():
        raise ValueError("mask is empty: there is no lesion to grow.")
    spacing = np.asarray(spacing_mm, dtype=float)
    mask2 = m | (ndimage.distance_transform_edt(~m, sampling=spacing) <= grow_mm)
    depth = ndimage.distance_transform_edt(m, sampling=spacing)        # mm inside the old lesion
    core = depth > grow_mm                                             # its interior, away from the margin
    core = core if core.any() else depth == depth.max()
    _, nearest = ndimage.distance_transform_edt(~core, sampling=spacing, return_indices=True)
    shell = mask2 & ~core                                              # old margin + new ring
    image2 = np.array(image, dtype=np.float32)
    image2[shell] = image2[tuple(nearest[:, shell])]
    return image2, mask2.astype(np.uint8)
