"""Recurrence monitoring (SYNTHETIC): tumour volume to tumour fraction, and when a growing recurrence
is first flagged by ctDNA and by CT.

Taught in lesson 21.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ._checks import _as_count
from .detection import detection_probability
from .plasma import ERROR_RATE_DUPLEX, SHEDDING_TF_PER_ML

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["tumour_fraction_from_volume", "sphere_diameter_mm", "simulate_surveillance"]


def tumour_fraction_from_volume(volume_ml: Any, shedding_tf_per_ml: float = SHEDDING_TF_PER_ML["lung"],
                                ) -> np.ndarray:
    """Plasma tumour fraction expected from a tumour volume (a rough, uncertain calibration).

    ``tf = s V / (1 + s V)``: linear in volume while small (``s`` = ``shedding_tf_per_ml``),
    never above 1. Real shedding varies more than tenfold between patients with the same
    volume, and by tumour type and site (see :data:`SHEDDING_TF_PER_ML`).

    Examples
    --------
    >>> f"{float(tumour_fraction_from_volume(10.0)):.4f}"     # 10 mL lung tumour: about 0.2 %
    '0.0020'
    >>> f"{float(tumour_fraction_from_volume(10.0, SHEDDING_TF_PER_ML['brain_plasma'])):.0e}"
    '2e-05'

    Taught in lesson 21.
    """
    v = np.asarray(volume_ml, dtype=float)
    if np.any(~np.isfinite(v)) or np.any(v < 0) or shedding_tf_per_ml < 0:
        raise ValueError(f"volume_ml and shedding_tf_per_ml must be >= 0 (mL and tumour fraction "
                         f"per mL); got volume {volume_ml!r}, shedding {shedding_tf_per_ml!r}.")
    sv = shedding_tf_per_ml * v
    return sv / (1 + sv)


def sphere_diameter_mm(volume_ml: Any) -> np.ndarray:
    """Diameter (mm) of a sphere of ``volume_ml`` mL (1 mL = 1 cm³ = 1000 mm³).

    Examples
    --------
    >>> round(float(sphere_diameter_mm(4 / 3 * 3.141592653589793 * 0.125)), 6)   # r = 5 mm
    10.0
    """
    return 10 * (6 * np.asarray(volume_ml, dtype=float) / np.pi) ** (1 / 3)


def _first_visit(flags: np.ndarray, times: np.ndarray) -> np.ndarray:
    """Time of the first True per row (NaN if none)."""
    hit = flags.any(axis=1)
    return np.where(hit, times[np.argmax(flags, axis=1)], np.nan)


def simulate_surveillance(n_patients: int = 500, start_volume_ml: float = 1e-3,
                          doubling_time_days: float = 60.0, doubling_time_sd_log10: float = 0.2,
                          shedding_tf_per_ml: float = SHEDDING_TF_PER_ML["lung"],
                          shedding_sd_log10: float = 0.5, blood_interval_days: int = 90,
                          scan_interval_days: int = 90, follow_up_days: int = 1095,
                          scan_diameter_mm: float = 10.0,
                          depth: int = 10000, n_sites: int = 16, error_rate: float = ERROR_RATE_DUPLEX,
                          alpha: float = 0.01, random_state: int | None = None) -> pd.DataFrame:
    """Simulate surveillance of a regrowing recurrence with ctDNA and chest CT at every visit.

    Each patient's residual tumour (``start_volume_ml`` at day 0, after treatment) regrows
    exponentially with a per-patient doubling time (log-normal around ``doubling_time_days``) and a
    per-patient shedding rate (log-normal around ``shedding_tf_per_ml``). At each blood draw
    (every ``blood_interval_days``) the test calls ctDNA with probability
    :func:`detection_probability` of the current tumour fraction: early calls, made while the
    tumour fraction is still far below the LoD, are mostly false positives (see
    ``tf_at_ctdna``). A CT scan every ``scan_interval_days`` flags the lesion once its
    sphere-equivalent diameter reaches ``scan_diameter_mm`` (10 mm: the RECIST 1.1 minimum longest
    diameter of a measurable lesion on CT, Eisenhauer et al. 2009; assumed read perfectly). Follow-up stops at ``follow_up_days``.

    Returns
    -------
    pandas.DataFrame
        One row per patient: ``doubling_time_days``, ``shedding_tf_per_ml``, ``ctdna_day``,
        ``scan_day`` (NaN if not flagged during follow-up), ``lead_time_days`` (scan day - ctDNA day;
        positive = ctDNA first), ``volume_at_ctdna_ml`` and ``tf_at_ctdna`` (tumour fraction at the
        first ctDNA call).

    Examples
    --------
    >>> s = simulate_surveillance(n_patients=50, random_state=0)
    >>> list(s.columns)[:4]
    ['doubling_time_days', 'shedding_tf_per_ml', 'ctdna_day', 'scan_day']

    Taught in lesson 21.
    """
    import pandas as pd

    n = int(_as_count(n_patients, "n_patients", minimum=1))
    if min(start_volume_ml, doubling_time_days, blood_interval_days, scan_interval_days) <= 0:
        raise ValueError("start_volume_ml, doubling_time_days, blood_interval_days and "
                         "scan_interval_days must all be > 0.")
    rng = np.random.default_rng(random_state)
    td = doubling_time_days * 10 ** rng.normal(0, doubling_time_sd_log10, n)
    shed = shedding_tf_per_ml * 10 ** rng.normal(0, shedding_sd_log10, n)
    blood = np.arange(blood_interval_days, follow_up_days + 1, blood_interval_days, dtype=float)
    scans = np.arange(scan_interval_days, follow_up_days + 1, scan_interval_days, dtype=float)
    sv = shed[:, None] * start_volume_ml * 2 ** (blood[None, :] / td[:, None])
    tf = sv / (1 + sv)                                   # as in tumour_fraction_from_volume
    p_detect = detection_probability(tf, depth, error_rate, n_sites, alpha)
    ctdna_day = _first_visit(rng.random(p_detect.shape) < p_detect, blood)
    scan_volume = start_volume_ml * 2 ** (scans[None, :] / td[:, None])
    scan_day = _first_visit(sphere_diameter_mm(scan_volume) >= scan_diameter_mm, scans)
    vol_ctdna = start_volume_ml * 2 ** (ctdna_day / td)
    return pd.DataFrame({"doubling_time_days": td, "shedding_tf_per_ml": shed,
                         "ctdna_day": ctdna_day, "scan_day": scan_day,
                         "lead_time_days": scan_day - ctdna_day, "volume_at_ctdna_ml": vol_ctdna,
                         "tf_at_ctdna": shed * vol_ctdna / (1 + shed * vol_ctdna)})
