"""Five no-code explorers: move a control, watch the numbers a clinician cares about change.

Each ``*_app`` follows one pattern, so a reader can follow all of them:

1. a *spec* of controls (slider or drop-down, with its starting value);
2. a pure ``build(**values) -> (figure, summary_html)`` that draws one state;
3. `toolkit._utils.widgets.wire_app`, which wires the two together with ipywidgets (interactive), or returns the figure
   for the starting values (static fallback, also fine in rendered HTML).

All data are SYNTHETIC and seeded, so the same control values always show the same numbers.
"""
from __future__ import annotations

import functools
import html
import shutil
import tempfile
from pathlib import Path

import numpy as np

from .._utils.widgets import wire_app

__all__ = ["test_characteristics_app", "dicom_viewer_app", "risk_communicator_app",
           "fusion_explorer_app", "bias_explorer_app"]

ANCESTRIES = ("CEU", "CHB", "YRI")


# ---------------------------------------------------------------- shared wiring
def _pct(x: float) -> str:
    return f"{100 * x:.1f} %"


# ---------------------------------------------------------------- 1. test characteristics
@functools.lru_cache(maxsize=4)
def _test_scores(n: int = 600, separation: float = 1.6, random_state: int = 0):
    rng = np.random.default_rng(random_state)
    y = (rng.random(n) < 0.5).astype(int)
    score = 1 / (1 + np.exp(-(rng.normal(size=n) + separation * (y - 0.5))))
    return y, score


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
    from toolkit.evaluation import test_characteristics, threshold_table

    y, score = _test_scores(random_state=random_state)
    roc = threshold_table(y, score, np.linspace(0, 1, 201))
    prevalences = np.logspace(-3, np.log10(0.5), 60)

    def build(threshold: float, prevalence: float):
        import plotly.graph_objects as go
        from plotly.subplots import make_subplots

        row = threshold_table(y, score, [threshold], prevalence=prevalence).iloc[0]
        se, sp = row["sensitivity"], row["specificity"]
        curve = test_characteristics(se, sp, prevalences)
        fig = make_subplots(1, 2, subplot_titles=("ROC curve (dot = chosen threshold)",
                                                  "Predictive values vs prevalence"))
        fig.add_trace(go.Scatter(x=1 - roc["specificity"], y=roc["sensitivity"], name="ROC curve",
                                 mode="lines"), 1, 1)
        fig.add_trace(go.Scatter(x=[1 - sp], y=[se], name="threshold", mode="markers+text",
                                 text=[f"sens {_pct(se)}, spec {_pct(sp)}"],
                                 textposition="bottom right", marker=dict(size=12)), 1, 1)
        fig.add_trace(go.Scatter(x=prevalences, y=curve.ppv, name="PPV"), 1, 2)
        fig.add_trace(go.Scatter(x=prevalences, y=curve.npv, name="NPV"), 1, 2)
        fig.add_trace(go.Scatter(x=[prevalence, prevalence], y=[row["ppv"], row["npv"]],
                                 name="prevalence", mode="markers+text", marker=dict(size=11),
                                 text=[f"PPV {_pct(row['ppv'])}", f"NPV {_pct(row['npv'])}"],
                                 textposition="middle right"), 1, 2)
        fig.update_xaxes(title_text="1 - specificity (false-positive rate)", range=[0, 1], row=1, col=1)
        fig.update_yaxes(title_text="sensitivity", range=[0, 1.02], row=1, col=1)
        fig.update_xaxes(type="log", title_text="prevalence (log scale)", row=1, col=2)
        fig.update_yaxes(range=[0, 1.02], row=1, col=2)
        fig.update_layout(height=440, width=980, showlegend=False)
        tp = 1000 * prevalence * se
        fp = 1000 * (1 - prevalence) * (1 - sp)
        summary = (f"<b>Threshold {threshold:.2f}</b>: sensitivity {_pct(se)}, specificity {_pct(sp)}."
                   f" At prevalence {_pct(prevalence)}: <b>PPV {_pct(row['ppv'])}</b>, "
                   f"<b>NPV {_pct(row['npv'])}</b>. Of 1000 people tested, {tp + fp:.0f} test "
                   f"positive: {tp:.0f} true and {fp:.0f} false alarms.")
        return fig, summary

    spec = {"threshold": ("FloatSlider", dict(value=0.5, min=0.05, max=0.95, step=0.01,
                                              description="threshold (score ≥)")),
            "prevalence": ("FloatLogSlider", dict(value=0.01, base=10, min=-3, max=np.log10(0.5),
                                                  step=0.05, description="prevalence",
                                                  readout_format=".3f"))}
    return wire_app(build, spec, interactive, "Test characteristics: prevalence changes PPV")


# ---------------------------------------------------------------- 2. DICOM viewer
_IDENTIFIERS = ("PatientName", "PatientID", "PatientBirthDate", "PatientSex", "StudyDate",
                "AccessionNumber", "InstitutionName", "ReferringPhysicianName",
                "StudyInstanceUID")


def _header_table(path: Path) -> dict:
    import pydicom

    ds = pydicom.dcmread(path, stop_before_pixels=True)
    return {k: str(ds.get(k, "(removed)"))[:44] or "(empty)" for k in _IDENTIFIERS}


def _demo_dicom(folder: Path, random_state: int) -> Path:
    from toolkit.datasets import make_radiogenomic_cohort

    make_radiogenomic_cohort(n_patients=2, random_state=random_state, size="tiny", out_dir=folder,
                             write_dicom=True)
    return sorted((folder / "dicom").iterdir())[0]


def dicom_viewer_app(series: str | None = None, interactive: bool | None = None,
                     salt: str = "explorer-demo", random_state: int = 0):
    """Browse a DICOM series: slices, window presets, identifiers before/after de-identification.

    What a research export changes (names, IDs, dates, UIDs) and what it does not (pixels).

    Parameters
    ----------
    series : path, optional
        Folder holding one DICOM series. Default: a synthetic MR series of the tiny
        radiogenomic cohort written to a temporary folder (fake but realistic identifiers).
    interactive : bool, optional
        True: slice slider, window and header drop-downs; False: a static figure.
    salt : str, default "explorer-demo"
        Passed to `toolkit.imaging.deidentify` (the de-identified copy goes to a temp folder).
    random_state : int, default 0

    Returns
    -------
    ipywidgets.VBox or plotly.graph_objects.Figure

    Raises
    ------
    FileNotFoundError
        ``series`` is given but is not a folder.

    Notes
    -----
    Window presets for MR are relative to the image (percentiles: MR has no fixed units);
    for CT the HU presets of `toolkit.imaging.WINDOW_PRESETS` are added. Only the first
    file's header is tabulated; the change count covers every file. Temporary copies (demo
    series, de-identified copy) are deleted once read.

    Examples
    --------
    >>> fig = dicom_viewer_app(interactive=False)  # doctest: +SKIP
    >>> [type(t).__name__ for t in fig.data]  # doctest: +SKIP
    ['Heatmap', 'Table']

    Taught in lesson 08.
    """
    if series is not None and not Path(series).is_dir():
        raise FileNotFoundError(f"DICOM series folder not found: {series}; expected a folder "
                                "holding one series of .dcm files (or pass series=None for a demo)")
    volume, headers, is_ct, report = _read_and_deidentify(series, salt, random_state)
    presets = _viewer_presets(volume.array, is_ct)
    n_changes, n_files = len(report), report["file"].nunique()

    def build(slice_index: int, preset: str, header: str):
        import plotly.graph_objects as go
        from plotly.subplots import make_subplots

        from toolkit.imaging import window

        center, width = presets[preset]
        plane = window(volume.array[:, :, slice_index], float(center), float(width)).T
        table = headers[header]
        fig = make_subplots(1, 2, column_widths=[0.45, 0.55],
                            specs=[[{"type": "heatmap"}, {"type": "table"}]],
                            subplot_titles=(f"axial slice {slice_index}", f"{header} header"))
        fig.add_trace(go.Heatmap(z=plane, colorscale="gray", zmin=0, zmax=1, showscale=False),
                      1, 1)
        fig.add_trace(go.Table(header=dict(values=["attribute", "value"]),
                               cells=dict(values=[list(table), list(table.values())])), 1, 2)
        fig.update_xaxes(autorange="reversed", showticklabels=False, row=1, col=1)
        fig.update_yaxes(scaleanchor="x", showticklabels=False, row=1, col=1)
        fig.update_layout(height=460, width=980)
        summary = (f"Slice <b>{slice_index}</b> of {volume.shape[2] - 1}; window "
                   f"<b>{preset}</b> (centre {center:.4g}, width {width:.4g}); showing the "
                   f"<b>{header}</b> header: PatientName = {html.escape(table['PatientName'])}. "
                   f"De-identification made {n_changes} changes in {n_files} files; pixels are unchanged.")
        return fig, summary

    spec = {"slice_index": ("IntSlider", dict(value=volume.shape[2] // 2, min=0,
                                              max=volume.shape[2] - 1, description="slice")),
            "preset": ("Dropdown", dict(value=next(iter(presets)), options=list(presets),
                                        description="window")),
            "header": ("Dropdown", dict(value="original", options=list(headers),
                                        description="header"))}
    return wire_app(build, spec, interactive, "DICOM viewer and de-identification")


def _read_and_deidentify(series, salt: str, random_state: int):
    """Read a series (or write the demo one), de-identify a copy; return what the viewer shows."""
    import pydicom

    from toolkit.imaging import deidentify, read_dicom_series, to_canonical

    work = Path(tempfile.mkdtemp(prefix="dicom_explorer_"))
    try:  # everything is read into memory; the temporary copies are deleted straight away
        source = Path(series) if series is not None else _demo_dicom(work / "cohort", random_state)
        report = deidentify(source, work / "deid", salt=salt)
        volume = to_canonical(read_dicom_series(source))
        first = sorted(p for p in source.rglob("*") if p.is_file())[0]
        headers = {"original": _header_table(first),
                   "de-identified": _header_table(work / "deid" / first.relative_to(source))}
        is_ct = pydicom.dcmread(first, stop_before_pixels=True).get("Modality") == "CT"
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return volume, headers, is_ct, report


def _viewer_presets(array: np.ndarray, is_ct: bool) -> dict[str, tuple[float, float]]:
    """Window (centre, width) presets: relative to the image for MR, plus HU presets for CT."""
    from toolkit.imaging import WINDOW_PRESETS

    p1, p50, p99, lo, hi = np.nanpercentile(array, [1, 50, 99.5, 0, 100])
    presets = {"auto (1st-99.5th percentile)": ((p1 + p99) / 2, p99 - p1),
               "full range": ((lo + hi) / 2, hi - lo),
               "bright tissue (median-99.5th)": ((p50 + p99) / 2, p99 - p50)}
    if is_ct:  # CT: the standard HU presets too
        presets.update({f"CT {k}": v for k, v in WINDOW_PRESETS.items()})
    return presets


# ---------------------------------------------------------------- 3. risk communicator
# Illustrative odds ratios per SD of a PRS built from European-ancestry GWAS; the drop in
# other ancestries mirrors the loss of accuracy reported by Martin et al., Nat Genet 2019.
PRS_OR_PER_SD = {"CEU": 1.6, "CHB": 1.4, "YRI": 1.15}


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
    def build(ancestry: str, baseline_pct: float, decile: int):
        import plotly.graph_objects as go
        from plotly.subplots import make_subplots

        base = baseline_pct / 100
        risk = _risk_by_decile(ancestry, round(base, 4))
        colours = ["crimson" if d == decile else "steelblue" for d in range(1, 11)]
        fig = make_subplots(1, 2, subplot_titles=("Absolute lifetime risk (%)",
                                                  "Relative risk vs average"))
        fig.add_trace(go.Bar(x=list(range(1, 11)), y=100 * risk, marker_color=colours,
                             text=[f"{100 * r:.1f}" for r in risk], name="absolute", **_BAR_TEXT), 1, 1)
        fig.add_trace(go.Bar(x=list(range(1, 11)), y=risk / base, marker_color=colours,
                             text=[f"{r / base:.2f}x" for r in risk], name="relative", **_BAR_TEXT),
                      1, 2)
        fig.add_hline(y=baseline_pct, line_dash="dot", row=1, col=1)
        fig.add_hline(y=1, line_dash="dot", row=1, col=2)
        fig.update_xaxes(title_text="PRS decile (1 = lowest)", dtick=1)
        fig.update_layout(height=420, width=980, showlegend=False)
        r = risk[decile - 1]
        summary = (f"<b>{ancestry}</b>, PRS decile <b>{decile}</b>: absolute lifetime risk "
                   f"<b>{_pct(r)}</b> vs {_pct(base)} on average, relative risk "
                   f"<b>{r / base:.2f}x</b>: {100 * abs(r - base):.1f} "
                   f"{'more' if r >= base else 'fewer'} cases per 100 people. "
                   f"Top vs bottom decile: {risk[-1] / risk[0]:.1f}x. (Synthetic, illustrative.)")
        return fig, summary

    spec = {"ancestry": ("Dropdown", dict(value="CEU", options=list(PRS_OR_PER_SD),
                                          description="ancestry")),
            "baseline_pct": ("FloatSlider", dict(value=10.0, min=1.0, max=40.0, step=1.0,
                                                 description="average lifetime risk (%)")),
            "decile": ("IntSlider", dict(value=10, min=1, max=10, description="patient's decile"))}
    return wire_app(build, spec, interactive, "Risk communicator: absolute vs relative risk")


# ---------------------------------------------------------------- 4. fusion explorer
@functools.lru_cache(maxsize=2)
def _fusion_data(random_state: int = 0):
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
    X, y, modalities, table = _fusion_data(random_state)
    names = list(modalities)

    def build(genomic: bool, imaging: bool, clinical: bool, patient: int):
        import plotly.graph_objects as go
        from plotly.subplots import make_subplots

        chosen = tuple(m for m, on in zip(names, (genomic, imaging, clinical)) if on)
        label = "+".join(chosen)
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
        contrib, prob = _contributions(X, y, modalities, chosen, patient) if chosen else ({}, 0.5)
        fig.add_trace(go.Bar(x=names, y=[contrib.get(m, 0.0) for m in names],
                             text=[f"{contrib[m]:+.2f}" if m in contrib else "off" for m in names]),
                      1, 2)
        fig.update_xaxes(title_text="AUC", range=[0.4, 1], row=1, col=1)
        fig.update_layout(height=420, width=980, showlegend=False)
        if not chosen:
            return fig, "Choose at least one modality."
        row = table[[h for h in [set(s.split("+")) == set(chosen) for s in table["modalities"]]]]
        auc = row.iloc[0]
        summary = (f"<b>{label}</b>: AUC <b>{auc['auc']:.3f}</b> (95 % CI {auc['auc_lower']:.3f}"
                   f"-{auc['auc_upper']:.3f}). Patient {patient} (outcome "
                   f"{int(y[~(np.arange(len(X)) % 2 == 0)].iloc[patient])}): predicted probability "
                   f"<b>{_pct(prob)}</b>; " + ", ".join(f"{m} {v:+.2f}" for m, v in contrib.items())
                   + " log-odds.")
        return fig, summary

    spec = {"genomic": ("Checkbox", dict(value=True, description="genomic")),
            "imaging": ("Checkbox", dict(value=True, description="imaging")),
            "clinical": ("Checkbox", dict(value=False, description="clinical")),
            "patient": ("IntSlider", dict(value=0, min=0, max=len(X) // 2 - 1,
                                          description="held-out patient"))}
    return wire_app(build, spec, interactive, "Fusion explorer: which modalities help?")


# ---------------------------------------------------------------- 5. bias explorer
_MIXES = tuple(round(m, 1) for m in np.arange(0.1, 0.91, 0.1))


def _simulate_group(group: str, n: int, rng) -> tuple[np.ndarray, np.ndarray]:
    """Four features; in YRI the second feature matters less and the third more (synthetic)."""
    beta = {"CEU": [1.0, 0.9, 0.0, 0.5], "CHB": [1.0, 0.8, 0.1, 0.5], "YRI": [1.0, 0.2, 0.9, 0.5]}
    intercept = {"CEU": -1.0, "CHB": -1.2, "YRI": -0.4}
    X = rng.normal(size=(n, 4))
    y = rng.random(n) < 1 / (1 + np.exp(-(intercept[group] + X @ np.array(beta[group]))))
    return X, y.astype(int)


@functools.lru_cache(maxsize=2)
def _bias_grid(random_state: int = 0) -> dict:
    """For each CEU share of the training set: AUC, ECE and calibration by ancestry on a fixed test set."""
    from sklearn.linear_model import LogisticRegression

    from toolkit.evaluation import calibration_table, expected_calibration_error, roc_auc

    rng = np.random.default_rng(random_state)
    test = {g: _simulate_group(g, 600, rng) for g in ANCESTRIES}
    grid = {}
    for mix in _MIXES:
        counts = {"CEU": int(900 * mix), "CHB": int(900 * (1 - mix) / 2)}
        counts["YRI"] = 900 - counts["CEU"] - counts["CHB"]
        parts = [_simulate_group(g, counts[g], rng) for g in ANCESTRIES]
        model = LogisticRegression().fit(np.vstack([p[0] for p in parts]),
                                         np.concatenate([p[1] for p in parts]))
        grid[mix] = {}
        for g, (X, y) in test.items():
            p = model.predict_proba(X)[:, 1]
            cal = calibration_table(y, p, n_bins=5, strategy="quantile")
            grid[mix][g] = dict(n_train=counts[g], auc=roc_auc(y, p),
                                ece=expected_calibration_error(y, p, n_bins=5, strategy="quantile"),
                                predicted=cal["mean_predicted"].to_numpy(),
                                observed=cal["observed_rate"].to_numpy())
    return grid


def bias_explorer_app(interactive: bool | None = None, random_state: int = 0):
    """Change the ancestry mix of the training set; watch AUC and calibration per ancestry.

    Parameters
    ----------
    interactive : bool, optional
        True: a slider for the CEU share of the 900 training patients (the rest split
        equally between CHB and YRI); False: a static figure at 80 % CEU.
    random_state : int, default 0

    Returns
    -------
    ipywidgets.VBox or plotly.graph_objects.Figure

    Notes
    -----
    SYNTHETIC and precomputed (9 mixes x 1 logistic regression each, < 1 s): feature effects
    and baseline risk differ in YRI, so a model trained mostly on CEU patients ranks YRI
    patients worse and under-predicts their risk. Test sets: 600 patients per ancestry.

    Examples
    --------
    >>> fig = bias_explorer_app(interactive=False)
    >>> [t.name for t in fig.data][:2]
    ['AUC', 'CEU']

    Taught in lesson 18.
    """
    grid = _bias_grid(random_state)

    def build(ceu_share: float):
        import plotly.graph_objects as go
        from plotly.subplots import make_subplots

        cell = grid[min(_MIXES, key=lambda m: abs(m - ceu_share))]
        fig = make_subplots(1, 2, subplot_titles=("AUC by ancestry (test sets)",
                                                  "Calibration: predicted vs observed"))
        fig.add_trace(go.Bar(x=list(cell), y=[c["auc"] for c in cell.values()], name="AUC",
                             text=[f"{c['auc']:.3f}" for c in cell.values()]), 1, 1)
        for g, c in cell.items():
            fig.add_trace(go.Scatter(x=c["predicted"], y=c["observed"], name=g,
                                     mode="lines+markers"), 1, 2)
        fig.add_trace(go.Scatter(x=[0, 1], y=[0, 1], name="perfect", mode="lines",
                                 line=dict(dash="dot", color="black")), 1, 2)
        fig.update_yaxes(range=[0.5, 1], row=1, col=1)
        fig.update_xaxes(title_text="mean predicted risk", range=[0, 1], row=1, col=2)
        fig.update_yaxes(title_text="observed rate", range=[0, 1], row=1, col=2)
        fig.update_layout(height=420, width=980)
        summary = f"Training mix: <b>{_pct(ceu_share)} CEU</b>. " + "; ".join(
            f"{g} (n_train {c['n_train']}): AUC <b>{c['auc']:.3f}</b>, ECE {c['ece']:.3f}"
            for g, c in cell.items())
        return fig, summary

    spec = {"ceu_share": ("FloatSlider", dict(value=0.8, min=0.1, max=0.9, step=0.1,
                                              description="CEU share of training set"))}
    return wire_app(build, spec, interactive, "Bias explorer: who was the model trained on?")
