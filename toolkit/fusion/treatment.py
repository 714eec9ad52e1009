"""Who benefits from a treatment? Hazard ratios by group, interaction tests and a T-learner.

A *prognostic* marker tells you how a patient will do whatever you give them; a *predictive*
marker tells you whether a particular treatment will help. The test for "predictive" is an
interaction: does the treatment hazard ratio differ between marker groups? Cox models are
fitted with lifelines (``CoxPHFitter``, Efron ties, Wald confidence intervals), the one Cox
library of `toolkit.fusion` (``_cox.py`` says why).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["treatment_effect_by_group", "treatment_interaction", "t_learner_benefit",
           "true_treatment_benefit", "view_treatment_effects"]


def _check_adjust(adjust, roles: dict[str, str]) -> list[str]:
    adjust = [adjust] if isinstance(adjust, str) else list(adjust)
    clash = [f"{c!r} (already the {roles[c]})" for c in adjust if c in roles]
    if clash:
        raise ValueError(f"adjust must not repeat a column used elsewhere; got {', '.join(clash)}")
    return adjust


def _check_table(clinical, columns: list[str], binary: list[str]) -> pd.DataFrame:
    if not isinstance(clinical, pd.DataFrame):
        raise TypeError(f"clinical must be a pandas DataFrame (e.g. cohort.clinical); "
                        f"got {type(clinical).__name__}")
    missing = [c for c in columns if c not in clinical.columns]
    if missing:
        raise ValueError(f"clinical is missing column(s) {missing}; found {list(clinical.columns)}."
                         f" Pass the right names (e.g. time_col=, event_col=, treatment_col=).")
    df = clinical[columns].copy()
    if df.isna().any().any():
        raise ValueError(f"columns {df.columns[df.isna().any()].tolist()} contain missing values;"
                         " drop or impute those patients first")
    for c in binary:
        if not df[c].isin([0, 1]).all():
            raise ValueError(f"{c} must be 0/1; found values {sorted(pd.unique(df[c]))[:5]}")
    return df


def _cox(df: pd.DataFrame, time_col: str, event_col: str):
    from ._cox import fit_cox

    if int(df[event_col].sum()) < 2:
        raise ValueError(f"only {int(df[event_col].sum())} events among {len(df)} patients; "
                         "a Cox model needs events to estimate a hazard ratio")
    return fit_cox(df, time_col, event_col)


def treatment_effect_by_group(clinical: pd.DataFrame, group_col: str,
                              treatment_col: str = "treatment",
                              time_col: str = "survival_months", event_col: str = "event",
                              adjust: list[str] | tuple = ()) -> pd.DataFrame:
    """Cox hazard ratio of treatment vs no treatment, with a 95 % CI, within each group.

    Answers "does the treatment help carriers? non-carriers?" (HR < 1 = fewer deaths).

    Parameters
    ----------
    clinical : DataFrame
        One row per patient, e.g. ``cohort.clinical``.
    group_col : str
        Column defining the groups (e.g. ``"mutation"``, ``"grade"``).
    treatment_col : str, default "treatment"
        0/1: 1 = received the treatment.
    time_col : str, default "survival_months"
        Follow-up time, months.
    event_col : str, default "event"
        0/1: 1 = death observed, 0 = censored.
    adjust : list of str, default ()
        Covariates to adjust for (e.g. ``["grade", "age_years"]``). In a randomised trial they
        do not remove bias, but the unadjusted HR is pulled towards 1 when strong prognostic
        factors are left out (hazard ratios are *non-collapsible*).

    Returns
    -------
    DataFrame
        One row per group: ``group``, ``n_patients``, ``n_treated``, ``n_events``,
        ``hazard_ratio``, ``hr_lower``, ``hr_upper`` (95 % Wald CI) and ``p_value``.

    Raises
    ------
    ValueError
        For a missing column (named, with the columns found), a non-0/1 treatment or event,
        missing values, a group where one arm is empty, or fewer than 2 events in a group.

    Notes
    -----
    Cox DR (1972) J R Stat Soc B 34:187-220. Fitted by ``lifelines.CoxPHFitter``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame({"g": np.repeat([0, 1], 300), "treatment": np.tile([0, 1], 300)})
    >>> log_hr = np.where(df["g"] == 1, np.log(0.5), 0.0) * df["treatment"]
    >>> df["survival_months"] = rng.exponential(12 / np.exp(log_hr))
    >>> df["event"] = 1
    >>> table = treatment_effect_by_group(df, "g")
    >>> table[["group", "n_patients"]].values.tolist()
    [[0, 300], [1, 300]]
    >>> bool(table.loc[1, "hr_lower"] < 0.5 < table.loc[1, "hr_upper"] < 1)
    True

    Taught in lesson 14.
    """
    adjust = _check_adjust(adjust, {group_col: "group_col", treatment_col: "treatment_col",
                                    time_col: "time_col", event_col: "event_col"})
    df = _check_table(clinical, [group_col, treatment_col, time_col, event_col] + adjust,
                      [treatment_col, event_col])
    rows = []
    for group, d in df.groupby(group_col, sort=True):
        if d[treatment_col].nunique() < 2:
            raise ValueError(f"group {group_col}={group!r} has only "
                             f"{'treated' if d[treatment_col].iloc[0] else 'untreated'} patients;"
                             " a treatment effect needs both arms")
        s = _cox(d[[treatment_col, time_col, event_col] + adjust], time_col, event_col)
        s = s.summary.loc[treatment_col]
        rows.append({"group": group, "n_patients": len(d), "n_treated": int(d[treatment_col].sum()),
                     "n_events": int(d[event_col].sum()), "hazard_ratio": s["exp(coef)"],
                     "hr_lower": s["exp(coef) lower 95%"], "hr_upper": s["exp(coef) upper 95%"],
                     "p_value": s["p"]})
    return pd.DataFrame(rows)


def treatment_interaction(clinical: pd.DataFrame, marker_col: str,
                          treatment_col: str = "treatment", time_col: str = "survival_months",
                          event_col: str = "event", adjust: list[str] | tuple = ()) -> pd.Series:
    """Test whether a 0/1 marker is *predictive*: Cox model with a treatment x marker term.

    Parameters
    ----------
    clinical, treatment_col, time_col, event_col, adjust
        As in `treatment_effect_by_group`.
    marker_col : str
        0/1 marker column (e.g. ``"mutation"``).

    Returns
    -------
    Series
        ``hr_marker`` (prognostic effect in the untreated), ``hr_treatment_marker_0``,
        ``hr_treatment_marker_1``, ``ratio_of_hrs`` (exp of the interaction coefficient:
        HR in marker = 1 divided by HR in marker = 0) with ``ratio_lower``, ``ratio_upper``
        (95 % CI) and ``p_interaction`` (Wald test; small = the marker is predictive).

    Raises
    ------
    ValueError
        As in `treatment_effect_by_group`, or if the marker is not 0/1.

    Notes
    -----
    log h(t) = log h0(t) + b1 T + b2 M + b3 T M (+ adjustments); HR of T is exp(b1) when M = 0
    and exp(b1 + b3) when M = 1. Testing b3 = 0 is the formal test of a predictive marker;
    comparing two subgroup p-values is not (one significant, one not, proves nothing).

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> df = pd.DataFrame({"m": np.repeat([0, 1], 400), "treatment": np.tile([0, 1], 400)})
    >>> log_hr = np.where(df["m"] == 1, np.log(0.4), 0.0) * df["treatment"]
    >>> df["survival_months"], df["event"] = rng.exponential(12 / np.exp(log_hr)), 1
    >>> result = treatment_interaction(df, "m")
    >>> bool(result["p_interaction"] < 0.001), bool(result["ratio_upper"] < 1)
    (True, True)

    Taught in lesson 14.
    """
    adjust = _check_adjust(adjust, {marker_col: "marker_col", treatment_col: "treatment_col",
                                    time_col: "time_col", event_col: "event_col"})
    df = _check_table(clinical, [marker_col, treatment_col, time_col, event_col] + adjust,
                      [marker_col, treatment_col, event_col])
    df["treatment_x_marker"] = df[treatment_col] * df[marker_col]
    fit = _cox(df, time_col, event_col)
    b = fit.params_
    log_hr1 = b[treatment_col] + b["treatment_x_marker"]
    s = fit.summary.loc["treatment_x_marker"]
    return pd.Series({"hr_marker": float(np.exp(b[marker_col])),
                      "hr_treatment_marker_0": float(np.exp(b[treatment_col])),
                      "hr_treatment_marker_1": float(np.exp(log_hr1)),
                      "ratio_of_hrs": s["exp(coef)"], "ratio_lower": s["exp(coef) lower 95%"],
                      "ratio_upper": s["exp(coef) upper 95%"], "p_interaction": s["p"],
                      "n_patients": len(df), "n_events": int(df[event_col].sum())},
                     name=f"{treatment_col} x {marker_col}")


def t_learner_benefit(clinical: pd.DataFrame, covariates: list[str], horizon_months: float = 24.0,
                      treatment_col: str = "treatment", time_col: str = "survival_months",
                      event_col: str = "event", cv: int = 5, random_state: int = 0) -> pd.Series:
    """Predicted benefit of treatment per patient: survival at a horizon if treated minus if not.

    A T-learner ("two models"): one Cox model is fitted on treated patients and one on untreated
    patients; each patient's benefit is the difference of the two predicted survival
    probabilities. Predictions are out-of-fold (cross-fitted): no patient is scored by a model
    that saw them.

    Parameters
    ----------
    clinical : DataFrame
        One row per patient.
    covariates : list of str
        Numeric columns used by both models (e.g. ``["age_years", "grade", "mutation"]``).
    horizon_months : float, default 24.0
        Time point for the survival probabilities, months.
    treatment_col, time_col, event_col
        As in `treatment_effect_by_group`.
    cv : int, default 5
        Number of folds for cross-fitting.
    random_state : int, default 0
        Seeds the fold split.

    Returns
    -------
    Series
        Absolute benefit (fraction alive at the horizon; 0.10 = 10 more survivors per 100
        treated), indexed like ``clinical``.

    Raises
    ------
    ValueError
        As in `treatment_effect_by_group`, or if ``horizon_months`` is not positive.

    Notes
    -----
    Kunzel SR et al. (2019) PNAS 116:4156-4165 (meta-learners). The score is noisy for a
    single patient; average it over groups and compare with `true_treatment_benefit`.

    Examples
    --------
    >>> rng = np.random.default_rng(2)
    >>> df = pd.DataFrame({"m": np.repeat([0, 1], 300), "treatment": np.tile([0, 1], 300)})
    >>> log_hr = np.where(df["m"] == 1, np.log(0.4), 0.0) * df["treatment"]
    >>> df["survival_months"], df["event"] = rng.exponential(24 / np.exp(log_hr)), 1
    >>> benefit = t_learner_benefit(df, ["m"], horizon_months=12)
    >>> bool(benefit[df["m"] == 1].mean() > 0.1 > abs(benefit[df["m"] == 0].mean()))
    True

    Taught in lesson 14.
    """
    import warnings

    from sklearn.model_selection import KFold

    if not horizon_months > 0:
        raise ValueError(f"horizon_months must be > 0 (months); got {horizon_months}")
    covariates = list(covariates)
    df = _check_table(clinical, covariates + [treatment_col, time_col, event_col],
                      [treatment_col, event_col])
    benefit = np.zeros(len(df))
    for train, test in KFold(cv, shuffle=True, random_state=random_state).split(df):
        d, surv = df.iloc[train], []
        for arm in (1, 0):
            fit = _cox(d.loc[d[treatment_col] == arm, covariates + [time_col, event_col]],
                       time_col, event_col)
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", module="lifelines")
                surv.append(fit.predict_survival_function(df.iloc[test][covariates],
                                                          times=[horizon_months]).to_numpy()[0])
        benefit[test] = surv[0] - surv[1]
    return pd.Series(benefit, index=clinical.index, name=f"benefit_{horizon_months:g}_months")


def true_treatment_benefit(clinical: pd.DataFrame, model: dict,
                           horizon_months: float = 24.0) -> pd.Series:
    """The TRUE benefit per patient in the synthetic cohort, from its generating model.

    Uses the Weibull proportional-hazards model of ``datasets/radiogenomic_cohort.md``:
    S(t) = exp(-(t / lambda)^k exp(eta)), evaluated with treatment = 1 and = 0.

    Parameters
    ----------
    clinical : DataFrame
        Needs ``grade``, ``age_years`` and ``mutation`` (e.g. ``cohort.clinical``).
    model : dict
        ``cohort.ground_truth["model"]``.
    horizon_months : float, default 24.0

    Returns
    -------
    Series
        True survival at the horizon if treated minus if untreated (fraction), like
        `t_learner_benefit`.

    Raises
    ------
    ValueError
        For a missing column, or a ``model`` without the ``"survival"`` entry.

    Examples
    --------
    >>> from toolkit.datasets._cohort_outcomes import DEFAULT_MODEL
    >>> df = pd.DataFrame({"grade": [2, 2], "age_years": [58.0, 58.0], "mutation": [0, 1]})
    >>> true_treatment_benefit(df, DEFAULT_MODEL, 24).round(3).tolist()
    [0.0, 0.152]

    Taught in lesson 14.
    """
    df = _check_table(clinical, ["grade", "age_years", "mutation"], ["mutation"])
    if "survival" not in model:
        raise ValueError("model must be cohort.ground_truth['model'] (with a 'survival' entry); "
                         f"found keys {list(model)[:8]}")
    s = model["survival"]
    b, k, lam = s["log_hr"], s["weibull_shape"], s["baseline_scale_months"]
    eta = (b["grade_per_level_above_2"] * (df["grade"] - 2)
           + b["age_per_year_above_58"] * (df["age_years"] - 58) + b["mutation"] * df["mutation"])
    eta_treated = eta + b["treatment"] + b["treatment_x_mutation"] * df["mutation"]
    base = (horizon_months / lam) ** k
    benefit = np.exp(-base * np.exp(eta_treated)) - np.exp(-base * np.exp(eta))
    return benefit.rename(f"true_benefit_{horizon_months:g}_months")


def view_treatment_effects(table: pd.DataFrame, truth: dict | None = None,
                           title: str = "Treatment hazard ratio by group",
                           output_file: str | None = None):
    """Forest plot (plotly) of `treatment_effect_by_group`, log scale, with the true HRs.

    Parameters
    ----------
    table : DataFrame
        Output of `treatment_effect_by_group`.
    truth : dict, optional
        ``{group: true hazard ratio}``, drawn as red diamonds.
    title : str
    output_file : str, optional
        Write a standalone HTML file.

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> t = pd.DataFrame({"group": [0, 1], "hazard_ratio": [1.0, 0.5],
    ...                   "hr_lower": [0.8, 0.4], "hr_upper": [1.2, 0.6]})
    >>> len(view_treatment_effects(t, truth={0: 1.0, 1: 0.45}).data)
    2

    Taught in lesson 14.
    """
    import plotly.graph_objects as go

    labels = [str(g) for g in table["group"]]
    fig = go.Figure(go.Scatter(
        x=table["hazard_ratio"], y=labels, mode="markers", name="estimate (95% CI)",
        error_x={"type": "data", "symmetric": False,
                 "array": table["hr_upper"] - table["hazard_ratio"],
                 "arrayminus": table["hazard_ratio"] - table["hr_lower"]}))
    if truth is not None:
        fig.add_trace(go.Scatter(x=[truth.get(g, np.nan) for g in table["group"]], y=labels,
                                 mode="markers", marker={"symbol": "diamond", "color": "red"},
                                 name="true HR"))
    fig.add_vline(x=1.0, line_dash="dash")
    fig.update_layout(title=title, xaxis={"type": "log", "title": "hazard ratio (treated vs not)"},
                      yaxis_title="group", height=200 + 40 * len(labels))
    if output_file:
        fig.write_html(output_file)
    return fig
