"""Survival (time-to-event) evaluation: concordance with a bootstrap CI, gene screening, Kaplan-Meier.

Survival data pair each patient's follow-up ``time`` with ``event`` (True = the event, e.g.
distant metastasis, was observed; False = censored: follow-up ended without it). Models
output a *risk score*: higher = event expected sooner.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.feature_selection import SelectorMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from .._utils.targets import check_survival as _check_survival
from .metrics import MetricCI, bootstrap_ci

__all__ = ["c_index", "c_index_ci", "cox_score_z", "CoxScoreSelector", "kaplan_meier",
           "view_kaplan_meier"]


def c_index(event, time, risk_score) -> float:
    """Harrell's concordance index: the chance that, of two comparable patients, the one with
    the higher risk score has the event first.

    It is the survival version of the ROC AUC (0.5 = coin toss, 1 = perfect ranking).

    Parameters
    ----------
    event : array of bool or 0/1, shape (n_samples,)
        True = event observed, False = censored.
    time : array of float, shape (n_samples,)
        Time to event or to censoring (any unit, e.g. days).
    risk_score : array of float, shape (n_samples,)
        Higher = event expected sooner.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        For mismatched lengths, events other than 0/1, negative or missing times, or when no
        pair of patients can be compared (e.g. every patient censored).

    Notes
    -----
    A pair is comparable when the earlier time is an event (or times tie and only the first
    patient has the event); ties in risk count one half. Computed pairwise in numpy, in blocks
    of rows, so bootstraps stay fast; the tests check it equals scikit-survival's
    ``concordance_index_censored`` and lifelines' ``concordance_index`` (ties included).
    Harrell FE et al. (1982) JAMA 247:2543-2546.

    Examples
    --------
    >>> c_index([1, 1, 0], [2.0, 5.0, 6.0], [0.9, 0.5, 0.1])
    1.0
    >>> c_index([1, 1, 0], [2.0, 5.0, 6.0], [0.1, 0.5, 0.9])
    0.0

    Taught in lesson 05.
    """
    risk_score = np.asarray(risk_score, dtype=float)
    event, time = _check_survival(event, time, len(risk_score))
    if not event.any():
        raise ValueError("no comparable pairs: every patient is censored (no event observed)")
    concordant, comparable = 0.0, 0
    for start in range(0, len(time), 1024):  # blocks of rows bound the memory (1024 x n)
        rows = slice(start, start + 1024)
        pairs = event[rows, None] & ((time[rows, None] < time[None, :])
                                     | ((time[rows, None] == time[None, :]) & ~event[None, :]))
        diff = risk_score[rows, None] - risk_score[None, :]
        concordant += float(((diff > 0) + 0.5 * (diff == 0))[pairs].sum())
        comparable += int(pairs.sum())
    if comparable == 0:
        raise ValueError("no comparable pairs: every event happened at the same time as, or "
                         "after, all other follow-up times")
    return concordant / comparable


def c_index_ci(event, time, risk_score, n_boot: int = 1000, ci: float = 0.95,
               random_state: int | None = 0) -> MetricCI:
    """Harrell's c-index with a percentile bootstrap confidence interval (patients resampled).

    Parameters
    ----------
    event, time, risk_score
        As in `c_index`.
    n_boot : int, default 1000
    ci : float, default 0.95
    random_state : int or None, default 0

    Returns
    -------
    MetricCI
        Prints as ``0.68 (95% CI 0.61 to 0.75)``.

    Raises
    ------
    ValueError
        As in `c_index`, or if ``ci`` is not in (0, 1).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> risk = rng.normal(size=80)
    >>> time = rng.exponential(np.exp(-risk))
    >>> r = c_index_ci(np.ones(80), time, risk, n_boot=200)
    >>> 0.5 < r.lower < r.value < r.upper
    True

    Taught in lesson 05.
    """
    risk_score = np.asarray(risk_score, dtype=float)
    event, time = _check_survival(event, time, len(risk_score))
    y = np.rec.fromarrays([event, time], names="event,time").view(np.ndarray)
    return bootstrap_ci(lambda y_, s: c_index(y_["event"], y_["time"], s), y, risk_score,
                        n_boot=n_boot, ci=ci, random_state=random_state)


def cox_score_z(X, event, time) -> pd.Series:
    """Univariate Cox score-test z statistic for every column of ``X`` (e.g. every gene).

    Used to screen thousands of genes quickly: z > 0 means higher expression, earlier events.
    It equals the signed square root of the log-rank chi-square for a 0/1 column (no ties).

    Parameters
    ----------
    X : DataFrame or array, shape (n_samples, n_features)
    event, time
        As in `c_index`.

    Returns
    -------
    Series
        One z per column (index = column names); NaN for a constant column.

    Raises
    ------
    ValueError
        As in `c_index`, or if ``X`` has a different number of rows.

    Notes
    -----
    Score test of beta = 0 in the Cox model with Breslow ties: U = sum over events of
    (x_i - mean x in the risk set), V = sum of the risk-set variances; z = U / sqrt(V).

    Examples
    --------
    >>> X = pd.DataFrame({"gene_a": [3.0, 2.0, 1.0, 0.0], "gene_b": [0.0, 1.0, 2.0, 3.0]})
    >>> cox_score_z(X, [1, 1, 1, 0], [1.0, 2.0, 3.0, 4.0]).round(2).tolist()
    [2.04, -2.04]

    Taught in lesson 05.
    """
    X = pd.DataFrame(X)
    event, time = _check_survival(event, time, len(X))
    order = np.argsort(-time, kind="stable")  # longest follow-up first: risk sets are prefixes
    x, ev, t = X.to_numpy(float)[order], event[order], time[order]
    s1, s2 = np.cumsum(x, axis=0), np.cumsum(x ** 2, axis=0)
    last = np.searchsorted(-t, -t, side="right") - 1  # row where each time's risk set ends
    n_risk = (last + 1)[:, None]
    mean, var = s1[last] / n_risk, s2[last] / n_risk - (s1[last] / n_risk) ** 2
    u = ((x - mean) * ev[:, None]).sum(axis=0)
    v = (var * ev[:, None]).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(v > 1e-12, u / np.sqrt(v), np.nan)
    return pd.Series(z, index=X.columns, name="cox_score_z")


class CoxScoreSelector(SelectorMixin, BaseEstimator):
    """Keep the ``k`` columns with the largest absolute univariate Cox score z (a gene screen).

    Put it *inside* a pipeline so that cross-validation repeats the screen on each training
    fold; screening on all patients first leaks the outcome into the test folds.

    Parameters
    ----------
    k : int, default 20
        Number of columns kept.

    Attributes
    ----------
    scores_ : ndarray, shape (n_features,)
        Absolute z per column (NaN for constant columns).

    Examples
    --------
    >>> from sksurv.util import Surv
    >>> X = np.array([[3.0, 0.1], [2.0, 0.3], [1.0, 0.2], [0.0, 0.4]])
    >>> y = Surv.from_arrays(event=[1, 1, 1, 0], time=[1.0, 2.0, 3.0, 4.0])
    >>> CoxScoreSelector(k=1).fit(X, y).get_support().tolist()
    [True, False]

    Taught in lesson 05.
    """

    def __init__(self, k: int = 20):
        self.k = k

    def fit(self, X, y):
        from sksurv.util import check_array_survival

        event, time = check_array_survival(X, y)
        X = validate_data(self, X, dtype=float)
        if not 1 <= int(self.k) <= X.shape[1]:
            raise ValueError(f"k must be between 1 and the number of columns ({X.shape[1]}); "
                             f"got {self.k}")
        self.scores_ = np.abs(cox_score_z(X, event, time).to_numpy())
        return self

    def _get_support_mask(self) -> np.ndarray:
        check_is_fitted(self, "scores_")
        keep = np.argsort(-np.nan_to_num(self.scores_, nan=-1.0), kind="stable")[: int(self.k)]
        mask = np.zeros(len(self.scores_), dtype=bool)
        mask[keep] = True
        return mask


def kaplan_meier(time, event, groups=None) -> pd.DataFrame:
    """Kaplan-Meier survival curve(s) with 95% log-log confidence bands, one per group.

    Parameters
    ----------
    time, event
        As in `c_index`.
    groups : array, shape (n_samples,), optional
        Group label per patient (e.g. "high risk"/"low risk"); one curve for all if omitted.

    Returns
    -------
    DataFrame
        ``group``, ``time``, ``survival`` (fraction event-free), ``lower``, ``upper``,
        ``at_risk`` (patients still followed at that time), starting at time 0.

    Raises
    ------
    ValueError
        As in `c_index`, or if ``groups`` has a different length.

    Notes
    -----
    Computed by ``sksurv.nonparametric.kaplan_meier_estimator(conf_type="log-log")``.
    Kaplan EL, Meier P (1958) J Am Stat Assoc 53:457-481.

    Examples
    --------
    >>> km = kaplan_meier([1.0, 2.0, 3.0, 4.0], [1, 0, 1, 0])
    >>> km["survival"].round(3).tolist()
    [1.0, 0.75, 0.75, 0.375, 0.375]

    Taught in lesson 05.
    """
    from sksurv.nonparametric import kaplan_meier_estimator

    event, time = _check_survival(event, time)
    groups = np.full(len(time), "all", dtype=object) if groups is None else np.asarray(groups)
    if len(groups) != len(time):
        raise ValueError(f"groups must have one label per patient ({len(time)}); got {len(groups)}")
    frames = []
    for g in pd.unique(groups):
        m = groups == g
        t, s, (lo, hi) = kaplan_meier_estimator(event[m], time[m], conf_type="log-log")
        t, s, lo, hi = np.r_[0.0, t], np.r_[1.0, s], np.r_[1.0, lo], np.r_[1.0, hi]
        at_risk = (time[m][None, :] >= t[:, None]).sum(axis=1)
        frames.append(pd.DataFrame({"group": g, "time": t, "survival": s, "lower": lo,
                                    "upper": hi, "at_risk": at_risk}))
    return pd.concat(frames, ignore_index=True)


def view_kaplan_meier(km: pd.DataFrame, title: str = "Kaplan-Meier", time_unit: str = "days",
                      output_file: str | None = None):
    """Interactive (plotly) step plot of `kaplan_meier` curves with shaded 95% bands.

    Parameters
    ----------
    km : DataFrame
        Output of `kaplan_meier`.
    title, time_unit : str
    output_file : str, optional
        Write a standalone HTML file.

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> fig = view_kaplan_meier(kaplan_meier([1.0, 2.0, 3.0], [1, 0, 1], ["a", "a", "b"]))
    >>> len(fig.data)  # a band and a curve per group
    4

    Taught in lesson 05.
    """
    import plotly.graph_objects as go

    fig = go.Figure()
    for g, d in km.groupby("group", sort=False):
        fig.add_trace(go.Scatter(x=np.r_[d["time"], d["time"][::-1]],
                                 y=np.r_[d["upper"], d["lower"][::-1]], fill="toself",
                                 line={"shape": "hv", "width": 0}, opacity=0.2, hoverinfo="skip",
                                 name=f"{g} 95% CI", showlegend=False))
        fig.add_trace(go.Scatter(x=d["time"], y=d["survival"], mode="lines", name=str(g),
                                 line={"shape": "hv"}, customdata=d["at_risk"],
                                 hovertemplate="t=%{x:.0f}<br>S=%{y:.2f}<br>at risk %{customdata}"))
    fig.update_layout(title=title, xaxis_title=f"time ({time_unit})",
                      yaxis_title="fraction event-free", yaxis_range=[0, 1.02])
    if output_file is not None:
        fig.write_html(output_file)
    return fig
