"""`extract`: one call from an image and a mask to every IBSI feature, as a pandas Series.

Feature names are the IBSI symbols (``morph.vol``, ``stat.mean``, ``cm.joint.max``). Texture
features add the aggregation after a dot, from `AGGREGATIONS` in `settings`:
``cm.joint.max.2D_avg``, ``.2D_slice_merged``, ``.2.5D_direction_merged``, ``.2.5D_merged``,
``.3D_avg``, ``.3D_merged`` (GLCM, GLRLM) and ``szm.sze.2D``, ``.2.5D``, ``.3D`` (GLSZM, GLDZM,
NGTDM, NGLDM). Arrays are (x, y, z) with 2D slices along z, as nibabel loads a NIfTI file.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from .discretise import discretise, resegment
from .gldzm import gldzm_family
from .glcm import glcm_family
from .glrlm import glrlm_family
from .glszm import glszm_family
from .intensity import histogram_features, ivh_features, local_peaks, statistics
from .morphology import morphology
from .ngldm import ngldm_family
from .ngtdm import ngtdm_family
from .resample import resample
from .settings import Settings

__all__ = ["extract", "prepare"]


def _unwrap(obj, name: str) -> tuple[np.ndarray, tuple | None]:
    """An array and its spacing from a plain array or a Volume-like object (``.array``, ``.spacing``)."""
    if hasattr(obj, "array"):
        spacing = getattr(obj, "spacing", None) or getattr(obj, "spacing_mm", None)
        return np.asarray(obj.array), None if spacing is None else tuple(float(s) for s in spacing)
    if obj is None:
        raise ValueError(f"{name} is missing; pass a 3D array or a Volume")
    return np.asarray(obj), None


def _validate(image, mask, spacing) -> tuple[np.ndarray, np.ndarray, tuple]:
    img, img_spacing = _unwrap(image, "image")
    msk, msk_spacing = _unwrap(mask, "mask")
    if img.ndim == 2:
        img = img[:, :, None]
    if msk.ndim == 2:
        msk = msk[:, :, None]
    if img.ndim != 3:
        raise ValueError(f"image must be 3D (x, y, z); got shape {img.shape}")
    if img.shape != msk.shape:
        raise ValueError(f"mask shape {msk.shape} does not match image shape {img.shape}; "
                         "resample the mask onto the image grid first")
    given = [s for s in (spacing, img_spacing, msk_spacing) if s is not None]
    if not given:
        raise ValueError("spacing is missing: pass spacing=(x, y, z) in mm or Volume objects")
    ref = tuple(float(s) for s in given[0])
    for other in given[1:]:
        if len(other) != 3 or not np.allclose(other, ref, rtol=1e-4):
            raise ValueError(f"spacing mismatch: expected {ref} mm; found {tuple(other)} mm "
                             "between image, mask and spacing=; resample one onto the other")
    if len(ref) != 3 or min(ref) <= 0:
        raise ValueError(f"spacing must be 3 positive numbers in mm; got {ref}")
    if not np.isin(np.unique(msk), [0, 1]).all():
        raise ValueError(f"mask must hold only 0 and 1; found values {np.unique(msk)[:6].tolist()}. "
                         "For a label map pass mask == label; for a probability map, mask >= 0.5.")
    if not msk.any():
        raise ValueError("mask is empty: no voxel is inside the region of interest")
    if not np.isfinite(img[msk.astype(bool)]).all():
        raise ValueError("image has NaN or infinite values inside the mask")
    return img.astype(float), msk.astype(bool), ref


def prepare(image, mask, spacing=None, settings: Settings | None = None) -> dict:
    """Apply the IBSI processing steps: resample, round, crop, re-segment, discretise.

    Parameters
    ----------
    image, mask : ndarray (x, y, z) or Volume
    spacing : tuple of 3 floats in mm, or None when Volumes carry it
    settings : Settings

    Returns
    -------
    dict with ``image`` (float, cropped to the ROI box), ``mask`` (morphological), ``intensity_mask``,
    ``levels`` (grey levels, 0 outside the intensity mask), ``n_levels``, ``spacing``, and the
    uncropped ``full_image``/``full_mask`` (for local intensity).

    Raises
    ------
    ValueError
        Empty mask, shape or spacing mismatch, or no voxel left after re-segmentation.

    Examples
    --------
    >>> p = prepare(np.array([[[1., 5.], [9., 2.]]]), np.ones((1, 2, 2)), (1, 1, 1),
    ...             Settings(discretisation="fixed_bin_number", n_bins=2))
    >>> p["levels"].ravel().tolist()
    [1, 2, 2, 1]

    Taught in lesson 11.
    """
    s = settings or Settings()
    img, msk, spacing = _validate(image, mask, spacing)
    if s.spacing_mm is not None:
        img, msk, spacing = resample(img, msk, spacing, s.spacing_mm, s.interpolation,
                                     s.round_intensities, s.mask_threshold)
        if not msk.any():
            raise ValueError(f"mask is empty after resampling to {s.spacing_mm} mm; the ROI is "
                             "smaller than one new voxel. Use a finer spacing_mm.")
    elif s.round_intensities:
        img = np.rint(img)
    full_image, full_mask = img, msk
    lo, hi = np.argwhere(msk).min(axis=0), np.argwhere(msk).max(axis=0) + 1
    box = tuple(slice(a, b) for a, b in zip(lo, hi))
    img, msk = img[box], msk[box]
    imask = resegment(img, msk, s.resegment_range, s.outlier_sd)
    if not imask.any():
        raise ValueError(f"no ROI voxel is left after re-segmentation to {s.resegment_range} "
                         f"(ROI intensities span [{img[msk].min()}, {img[msk].max()}]); widen the range")
    lower = s.resegment_range[0] if s.resegment_range is not None else None
    levels = np.zeros(img.shape, np.int64)
    levels[imask] = discretise(img[imask], s.discretisation, s.bin_size, s.n_bins, lower)
    return {"image": img, "mask": msk, "intensity_mask": imask, "levels": levels,
            "n_levels": int(levels.max()), "spacing": spacing,
            "full_image": full_image, "full_mask": full_mask, "box": box}


def _ivh(values: np.ndarray, s: Settings) -> dict:
    """IVH on the intensity grid the settings ask for (IBSI 3.5)."""
    low, high = values.min(), values.max()
    if s.resegment_range is not None and np.isfinite(s.resegment_range).all():
        low, high = s.resegment_range
    if s.ivh_discretisation == "none":
        return ivh_features(values, low, high, 1.0)
    if s.ivh_discretisation == "fixed_bin_size":
        w = s.ivh_bin_size
        centres = low + (discretise(values, "fixed_bin_size", w, lower=low) - 0.5) * w
        return ivh_features(centres, low + 0.5 * w, low + (np.floor((high - low) / w) + 0.5) * w, w)
    levels = discretise(values, "fixed_bin_number", n_bins=s.ivh_n_bins)
    return ivh_features(levels.astype(float), 1, s.ivh_n_bins, 1.0)


def extract(image, mask, spacing=None, settings: Settings | None = None) -> pd.Series:
    """Compute IBSI radiomics features of a region of interest.

    Turns a tumour outline on a scan into numbers (volume, sphericity, mean HU, texture) that
    can enter a model; the settings make the numbers reproducible.

    Parameters
    ----------
    image : ndarray of float, shape (X, Y, Z), or Volume
        Intensities (HU for CT). Axis order (x, y, z), slices along z (nibabel order).
    mask : ndarray of 0/1 or bool, same shape, or Volume
        The region of interest.
    spacing : tuple of 3 floats, optional
        Voxel size (x, y, z) in mm; taken from Volume objects when they carry it.
    settings : Settings, optional
        Processing and feature choices; `preset("config_A")` etc. for the IBSI ones.

    Returns
    -------
    pandas.Series
        Indexed by IBSI symbol; texture features carry an aggregation suffix (see module
        docstring). Units: mm, mm^2, mm^3, image intensity units, grey levels.

    Raises
    ------
    ValueError
        Missing spacing, shape or spacing mismatch, non-binary or empty mask, nothing left
        after re-segmentation.

    Warns
    -----
    UserWarning
        Listing features that are undefined for this ROI (NaN), e.g. skewness of a constant ROI.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> img = rng.normal(40, 10, (12, 12, 6))
    >>> roi = np.zeros(img.shape, bool); roi[3:9, 3:9, 1:5] = True
    >>> f = extract(img, roi, (1.0, 1.0, 2.0), Settings(bin_size=5))
    >>> float(f["morph.approx.vol"]), len(f) > 400      # 6 x 6 x 4 voxels of 2 mm^3
    (288.0, True)

    Taught in lesson 11.
    """
    s = settings or Settings()
    p = prepare(image, mask, spacing, s)
    img, msk, imask, lev, ng = p["image"], p["mask"], p["intensity_mask"], p["levels"], p["n_levels"]
    values, fam, dims = img[imask], set(s.families), s.dimensions
    out = {}
    with np.errstate(divide="ignore", invalid="ignore"):
        if "morph" in fam:
            out.update(morphology(msk, p["spacing"], img, imask, s.spatial_autocorrelation))
        if "loc" in fam:
            out.update(local_peaks(p["full_image"], _full(imask, p), p["spacing"]))
        if "stat" in fam:
            out.update(statistics(values))
        if "ih" in fam:
            out.update(histogram_features(lev[imask]))
        if "ivh" in fam:
            out.update(_ivh(values, s))
        families = {"cm": glcm_family, "rlm": glrlm_family, "szm": glszm_family,
                    "ngt": ngtdm_family}
        for name, func in families.items():
            if name in fam:
                out.update(func(lev, ng, dims))
        if "dzm" in fam:
            out.update(gldzm_family(lev, ng, dims, mask=msk))
        if "ngl" in fam:
            out.update(ngldm_family(lev, ng, dims, s.ngldm_alpha))
    result = pd.Series(out, name="value", dtype=float)
    undefined = result.index[result.isna()]
    if len(undefined):
        warnings.warn(f"{len(undefined)} feature(s) are undefined for this ROI and set to NaN "
                      f"(e.g. {', '.join(undefined[:4])}); typical causes: constant intensity, "
                      "a single voxel, or a slice without neighbours.", UserWarning, stacklevel=2)
    return result


def _full(cropped: np.ndarray, p: dict) -> np.ndarray:
    """Put a cropped mask back on the full grid."""
    full = np.zeros(p["full_mask"].shape, bool)
    full[p["box"]] = cropped
    return full
