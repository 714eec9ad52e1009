"""Genomic beacons and the membership attack that re-identifies people from yes/no answers.

A *beacon* (Global Alliance for Genomics and Health) answers one question about a data set:
"does anyone here carry allele X at position P?" Shringarpure & Bustamante (2015) showed that
a few hundred such answers are enough to tell whether a given person's genome is in the beacon.
Every genome used in the lessons is SYNTHETIC (`toolkit.datasets.make_population`).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .._utils.validation import check_one_of

__all__ = ["build_beacon", "beacon_attack", "attack_power", "DEFENCES"]

DEFENCES = (None, "query_budget", "noise", "hide_rare")


def _dosage(genotypes) -> np.ndarray:
    """ALT allele counts (n_variants, n_samples) from a Genotypes, a calls array or a dosage array."""
    if hasattr(genotypes, "dosage"):
        d = genotypes.dosage()
    else:
        d = np.asarray(genotypes, dtype=float)
        if d.ndim == 3:
            d = np.where((d < 0).any(axis=2), np.nan, (d == 1).sum(axis=2))
    if d.ndim != 2:
        raise ValueError(f"expected genotypes of shape (n_variants, n_samples); found {d.shape}")
    return np.nan_to_num(d, nan=0.0)


def build_beacon(genotypes) -> np.ndarray:
    """The beacon's answer for every variant: does any person in the data set carry the ALT allele?

    A beacon shares no genotypes, only yes/no answers, which is why it was thought to be safe.

    Parameters
    ----------
    genotypes : Genotypes or array, shape (n_variants, n_samples[, 2])
        The people whose genomes the beacon serves (calls, or ALT allele counts 0/1/2).

    Returns
    -------
    ndarray of bool, shape (n_variants,)
        True where at least one person carries at least one ALT allele.

    Examples
    --------
    >>> build_beacon([[0, 0, 1], [0, 0, 0], [2, 1, 0]]).tolist()
    [True, False, True]

    Taught in lesson 17.
    """
    return _dosage(genotypes).sum(axis=1) > 0


def _answers(beacon_dosage: np.ndarray, defence: str | None, hide_below_af: float) -> np.ndarray:
    """What the (possibly defended) beacon replies for every variant, before any budget."""
    alt_count = beacon_dosage.sum(axis=1)
    answers = alt_count > 0
    if defence == "hide_rare":  # variants rarer than the threshold are withheld: the answer is "no"
        answers = answers & (alt_count / (2 * beacon_dosage.shape[1]) >= hide_below_af)
    return answers


def beacon_attack(beacon_genotypes, target_genotypes, reference_freqs, n_queries: int,
                  error_rate: float = 1e-6, defence: str | None = None, budget: int = 20,
                  flip_prob: float = 0.05, hide_below_af: float = 0.05,
                  strategy: str = "random", random_state: int = 0) -> np.ndarray:
    """Likelihood-ratio statistic that each target's genome is in the beacon (lower = more likely in).

    The attacker holds a target's genome, queries the beacon at the target's ALT alleles and adds
    up the log-likelihood ratio of the answers (a rare allele answered "yes" is strong evidence).

    Parameters
    ----------
    beacon_genotypes : Genotypes or array (n_variants, n_samples[, 2])
        The people inside the beacon (N of them).
    target_genotypes : Genotypes or array (n_variants, n_targets[, 2])
        The genomes the attacker holds; same variants, same order.
    reference_freqs : array of float, shape (n_variants,)
        ALT allele frequencies (fractions) from a public reference panel of the same ancestry.
    n_queries : int or sequence of int
        Queries per target (fewer if the target carries fewer ALT alleles); a sequence gives
        one column per value, each using the first k queries of the same list.
    error_rate : float, default 1e-6
        Probability that a carrier's allele is missing from the beacon (sequencing error, delta).
    defence : {None, "query_budget", "noise", "hide_rare"}, default None
        ``"query_budget"``: answer at most ``budget`` queries per person; ``"noise"``: flip each
        answer with probability ``flip_prob``; ``"hide_rare"``: say "no" for variants whose
        frequency in the beacon is below ``hide_below_af`` (Raisaro et al. 2017).
    strategy : {"random", "rarest"}, default "random"
        Which of the target's ALT alleles to query: in random order (Shringarpure & Bustamante
        2015) or rarest in the reference first (the stronger attack of Raisaro et al. 2017).
    random_state : int, default 0
        Seed for the query order and the noise defence.

    Returns
    -------
    ndarray of float, shape (n_targets,) or (n_targets, len(n_queries))
        The statistic Lambda; a target is called "in the beacon" when it falls below a threshold.

    Raises
    ------
    ValueError
        Unknown defence, mismatched shapes, or ``n_queries`` < 1.

    Notes
    -----
    Shringarpure & Bustamante (2015) AJHG 97:631, with per-variant frequencies f. With
    D_N = (1 - f)^(2N) the chance that none of N people carries the allele,
    P(no | target out) = D_N and P(no | target in) = delta * D_(N-1);
    Lambda = sum over queries of log P(answer | out) - log P(answer | in).

    Examples
    --------
    >>> beacon = [[1, 0], [0, 0], [0, 1]]          # 3 variants x 2 people
    >>> targets = [[1, 0], [0, 1], [1, 1]]         # person 1 inside, person 2 outside
    >>> lam = beacon_attack(beacon, targets, reference_freqs=[0.01, 0.01, 0.2], n_queries=2)
    >>> bool(lam[0] < lam[1])
    True

    Taught in lesson 17.
    """
    check_one_of("defence", defence, DEFENCES)
    check_one_of("strategy", strategy, ("random", "rarest"))
    ks = np.atleast_1d(np.asarray(n_queries, dtype=int))
    if ks.ndim != 1 or ks.size == 0 or ks.min() < 1:
        raise ValueError(f"n_queries must be at least 1; got {n_queries}")
    bd, td = _dosage(beacon_genotypes), _dosage(target_genotypes)
    f = np.clip(np.asarray(reference_freqs, dtype=float), 1e-3, 1 - 1e-3)
    if not (bd.shape[0] == td.shape[0] == f.shape[0]):
        raise ValueError(f"expected the same variants everywhere; found {bd.shape[0]} in the beacon, "
                         f"{td.shape[0]} in the targets and {f.shape[0]} reference frequencies")
    n = bd.shape[1]
    answers = _answers(bd, defence, hide_below_af)
    log_d_n, log_d_n1 = 2 * n * np.log1p(-f), (2 * n - 2) * np.log1p(-f)  # log space: no underflow
    llr_no = log_d_n - np.log(error_rate) - log_d_n1
    llr_yes = np.log(-np.expm1(log_d_n)) - np.log1p(-error_rate * np.exp(log_d_n1))
    if defence == "query_budget":
        ks = np.minimum(ks, budget)
    lam = np.zeros((td.shape[1], ks.size))
    for j in range(td.shape[1]):
        carried = np.flatnonzero(td[:, j] > 0)
        if strategy == "rarest":
            carried = carried[np.argsort(f[carried], kind="stable")]
        else:  # a fixed random order per target, so k queries are the first k of a longer list
            carried = np.random.default_rng([random_state, j]).permutation(carried)
        sites = carried[:ks.max()]
        reply = answers[sites]
        if defence == "noise":  # each answer flipped with probability flip_prob
            reply = reply ^ (np.random.default_rng([random_state, j, 1]).random(sites.size) < flip_prob)
        running = np.concatenate([[0.0], np.cumsum(np.where(reply, llr_yes[sites], llr_no[sites]))])
        lam[j] = running[np.minimum(ks, sites.size)]
    return lam[:, 0] if np.ndim(n_queries) == 0 else lam


def attack_power(beacon_genotypes, outside_genotypes, reference_freqs, n_queries_grid,
                 fpr: float = 0.05, defence: str | None = None, **attack_options) -> pd.DataFrame:
    """How often the attack finds beacon members at a fixed false-positive rate, per number of queries.

    Parameters
    ----------
    beacon_genotypes : Genotypes or array (n_variants, n_members[, 2])
        The beacon's members; each is also attacked as a target.
    outside_genotypes : Genotypes or array (n_variants, n_outside[, 2])
        People NOT in the beacon (same ancestry); they set the threshold.
    reference_freqs : array of float, shape (n_variants,)
        ALT allele frequencies (fractions) from a separate reference panel.
    n_queries_grid : sequence of int
        Numbers of queries to try, e.g. ``[1, 5, 20, 100]``.
    fpr : float, default 0.05
        Fraction of outsiders wrongly called members (the threshold is set on them).
    defence : {None, "query_budget", "noise", "hide_rare"}, default None
        Passed to `beacon_attack` with ``attack_options`` (budget, flip_prob, hide_below_af, ...).

    Returns
    -------
    DataFrame
        Columns ``n_queries``, ``power`` (fraction of members detected), ``fpr`` (observed),
        ``defence`` (text, "none" without one).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> f = rng.uniform(0.001, 0.05, 2000)
    >>> people = rng.binomial(2, f[:, None], size=(2000, 60))
    >>> table = attack_power(people[:, :30], people[:, 30:], f, [1, 200])
    >>> table["power"].tolist()[-1] > table["power"].tolist()[0]
    True

    Taught in lesson 17.
    """
    if not 0 < fpr < 1:
        raise ValueError(f"fpr must be between 0 and 1; got {fpr}")
    grid = np.asarray(n_queries_grid, dtype=int)
    inside = beacon_attack(beacon_genotypes, beacon_genotypes, reference_freqs, grid,
                           defence=defence, **attack_options)
    outside = beacon_attack(beacon_genotypes, outside_genotypes, reference_freqs, grid,
                            defence=defence, **attack_options)
    rows = []
    for i, k in enumerate(grid):
        threshold = _threshold(outside[:, i], fpr)
        rows.append({"n_queries": int(k), "power": float(np.mean(inside[:, i] <= threshold)),
                     "fpr": float(np.mean(outside[:, i] <= threshold)), "defence": defence or "none"})
    return pd.DataFrame(rows)


def _threshold(null: np.ndarray, fpr: float) -> float:
    """The largest cut-off that calls at most ``fpr`` of the outsiders members."""
    values = np.sort(null)
    allowed = values[np.searchsorted(values, values, side="right") / values.size <= fpr]
    return float(allowed.max()) if allowed.size else -np.inf
