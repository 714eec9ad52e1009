"""Bias explorer: change the ancestry mix of the training set; watch AUC and calibration per ancestry.

Like every explorer: a *spec* of controls, a module-level ``_draw(**values) -> (figure,
summary_html)`` for one state, and `toolkit._utils.widgets.wire_app` joining the two. The
numbers come from `toolkit.evaluation.performance_by_training_share` (lesson 16), run once for
every mix on one simulated pool of patients (cached).
"""
from __future__ import annotations

import functools

import numpy as np

from .._utils.widgets import wire_app
from ._shared import pct

__all__ = ["bias_explorer_app", "bias_explorer_table"]

TITLE = "Bias explorer: who was the model trained on?"
ANCESTRIES = ("CEU", "CHB", "YRI")
MIXES = tuple(round(m, 1) for m in np.arange(0.1, 0.91, 0.1))  # CEU share of training
N_TRAIN, N_TEST = 900, 600  # training patients; test patients per ancestry
SPEC = {"ceu_share": ("FloatSlider", dict(value=0.8, min=0.1, max=0.9, step=0.1,
                                          description="CEU share of training set"))}


def _simulate_group(group: str, n: int, rng) -> tuple[np.ndarray, np.ndarray]:
    """Four features; in YRI the second feature matters less and the third more (SYNTHETIC)."""
    beta = {"CEU": [1.0, 0.9, 0.0, 0.5], "CHB": [1.0, 0.8, 0.1, 0.5], "YRI": [1.0, 0.2, 0.9, 0.5]}
    intercept = {"CEU": -1.0, "CHB": -1.2, "YRI": -0.4}
    X = rng.normal(size=(n, 4))
    y = rng.random(n) < 1 / (1 + np.exp(-(intercept[group] + X @ np.array(beta[group]))))
    return X, y.astype(int)


def _simulate_patients(n_per_group: int, random_state: int = 0):
    """``n_per_group`` patients of every ancestry: features, outcomes and ancestry labels."""
    rng = np.random.default_rng(random_state)
    parts = [_simulate_group(g, n_per_group, rng) for g in ANCESTRIES]
    return (np.vstack([X for X, _ in parts]), np.concatenate([y for _, y in parts]),
            np.repeat(ANCESTRIES, n_per_group))


@functools.lru_cache(maxsize=2)
def _bias_grid(random_state: int = 0):
    """AUC and ECE per (CEU share, ancestry), and the calibration curve behind each ECE."""
    from sklearn.linear_model import LogisticRegression

    from toolkit.evaluation import calibration_table, performance_by_training_share

    X, y, groups = _simulate_patients(N_TEST + N_TRAIN, random_state)
    table, predictions = performance_by_training_share(
        X, y, groups, "CEU", shares=MIXES, n_train=N_TRAIN, n_test_per_group=N_TEST,
        n_repeats=1, model=LogisticRegression(), random_state=random_state, rest="equal",
        return_predictions=True)
    curves = {key: calibration_table(rows["y"], rows["p"], n_bins=5, strategy="quantile")
              for key, rows in predictions.groupby(["share", "test_group"])}
    return table, curves


def bias_explorer_app(interactive: bool | None = None, random_state: int = 0):
    """Change the ancestry mix of the training set; watch AUC and calibration per ancestry.

    Parameters
    ----------
    interactive : bool, optional
        True: a slider for the CEU share of the 900 training patients (the rest split
        equally between CHB and YRI); False: a static figure at 80 % CEU.
    random_state : int, default 0
        Seeds the simulated patients, the test set and the training draws.

    Returns
    -------
    ipywidgets.VBox or plotly.graph_objects.Figure

    Notes
    -----
    SYNTHETIC: feature effects and baseline risk differ in YRI, so a model trained mostly on
    CEU patients ranks YRI patients worse and under-predicts their risk. One pool of 1,500
    simulated patients per ancestry; `toolkit.evaluation.performance_by_training_share`
    (``rest="equal"``) sets aside 600 test patients per ancestry and, for each of the 9 mixes,
    draws 900 training patients and fits one logistic regression (precomputed, about 1 s).
    ECE and the calibration curves use 5 equal-size bins of predicted risk.

    Examples
    --------
    >>> fig = bias_explorer_app(interactive=False)
    >>> [t.name for t in fig.data][:2]
    ['AUC', 'CEU']

    Taught in lesson 16.
    """
    return wire_app(functools.partial(_draw, random_state=random_state), SPEC, interactive, TITLE)


def bias_explorer_table(random_state: int = 0):
    """The explorer's numbers: test AUC and ECE of every ancestry for each CEU share of training.

    Returns
    -------
    pandas.DataFrame
        One row per (CEU share, test ancestry): ``share``, ``n_train_group``, ``test_group``,
        ``auc``, ``ece`` (as `toolkit.evaluation.performance_by_training_share`).

    Examples
    --------
    >>> t = bias_explorer_table()
    >>> sorted(t["share"].unique().tolist())[:2], sorted(t["test_group"].unique())
    ([0.1, 0.2], ['CEU', 'CHB', 'YRI'])

    Taught in lesson 16.
    """
    return _bias_grid(random_state)[0].copy()


def _draw(ceu_share: float, random_state: int = 0):
    """AUC bars and calibration curves per ancestry for the nearest precomputed mix."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    table, curves = _bias_grid(random_state)
    mix = min(MIXES, key=lambda m: abs(m - ceu_share))
    rows = table[table["share"] == mix]
    fig = make_subplots(1, 2, horizontal_spacing=0.14,
                        subplot_titles=("AUC by ancestry", "Calibration"))
    fig.add_trace(go.Bar(x=list(rows["test_group"]), y=list(rows["auc"]), name="AUC",
                         text=[f"{a:.3f}" for a in rows["auc"]],
                         hovertemplate="%{x}: AUC %{y:.3f}<extra></extra>"), 1, 1)
    for g in rows["test_group"]:
        curve = curves[mix, g]
        fig.add_trace(go.Scatter(x=curve["mean_predicted"], y=curve["observed_rate"], name=g,
                                 mode="lines+markers",
                                 hovertemplate=f"{g}<br>predicted risk %{{x:.0%}}<br>observed "
                                               "rate %{y:.0%}<extra></extra>"), 1, 2)
    fig.add_trace(go.Scatter(x=[0, 1], y=[0, 1], name="perfect", mode="lines",
                             line=dict(dash="dot", color="black")), 1, 2)
    fig.update_yaxes(range=[0.5, 1], row=1, col=1)
    fig.update_xaxes(title_text="mean predicted risk", range=[0, 1], row=1, col=2)
    fig.update_yaxes(title_text="observed rate", range=[0, 1], row=1, col=2)
    fig.update_yaxes(title_text="test AUC", row=1, col=1)
    fig.update_layout(height=420, width=980, legend=dict(orientation="h", y=-0.2))
    n_ceu = int(rows["n_train_group"].iloc[0])
    summary = (f"Training mix: <b>{pct(ceu_share)} CEU</b> ({n_ceu} of {N_TRAIN} patients; CHB "
               f"and YRI share the other {N_TRAIN - n_ceu} equally). " + "; ".join(
                   f"{r.test_group}: AUC <b>{r.auc:.3f}</b>, ECE {r.ece:.3f}"
                   for r in rows.itertuples()))
    return fig, summary
