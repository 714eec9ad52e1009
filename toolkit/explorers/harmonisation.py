"""Harmonisation explorer: how strong are the scanner effects, how confounded is the biology?

Two sliders change the SYNTHETIC three-hospital study of lesson 26 (scanner effect strength, and
the mutation rate at site C); the app shows, without and with ComBat (fitted inside the
cross-validation folds), how well the hospital can be guessed from the radiomics features and
how well the mutation is found within each hospital. Like every explorer: a *spec* of controls,
a module-level ``_draw(**values) -> (figure, summary_html)`` and
`toolkit._utils.widgets.wire_app` joining the two.
"""
from __future__ import annotations

import functools

from .._utils.widgets import wire_app
from ._shared import pct

__all__ = ["harmonisation_explorer_app", "harmonisation_numbers"]

#: The feature the summary follows, and how the page names it.
FEATURE, FEATURE_NAME = "firstorder_sd_au", "intensity spread (first-order SD, arbitrary units)"
#: ComBat in one sentence, as the page says it.
COMBAT_SENTENCE = ("ComBat estimates, for each hospital and feature, how much the scanner shifts "
                   "and stretches the values, and removes it.")

TITLE = "Harmonisation explorer (synthetic three hospitals)"
SPEC = {"site_effect": ("FloatSlider", dict(value=1.0, min=0.0, max=2.0, step=0.5,
                                            description="scanner effect strength")),
        "rate_c": ("FloatSlider", dict(value=0.55, min=0.25, max=0.85, step=0.15,
                                       description="mutation rate at site C"))}
_OPTIONS = ("none", "inside")
_LABELS = {"none": "no harmonisation", "inside": "ComBat (inside CV folds)"}
_COLOURS = {"none": "#E69F00", "inside": "#0072B2"}  # Okabe-Ito: colour-blind safe


@functools.lru_cache(maxsize=32)
def _state(site_effect: float, rate_c: float, random_state: int = 0) -> dict:
    """Site accuracy, mutation AUC by site and site C - A mean difference, per option."""
    import pandas as pd

    from toolkit.datasets.hospitals import make_three_hospitals
    from toolkit.harmonisation import ComBat, auc_by_site, cv_predict, site_prediction_accuracy

    h = make_three_hospitals(random_state, images_per_site=0, site_effect=site_effect,
                             mutation_rate={"site_A": 0.25, "site_B": 0.35, "site_C": rate_c})
    X, site = h.features.to_numpy(), h.patients["site"].to_numpy()
    y = h.patients["mutation"].to_numpy()
    j = list(h.features.columns).index(FEATURE)
    harmonised = {"none": X, "inside": ComBat().fit_transform(X, site=site)}
    out = {"chance": float(pd.Series(site).value_counts(normalize=True).max()),
           "rates": h.patients.groupby("site")["mutation"].mean().round(2).to_dict()}
    true = h.features_true.iloc[:, j].groupby(site).mean()
    out["true_gap"] = float(true["site_C"] - true["site_A"])
    for option in _OPTIONS:
        means = pd.Series(harmonised[option][:, j]).groupby(site).mean()
        out[option] = {"site_accuracy": site_prediction_accuracy(X, site, option, n_boot=200),
                       "auc": auc_by_site(y, cv_predict(X, y, site, option), site, n_boot=200),
                       "gap": float(means["site_C"] - means["site_A"])}
    return out


def harmonisation_explorer_app(interactive: bool | None = None, random_state: int = 0):
    """Vary scanner effects and site-confounded biology; compare no harmonisation with ComBat.

    Parameters
    ----------
    interactive : bool, optional
        True: sliders for the scanner effect strength (0 = none, 1 = lesson 26, 2 = double) and
        site C's mutation rate; False: a static figure at the lesson's values (1.0, 0.55).
    random_state : int, default 0

    Returns
    -------
    ipywidgets.VBox or plotly.graph_objects.Figure

    Notes
    -----
    SYNTHETIC (``make_three_hospitals``). Each slider position runs 5-fold cross-validation
    four times (cached). Site A and B mutation rates stay at 25 % and 35 %.

    Examples
    --------
    >>> fig = harmonisation_explorer_app(interactive=False)  # doctest: +SKIP
    >>> [t.name for t in fig.data][:2]  # doctest: +SKIP
    ['no harmonisation', 'ComBat (inside CV folds)']

    Taught in lesson 26.
    """
    return wire_app(functools.partial(_draw, random_state=random_state), SPEC, interactive, TITLE)


def harmonisation_numbers(site_effect: float, rate_c: float, random_state: int = 0) -> dict:
    """The explorer's numbers at one slider position (cached after the first call).

    Returns
    -------
    dict
        ``chance`` (share of the largest hospital), ``site_accuracy_none`` and
        ``site_accuracy_combat`` (how often the hospital is guessed from the features),
        ``true_gap`` and ``gap_combat`` (site C minus site A, mean intensity spread).

    Examples
    --------
    >>> n = harmonisation_numbers(1.0, 0.55)  # doctest: +SKIP
    >>> n["site_accuracy_combat"] < n["site_accuracy_none"]  # doctest: +SKIP
    True

    Taught in lesson 26.
    """
    st = _state(round(float(site_effect), 2), round(float(rate_c), 2), random_state)
    return {"chance": st["chance"], "site_accuracy_none": st["none"]["site_accuracy"].value,
            "site_accuracy_combat": st["inside"]["site_accuracy"].value,
            "true_gap": st["true_gap"], "gap_combat": st["inside"]["gap"]}


def _draw(site_effect: float, rate_c: float, random_state: int = 0):
    """Site accuracy and mutation AUC per site, without and with ComBat, and the summary."""
    st = _state(round(float(site_effect), 2), round(float(rate_c), 2), random_state)
    summary = (f"Scanner effect x{site_effect:g}; mutation rate at site C {pct(rate_c)}. "
               f"Site guessed from the features: <b>{st['none']['site_accuracy'].value:.2f}</b> "
               f"without, <b>{st['inside']['site_accuracy'].value:.2f}</b> with ComBat "
               f"(chance {st['chance']:.2f}). Site C minus site A, mean {FEATURE_NAME}: "
               f"truth {st['true_gap']:.2f}, after ComBat {st['inside']['gap']:.2f} "
               f"(ComBat also removes biology that differs between sites). {COMBAT_SENTENCE}")
    return _figure(st), summary


def _figure(st: dict):
    """Left: site accuracy (with 95 % CI) per option; right: mutation AUC per site and option."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    fig = make_subplots(1, 2, horizontal_spacing=0.14,
                        subplot_titles=("Hospital guessed?", "Mutation AUC per hospital"))
    for option in _OPTIONS:
        acc = st[option]["site_accuracy"]
        fig.add_trace(go.Bar(x=[_LABELS[option]], y=[acc.value], name=_LABELS[option],
                             marker_color=_COLOURS[option], showlegend=False,
                             error_y=dict(type="data", symmetric=False,
                                          array=[acc.upper - acc.value],
                                          arrayminus=[acc.value - acc.lower]),
                             text=[f"{acc.value:.2f}"]), 1, 1)
    for option in _OPTIONS:
        auc = st[option]["auc"]
        fig.add_trace(go.Bar(x=list(auc.index), y=auc["auc"], name=_LABELS[option],
                             marker_color=_COLOURS[option],
                             text=[f"{v:.2f}" for v in auc["auc"]]), 1, 2)
    fig.add_hline(y=st["chance"], line_dash="dot", row=1, col=1,
                  annotation_text="chance (largest site)")
    fig.update_yaxes(title_text="cross-validated accuracy", range=[0, 1], row=1, col=1)
    fig.update_yaxes(title_text="AUC", range=[0.4, 1], row=1, col=2)
    fig.update_layout(height=420, width=980, barmode="group",
                      legend=dict(orientation="h", y=-0.2))
    return fig
