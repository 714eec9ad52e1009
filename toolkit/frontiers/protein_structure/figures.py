"""Figures for lesson 22: pLDDT along the chain and an offline 3D view (plotly, imported inside each
function).
"""
from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Iterable

import pandas as pd

from .confidence import BAND_COLOURS, PLDDT_BANDS
from .variants import map_variants

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = ["view_plddt", "view_structure_3d"]


def _variant_positions(table: pd.DataFrame, variants: Iterable[str] | None) -> pd.DataFrame:
    return map_variants(table, variants) if variants else pd.DataFrame(columns=["variant",
                                                                                "position"])


def view_plddt(table: pd.DataFrame, variants: Iterable[str] | None = None,
               title: str = "pLDDT along the sequence") -> go.Figure:
    """Plotly line of pLDDT by residue, band thresholds as dashed lines, variants marked.

    Examples
    --------
    >>> from toolkit.frontiers.protein_structure import load_alphafold_pten
    >>> fig = view_plddt(load_alphafold_pten(), ["p.Arg130Gly"])
    >>> [trace.name for trace in fig.data]
    ['pLDDT', 'variants']
    """
    import plotly.graph_objects as go

    fig = go.Figure(go.Scatter(x=table["resnum"], y=table["plddt"], mode="lines",
                               name="pLDDT", line={"color": "#444"}))
    marked = _variant_positions(table, variants)
    fig.add_trace(go.Scatter(x=marked["position"], y=table.loc[marked["position"], "plddt"],
                             mode="markers+text", text=marked["variant"], name="variants",
                             textposition="top center", marker={"size": 10, "color": "red"}))
    for level in (90, 70, 50):
        fig.add_hline(y=level, line_dash="dash", line_color="grey")
    fig.update_layout(title=title, xaxis_title="residue number", yaxis_title="pLDDT",
                      yaxis_range=[0, 105], height=350, template="plotly_white")
    return fig


def view_structure_3d(table: pd.DataFrame, variants: Iterable[str] | None = None,
                      title: str = "C-alpha trace coloured by pLDDT") -> go.Figure:
    """Plotly 3D C-alpha trace coloured by pLDDT band; variant residues as large red spheres.

    Plotly ships its JavaScript with the Python package, so the view works offline in
    JupyterLab, Voila and exported HTML (no web viewer library is fetched).

    Examples
    --------
    >>> from toolkit.frontiers.protein_structure import load_alphafold_pten
    >>> fig = view_structure_3d(load_alphafold_pten(), ["C124S"])
    >>> fig.data[0].type, len(fig.data)
    ('scatter3d', 6)
    """
    import plotly.graph_objects as go

    fig = go.Figure(go.Scatter3d(x=table["x"], y=table["y"], z=table["z"], mode="lines",
                                 line={"color": "lightgrey", "width": 3}, name="backbone",
                                 hoverinfo="skip"))
    for _, label in PLDDT_BANDS:
        part = table[table["band"] == label]
        fig.add_trace(go.Scatter3d(
            x=part["x"], y=part["y"], z=part["z"], mode="markers", name=f"pLDDT {label}",
            marker={"size": 4, "color": BAND_COLOURS[label]},
            text=[f"{r.resname}{r.resnum} pLDDT {r.plddt:.0f}" for r in part.itertuples()],
            hoverinfo="text"))
    marked = _variant_positions(table, variants)
    spots = table.loc[marked["position"]]
    fig.add_trace(go.Scatter3d(x=spots["x"], y=spots["y"], z=spots["z"], mode="markers+text",
                               text=marked["variant"], name="variants",
                               marker={"size": 10, "color": "red"}))
    fig.update_layout(title=title, height=550, scene={"aspectmode": "data"},
                      margin={"l": 0, "r": 0, "b": 0, "t": 40})
    return fig
