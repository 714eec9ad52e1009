"""Interactive plotly figures for association results and population structure."""
from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["view_manhattan", "view_qq", "view_pca"]


def _save(fig, output_file):
    if output_file is not None:
        fig.write_html(str(output_file), include_plotlyjs=True)
    return fig


def view_manhattan(results: pd.DataFrame, threshold: float = 5e-8, title: str = "Manhattan plot",
                   highlight=None, output_file=None):
    """Manhattan plot: -log10(p) of every variant against its position (a plotly Figure).

    Peaks that cross the dashed line (genome-wide significance, default p = 5e-8) are the
    GWAS "hits"; hover a point to see its id and p-value.

    Parameters
    ----------
    results : DataFrame from `gwas` (index = variant id; columns ``chrom``, ``pos``, ``p``).
    threshold : float, default 5e-8
    title : str
    highlight : list of variant ids, optional
        Marked with red rings, e.g. the true causal variants of a simulated trait.
    output_file : str or Path, optional
        Also save as a self-contained HTML file.

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> res = pd.DataFrame({"chrom": ["22"] * 3, "pos": [1, 2, 3], "p": [0.5, 1e-9, 0.1]},
    ...                    index=["a", "b", "c"])
    >>> len(view_manhattan(res).data)
    1

    Taught in lesson 03.
    """
    import plotly.graph_objects as go

    fig = go.Figure()
    for chrom, part in results.groupby("chrom", sort=False):
        fig.add_trace(go.Scattergl(
            x=part["pos"] / 1e6, y=-np.log10(part["p"].clip(lower=1e-300)), mode="markers",
            marker={"size": 4}, name=f"chr{chrom}", text=part.index,
            hovertemplate="%{text}<br>%{x:.3f} Mb<br>-log10 p = %{y:.2f}<extra></extra>"))
    if highlight is not None:
        part = results.loc[results.index.isin(list(highlight))]
        fig.add_trace(go.Scattergl(
            x=part["pos"] / 1e6, y=-np.log10(part["p"].clip(lower=1e-300)), mode="markers",
            marker={"size": 10, "color": "rgba(0,0,0,0)", "line": {"color": "red", "width": 2}},
            name="highlighted", text=part.index, hovertemplate="%{text} (highlighted)<extra></extra>"))
    fig.add_hline(y=-np.log10(threshold), line_dash="dash", line_color="red")
    fig.update_layout(title=title, xaxis_title="position (Mb)", yaxis_title="-log10(p)",
                      showlegend=False)
    return _save(fig, output_file)


def view_qq(p, title: str = "QQ plot", output_file=None):
    """Quantile-quantile plot of p-values against the uniform distribution expected under no effect.

    Points on the diagonal = well-calibrated tests; an early lift-off from the diagonal means
    inflation (e.g. confounding by ancestry); a late lift-off = a few true signals.

    Examples
    --------
    >>> len(view_qq([0.5, 0.01, 0.9]).data)
    2

    Taught in lesson 02.
    """
    import plotly.graph_objects as go

    p = np.sort(np.asarray(p, dtype=float)[~np.isnan(np.asarray(p, dtype=float))])
    expected = -np.log10((np.arange(1, len(p) + 1) - 0.5) / len(p))
    observed = -np.log10(np.clip(p, 1e-300, 1))
    top = float(max(expected.max(initial=1), observed.max(initial=1)))
    fig = go.Figure([go.Scattergl(x=expected, y=observed, mode="markers", marker={"size": 4},
                                  name="variants"),
                     go.Scatter(x=[0, top], y=[0, top], mode="lines", name="expected",
                                line={"dash": "dash", "color": "grey"})])
    fig.update_layout(title=title, xaxis_title="expected -log10(p)", yaxis_title="observed -log10(p)")
    return _save(fig, output_file)


def view_pca(pcs: pd.DataFrame, populations=None, x: str = "PC1", y: str = "PC2",
             title: str = "Principal components", output_file=None):
    """Scatter plot of two principal components, one colour per population.

    Examples
    --------
    >>> pcs = pd.DataFrame({"PC1": [0.1, -0.2], "PC2": [0.3, 0.0]}, index=["a", "b"])
    >>> len(view_pca(pcs, populations=["YRI", "CEU"]).data)
    2

    Taught in lesson 02.
    """
    import plotly.graph_objects as go

    groups = np.asarray(populations if populations is not None else ["all"] * len(pcs), dtype=str)
    ratio = pcs.attrs.get("explained_variance_ratio")
    labels = {c: c for c in (x, y)}
    if ratio:
        for c in (x, y):
            labels[c] = f"{c} ({100 * ratio[int(c[2:]) - 1]:.1f}% of variance)"
    fig = go.Figure()
    for group in dict.fromkeys(groups):
        part = pcs[groups == group]
        fig.add_trace(go.Scatter(x=part[x], y=part[y], mode="markers", name=group, text=part.index,
                                 hovertemplate="%{text}<extra>" + group + "</extra>"))
    fig.update_layout(title=title, xaxis_title=labels[x], yaxis_title=labels[y])
    return _save(fig, output_file)

