"""Datasets: real public data available offline, downloads on demand, and simulators.

SYNTHETIC data is labelled as such wherever it appears.
"""
from .population import make_population
from .cohort import make_radiogenomic_cohort, load_radiogenomic_cohort

__all__ = ["make_population", "make_radiogenomic_cohort", "load_radiogenomic_cohort"]
