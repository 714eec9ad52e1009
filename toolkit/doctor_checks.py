"""``python -m toolkit doctor``: is this computer ready for the course?

Every check is wrapped so that the doctor itself never crashes, whatever is broken.
"""
from __future__ import annotations

import importlib.metadata as md
import os
import platform
import sys
from dataclasses import dataclass

import pandas as pd

# (distribution name, import name, what it is for); all required to run the lessons.
REQUIRED = [
    ("numpy", "numpy", "arrays"), ("scipy", "scipy", "statistics"), ("pandas", "pandas", "tables"),
    ("scikit-learn", "sklearn", "classic machine learning"), ("torch", "torch", "deep learning"),
    ("pydicom", "pydicom", "DICOM images"), ("nibabel", "nibabel", "NIfTI images"),
    ("scikit-allel", "allel", "genotypes"), ("plotly", "plotly", "interactive plots"),
    ("ipywidgets", "ipywidgets", "widgets"), ("anywidget", "anywidget", "plotly FigureWidget"),
    ("jupyterlab", "jupyterlab", "the course environment"),
    ("jupyterlab_widgets", "jupyterlab_widgets", "widgets in JupyterLab"),
    ("pooch", "pooch", "downloads"), ("tqdm", "tqdm", "progress bars"),
    ("nilearn", "nilearn", "brain template"), ("msprime", "msprime", "genome simulation"),
    ("stdpopsim", "stdpopsim", "demographic models"),
    ("scikit-survival", "sksurv", "survival analysis and GSE7390"),
    ("psutil", "psutil", "memory checks"),
    ("tifffile", "tifffile", "whole-slide images"),
    ("imagecodecs", "imagecodecs", "JPEG tiles in slide files"),
]
FIX = "run `make lab` again, or: pip install -e ."


@dataclass
class Check:
    item: str
    ok: bool
    detail: str
    fix: str = ""
    required: bool = True


def _safe(fn, item: str) -> list[Check]:
    try:
        return fn()
    except Exception as exc:  # the doctor reports, it never crashes
        return [Check(item, False, f"check failed: {type(exc).__name__}: {exc}", FIX)]


def _python() -> list[Check]:
    ok = sys.version_info >= (3, 10)
    return [Check("Python", ok, platform.python_version(), "" if ok else "install Python 3.10 or newer")]


def _packages() -> list[Check]:
    checks = []
    for dist, module, purpose in REQUIRED:
        try:
            version = md.version(dist)
            checks.append(Check(dist, True, f"{version} ({purpose})"))
        except md.PackageNotFoundError:
            checks.append(Check(dist, False, f"missing ({purpose})", f"pip install {dist}"))
    return checks


def _data() -> list[Check]:
    from .datasets.paths import get_data_dir, get_shared_data_dir

    folder = get_data_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        writable = os.access(folder, os.W_OK)
    except OSError:
        writable = False
    checks = [Check("data cache", writable, str(folder),
                    "" if writable else "set TOOLKIT_DATA to a folder you can write to")]
    shared = get_shared_data_dir()
    if shared is not None:
        checks.append(Check("shared classroom data", shared.is_dir(), str(shared),
                            "" if shared.is_dir() else "check TOOLKIT_SHARED_DATA", required=False))
    return checks


def _offline_datasets() -> list[Check]:
    from . import datasets

    if not hasattr(datasets, "list_datasets"):
        return [Check("offline datasets", True, "simulated population (make_population)")]
    table = datasets.list_datasets()
    offline = table[table["availability"] == "offline"]["name"].tolist()
    return [Check("offline datasets", bool(offline), ", ".join(offline) or "none",
                  "" if offline else FIX)]


def _machine() -> list[Check]:
    import psutil

    ram = psutil.virtual_memory().total / 2**30
    cpus = os.cpu_count() or 1
    ok = ram >= 1.9
    return [Check("memory", ok, f"{ram:.1f} GB RAM, {cpus} CPU core(s)",
                  "" if ok else "lessons need about 1.5 GB free; close other programs")]


def _gpu() -> list[Check]:
    try:
        import torch
    except ImportError:
        return [Check("GPU", True, "not checked (torch missing)", required=False)]
    if torch.cuda.is_available():
        return [Check("GPU", True, torch.cuda.get_device_name(0), required=False)]
    return [Check("GPU", True, "none: lessons run on the CPU (a GPU is never required)", required=False)]


def run_checks() -> list[Check]:
    """All checks, in the order the table shows them."""
    checks: list[Check] = []
    for fn, item in [(_python, "Python"), (_packages, "packages"), (_data, "data cache"),
                     (_offline_datasets, "offline datasets"), (_machine, "memory"), (_gpu, "GPU")]:
        checks += _safe(fn, item)
    return checks


def doctor(print_table: bool = True) -> pd.DataFrame:
    """Check Python, packages, widgets, data cache, offline datasets, memory and GPU.

    Returns a table with one row per check: ✅ or ❌, what was found, and the fix for each ❌.

    Examples
    --------
    >>> table = doctor(print_table=False)
    >>> list(table.columns)
    ['status', 'item', 'found', 'fix']
    """
    checks = run_checks()
    table = pd.DataFrame({
        "status": ["✅" if c.ok else ("❌" if c.required else "⚠️") for c in checks],
        "item": [c.item for c in checks],
        "found": [c.detail for c in checks],
        "fix": [c.fix for c in checks],
    })
    if print_table:
        width = max(len(item) for item in table["item"]) + 2
        for row in table.itertuples():
            fix = f"  → fix: {row.fix}" if row.fix else ""
            print(f"{row.status} {row.item:<{width}}{row.found}{fix}")
        bad = sum(not c.ok and c.required for c in checks)
        print("\nAll set: the course is ready." if not bad else
              f"\n{bad} problem(s): follow the fix column, then run `python -m toolkit doctor` again.")
    return table


def main() -> int:
    """Command-line entry: exit code 1 when something required is missing."""
    try:
        table = doctor(print_table=True)
        return int((table["status"] == "❌").any())
    except BrokenPipeError:  # output piped into `head`: stop quietly
        return 0
    except Exception as exc:  # pragma: no cover - last resort, never a traceback
        print(f"❌ doctor could not finish: {type(exc).__name__}: {exc}\nFix: {FIX}")
        return 1
