"""Frontiers: short labs at the edge of the field (lessons 21-24).

Each lab has its own submodule, loaded on first use so ``import toolkit`` stays fast::

    from toolkit.frontiers import liquid_biopsy       # lesson 21: ctDNA reads, detection limit
    from toolkit.frontiers import protein_structure   # lesson 22: structures, pLDDT, variants
    from toolkit.frontiers import single_cell         # lesson 23: clusters, markers, spatial
    from toolkit.frontiers import literature          # lesson 24: gene-variant-disease mentions
"""
from __future__ import annotations

import importlib

_SUBMODULES = ("liquid_biopsy", "protein_structure", "single_cell", "literature")

__all__ = list(_SUBMODULES)


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"toolkit.frontiers.{name}")
    raise AttributeError(f"module 'toolkit.frontiers' has no attribute {name!r}")
