"""Figures for lesson 23 (plotly, imported inside each function).
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike
import pandas as pd

from .clustering import _matrix
from .deconvolution import deconvolve_cell_types
from .simulation import Tissue

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = ["view_embedding", "view_markers", "view_tissue", "view_mixing"]


def view_embedding(xy: ArrayLike, colour: ArrayLike, title: str = "Cells",
                   hover: ArrayLike | None = None) -> go.Figure:
    """Scatter (plotly) of a 2-D embedding, one colour per label.

    Examples
    --------
    >>> fig = view_embedding(np.zeros((4, 2)), ["a", "a", "b", "b"])
    >>> [trace.name for trace in fig.data]
    ['a', 'b']
    """
    import plotly.graph_objects as go

    xy, colour = np.asarray(xy, dtype=float), np.asarray(colour).astype(str)
    hover = np.asarray(hover if hover is not None else colour).astype(str)
    fig = go.Figure()
    for label in sorted(set(colour)):
        keep = colour == label
        fig.add_scatter(x=xy[keep, 0], y=xy[keep, 1], mode="markers", name=str(label),
                        marker={"size": 5}, text=hover[keep], hoverinfo="text+name")
    return fig.update_layout(title=title, xaxis_title="dimension 1", yaxis_title="dimension 2",
                             height=480, legend={"font": {"size": 10}})


def view_markers(X: ArrayLike, groups: ArrayLike, genes: Sequence[str], markers: Sequence[str],
                 title: str = "Marker genes") -> go.Figure:
    """Dot plot (plotly): dot size = % of cells expressing, colour = mean log expression.

    Examples
    --------
    >>> fig = view_markers(np.log1p([[3.0, 0], [0, 2]]), ["B", "T"], ["MS4A1", "CD3D"],
    ...                    ["MS4A1", "CD3D"])
    >>> len(fig.data[0].x)
    4
    """
    import plotly.graph_objects as go

    X, groups, genes = _matrix(X), np.asarray(groups).astype(str), list(genes)
    cols = [genes.index(g) for g in markers]
    labels = sorted({str(g) for g in groups})
    rows = [(g, m, X[groups == g][:, c]) for g in labels for m, c in zip(markers, cols)]
    pct = np.array([(v > 0).mean() for _, _, v in rows])
    fig = go.Figure(go.Scatter(
        x=[m for _, m, _ in rows], y=[g for g, _, _ in rows], mode="markers",
        marker={"size": 4 + 22 * pct, "color": [v.mean() for _, _, v in rows],
                "colorscale": "Viridis", "colorbar": {"title": "mean log expr."}},
        text=[f"{100 * p:.0f} % of cells" for p in pct], hoverinfo="x+y+text"))
    return fig.update_layout(title=title, height=120 + 28 * len(labels), xaxis_tickangle=-45)


def view_tissue(tissue: Tissue, values: ArrayLike, title: str = "Synthetic tissue",
                colour_label: str = "") -> go.Figure:
    """Spatial map (plotly): one square per spot, coloured by ``values``.

    Examples
    --------
    >>> from toolkit.frontiers.single_cell import simulate_tissue
    >>> t = simulate_tissue(n_side=6, random_state=0)
    >>> len(view_tissue(t, t.fractions["Tumour"]).data[0].x)
    36
    """
    import plotly.graph_objects as go

    fig = go.Figure(go.Scatter(
        x=tissue.coords["x_um"], y=tissue.coords["y_um"], mode="markers",
        marker={"symbol": "square", "size": 9, "color": np.asarray(values, dtype=float),
                "colorscale": "Viridis", "colorbar": {"title": colour_label}},
        hovertemplate="x %{x} µm, y %{y} µm: %{marker.color:.2f}<extra></extra>"))
    fig.update_yaxes(scaleanchor="x", title="y (µm)")
    return fig.update_layout(title=title, xaxis_title="x (µm)", height=460, width=520)


def view_mixing(profiles: pd.DataFrame, immune_fractions: Sequence[float] = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5),
                purity: float = 0.5, depth: float = 2e6, random_state: int = 0) -> go.Figure:
    """Slider (plotly, works without a kernel): true vs NNLS-estimated fractions of a bulk
    sample as its immune fraction grows (tumour purity fixed, stroma takes the rest).

    Examples
    --------
    >>> from toolkit.frontiers.single_cell import tissue_profiles
    >>> fig = view_mixing(tissue_profiles(), immune_fractions=(0.0, 0.2))
    >>> len(fig.data), len(fig.layout.sliders[0].steps)
    (4, 2)
    """
    import plotly.graph_objects as go

    rng, fig = np.random.default_rng(random_state), go.Figure()
    share = pd.Series({"T cell": 0.5, "Monocyte": 0.25, "B cell": 0.15, "NK cell": 0.1})
    for i, f in enumerate(immune_fractions):
        true = pd.concat([pd.Series({"Tumour": purity, "Stroma": 1 - purity - f}), f * share])
        true = true[profiles.index]
        est = deconvolve_cell_types(rng.poisson(depth * true.to_numpy() @ profiles.to_numpy())[None], profiles)
        for name, vals in (("true", true.to_numpy()), ("NNLS estimate", est.to_numpy()[0])):
            fig.add_bar(x=list(profiles.index), y=vals, name=name, visible=i == 0)
    steps = [{"method": "update", "label": f"{100 * f:.0f} %",
              "args": [{"visible": [j // 2 == i for j in range(2 * len(immune_fractions))]}]}
             for i, f in enumerate(immune_fractions)]
    return fig.update_layout(
        sliders=[{"steps": steps, "currentvalue": {"prefix": "immune fraction: "}}],
        title=f"Bulk sample, tumour purity {100 * purity:.0f} %: who is in the tube?",
        yaxis_title="fraction of cells", yaxis_range=[0, 1], barmode="group", height=420)
