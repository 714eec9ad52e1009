"""toolkit.genomics agrees with plink2 (the reference tool) on a simulated cohort with missing calls.

Skipped when plink2 is not installed (a failure with TOOLKIT_REQUIRE_TOOLS=1, as in CI). The cohort: make_population (3 x 60 people, 1 Mb),
2% of calls set missing at random, written with write_vcf and read back by both tools.
"""
from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest

from toolkit.datasets import make_population
from toolkit.genomics import (allele_frequencies, filter_variants, gwas, hwe_exact, make_trait, pca,
                              polygenic_score, read_vcf, write_vcf)

pytestmark = pytest.mark.requires_tool("plink2")  # skip without it; fail with TOOLKIT_REQUIRE_TOOLS=1


def _plink2(tmp, *args):
    out = tmp / "out"
    subprocess.run(["plink2", "--silent", "--threads", "1", "--vcf", str(tmp / "cohort.vcf.gz"),
                    *map(str, args), "--out", str(out)], check=True, capture_output=True)
    return out


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("plink2")
    complete = make_population(60, sequence_length_mb=1.0, random_state=3)
    write_vcf(complete, tmp / "complete.vcf.gz")
    g = complete.subset()
    rng = np.random.default_rng(0)
    g.calls[rng.random(g.calls.shape[:2]) < 0.02] = -1
    write_vcf(g, tmp / "cohort.vcf.gz")
    return read_vcf(tmp / "cohort.vcf.gz"), tmp, complete


def test_allele_frequencies_equal_plink2_to_print_precision(cohort):
    g, tmp, _ = cohort
    ref = pd.read_csv(f"{_plink2(tmp, '--freq')}.afreq", sep="\t").set_index("ID")["ALT_FREQS"]
    mine = allele_frequencies(g)
    assert (mine.index == ref.index).all()
    printed = np.array([float(f"{x:.6g}") for x in mine])  # plink2 prints 6 significant digits
    assert np.array_equal(printed, ref.to_numpy())


@pytest.mark.parametrize("midp", [False, True])
def test_hwe_exact_matches_plink2_hardy(cohort, midp):
    g, tmp, _ = cohort
    args = ["--hardy", "midp"] if midp else ["--hardy"]
    ref = pd.read_csv(f"{_plink2(tmp, *args)}.hardy", sep="\t").set_index("ID")
    ref = ref["MIDP" if midp else "P"]
    mine = hwe_exact(g, midp=midp)
    assert ref.min() < 1e-6  # the pooled cohort has variants far from HWE (Wahlund effect)
    assert np.abs(np.log10(mine.loc[ref.index]) - np.log10(ref)).max() <= 0.01


def test_pca_matches_plink2_eigenvectors_and_eigenvalues(cohort):
    g, tmp, _ = cohort
    out = _plink2(tmp, "--maf", 0.05, "--pca", 4)
    ref_val = np.loadtxt(f"{out}.eigenval")
    ref_vec = pd.read_csv(f"{out}.eigenvec", sep="\t").set_index("#IID")
    mine = pca(g, n_components=4, maf=0.05)
    np.testing.assert_allclose(mine.attrs["eigenvalues"], ref_val, rtol=1e-4)
    separated = np.r_[True, np.abs(np.diff(ref_val)) / ref_val[1:] > 0.05]  # a gap of > 5%
    for k in np.flatnonzero(separated[:3]):
        r = np.corrcoef(mine[f"PC{k + 1}"], ref_vec.loc[mine.index, f"PC{k + 1}"])[0, 1]
        assert abs(r) >= 0.9999, (k, r)


def _scores_and_plink2(g, tmp, n_weights: int):
    """Our polygenic score and plink2's --score sums for random weights on ``n_weights`` variants,
    about 40 % of them given for the REF allele. Returns (ours, plink2's, weighted indices, REF-named)."""
    rng = np.random.default_rng(1)
    idx = rng.choice(g.n_variants, n_weights, replace=False)
    names_ref = rng.random(n_weights) < 0.4
    weights = pd.DataFrame({"id": g.variant_ids[idx],
                            "allele": np.where(names_ref, g.ref[idx], g.alt[idx]),
                            "weight": rng.normal(size=n_weights)})
    weights.to_csv(tmp / "weights.tsv", sep="\t", index=False)
    out = _plink2(tmp, "--score", tmp / "weights.tsv", 1, 2, 3, "header", "cols=+scoresums")
    ref = pd.read_csv(f"{out}.sscore", sep="\t").set_index("#IID")["SCORE1_SUM"]
    return polygenic_score(g, weights), ref, idx, names_ref


def test_polygenic_score_matches_plink2_score_sums(cohort):
    g, tmp, _ = cohort
    mine, ref, idx, names_ref = _scores_and_plink2(g, tmp, 300)
    assert names_ref.sum() > 50 and g.is_missing()[idx].sum() > 100
    assert np.corrcoef(mine, ref.loc[mine.index])[0, 1] >= 0.99999
    np.testing.assert_allclose(mine, ref.loc[mine.index], atol=1e-4, rtol=1e-5)


@pytest.mark.parametrize("model", ["linear", "logistic"])
def test_gwas_matches_plink2_glm_without_missing_calls(cohort, model):
    _, tmp, g = cohort
    with pytest.warns(UserWarning, match="minor allele frequency"):
        g = filter_variants(g, min_maf=0.05)  # rare variants: plink2 switches to Firth regression
    write_vcf(g, tmp / "common.vcf.gz")
    prevalence = 0.3 if model == "logistic" else None
    y, _ = make_trait(g, n_causal=20, heritability=0.6, prevalence=prevalence, random_state=1)
    rng = np.random.default_rng(2)
    cov = pd.DataFrame({"age": rng.normal(50, 10, g.n_samples)}, index=g.samples)
    pheno = pd.DataFrame({"#IID": g.samples, "y": y.to_numpy() + (model == "logistic")})
    pheno.to_csv(tmp / "pheno.tsv", sep="\t", index=False)
    cov.rename_axis("#IID").to_csv(tmp / "covar.tsv", sep="\t")
    subprocess.run(["plink2", "--silent", "--threads", "1", "--vcf", str(tmp / "common.vcf.gz"),
                    "--pheno", str(tmp / "pheno.tsv"), "--covar", str(tmp / "covar.tsv"),
                    "--covar-variance-standardize",  # else plink2 flags CORR_TOO_HIGH
                    "--glm", "hide-covar", "cols=+beta,+se", "--out", str(tmp / "glm")], check=True, capture_output=True)
    suffix = "linear" if model == "linear" else "logistic.hybrid"
    ref = pd.read_csv(tmp / f"glm.y.glm.{suffix}", sep="\t").set_index("ID")
    mine = gwas(g, y, cov, model=model).loc[ref.index]
    ok = ref.get("FIRTH?", pd.Series("N", index=ref.index)) == "N"  # plink2 switched to Firth
    sign = np.where(ref["A1"] == ref["ALT"], 1, -1)  # plink2 reports the effect of allele A1
    assert ok.mean() > 0.95
    np.testing.assert_allclose(mine["beta"][ok], (sign * ref["BETA"])[ok], atol=1e-4, rtol=1e-4)
    assert np.abs(np.log10(mine["p"][ok]) - np.log10(ref["P"][ok])).max() <= 0.01


# --- the same checks on REAL genotypes: the shipped 1000 Genomes subset (2,504 people) ---

@pytest.fixture(scope="module")
def real(tmp_path_factory):
    """The shipped 1000 Genomes VCF, copied as cohort.vcf.gz so that _plink2 reads it."""
    from toolkit.datasets import load_thousand_genomes_regions

    tmp = tmp_path_factory.mktemp("plink2_real")
    kg = load_thousand_genomes_regions()
    shutil.copyfile(kg.vcf, tmp / "cohort.vcf.gz")
    return kg.genotypes, tmp


def test_real_allele_frequencies_equal_plink2(real):
    g, tmp = real
    ref = pd.read_csv(f"{_plink2(tmp, '--freq')}.afreq", sep="\t").set_index("ID")["ALT_FREQS"]
    mine = allele_frequencies(g)
    assert len(ref) == g.n_variants == 6270 and (mine.index == ref.index).all()
    assert np.array_equal([float(f"{x:.6g}") for x in mine], ref.to_numpy())


def test_real_hwe_exact_matches_plink2_hardy(real):
    g, tmp = real
    ref = pd.read_csv(f"{_plink2(tmp, '--hardy')}.hardy", sep="\t").set_index("ID")["P"]
    mine = hwe_exact(g).loc[ref.index]
    assert (ref < 1e-6).mean() > 0.05  # 26 populations pooled: many SNPs fail (Wahlund effect)
    tiny = ref < 1e-300  # below double precision plink2 prints 0 (or a denormal); so must we
    assert (mine[tiny] < 1e-290).all() and (~tiny).sum() > 5000
    assert np.abs(np.log10(mine[~tiny]) - np.log10(ref[~tiny])).max() <= 0.01


def test_real_pca_matches_plink2_on_200_people_per_superpopulation(real):
    g, tmp = real
    info = g.sample_info.reset_index()
    keep = info.groupby("superpopulation").sample(200, random_state=0)["sample"]
    keep.rename("#IID").to_csv(tmp / "keep.tsv", sep="\t", index=False)
    out = _plink2(tmp, "--keep", tmp / "keep.tsv", "--maf", 0.05, "--pca", 4)
    ref_val = np.loadtxt(f"{out}.eigenval")
    ref_vec = pd.read_csv(f"{out}.eigenvec", sep="\t").set_index("#IID")
    mine = pca(g.subset(samples=np.isin(g.samples, keep)), n_components=4, maf=0.05)
    assert len(mine) == len(ref_vec) == 1000
    np.testing.assert_allclose(mine.attrs["eigenvalues"], ref_val, rtol=1e-4)
    for k in range(4):  # real PCs 1-4 have well separated eigenvalues (checked by the line above)
        r = np.corrcoef(mine[f"PC{k + 1}"], ref_vec.loc[mine.index, f"PC{k + 1}"])[0, 1]
        assert abs(r) >= 0.9999, (k, r)


def test_real_polygenic_score_matches_plink2_score_sums(real):
    g, tmp = real
    mine, ref, _, _ = _scores_and_plink2(g, tmp, 500)
    assert len(mine) == 2504
    np.testing.assert_allclose(mine, ref.loc[mine.index], atol=1e-4, rtol=1e-5)
