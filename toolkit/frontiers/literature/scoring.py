"""Evaluation against the gold labels: precision, recall and F1 with bootstrap confidence intervals
over passages, and a table of every error.

Taught in lesson 24.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .corpus import MENTION_KEYS, RELATION_KEYS

__all__ = ["precision_recall_f1", "match_table", "evaluate_extraction", "error_table"]


def precision_recall_f1(tp: float, fp: float, fn: float) -> tuple[float, float, float]:
    """Precision, recall and F1 from counts of true positives, false positives and false negatives.

    *Precision* = TP / (TP + FP): of what the tool found, the fraction that is right (like a positive
    predictive value). *Recall* = TP / (TP + FN): of what is really there, the fraction found (like
    sensitivity). *F1* = 2 TP / (2 TP + FP + FN), their harmonic mean. Undefined values are NaN.

    Parameters
    ----------
    tp, fp, fn : int or float
        Counts of true positives, false positives and false negatives.

    Returns
    -------
    (precision, recall, f1) : tuple of float

    Examples
    --------
    >>> precision_recall_f1(tp=8, fp=2, fn=8)
    (0.8, 0.5, 0.6153846153846154)
    """
    nan = float("nan")
    precision = tp / (tp + fp) if tp + fp else nan
    recall = tp / (tp + fn) if tp + fn else nan
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else nan
    return precision, recall, f1


def match_table(predicted: pd.DataFrame, gold: pd.DataFrame,
                on: Sequence[str] = MENTION_KEYS) -> pd.DataFrame:
    """Pair predictions with gold labels per passage; every row is a TP, FP or FN.

    Parameters
    ----------
    predicted, gold : DataFrame
        Tables from `extract_from_corpus` and `gold_tables` (``"mentions"`` or ``"relations"``).
    on : sequence of str
        Columns that must agree (besides ``passage_id``): `MENTION_KEYS` (exact span and type) or
        `RELATION_KEYS`; drop ``"status"`` to ignore negation.

    Returns
    -------
    DataFrame with the key columns, the other columns of both tables and ``outcome``.

    Examples
    --------
    >>> g = pd.DataFrame({"passage_id": ["a", "a"], "x": [1, 2]})
    >>> p = pd.DataFrame({"passage_id": ["a", "a"], "x": [2, 3]})
    >>> match_table(p, g, on=["x"])["outcome"].tolist()
    ['FN', 'TP', 'FP']
    """
    keys = ["passage_id", *on]
    missing = [k for k in keys if k not in predicted or k not in gold]
    if missing:
        raise ValueError(f"columns {missing} must be in both tables; got predicted {list(predicted)}, "
                         f"gold {list(gold)}. Use the tables from extract_from_corpus() and gold_tables().")
    both = pd.merge(gold.drop_duplicates(keys), predicted.drop_duplicates(keys), on=keys, how="outer",
                    suffixes=("_gold", "_pred"), indicator=True)
    both["outcome"] = both.pop("_merge").map({"both": "TP", "left_only": "FN", "right_only": "FP"}).astype(str)
    return both.sort_values(keys, kind="stable").reset_index(drop=True)


def _counts(matches: pd.DataFrame, passage_ids) -> np.ndarray:
    """Per-passage (TP, FP, FN) counts, shape (n_passages, 3), zeros for passages without rows."""
    table = pd.crosstab(matches["passage_id"], matches["outcome"])
    return table.reindex(index=list(passage_ids), columns=["TP", "FP", "FN"], fill_value=0).to_numpy()


def _scores_with_ci(counts: np.ndarray, samples: np.ndarray, ci: float) -> dict:
    """Counts, precision/recall/F1 and their percentile intervals over the passage resamples."""
    row = dict(zip(("tp", "fp", "fn"), counts.sum(0).tolist()))
    row.update(zip(("precision", "recall", "f1"), precision_recall_f1(*counts.sum(0))))
    tp, fp, fn = counts[samples].sum(1).T.astype(float)  # one row of sums per resample
    with np.errstate(invalid="ignore", divide="ignore"):
        boot = np.column_stack([tp / (tp + fp), tp / (tp + fn), 2 * tp / (2 * tp + fp + fn)])
    alpha = (1 - ci) / 2
    for j, name in enumerate(("precision", "recall", "f1")):
        finite = boot[np.isfinite(boot[:, j]), j]
        low, high = np.quantile(finite, [alpha, 1 - alpha]) if len(finite) else (np.nan, np.nan)
        row[f"{name}_low"], row[f"{name}_high"] = float(low), float(high)
    return row


def evaluate_extraction(predicted: pd.DataFrame, gold: pd.DataFrame, on: Sequence[str] = MENTION_KEYS,
                        by: str | None = "type", passage_ids: Sequence[str] | None = None,
                        n_boot: int = 1000, ci: float = 0.95, random_state: int | None = 0) -> pd.DataFrame:
    """Precision, recall and F1 with percentile bootstrap confidence intervals over passages.

    Passages, not mentions, are resampled (a cluster bootstrap), because mentions in one passage are
    not independent. The same resamples are used for every group (paired).

    Parameters
    ----------
    predicted, gold : DataFrame
        From `extract_from_corpus` and `gold_tables`.
    on : sequence of str, default `MENTION_KEYS`
        Columns that must agree; `RELATION_KEYS` for relations.
    by : str or None, default "type"
        Report one row per value of this column (e.g. gene / variant / disease); None: one row.
    passage_ids : sequence, optional
        All passages evaluated, including those with no mention at all (default: those in the tables).
    n_boot, ci, random_state
        As in `toolkit.evaluation.bootstrap_ci`.

    Returns
    -------
    DataFrame indexed by group with ``tp, fp, fn`` and ``precision, recall, f1`` each with
    ``_low`` and ``_high`` bounds.

    Examples
    --------
    >>> g = pd.DataFrame({"passage_id": list("aabc"), "x": [1, 2, 1, 1]})
    >>> p = pd.DataFrame({"passage_id": list("abcc"), "x": [1, 1, 1, 5]})
    >>> r = evaluate_extraction(p, g, on=["x"], by=None, n_boot=200)
    >>> r[["tp", "fp", "fn", "precision", "recall"]].round(2).to_dict("records")
    [{'tp': 3, 'fp': 1, 'fn': 1, 'precision': 0.75, 'recall': 0.75}]

    Taught in lesson 24.
    """
    from toolkit.evaluation.metrics import bootstrap_indices

    if not 0 < ci < 1:
        raise ValueError(f"ci must be a fraction between 0 and 1 (e.g. 0.95); got {ci!r}")
    matches = match_table(predicted, gold, on)
    ids = pd.unique(pd.concat([gold["passage_id"], predicted["passage_id"]])) if passage_ids is None else passage_ids
    ids = list(ids)
    if by is not None and by not in matches:  # a column outside ``on``: take gold's value, else the prediction's
        matches[by] = matches[f"{by}_gold"].fillna(matches[f"{by}_pred"])
    groups = [None] if by is None else sorted(matches[by].unique())
    counts = {g: _counts(matches if g is None else matches[matches[by] == g], ids) for g in groups}
    samples = np.array(list(bootstrap_indices(len(ids), n_boot, random_state)))
    rows = [{"group": "all" if g is None else g, **_scores_with_ci(c, samples, ci)} for g, c in counts.items()]
    order = ["tp", "fp", "fn"] + [f"{m}{s}" for m in ("precision", "recall", "f1") for s in ("", "_low", "_high")]
    return pd.DataFrame(rows).set_index("group")[order]


def error_table(predicted: pd.DataFrame, gold: pd.DataFrame, corpus: pd.DataFrame,
                on: Sequence[str] = MENTION_KEYS) -> pd.DataFrame:
    """Every false positive and false negative, with its passage text and the passage's trap labels.

    Read it to see *why* a method fails: ambiguous symbols (CAT scan, 4 MET), old variant names
    (185delAG), negation, a variant given to the wrong gene, links across sentences.

    Returns
    -------
    DataFrame: ``passage_id``, ``outcome`` (FP or FN), the key columns, ``what`` (the mention text or
    the relation), ``traps`` (comma-separated) and ``text``.

    Examples
    --------
    >>> from toolkit.frontiers.literature import extract_from_corpus, gold_tables, load_corpus
    >>> corpus = load_corpus().head(6)
    >>> errors = error_table(extract_from_corpus(corpus)["mentions"], gold_tables(corpus)["mentions"], corpus)
    >>> errors[["passage_id", "outcome", "what"]].head(3).to_dict("records")[0]
    {'passage_id': 'P003', 'outcome': 'FN', 'what': '185delAG'}

    Taught in lesson 24.
    """
    errors = match_table(predicted, gold, on)
    errors = errors[errors["outcome"] != "TP"].copy()
    if "text_gold" in errors:
        errors["what"] = errors["text_gold"].fillna(errors["text_pred"])
    else:
        errors["what"] = errors[list(RELATION_KEYS[:3])].astype(str).agg(" | ".join, axis=1)
    info = corpus.set_index("passage_id")
    errors["traps"] = errors["passage_id"].map(lambda p: ", ".join(info.at[p, "traps"]) or "none")
    errors["text"] = errors["passage_id"].map(info["text"])
    return errors[["passage_id", "outcome", *on, "what", "traps", "text"]].reset_index(drop=True)
