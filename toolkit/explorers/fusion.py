"""Fusion explorer: choose modalities, see cross-validated AUC and a per-patient explanation.

Like every explorer: a *spec* of controls, a module-level ``_draw(**values) -> (figure,
summary_html)`` for one state, and `toolkit._utils.widgets.wire_app` joining the two. The
synthetic patients and the AUC table are computed once per ``random_state`` (cached).
"""
from __future__ import annotations

import functools

import numpy as np

from .._utils.widgets import wire_app
from ._shared import pct

__all__ = ["fusion_explorer_app"]

TITLE = "Fusion explorer: which modalities help?"


@functools.lru_cache(maxsize=2)
def _fusion_data(random_state: int = 0):
    """300 synthetic patients and the 5-fold AUC (95 % CI) of every modality subset."""
    from toolkit.fusion import compare_models
    from toolkit.fusion.synthetic import make_multimodal

    X, y, modalities = make_multimodal(n_samples=300, random_state=random_state)
    table = compare_models(X.assign(y=y), modalities, outcome="y", strategies=["early"],
                           n_boot=200, random_state=random_state)
    return X, y, modalities, table


def _contributions(X, y, modalities: dict, chosen: tuple, patient: int) -> tuple[dict, float]:
    """Per-modality contribution to the log-odds of an EarlyFusion logistic model for one patient."""
    from toolkit.fusion import EarlyFusion

    train = np.arange(len(X)) % 2 == 0  # fit on even rows, explain the held-out odd rows
    cols = [c for m in chosen for c in modalities[m]]
    model = EarlyFusion(modalities={m: modalities[m] for m in chosen}).fit(X.loc[train, cols],
                                                                          y[train])
    test = X.loc[~train, cols]
    fused = model.fuse(test.iloc[[patient]])[0]
    coef, out, start = model.estimator_.coef_[0], {}, 0
    for m in chosen:
        k = len(modalities[m])
        out[m] = float(fused[start:start + k] @ coef[start:start + k])
        start += k
    return out, float(model.predict_proba(test.iloc[[patient]])[0, 1])


def fusion_explorer_app(interactive: bool | None = None, random_state: int = 0):
    """Choose modalities, see cross-validated AUC, and a per-patient explanation.

    Parameters
    ----------
    interactive : bool, optional
        True: modality check boxes and a patient slider; False: a static figure.
    random_state : int, default 0
        Seeds the synthetic patients (`make_multimodal`, 300 patients: genomic and imaging
        carry signal, clinical is noise) and the precomputed `compare_models` table.

    Returns
    -------
    ipywidgets.VBox or plotly.graph_objects.Figure

    Notes
    -----
    Left: every modality subset, 5-fold cross-validated AUC with bootstrap 95 % CI (early
    fusion for 2+ modalities); the chosen subset is red. Right: for one held-out patient,
    each modality's share of the log-odds in an early-fusion logistic model (fitted on the
    other half of the patients): coefficient x standardised value, summed over its columns.

    Examples
    --------
    >>> fig = fusion_explorer_app(interactive=False)  # 300 patients, 5-fold CV: a few seconds
    >>> len(fig.data[0].y), list(fig.data[1].x)  # 7 modality subsets; one bar per modality
    (7, ['genomic', 'imaging', 'clinical'])

    Taught in lesson 13.
    """
    X = _fusion_data(random_state)[0]
    spec = {"genomic": ("Checkbox", dict(value=True, description="genomic")),
            "imaging": ("Checkbox", dict(value=True, description="imaging")),
            "clinical": ("Checkbox", dict(value=False, description="clinical")),
            "patient": ("IntSlider", dict(value=0, min=0, max=len(X) // 2 - 1,
                                          description="held-out patient"))}
    return wire_app(functools.partial(_draw, random_state=random_state), spec, interactive, TITLE)


def _draw(genomic: bool, imaging: bool, clinical: bool, patient: int, random_state: int = 0):
    """The AUC of every subset (chosen one red), one patient's contributions, and the summary."""
    X, y, modalities, table = _fusion_data(random_state)
    chosen = tuple(m for m, on in zip(modalities, (genomic, imaging, clinical)) if on)
    contrib, prob = _contributions(X, y, modalities, chosen, patient) if chosen else ({}, 0.5)
    fig = _figure(table, list(modalities), chosen, contrib, patient)
    if not chosen:
        return fig, "Choose at least one modality."
    auc = table[[set(s.split("+")) == set(chosen) for s in table["modalities"]]].iloc[0]
    outcome = int(y[np.arange(len(X)) % 2 == 1].iloc[patient])
    summary = (f"<b>{'+'.join(chosen)}</b>: AUC <b>{auc['auc']:.3f}</b> (95 % CI "
               f"{auc['auc_lower']:.3f}-{auc['auc_upper']:.3f}). Patient {patient} (outcome "
               f"{outcome}): predicted probability <b>{pct(prob)}</b>; "
               + ", ".join(f"{m} {v:+.2f}" for m, v in contrib.items()) + " log-odds.")
    return fig, summary


def _figure(table, names: list, chosen: tuple, contrib: dict, patient: int):
    """Left: AUC with 95 % CI per modality subset; right: contributions to one patient's log-odds."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    rows = table.iloc[::-1]
    hit = [set(s.split("+")) == set(chosen) for s in rows["modalities"]]
    fig = make_subplots(1, 2, column_widths=[0.55, 0.45],
                        subplot_titles=("Cross-validated AUC (95 % CI)",
                                        f"Patient {patient}: contributions to log-odds"))
    fig.add_trace(go.Scatter(x=rows["auc"], y=rows["modalities"], mode="markers",
                             error_x=dict(type="data", symmetric=False,
                                          array=rows["auc_upper"] - rows["auc"],
                                          arrayminus=rows["auc"] - rows["auc_lower"]),
                             marker=dict(size=11, color=["crimson" if h else "grey"
                                                         for h in hit])), 1, 1)
    fig.add_trace(go.Bar(x=names, y=[contrib.get(m, 0.0) for m in names],
                         text=[f"{contrib[m]:+.2f}" if m in contrib else "off" for m in names]),
                  1, 2)
    fig.update_xaxes(title_text="AUC", range=[0.4, 1], row=1, col=1)
    fig.update_layout(height=420, width=980, showlegend=False)
    return fig
