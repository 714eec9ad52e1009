"""Model cards: a one-page, plain-language summary that travels with a model.

Following Mitchell et al. (2019), a card says what the model is for, what it must not be
used for, which data it learned from, how well it works (with uncertainty, overall and per
subgroup) and what its known limits are.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["model_card"]


def model_card(model, evaluation: dict, *, name: str = "Unnamed model",
               intended_use: str = "Not stated.", out_of_scope: str = "Not stated.",
               data: str = "Not stated.", subgroups: pd.DataFrame | None = None,
               limitations: str = "Not stated.", ethical_considerations: str = "Not stated.",
               date: str | None = None) -> str:
    """Write a Markdown model card (Mitchell et al. 2019) for a fitted model.

    Parameters
    ----------
    model : estimator or str
        Its class name and non-default parameters are listed (a str is printed as is).
    evaluation : dict ``{metric name: MetricCI or float}``
        Overall performance, e.g. ``{"AUC": auc_ci(y, p), "ECE": 0.04}``.
    name : str
    intended_use, out_of_scope, data, limitations, ethical_considerations : str
        Plain-language paragraphs. "Not stated." is printed when left out, so gaps show.
    subgroups : DataFrame, optional
        Output of `subgroup_report`; rendered as a table.
    date : str, optional
        E.g. "2026-11-23".

    Returns
    -------
    str
        Markdown text (display with ``IPython.display.Markdown``).

    Raises
    ------
    ValueError
        If ``evaluation`` is empty (a card without performance numbers is not a model card).

    Notes
    -----
    Mitchell M, Wu S, Zaldivar A, et al. Model cards for model reporting.
    FAT* 2019:220-229. doi:10.1145/3287560.3287596

    Examples
    --------
    >>> from toolkit.evaluation.metrics import MetricCI
    >>> card = model_card("logistic regression", {"AUC": MetricCI(0.81, 0.75, 0.86)},
    ...                   name="Mutation risk", intended_use="Teaching only.")
    >>> print(card.splitlines()[0])
    # Model card: Mutation risk
    >>> "| AUC | 0.810 | 0.750 to 0.860 |" in card
    True

    Taught in lesson 18.
    """
    if not evaluation:
        raise ValueError("evaluation is empty; expected e.g. {'AUC': auc_ci(y, p)}. "
                         "A model card must report performance.")
    lines = [f"# Model card: {name}", ""]
    if date:
        lines += [f"*Date: {date}*", ""]
    lines += ["## Model details", "", _describe_model(model), "",
              "## Intended use", "", intended_use, "",
              "## Out-of-scope uses", "", out_of_scope, "",
              "## Training and evaluation data", "", data, "",
              "## Performance", "", "| metric | value | 95% CI |", "|---|---|---|"]
    for metric, result in evaluation.items():
        if hasattr(result, "lower"):
            lines.append(f"| {metric} | {result.value:.3f} | {result.lower:.3f} to "
                         f"{result.upper:.3f} |")
        else:
            lines.append(f"| {metric} | {float(result):.3f} | not computed |")
    lines.append("")
    if subgroups is not None:
        lines += ["## Performance by subgroup", "", _subgroup_table(subgroups), ""]
    lines += ["## Limitations", "", limitations, "",
              "## Ethical considerations", "", ethical_considerations, ""]
    return "\n".join(lines)


def _describe_model(model) -> str:
    if isinstance(model, str):
        return model
    params = {}
    if hasattr(model, "get_params"):
        defaults = type(model)().get_params(deep=False) if _default_constructible(model) else {}
        params = {k: v for k, v in model.get_params(deep=False).items()
                  if k not in defaults or repr(defaults[k]) != repr(v)}
    shown = ", ".join(f"{k}={v!r}" for k, v in params.items()) or "default parameters"
    return f"`{type(model).__name__}` ({shown})."


def _default_constructible(model) -> bool:
    try:
        type(model)()
    except TypeError:
        return False
    return True


def _subgroup_table(report: pd.DataFrame) -> str:
    head = "| group | metric | n | value | 95% CI | gap vs overall |\n|---|---|---|---|---|---|"
    rows = []
    for r in report.itertuples():
        ci = "n/a" if np.isnan(r.lower) else f"{r.lower:.3f} to {r.upper:.3f}"
        gap = "" if np.isnan(r.gap_vs_overall) else f"{r.gap_vs_overall:+.3f}"
        rows.append(f"| {r.group} | {r.metric} | {r.n} | {r.value:.3f} | {ci} | {gap} |")
    return "\n".join([head, *rows])
