"""Detection explorer (lesson 21): sliders for depth, error rate and sites; sensitivity and LoD95 follow.

Like every explorer: a *spec* of controls, a module-level ``_draw(**values) -> (figure,
summary_html)`` and `toolkit._utils.widgets.wire_app` joining the two. The numbers come from
`toolkit.frontiers.liquid_biopsy` (exact binomial detection probability).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .._utils.widgets import wire_app

__all__ = ["detection_explorer_app"]

TITLE = "Detection explorer: depth, errors, sites"
SPEC = {"depth": ("IntSlider", {"value": 5000, "min": 500, "max": 50000, "step": 500,
                                "description": "unique depth"}),
        "log10_error_rate": ("FloatSlider", {"value": -3.0, "min": -6.0, "max": -2.0, "step": 0.5,
                                             "description": "log10 error rate"}),
        "n_sites": ("IntSlider", {"value": 16, "min": 1, "max": 64, "step": 1,
                                  "description": "tracked sites"})}


def detection_explorer_app(interactive: bool | None = None) -> Any:
    """Sliders for depth, error rate and number of sites; the sensitivity curve and LoD95 follow.

    Returns an ipywidgets box inside a running kernel (with ipywidgets installed), else a plain
    plotly figure for the starting values (depth 5,000, error rate 1e-3, 16 sites), so the lesson
    also renders statically.

    Parameters
    ----------
    interactive : bool, optional
        True: the three sliders around a plotly FigureWidget; False: a static figure.
        Default: True inside a kernel with ipywidgets.

    Returns
    -------
    ipywidgets.VBox or plotly.graph_objects.Figure

    Examples
    --------
    >>> fig = detection_explorer_app(interactive=False)
    >>> fig.data[0].name
    'sensitivity'

    Taught in lesson 21.
    """
    return wire_app(_draw, SPEC, interactive, TITLE)


def _draw(depth: int, log10_error_rate: float, n_sites: int):
    """Sensitivity against tumour fraction (log scale), the 95 % line, and LoD95 in the summary."""
    import plotly.graph_objects as go

    from toolkit.frontiers.liquid_biopsy import detection_probability, limit_of_detection

    tf = np.logspace(-6, -1, 60)
    error_rate = 10 ** log10_error_rate
    sens = detection_probability(tf, depth, error_rate, n_sites)
    lod = float(limit_of_detection(depth, error_rate, n_sites))
    fig = go.Figure(go.Scatter(x=tf, y=sens, mode="lines", name="sensitivity"))
    fig.add_hline(y=0.95, line_dash="dot")
    fig.update_layout(xaxis_type="log", xaxis_title="tumour fraction", yaxis_title="sensitivity",
                      yaxis_range=[0, 1.02], yaxis_domain=[0.22, 1], margin={"b": 80})
    summary = (f"<b>LoD95 = {lod:.1e}</b> ({100 * lod:.4f} %) at depth {depth:,}, {n_sites} sites, "
               f"error rate {error_rate:.0e}")
    return fig, summary
