"""First-order features: intensity statistics, intensity histogram, intensity-volume histogram,
and local intensity peaks (IBSI 3.2-3.5).

They ignore where voxels are, only which intensities occur: the mean HU of a tumour, how skewed
its histogram is, what fraction of it is brighter than a threshold.
"""
from __future__ import annotations

import numpy as np

from ._matrix import fft_convolve

__all__ = ["statistics", "histogram_features", "ivh_features", "local_peaks"]


def _moments(x: np.ndarray, prefix: str) -> dict:
    """Mean, variance, skewness, excess kurtosis, median, min, P10, P90, max, IQR, range,
    mean/robust/median absolute deviation, CoV and QCoD (shared by stat.* and ih.*)."""
    mean, var = x.mean(), x.var()
    centred = x - mean
    p10, p25, p75, p90 = np.percentile(x, [10, 25, 75, 90])
    median = np.median(x)
    robust = x[(x >= p10) & (x <= p90)]
    with np.errstate(divide="ignore", invalid="ignore"):
        values = {
            "mean": mean, "var": var,
            "skew": np.mean(centred ** 3) / var ** 1.5, "kurt": np.mean(centred ** 4) / var ** 2 - 3,
            "median": median, "min": x.min(), "P10": p10, "P90": p90, "max": x.max(),
            "iqr": p75 - p25, "range": x.max() - x.min(),
            "mad": np.abs(centred).mean(), "rmad": np.abs(robust - robust.mean()).mean(),
            "medad": np.abs(x - median).mean(), "cov": np.sqrt(var) / mean,
            "qcod": (p75 - p25) / (p75 + p25),
        }
    return {f"{prefix}.{k}": float(v) for k, v in values.items()}


def statistics(values: np.ndarray) -> dict:
    """The 18 IBSI intensity-based statistics of the ROI intensities (IBSI 3.3).

    Parameters
    ----------
    values : ndarray of float
        Intensities of the ROI voxels (e.g. HU).

    Returns
    -------
    dict of "stat.*" -> float
        Skewness, kurtosis and CoV are NaN for a constant ROI (undefined).

    Examples
    --------
    >>> s = statistics(np.array([1., 2., 3., 4.]))
    >>> s["stat.mean"], s["stat.var"], s["stat.energy"]
    (2.5, 1.25, 30.0)

    Taught in lesson 11.
    """
    x = np.asarray(values, float)
    out = _moments(x, "stat")
    out["stat.energy"] = float((x ** 2).sum())
    out["stat.rms"] = float(np.sqrt((x ** 2).mean()))
    return out


def histogram_features(levels: np.ndarray) -> dict:
    """The 23 IBSI intensity-histogram features of discretised grey levels (IBSI 3.4).

    Parameters
    ----------
    levels : ndarray of int
        Grey levels 1..Ng of the ROI voxels.

    Returns
    -------
    dict of "ih.*" -> float

    Examples
    --------
    >>> h = histogram_features(np.array([1, 1, 1, 2, 4]))
    >>> h["ih.mode"], h["ih.max.grad"], h["ih.min.grad.gl"]   # H = [3, 1, 0, 1]; gradient [-2, -1.5, 0, 1]
    (1.0, 1.0, 1.0)

    Taught in lesson 11.
    """
    x = np.asarray(levels)
    out = _moments(x.astype(float), "ih")
    counts = np.bincount(x, minlength=x.max() + 1)[1:]     # H(i) for i = 1..max
    p = counts / counts.sum()
    modes = np.flatnonzero(counts == counts.max()) + 1
    grad = np.gradient(counts.astype(float)) if len(counts) > 1 else np.zeros(1)
    out.update({
        "ih.mode": float(modes[np.argmin(np.abs(modes - x.mean()))]),
        "ih.entropy": float(-(p[p > 0] * np.log2(p[p > 0])).sum()),
        "ih.uniformity": float((p ** 2).sum()),
        "ih.max.grad": float(grad.max()), "ih.max.grad.gl": float(np.argmax(grad) + 1),
        "ih.min.grad": float(grad.min()), "ih.min.grad.gl": float(np.argmin(grad) + 1),
    })
    return out


def ivh_features(values: np.ndarray, low: float, high: float, step: float = 1.0) -> dict:
    """Intensity-volume histogram features: V10, V90, I10, I90 and their differences (IBSI 3.5).

    ``ivh.Vx`` is the fraction of the ROI volume with intensity fraction >= x (a dose-volume
    histogram for images); ``ivh.Ix`` the lowest intensity reached by at most a fraction x of
    the volume.

    Parameters
    ----------
    values : ndarray of float
        ROI intensities on a grid ``low, low + step, ...`` (integers, or discretised values).
    low, high : float
        The intensity range that maps to intensity fraction 0 and 1 (the re-segmentation
        range when there is one, else the ROI minimum and maximum).
    step : float
        Spacing of the intensity grid.

    Returns
    -------
    dict of "ivh.*" -> float

    Examples
    --------
    >>> f = ivh_features(np.array([1., 1., 2., 3., 4., 5., 6., 6., 6., 6.]), 1, 6)
    >>> f["ivh.V10"], f["ivh.I10"]      # 8/10 voxels are >= 1.5; >= 7 holds no voxel
    (0.8, 7.0)

    Taught in lesson 11.
    """
    x = np.sort(np.asarray(values, float))
    n = len(x)

    def volume_at(threshold):
        threshold = np.asarray(threshold, float)
        return (n - np.searchsorted(x, threshold - 1e-9 * np.maximum(1, np.abs(threshold)))) / n

    grid = np.arange(low, high + 2 * step - 1e-9, step)
    fraction = volume_at(grid)
    out = {}
    for q in (10, 90):
        out[f"ivh.V{q}"] = float(volume_at(low + q / 100 * (high - low)))
        out[f"ivh.I{q}"] = float(grid[np.argmax(fraction <= q / 100)])
    out["ivh.V10minusV90"] = out["ivh.V10"] - out["ivh.V90"]
    out["ivh.I10minusI90"] = out["ivh.I10"] - out["ivh.I90"]
    return out


def local_peaks(image: np.ndarray, mask: np.ndarray, spacing_mm: tuple) -> dict:
    """Local and global intensity peaks: mean intensity in a 1 cm^3 sphere (IBSI 3.2).

    The local peak sits on the brightest ROI voxel (PET's SUVpeak); the global peak is the
    highest such mean over all ROI voxels. Spheres use every image voxel, inside the ROI or not.

    Parameters
    ----------
    image : ndarray of float, shape (X, Y, Z)
    mask : ndarray of bool, same shape
    spacing_mm : tuple of 3 floats

    Returns
    -------
    dict with "loc.peak.local" and "loc.peak.global"

    Examples
    --------
    >>> img = np.zeros((9, 9, 9)); img[4, 4, 4] = 123.0
    >>> local_peaks(img, img > 0, (2.0, 2.0, 2.0))["loc.peak.local"]   # 123 / 123 voxels in the sphere
    1.0

    Taught in lesson 11.
    """
    radius = (3 / (4 * np.pi)) ** (1 / 3) * 10.0                 # mm; volume 1000 mm^3
    half = [int(radius // s) for s in spacing_mm]
    grids = np.meshgrid(*[np.arange(-h, h + 1) * s for h, s in zip(half, spacing_mm)], indexing="ij")
    sphere = (sum(g ** 2 for g in grids) <= radius ** 2 + 1e-9).astype(float)
    lo = np.maximum(np.argwhere(mask).min(axis=0) - half, 0)   # crop: ROI box + sphere margin
    hi = np.minimum(np.argwhere(mask).max(axis=0) + np.array(half) + 1, image.shape)
    box = tuple(slice(a, b) for a, b in zip(lo, hi))
    total = fft_convolve(image[box], sphere)
    count = fft_convolve(np.ones(total.shape), sphere)
    means = (total / np.rint(count))[mask[box]]
    values = image[box][mask[box]]
    return {"loc.peak.local": float(means[values == values.max()].max()),
            "loc.peak.global": float(means.max())}
