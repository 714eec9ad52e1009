"""pLDDT, AlphaFold's per-residue confidence (0-100): the four bands AlphaFold DB colours and a summary.

Taught in lesson 22.
"""
from __future__ import annotations

from typing import Iterable

import numpy as np
import pandas as pd

__all__ = ["PLDDT_BANDS", "BAND_COLOURS", "plddt_band", "plddt_band_summary"]


# AlphaFold DB confidence bands (Jumper et al. 2021; AlphaFold DB FAQ): lower bound, label.
PLDDT_BANDS = ((90.0, "very high"), (70.0, "confident"), (50.0, "low"), (-np.inf, "very low"))

BAND_COLOURS = {"very high": "#0053D6", "confident": "#65CBF3", "low": "#FFDB13",
                "very low": "#FF7D45"}  # the AlphaFold DB colour scheme


def plddt_band(plddt: float | Iterable[float]) -> str | np.ndarray:
    """AlphaFold DB confidence band: >90 very high, 70-90 confident, 50-70 low, <=50 very low.

    Examples
    --------
    >>> plddt_band(95.0), plddt_band(70.0), plddt_band(70.01)
    ('very high', 'low', 'confident')
    >>> plddt_band([30, 60]).tolist()
    ['very low', 'low']
    """
    values = np.asarray(plddt, dtype=float)
    labels = np.select([values > 90, values > 70, values > 50],
                       ["very high", "confident", "low"], default="very low")
    return str(labels) if labels.ndim == 0 else labels.astype(object)


def plddt_band_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Number and fraction of residues in each pLDDT band (all four bands, in order).

    Examples
    --------
    >>> from toolkit.frontiers.protein_structure import load_alphafold_pten
    >>> plddt_band_summary(load_alphafold_pten())["residues"].tolist()
    [277, 36, 21, 69]
    """
    order = [label for _, label in PLDDT_BANDS]
    counts = table["band"].value_counts().reindex(order, fill_value=0)
    return pd.DataFrame({"band": order, "residues": counts.to_numpy(),
                         "fraction": (counts / counts.sum()).round(3).to_numpy()})
