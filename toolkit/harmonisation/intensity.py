"""MR intensity normalisation: put images from different scanners on one intensity scale.

MRI signal has no physical unit: the same brain gives different numbers on two scanners. A
model trained on one hospital's intensities then misreads another's. Two common fixes:
**z-score** (subtract the mean, divide by the SD inside a mask; fixes a linear scale and offset)
and **histogram matching** (map the intensity quantiles onto a reference image's; also fixes
non-linear differences in contrast).
"""
from __future__ import annotations

import numpy as np

__all__ = ["zscore_normalise", "histogram_match", "histogram_distance"]


def _values(image, mask) -> tuple[np.ndarray, np.ndarray]:
    image = np.asarray(image, dtype=float)
    if mask is None:
        mask = np.ones(image.shape, dtype=bool)
    mask = np.asarray(mask, dtype=bool)
    if mask.shape != image.shape:
        raise ValueError(f"mask must have the image's shape {image.shape}; got {mask.shape}")
    if not mask.any():
        raise ValueError("mask is empty: it selects no voxel")
    return image, mask


def zscore_normalise(image, mask=None) -> np.ndarray:
    """Subtract the mean and divide by the SD of the voxels inside ``mask`` (default: all voxels).

    Removes a scanner's linear gain and offset; the result is in SD units (no unit).

    Parameters
    ----------
    image : array (any shape), arbitrary units
    mask : bool array of the same shape, optional
        Usually the brain (or tissue) mask; background would dominate otherwise.

    Returns
    -------
    ndarray of float, same shape (voxels outside the mask are transformed the same way)

    Raises
    ------
    ValueError
        Mask of another shape, an empty mask, or zero SD inside the mask.

    Examples
    --------
    >>> zscore_normalise([2.0, 4.0, 6.0]).round(3).tolist()
    [-1.225, 0.0, 1.225]

    Taught in lesson 26.
    """
    image, mask = _values(image, mask)
    sd = image[mask].std()
    if sd == 0:
        raise ValueError("the image is constant inside the mask (SD 0); z-scores are undefined")
    return (image - image[mask].mean()) / sd


def histogram_match(image, reference, mask=None, reference_mask=None) -> np.ndarray:
    """Map the intensities inside ``mask`` so their histogram matches ``reference``'s.

    Uses :func:`skimage.exposure.match_histograms` on the masked voxels; voxels outside the
    mask are returned unchanged.

    Parameters
    ----------
    image, reference : arrays (shapes may differ)
    mask, reference_mask : bool arrays matching each image, optional

    Returns
    -------
    ndarray of float, shape of ``image``

    Raises
    ------
    ValueError
        A mask of the wrong shape or an empty mask.

    Examples
    --------
    >>> out = histogram_match([1.0, 2.0, 3.0, 4.0], [10.0, 20.0, 30.0, 40.0])
    >>> out.tolist()
    [10.0, 20.0, 30.0, 40.0]

    Taught in lesson 26.
    """
    from skimage.exposure import match_histograms

    image, mask = _values(image, mask)
    reference, reference_mask = _values(reference, reference_mask)
    out = image.copy()
    out[mask] = match_histograms(image[mask], reference[reference_mask])
    return out


def histogram_distance(a, b) -> float:
    """Wasserstein (earth mover's) distance between two sets of intensities, in their unit.

    How far, on average, intensities must move to turn one histogram into the other:
    0 = identical distributions.

    Examples
    --------
    >>> histogram_distance([0.0, 1.0], [1.0, 2.0])
    1.0

    Taught in lesson 26.
    """
    from scipy.stats import wasserstein_distance

    return float(wasserstein_distance(np.ravel(a), np.ravel(b)))
