"""Test characteristics explorer: prevalence x threshold -> sensitivity, specificity, PPV, NPV.

(The module is not called ``test_characteristics.py``: pytest would collect that as a test file.)

Like every explorer: a *spec* of controls, a module-level ``_draw(**values) -> (figure,
summary_html)`` for one state, and `toolkit._utils.widgets.wire_app` joining the two.
"""
from __future__ import annotations

import functools

import numpy as np

from .._utils.widgets import wire_app
from ._shared import pct

__all__ = ["test_characteristics_app"]

TITLE = "Test characteristics: prevalence changes PPV"
PREVALENCES = np.logspace(-3, np.log10(0.5), 60)
SPEC = {"threshold": ("FloatSlider", dict(value=0.5, min=0.05, max=0.95, step=0.01,
                                          description="threshold (score ≥)")),
        "prevalence": ("FloatLogSlider", dict(value=0.01, base=10, min=-3, max=np.log10(0.5),
                                              step=0.05, description="prevalence",
                                              readout_format=".3f"))}


@functools.lru_cache(maxsize=4)
def _test_scores(n: int = 600, separation: float = 1.6, random_state: int = 0):
    """SYNTHETIC scores: half of ``n`` people have the condition; a logistic of a shifted normal."""
    rng = np.random.default_rng(random_state)
    y = (rng.random(n) < 0.5).astype(int)
    score = 1 / (1 + np.exp(-(rng.normal(size=n) + separation * (y - 0.5))))
    return y, score


@functools.lru_cache(maxsize=4)
def _roc(random_state: int = 0):
    """Sensitivity and specificity at 201 thresholds from 0 to 1 (the ROC curve)."""
    from toolkit.evaluation import threshold_table

    return threshold_table(*_test_scores(random_state=random_state), np.linspace(0, 1, 201))


def test_characteristics_app(interactive: bool | None = None, random_state: int = 0):
    """Prevalence x threshold -> sensitivity, specificity, PPV and NPV, on an ROC curve.

    Shows at the bedside why the same test gives mostly false alarms in screening (low
    prevalence) but is useful in a clinic (high prevalence), and what moving the cut-off does.

    Parameters
    ----------
    interactive : bool, optional
        True: sliders (threshold, prevalence) around a plotly FigureWidget; False: a static
        plotly figure at threshold 0.5 and prevalence 1 %. Default: True inside a kernel.
    random_state : int, default 0
        Seeds the synthetic test scores (600 people, half with the condition).

    Returns
    -------
    ipywidgets.VBox or plotly.graph_objects.Figure

    Examples
    --------
    >>> fig = test_characteristics_app(interactive=False)
    >>> [t.name for t in fig.data]
    ['ROC curve', 'threshold', 'PPV', 'NPV', 'prevalence']

    Taught in lesson 18.
    """
    return wire_app(functools.partial(_draw, random_state=random_state), SPEC, interactive, TITLE)


test_characteristics_app.__test__ = False  # a clinical term, not a pytest test: pytest must not collect it


def _draw(threshold: float, prevalence: float, random_state: int = 0):
    """The figure and summary for one threshold and prevalence."""
    from toolkit.evaluation import threshold_table

    y, score = _test_scores(random_state=random_state)
    row = threshold_table(y, score, [threshold], prevalence=prevalence).iloc[0]
    se, sp = row["sensitivity"], row["specificity"]
    tp = 1000 * prevalence * se
    fp = 1000 * (1 - prevalence) * (1 - sp)
    summary = (f"<b>Threshold {threshold:.2f}</b>: sensitivity {pct(se)}, specificity {pct(sp)}."
               f" At prevalence {pct(prevalence)}: <b>PPV {pct(row['ppv'])}</b>, "
               f"<b>NPV {pct(row['npv'])}</b>. Of 1000 people tested, {tp + fp:.0f} test "
               f"positive: {tp:.0f} true and {fp:.0f} false alarms.")
    return _figure(_roc(random_state), row, prevalence), summary


def _figure(roc, row, prevalence: float):
    """Left: the ROC curve with the chosen threshold; right: PPV and NPV against prevalence."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    from toolkit.evaluation import test_characteristics

    se, sp = row["sensitivity"], row["specificity"]
    curve = test_characteristics(se, sp, PREVALENCES)
    fig = make_subplots(1, 2, subplot_titles=("ROC curve (dot = chosen threshold)",
                                              "Predictive values vs prevalence"))
    fig.add_trace(go.Scatter(x=1 - roc["specificity"], y=roc["sensitivity"], name="ROC curve",
                             mode="lines"), 1, 1)
    fig.add_trace(go.Scatter(x=[1 - sp], y=[se], name="threshold", mode="markers+text",
                             text=[f"sens {pct(se)}, spec {pct(sp)}"],
                             textposition="bottom right", marker=dict(size=12)), 1, 1)
    fig.add_trace(go.Scatter(x=PREVALENCES, y=curve.ppv, name="PPV"), 1, 2)
    fig.add_trace(go.Scatter(x=PREVALENCES, y=curve.npv, name="NPV"), 1, 2)
    fig.add_trace(go.Scatter(x=[prevalence, prevalence], y=[row["ppv"], row["npv"]],
                             name="prevalence", mode="markers+text", marker=dict(size=11),
                             text=[f"PPV {pct(row['ppv'])}", f"NPV {pct(row['npv'])}"],
                             textposition="middle right"), 1, 2)
    fig.update_xaxes(title_text="1 - specificity (false-positive rate)", range=[0, 1], row=1, col=1)
    fig.update_yaxes(title_text="sensitivity", range=[0, 1.02], row=1, col=1)
    fig.update_xaxes(type="log", title_text="prevalence (log scale)", row=1, col=2)
    fig.update_yaxes(range=[0, 1.02], row=1, col=2)
    fig.update_layout(height=440, width=980, showlegend=False)
    return fig
