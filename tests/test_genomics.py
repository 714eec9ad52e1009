"""Unit tests for toolkit.genomics: hand-checkable values and every documented error."""
from __future__ import annotations

import gzip

import numpy as np
import pandas as pd
import pytest

from toolkit.genomics import (Genotypes, VCFFormatError, allele_frequencies, call_rate,
                              clump_and_threshold, filter_variants, genomic_inflation,
                              genotype_counts, gwas, hwe_exact, make_trait,
                              minor_allele_frequencies, pca, polygenic_score, read_vcf,
                              standardized_dosage, view_manhattan, view_pca, view_qq, write_vcf)

HEADER = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT"


def _vcf(tmp_path, body, samples=("p1", "p2", "p3"), name="t.vcf", header=HEADER):
    text = header + "".join("\t" + s for s in samples) + "\n" + body
    path = tmp_path / name
    if name.endswith(".gz"):
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text)
    return path


def _geno(calls, ids=None, alt=None):
    calls = np.asarray(calls)
    n_var, n_samp = calls.shape[:2]
    return Genotypes(calls, [f"p{j + 1}" for j in range(n_samp)],
                     ids or [f"rs{i + 1}" for i in range(n_var)], ["22"] * n_var,
                     100 * np.arange(1, n_var + 1), ["A"] * n_var, alt or ["G"] * n_var)


# ---------------------------------------------------------------- read_vcf / write_vcf
@pytest.mark.parametrize("name", ["t.vcf", "t.vcf.gz"])
def test_read_vcf_plain_and_gzip(tmp_path, name):
    body = "22\t10\trs1\tA\tG\t.\tPASS\t.\tGT\t0/0\t0|1\t1/1\n22\t20\t.\tC\tT\t.\tPASS\t.\tGT\t./.\t0/1\t0/0\n"
    g = read_vcf(_vcf(tmp_path, body, name=name))
    assert g.samples.tolist() == ["p1", "p2", "p3"]
    assert g.variant_ids.tolist() == ["rs1", "22:20"]
    assert g.positions.tolist() == [10, 20] and g.ref.tolist() == ["A", "C"]
    np.testing.assert_array_equal(g.dosage(), [[0, 1, 2], [np.nan, 1, 0]])
    assert g.gt.count_het().tolist() == 2  # usable as a scikit-allel GenotypeArray


def test_read_vcf_general_format_and_multidigit(tmp_path):
    body = "22\t10\trs1\tA\tG\t.\tPASS\t.\tDP:GT\t5:0/1\t7:1/1\t3:.\n"
    g = read_vcf(_vcf(tmp_path, body))
    np.testing.assert_array_equal(g.dosage(), [[1, 2, np.nan]])


def test_write_then_read_round_trip(tmp_path):
    g = _geno([[[0, 1], [1, 1], [-1, -1]], [[0, 0], [0, 1], [1, 0]]])
    back = read_vcf(write_vcf(g, tmp_path / "x.vcf.gz"))
    np.testing.assert_array_equal(back.calls, g.calls)
    assert back.variant_ids.tolist() == g.variant_ids.tolist()


def test_read_vcf_region(tmp_path):
    body = "".join(f"22\t{p}\t.\tA\tG\t.\tPASS\t.\tGT\t0/0\t0/1\t1/1\n" for p in (10, 50000, 50001))
    body += "21\t10\t.\tA\tG\t.\tPASS\t.\tGT\t0/0\t0/1\t1/1\n"
    path = _vcf(tmp_path, body, name="r.vcf.gz")
    assert read_vcf(path, region="22:1-50000").positions.tolist() == [10, 50000]
    assert read_vcf(path, region="22").n_variants == 3
    with pytest.raises(ValueError, match="region must look like"):
        read_vcf(path, region="22:a-b")


def test_read_vcf_drops_multiallelic_with_warning(tmp_path):
    body = ("22\t10\t.\tA\tG,T\t.\tPASS\t.\tGT\t0/2\t0/1\t1/1\n"
            "22\t20\t.\tA\tG\t.\tPASS\t.\tGT\t0/0\t0/1\t1/1\n")
    path = _vcf(tmp_path, body)
    with pytest.warns(UserWarning, match="dropped 1 of 2 variants with more than one ALT"):
        assert read_vcf(path).variant_ids.tolist() == ["22:20"]
    assert read_vcf(path, biallelic_only=False).calls[0, 0].tolist() == [0, 2]


def test_read_vcf_empty_data_section(tmp_path):
    g = read_vcf(_vcf(tmp_path, ""))
    assert g.n_variants == 0 and g.n_samples == 3


@pytest.mark.parametrize("body, match", [
    ("22\t10\t.\tA\tG\t.\tPASS\t.\tGT\t0/1\t1/1\n", "expected 3 sample columns; found 2"),
    ("22\t10\t.\tA\tG\t.\tPASS\n", "line 3: expected at least 10 tab-separated columns; found 7"),
    ("22\t10\t.\tA\tG\t.\tPASS\t.\tGT\t0\t1\t0\n", "line 3: sample column 1 has genotype '0' with 1 allele"),
    ("22\t10\t.\tA\tG\t.\tPASS\t.\tGT\t0/1/1\t1/1\t0/0\n", "only diploid calls"),
    ("22\t10\t.\tA\tG\t.\tPASS\t.\tGT\t0/x\t1/1\t0/0\n", "unrecognised genotype '0/x'"),
    ("22\t10\t.\tA\tG\t.\tPASS\t.\tGT\t0/2\t1/1\t0/0\n", "names allele 2 but ALT lists only 'G'"),
    ("22\tten\t.\tA\tG\t.\tPASS\t.\tGT\t0/1\t1/1\t0/0\n", "POS must be a whole number; got 'ten'"),
    ("22\t10\t.\tA\tG\t.\tPASS\t.\tDP\t5\t1\t0\n", "has no GT field"),
    # as wide as 3 diploid calls, but 6 haploid columns: must not be misread by the fast path
    ("22\t10\t.\tA\tG\t.\tPASS\t.\tGT\t0\t1\t0\t1\t0\t1\n", "expected 3 sample columns; found 6"),
])
def test_read_vcf_malformed_lines_name_file_and_line(tmp_path, body, match):
    with pytest.raises(VCFFormatError, match=match) as err:
        read_vcf(_vcf(tmp_path, body))
    assert "t.vcf" in str(err.value)


def test_read_vcf_file_level_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="VCF file not found"):
        read_vcf(tmp_path / "absent.vcf")
    with pytest.raises(VCFFormatError, match="no sample columns"):
        read_vcf(_vcf(tmp_path, "", samples=()))
    (tmp_path / "empty.vcf").write_text("")
    with pytest.raises(VCFFormatError, match="empty.vcf: no '#CHROM' header line"):
        read_vcf(tmp_path / "empty.vcf")
    bad = HEADER.replace("QUAL", "QUALITY")
    with pytest.raises(VCFFormatError, match="expected the columns"):
        read_vcf(_vcf(tmp_path, "", header=bad))


def test_read_vcf_truncated_gzip(tmp_path):
    g = _geno([[[0, 1], [1, 1]]] * 50)
    for name in ("b.vcf.gz", "p.vcf"):
        path = write_vcf(g, tmp_path / name)
        if name == "p.vcf":  # plain gzip (not bgzip)
            path = tmp_path / "p.vcf.gz"
            path.write_bytes(gzip.compress((tmp_path / "p.vcf").read_bytes()))
        path.write_bytes(path.read_bytes()[:-40])
        with pytest.raises(VCFFormatError, match=f"{path.name}: the compressed data cannot be read"):
            read_vcf(path)


def test_genotypes_rejects_non_diploid():
    with pytest.raises(ValueError, match="Only diploid"):
        Genotypes([[[0, 1, 1]]], ["p1"], ["rs1"], ["22"], [1], ["A"], ["G"])


def test_subset_is_a_copy():
    g = _geno([[[0, 1], [1, 1]]])
    s = g.subset()
    s.calls[0, 0] = -1
    assert g.calls[0, 0].tolist() == [0, 1]


# ---------------------------------------------------------------- QC and frequencies
def test_counts_frequencies_call_rate():
    g = _geno([[[0, 0], [0, 1], [1, 1], [-1, -1]], [[-1, -1]] * 4])
    assert genotype_counts(g).loc["rs1"].tolist() == [1, 1, 1, 1]
    f = allele_frequencies(g)
    assert f["rs1"] == 0.5 and np.isnan(f["rs2"])  # all calls missing -> NaN
    assert call_rate(g).tolist() == [0.75, 0.0]
    assert call_rate(g, axis="samples").tolist() == [0.5, 0.5, 0.5, 0.0]
    assert minor_allele_frequencies(_geno([[[1, 1], [1, 1], [1, 0], [1, 1]]])).tolist() == [0.125]
    with pytest.raises(ValueError, match="axis must be one of"):
        call_rate(g, axis="rows")


def test_count_methods_hand_checked():
    # variant 1: 0/0, 0/1, 1/1, ./. ; variant 2: 1/0, 0/., 2/1 (allele 2: non-REF, not "ALT" 1)
    g = _geno([[[0, 0], [0, 1], [1, 1], [-1, -1]], [[1, 0], [0, -1], [2, 1], [0, 0]]])
    assert g.count_alleles().tolist() == [[3, 3], [4, 3]]
    assert g.count_called().tolist() == [3, 3] and g.count_missing().tolist() == [1, 1]
    assert g.count_hom_ref().tolist() == [1, 1] and g.count_het().tolist() == [1, 2]
    assert g.count_hom_alt().tolist() == [1, 0]
    assert g.count_called(axis="samples").tolist() == [2, 1, 2, 1]
    assert g.count_het(axis="samples").tolist() == [1, 1, 1, 0]
    with pytest.raises(ValueError, match="axis must be one of"):
        g.count_missing(axis="people")


def test_functions_accept_plain_arrays():
    assert allele_frequencies(np.array([[[0, 1], [1, 1]]])).tolist() == [0.75]
    with pytest.raises(ValueError, match="expected Genotypes or an array of shape"):
        allele_frequencies(np.zeros((2, 2)))


def test_filter_variants():
    g = _geno([[[0, 1], [0, 0], [0, 0], [0, 0]],            # maf 0.125
               [[0, 1], [0, 1], [-1, -1], [-1, -1]],        # call rate 0.5
               [[0, 0]] * 4])                               # monomorphic
    with pytest.warns(UserWarning, match="dropped 2 of 3 variants: 1 with call rate"):
        kept = filter_variants(g, min_call_rate=0.9, min_maf=0.1)
    assert kept.variant_ids.tolist() == ["rs1"]
    with pytest.raises(ValueError, match="min_maf must be between 0 and 0.5"):
        filter_variants(g, min_maf=0.7)
    with pytest.raises(ValueError, match="min_call_rate must be between 0 and 1"):
        filter_variants(g, min_call_rate=2)


# ---------------------------------------------------------------- HWE
def test_hwe_exact_hand_computed():
    # 3 people, 3 copies of the rarer allele: het count 1 or 3 with probabilities
    # proportional to 3!/(1!1!1!) 2^1 = 12 and 3!/(0!3!0!) 2^3 = 8, i.e. 0.6 and 0.4.
    g = _geno([[[0, 0], [0, 1], [1, 1]], [[0, 1], [0, 1], [0, 1]]])
    np.testing.assert_allclose(hwe_exact(g), [1.0, 0.4])
    np.testing.assert_allclose(hwe_exact(g, midp=True), [0.7, 0.2])


def test_hwe_exact_monomorphic_and_missing():
    g = _geno([[[0, 0]] * 5, [[-1, -1]] * 5])
    assert hwe_exact(g).tolist() == [1.0, 1.0]


def test_hwe_exact_is_fast_for_many_variants():
    import time

    rng = np.random.default_rng(0)
    p = rng.uniform(0.01, 0.5, 20_000)
    calls = (rng.random((20_000, 500, 2)) < p[:, None, None]).astype(np.int8)
    start = time.perf_counter()
    pv = hwe_exact(calls)
    assert time.perf_counter() - start < 10
    assert 0.02 < (pv < 0.05).mean() < 0.05  # conservative exact test under HWE


# ---------------------------------------------------------------- PCA
def test_standardized_dosage_and_pca_separate_two_groups():
    rng = np.random.default_rng(0)
    freq = np.r_[np.full(100, 0.1), np.full(100, 0.9)]  # group frequencies differ
    a = (rng.random((200, 20, 2)) < freq[:, None, None]).astype(int)
    b = (rng.random((200, 20, 2)) < freq[::-1][:, None, None]).astype(int)
    g = _geno(np.concatenate([a, b], axis=1))
    X, kept = standardized_dosage(g)
    np.testing.assert_allclose(X.mean(axis=1), 0, atol=1e-12)
    pcs = pca(g, n_components=3)
    pc1 = pcs["PC1"].to_numpy()
    assert (np.sign(pc1[:20]) == np.sign(pc1[0])).all() and (np.sign(pc1[20:]) == -np.sign(pc1[0])).all()
    ratio = pcs.attrs["explained_variance_ratio"]
    assert ratio[0] > 0.3 and sum(ratio) <= 1 and pcs.attrs["n_variants"] == kept.sum()
    np.testing.assert_allclose(np.linalg.norm(pcs, axis=0), 1)  # unit-length eigenvectors


def test_pca_errors():
    g = _geno([[[0, 1], [1, 1], [0, 0]]])
    with pytest.raises(ValueError, match="n_components must be between 1 and"):
        pca(g, n_components=5)


# ---------------------------------------------------------------- GWAS
def _cohort(n=200, n_var=30, seed=0):
    rng = np.random.default_rng(seed)
    calls = (rng.random((n_var, n, 2)) < 0.3).astype(np.int8)
    calls[0, :5] = -1
    return _geno(calls), rng


def test_gwas_linear_matches_least_squares():
    g, rng = _cohort()
    age = rng.normal(50, 10, g.n_samples)
    y = 0.5 * np.nan_to_num(g.dosage()[3]) + 0.02 * age + rng.normal(size=g.n_samples)
    res = gwas(g, pd.Series(y, index=g.samples), pd.DataFrame({"age": age}, index=g.samples))
    d = g.dosage()[0]
    d[np.isnan(d)] = np.nanmean(d)  # mean imputation
    A = np.column_stack([np.ones(len(y)), age, d])
    coef, rss, *_ = np.linalg.lstsq(A, y, rcond=None)
    se = np.sqrt(rss[0] / (len(y) - 3) * np.linalg.inv(A.T @ A)[2, 2])
    assert res.loc["rs1", "beta"] == pytest.approx(coef[2])
    assert res.loc["rs1", "se"] == pytest.approx(se)
    assert res["p"].idxmin() == "rs4"


def test_gwas_logistic_matches_direct_maximum_likelihood():
    from scipy.optimize import minimize

    g, rng = _cohort(n=300)
    x = np.nan_to_num(g.dosage()[2])
    y = (rng.random(g.n_samples) < 1 / (1 + np.exp(-(-1 + 0.8 * x)))).astype(float)
    res = gwas(g, y, model="logistic")
    A = np.column_stack([np.ones(len(y)), x])
    nll = lambda b: np.sum(np.logaddexp(0, A @ b) - y * (A @ b))
    fit = minimize(nll, np.zeros(2), method="BFGS", options={"gtol": 1e-10})
    assert res.loc["rs3", "beta"] == pytest.approx(fit.x[1], abs=1e-5)
    assert res.loc["rs3", "p"] < 0.01


def test_gwas_errors():
    g, _ = _cohort(n=20)
    y = pd.Series(np.arange(20.0), index=[f"x{i}" for i in range(20)])
    with pytest.raises(ValueError, match="not in the phenotype table, e.g. \\['p1', 'p2', 'p3'\\]"):
        gwas(g, y)
    with pytest.raises(ValueError, match="model must be one of"):
        gwas(g, np.zeros(20), model="probit")
    with pytest.raises(ValueError, match="needs a 0/1 phenotype"):
        gwas(g, np.arange(20.0), model="logistic")
    with pytest.raises(ValueError, match="expected 20 phenotype values"):
        gwas(g, np.zeros(5))
    with pytest.raises(ValueError, match="not in the covariates table"):
        gwas(g, np.arange(20.0), covariates=pd.DataFrame({"a": range(3)}))


def test_genomic_inflation():
    assert genomic_inflation(np.linspace(0.001, 0.999, 999)) == pytest.approx(1, abs=0.01)
    with pytest.raises(ValueError, match="at least one non-missing p-value"):
        genomic_inflation([np.nan])


# ---------------------------------------------------------------- polygenic scores
def test_polygenic_score_ref_alt_and_mean_imputation():
    g = _geno([[[0, 1], [1, 1], [-1, -1]], [[0, 0], [0, 1], [0, 0]]], alt=["G", "T"])
    w = pd.DataFrame({"id": ["rs1", "rs2"], "allele": ["G", "A"], "weight": [1.0, 0.5]})
    # rs1 ALT dosage 1, 2, mean 1.5; rs2 counts REF 'A': 2, 1, 2
    np.testing.assert_allclose(polygenic_score(g, w), [1 + 1.0, 2 + 0.5, 1.5 + 1.0])


def test_polygenic_score_errors_and_warning():
    g = _geno([[[0, 1], [1, 1]]])
    with pytest.raises(ValueError, match="missing \\['weight'\\]"):
        polygenic_score(g, pd.DataFrame({"id": ["rs1"], "allele": ["G"]}))
    with pytest.raises(ValueError, match="must be one of REF 'A' or ALT 'G'"):
        polygenic_score(g, pd.DataFrame({"id": ["rs1"], "allele": ["T"], "weight": [1.0]}))
    with pytest.raises(ValueError, match="none of the 1 weighted variants"):
        polygenic_score(g, pd.DataFrame({"id": ["rs9"], "allele": ["G"], "weight": [1.0]}))
    w = pd.DataFrame({"id": ["rs1", "rs9"], "allele": ["G", "G"], "weight": [1.0, 2.0]})
    with pytest.warns(UserWarning, match="1 of 2 weighted variants are not in the genotypes"):
        assert polygenic_score(g, w).tolist() == [1.0, 2.0]


def test_clump_and_threshold():
    base = [[0, 1], [1, 1], [0, 0], [0, 1]]
    other = [[1, 1], [0, 0], [0, 1], [0, 0]]
    g = _geno([base, base, other])  # rs2 copies rs1; rs3 differs
    g.positions = np.array([100, 200, 100_000_000])
    res = pd.DataFrame({"beta": [0.3, 0.2, 0.1], "p": [1e-9, 1e-8, 1e-8]}, index=["rs1", "rs2", "rs3"])
    assert clump_and_threshold(g, res)["id"].tolist() == ["rs1", "rs3"]
    assert clump_and_threshold(g, res, p_threshold=5e-9)["id"].tolist() == ["rs1"]
    assert clump_and_threshold(g, res, r2=None, window_kb=1e6)["id"].tolist() == ["rs1"]
    with pytest.raises(ValueError, match="must have columns 'beta' and 'p'"):
        clump_and_threshold(g, res[["p"]])
    with pytest.raises(ValueError, match="not in g"):
        clump_and_threshold(g, res.rename(index={"rs1": "rs7"}))


def test_make_trait_heritability_and_prevalence():
    rng = np.random.default_rng(0)
    g = _geno((rng.random((300, 2000, 2)) < 0.3).astype(np.int8))
    y, effects = make_trait(g, n_causal=50, heritability=0.6, random_state=1)
    true = polygenic_score(g, effects)
    assert np.var(true) == pytest.approx(0.6, rel=1e-6)  # genetic variance = h2 exactly
    assert np.corrcoef(true, y)[0, 1] ** 2 == pytest.approx(0.6, abs=0.06)
    cases, _ = make_trait(g, n_causal=50, heritability=0.6, prevalence=0.1, random_state=1)
    assert cases.mean() == pytest.approx(0.1, abs=0.001)
    with pytest.raises(ValueError, match="heritability must be between 0 and 1"):
        make_trait(g, heritability=1.5)
    with pytest.raises(ValueError, match="prevalence must be between 0 and 1"):
        make_trait(g, prevalence=1.0)
    with pytest.raises(ValueError, match="only 300 variants"):
        make_trait(g, n_causal=500)


# ---------------------------------------------------------------- plots
def test_plots_return_plotly_figures(tmp_path):
    res = pd.DataFrame({"chrom": ["22"] * 3, "pos": [1, 2, 3], "p": [0.5, 1e-9, 0.1]},
                       index=["a", "b", "c"])
    fig = view_manhattan(res, output_file=tmp_path / "m.html")
    assert fig.layout.yaxis.title.text == "-log10(p)" and (tmp_path / "m.html").stat().st_size > 1000
    assert len(view_manhattan(res, highlight=["b"]).data[1].x) == 1
    assert len(view_qq(res["p"]).data) == 2
    pcs = pd.DataFrame({"PC1": [0.1, -0.2, 0.3], "PC2": [0.3, 0.0, 0.1]}, index=list("abc"))
    pcs.attrs["explained_variance_ratio"] = [0.2, 0.1]
    fig = view_pca(pcs, populations=["YRI", "CEU", "YRI"])
    assert [t.name for t in fig.data] == ["YRI", "CEU"] and "20.0%" in fig.layout.xaxis.title.text


def test_risk_by_quantile_and_odds_ratio():
    from toolkit.genomics import odds_ratio_top_vs_rest, risk_by_quantile

    score = np.arange(20.0)
    status = np.r_[np.zeros(10), np.zeros(5), np.ones(5)]
    table = risk_by_quantile(score, status, n_groups=4)
    assert table["n"].tolist() == [5] * 4 and table["absolute_risk"].tolist() == [0, 0, 0, 1]
    assert table["relative_risk"].iloc[-1] == pytest.approx(4.0)
    r = odds_ratio_top_vs_rest(score, np.r_[np.zeros(15), 1, 1, 0, 1, 1], top=0.2)
    # top 4: 3 cases, 1 control; rest: 1 case, 15 controls -> OR = 3 x 15 / (1 x 1) = 45
    assert r["odds_ratio"] == pytest.approx(45) and r["ci_low"] < 45 < r["ci_high"]
    assert (r["risk_top"], r["risk_rest"]) == (0.75, 1 / 16)
    with pytest.raises(ValueError, match="status must be 0/1"):
        risk_by_quantile(score, score)
    with pytest.raises(ValueError, match="same length"):
        risk_by_quantile(score, status[:5])
    with pytest.raises(ValueError, match="need at least n_groups=10"):
        risk_by_quantile(score[:5], status[:5])
    with pytest.raises(ValueError, match="top must be a fraction"):
        odds_ratio_top_vs_rest(score, status, top=10)


def test_r2_by_group():
    from toolkit.genomics import r2_by_group

    rng = np.random.default_rng(0)
    x = rng.normal(size=400)
    y = np.r_[x[:200] + rng.normal(size=200), rng.normal(size=200)]  # related in A, not in B
    table = r2_by_group(x, y, groups=["A"] * 200 + ["B"] * 200)
    assert table.loc["A", "r2"] == pytest.approx(np.corrcoef(x[:200], y[:200])[0, 1] ** 2)
    assert table.loc["A", "ci_low"] < table.loc["A", "r2"] < table.loc["A", "ci_high"]
    assert table.loc["B", "ci_low"] == 0 and table.loc["B", "r2"] < 0.05
    with pytest.raises(ValueError, match="same length"):
        r2_by_group(x, y[:10])
    with pytest.raises(ValueError, match="group 'C' has 2 people"):
        r2_by_group(x[:6], y[:6], groups=["A"] * 4 + ["C"] * 2)


@pytest.mark.requires_tool("bgzip")
def test_read_vcf_of_htslib_bgzip_file_matches_plain(tmp_path):
    import subprocess

    rng = np.random.default_rng(4)
    calls = np.where(rng.random((300, 40, 2)) < 0.05, -1, (rng.random((300, 40, 2)) < 0.3).astype(int))
    g = _geno(calls, ids=[f"rs{i}" for i in range(300)])
    plain = write_vcf(g, tmp_path / "x.vcf")
    subprocess.run(["bgzip", "-k", str(plain)], check=True)
    for path in (plain, tmp_path / "x.vcf.gz"):
        np.testing.assert_array_equal(read_vcf(path).calls, g.calls)


def _to_bcf(vcf, bcf):
    """Convert with htslib (cyvcf2's writer, mode 'wb' = compressed BCF)."""
    import cyvcf2

    reader = cyvcf2.VCF(str(vcf))
    writer = cyvcf2.Writer(str(bcf), reader, mode="wb")
    for rec in reader:
        writer.write_record(rec)
    writer.close(), reader.close()
    return bcf


def test_read_vcf_reads_bcf_like_the_vcf_it_came_from(tmp_path):
    rng = np.random.default_rng(6)
    calls = np.where(rng.random((120, 25, 2)) < 0.05, -1, (rng.random((120, 25, 2)) < 0.3).astype(int))
    g = _geno(calls, ids=[f"rs{i}" if i % 3 else "." for i in range(120)])
    bcf = _to_bcf(write_vcf(g, tmp_path / "x.vcf.gz"), tmp_path / "x.bcf")
    assert bcf.read_bytes()[:2] == b"\x1f\x8b"  # bgzip-compressed, as bcftools writes it
    mine, ref = read_vcf(bcf), read_vcf(tmp_path / "x.vcf.gz")
    for name in ("calls", "samples", "variant_ids", "chrom", "positions", "ref", "alt"):
        np.testing.assert_array_equal(getattr(mine, name), getattr(ref, name))
    assert mine.variant_ids[0] == "22:100"  # '.' becomes CHROM:POS, as for a VCF


def test_read_vcf_bad_bcf_names_the_file(tmp_path):
    body = "22\t10\trs1\tA\tG\t.\tPASS\t.\tGT\t0/1/1\t0/1\t1/1\n"
    header = HEADER.replace("\n", '\n##contig=<ID=22>\n##FORMAT=<ID=GT,Number=1,Type=String,'
                                  'Description="Genotype">\n', 1)
    bcf = _to_bcf(_vcf(tmp_path, body, header=header), tmp_path / "tri.bcf")
    with pytest.raises(VCFFormatError, match="tri.bcf: htslib could not read this BCF .* not diploid"):
        read_vcf(bcf)
    good = _to_bcf(write_vcf(_geno([[[0, 1], [1, 1]]] * 400), tmp_path / "g.vcf.gz"), tmp_path / "t.bcf")
    good.write_bytes(good.read_bytes()[:-60])
    with pytest.raises(VCFFormatError, match="t.bcf: the compressed data cannot be read"):
        read_vcf(good)


def test_read_vcf_agrees_with_scikit_allel(tmp_path):
    import allel
    rng = np.random.default_rng(5)
    calls = np.where(rng.random((200, 30, 2)) < 0.03, -1, (rng.random((200, 30, 2)) < 0.4).astype(int))
    g = _geno(calls)
    path = write_vcf(g, tmp_path / "x.vcf.gz")
    ref = allel.read_vcf(str(path), fields=["samples", "variants/ID", "variants/POS", "calldata/GT"])
    mine = read_vcf(path)
    np.testing.assert_array_equal(mine.calls, ref["calldata/GT"])
    assert mine.samples.tolist() == ref["samples"].tolist()
    assert mine.variant_ids.tolist() == ref["variants/ID"].tolist()
    assert mine.positions.tolist() == ref["variants/POS"].tolist()

