"""Fusion explorer: choose modalities, see cross-validated performance and a per-patient explanation.

Two views of the same question. "synthetic": 300 simulated patients and a binary outcome, in
which genomic and imaging carry signal and clinical is pure noise *by construction*. "real":
110 TCGA lower-grade glioma patients (`toolkit.datasets.load_lgg_survival`) and overall
survival, in which the clinical block (age, grade, sex) is the strongest one.

Like every explorer: a *spec* of controls, a module-level ``_draw(**values) -> (figure,
summary_html)`` for one state, and `toolkit._utils.widgets.wire_app` joining the two. Each
view's patients and its table are computed once per ``random_state`` (cached).
"""
from __future__ import annotations

import functools

import numpy as np

from .._utils.widgets import wire_app
from ._shared import pct

__all__ = ["fusion_explorer_app"]

TITLE = "Fusion explorer: which modalities help?"
MODALITIES = ("genomic", "imaging", "clinical")
COHORTS = {"synthetic": "synthetic: 300 simulated patients, clinical is noise",
           "real": "real: 110 gliomas (TCGA-LGG), overall survival"}
HELD_OUT = 55  # patients the slider can pick: the odd rows (held out) of the smaller view


@functools.lru_cache(maxsize=2)
def _fusion_data(random_state: int = 0):
    """300 synthetic patients and the 5-fold AUC (95 % CI) of every modality subset."""
    from toolkit.fusion import compare_models
    from toolkit.fusion.synthetic import make_multimodal

    X, y, modalities = make_multimodal(n_samples=300, random_state=random_state)
    table = compare_models(X.assign(y=y), modalities, outcome="y", strategies=["early"],
                           n_boot=200, random_state=random_state)
    return X, y, modalities, table


@functools.lru_cache(maxsize=2)
def _real_data(random_state: int = 0):
    """110 real glioma patients (blocks renamed to the explorer's three) and the 5-fold c-index
    (95 % CI) of every modality subset for overall survival."""
    from toolkit.datasets import load_lgg_survival
    from toolkit.fusion import compare_models, survival_target

    lgg = load_lgg_survival()
    modalities = {m: lgg.modalities[m] for m in MODALITIES}
    X = lgg.frame[[c for m in MODALITIES for c in modalities[m]]]
    y = survival_target(lgg.frame["OS"], lgg.frame["OS_time"])
    table = compare_models(lgg.frame, modalities, outcome=lgg.outcomes["OS"],
                           strategies=["early"], n_boot=200, random_state=random_state)
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


def _survival_contributions(X, y, modalities: dict, chosen: tuple,
                            patient: int) -> tuple[dict, float]:
    """Per-modality contribution to one held-out patient's log relative hazard (early-fusion Cox).

    The Cox score is linear, so a block's contribution is the score with only that block at
    the patient's values (the others at the training mean) minus the score of an average
    patient; the contributions add up to the patient's score minus the average's.
    """
    from toolkit.fusion import SurvivalFusion

    train = np.arange(len(X)) % 2 == 0
    cols = [c for m in chosen for c in modalities[m]]
    model = SurvivalFusion({m: modalities[m] for m in chosen}, "early").fit(X.loc[train, cols],
                                                                           y[train])
    row = X.loc[~train, cols].iloc[[patient]]
    average = row.copy()
    average.iloc[0] = model.mean_
    base = float(model.predict(average)[0])
    out = {}
    for m in chosen:
        mixed = average.copy()
        mixed[modalities[m]] = row[modalities[m]].to_numpy()
        out[m] = float(model.predict(mixed)[0]) - base
    return out, float(model.predict(row)[0]) - base


def fusion_explorer_app(interactive: bool | None = None, random_state: int = 0):
    """Choose a cohort and modalities, see cross-validated performance and one patient's explanation.

    Parameters
    ----------
    interactive : bool, optional
        True: a cohort menu, modality check boxes and a patient slider; False: a static figure.
    random_state : int, default 0
        Seeds the synthetic patients (`make_multimodal`, 300 patients: genomic and imaging
        carry signal, clinical is noise) and the folds and bootstrap of both views.

    Returns
    -------
    ipywidgets.VBox or plotly.graph_objects.Figure

    Notes
    -----
    "synthetic" view: every modality subset's 5-fold cross-validated AUC for a simulated binary
    outcome, with bootstrap 95 % CI (early fusion for 2+ modalities); for one held-out patient,
    each modality's share of the log-odds of an early-fusion logistic model fitted on the other
    half of the patients. "real" view: the same for overall survival of 110 TCGA lower-grade
    glioma patients (genomic = the TCGA clusters, imaging = tumour shape from the FLAIR masks,
    clinical = age, grade, sex), with Harrell's c-index and an early-fusion ridge Cox model
    (shares of the log relative hazard, relative to an average patient).

    Examples
    --------
    >>> fig = fusion_explorer_app(interactive=False)  # 300 patients, 5-fold CV: a few seconds
    >>> len(fig.data[0].y), list(fig.data[1].x)  # 7 modality subsets; one bar per modality
    (7, ['genomic', 'imaging', 'clinical'])

    Taught in lesson 13.
    """
    spec = {"cohort": ("Dropdown", dict(value="synthetic", description="cohort",
                                        options=[(label, key) for key, label in COHORTS.items()])),
            "genomic": ("Checkbox", dict(value=True, description="genomic")),
            "imaging": ("Checkbox", dict(value=True, description="imaging")),
            "clinical": ("Checkbox", dict(value=False, description="clinical")),
            "patient": ("IntSlider", dict(value=0, min=0, max=HELD_OUT - 1,
                                          description="held-out patient"))}
    return wire_app(functools.partial(_draw, random_state=random_state), spec, interactive, TITLE)


def _draw(genomic: bool, imaging: bool, clinical: bool, patient: int, cohort: str = "synthetic",
          random_state: int = 0):
    """Performance of every subset (chosen one red), one patient's contributions, the summary."""
    real = cohort == "real"
    X, y, modalities, table = (_real_data if real else _fusion_data)(random_state)
    chosen = tuple(m for m, on in zip(MODALITIES, (genomic, imaging, clinical)) if on)
    explain = _survival_contributions if real else _contributions
    contrib, score = explain(X, y, modalities, chosen, patient) if chosen else ({}, 0.0)
    metric = "c_index" if real else "auc"
    fig = _figure(table, list(MODALITIES), chosen, contrib, patient, metric)
    if not chosen:
        return fig, "Choose at least one modality."
    row = table[[set(s.split("+")) == set(chosen) for s in table["modalities"]]].iloc[0]
    shares = ", ".join(f"{m} {v:+.2f}" for m, v in contrib.items())
    perf = (f"<b>{'+'.join(chosen)}</b>: {'c-index' if real else 'AUC'} <b>{row[metric]:.3f}</b> "
            f"(95 % CI {row[metric + '_lower']:.3f}-{row[metric + '_upper']:.3f}). ")
    if real:
        held = y[np.arange(len(X)) % 2 == 1][patient]
        fate = (f"died after {held['time'] / 365.25:.1f} years" if held["event"] else
                f"alive at last contact, {held['time'] / 365.25:.1f} years")
        return fig, (perf + f"Outcome: overall survival (REAL patients). Patient {patient} "
                     f"({fate}): log relative hazard <b>{score:+.2f}</b> vs an average patient; "
                     f"{shares}.")
    outcome = int(y[np.arange(len(X)) % 2 == 1].iloc[patient])
    return fig, (perf + f"Patient {patient} (outcome {outcome}): predicted probability "
                 f"<b>{pct(score)}</b>; {shares} log-odds. Outcome: a simulated yes/no event "
                 "(SYNTHETIC).")


def _figure(table, names: list, chosen: tuple, contrib: dict, patient: int, metric: str = "auc"):
    """Left: AUC or c-index with 95 % CI per modality subset; right: one patient's contributions."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    rows = table.iloc[::-1]
    hit = [set(s.split("+")) == set(chosen) for s in rows["modalities"]]
    label = "c-index" if metric == "c_index" else "AUC"
    scale = "log relative hazard" if metric == "c_index" else "log-odds"
    fig = make_subplots(1, 2, column_widths=[0.55, 0.45],
                        subplot_titles=(f"Cross-validated {label} (95 % CI)",
                                        f"Patient {patient}: contributions to {scale}"))
    fig.add_trace(go.Scatter(x=rows[metric], y=rows["modalities"], mode="markers",
                             error_x=dict(type="data", symmetric=False,
                                          array=rows[f"{metric}_upper"] - rows[metric],
                                          arrayminus=rows[metric] - rows[f"{metric}_lower"]),
                             marker=dict(size=11, color=["crimson" if h else "grey"
                                                         for h in hit])), 1, 1)
    fig.add_trace(go.Bar(x=names, y=[contrib.get(m, 0.0) for m in names],
                         text=[f"{contrib[m]:+.2f}" if m in contrib else "off" for m in names]),
                  1, 2)
    fig.update_xaxes(title_text="AUC or c-index (0.5 = chance)", range=[0.4, 1], row=1, col=1)
    fig.update_layout(height=420, width=980, showlegend=False)
    return fig
