"""Datasets: real public data available offline, downloads on demand, and simulators.

SYNTHETIC data is labelled as such wherever it appears.
"""
from .population import make_population

__all__ = ["make_population"]
