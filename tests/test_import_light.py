"""Importing a toolkit package must not import the heavy libraries it only needs inside functions.

One parametrised check for every package: each case imports the modules in a fresh interpreter
and lists which of the named heavy modules ended up in ``sys.modules``.
"""
from __future__ import annotations

import subprocess
import sys

import pytest

CASES = {
    "toolkit and every package": (
        "toolkit, toolkit.datasets, toolkit.genomics, toolkit.imaging, toolkit.evaluation, "
        "toolkit.fusion, toolkit.radiomics, toolkit.privacy, toolkit.checkpoints",
        ("torch", "plotly", "pydicom", "SimpleITK", "nilearn", "sksurv")),
    "datasets": ("toolkit.datasets", ("sksurv", "nilearn", "pydicom", "pooch", "requests")),
    "genomics (scale path stays lazy)": ("toolkit.genomics", ("dask", "zarr", "bio2zarr", "distributed")),
    "imaging (torch stays lazy)": (
        "toolkit.imaging, toolkit.imaging.metrics, toolkit.imaging.longitudinal", ("torch",)),
    "privacy": ("toolkit.privacy", ("torch", "plotly", "sklearn", "stdpopsim")),
    "explorers (plotly, ipywidgets, scikit-learn stay lazy)": (
        "toolkit.explorers, toolkit.viz",
        ("plotly", "ipywidgets", "sklearn", "scipy", "pandas", "pydicom", "torch")),
    "frontiers.liquid_biopsy": ("toolkit.frontiers.liquid_biopsy", ("scipy", "pandas", "plotly", "torch")),
    "frontiers labs (plotly, scipy, scikit-learn, biotite stay lazy)": (
        "toolkit.frontiers.literature, toolkit.frontiers.single_cell, toolkit.frontiers.protein_structure",
        ("plotly", "scipy", "sklearn", "biotite", "torch")),
}


@pytest.mark.parametrize("modules, heavy", CASES.values(), ids=CASES.keys())
def test_import_loads_no_heavy_module(modules, heavy):
    code = f"import sys, {modules}\nprint(','.join(m for m in {heavy!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"`import {modules}` imported {out.stdout.strip()}"
