"""A LABELLED SYNTHETIC table of missense, truncating and splice variants for pathogenicity models.

SYNTHETIC DATA: no row is a real variant. Feature distributions approximate published
ones (ClinVar consequence mix, PhyloP conservation, gnomAD allele frequency, AlphaFold
pLDDT and residue burial); every choice and its source is in ``datasets/variant_table.md``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

__all__ = ["make_variant_table"]

CONSEQUENCES = ["synonymous", "missense", "inframe_indel", "splice_site", "stop_gained", "frameshift"]
# P(consequence | label), approximate shares among ClinVar (likely) pathogenic / benign variants.
CONSEQUENCE_MIX = {1: [0.03, 0.45, 0.04, 0.12, 0.17, 0.19], 0: [0.30, 0.57, 0.05, 0.04, 0.02, 0.02]}
ANCESTRIES = ["EUR", "AFR", "EAS"]
ORIGIN_SHARE = [0.70, 0.15, 0.15]           # who the labelled variants were first seen in
DATABASE_SHARE = {"EUR": 0.55, "AFR": 0.07, "EAS": 0.08}  # gnomAD-v2-like ancestry mix
DATABASE_ALLELES = 250_000                  # allele number of the reference database (~125k people)
FEATURES = ["phylop", "log10_af", "plddt", "rsa", "gene_loeuf"]
DESCRIPTION = ("SYNTHETIC labelled variant table (toolkit.datasets.make_variant_table). "
               "Generating model, sources and limits: datasets/variant_table.md.")


def make_variant_table(n_variants: int = 2000, random_state: int | None = 0,
                       label_noise: float = 0.05) -> Bunch:
    """Simulate variants with a pathogenic/benign label and the features tools use to predict it.

    Clinically, this stands in for a ClinVar-like training set of classified variants, with
    conservation, population frequency and protein-structure context, so that a classifier
    and its pitfalls (allele-frequency shortcut, gene-level circularity, ancestry bias) can be
    studied offline with a known truth.

    Parameters
    ----------
    n_variants : int, default 2000
        Rows to simulate (at least 10).
    random_state : int or None, default 0
        The same integer gives the same table; None gives a fresh one.
    label_noise : float, default 0.05
        Fraction of database labels flipped relative to the truth (misclassifications), 0 to 0.5.

    Returns
    -------
    Bunch
        ``frame`` (DataFrame, one row per variant, index ``variant_id``): ``gene``,
        ``consequence``, ``phylop`` (conservation score, about -10 to 10; higher = more
        conserved), ``gnomad_af`` (database allele frequency, fraction; 0 = absent),
        ``log10_af`` (log10 of ``gnomad_af + 1e-6``), ``plddt`` (AlphaFold-like confidence
        0-100 at the residue), ``rsa`` (relative solvent accessibility 0-1; 0 = buried),
        ``gene_loeuf`` (gene constraint; lower = less tolerant of loss of function),
        ``origin_ancestry`` (EUR/AFR/EAS), ``true_af_origin`` (frequency in that ancestry),
        ``label`` (database label, 1 = pathogenic), ``true_label`` (simulated truth).
        ``data`` (model-ready features: ``FEATURES`` plus one column per consequence),
        ``target`` (= ``label``), ``groups`` (= ``gene``), ``feature_names``, ``description``.

    Raises
    ------
    ValueError
        If ``n_variants`` < 10 or ``label_noise`` is outside [0, 0.5].

    Examples
    --------
    >>> table = make_variant_table(200, random_state=1)
    >>> table.frame.shape, round(float(table.target.mean()), 2)
    ((200, 12), 0.35)

    Taught in lesson 04.
    """
    if int(n_variants) < 10:
        raise ValueError(f"n_variants must be at least 10; got {n_variants}.")
    if not 0 <= label_noise <= 0.5:
        raise ValueError(f"label_noise must be between 0 and 0.5 (a fraction); got {label_noise}.")
    rng = np.random.default_rng(random_state)
    n = int(n_variants)
    genes = _simulate_genes(max(5, n // 25), rng)
    gene_idx = rng.integers(0, len(genes), n)
    truth = rng.random(n) < genes["pathogenic_share"].to_numpy()[gene_idx]
    frame = pd.DataFrame({"gene": genes.index[gene_idx]},
                         index=pd.Index([f"VAR{i:05d}" for i in range(1, n + 1)], name="variant_id"))
    frame["consequence"] = [CONSEQUENCES[rng.choice(6, p=CONSEQUENCE_MIX[int(t)])] for t in truth]
    frame["phylop"] = np.clip(np.where(truth, rng.normal(3.5, 2.5, n), rng.normal(1.5, 2.5, n)), -10, 10)
    origin = rng.choice(ANCESTRIES, n, p=ORIGIN_SHARE)
    true_af = _simulate_true_af(truth, rng)
    frame["gnomad_af"] = _database_af(true_af, origin, rng)
    frame["log10_af"] = np.log10(frame["gnomad_af"] + 1e-6)
    frame["plddt"] = 100 * np.where(truth, rng.beta(6, 3, n), rng.beta(4, 3.5, n))
    frame["rsa"] = np.where(truth, rng.beta(2, 4, n), rng.beta(2.5, 3, n))
    frame["gene_loeuf"] = genes["loeuf"].to_numpy()[gene_idx]
    frame["origin_ancestry"], frame["true_af_origin"] = origin, true_af
    frame["true_label"] = truth.astype(int)
    flip = rng.random(n) < label_noise
    frame["label"] = np.where(flip, 1 - truth, truth).astype(int)
    data = pd.concat([frame[FEATURES], pd.get_dummies(frame["consequence"]).reindex(
        columns=CONSEQUENCES, fill_value=False).astype(float)], axis=1)
    return Bunch(frame=frame, data=data, target=frame["label"], groups=frame["gene"],
                 feature_names=list(data.columns), description=DESCRIPTION)


def _simulate_genes(n_genes: int, rng: np.random.Generator) -> pd.DataFrame:
    """Genes differ in how many of their variants are pathogenic (bimodal, as in ClinVar)."""
    share = rng.beta(0.3, 0.45, n_genes)
    loeuf = np.clip(rng.normal(1.1 - 0.8 * share, 0.2), 0.03, 2.0)
    return pd.DataFrame({"pathogenic_share": share, "loeuf": loeuf},
                        index=[f"GENE{i:03d}" for i in range(1, n_genes + 1)])


def _simulate_true_af(truth: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Allele frequency in the ancestry the variant comes from (fraction)."""
    n = len(truth)
    pathogenic = np.where(rng.random(n) < 0.6, 0.0, 10 ** rng.normal(-4.8, 0.6, n))
    common = rng.random(n) < 0.45
    benign = np.where(common, 10 ** rng.uniform(-3, -0.7, n), 10 ** rng.normal(-4.3, 0.8, n))
    return np.clip(np.where(truth, pathogenic, benign), 0, 0.5)


def _database_af(true_af: np.ndarray, origin: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """What a European-heavy reference database sees: the origin ancestry's share of the
    frequency, a fiftieth of it elsewhere, then binomial sampling of allele counts."""
    share = np.array([DATABASE_SHARE[a] for a in origin])
    expected = true_af * (share + (1 - share) * 0.02)
    return rng.binomial(DATABASE_ALLELES, expected) / DATABASE_ALLELES
