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

__all__ = ["test_characteristics_app", "test_characteristics_numbers"]

TITLE = "Test characteristics: prevalence changes PPV"
PREVALENCES = np.logspace(-3, np.log10(0.5), 60)
SPEC = {"threshold": ("FloatSlider", dict(value=0.5, min=0.05, max=0.99, step=0.01,
                                          description="threshold (score ≥)")),
        "prevalence": ("FloatLogSlider", dict(value=0.01, base=10, min=-3, max=np.log10(0.5),
                                              step=0.05, description="prevalence",
                                              readout_format=".1%"))}


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

    When nobody tests positive the summary says "PPV undefined: nobody tests positive" and no
    PPV is drawn (`test_characteristics_numbers` gives the numbers).

    Taught in lesson 18.
    """
    return wire_app(functools.partial(_draw, random_state=random_state), SPEC, interactive, TITLE)


test_characteristics_app.__test__ = False  # a clinical term, not a pytest test: pytest must not collect it


def test_characteristics_numbers(threshold: float, prevalence: float, random_state: int = 0) -> dict:
    """What the explorer shows at one threshold and prevalence, as numbers.

    Parameters
    ----------
    threshold : float
        Scores at or above it count as positive.
    prevalence : float
        Fraction of the people tested who have the condition.
    random_state : int, default 0
        Seeds the synthetic test scores (as in `test_characteristics_app`).

    Returns
    -------
    dict
        ``sensitivity``, ``specificity``, ``ppv`` and ``npv`` (fractions; None when undefined:
        nobody in the sample tests positive, or negative), ``n_tested`` (1,000, 10,000 or
        100,000: enough people for at least 10 expected true positives when possible),
        ``true_positives`` and ``false_positives`` among them (expected counts), and
        ``n_called`` (people of the 600-person sample who test positive).

    Examples
    --------
    >>> n = test_characteristics_numbers(0.5, 0.01)
    >>> n["n_tested"], round(100 * n["ppv"], 1) == round(100 * n["true_positives"] /
    ...                                                (n["true_positives"] + n["false_positives"]), 1)
    (10000, True)
    >>> test_characteristics_numbers(0.99, 0.01)["ppv"] is None  # no score reaches 0.99
    True

    Taught in lesson 18.
    """
    from toolkit.evaluation import threshold_table

    y, score = _test_scores(random_state=random_state)
    row = threshold_table(y, score, [threshold], prevalence=prevalence).iloc[0]
    se, sp = float(row["sensitivity"]), float(row["specificity"])
    n_called = int(row["n_positive_calls"])
    n_tested = next((n for n in (1_000, 10_000, 100_000) if n * prevalence * se >= 10), 100_000)
    return {"sensitivity": se, "specificity": sp,
            "ppv": float(row["ppv"]) if n_called > 0 and np.isfinite(row["ppv"]) else None,
            "npv": float(row["npv"]) if n_called < len(y) and np.isfinite(row["npv"]) else None,
            "n_tested": n_tested, "true_positives": n_tested * prevalence * se,
            "false_positives": n_tested * (1 - prevalence) * (1 - sp), "n_called": n_called}


test_characteristics_numbers.__test__ = False  # not a pytest test


def _predictive(value: float | None, none_text: str) -> str:
    return pct(value) if value is not None else f"undefined: {none_text}"


def _draw(threshold: float, prevalence: float, random_state: int = 0):
    """The figure and summary for one threshold and prevalence."""
    n = test_characteristics_numbers(threshold, prevalence, random_state)
    tp, fp = n["true_positives"], n["false_positives"]
    ppv = _predictive(n["ppv"], "nobody tests positive")
    npv = _predictive(n["npv"], "nobody tests negative")
    if n["ppv"] is None:
        counts = f"Of {n['n_tested']:,} people tested, nobody tests positive."
    else:
        counts = (f"Of {n['n_tested']:,} people tested, about {tp + fp:,.0f} test positive: "
                  f"{tp:,.0f} true and {fp:,.0f} false alarms.")
        if n["n_called"] < 20:
            counts += (f" Caution: only {n['n_called']} of the 600 people in the sample test positive "
                       "at this threshold, so these numbers are very uncertain.")
    summary = (f"<b>Threshold {threshold:.2f}</b>: sensitivity {pct(n['sensitivity'])}, "
               f"specificity {pct(n['specificity'])}. At prevalence {pct(prevalence)}: "
               f"<b>PPV {ppv}</b>, <b>NPV {npv}</b>. {counts}")
    return _figure(_roc(random_state), threshold, prevalence, n), summary


def _figure(roc, threshold: float, prevalence: float, numbers: dict):
    """Left: the ROC curve with the chosen threshold; right: PPV and NPV against prevalence.

    ``roc`` is `_roc`'s table; ``numbers`` is `test_characteristics_numbers` at ``threshold``
    and ``prevalence``.
    """
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    from toolkit.evaluation import test_characteristics

    se, sp = numbers["sensitivity"], numbers["specificity"]
    curve = test_characteristics(se, sp, PREVALENCES)
    shown = {k: numbers[k] for k in ("ppv", "npv") if numbers[k] is not None}
    fig = make_subplots(1, 2, horizontal_spacing=0.14,
                        subplot_titles=("ROC curve (dot: threshold)", "PPV and NPV vs prevalence"))
    fig.add_trace(go.Scatter(x=1 - roc["specificity"], y=roc["sensitivity"], name="ROC curve",
                             mode="lines", customdata=np.c_[roc["threshold"], roc["specificity"]],
                             hovertemplate="threshold %{customdata[0]:.2f}<br>sensitivity "
                                           "%{y:.1%}<br>specificity %{customdata[1]:.1%}"
                                           "<extra></extra>"), 1, 1)
    fig.add_trace(go.Scatter(x=[1 - sp], y=[se], name="threshold", mode="markers",
                             marker=dict(size=12),
                             hovertemplate=f"threshold {threshold:.2f}<br>sensitivity "
                                           f"{pct(se)}<br>specificity {pct(sp)}<extra></extra>"),
                  1, 1)
    for name in shown:                      # undefined values are not drawn
        fig.add_trace(go.Scatter(x=PREVALENCES, y=getattr(curve, name), name=name.upper(),
                                 hovertemplate=f"prevalence %{{x:.1%}}<br>{name.upper()} "
                                               "%{y:.1%}<extra></extra>"), 1, 2)
    fig.add_trace(go.Scatter(x=[prevalence] * len(shown), y=list(shown.values()),
                             name="prevalence", mode="markers+text", marker=dict(size=11),
                             text=[f"{k.upper()} {pct(v)}" for k, v in shown.items()],
                             textposition="middle right",
                             hovertemplate="%{text}<extra></extra>"), 1, 2)
    fig.update_xaxes(title_text="1 - specificity", range=[0, 1], row=1, col=1)
    fig.update_yaxes(title_text="sensitivity", range=[0, 1.02], row=1, col=1)
    fig.update_xaxes(type="log", title_text="prevalence (log scale)",
                     tickvals=[0.001, 0.003, 0.01, 0.03, 0.1, 0.3],
                     ticktext=["0.1 %", "0.3 %", "1 %", "3 %", "10 %", "30 %"], row=1, col=2)
    fig.update_yaxes(range=[0, 1.02], tickformat=".0%", row=1, col=2)
    fig.update_layout(height=440, width=980, showlegend=False)
    return fig
