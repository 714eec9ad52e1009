"""Figures for lesson 21 (plotly, imported inside each function).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .detection import alt_read_threshold
from .plasma import ERROR_RATE_STANDARD
from .reads import simulate_alt_reads

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

__all__ = ["view_read_counts", "view_sensitivity_heatmap", "view_lead_times"]


def view_read_counts(tumour_fractions: Any = (0, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2), depth: int = 5000,
                     error_rate: float = ERROR_RATE_STANDARD, n_sites: int = 16, alpha: float = 0.01,
                     n_samples: int = 200, random_state: int | None = 0, title: str | None = None) -> go.Figure:
    """Box plot of total alt reads (over ``n_sites``) per simulated sample vs tumour fraction.

    A dashed line marks the detection threshold; samples above it are called "ctDNA detected".

    Examples
    --------
    >>> fig = view_read_counts(n_samples=20)
    >>> len(fig.data)
    6
    """
    import plotly.graph_objects as go

    fig = go.Figure()
    for i, tf in enumerate(tumour_fractions):
        reads = simulate_alt_reads(tf, depth, error_rate, n_sites, n_samples,
                                   random_state=None if random_state is None else random_state + i)
        fig.add_trace(go.Box(y=reads.sum(axis=1), name=f"{100 * tf:g} %", boxpoints="outliers"))
    k = int(alt_read_threshold(depth, error_rate, n_sites, alpha))
    fig.add_hline(y=k - 0.5, line_dash="dash", annotation_text=f"threshold: {k} alt reads")
    return fig.update_layout(title=title or f"Alt reads over {n_sites} sites, depth {depth:,}, "
                             f"error rate {error_rate:g}", xaxis_title="tumour fraction",
                             yaxis_title="total alt reads per sample", showlegend=False)


def view_sensitivity_heatmap(grid: pd.DataFrame, lod: pd.DataFrame | None = None,
                             title: str | None = None) -> go.Figure:
    """Heatmap of a :func:`sensitivity_grid` (log axes), with an optional LoD95 curve.

    Parameters
    ----------
    grid : pandas.DataFrame
        From :func:`sensitivity_grid` (rows depth, columns tumour fraction).
    lod : pandas.DataFrame, optional
        Columns ``depth`` and ``lod95`` (e.g. from :func:`lod_table`) drawn as a line.

    Examples
    --------
    >>> from toolkit.frontiers.liquid_biopsy import sensitivity_grid
    >>> fig = view_sensitivity_heatmap(sensitivity_grid([1000, 10000], [1e-4, 1e-3]))
    >>> fig.data[0].type
    'heatmap'
    """
    import plotly.graph_objects as go

    x = np.log10(grid.columns.to_numpy(dtype=float))
    y = np.log10(grid.index.to_numpy(dtype=float))
    fig = go.Figure(go.Heatmap(z=grid.to_numpy(), x=x, y=y, zmin=0, zmax=1, colorscale="Viridis",
                               colorbar={"title": "sensitivity"}))
    if lod is not None:
        fig.add_trace(go.Scatter(x=np.log10(lod["lod95"]), y=np.log10(lod["depth"]),
                                 mode="lines+markers", line={"color": "white"}, name="LoD95"))
    return fig.update_layout(title=title or "Sensitivity by depth and tumour fraction",
                             xaxis_title="log10 tumour fraction", yaxis_title="log10 unique depth")


def view_lead_times(surveillance: pd.DataFrame, title: str | None = None) -> go.Figure:
    """Histogram of lead times (CT scan day - ctDNA day) from :func:`simulate_surveillance`.

    Examples
    --------
    >>> from toolkit.frontiers.liquid_biopsy import simulate_surveillance
    >>> fig = view_lead_times(simulate_surveillance(n_patients=30, random_state=0))
    >>> fig.data[0].type
    'histogram'
    """
    import plotly.graph_objects as go

    lead = surveillance["lead_time_days"].dropna()
    start = 90 * np.floor(lead.min() / 90) - 45 if len(lead) else -45     # bins centred on visits
    fig = go.Figure(go.Histogram(x=lead, xbins={"start": float(start), "size": 90}))
    fig.add_vline(x=float(lead.median()) if len(lead) else 0.0, line_dash="dash",
                  annotation_text="median")
    return fig.update_layout(title=title or "Lead time of ctDNA over CT (days; > 0: ctDNA first)",
                             xaxis_title="lead time (days)", yaxis_title="patients")
