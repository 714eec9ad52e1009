"""Processing settings for radiomics, and the named IBSI configurations.

A radiomics number is only reproducible when the processing before it is written down:
resampling, which voxels count (re-segmentation), and how intensities are binned
(discretisation). `Settings` holds exactly those choices; `preset` returns the ones the
IBSI used for its reference values (Zwanenburg et al., Radiology 2020;295:328).
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from .._utils.validation import check_one_of

__all__ = ["Settings", "preset", "PRESETS", "AGGREGATIONS"]

#: Reference-table aggregation label -> suffix of the feature name in `extract`'s output.
#: GLCM/GLRLM have six aggregations, zone and neighbourhood matrices three.
AGGREGATIONS = {
    "2D, averaged": "2D_avg",                    # one matrix per slice and direction; mean of features
    "2D, slice-merged": "2D_slice_merged",       # per slice, its 4 directions summed; mean over slices
    "2.5D, direction-merged": "2.5D_direction_merged",  # per direction, slices summed; mean over directions
    "2.5D, merged": "2.5D_merged",               # all slices and in-plane directions summed
    "3D, averaged": "3D_avg",                    # one matrix per 3D direction; mean of features
    "3D, merged": "3D_merged",                   # all 13 directions summed
    "2D": "2D",                                  # one matrix per slice; mean of features
    "2.5D": "2.5D",                              # slice matrices summed
    "3D": "3D",                                  # one matrix for the volume
}

_DISCRETISATIONS = ("none", "fixed_bin_size", "fixed_bin_number")
_INTERPOLATIONS = ("linear", "cubic")
_FAMILIES = ("morph", "loc", "stat", "ih", "ivh", "cm", "rlm", "szm", "dzm", "ngt", "ngl")


@dataclass(frozen=True)
class Settings:
    """How to prepare an image and mask before computing features (IBSI chapter 1, section 2).

    Parameters
    ----------
    spacing_mm : tuple of 3 floats or None, default None
        Resample to this voxel spacing (x, y, z) in mm; ``None`` keeps the image grid. An entry
        of ``None`` keeps that axis (IBSI configuration B resamples in-plane only).
    interpolation : {"linear", "cubic"}, default "linear"
        Image interpolation (bi/trilinear or tricubic spline). The mask is always interpolated
        linearly and kept where the interpolated value >= ``mask_threshold``.
    round_intensities : bool, default False
        Round intensities to integers after interpolation (CT in HU: True).
    mask_threshold : float, default 0.5
        Partial-volume threshold for the interpolated mask.
    resegment_range : (float, float) or None, default None
        Keep only ROI voxels with intensity in [low, high] (e.g. HU [-500, 400]).
    outlier_sd : float or None, default None
        Also drop ROI voxels outside mean +/- ``outlier_sd`` standard deviations (IBSI: 3).
    discretisation : {"none", "fixed_bin_size", "fixed_bin_number"}, default "fixed_bin_size"
        How intensities become grey levels 1..Ng for histogram and texture features.
    bin_size : float, default 25.0
        Bin width (intensity units) for fixed bin size.
    n_bins : int, default 32
        Number of bins for fixed bin number.
    ivh_discretisation, ivh_bin_size, ivh_n_bins
        The same three choices for the intensity-volume histogram (IBSI: often "none").
    dimensions : tuple of {"2D", "2.5D", "3D"}, default all three
        Which texture aggregations to compute; 2D slices are the last array axis (z).
    families : tuple of str, default all
        Feature families to compute: morph, loc, stat, ih, ivh, cm, rlm, szm, dzm, ngt, ngl.
    ngldm_alpha : int, default 0
        Grey-level tolerance of the NGLDM dependence.
    spatial_autocorrelation : bool, default True
        Compute Moran's I and Geary's C (an FFT over the ROI box; the slowest shape features).

    Examples
    --------
    >>> s = Settings(discretisation="fixed_bin_number", n_bins=16)
    >>> s.n_bins, s.dimensions
    (16, ('2D', '2.5D', '3D'))

    Taught in lesson 11.
    """

    spacing_mm: tuple | None = None
    interpolation: str = "linear"
    round_intensities: bool = False
    mask_threshold: float = 0.5
    resegment_range: tuple | None = None
    outlier_sd: float | None = None
    discretisation: str = "fixed_bin_size"
    bin_size: float = 25.0
    n_bins: int = 32
    ivh_discretisation: str = "none"
    ivh_bin_size: float = 1.0
    ivh_n_bins: int = 1000
    dimensions: tuple = ("2D", "2.5D", "3D")
    families: tuple = _FAMILIES
    ngldm_alpha: int = 0
    spatial_autocorrelation: bool = True

    def __post_init__(self) -> None:
        for name, value, allowed in [("discretisation", self.discretisation, _DISCRETISATIONS),
                                     ("ivh_discretisation", self.ivh_discretisation, _DISCRETISATIONS),
                                     ("interpolation", self.interpolation, _INTERPOLATIONS)]:
            if value not in allowed:
                raise ValueError(f"{name} must be one of {allowed}; got {value!r}")
        for dim in self.dimensions:
            if dim not in ("2D", "2.5D", "3D"):
                raise ValueError(f"dimensions must contain only '2D', '2.5D', '3D'; got {dim!r}")
        for fam in self.families:
            if fam not in _FAMILIES:
                raise ValueError(f"families must be among {_FAMILIES}; got {fam!r}")
        if self.bin_size <= 0 or self.n_bins < 1:
            raise ValueError(f"bin_size must be > 0 and n_bins >= 1; got {self.bin_size}, {self.n_bins}")


_CT_2D = ("2D", "2.5D")
_CT_3D = ("3D",)

#: The IBSI chapter 1 configurations (CT phantom A-E; digital phantom as it is).
PRESETS = {
    "digital_phantom": Settings(discretisation="none", ivh_discretisation="none"),
    "config_A": Settings(round_intensities=True, resegment_range=(-500.0, 400.0),
                         discretisation="fixed_bin_size", bin_size=25.0, dimensions=_CT_2D),
    "config_B": Settings(spacing_mm=(2.0, 2.0, None), interpolation="linear", round_intensities=True,
                         resegment_range=(-500.0, 400.0), discretisation="fixed_bin_number",
                         n_bins=32, dimensions=_CT_2D),
    "config_C": Settings(spacing_mm=(2.0, 2.0, 2.0), interpolation="linear", round_intensities=True,
                         resegment_range=(-1000.0, 400.0), discretisation="fixed_bin_size",
                         bin_size=25.0, ivh_discretisation="fixed_bin_size", ivh_bin_size=2.5,
                         dimensions=_CT_3D),
    "config_D": Settings(spacing_mm=(2.0, 2.0, 2.0), interpolation="linear", round_intensities=True,
                         outlier_sd=3.0, discretisation="fixed_bin_number", n_bins=32,
                         dimensions=_CT_3D),
    "config_E": Settings(spacing_mm=(2.0, 2.0, 2.0), interpolation="cubic", round_intensities=True,
                         resegment_range=(-1000.0, 400.0), outlier_sd=3.0,
                         discretisation="fixed_bin_number", n_bins=32,
                         ivh_discretisation="fixed_bin_number", ivh_n_bins=1000, dimensions=_CT_3D),
}


def preset(name: str, **changes) -> Settings:
    """The settings of a named IBSI configuration, optionally with some fields changed.

    Use it to reproduce the IBSI reference values, or as a documented starting point.

    Parameters
    ----------
    name : {"digital_phantom", "config_A", ..., "config_E"}
    **changes
        Fields of `Settings` to override, e.g. ``families=("stat",)``.

    Returns
    -------
    Settings

    Raises
    ------
    ValueError
        If ``name`` is not a known configuration.

    Examples
    --------
    >>> preset("config_A").resegment_range
    (-500.0, 400.0)

    Taught in lesson 11.
    """
    check_one_of("preset", name, PRESETS)
    return replace(PRESETS[name], **changes)
