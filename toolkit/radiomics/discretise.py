"""From raw intensities to the voxels that count and their grey levels.

Three IBSI steps (chapter 1, sections 2.5-2.7): re-segmentation by an intensity range,
outlier filtering (mean +/- 3 SD), and discretisation into grey levels 1..Ng by a fixed
bin size or a fixed bin number.
"""
from __future__ import annotations

import numpy as np

__all__ = ["resegment", "discretise"]


def resegment(image: np.ndarray, mask: np.ndarray, intensity_range: tuple | None = None,
              outlier_sd: float | None = None) -> np.ndarray:
    """The intensity mask: ROI voxels inside an intensity range and without outliers.

    In CT, re-segmenting to e.g. [-500, 400] HU removes air and bone from a lung tumour ROI.

    Parameters
    ----------
    image : ndarray of float
        Intensities (e.g. HU).
    mask : ndarray of bool, same shape
        The ROI (morphological mask).
    intensity_range : (low, high) or None
        Keep voxels with low <= intensity <= high; use ``np.inf`` for an open end.
    outlier_sd : float or None
        Then drop voxels outside mean +/- ``outlier_sd`` x SD of the ROI intensities.

    Returns
    -------
    ndarray of bool
        The intensity mask (a subset of ``mask``).

    Examples
    --------
    >>> resegment(np.array([-900., -100., 50., 800.]), np.ones(4, bool), (-500, 400)).tolist()
    [False, True, True, False]

    Taught in lesson 11.
    """
    keep = np.asarray(mask, bool).copy()
    if intensity_range is not None:
        low, high = intensity_range
        keep &= (image >= low) & (image <= high)
    if outlier_sd is not None and keep.any():
        values = image[keep]
        mean, sd = values.mean(), values.std()
        keep &= (image >= mean - outlier_sd * sd) & (image <= mean + outlier_sd * sd)
    return keep


def discretise(values: np.ndarray, method: str = "fixed_bin_size", bin_size: float = 25.0,
               n_bins: int = 32, lower: float | None = None) -> np.ndarray:
    """Grey levels 1..Ng from intensities: fixed bin size, fixed bin number, or none.

    Texture features count grey levels, so binning decides what "the same intensity" means.

    Parameters
    ----------
    values : ndarray of float
        Intensities of the ROI voxels.
    method : {"fixed_bin_size", "fixed_bin_number", "none"}
        ``fixed_bin_size``: level = floor((x - lower) / bin_size) + 1 (IBSI 2.7, lower = the
        re-segmentation lower bound, else the ROI minimum). ``fixed_bin_number``:
        level = floor(n_bins (x - min) / (max - min)) + 1, the maximum going to bin n_bins.
        ``none``: the values are already integer grey levels >= 1.
    bin_size : float
        Bin width in intensity units.
    n_bins : int
    lower : float or None
        Lower edge of the first bin for fixed bin size.

    Returns
    -------
    ndarray of int
        Grey levels (1-based).

    Raises
    ------
    ValueError
        For "none" when the values are not integers >= 1.

    Examples
    --------
    >>> discretise(np.array([-500., -476., -475., 399.]), bin_size=25, lower=-500).tolist()
    [1, 1, 2, 36]
    >>> discretise(np.array([0., 0.5, 1.]), "fixed_bin_number", n_bins=2).tolist()
    [1, 2, 2]

    Taught in lesson 11.
    """
    values = np.asarray(values, float)
    if method == "none":
        levels = np.rint(values)
        if values.size and (np.any(np.abs(levels - values) > 1e-6) or levels.min() < 1):
            raise ValueError("discretisation='none' expects integer grey levels >= 1; found "
                             f"values in [{values.min()}, {values.max()}]. Use fixed_bin_size "
                             "or fixed_bin_number instead.")
        return levels.astype(np.int64)
    if method == "fixed_bin_size":
        low = values.min() if lower is None or not np.isfinite(lower) else lower
        return (np.floor((values - low) / bin_size) + 1).astype(np.int64)
    if method == "fixed_bin_number":
        low, high = values.min(), values.max()
        if high == low:
            return np.ones(values.shape, np.int64)
        levels = np.floor(n_bins * (values - low) / (high - low)) + 1
        return np.minimum(levels, n_bins).astype(np.int64)
    raise ValueError(f"method must be one of ('none', 'fixed_bin_size', 'fixed_bin_number'); "
                     f"got {method!r}")
