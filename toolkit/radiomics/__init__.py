"""Radiomics: IBSI-compliant quantitative features from an image and a region of interest."""

from .discretise import discretise, resegment
from .extract import extract, prepare
from .settings import AGGREGATIONS, PRESETS, Settings, preset

__all__: list[str] = ["extract", "prepare", "Settings", "preset", "PRESETS", "AGGREGATIONS",
                      "discretise", "resegment"]
