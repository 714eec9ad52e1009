"""Figures for lesson 24 (plotly, imported inside the function).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = ["view_extraction_scores"]


def view_extraction_scores(scores: pd.DataFrame,
                           title: str = "Precision, recall and F1 (95% CI)") -> go.Figure:
    """Bar chart of precision, recall and F1 per group with bootstrap confidence intervals (plotly).

    Parameters
    ----------
    scores : DataFrame from `evaluate_extraction`.
    title : str

    Returns
    -------
    plotly Figure

    Examples
    --------
    >>> from toolkit.frontiers.literature import evaluate_extraction
    >>> g = pd.DataFrame({"passage_id": list("ab"), "x": [1, 2]})
    >>> fig = view_extraction_scores(evaluate_extraction(g, g, on=["x"], by=None, n_boot=50))
    >>> len(fig.data)
    3
    """
    import plotly.graph_objects as go

    fig = go.Figure()
    for metric in ("precision", "recall", "f1"):
        value = scores[metric]
        fig.add_bar(name=metric, x=[str(i) for i in scores.index], y=value,
                    error_y=dict(type="data", symmetric=False, array=scores[f"{metric}_high"] - value,
                                 arrayminus=value - scores[f"{metric}_low"]))
    fig.update_layout(title=title, barmode="group", yaxis=dict(range=[0, 1.05], title="score (0 to 1)"),
                      height=380, margin=dict(t=60, b=40))
    return fig
