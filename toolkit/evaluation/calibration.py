"""Calibration: do predicted risks match what actually happens?

A model is *calibrated* when, among patients given a 20 % risk, about 20 % have the event.
Good discrimination (AUC) does not imply good calibration; a risk shown to a patient needs both.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .._utils.validation import check_one_of
from .metrics import _check_binary

__all__ = ["calibration_table", "expected_calibration_error", "view_calibration"]

_STRATEGIES = ("uniform", "quantile")


def calibration_table(y_true, y_prob, n_bins: int = 10, strategy: str = "uniform") -> pd.DataFrame:
    """Group patients by predicted risk and compare mean predicted risk with the observed rate.

    This is the table behind a calibration (reliability) plot.

    Parameters
    ----------
    y_true : array of 0/1, shape (n_samples,)
    y_prob : array of float in [0, 1], shape (n_samples,)
        Predicted probability of the event (a fraction, not a percentage).
    n_bins : int, default 10
    strategy : {"uniform", "quantile"}, default "uniform"
        "uniform": bins of equal width in risk (0-0.1, 0.1-0.2, ...);
        "quantile": bins with about the same number of patients.
        A bin holds risks in (bin_low, bin_high], as in scikit-learn.

    Returns
    -------
    DataFrame
        One row per non-empty bin: ``bin_low``, ``bin_high``, ``n``, ``mean_predicted``,
        ``observed_rate``, and a 95 % Wilson interval ``observed_lower``, ``observed_upper``.

    Raises
    ------
    ValueError
        If ``y_prob`` is outside [0, 1], ``strategy`` is unknown, or lengths differ.

    See Also
    --------
    sklearn.calibration.calibration_curve : the same means for uniform/quantile bins.

    Examples
    --------
    >>> t = calibration_table([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9], n_bins=2)
    >>> t[["n", "mean_predicted", "observed_rate"]].round(2).values.tolist()
    [[2.0, 0.15, 0.0], [2.0, 0.85, 1.0]]

    Taught in lesson 18.
    """
    y_true, y_prob = _check_prob(y_true, y_prob)
    bins = _bin_edges(y_prob, n_bins, strategy)
    which = np.clip(np.searchsorted(bins[1:-1], y_prob), 0, len(bins) - 2)
    rows = []
    for b in np.unique(which):
        inside = which == b
        n, k = int(inside.sum()), int(y_true[inside].sum())
        low, high = _wilson(k, n)
        rows.append({"bin_low": bins[b], "bin_high": bins[b + 1], "n": n,
                     "mean_predicted": y_prob[inside].mean(), "observed_rate": k / n,
                     "observed_lower": low, "observed_upper": high})
    return pd.DataFrame(rows)


def expected_calibration_error(y_true, y_prob, n_bins: int = 10, strategy: str = "uniform") -> float:
    """Expected calibration error (ECE): average gap between predicted and observed risk.

    ECE = sum over bins of (n_bin / n) * |observed rate - mean predicted risk|, a fraction
    (0.05 = predictions off by 5 percentage points on average). 0 = perfectly calibrated bins.

    Parameters
    ----------
    y_true, y_prob, n_bins, strategy
        As in `calibration_table`.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        As in `calibration_table`.

    Notes
    -----
    Naeini MP, Cooper G, Hauskrecht M. Obtaining well calibrated probabilities using
    Bayesian binning. AAAI 2015. ECE depends on the binning; report ``n_bins`` with it.

    Examples
    --------
    >>> expected_calibration_error([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5])
    0.0
    >>> expected_calibration_error([0, 0, 1, 1], [0.9, 0.9, 0.1, 0.1])
    0.9

    Taught in lesson 18.
    """
    t = calibration_table(y_true, y_prob, n_bins, strategy)
    gap = (t["observed_rate"] - t["mean_predicted"]).abs()
    return round(float((t["n"] * gap).sum() / t["n"].sum()), 12)


def view_calibration(y_true, y_prob, n_bins: int = 10, strategy: str = "uniform",
                     title: str = "Calibration", output_file: str | None = None):
    """Interactive calibration plot (plotly): observed rate against mean predicted risk per bin.

    Parameters
    ----------
    y_true : array of 0/1
    y_prob : array of float, or dict ``{model name: array}`` to overlay models
    n_bins, strategy
        As in `calibration_table`.
    title : str
    output_file : str, optional
        Write the figure as a standalone HTML file.

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> fig = view_calibration([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9], n_bins=2)
    >>> len(fig.data)  # diagonal + one model
    2

    Taught in lesson 18.
    """
    import plotly.graph_objects as go

    models = y_prob if isinstance(y_prob, dict) else {"model": y_prob}
    fig = go.Figure(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="perfect calibration",
                               line={"dash": "dash", "color": "grey"}))
    for name, prob in models.items():
        t = calibration_table(y_true, prob, n_bins, strategy)
        err = {"type": "data", "symmetric": False,
               "array": t["observed_upper"] - t["observed_rate"],
               "arrayminus": t["observed_rate"] - t["observed_lower"]}
        fig.add_trace(go.Scatter(x=t["mean_predicted"], y=t["observed_rate"], error_y=err,
                                 mode="lines+markers", name=name, customdata=t["n"],
                                 hovertemplate="predicted %{x:.2f}<br>observed %{y:.2f}"
                                               "<br>n = %{customdata}"))
    fig.update_layout(title=title, xaxis_title="mean predicted risk",
                      yaxis_title="observed event rate (95% CI)", xaxis_range=[0, 1],
                      yaxis_range=[0, 1])
    if output_file is not None:
        fig.write_html(output_file)
    return fig



def _check_prob(y_true, y_prob):
    y_true, y_prob = _check_binary(y_true, y_prob)
    if y_prob.min() < 0 or y_prob.max() > 1:
        raise ValueError(f"y_prob must be probabilities between 0 and 1; found values from "
                         f"{y_prob.min():.3g} to {y_prob.max():.3g}. Use predict_proba(X)[:, 1], "
                         "not a score or a percentage.")
    return y_true, y_prob


def _bin_edges(y_prob: np.ndarray, n_bins: int, strategy: str) -> np.ndarray:
    check_one_of("strategy", strategy, _STRATEGIES)
    if int(n_bins) < 1:
        raise ValueError(f"n_bins must be a positive integer; got {n_bins!r}")
    if strategy == "uniform":
        return np.linspace(0.0, 1.0, n_bins + 1)
    return np.quantile(y_prob, np.linspace(0, 1, n_bins + 1))


def _wilson(k: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """Wilson score 95 % interval for a proportion k/n."""
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return float(centre - half), float(centre + half)
