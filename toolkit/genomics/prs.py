"""Polygenic scores: weighted allele counts, weights from clumped GWAS results, simulated traits."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from .genotypes import Genotypes  # noqa: F401  (the docstring examples build one)
from .stats import _as_genotypes, _imputed_dosage, allele_frequencies

__all__ = ["polygenic_score", "clump_and_threshold", "make_trait", "risk_by_quantile",
           "odds_ratio_top_vs_rest", "r2_by_group"]


def polygenic_score(g, weights: pd.DataFrame) -> pd.Series:
    """Polygenic score per person: sum over variants of weight x copies of the weighted allele.

    A polygenic (risk) score summarises many small genetic effects into one number per
    person, e.g. to rank people by inherited risk of coronary disease.

    Parameters
    ----------
    g : Genotypes
    weights : DataFrame with columns ``id`` (variant id), ``allele`` (the allele whose copies
        are counted; the variant's REF or ALT) and ``weight`` (effect per copy, e.g. a GWAS beta
        or log odds ratio).

    Returns
    -------
    Series indexed by sample id: the sum (not the average) of weight x dosage. A missing
    genotype counts as the variant's mean dosage in ``g`` (as plink2 ``--score`` does).

    Raises
    ------
    ValueError
        Missing columns, an allele that is neither REF nor ALT, or no weighted variant in ``g``.
        Weighted variants absent from ``g`` are skipped with a warning.

    Examples
    --------
    >>> g = Genotypes([[[0, 1], [1, 1]], [[0, 0], [0, 1]]], ["p1", "p2"], ["rs1", "rs2"],
    ...               ["22", "22"], [1, 2], ["A", "C"], ["G", "T"])
    >>> w = pd.DataFrame({"id": ["rs1", "rs2"], "allele": ["G", "C"], "weight": [0.5, 1.0]})
    >>> polygenic_score(g, w).tolist()  # p1: 0.5 x 1 + 1.0 x 2;  p2: 0.5 x 2 + 1.0 x 1
    [2.5, 2.0]

    Taught in lesson 03.
    """
    need = {"id", "allele", "weight"} - set(weights.columns)
    if need:
        raise ValueError(f"weights must have columns ['id', 'allele', 'weight']; missing {sorted(need)}")
    g = _as_genotypes(g)
    row = pd.Series(np.arange(g.n_variants), index=g.variant_ids)
    row = row[~row.index.duplicated()]
    found = weights["id"].astype(str).isin(row.index)
    if not found.any():
        raise ValueError(f"none of the {len(weights)} weighted variants are in the genotypes "
                         f"(e.g. {weights['id'].head(3).tolist()}); check the variant id format.")
    if not found.all():
        warnings.warn(f"{int((~found).sum())} of {len(weights)} weighted variants are not in the "
                      "genotypes and were skipped.", UserWarning, stacklevel=2)
    w = weights[found]
    idx = row.loc[w["id"].astype(str)].to_numpy()
    allele = w["allele"].astype(str).to_numpy()
    is_alt, is_ref = allele == g.alt[idx], allele == g.ref[idx]
    if not (is_alt | is_ref).all():
        i = int(np.flatnonzero(~(is_alt | is_ref))[0])
        raise ValueError(f"weight allele {allele[i]!r} for {w['id'].iloc[i]} must be one of "
                         f"REF {str(g.ref[idx[i]])!r} or ALT {str(g.alt[idx[i]])!r}")
    d = _imputed_dosage(g.subset(variants=idx))
    d = np.where(is_alt[:, None], d, 2 - d)
    score = w["weight"].to_numpy(float) @ d
    return pd.Series(score, index=pd.Index(g.samples, name="sample"), name="prs")


def clump_and_threshold(g, results: pd.DataFrame, p_threshold: float = 5e-8,
                        r2: float | None = 0.1, window_kb: float = 250.0) -> pd.DataFrame:
    """Polygenic score weights from GWAS results: keep the best variant per LD block, p <= threshold.

    Neighbouring variants are inherited together (linkage disequilibrium, LD), so one signal
    shows up at many variants; clumping keeps one per signal so it is not counted many times.

    Parameters
    ----------
    g : Genotypes
        The reference panel used to measure LD (usually the GWAS sample).
    results : DataFrame from `gwas` (index = variant id; columns ``beta``, ``p``).
    p_threshold : float, default 5e-8
        Keep variants with p <= this (5e-8 is "genome-wide significance").
    r2 : float or None, default 0.1
        Drop variants with squared correlation > r2 with a stronger kept variant within the
        window; None drops every variant in the window (distance-only clumping).
    window_kb : float, default 250
        Window half-width in kilobases (1 kb = 1,000 bases).

    Returns
    -------
    DataFrame with ``id``, ``allele`` (ALT), ``weight`` (the beta) and ``p``: input for
    `polygenic_score`.

    Raises
    ------
    ValueError
        ``results`` lacks ``beta``/``p``, or names variants absent from ``g``.

    Examples
    --------
    >>> g = Genotypes([[[0, 1], [1, 1], [0, 0]], [[0, 1], [1, 1], [0, 0]]], ["a", "b", "c"],
    ...               ["rs1", "rs2"], ["22", "22"], [100, 200], ["A", "C"], ["G", "T"])
    >>> res = pd.DataFrame({"beta": [0.3, 0.2], "p": [1e-9, 1e-8]}, index=["rs1", "rs2"])
    >>> clump_and_threshold(g, res)["id"].tolist()  # rs2 is a copy of rs1 (r2 = 1)
    ['rs1']

    Taught in lesson 03.
    """
    if not {"beta", "p"} <= set(results.columns):
        raise ValueError(f"results must have columns 'beta' and 'p' (from gwas()); got {list(results.columns)}")
    g = _as_genotypes(g)
    hits = results[results["p"] <= p_threshold].sort_values("p")
    row = pd.Series(np.arange(g.n_variants), index=g.variant_ids)
    absent = ~hits.index.isin(row.index)
    if absent.any():
        raise ValueError(f"{int(absent.sum())} GWAS variants are not in g, e.g. {list(hits.index[absent][:3])}")
    idx = row.loc[hits.index].to_numpy()
    Z = _imputed_dosage(g.subset(variants=idx))
    Z = Z - Z.mean(axis=1, keepdims=True)
    Z /= np.maximum(np.linalg.norm(Z, axis=1, keepdims=True), 1e-12)
    chrom, pos = g.chrom[idx], g.positions[idx]
    available, kept = np.ones(len(idx), bool), []
    for i in range(len(idx)):
        if not available[i]:
            continue
        kept.append(i)
        near = available & (chrom == chrom[i]) & (np.abs(pos - pos[i]) <= window_kb * 1000)
        if r2 is not None:
            near &= (Z @ Z[i]) ** 2 > r2
        available &= ~near
    out = hits.iloc[kept]
    return pd.DataFrame({"id": out.index.astype(str), "allele": g.alt[idx[kept]],
                         "weight": out["beta"].to_numpy(), "p": out["p"].to_numpy()})


def make_trait(g, n_causal: int = 100, heritability: float = 0.5, prevalence: float | None = None,
               random_state: int = 0) -> tuple[pd.Series, pd.DataFrame]:
    """Simulate a SYNTHETIC trait from the genotypes with a known genetic architecture.

    Lets a lesson check a GWAS and a polygenic score against the truth, which real data never
    reveals.

    Parameters
    ----------
    g : Genotypes
    n_causal : int, default 100
        Number of causal variants, drawn at random among variants with minor allele
        frequency >= 0.01.
    heritability : float, default 0.5
        Fraction (0-1) of the trait's variance, in the whole sample, due to the causal variants.
    prevalence : float, optional
        If given, return 0/1 disease status: the top ``prevalence`` fraction of liability are
        cases (liability-threshold model). Otherwise the continuous trait (variance 1).
    random_state : int, default 0

    Returns
    -------
    phenotype : Series indexed by sample id
    effects : DataFrame with ``id``, ``allele`` (ALT), ``weight`` (true effect per ALT copy)

    Raises
    ------
    ValueError
        Heritability outside 0-1, prevalence outside (0, 1), or too few usable variants.

    Notes
    -----
    Model: standardised causal genotypes x_j = (dosage - 2p_j) / sqrt(2p_j(1-p_j)), effects
    b_j ~ Normal(0, 1), genetic value G = sum_j b_j x_j rescaled to variance ``heritability``,
    liability = G + E with E ~ Normal(0, 1 - heritability). Rarer variants thus get larger per-allele
    effects (the common "GCTA" assumption). Frequencies p_j are from the whole sample.

    Examples
    --------
    >>> from toolkit.datasets import make_population
    >>> g = make_population(30, sequence_length_mb=0.5, random_state=2)
    >>> y, effects = make_trait(g, n_causal=10, heritability=0.5, prevalence=0.2)
    >>> int(y.sum()), len(effects)
    (18, 10)

    Taught in lesson 03.
    """
    if not 0 <= heritability <= 1:
        raise ValueError(f"heritability must be between 0 and 1; got {heritability}")
    if prevalence is not None and not 0 < prevalence < 1:
        raise ValueError(f"prevalence must be between 0 and 1 (exclusive); got {prevalence}")
    g = _as_genotypes(g)
    rng = np.random.default_rng(random_state)
    p = allele_frequencies(g).fillna(0).to_numpy()
    usable = np.flatnonzero(np.minimum(p, 1 - p) >= 0.01)
    if len(usable) < n_causal:
        raise ValueError(f"n_causal={n_causal} but only {len(usable)} variants have minor allele "
                         "frequency >= 0.01; simulate a longer sequence or lower n_causal.")
    causal = np.sort(rng.choice(usable, n_causal, replace=False))
    scale = np.sqrt(2 * p[causal] * (1 - p[causal]))
    b = rng.normal(size=n_causal) / scale  # per ALT copy
    genetic = b @ (_imputed_dosage(g.subset(variants=causal)) - 2 * p[causal, None])
    sd = genetic.std()
    factor = np.sqrt(heritability) / sd if sd > 0 else 0.0
    liability = genetic * factor + rng.normal(scale=np.sqrt(1 - heritability), size=g.n_samples)
    y = liability if prevalence is None else (liability > np.quantile(liability, 1 - prevalence)).astype(float)
    effects = pd.DataFrame({"id": g.variant_ids[causal], "allele": g.alt[causal], "weight": b * factor})
    return pd.Series(y, index=pd.Index(g.samples, name="sample"), name="phenotype"), effects


def risk_by_quantile(score, status, n_groups: int = 10) -> pd.DataFrame:
    """Absolute risk (fraction with the disease) in each score group, lowest to highest.

    The table clinicians need: what fraction of people in the top 10% of a score actually
    get the disease, compared with the middle or the bottom.

    Parameters
    ----------
    score : array or Series (n_people,), e.g. a polygenic score
    status : array or Series (n_people,) of 0/1 (1 = has the disease)
    n_groups : int, default 10 (deciles)

    Returns
    -------
    DataFrame indexed by group (1 = lowest scores) with ``n``, ``cases``, ``absolute_risk``
    (fraction 0-1) and ``relative_risk`` (compared with everyone).

    Raises
    ------
    ValueError
        Different lengths, a status that is not 0/1, or fewer people than groups.

    Examples
    --------
    >>> risk_by_quantile([1, 2, 3, 4], [0, 0, 1, 1], n_groups=2)["absolute_risk"].tolist()
    [0.0, 1.0]

    Taught in lesson 03.
    """
    score, status = np.asarray(score, dtype=float), np.asarray(status, dtype=float)
    if score.shape != status.shape:
        raise ValueError(f"score and status must have the same length; got {len(score)} and {len(status)}")
    if not np.isin(status, (0, 1)).all():
        raise ValueError("status must be 0/1 (1 = has the disease); found other values")
    if len(score) < n_groups:
        raise ValueError(f"need at least n_groups={n_groups} people; got {len(score)}")
    group = pd.qcut(pd.Series(score).rank(method="first"), n_groups, labels=range(1, n_groups + 1))
    table = pd.Series(status).groupby(group, observed=False).agg(n="size", cases="sum")
    table["absolute_risk"] = table["cases"] / table["n"]
    table["relative_risk"] = table["absolute_risk"] / status.mean()
    return table.rename_axis("group")


def odds_ratio_top_vs_rest(score, status, top: float = 0.1) -> dict:
    """Odds ratio of disease for the top ``top`` fraction of scores versus everyone else, with 95% CI.

    The figure often quoted for polygenic scores ("top 10% have 3 times the odds"); read it
    next to the absolute risks, which may stay low.

    Returns
    -------
    dict with ``odds_ratio``, ``ci_low``, ``ci_high`` (Woolf's log method, 0.5 added to every
    cell when one is zero), ``risk_top`` and ``risk_rest`` (fractions 0-1).

    Raises
    ------
    ValueError
        ``top`` outside (0, 1).

    Examples
    --------
    >>> r = odds_ratio_top_vs_rest([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [0, 0, 0, 1, 0, 0, 1, 0, 1, 1], top=0.2)
    >>> round(r["odds_ratio"], 2), r["risk_top"], round(r["risk_rest"], 2)
    (13.0, 1.0, 0.25)

    Taught in lesson 03.
    """
    if not 0 < top < 1:
        raise ValueError(f"top must be a fraction between 0 and 1; got {top}")
    score, status = np.asarray(score, dtype=float), np.asarray(status, dtype=float)
    is_top = pd.Series(score).rank(method="first", ascending=False).to_numpy() <= round(top * len(score))
    a, b = status[is_top].sum(), (1 - status[is_top]).sum()
    c, d = status[~is_top].sum(), (1 - status[~is_top]).sum()
    if min(a, b, c, d) == 0:
        a, b, c, d = a + 0.5, b + 0.5, c + 0.5, d + 0.5
    log_or, se = np.log(a * d / (b * c)), np.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    return {"odds_ratio": float(np.exp(log_or)), "ci_low": float(np.exp(log_or - 1.96 * se)),
            "ci_high": float(np.exp(log_or + 1.96 * se)), "risk_top": float(status[is_top].mean()),
            "risk_rest": float(status[~is_top].mean())}


def r2_by_group(score, phenotype, groups=None) -> pd.DataFrame:
    """Prediction accuracy of a score: squared correlation with the trait (R²), per group, with 95% CI.

    Compare R² of the same polygenic score in people of different ancestry to see how well it
    transfers (portability).

    Parameters
    ----------
    score, phenotype : arrays or Series of the same length (n_people,)
    groups : array or Series (n_people,), optional
        e.g. each person's population; None = everyone together (group "all").

    Returns
    -------
    DataFrame indexed by group with ``n``, ``r2`` and its 95% CI ``ci_low``, ``ci_high``
    (Fisher's z interval for the correlation r, squared; ci_low = 0 when the r interval spans 0).

    Raises
    ------
    ValueError
        Different lengths, or a group with fewer than 4 people.

    Examples
    --------
    >>> r2_by_group([1, 2, 3, 4, 5, 6], [1.1, 1.9, 3.2, 3.9, 5.1, 6.0]).round(3)
         n     r2  ci_low  ci_high
    all  6  0.996    0.96      1.0

    Taught in lesson 03.
    """
    score, phenotype = np.asarray(score, dtype=float), np.asarray(phenotype, dtype=float)
    groups = np.full(len(score), "all") if groups is None else np.asarray(groups, dtype=str)
    if not len(score) == len(phenotype) == len(groups):
        raise ValueError(f"score, phenotype and groups must have the same length; got "
                         f"{len(score)}, {len(phenotype)} and {len(groups)}")
    rows = {}
    for name in dict.fromkeys(groups):
        m = groups == name
        if m.sum() < 4:
            raise ValueError(f"group {str(name)!r} has {int(m.sum())} people; need at least 4 for an R² with a CI")
        r = np.corrcoef(score[m], phenotype[m])[0, 1]
        half = 1.96 / np.sqrt(m.sum() - 3)
        lo, hi = np.tanh(np.arctanh(np.clip(r, -0.999999, 0.999999)) + np.array([-half, half]))
        low, high = (0.0, max(lo ** 2, hi ** 2)) if lo < 0 < hi else sorted((lo ** 2, hi ** 2))
        rows[str(name)] = {"n": int(m.sum()), "r2": r ** 2, "ci_low": low, "ci_high": high}
    return pd.DataFrame.from_dict(rows, orient="index")
