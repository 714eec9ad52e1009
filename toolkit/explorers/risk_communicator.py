"""Risk communicator explorer: absolute vs relative risk by polygenic-score decile.

Like every explorer: a *spec* of controls, a module-level ``_draw(**values) -> (figure,
summary_html)`` for one state, and `toolkit._utils.widgets.wire_app` joining the two.
"""
from __future__ import annotations

import functools

import numpy as np

from .._utils.widgets import wire_app
from ._shared import pct

__all__ = ["risk_communicator_app", "risk_by_decile"]

# Illustrative odds ratios per SD of a PRS built from European-ancestry GWAS; the drop in
# other ancestries mirrors the loss of accuracy reported by Martin et al., Nat Genet 2019.
PRS_OR_PER_SD = {"CEU": 1.6, "CHB": 1.4, "YRI": 1.15}
TITLE = "Risk communicator: absolute vs relative risk"
#: Population codes as the page shows them (1000 Genomes / HapMap samples).
POPULATIONS = {"CEU": "CEU (European: Utah, CEPH)", "CHB": "CHB (Han Chinese, Beijing)",
               "YRI": "YRI (Yoruba, Ibadan, Nigeria)"}
SPEC = {"ancestry": ("Dropdown", dict(value="CEU", options=[(POPULATIONS[a], a) for a in PRS_OR_PER_SD],
                                      description="ancestry")),
        "baseline_pct": ("FloatSlider", dict(value=10.0, min=1.0, max=40.0, step=1.0,
                                             description="average lifetime risk (%)")),
        "decile": ("IntSlider", dict(value=10, min=1, max=10, description="patient's decile"))}
_BAR_TEXT = dict(textangle=0, textposition="outside", cliponaxis=False, textfont_size=10)


@functools.lru_cache(maxsize=64)
def _risk_by_decile(ancestry: str, baseline: float, n: int = 20000, random_state: int = 0) -> np.ndarray:
    """Average absolute risk per PRS decile, intercept tuned so the mean risk is ``baseline``."""
    from scipy.optimize import brentq

    prs = np.sort(np.random.default_rng(random_state).normal(size=n))
    beta = np.log(PRS_OR_PER_SD[ancestry])
    alpha = brentq(lambda a: np.mean(1 / (1 + np.exp(-(a + beta * prs)))) - baseline, -20, 20)
    risk = 1 / (1 + np.exp(-(alpha + beta * prs)))
    return risk.reshape(10, -1).mean(axis=1)


def risk_communicator_app(interactive: bool | None = None):
    """Absolute vs relative risk by polygenic-score decile, for three ancestries.

    "Twice the risk" can mean 2 % -> 4 % or 20 % -> 40 %: this shows both numbers, and how a
    score trained mostly in European-ancestry people separates risk less in others.

    Parameters
    ----------
    interactive : bool, optional
        True: ancestry, baseline risk and decile controls; False: a static figure.

    Returns
    -------
    ipywidgets.VBox or plotly.graph_objects.Figure

    Notes
    -----
    SYNTHETIC: lifetime risk = logistic(a + log(OR) x PRS), PRS ~ N(0, 1), with the
    illustrative odds ratios per SD in ``PRS_OR_PER_SD``; ``a`` is set so the average risk
    equals the chosen baseline.

    Examples
    --------
    >>> fig = risk_communicator_app(interactive=False)
    >>> len(fig.data)
    2

    Taught in lesson 03.
    """
    return wire_app(_draw, SPEC, interactive, TITLE)


def risk_by_decile(ancestry: str, baseline_pct: float) -> np.ndarray:
    """Average absolute lifetime risk (%) in each polygenic-score decile, as the explorer shows it.

    Parameters
    ----------
    ancestry : {"CEU", "CHB", "YRI"}
    baseline_pct : float
        Average lifetime risk in the population, in %.

    Returns
    -------
    numpy.ndarray
        10 risks in %, decile 1 (lowest scores) to 10; their mean is ``baseline_pct``.

    Examples
    --------
    >>> risk = risk_by_decile("CEU", 10)
    >>> round(float(risk.mean()), 1), bool(risk[-1] > risk[0])
    (10.0, True)

    Taught in lesson 03.
    """
    return 100 * _risk_by_decile(ancestry, round(baseline_pct / 100, 4))


def _draw(ancestry: str, baseline_pct: float, decile: int):
    """Absolute and relative risk bars for every decile, the patient's decile in red."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    from ..viz.a11y import OKABE_ITO

    base = baseline_pct / 100
    risk = _risk_by_decile(ancestry, round(base, 4))
    colours = [OKABE_ITO[5] if d == decile else OKABE_ITO[4] for d in range(1, 11)]  # vermilion, blue
    fig = make_subplots(1, 2, horizontal_spacing=0.12,
                        subplot_titles=("Absolute risk (%)", "Relative risk (x average)"))
    fig.add_trace(go.Bar(x=list(range(1, 11)), y=100 * risk, marker_color=colours,
                         text=[f"{100 * r:.1f}" for r in risk], name="absolute",
                         hovertemplate="decile %{x}<br>absolute risk %{y:.1f} %<extra></extra>",
                         **_BAR_TEXT), 1, 1)
    fig.add_trace(go.Bar(x=list(range(1, 11)), y=risk / base, marker_color=colours,
                         text=[f"{r / base:.2f}x" for r in risk], name="relative",
                         hovertemplate="decile %{x}<br>relative risk %{y:.2f}x<extra></extra>",
                         **_BAR_TEXT), 1, 2)
    fig.add_hline(y=baseline_pct, line_dash="dot", row=1, col=1)
    fig.add_hline(y=1, line_dash="dot", row=1, col=2)
    fig.update_xaxes(title_text="PRS decile (1 = lowest)", dtick=1)
    fig.update_layout(height=420, width=980, showlegend=False)
    r = risk[decile - 1]
    summary = (f"<b>{ancestry}</b>, PRS decile <b>{decile}</b>: absolute lifetime risk "
               f"<b>{pct(r)}</b> vs {pct(base)} on average, relative risk "
               f"<b>{r / base:.2f}x</b>: {100 * abs(r - base):.1f} "
               f"{'more' if r >= base else 'fewer'} cases per 100 people. "
               f"Top vs bottom decile: {risk[-1] / risk[0]:.1f}x. (Synthetic, illustrative.)")
    return fig, summary
