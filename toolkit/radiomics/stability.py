"""Is a radiomics feature stable? Synthetic lesions, perturbations, and the ICC.

A feature that changes when a second reader draws the outline a voxel wider, or when the scan
is a little noisier, cannot be a reliable biomarker. We perturb the mask and the image, extract
the features again, and summarise agreement with the intraclass correlation coefficient (ICC).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import ndimage

from .._utils.validation import check_one_of

__all__ = ["make_lesion", "perturb", "icc", "feature_icc"]


def make_lesion(radius_mm: float = 12.0, heterogeneity: float = 1.0, spacing_mm: tuple = (1.0, 1.0, 2.0),
                random_state: int | None = 0) -> tuple[np.ndarray, np.ndarray]:
    """A synthetic CT-like lesion: a lumpy ellipsoid in soft tissue (SYNTHETIC).

    Parameters
    ----------
    radius_mm : float
        Mean radius of the lesion.
    heterogeneity : float
        Standard deviation (in units of 20 HU) of the smooth texture inside the lesion.
    spacing_mm : tuple of 3 floats
    random_state : int or None

    Returns
    -------
    image : ndarray of float, HU, shape about 3 x radius / spacing per axis
    mask : ndarray of bool
        The true lesion outline.

    Examples
    --------
    >>> img, roi = make_lesion(radius_mm=6, random_state=1)
    >>> img.shape, bool(roi.any())
    ((18, 18, 9), True)

    Taught in lesson 11.
    """
    rng = np.random.default_rng(random_state)
    spacing = np.asarray(spacing_mm, float)
    shape = tuple(int(np.ceil(3 * radius_mm / s)) for s in spacing)
    coords = np.meshgrid(*[(np.arange(n) - (n - 1) / 2) * s for n, s in zip(shape, spacing)], indexing="ij")
    axes = radius_mm * rng.uniform(0.8, 1.2, 3)
    bumps = ndimage.gaussian_filter(rng.normal(0, 1, shape), 3 / spacing) * 4
    inside = sum((c / a) ** 2 for c, a in zip(coords, axes)) + 0.15 * bumps <= 1
    texture = ndimage.gaussian_filter(rng.normal(0, 1, shape), 1.5 / spacing)
    texture /= texture.std()
    image = np.where(inside, 40 + 20 * heterogeneity * texture, 0 + 5 * rng.normal(0, 1, shape))
    image = image + rng.normal(0, 8, shape)                        # scanner noise, HU
    return image, inside


def perturb(image: np.ndarray, mask: np.ndarray, kind: str, random_state: int | None = 0,
            noise_hu: float = 10.0) -> tuple[np.ndarray, np.ndarray]:
    """One perturbed copy of an image and mask, as a second reader or a second scan would give.

    Parameters
    ----------
    image, mask : ndarrays of the same shape
    kind : {"dilate", "erode", "noise", "none"}
        Grow or shrink the outline by one voxel in-plane, or add Gaussian noise of ``noise_hu``.
    random_state : int or None
    noise_hu : float

    Returns
    -------
    image, mask

    Raises
    ------
    ValueError
        Unknown ``kind``.

    Examples
    --------
    >>> img, roi = make_lesion(radius_mm=6, random_state=1)
    >>> int(perturb(img, roi, "dilate")[1].sum()) > int(roi.sum())
    True

    Taught in lesson 11.
    """
    in_plane = np.zeros((3, 3, 3), bool)
    in_plane[:, :, 1] = ndimage.generate_binary_structure(2, 1)
    if kind == "dilate":
        return image, ndimage.binary_dilation(mask, in_plane)
    if kind == "erode":
        eroded = ndimage.binary_erosion(mask, in_plane)
        return image, eroded if eroded.any() else mask
    if kind == "noise":
        rng = np.random.default_rng(random_state)
        return image + rng.normal(0, noise_hu, image.shape), mask
    if kind == "none":
        return image, mask
    raise ValueError(f"kind must be one of ('dilate', 'erode', 'noise', 'none'); got {kind!r}")


def icc(ratings, kind: str = "2,1") -> float:
    """Intraclass correlation coefficient of ``n_subjects x k`` repeated measurements.

    ICC(2,1), the default: absolute agreement of single measurements (two-way random; McGraw & Wong's
    ICC(A,1)), which also penalises a systematic shift between repeats, as a test-retest or
    perturbation study needs (Koo & Li 2016). ICC(3,1): consistency only (two-way mixed), blind to a
    constant shift (Shrout & Fleiss 1979). Radiomics studies often keep features with ICC >= 0.75 or 0.9.

    Parameters
    ----------
    ratings : array, shape (n_subjects, k)
        One row per lesion, one column per repeat (reader, perturbation, scan).
    kind : {"2,1", "3,1"}

    Returns
    -------
    float
        NaN (with a warning) when all subjects have the same value.

    Raises
    ------
    ValueError
        Fewer than 2 subjects or 2 repeats, missing values, or unknown ``kind``.

    Examples
    --------
    >>> sf = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]
    >>> round(icc(sf, "3,1"), 2), round(icc(sf, "2,1"), 2)    # Shrout & Fleiss, Table 4
    (0.71, 0.29)

    Taught in lesson 11.
    """
    x = np.asarray(ratings, float)
    check_one_of("kind", kind, ("3,1", "2,1"))
    if x.ndim != 2 or x.shape[0] < 2 or x.shape[1] < 2:
        raise ValueError(f"ratings must have shape (n_subjects >= 2, k >= 2); got {x.shape}")
    if not np.isfinite(x).all():
        raise ValueError("ratings contain NaN or infinite values; drop those subjects first")
    n, k = x.shape
    grand = x.mean()
    ms_rows = k * ((x.mean(axis=1) - grand) ** 2).sum() / (n - 1)
    ms_cols = n * ((x.mean(axis=0) - grand) ** 2).sum() / (k - 1)
    resid = x - x.mean(axis=1, keepdims=True) - x.mean(axis=0, keepdims=True) + grand
    ms_err = (resid ** 2).sum() / ((n - 1) * (k - 1))
    denom = ms_rows + (k - 1) * ms_err
    if kind == "2,1":
        denom += k * (ms_cols - ms_err) / n
    if denom == 0:
        import warnings

        warnings.warn("ICC is undefined: every subject has the same value", UserWarning, stacklevel=2)
        return float("nan")
    return float((ms_rows - ms_err) / denom)


def feature_icc(tables: list[pd.DataFrame], kind: str = "2,1") -> pd.Series:
    """ICC of every feature across repeated extractions.

    Parameters
    ----------
    tables : list of DataFrames
        One per repeat (e.g. original, dilated, eroded, noisy), each lesions x features, same
        index and columns.
    kind : {"2,1", "3,1"}
        Absolute agreement (default) or consistency; see :func:`icc`.

    Returns
    -------
    pandas.Series
        ICC per feature (features with NaN values or no spread are left out), highest first.

    Examples
    --------
    >>> a = pd.DataFrame({"f": [1.0, 2.0, 3.0]}); b = a + 0.1
    >>> round(float(feature_icc([a, b], kind="3,1")["f"]), 6)  # consistency ignores a constant shift
    1.0
    >>> round(float(feature_icc([a, b])["f"]), 3)                # absolute agreement penalises it
    0.99

    Taught in lesson 11.
    """
    stacked = np.stack([t.to_numpy(float) for t in tables], axis=2)     # lesions x features x repeats
    out = {}
    for j, name in enumerate(tables[0].columns):
        values = stacked[:, j, :]
        if np.isfinite(values).all() and values.std() > 0:
            out[name] = icc(values, kind)
    return pd.Series(out, name=f"ICC({kind})").sort_values(ascending=False)
