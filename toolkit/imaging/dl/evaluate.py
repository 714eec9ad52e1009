"""Score a trained 2D U-Net on whole patients: Dice, HD95 and volumes, at one or two time points.

Imports torch (through `segment_volume`); use
``from toolkit.imaging.dl import evaluate_segmentation``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from torch import nn

from .train import segment_volume
from ..longitudinal import grow_lesion
from ..metrics import dice, hausdorff_distance_mm, volume_ml

__all__ = ["evaluate_segmentation"]


def _click(mask: np.ndarray, rng: np.random.Generator, max_offset: int) -> np.ndarray:
    """A reader's click near the lesion: its centre of mass plus a random offset (voxels)."""
    return np.round(np.argwhere(mask).mean(0)).astype(int) + rng.integers(-max_offset, max_offset + 1, 3)


def evaluate_segmentation(model: nn.Module, cohort, patients, grow_mm: float | None = None, axis: int = 2,
                          roi_size: int = 32, max_click_offset: int = 3,
                          random_state: int = 0) -> pd.DataFrame:
    """Segment each patient's lesion in 3D and compare with the truth; optionally at a follow-up.

    Per patient: a simulated click near the lesion, `segment_volume` inside a cubic ROI, then
    Dice, HD95 (mm) and volumes (mL). With ``grow_mm``, a follow-up scan is simulated with
    `grow_lesion` and segmented at the same click, giving measured vs true change.

    Parameters
    ----------
    model : UNet (dims=2) trained on `CohortSlices` along ``axis``
    cohort : RadiogenomicCohort
    patients : sequence of str
        Test patients (never seen in training).
    grow_mm : float, optional
        Growth of the lesion margin at the follow-up, in mm.
    axis, roi_size
        As in `segment_volume`.
    max_click_offset : int, default 3
        The click misses the lesion centre by up to this many voxels per axis.
    random_state : int, default 0

    Returns
    -------
    DataFrame indexed by patient_id: ``dice``, ``hd95_mm`` (NaN when nothing was found),
    ``volume_true_ml``, ``volume_pred_ml``; with ``grow_mm`` also ``change_true_ml`` and
    ``change_pred_ml`` (time point 2 minus time point 1).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from toolkit.imaging.dl import UNet
    >>> m = np.zeros((1, 12, 12, 12), np.uint8); m[0, 4:8, 4:8, 4:8] = 1
    >>> c = SimpleNamespace(images=np.random.default_rng(0).random((1, 12, 12, 12)), masks=m,
    ...     spacing_mm=(3.0, 3.0, 3.0), clinical=pd.DataFrame(index=["P1"]))
    >>> df = evaluate_segmentation(UNet(width=2), c, ["P1"], grow_mm=3.0, roi_size=8)
    >>> round(float(df.loc["P1", "change_true_ml"]), 3)   # 6 faces x 16 voxels x 27 mm³ = 2592 mm³
    2.592

    Taught in lesson 10.
    """
    rng = np.random.default_rng(random_state)
    rows = []
    for p in patients:
        i = cohort.clinical.index.get_loc(p)
        image, truth = cohort.images[i], cohort.masks[i]
        click = _click(truth, rng, max_click_offset)
        pred = segment_volume(model, image, axis=axis, roi_centre=click, roi_size=roi_size)
        row = {"patient_id": p, "dice": dice(pred, truth),
               "hd95_mm": hausdorff_distance_mm(pred, truth, cohort.spacing_mm, 95) if pred.any() else np.nan,
               "volume_true_ml": volume_ml(truth, cohort.spacing_mm),
               "volume_pred_ml": volume_ml(pred, cohort.spacing_mm)}
        if grow_mm is not None:
            image2, truth2 = grow_lesion(image, truth, grow_mm, cohort.spacing_mm)
            pred2 = segment_volume(model, image2, axis=axis, roi_centre=click, roi_size=roi_size)
            row["change_true_ml"] = volume_ml(truth2, cohort.spacing_mm) - row["volume_true_ml"]
            row["change_pred_ml"] = volume_ml(pred2, cohort.spacing_mm) - row["volume_pred_ml"]
        rows.append(row)
    return pd.DataFrame(rows).set_index("patient_id")
