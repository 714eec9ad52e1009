"""toolkit.frontiers.single_cell: real PBMC loader, markers (= scipy), clusters, NNLS, spatial."""
from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from toolkit.datasets.registry import CARD_HEADINGS
from toolkit.frontiers import single_cell as sc

DATASETS = Path(__file__).resolve().parents[1] / "datasets"
CARD = DATASETS / "pbmc68k_reduced.md"
SYNTHETIC_CARD = DATASETS / "synthetic_tissue.md"


@pytest.fixture(scope="module")
def data():
    return sc.load_pbmc68k()


@pytest.fixture(scope="module")
def profiles(data):
    return sc.tissue_profiles(data)


# ------------------------------------------------------------------ loader and card
def test_loader_shape_labels_and_values(data):
    assert data.shape == (700, 765)
    assert len(set(data.genes)) == 765 and data.obs.index.is_unique
    counts = data.obs["bulk_labels"].value_counts()
    assert counts.sum() == 700 and len(counts) == 10
    assert counts["Dendritic"] == 240 and counts["CD14+ Monocyte"] == 129 and counts["CD19+ B"] == 95
    assert data.obs["louvain"].nunique() == 11
    assert (data.X >= 0).all() and np.count_nonzero(data.X) == 174400      # log1p of normalised data
    b_cells = data.obs["bulk_labels"].to_numpy() == "CD19+ B"
    ms4a1 = data.expression("MS4A1")
    assert ms4a1[b_cells].mean() > 5 * ms4a1[~b_cells].mean()              # labels match biology


def test_checksum_matches_card_and_file():
    card = CARD.read_text(encoding="utf-8")
    assert sc.PBMC_SHA256 in card
    assert hashlib.sha256(sc.PBMC_FILE.read_bytes()).hexdigest() == sc.PBMC_SHA256


@pytest.mark.parametrize("path, extra", [(CARD, ()), (SYNTHETIC_CARD, ("Generating model",))])
def test_cards_have_the_registry_headings_in_order(path, extra):
    headings = re.findall(r"^## (.+)$", path.read_text(encoding="utf-8"), flags=re.M)
    assert headings == list(CARD_HEADINGS) + list(extra)


def _counts_sha256(counts: pd.DataFrame) -> str:
    return hashlib.sha256(np.ascontiguousarray(counts.to_numpy(), dtype=np.int64).tobytes()).hexdigest()


def test_synthetic_defaults_match_the_card_checksums():
    card = SYNTHETIC_CARD.read_text(encoding="utf-8")
    assert _counts_sha256(sc.simulate_tissue().counts) in card
    assert _counts_sha256(sc.simulate_bulk_cohort()[0]) in card


def test_loader_rejects_damaged_or_missing_file(tmp_path):
    bad = tmp_path / "pbmc68k_reduced.npz"
    shutil.copy(sc.PBMC_FILE, bad)
    with bad.open("r+b") as handle:
        handle.seek(1000)
        handle.write(b"\0\0\0\0")
    with pytest.raises(ValueError, match="SHA-256"):
        sc.load_pbmc68k(bad)
    with pytest.raises(FileNotFoundError, match="nope.npz"):
        sc.load_pbmc68k(tmp_path / "nope.npz")


def test_unknown_gene_is_a_clear_error(data):
    with pytest.raises(KeyError, match="NOTAGENE"):
        data.expression("NOTAGENE")


# ---------------------------------------------------------------- marker genes
@pytest.mark.parametrize("continuity", [True, False])
def test_wilcoxon_equals_scipy_on_real_data(data, continuity):
    groups = data.obs["bulk_labels"].to_numpy()
    table = sc.rank_genes_wilcoxon(data.X, groups, "CD19+ B", data.genes, continuity=continuity)
    table = table.set_index("gene")
    inside = groups == "CD19+ B"
    for gene in ["MS4A1", "CD79A", "CD3D", "LYZ", data.genes[0], data.genes[500]]:
        x = data.expression(gene).astype(float)        # float64 like our code (float32 underflows p)
        ref = stats.mannwhitneyu(x[inside], x[~inside], method="asymptotic",
                                 use_continuity=continuity)
        assert table.loc[gene, "u"] == pytest.approx(ref.statistic, rel=1e-12)
        assert table.loc[gene, "pvalue"] == pytest.approx(ref.pvalue, rel=1e-6, abs=1e-300)
    assert table.index[:5].isin(["CD79A", "MS4A1", "CD79B", "IGJ", "HLA-DQA1", "TCL1A",
                                 "CD74", "HLA-DQB1", "HLA-DRA", "HLA-DPB1"]).sum() >= 3


def test_wilcoxon_equals_scipy_with_heavy_ties():
    rng = np.random.default_rng(3)
    X = rng.poisson(0.7, size=(60, 12)).astype(float)
    groups = np.where(np.arange(60) < 22, "a", "b")
    table = sc.rank_genes_wilcoxon(X, groups, "a").set_index("gene")
    for j in range(12):
        ref = stats.mannwhitneyu(X[:22, j], X[22:, j], method="asymptotic")
        assert table.loc[f"g{j}", "u"] == pytest.approx(ref.statistic)
        assert table.loc[f"g{j}", "pvalue"] == pytest.approx(ref.pvalue, rel=1e-9)
    assert (table["padj"] >= table["pvalue"] - 1e-15).all()


def test_wilcoxon_bad_group_is_a_clear_error(data):
    with pytest.raises(ValueError, match="Platelet"):
        sc.rank_genes_wilcoxon(data.X, data.obs["bulk_labels"], "Platelet", data.genes)


# ------------------------------------------------------------------- clustering
def test_clusters_agree_with_published_labels_and_shuffled_control_fails(data):
    scores, ratio = sc.pca_cells(sc.scale_genes(data.X), n_components=20, random_state=0)
    assert np.all(np.diff(ratio) <= 1e-12)
    labels = sc.cluster_kmeans(scores, n_clusters=8, random_state=0)
    truth = data.obs["bulk_labels"].to_numpy()
    ari = sc.cluster_agreement(labels, truth)
    shuffled = sc.cluster_agreement(labels, np.random.default_rng(0).permutation(truth))
    assert 0.5 < ari < 0.75          # measured 0.60: real agreement, far from perfect
    assert abs(shuffled) < 0.05      # the same clusters vs shuffled labels: chance level
    np.testing.assert_array_equal(labels, sc.cluster_kmeans(scores, n_clusters=8, random_state=0))


def test_clustering_bad_inputs():
    with pytest.raises(ValueError, match="n_components"):
        sc.pca_cells(np.ones((5, 3)), n_components=4)
    with pytest.raises(ValueError, match="NaN"):
        sc.scale_genes([[1.0, np.nan], [2.0, 3.0]])
    with pytest.raises(ValueError, match="differ in length"):
        sc.cluster_agreement([0, 1], [0, 1, 1])


# ------------------------------------------------------- tissue, bulk and NNLS
def test_profiles_are_normalised_and_immune_rows_come_from_pbmc(data, profiles):
    assert list(profiles.index) == ["Tumour", "Stroma", "T cell", "B cell", "NK cell", "Monocyte"]
    np.testing.assert_allclose(profiles.sum(axis=1), 1.0)
    assert (profiles.loc[["T cell", "B cell", "NK cell", "Monocyte"], list(sc.TUMOUR_MARKERS)] == 0).all().all()
    assert profiles.loc["B cell", "MS4A1"] > 5 * profiles.loc["T cell", "MS4A1"]
    assert profiles.loc["T cell", "CD3D"] > 5 * profiles.loc["B cell", "CD3D"]


def test_nnls_recovers_noise_free_mixtures_exactly(profiles):
    rng = np.random.default_rng(1)
    true = rng.dirichlet(np.ones(len(profiles)), size=20)
    mixtures = pd.DataFrame(true @ profiles.to_numpy() * 5000, columns=profiles.columns)
    est = sc.deconvolve_cell_types(mixtures, profiles)
    np.testing.assert_allclose(est.to_numpy(), true, atol=1e-8)


def test_nnls_recovers_spot_and_bulk_fractions_under_count_noise(profiles):
    tissue = sc.simulate_tissue(random_state=0, profiles=profiles)
    err = (sc.deconvolve_cell_types(tissue.counts, profiles) - tissue.fractions).abs()
    assert err.to_numpy().mean() < 0.03 and err.to_numpy().max() < 0.2     # 3000 counts per spot
    counts, fractions = sc.simulate_bulk_cohort(60, profiles, random_state=0)
    bulk_err = (sc.deconvolve_cell_types(counts, profiles) - fractions).abs().to_numpy()
    assert bulk_err.max() < 0.02                                           # 2 million counts


def test_simulations_are_deterministic_per_random_state(profiles):
    a, b = (sc.simulate_tissue(n_side=12, random_state=5, profiles=profiles) for _ in range(2))
    c = sc.simulate_tissue(n_side=12, random_state=6, profiles=profiles)
    pd.testing.assert_frame_equal(a.counts, b.counts)
    assert not a.counts.equals(c.counts)
    pd.testing.assert_frame_equal(sc.simulate_bulk_cohort(10, profiles, random_state=2)[0],
                                  sc.simulate_bulk_cohort(10, profiles, random_state=2)[0])


def test_tissue_layout_tumour_core_and_immune_margin(profiles):
    t = sc.simulate_tissue(n_side=30, infiltration=0.6, random_state=0, profiles=profiles)
    immune = t.fractions[list(sc.IMMUNE_GROUPS)].sum(axis=1)
    core = t.fractions["Tumour"] > 0.9
    assert t.region.value_counts()["tumour"] > 200 and core.any()
    assert immune[~core].mean() > 2 * immune[core].mean()
    cold = sc.simulate_tissue(n_side=30, infiltration=0.0, random_state=0, profiles=profiles)
    assert cold.fractions[list(sc.IMMUNE_GROUPS)].to_numpy().sum() == 0


def test_signature_tracks_immune_fraction_not_tumour(profiles):
    counts, fractions = sc.simulate_bulk_cohort(150, profiles, random_state=0)
    score = sc.signature_score(counts, ["CD3D", "CD2", "IL7R", "MS4A1", "NKG7", "GZMB"])
    r, lower, _ = sc.pearson_ci(score, fractions[list(sc.IMMUNE_GROUPS)].sum(axis=1))
    assert r > 0.8 and lower > 0.7


def test_pearson_ci_equals_scipy():
    rng = np.random.default_rng(0)
    x = rng.normal(size=40)
    y = x + rng.normal(size=40)
    r, lower, upper = sc.pearson_ci(x, y)
    ref = stats.pearsonr(x, y)
    ci = ref.confidence_interval(0.95)
    assert (r, lower, upper) == pytest.approx((ref.statistic, ci.low, ci.high), rel=1e-9)


def test_tissue_and_deconvolution_bad_inputs(profiles):
    with pytest.raises(ValueError, match="infiltration"):
        sc.simulate_tissue(infiltration=1.5, profiles=profiles)
    with pytest.raises(ValueError, match="non-negative"):
        sc.deconvolve_cell_types(-np.ones((1, profiles.shape[1])), profiles)
    with pytest.raises(ValueError, match="shape"):
        sc.deconvolve_cell_types(np.ones((2, 3)), profiles)
    with pytest.raises(ValueError, match="share no gene"):
        sc.deconvolve_cell_types(pd.DataFrame({"X": [1.0]}), profiles)
    with pytest.raises(KeyError, match="NOTAGENE"):
        sc.signature_score(pd.DataFrame({"CD3D": [1, 2]}), ["CD3D", "NOTAGENE"])


# --------------------------------------------------------------- spatial stats
def _grid(n: int) -> np.ndarray:
    yy, xx = np.mgrid[0:n, 0:n]
    return np.c_[xx.ravel(), yy.ravel()] * 100.0


def test_grid_neighbours_are_rook_adjacency():
    W = sc.spatial_neighbours(_grid(5))
    degree = np.asarray(W.sum(axis=1)).ravel().reshape(5, 5)
    assert degree[2, 2] == 4 and degree[0, 0] == 2 and degree[0, 2] == 3
    assert (W != W.T).nnz == 0 and W.diagonal().sum() == 0


def test_morans_i_analytic_cases():
    coords = _grid(10)
    checker = (coords.sum(axis=1) / 100) % 2
    assert sc.morans_i(checker, coords) == pytest.approx(-1.0)
    assert sc.morans_i(coords[:, 0], coords) == pytest.approx(8 / 9)          # a smooth gradient: 8/9 here
    rng = np.random.default_rng(0)
    null = [sc.morans_i(rng.normal(size=100), coords) for _ in range(200)]
    assert np.mean(null) == pytest.approx(-1 / 99, abs=0.015)               # E[I] = -1/(n-1)
    with pytest.raises(ValueError, match="constant"):
        sc.morans_i(np.ones(100), coords)
    with pytest.raises(ValueError, match="one number per spot"):
        sc.morans_i(np.ones(7), coords)


def test_neighbourhood_mean_on_a_line():
    got = sc.neighbourhood_mean([1.0, 3.0, 10.0, 0.0], [[0, 0], [1, 0], [2, 0], [9, 0]], radius=1.5)
    assert got[:3].tolist() == [3.0, 5.5, 3.0] and np.isnan(got[3])


def test_figures_build_without_a_kernel(data, profiles):
    fig = sc.view_embedding(data.obs[["umap_1", "umap_2"]], data.obs["bulk_labels"])
    assert len(fig.data) == 10
    dots = sc.view_markers(data.X, data.obs["bulk_labels"], data.genes, ["MS4A1", "CD3D"])
    assert len(dots.data[0].x) == 20
    tissue = sc.simulate_tissue(n_side=8, random_state=0, profiles=profiles)
    assert len(sc.view_tissue(tissue, tissue.fractions["Tumour"]).data[0].x) == 64
    assert len(sc.view_mixing(profiles).layout.sliders[0].steps) == 6
