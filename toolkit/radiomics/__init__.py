"""Radiomics: IBSI-compliant quantitative features from an image and a region of interest."""

from .discretise import discretise, resegment
from .extract import extract, prepare
from .models import selection_cv_auc
from .settings import AGGREGATIONS, PRESETS, Settings, preset
from .stability import feature_icc, icc, make_lesion, perturb

__all__: list[str] = ["extract", "prepare", "Settings", "preset", "PRESETS", "AGGREGATIONS",
                      "discretise", "resegment", "icc", "feature_icc", "make_lesion", "perturb",
                      "selection_cv_auc"]
