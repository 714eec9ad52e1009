"""toolkit: helpers for the course *AI in genomics and medical imaging*.

Submodules load on first use, so ``import toolkit`` stays fast and never imports
torch or plotly::

    import toolkit
    toolkit.doctor()            # is this computer ready for the course?
    toolkit.datasets.list_datasets()
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

_SUBMODULES = ("checkpoints", "datasets", "evaluation", "explorers", "frontiers", "fusion",
               "genomics", "grading", "harmonisation", "imaging", "privacy", "radiomics", "viz")

__all__ = ["doctor", "__version__", *_SUBMODULES]


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"toolkit.{name}")
    raise AttributeError(f"module 'toolkit' has no attribute {name!r}")


def doctor(print_table: bool = True):  # noqa: D103
    """Check this computer for the course; returns the table (see `toolkit.doctor_checks`)."""
    from .doctor_checks import doctor as _doctor

    return _doctor(print_table=print_table)
