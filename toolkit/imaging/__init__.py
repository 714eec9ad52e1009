"""Imaging: medical images as data (DICOM, NIfTI), de-identification, and deep learning on them."""

from .deidentify import deidentify, load_basic_profile, new_uid
from .dicom_io import (DicomReadError, list_dicom_series, read_dicom_file, read_dicom_series,
                       write_dicom_series)
from .geometry import resample, to_canonical
from .nifti import read_image, read_nifti
from .volume import Volume
from .viewer import show_slices
from .window import WINDOW_PRESETS, window
from .lesion import lesion_features
from .longitudinal import grow_lesion
from .metrics import (dice, hausdorff_distance_mm, segmentation_scores, volume_agreement, volume_ml,
                      volume_mm3)

__all__: list[str] = []
__all__ += ["Volume", "DicomReadError", "read_dicom_series", "read_dicom_file", "list_dicom_series",
            "write_dicom_series", "read_nifti", "read_image", "resample", "window", "WINDOW_PRESETS",
            "deidentify", "load_basic_profile", "new_uid", "show_slices",
            "to_canonical"]
# Deep learning (torch: datasets, networks, training, evaluation, saliency) lives in the subpackage
# toolkit.imaging.dl, imported explicitly so `import toolkit.imaging` stays torch-free.
__all__ += ["dice", "hausdorff_distance_mm", "segmentation_scores", "volume_mm3", "volume_ml",
            "volume_agreement",
            "grow_lesion", "lesion_features"]
# An AUC with its bootstrap CI is `toolkit.evaluation.auc_ci` (one bootstrap for the whole course).
