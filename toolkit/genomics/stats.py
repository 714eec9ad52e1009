"""Per-variant and per-sample summaries: call rate, allele frequency, Hardy-Weinberg test."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy.special import gammaln

from .genotypes import Genotypes, check_axis

__all__ = ["call_rate", "allele_frequencies", "minor_allele_frequencies", "genotype_counts",
           "hwe_exact", "filter_variants"]


def _as_genotypes(g) -> Genotypes:
    """Accept `Genotypes` or a plain (n_variants, n_samples, 2) array of allele indices."""
    if isinstance(g, Genotypes):
        return g
    if hasattr(g, "count_alleles"):  # another genotype class (e.g. ChunkedGenotypes) is not loaded
        raise TypeError(f"this function needs genotypes in memory; got {type(g).__name__}. "
                        "Load them first with .to_genotypes() (if they fit in memory).")
    calls = np.asarray(g)
    if calls.ndim != 3 or calls.shape[2] != 2:
        raise ValueError(f"expected Genotypes or an array of shape (n_variants, n_samples, 2); "
                         f"got shape {calls.shape}")
    n_var, n_samp = calls.shape[:2]
    return Genotypes(calls, [f"s{j}" for j in range(n_samp)], [f"v{i}" for i in range(n_var)],
                     ["."] * n_var, np.arange(1, n_var + 1), ["."] * n_var, ["."] * n_var)


def _counted(g):
    """``g`` itself if it has the count methods (`Genotypes`, `ChunkedGenotypes`), else a
    plain array wrapped as `Genotypes`."""
    return g if hasattr(g, "count_alleles") else _as_genotypes(g)


def _imputed_dosage(g: Genotypes) -> np.ndarray:
    """ALT dosage with each missing call replaced by the variant's mean dosage (2 x ALT freq)."""
    d = g.dosage()
    missing = np.isnan(d)
    if missing.any():
        called = (~missing).sum(axis=1, keepdims=True)
        mean = np.where(missing, 0, d).sum(axis=1, keepdims=True) / np.maximum(called, 1)
        d = np.where(missing, mean, d)
    return d


def call_rate(g, axis: str = "variants") -> pd.Series:
    """Fraction of people with a (non-missing) call per variant, or of variants per person.

    Low call rates flag a failed assay or a poor DNA sample; QC removes them first.

    Parameters
    ----------
    g : Genotypes or array (n_variants, n_samples, 2)
    axis : {"variants", "samples"}, default "variants"

    Returns
    -------
    Series of fractions (0-1), indexed by variant id or sample id.

    Raises
    ------
    ValueError
        ``axis`` is not "variants" or "samples".

    Examples
    --------
    >>> g = Genotypes([[[0, 1], [-1, -1]]], ["p1", "p2"], ["rs1"], ["22"], [1], ["A"], ["G"])
    >>> call_rate(g).tolist(), call_rate(g, axis="samples").tolist()
    ([0.5], [1.0, 0.0])

    Taught in lesson 01.
    """
    g = _counted(g)
    if check_axis(axis) == "variants":
        return pd.Series(g.count_called() / g.n_samples, index=g.variant_ids, name="call_rate")
    return pd.Series(g.count_called(axis="samples") / g.n_variants, index=g.samples, name="call_rate")


def genotype_counts(g) -> pd.DataFrame:
    """Count REF/REF, REF/ALT and ALT/ALT people per variant (missing calls excluded).

    Examples
    --------
    >>> g = Genotypes([[[0, 0], [0, 1], [1, 1], [-1, -1]]], list("abcd"), ["rs1"], ["22"], [1],
    ...               ["A"], ["G"])
    >>> genotype_counts(g).values.tolist()
    [[1, 1, 1, 1]]

    Taught in lesson 01.
    """
    g = _counted(g)
    counts = {"hom_ref": g.count_hom_ref(), "het": g.count_het(), "hom_alt": g.count_hom_alt(),
              "missing": g.count_missing()}
    return pd.DataFrame(counts, index=pd.Index(g.variant_ids, name="id"))


def allele_frequencies(g) -> pd.Series:
    """ALT allele frequency per variant: ALT alleles / all called alleles (a fraction, 0-1).

    Frequencies tell how common a variant is, e.g. to call it rare (< 0.01) in a clinic report.

    Returns
    -------
    Series indexed by variant id; NaN where every call is missing.

    Examples
    --------
    >>> g = Genotypes([[[0, 1], [1, 1], [-1, -1]]], ["p1", "p2", "p3"], ["rs1"], ["22"], [1],
    ...               ["A"], ["G"])
    >>> allele_frequencies(g).round(3).tolist()  # 3 ALT of 4 called alleles
    [0.75]

    Taught in lesson 01.
    """
    g = _counted(g)
    ref, alt = g.count_alleles().T
    called = ref + alt
    with np.errstate(invalid="ignore", divide="ignore"):
        freq = np.where(called > 0, alt / np.maximum(called, 1), np.nan)
    return pd.Series(freq, index=pd.Index(g.variant_ids, name="id"), name="alt_freq")


def minor_allele_frequencies(g) -> pd.Series:
    """Frequency of the rarer allele per variant, min(p, 1 - p) (a fraction, 0-0.5).

    Examples
    --------
    >>> g = Genotypes([[[1, 1], [1, 0]]], ["p1", "p2"], ["rs1"], ["22"], [1], ["A"], ["G"])
    >>> minor_allele_frequencies(g).tolist()
    [0.25]

    Taught in lesson 01.
    """
    p = allele_frequencies(g)
    return np.minimum(p, 1 - p).rename("maf")


def _hwe_pvalues(n_het: np.ndarray, n_hom_rare: np.ndarray, n_hom_common: np.ndarray,
                 midp: bool) -> np.ndarray:
    """Exact HWE p-values for many variants at once, in chunks of similar rare-allele counts.

    For n people and r rare alleles the possible heterozygote counts are h = r mod 2, r mod 2
    + 2, ..., r, with P(h) proportional to 2^h / (((r - h)/2)! h! (n - h - (r - h)/2)!)
    (Wigginton et al. 2005, eq. 2). All candidate h of a chunk form one matrix.
    """
    n = n_het + n_hom_rare + n_hom_common
    rare = 2 * n_hom_rare + n_het
    p = np.ones(len(n))
    log_factorial = gammaln(np.arange(n.max(initial=0) + 2) + 1)  # log(k!)
    order = np.argsort(rare, kind="stable")  # similar rare counts together: little padding
    for start in range(0, len(order), 2048):
        idx = order[start:start + 2048]
        width = int(rare[idx].max()) // 2 + 1
        r, nn = rare[idx, None], n[idx, None]
        h = (r % 2) + 2 * np.arange(width)[None, :]
        hom_r = (r - h) // 2
        hom_c = nn - h - hom_r
        valid = (h <= r) & (hom_c >= 0)
        logp = (h * np.log(2) - log_factorial[np.maximum(hom_r, 0)] - log_factorial[np.minimum(h, nn)]
                - log_factorial[np.maximum(hom_c, 0)])
        logp = np.where(valid, logp, -np.inf)
        logp -= logp.max(axis=1, keepdims=True)
        prob = np.exp(logp)
        prob /= prob.sum(axis=1, keepdims=True)
        obs = prob[np.arange(len(idx)), (n_het[idx] - r[:, 0] % 2) // 2]
        pv = np.where(prob <= obs[:, None] * (1 + 1e-7), prob, 0).sum(axis=1)
        p[idx] = pv - 0.5 * obs if midp else pv
    return np.minimum(p, 1.0)


def hwe_exact(g, midp: bool = False) -> pd.Series:
    """Two-sided exact test of Hardy-Weinberg equilibrium per variant (p-values).

    Genotype counts far from HWE flag genotyping errors, or a sample that pools people of
    different ancestry (the Wahlund effect), or (in cases) an association.

    Parameters
    ----------
    g : Genotypes or array (n_variants, n_samples, 2)
    midp : bool, default False
        Return the mid-p value (subtract half the probability of the observed table),
        which is less conservative; plink2 ``--hardy midp``.

    Returns
    -------
    Series of p-values indexed by variant id; 1.0 where the variant is monomorphic or
    has no calls. Missing calls are ignored.

    Notes
    -----
    The exact test of Wigginton, Cutler & Abecasis (2005) AJHG 76:887-893: the p-value is the
    sum of the probabilities of all heterozygote counts (given the number of people and of
    rare alleles) that are no more likely than the one observed. It is the same test as
    plink2 ``--hardy`` (whose P column is not mid-p by default). Computed for all variants
    at once (no per-variant Python loop), so 100,000 variants take about a second.

    Examples
    --------
    >>> calls = [[[0, 0]] * 50 + [[1, 1]] * 50]  # no heterozygotes at all
    >>> g = Genotypes(calls, [f"p{i}" for i in range(100)], ["rs1"], ["22"], [1], ["A"], ["G"])
    >>> float(hwe_exact(g).iloc[0]) < 1e-20
    True

    Taught in lesson 01.
    """
    counts = genotype_counts(g)
    het = counts["het"].to_numpy(np.int64)
    hom_ref, hom_alt = counts["hom_ref"].to_numpy(np.int64), counts["hom_alt"].to_numpy(np.int64)
    # the rare allele is the one with fewer copies, not the rarer homozygote
    alt_rarer = 2 * hom_alt + het < 2 * hom_ref + het
    hom_rare = np.where(alt_rarer, hom_alt, hom_ref)
    hom_common = np.where(alt_rarer, hom_ref, hom_alt)
    p = _hwe_pvalues(het, hom_rare, hom_common, midp)
    return pd.Series(p, index=counts.index, name="hwe_p")


def filter_variants(g, min_call_rate: float = 0.95, min_maf: float = 0.01) -> Genotypes:
    """Keep variants with call rate >= ``min_call_rate`` and minor allele frequency >= ``min_maf``.

    The usual first QC step before PCA or a GWAS: unreliable and very rare variants go.

    Returns
    -------
    Genotypes
        A subset; a warning says how many variants were dropped and why.

    Raises
    ------
    ValueError
        A threshold outside 0-1 (``min_maf`` outside 0-0.5).

    Examples
    --------
    >>> g = Genotypes([[[0, 1], [0, 0]], [[0, 0], [0, 0]]], ["p1", "p2"], ["rs1", "rs2"],
    ...               ["22", "22"], [1, 2], ["A", "C"], ["G", "T"])
    >>> filter_variants(g, min_maf=0.1).variant_ids.tolist()
    ['rs1']

    Taught in lesson 01.
    """
    if not 0 <= min_call_rate <= 1:
        raise ValueError(f"min_call_rate must be between 0 and 1; got {min_call_rate}")
    if not 0 <= min_maf <= 0.5:
        raise ValueError(f"min_maf must be between 0 and 0.5; got {min_maf}")
    g = _counted(g)  # a ChunkedGenotypes gives a lazy subset, counted in one pass
    low_call = call_rate(g).to_numpy() < min_call_rate
    rare = ~(minor_allele_frequencies(g).fillna(0).to_numpy() >= min_maf)
    keep = ~(low_call | rare)
    if (~keep).any():
        warnings.warn(f"dropped {int((~keep).sum())} of {g.n_variants} variants: "
                      f"{int(low_call.sum())} with call rate < {min_call_rate}, {int((rare & ~low_call).sum())} "
                      f"with minor allele frequency < {min_maf}.", UserWarning, stacklevel=2)
    return g.subset(variants=keep)
