"""Fusion showdown: every modality subset x fusion strategy, cross-validated, with 95 % CIs."""
from __future__ import annotations

import warnings
from itertools import combinations

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold, cross_val_predict
from threadpoolctl import threadpool_limits

from .._utils.validation import check_one_of
from .._utils.targets import auc_mann_whitney, check_binary
from ..evaluation.metrics import bootstrap_indices
from ..evaluation.survival import c_index
from .early import EarlyFusion
from .intermediate import IntermediateFusion
from .late import LateFusion
from .survival import SurvivalFusion, survival_target

__all__ = ["STRATEGIES", "SURVIVAL_STRATEGIES", "compare_models", "make_fusion_model",
           "view_comparison"]

STRATEGIES = ("early", "late", "stacking", "intermediate", "gated")
SURVIVAL_STRATEGIES = ("early", "late")


def make_fusion_model(strategy: str, modalities: dict, random_state: int = 0,
                      survival: bool = False):
    """The unfitted model behind a strategy name used in `compare_models`.

    Parameters
    ----------
    strategy : {"single", "early", "late", "stacking", "intermediate", "gated"}
        "single" is early fusion on one modality (a regularised logistic regression).
    modalities : dict ``{name: list of columns}``
    random_state : int, default 0
    survival : bool, default False
        A time-to-event model (`SurvivalFusion`; strategies single, early, late only).

    Returns
    -------
    estimator
        `EarlyFusion`, `LateFusion`, `IntermediateFusion` or `SurvivalFusion`.

    Examples
    --------
    >>> make_fusion_model("stacking", {"a": ["x"], "b": ["z"]})
    LateFusion(combine='stacking', modalities={'a': ['x'], 'b': ['z']})

    Taught in lesson 13.
    """
    if survival:
        check_one_of("strategy", strategy, SURVIVAL_STRATEGIES + ("single",),
                     hint="These are the strategies for a survival outcome.")
        return SurvivalFusion(modalities, "late" if strategy == "late" else "early")
    if strategy in ("single", "early"):
        return EarlyFusion(modalities)
    if strategy in ("late", "stacking"):
        return LateFusion(modalities, combine="mean" if strategy == "late" else "stacking",
                          random_state=random_state)
    if strategy in ("intermediate", "gated"):
        return IntermediateFusion(modalities, fusion="mean" if strategy == "intermediate"
                                  else "gated", random_state=random_state)
    raise ValueError(f"strategy must be one of {('single',) + STRATEGIES}; got {strategy!r}")


def compare_models(data, modalities: dict | None = None, outcome="mutation", cv: int = 5,
                   random_state: int | None = 0, strategies=("early", "late", "stacking", "intermediate"),
                   n_boot: int = 1000, ci: float = 0.95, groups=None,
                   return_predictions: bool = False):
    """Cross-validated AUC (or c-index) with 95 % CI for every modality subset and fusion strategy.

    Answers "does adding imaging to genomics help, and which way of combining is best?"
    honestly: all fitting (scaling, imputation, the models) happens inside the training folds,
    and patients never appear in both the training and the test part of a fold.

    Parameters
    ----------
    data : RadiogenomicCohort or DataFrame
        A cohort (features from `cohort_features`, outcome from ``cohort.clinical``) or a
        table holding the feature columns and the ``outcome`` column.
    modalities : dict ``{name: list of columns}``, optional
        Required for a DataFrame; defaults to clinical/genomic/imaging for a cohort (plus
        tumour when it was made with ``tumour_expression_effect``).
    outcome : str, array or (str, str), default "mutation"
        Binary (0/1) outcome column, or the outcome values themselves. A pair of column
        names ``(time, event)``, e.g. ``("survival_months", "event")``, makes it a survival
        comparison: Cox models (`SurvivalFusion`), scored by Harrell's c-index.
    cv : int, default 5
        Stratified folds (grouped by ``groups`` if given).
    random_state : int or None, default 0
        Seeds the folds, the models and the bootstrap: the same integer gives the same table.
    strategies : sequence of str, default ("early", "late", "stacking", "intermediate")
        Fusion strategies for subsets of 2+ modalities (see ``STRATEGIES``; for survival
        only those in ``SURVIVAL_STRATEGIES`` are run); one modality alone is "single".
    n_boot : int, default 1000
    ci : float, default 0.95
    groups : array, optional
        Patient id per row when a patient has several rows: folds and bootstrap keep a
        patient's rows together.
    return_predictions : bool, default False
        Also return the out-of-fold probabilities (one column per model).

    Returns
    -------
    table : DataFrame
        One row per model, best first: ``modalities`` ("genomic+imaging"), ``n_modalities``,
        ``strategy``, ``auc``, ``auc_lower``, ``auc_upper``, and the paired difference to the
        best single modality ``delta_auc``, ``delta_lower``, ``delta_upper`` (``c_index``
        and ``delta_c_index`` for a survival outcome).
    predictions : DataFrame (only with ``return_predictions``)

    Raises
    ------
    ValueError
        For a non-binary outcome, unknown strategy, or a DataFrame without ``modalities``.

    Notes
    -----
    The CI is a percentile bootstrap of the pooled out-of-fold predictions (patients
    resampled, models fixed). It reflects which patients were sampled, not the variability of
    refitting; the same resamples are used for every model, so differences are paired.
    Picking the best of many rows is optimistic (winner's curse): confirm in new patients.
    Fitting runs with one BLAS thread: these models are small, and extra threads only
    compete for the CPU (about 3x more CPU time on a 2-core laptop, same results).

    Examples
    --------
    >>> from toolkit.fusion.synthetic import make_multimodal
    >>> X, y, mods = make_multimodal(n_samples=200, random_state=1)
    >>> table = compare_models(X.assign(y=y), mods, outcome="y", strategies=["early"], n_boot=200)
    >>> len(table), table["modalities"].iloc[-1]  # 7 subsets; the noise modality comes last
    (7, 'clinical')
    >>> bool(table.loc[0, "auc_lower"] > table.query("strategy == 'single'")["auc"].max())
    True

    Taught in lesson 13.
    """
    X, y, modalities = _table(data, modalities, outcome)
    survival = y.dtype.names is not None
    allowed = SURVIVAL_STRATEGIES if survival else STRATEGIES
    unknown = [s for s in strategies if s not in STRATEGIES]
    if unknown:
        raise ValueError(f"strategies must be among {STRATEGIES}; got {unknown}")
    splitter = (StratifiedKFold(cv, shuffle=True, random_state=random_state) if groups is None
                else StratifiedGroupKFold(cv, shuffle=True, random_state=random_state))
    folds = list(splitter.split(X, y["event"] if survival else y, groups))
    predictions = {}
    for subset in _subsets(list(modalities)):
        columns = [c for m in subset for c in modalities[m]]
        for strategy in ["single"] if len(subset) == 1 else [s for s in strategies
                                                              if s in allowed]:
            model = make_fusion_model(strategy, {m: modalities[m] for m in subset}, random_state,
                                      survival)
            with warnings.catch_warnings(), threadpool_limits(1, user_api="blas"):
                warnings.simplefilter("ignore", category=UserWarning)
                pred = cross_val_predict(model, X[columns], y, cv=folds,
                                         method="predict" if survival else "predict_proba")
            predictions[("+".join(subset), len(subset), strategy)] = (pred if survival
                                                                      else pred[:, 1])
    if survival:
        def score(i, p):  # NaN (skipped by the bootstrap) when a resample has no event
            event = y["event"][i]
            return c_index(event, y["time"][i], p[i]) if event.any() else float("nan")
        name = "c_index"
    else:
        score, name = (lambda i, p: auc_mann_whitney(y[i], p[i])), "auc"
    table = _bootstrap_table(predictions, score, name, len(y), n_boot, ci, random_state, groups)
    if return_predictions:
        oof = pd.DataFrame({f"{k[0]} ({k[2]})": v for k, v in predictions.items()}, index=X.index)
        return table, oof
    return table


def view_comparison(table: pd.DataFrame, title: str = "Fusion showdown",
                    output_file: str | None = None):
    """Forest plot (plotly) of a `compare_models` table: each model's metric with its 95 % CI.

    A dashed line marks the best single modality; a model whose CI sits to its right clearly
    beats it.

    Parameters
    ----------
    table : DataFrame from `compare_models`
    title : str
    output_file : str, optional
        Write the figure as a standalone HTML file.

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> t = pd.DataFrame({"modalities": ["a+b", "a"], "n_modalities": [2, 1],
    ...                   "strategy": ["early", "single"], "auc": [0.8, 0.7],
    ...                   "auc_lower": [0.75, 0.64], "auc_upper": [0.85, 0.76]})
    >>> view_comparison(t).data[0].y
    ('a+b (early)', 'a (single)')

    Taught in lesson 13.
    """
    import plotly.graph_objects as go

    from ..viz.a11y import OKABE_ITO

    name = "c_index" if "c_index" in table else "auc"
    labels = [f"{m} ({s})" for m, s in zip(table["modalities"], table["strategy"])]
    err = {"type": "data", "symmetric": False, "array": table[f"{name}_upper"] - table[name],
           "arrayminus": table[name] - table[f"{name}_lower"]}
    metric = {"auc": "AUC", "c_index": "C-index"}[name]
    fig = go.Figure(go.Scatter(
        x=table[name], y=labels, mode="markers", error_x=err, name=metric,
        marker={"size": 10, "color": np.where(table["n_modalities"] > 1, OKABE_ITO[4], "#555555")},
        customdata=np.c_[table[f"{name}_lower"], table[f"{name}_upper"]],
        hovertemplate=(f"%{{y}}<br>{metric} %{{x:.3f}} (95% CI %{{customdata[0]:.3f}} to "
                       "%{customdata[1]:.3f})<extra></extra>")))
    best_single = table.loc[table["strategy"] == "single", name].max()
    fig.add_vline(x=best_single, line_dash="dash", annotation_text="best single modality",
                  annotation_position="top right")
    # every model's label stays readable: 48 px per row, room for the title and the x axis
    fig.update_layout(title=title, xaxis_title=f"{metric} (95% CI, cross-validated)",
                      yaxis={"autorange": "reversed", "type": "category", "automargin": True,
                             "tickmode": "array", "tickvals": labels, "ticktext": labels},
                      height=180 + 48 * len(table), margin={"t": 60, "b": 60},
                      showlegend=False)
    if output_file is not None:
        fig.write_html(output_file)
    return fig


def _table(data, modalities, outcome):
    """Features, outcome (0/1, or a survival array) and modalities from a cohort or a table."""
    names = [outcome] if isinstance(outcome, str) else (
        list(outcome) if isinstance(outcome, tuple) else [])
    if hasattr(data, "clinical") and hasattr(data, "images"):
        from .features import cohort_features

        X, default = cohort_features(data)
        source = data.clinical
        modalities = default if modalities is None else modalities
    elif isinstance(data, pd.DataFrame):
        if modalities is None:
            raise ValueError("modalities is required with a DataFrame, e.g. {'genomic': "
                             "['prs'], 'imaging': ['lesion_volume_mm3']}")
        X, source = data.drop(columns=[n for n in names if n in data]), data
    else:
        raise ValueError(f"data must be a RadiogenomicCohort or a DataFrame; got "
                         f"{type(data).__name__}")
    for n in names:
        if n not in source:
            raise ValueError(f"outcome column {n!r} is not in the table; columns are "
                             f"{list(source.columns)[:10]}...")
    if isinstance(outcome, tuple):
        return X, survival_target(source[outcome[1]], source[outcome[0]]), modalities
    y = np.asarray(source[outcome] if names else outcome)
    check_binary(y, np.zeros(len(y)))
    return X, y.astype(int), modalities


def _subsets(names: list[str]) -> list[tuple[str, ...]]:
    return [s for k in range(1, len(names) + 1) for s in combinations(names, k)]


def _bootstrap_table(predictions: dict, score, name, n, n_boot, ci, random_state,
                     groups) -> pd.DataFrame:
    """Metric per model with percentile CIs, plus paired CIs of the gain over the best single."""
    keys = list(predictions)
    everyone = np.arange(n)
    point = np.array([score(everyone, predictions[k]) for k in keys])
    boots = np.array([[score(idx, predictions[k]) for k in keys]
                      for idx in bootstrap_indices(n, n_boot, random_state, groups)])
    boots = boots[np.isfinite(boots).all(axis=1)]
    singles = [i for i, k in enumerate(keys) if k[2] == "single"]
    best = singles[int(np.argmax(point[singles]))]
    delta = boots - boots[:, [best]]
    alpha = (1 - ci) / 2
    table = pd.DataFrame({
        "modalities": [k[0] for k in keys], "n_modalities": [k[1] for k in keys],
        "strategy": [k[2] for k in keys], name: point,
        f"{name}_lower": np.quantile(boots, alpha, axis=0),
        f"{name}_upper": np.quantile(boots, 1 - alpha, axis=0),
        f"delta_{name}": point - point[best],
        "delta_lower": np.quantile(delta, alpha, axis=0),
        "delta_upper": np.quantile(delta, 1 - alpha, axis=0)})
    return table.sort_values(name, ascending=False, kind="stable").reset_index(drop=True)
