"""From scores to decisions: thresholds, predictive values and decision curves.

A test's sensitivity and specificity belong to the test; its positive and negative predictive
values (PPV, NPV) also depend on how common the condition is (prevalence), by Bayes' rule.
A decision curve asks whether acting on the model does more good than harm at a threshold.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from .metrics import _check_binary

__all__ = ["PredictiveValues", "test_characteristics", "threshold_table", "net_benefit",
           "decision_curve", "view_decision_curve"]


class PredictiveValues(NamedTuple):
    """Positive and negative predictive values (fractions)."""

    ppv: float
    npv: float


def test_characteristics(sensitivity, specificity, prevalence) -> PredictiveValues:
    """PPV and NPV of a test from its sensitivity, specificity and the prevalence (Bayes' rule).

    Shows why a good test gives mostly false alarms when screening for a rare condition.
    Inputs may be arrays; they broadcast like numpy.

    Parameters
    ----------
    sensitivity : float or array, fraction in [0, 1]
        P(test positive | condition).
    specificity : float or array, fraction in [0, 1]
        P(test negative | no condition).
    prevalence : float or array, fraction in [0, 1]
        P(condition) in the people tested (pre-test probability).

    Returns
    -------
    PredictiveValues
        ``ppv`` = P(condition | positive), ``npv`` = P(no condition | negative); NaN where
        undefined (e.g. nobody tests positive).

    Raises
    ------
    ValueError
        If any input lies outside [0, 1].

    Notes
    -----
    PPV = se p / (se p + (1 - sp)(1 - p)); NPV = sp (1 - p) / (sp (1 - p) + (1 - se) p).
    Altman DG, Bland JM. Diagnostic tests 2: predictive values. BMJ 1994;309:102.

    Examples
    --------
    >>> r = test_characteristics(0.9, 0.9, 0.01)
    >>> round(float(r.ppv), 4), round(float(r.npv), 4)
    (0.0833, 0.9989)

    Taught in lesson 18.
    """
    se, sp, p = (np.asarray(v, dtype=float) for v in (sensitivity, specificity, prevalence))
    for name, v in (("sensitivity", se), ("specificity", sp), ("prevalence", p)):
        if np.any((v < 0) | (v > 1)):
            raise ValueError(f"{name} must be a fraction between 0 and 1; got {v}. "
                             "Divide percentages by 100.")
    with np.errstate(invalid="ignore", divide="ignore"):
        ppv = se * p / (se * p + (1 - sp) * (1 - p))
        npv = sp * (1 - p) / (sp * (1 - p) + (1 - se) * p)
    return PredictiveValues(ppv[()], npv[()])


test_characteristics.__test__ = False  # a clinical term, not a pytest test: pytest must not collect it


def threshold_table(y_true, y_score, thresholds, prevalence: float | None = None) -> pd.DataFrame:
    """Sensitivity, specificity, PPV and NPV when calling "positive" at ``score >= threshold``.

    Sensitivity and specificity are measured in this sample; PPV and NPV are recomputed for
    ``prevalence`` (e.g. the screening population), or the sample's own prevalence if None.

    Parameters
    ----------
    y_true : array of 0/1, shape (n_samples,)
    y_score : array of float, shape (n_samples,)
    thresholds : sequence of float
    prevalence : float, optional
        Target prevalence (fraction) for PPV and NPV.

    Returns
    -------
    DataFrame
        Columns ``threshold``, ``n_positive_calls``, ``sensitivity``, ``specificity``,
        ``ppv``, ``npv``, ``prevalence``.

    Raises
    ------
    ValueError
        For mismatched lengths, a single-class ``y_true`` or a prevalence outside [0, 1].

    Examples
    --------
    >>> t = threshold_table([0, 0, 1, 1], [0.2, 0.6, 0.4, 0.9], [0.5], prevalence=0.5)
    >>> t[["sensitivity", "specificity", "ppv"]].values.tolist()
    [[0.5, 0.5, 0.5]]

    Taught in lesson 18.
    """
    y_true, y_score = _check_binary(y_true, y_score)
    p = y_true.mean() if prevalence is None else prevalence
    rows = []
    for t in np.atleast_1d(np.asarray(thresholds, dtype=float)):
        called = y_score >= t
        se = called[y_true == 1].mean()
        sp = (~called[y_true == 0]).mean()
        ppv, npv = test_characteristics(se, sp, p)
        rows.append({"threshold": t, "n_positive_calls": int(called.sum()), "sensitivity": se,
                     "specificity": sp, "ppv": float(ppv), "npv": float(npv),
                     "prevalence": float(p)})
    return pd.DataFrame(rows)


def net_benefit(y_true, y_prob, threshold: float) -> float:
    """Net benefit of treating patients whose predicted risk is at least ``threshold``.

    Net benefit = TP/n - FP/n * pt / (1 - pt): true positives per patient, minus false
    positives weighted by the harm-to-benefit odds implied by the threshold ``pt``. A clinician
    who would treat at 20 % risk accepts 4 unnecessary treatments per case found (0.2/0.8).

    Parameters
    ----------
    y_true : array of 0/1
    y_prob : array of float in [0, 1]
        Predicted risk.
    threshold : float in (0, 1)
        Threshold probability ``pt``.

    Returns
    -------
    float
        In units of "true positives per patient".

    Raises
    ------
    ValueError
        If ``threshold`` is not strictly between 0 and 1.

    Notes
    -----
    Vickers AJ, Elkin EB. Decision curve analysis: a novel method for evaluating prediction
    models. Med Decis Making 2006;26:565-574.

    Examples
    --------
    >>> net_benefit([1, 1, 0, 0, 0], [0.9, 0.3, 0.6, 0.1, 0.1], threshold=0.5)  # 1/5 - 1/5 * 1
    0.0

    Taught in lesson 18.
    """
    if not 0 < threshold < 1:
        raise ValueError(f"threshold must be strictly between 0 and 1; got {threshold!r}")
    y_true, y_prob = _check_binary(y_true, y_prob)
    treat = y_prob >= threshold
    n = len(y_true)
    tp, fp = np.sum(treat & (y_true == 1)), np.sum(treat & (y_true == 0))
    return float(tp / n - fp / n * threshold / (1 - threshold))


def decision_curve(y_true, y_prob, thresholds=None) -> pd.DataFrame:
    """Net benefit of the model(s), of treating everybody and of treating nobody, per threshold.

    A model is useful at threshold ``pt`` only where its curve lies above both "treat all"
    and "treat none" (which is 0 everywhere).

    Parameters
    ----------
    y_true : array of 0/1
    y_prob : array of float, or dict ``{model name: array}``
    thresholds : sequence of float in (0, 1), default 0.01, 0.02, ..., 0.99

    Returns
    -------
    DataFrame
        Columns ``threshold``, ``treat_all``, ``treat_none`` and one column per model.

    Examples
    --------
    >>> d = decision_curve([1, 0, 0, 0], [0.8, 0.1, 0.3, 0.1], thresholds=[0.2])
    >>> d.round(3).values.tolist()  # treat all: 1/4 - 3/4 * 0.25
    [[0.2, 0.062, 0.0, 0.188]]

    Taught in lesson 18.
    """
    thresholds = np.arange(1, 100) / 100 if thresholds is None else np.asarray(thresholds, float)
    models = y_prob if isinstance(y_prob, dict) else {"model": y_prob}
    y = np.asarray(y_true)
    prevalence = _check_binary(y, np.zeros(len(y)))[0].mean()
    out = pd.DataFrame({"threshold": thresholds})
    out["treat_all"] = prevalence - (1 - prevalence) * thresholds / (1 - thresholds)
    out["treat_none"] = 0.0
    for name, prob in models.items():
        out[name] = [net_benefit(y, prob, t) for t in thresholds]
    return out


def view_decision_curve(curve: pd.DataFrame, title: str = "Decision curve",
                        output_file: str | None = None):
    """Plot a `decision_curve` table with plotly: net benefit against threshold probability.

    Parameters
    ----------
    curve : DataFrame from `decision_curve`
    title : str
    output_file : str, optional
        Write the figure as a standalone HTML file.

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> fig = view_decision_curve(decision_curve([1, 0, 0], [0.8, 0.2, 0.4]))
    >>> [t.name for t in fig.data]
    ['treat_all', 'treat_none', 'model']

    Taught in lesson 18.
    """
    import plotly.graph_objects as go

    fig = go.Figure()
    for name in curve.columns.drop("threshold"):
        dash = "dot" if name in ("treat_all", "treat_none") else None
        fig.add_trace(go.Scatter(x=curve["threshold"], y=curve[name], mode="lines", name=name,
                                 line={"dash": dash}))
    top = curve.drop(columns="threshold").to_numpy().max()
    fig.update_layout(title=title, xaxis_title="threshold probability (risk at which you treat)",
                      yaxis_title="net benefit (true positives per patient)",
                      yaxis_range=[-0.05, max(top, 0.05) * 1.1])
    if output_file is not None:
        fig.write_html(output_file)
    return fig

