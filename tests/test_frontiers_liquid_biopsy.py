"""Tests for toolkit.frontiers.liquid_biopsy: read model, detection rule, LoD, surveillance."""
import numpy as np
import pytest
from scipy import stats

from toolkit.frontiers import liquid_biopsy as lb


# ------------------------------------------------------------------ read model
def test_vaf_hand_checked():
    assert float(lb.variant_allele_fraction(0.02)) == pytest.approx(0.01)
    assert float(lb.variant_allele_fraction(1.0)) == pytest.approx(0.5)
    assert float(lb.variant_allele_fraction(0.0)) == 0.0
    # subclonal in half the cells: half the VAF
    assert float(lb.variant_allele_fraction(0.02, clonal_fraction=0.5)) == pytest.approx(0.005)
    # pure tetraploid tumour with 2 mutant copies: 2/4
    assert float(lb.variant_allele_fraction(1.0, mutant_copies=2, tumour_ploidy=4)) == pytest.approx(0.5)


def test_genome_equivalents_hand_checked():
    # 1 ng = 1000 pg / 3.3 pg per haploid genome
    assert lb.genome_equivalents(1.0, 1.0) == pytest.approx(1000 / 3.3)
    assert lb.genome_equivalents(4.0, 10.0, recovery=0.5) == pytest.approx(20 * 1000 / 3.3)


def test_simulated_reads_match_binomial_mean_and_variance():
    depth, tf, e = 4000, 0.01, 1e-3
    reads = lb.simulate_alt_reads(tf, depth, e, n_sites=50, n_samples=200, random_state=3)
    p = 0.005 * (1 - e) + 0.995 * e
    assert reads.shape == (200, 50)
    assert reads.mean() == pytest.approx(depth * p, rel=0.03)
    assert reads.var() == pytest.approx(depth * p * (1 - p), rel=0.1)


def test_overdispersion_widens_counts_and_keeps_mean():
    kw = dict(tumour_fraction=0.0, depth=5000, error_rate=1e-3, n_sites=100, n_samples=50)
    plain = lb.simulate_alt_reads(**kw, random_state=1)
    wide = lb.simulate_alt_reads(**kw, overdispersion=0.01, random_state=1)
    assert wide.mean() == pytest.approx(plain.mean(), rel=0.1)
    assert wide.var() > 3 * plain.var()


def test_deterministic_per_seed():
    a = lb.simulate_alt_reads(0.001, 3000, n_sites=16, n_samples=5, random_state=7)
    b = lb.simulate_alt_reads(0.001, 3000, n_sites=16, n_samples=5, random_state=7)
    c = lb.simulate_alt_reads(0.001, 3000, n_sites=16, n_samples=5, random_state=8)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    s1 = lb.simulate_surveillance(40, random_state=2)
    s2 = lb.simulate_surveillance(40, random_state=2)
    assert s1.equals(s2)


# ------------------------------------------------------------------ detection rule
@pytest.mark.parametrize("depth, e, n_sites, alpha", [(1000, 1e-3, 1, 0.01), (5000, 1e-3, 16, 0.01),
                                                     (10000, 1e-5, 16, 0.05), (300, 1e-2, 4, 0.001)])
def test_threshold_is_smallest_count_with_fpr_at_most_alpha(depth, e, n_sites, alpha):
    k = int(lb.alt_read_threshold(depth, e, n_sites, alpha))
    total = depth * n_sites
    assert stats.binom.sf(k - 1, total, e) <= alpha        # P(X >= k) <= alpha
    assert stats.binom.sf(k - 2, total, e) > alpha         # k - 1 would exceed alpha


def test_error_free_assay_needs_one_read():
    assert int(lb.alt_read_threshold(5000, 0.0)) == 1
    assert float(lb.detection_probability(0.0, 5000, error_rate=0.0)) == 0.0


@pytest.mark.parametrize("tf, depth, e, n_sites", [(3e-4, 2000, 1e-3, 16), (1e-4, 5000, 1e-5, 16),
                                                   (2e-3, 1000, 1e-3, 1), (5e-5, 20000, 1e-5, 4)])
def test_simulated_rate_matches_exact_binomial(tf, depth, e, n_sites):
    n = 4000
    exact = float(lb.detection_probability(tf, depth, e, n_sites))
    rate = lb.simulated_detection_rate(tf, depth, e, n_sites, n_samples=n, random_state=11)
    se = max(np.sqrt(exact * (1 - exact) / n), 1 / n)
    assert abs(rate - exact) < 4 * se, (rate, exact)
    assert 0.02 < exact < 0.98          # the cases are informative, not all 0 or 1


@pytest.mark.parametrize("depth, e, n_sites", [(1000, 1e-3, 1), (5000, 1e-3, 16), (20000, 1e-5, 16)])
def test_false_positive_rate_at_zero_is_at_most_nominal(depth, e, n_sites):
    alpha = 0.01
    exact = float(lb.detection_probability(0.0, depth, e, n_sites, alpha))
    assert exact <= alpha
    rate = lb.simulated_detection_rate(0.0, depth, e, n_sites, alpha, n_samples=20000, random_state=5)
    assert rate <= alpha + 3 * np.sqrt(alpha * (1 - alpha) / 20000)


@pytest.mark.parametrize("depth, e, n_sites, m", [(5000, 1e-3, 16, 2), (10000, 1e-5, 16, 2),
                                                  (2000, 1e-3, 8, 3), (1000, 1e-2, 4, 1)])
def test_site_threshold_is_smallest_with_fpr_at_most_alpha(depth, e, n_sites, m):
    alpha = 0.01
    k = lb.site_read_threshold(depth, e, n_sites, m, alpha)
    fpr = lambda kk: stats.binom.sf(m - 1, n_sites, stats.binom.sf(kk - 1, depth, e))  # noqa: E731
    assert fpr(k) <= alpha
    assert k == 1 or fpr(k - 1) > alpha
    assert float(lb.detection_probability_sites(0.0, depth, e, n_sites, m, alpha)) == pytest.approx(fpr(k))


@pytest.mark.parametrize("tf, depth, e", [(0.0, 5000, 1e-3), (1e-3, 5000, 1e-3), (1e-4, 10000, 1e-5)])
def test_sites_rule_simulation_matches_exact(tf, depth, e):
    n = 4000
    exact = float(lb.detection_probability_sites(tf, depth, e, 16, 2))
    rate = lb.simulated_detection_rate(tf, depth, e, 16, n_samples=n, random_state=4, rule="sites")
    assert abs(rate - exact) < 4 * max(np.sqrt(exact * (1 - exact) / n), 1 / n), (rate, exact)


def test_sum_rule_is_more_sensitive_than_two_sites_rule():
    for tf, depth, e in [(3e-4, 5000, 1e-3), (1e-3, 5000, 1e-3), (1e-4, 10000, 1e-5)]:
        assert lb.detection_probability(tf, depth, e, 16) > lb.detection_probability_sites(tf, depth, e, 16)


def test_overdispersed_errors_break_the_nominal_rate():
    # the binomial threshold is too lenient when errors vary between sites: a teaching point
    rate = lb.simulated_detection_rate(0.0, 5000, 1e-3, 16, 0.01, n_samples=4000,
                                       overdispersion=0.002, random_state=5)
    assert rate > 0.03


def test_sensitivity_increases_with_tf_depth_and_sites():
    tf = np.logspace(-5, -2, 12)
    sens = lb.detection_probability(tf, 5000, 1e-3, 16)
    assert np.all(np.diff(sens) >= 0) and sens[-1] > 0.99
    depths = np.array([500, 1000, 3000, 10000, 30000])
    by_depth = lb.detection_probability(3e-4, depths, 1e-5, 16)
    assert np.all(np.diff(by_depth) > 0)
    sites = np.array([1, 2, 4, 16, 64])
    by_sites = lb.detection_probability(3e-4, 5000, 1e-5, sites)
    assert np.all(np.diff(by_sites) > 0)


# ------------------------------------------------------------------ limit of detection
def test_lod_is_where_sensitivity_is_95_percent():
    lod = float(lb.limit_of_detection(5000, 1e-3, 16))
    assert float(lb.detection_probability(lod, 5000, 1e-3, 16)) == pytest.approx(0.95, abs=1e-4)
    assert float(lb.detection_probability(lod * 0.8, 5000, 1e-3, 16)) < 0.95


def test_lod_monotone_in_depth_and_sites():
    depths = [1000, 3000, 10000, 30000]
    for e in (1e-3, 1e-5):
        lod = lb.limit_of_detection(depths, e, 16)
        assert np.all(np.diff(lod) < 0)
    lod_sites = lb.limit_of_detection(5000, 1e-5, [1, 4, 16, 64])
    assert np.all(np.diff(lod_sites) < 0)
    # fewer errors, lower LoD
    assert lb.limit_of_detection(5000, 1e-5, 16) < lb.limit_of_detection(5000, 1e-3, 16)


def test_error_free_lod_matches_poisson_floor():
    # with no errors one mutant read calls ctDNA: LoD = -2 ln(0.05) / (n x depth) (Poisson limit)
    for depth, n in [(10000, 16), (50000, 1)]:
        lod = float(lb.limit_of_detection(depth, 0.0, n))
        assert lod == pytest.approx(float(lb.lod_poisson_floor(depth, n)), rel=0.01)
        assert lod == pytest.approx(-2 * np.log(0.05) / (depth * n), rel=0.01)


def test_lod_nan_when_unreachable_and_table_columns():
    assert np.isnan(lb.limit_of_detection(0, 1e-3, 1))
    table = lb.lod_table([1000, 10000], n_sites=[1, 16], error_rates=[1e-5])
    assert list(table.columns) == ["depth", "n_sites", "error_rate", "lod95", "poisson_floor"]
    # the floor is a Poisson approximation: binomial sampling and stray errors can dip ~1 % below
    assert (table["lod95"] >= 0.99 * table["poisson_floor"]).all()
    assert (table.query("depth == 10000")["lod95"] > table.query("depth == 10000")["poisson_floor"]).all()


def test_sensitivity_grid_shape_and_values():
    g = lb.sensitivity_grid([1000, 5000], [1e-4, 1e-3, 1e-2], error_rate=1e-3, n_sites=16)
    assert g.shape == (2, 3)
    assert g.loc[5000, 1e-3] == pytest.approx(float(lb.detection_probability(1e-3, 5000, 1e-3, 16)))


# ------------------------------------------------------------------ monitoring
def test_tumour_fraction_from_volume_calibration():
    # Abbosh et al. 2017: 10 cm3 NSCLC -> mean clonal VAF about 0.1 % -> tf about 0.2 %
    tf = float(lb.tumour_fraction_from_volume(10.0))
    assert float(lb.variant_allele_fraction(tf)) == pytest.approx(0.001, rel=0.01)
    assert float(lb.tumour_fraction_from_volume(1e12)) <= 1.0
    assert lb.tumour_fraction_from_volume(10.0, lb.SHEDDING_TF_PER_ML["brain_plasma"]) < tf / 50


def test_sphere_diameter():
    assert float(lb.sphere_diameter_mm(np.pi / 6)) == pytest.approx(10.0)   # 1 cm diameter


def test_surveillance_lead_times_consistent():
    s = lb.simulate_surveillance(300, random_state=0)
    both = s.dropna(subset=["ctdna_day", "scan_day"])
    assert len(both) > 200
    np.testing.assert_allclose(both["lead_time_days"], both["scan_day"] - both["ctdna_day"])
    # the CT scan flags the lesion at the first scan at or after it reaches 10 mm
    vol = 1e-3 * 2 ** (both["scan_day"] / both["doubling_time_days"])
    assert (lb.sphere_diameter_mm(vol) >= 10.0).all()
    assert (lb.sphere_diameter_mm(vol / 2 ** (90 / both["doubling_time_days"])) < 10.0).all()
    # ctDNA usually comes first for a well-shedding tumour with a good assay
    assert both["lead_time_days"].median() > 0


def test_low_shedding_and_noisy_assay_lose_the_lead():
    good = lb.simulate_surveillance(300, random_state=0)["lead_time_days"].median()
    brain = lb.simulate_surveillance(300, shedding_tf_per_ml=lb.SHEDDING_TF_PER_ML["brain_plasma"],
                                     random_state=0)
    assert brain["lead_time_days"].median() < 0 < good
    assert brain["ctdna_day"].isna().mean() > 0.1


# ------------------------------------------------------------------ errors and figures
@pytest.mark.parametrize("call, match", [
    (lambda: lb.variant_allele_fraction(1.5), "tumour_fraction must be a fraction between 0 and 1"),
    (lambda: lb.variant_allele_fraction(-0.1), "got -0.1"),
    (lambda: lb.detection_probability(5, 1000), "Write 1 % as 0.01"),
    (lambda: lb.simulate_alt_reads(0.01, -10), "depth must be a whole number >= 0"),
    (lambda: lb.simulate_alt_reads(0.01, 100.5), "depth must be a whole number"),
    (lambda: lb.alt_read_threshold(1000, n_sites=0), "n_sites must be a whole number >= 1"),
    (lambda: lb.alt_read_threshold(1000, error_rate=0.7), "error_rate must be in"),
    (lambda: lb.alt_read_threshold(1000, alpha=0), "alpha must be strictly between 0 and 1"),
    (lambda: lb.limit_of_detection(1000, target=1.0), "target must be strictly between"),
    (lambda: lb.tumour_fraction_from_volume(-1.0), "volume_ml and shedding_tf_per_ml must be >= 0"),
    (lambda: lb.genome_equivalents(0, 10), "plasma_ml and cfdna_ng_per_ml must be positive"),
    (lambda: lb.simulate_surveillance(10, doubling_time_days=0), "must all be > 0"),
    (lambda: lb.variant_allele_fraction(0.1, mutant_copies=3), "mutant_copies <= tumour_ploidy"),
    (lambda: lb.site_read_threshold(1000, n_sites=4, min_sites=5), "min_sites must be <= n_sites"),
    (lambda: lb.simulated_detection_rate(0.01, 1000, rule="any"), "rule must be one of"),
])
def test_bad_inputs_give_clear_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_figures_build_offline():
    assert len(lb.view_read_counts(n_samples=10).data) == 6
    grid = lb.sensitivity_grid([1000, 10000], [1e-4, 1e-3])
    lod = lb.lod_table([1000, 10000], n_sites=[16], error_rates=[1e-3])
    fig = lb.view_sensitivity_heatmap(grid, lod)
    assert [t.type for t in fig.data] == ["heatmap", "scatter"]
    assert lb.view_lead_times(lb.simulate_surveillance(30, random_state=0)).data[0].type == "histogram"
    from toolkit.explorers import detection_explorer_app

    fig = detection_explorer_app(interactive=False)
    assert "LoD95" in fig.layout.annotations[-1].text
