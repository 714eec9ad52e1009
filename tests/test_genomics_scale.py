"""The scale path (issue #11): VCF -> Zarr -> Dask agrees with the in-memory functions.

A small simulated cohort (make_population, 3 x 40 people, 1 Mb) with 2% missing calls,
some half-missing calls ('0/.') and one variant with no calls at all is written to a VCF
and converted with bio2zarr (vcf_to_zarr), and also written from memory (write_zarr, which
converts through bio2zarr too). Every statistic computed chunk by chunk must equal the in-memory one.
"""
from __future__ import annotations

import os
import subprocess
import warnings

import numpy as np
import pandas as pd
import pytest

from toolkit.datasets import make_population
from toolkit.genomics import (ChunkedGenotypes, Genotypes, VCFFormatError,
                              allele_frequencies, call_rate, filter_variants, genotype_counts,
                              hwe_exact, minor_allele_frequencies, open_zarr, pca, vcf_to_zarr,
                              write_vcf, write_zarr)


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("scale")
    complete = make_population(40, sequence_length_mb=1.0, random_state=3)
    g = complete.subset()
    rng = np.random.default_rng(0)
    g.calls[rng.random(g.calls.shape[:2]) < 0.02] = -1
    half = rng.random(g.calls.shape[:2]) < 0.002  # '0/.': one allele called
    g.calls[:, :, 1][half] = -1
    g.calls[5] = -1  # a variant nobody was called at
    write_vcf(g, tmp / "cohort.vcf.gz")
    stores = {"vcf_to_zarr": vcf_to_zarr(tmp / "cohort.vcf.gz", tmp / "from_vcf.vcz",
                                         variants_chunk_size=1000, samples_chunk_size=50),
              "write_zarr": write_zarr(g, tmp / "direct.vcz", variants_chunk_size=700)}
    return g, complete, stores, tmp


@pytest.fixture(params=["vcf_to_zarr", "write_zarr"])
def pair(request, cohort):
    g, _, stores, _ = cohort
    return g, open_zarr(stores[request.param])


def test_stores_hold_the_same_genotypes_and_annotations(pair):
    g, cg = pair
    assert isinstance(cg, ChunkedGenotypes)
    assert (cg.n_variants, cg.n_samples) == (g.n_variants, g.n_samples)
    back = cg.to_genotypes()
    assert np.array_equal(back.calls, g.calls)
    assert cg.gt.dtype == np.int8 and cg.gt.shape == g.calls.shape
    info = cg.variant_info
    assert list(info.columns) == ["chrom", "pos", "id", "ref", "alt"]
    for col, ref in [("chrom", g.chrom), ("pos", g.positions), ("id", g.variant_ids),
                     ("ref", g.ref), ("alt", g.alt)]:
        assert np.array_equal(info[col].to_numpy(), ref), col
    assert np.array_equal(cg.sample_ids, g.samples)
    d = cg.dosage().compute()
    assert d.dtype == np.float32
    np.testing.assert_array_equal(d, g.dosage().astype(np.float32))


def test_chunk_layout_and_repr(cohort):
    _, _, stores, _ = cohort
    cg = open_zarr(stores["vcf_to_zarr"])
    assert cg.chunks == (1000, 50)
    assert len(cg.gt.chunks[1]) == 3  # 120 people in chunks of 50: the sample axis is split too
    text = repr(cg)
    assert "variants x 120 samples" in text and "chunks of 1000 x 50" in text and "on disk" in text


def test_frequencies_counts_call_rates_equal_in_memory_exactly(pair):
    g, cg = pair
    for fn in (allele_frequencies, minor_allele_frequencies, genotype_counts):
        mine, ref = fn(cg), fn(g)
        if isinstance(ref, pd.Series):
            pd.testing.assert_series_equal(mine, ref, check_exact=True)
        else:
            pd.testing.assert_frame_equal(mine, ref, check_exact=True, check_dtype=False)
    assert np.isnan(allele_frequencies(cg).iloc[5])
    for axis in ("variants", "samples"):
        pd.testing.assert_series_equal(call_rate(cg, axis=axis), call_rate(g, axis=axis),
                                       check_exact=True)
    with pytest.raises(ValueError, match="axis"):
        call_rate(cg, axis="people")


def test_count_methods_are_shared_and_equal(pair):
    """Both classes answer the same count methods with the same numbers (stats relies on it)."""
    g, cg = pair
    np.testing.assert_array_equal(cg.count_alleles(), g.count_alleles())
    for name in ("count_called", "count_missing", "count_hom_ref", "count_het", "count_hom_alt"):
        for axis in ("variants", "samples"):
            mine, ref = getattr(cg, name)(axis=axis), getattr(g, name)(axis=axis)
            np.testing.assert_array_equal(mine, ref, err_msg=f"{name}, axis={axis}")
    assert g.count_called()[5] == 0 and cg.count_alleles()[5].tolist() == [0, 0]
    assert (g.count_hom_ref() + g.count_het() + g.count_hom_alt() + g.count_missing()
            == g.n_samples).all()
    with pytest.raises(ValueError, match=r"axis must be one of \['variants', 'samples'\]; got 'people'"):
        cg.count_het(axis="people")


@pytest.mark.parametrize("midp", [False, True])
def test_hwe_exact_equals_in_memory(pair, midp):
    g, cg = pair
    mine, ref = hwe_exact(cg, midp=midp), hwe_exact(g, midp=midp)
    assert ref.min() < 1e-6  # the pooled populations are far from HWE at some variants
    np.testing.assert_allclose(mine.to_numpy(), ref.to_numpy(), rtol=1e-9, atol=0)
    assert (mine.index == ref.index).all()


def test_filter_variants_returns_lazy_subset_with_same_variants(pair):
    g, cg = pair
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ref = filter_variants(g, min_call_rate=0.97, min_maf=0.05)
        mine = filter_variants(cg, min_call_rate=0.97, min_maf=0.05)
    assert isinstance(mine, ChunkedGenotypes)
    assert [str(w.message) for w in caught][0] == [str(w.message) for w in caught][1]
    assert np.array_equal(mine.variant_ids, ref.variant_ids)
    assert np.array_equal(mine.to_genotypes().calls, ref.calls)
    pd.testing.assert_series_equal(allele_frequencies(mine), allele_frequencies(ref),
                                   check_exact=True)
    with pytest.raises(ValueError, match="min_maf"):
        filter_variants(cg, min_maf=0.7)


def test_subset_by_mask_indices_and_samples(pair):
    g, cg = pair
    mask = np.arange(g.n_variants) % 3 == 0
    sub = cg.subset(variants=mask)
    assert "(subset)" in repr(sub)
    np.testing.assert_array_equal(sub.to_genotypes().calls, g.subset(variants=mask).calls)
    twice = sub.subset(variants=[0, 2, -1], samples=[1, 0, 7])
    expected = g.subset(variants=np.flatnonzero(mask)[[0, 2, -1]], samples=[1, 0, 7])
    np.testing.assert_array_equal(twice.to_genotypes().calls, expected.calls)
    assert list(twice.sample_ids) == list(expected.samples)
    with pytest.raises(ValueError, match="length"):
        cg.subset(variants=mask[:-1])
    sliced = cg.subset(variants=slice(10, 40, 3))
    np.testing.assert_array_equal(sliced.to_genotypes().calls, g.subset(variants=slice(10, 40, 3)).calls)
    assert list(sliced.variant_info["id"]) == list(g.variant_ids[10:40:3])


def _abs_corr(a, b):
    return abs(np.corrcoef(a, b)[0, 1])


def test_pca_agrees_with_exact_in_memory_pca(pair):
    g, cg = pair
    ref = pca(g, n_components=6, maf=0.05)
    mine = pca(cg, n_components=6, maf=0.05)
    assert mine.shape == ref.shape and list(mine.columns) == list(ref.columns)
    assert (mine.index == ref.index).all() and mine.attrs["n_variants"] == ref.attrs["n_variants"]
    vals = np.array(ref.attrs["eigenvalues"])
    gapped = np.r_[vals[:-1] / vals[1:] > 1.1, False]  # a clear gap to the next component
    assert gapped[0] and gapped[1]
    for k in np.flatnonzero(gapped):
        assert _abs_corr(mine[f"PC{k + 1}"], ref[f"PC{k + 1}"]) >= 0.999, k
    # 2% missing calls: pairs of people are counted approximately (c_i c_j / M), ~0.5%
    np.testing.assert_allclose(mine.attrs["eigenvalues"], vals, rtol=0.01)
    np.testing.assert_allclose(mine.attrs["explained_variance_ratio"],
                               ref.attrs["explained_variance_ratio"], rtol=0.01)
    np.testing.assert_allclose(np.linalg.norm(mine.to_numpy(), axis=0), 1.0, rtol=1e-9)


def test_pca_top5_components_converge_with_more_passes(cohort):
    g, _, stores, _ = cohort
    cg = open_zarr(stores["write_zarr"])
    ref = pca(g, n_components=5, maf=0.05)
    mine = pca(cg, n_components=5, maf=0.05, n_iter=10)
    for k in range(5):
        assert _abs_corr(mine[f"PC{k + 1}"], ref[f"PC{k + 1}"]) >= 0.999, k


def test_pca_without_missing_calls_matches_eigenvalues_closely(cohort, tmp_path):
    _, complete, _, _ = cohort
    cg = open_zarr(write_zarr(complete, tmp_path / "complete.vcz", variants_chunk_size=1500))
    # no missing calls: the fast path (sums of allele codes) counts as the in-memory code does
    pd.testing.assert_frame_equal(genotype_counts(cg), genotype_counts(complete), check_dtype=False)
    pd.testing.assert_series_equal(allele_frequencies(cg), allele_frequencies(complete),
                                   check_exact=True)
    ref = pca(complete, n_components=4)
    mine = pca(cg, n_components=4, n_iter=10)
    np.testing.assert_allclose(mine.attrs["eigenvalues"], ref.attrs["eigenvalues"], rtol=1e-4)
    np.testing.assert_allclose(mine.attrs["explained_variance_ratio"],
                               ref.attrs["explained_variance_ratio"], rtol=1e-4)
    for k in range(2):
        assert _abs_corr(mine[f"PC{k + 1}"], ref[f"PC{k + 1}"]) >= 0.9999


@pytest.mark.parametrize("kind", ["0/1 only", "missing", "multi-allelic"])
def test_block_products_equal_explicit_standardised_matrix(kind):
    from toolkit.genomics import chunked, standardized_dosage

    rng = np.random.default_rng(1)
    calls = (rng.random((40, 30, 2)) < rng.uniform(0.1, 0.9, (40, 1, 1))).astype(np.int8)
    if kind == "missing":
        calls[rng.random((40, 30)) < 0.1] = -1
        calls[0, 0, 1] = -1  # a half call
    if kind == "multi-allelic":
        calls[rng.random((40, 30, 2)) < 0.05] = 2
    g = Genotypes(calls, [f"s{i}" for i in range(30)], [f"v{i}" for i in range(40)], ["1"] * 40,
                  np.arange(1, 41), ["A"] * 40, ["G"] * 40)
    X, kept = standardized_dosage(g)
    assert kept.all()
    p = allele_frequencies(g).to_numpy()
    Q = rng.standard_normal((30, 4))
    out = chunked._block_products(calls, p, Q, with_sums=True)[0]
    np.testing.assert_allclose(out[:, :4], X.T @ (X @ Q), rtol=1e-4, atol=1e-3)
    np.testing.assert_array_equal(out[:, 4], (~g.is_missing()).sum(axis=0))
    np.testing.assert_allclose(out[:, 5], (X ** 2).sum(axis=0), rtol=1e-5)
    counts = chunked._block_counts(calls)[:, 0, :]
    np.testing.assert_array_equal(counts[:, 2:], genotype_counts(g).to_numpy())
    np.testing.assert_array_equal(counts[:, 0], (calls >= 0).sum(axis=(1, 2)))
    np.testing.assert_array_equal(counts[:, 1], (calls >= 1).sum(axis=(1, 2)))


def test_pca_arguments_are_checked(cohort):
    g, _, stores, _ = cohort
    cg = open_zarr(stores["write_zarr"])
    with pytest.raises(ValueError, match="n_components"):
        pca(cg, n_components=500)
    with pytest.raises(TypeError, match="on-disk"):
        pca(g, n_components=2, n_iter=3)
    a = pca(cg, n_components=3, random_state=7)
    b = pca(cg, n_components=3, random_state=7)
    pd.testing.assert_frame_equal(a, b, check_exact=True)


@pytest.mark.filterwarnings("ignore:Couldn't detect a suitable IP address")
def test_same_results_on_a_distributed_local_cluster(cohort):
    import distributed
    g, _, stores, _ = cohort
    cg = open_zarr(stores["vcf_to_zarr"])
    local = (allele_frequencies(cg), call_rate(cg, axis="samples"), pca(cg, n_components=3))
    with distributed.LocalCluster(processes=False, n_workers=1, threads_per_worker=2,
                                  dashboard_address="127.0.0.1:0",
                                  worker_dashboard_address="127.0.0.1:0") as cluster, \
            distributed.Client(cluster) as client, distributed.get_task_stream(client) as tasks:
        remote = (allele_frequencies(cg), call_rate(cg, axis="samples"), pca(cg, n_components=3))
    assert len(tasks.data) > 10  # the work ran as tasks on the cluster's worker
    pd.testing.assert_series_equal(remote[0], local[0], check_exact=True)
    pd.testing.assert_series_equal(remote[1], local[1], check_exact=True)
    pd.testing.assert_frame_equal(remote[2], local[2], rtol=1e-10)


def test_write_zarr_keeps_chunks_and_sample_info(cohort, tmp_path):
    g, _, _, _ = cohort
    cg = open_zarr(write_zarr(g, tmp_path / "chunked.vcz", variants_chunk_size=500))
    assert cg.chunks[0] == 500 and cg.chunks[1] == g.n_samples  # all samples in one chunk
    np.testing.assert_array_equal(cg.to_genotypes().calls, g.calls)
    pd.testing.assert_frame_equal(cg.sample_info, g.sample_info.rename_axis("sample"),
                                  check_dtype=False)
    assert (cg.variant_info["pos"].to_numpy() == g.positions).all()
    assert sorted(os.listdir(tmp_path)) == ["chunked.vcz"]  # bio2zarr's intermediate files are gone


def test_write_zarr_replaces_only_when_asked_and_leaves_nothing_on_error(cohort, tmp_path):
    g, _, _, _ = cohort
    path = tmp_path / "store.vcz"
    write_zarr(g.subset(variants=slice(0, 10)), path)
    with pytest.raises(FileExistsError, match="overwrite=True"):
        write_zarr(g, path)
    assert open_zarr(path).n_variants == 10
    write_zarr(g.subset(variants=slice(0, 20)), path, overwrite=True)
    assert open_zarr(path).n_variants == 20
    with pytest.raises(ValueError, match="variants_chunk_size"):
        write_zarr(g, tmp_path / "zero.vcz", variants_chunk_size=0)
    assert sorted(os.listdir(tmp_path)) == ["store.vcz"]


def test_vcf_to_zarr_errors_leave_no_partial_output(cohort, tmp_path):
    _, _, stores, tmp = cohort
    with pytest.raises(FileNotFoundError, match="missing.vcf"):
        vcf_to_zarr(tmp_path / "missing.vcf", tmp_path / "out.vcz")
    data = (tmp / "cohort.vcf.gz").read_bytes()
    (tmp_path / "truncated.vcf.gz").write_bytes(data[: len(data) // 2])
    with pytest.raises(VCFFormatError, match="truncated.vcf.gz"):
        vcf_to_zarr(tmp_path / "truncated.vcf.gz", tmp_path / "out.vcz")
    lines = write_vcf(Genotypes([[[0, 1]], [[1, 1]]], ["p1"], ["rs1", "rs2"], ["22", "22"],
                                [10, 20], ["A", "C"], ["G", "T"]), tmp_path / "ok.vcf").read_text()
    (tmp_path / "bad.vcf").write_text(lines.replace("\t20\t", "\tabc\t"))
    with pytest.raises(VCFFormatError, match="bad.vcf"):
        vcf_to_zarr(tmp_path / "bad.vcf", tmp_path / "out.vcz")
    (tmp_path / "notes.vcf").write_text("not a VCF at all\n")
    with pytest.raises(VCFFormatError, match="notes.vcf"):
        vcf_to_zarr(tmp_path / "notes.vcf", tmp_path / "out.vcz")
    assert sorted(os.listdir(tmp_path)) == ["bad.vcf", "notes.vcf", "ok.vcf", "truncated.vcf.gz"]
    existing = stores["write_zarr"]
    before = sorted(p.name for p in existing.iterdir())
    with pytest.raises(FileExistsError, match="overwrite=True"):
        vcf_to_zarr(tmp / "cohort.vcf.gz", existing)
    assert sorted(p.name for p in existing.iterdir()) == before


def test_vcf_to_zarr_overwrite_replaces_store(tmp_path):
    g = Genotypes([[[0, 1], [1, 1]]], ["p1", "p2"], ["rs1"], ["22"], [100], ["A"], ["G"])
    vcf = write_vcf(g, tmp_path / "t.vcf")
    write_zarr(g.subset(samples=[0]), tmp_path / "t.vcz")
    vcf_to_zarr(vcf, tmp_path / "t.vcz", overwrite=True)
    assert open_zarr(tmp_path / "t.vcz").n_samples == 2
    assert sorted(os.listdir(tmp_path)) == ["t.vcf", "t.vcz"]


def test_multiallelic_vcf_keeps_all_alt_alleles(tmp_path):
    header = ("##fileformat=VCFv4.2\n##contig=<ID=1,length=1000>\n"
              '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
              "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\ta\tb\n")
    body = ("1\t10\trs1\tA\tG,T\t.\tPASS\t.\tGT\t0/2\t1/1\n"
            "1\t20\t.\tC\tG\t.\tPASS\t.\tGT\t0/0\t./.\n")
    (tmp_path / "multi.vcf").write_text(header + body)
    cg = open_zarr(vcf_to_zarr(tmp_path / "multi.vcf", tmp_path / "multi.vcz"))
    assert cg.variant_info[["id", "ref", "alt"]].values.tolist() == [["rs1", "A", "G,T"],
                                                                     [".", "C", "G"]]
    assert cg.gt.compute().tolist() == [[[0, 2], [1, 1]], [[0, 0], [-1, -1]]]
    g = cg.to_genotypes()
    pd.testing.assert_series_equal(allele_frequencies(cg), allele_frequencies(g), check_exact=True)
    pd.testing.assert_frame_equal(genotype_counts(cg), genotype_counts(g), check_dtype=False)


def test_write_zarr_checks_and_orders_sample_info(tmp_path):
    g = Genotypes([[[0, 1], [1, 1]]], ["p1", "p2"], ["rs1"], ["22"], [100], ["A"], ["G"])
    g.sample_info = pd.DataFrame({"pop": list("abc")})
    with pytest.raises(ValueError, match="sample_info has 3 rows"):
        write_zarr(g, tmp_path / "x.vcz")
    assert os.listdir(tmp_path) == []
    g.sample_info = pd.DataFrame({"pop": ["B", "A"]}, index=["p2", "p1"])  # reordered to match samples
    assert open_zarr(write_zarr(g, tmp_path / "x.vcz")).sample_info["pop"].tolist() == ["A", "B"]


def test_open_zarr_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="nothing.vcz"):
        open_zarr(tmp_path / "nothing.vcz")
    import zarr

    zarr.open_group(str(tmp_path / "empty.zarr"), mode="w")
    with pytest.raises(ValueError, match="not a VCF Zarr store"):
        open_zarr(tmp_path / "empty.zarr")


@pytest.mark.requires_tool("bcftools")
def test_bcftools_reads_the_input_vcf(cohort):
    g, _, _, tmp = cohort
    body = subprocess.run(["bcftools", "view", "-H", str(tmp / "cohort.vcf.gz")], check=True,
                          capture_output=True, text=True).stdout.splitlines()
    samples = subprocess.run(["bcftools", "query", "-l", str(tmp / "cohort.vcf.gz")], check=True,
                             capture_output=True, text=True).stdout.split()
    assert len(body) == g.n_variants and samples == list(g.samples)


@pytest.mark.requires_tool("plink2")
def test_chunked_frequencies_equal_plink2_freq(cohort):
    g, _, stores, tmp = cohort
    out = tmp / "plink"
    subprocess.run(["plink2", "--silent", "--threads", "1", "--vcf", str(tmp / "cohort.vcf.gz"),
                    "--vcf-half-call", "missing", "--freq", "--out", str(out)], check=True,
                   capture_output=True)
    ref = pd.read_csv(f"{out}.afreq", sep="\t").set_index("ID")["ALT_FREQS"]
    mine = allele_frequencies(open_zarr(stores["vcf_to_zarr"]))
    assert (mine.index == ref.index).all()
    # plink2 counts a half call '0/.' as fully missing; we count its called allele
    whole = ~((g.calls < 0).sum(axis=2) == 1).any(axis=1)
    assert 0.5 < whole.mean() < 1
    mine, ref = mine[whole], ref[whole]
    printed = np.array([float(f"{x:.6g}") for x in mine])  # plink2 prints 6 significant digits
    np.testing.assert_array_equal(printed, ref.to_numpy())


def test_in_memory_only_functions_say_how_to_load_a_store(pair):
    from toolkit.genomics import standardized_dosage

    _, cg = pair
    with pytest.raises(TypeError, match=r"needs genotypes in memory; got ChunkedGenotypes\. Load them "
                                        r"first with \.to_genotypes\(\)"):
        standardized_dosage(cg)
