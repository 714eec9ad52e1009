"""toolkit.evaluation: hand-checkable values and agreement with scikit-learn and fairlearn."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.calibration import calibration_curve
from sklearn.metrics import accuracy_score, roc_auc_score

from toolkit import evaluation as ev
from toolkit.evaluation import decision


def _scores(n, seed=0, shift=1.0):
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.4).astype(int)
    return y, shift * y + rng.normal(0, 1, n)


# ---------------------------------------------------------------- metrics
def test_roc_auc_matches_sklearn_including_ties():
    y, s = _scores(300)
    s = np.round(s, 1)  # many ties
    assert ev.roc_auc(y, s) == pytest.approx(roc_auc_score(y, s), abs=1e-12)


def test_bootstrap_ci_contains_estimate_and_narrows_with_n():
    widths = []
    for n in (100, 1600):
        y, s = _scores(n, seed=1)
        r = ev.auc_ci(y, s, n_boot=500)
        assert r.lower < r.value < r.upper
        assert r.value == pytest.approx(roc_auc_score(y, s))
        widths.append(r.upper - r.lower)
    assert widths[1] < widths[0] / 2.5  # width shrinks roughly as 1/sqrt(n): 4x n -> ~1/4


def test_bootstrap_ci_is_deterministic_per_seed_and_works_with_any_metric():
    y, s = _scores(200)
    a = ev.bootstrap_ci(roc_auc_score, y, s, n_boot=200, random_state=3)
    b = ev.bootstrap_ci(roc_auc_score, y, s, n_boot=200, random_state=3)
    assert a == b
    acc = ev.bootstrap_ci(lambda t, p: accuracy_score(t, p > 0.5), y, s, n_boot=200)
    assert acc.lower <= acc.value <= acc.upper
    assert "95% CI" in str(a)


def test_cluster_bootstrap_is_wider_for_duplicated_patients():
    y, s = _scores(150, seed=2)
    y2, s2 = np.repeat(y, 4), np.repeat(s, 4)  # each patient scanned 4 times
    patients = np.repeat(np.arange(150), 4)
    naive = ev.auc_ci(y2, s2, n_boot=400)
    cluster = ev.auc_ci(y2, s2, n_boot=400, groups=patients)
    assert (cluster.upper - cluster.lower) > 1.5 * (naive.upper - naive.lower)


def test_bootstrap_indices_draw_whole_groups():
    groups = np.array(["a", "a", "b", "c", "c", "c"])
    for idx in ev.bootstrap_indices(6, 20, groups=groups):
        picked = groups[idx]
        for g in ("a", "b", "c"):
            assert np.sum(picked == g) % np.sum(groups == g) == 0


def test_metric_errors():
    with pytest.raises(ValueError, match="same length"):
        ev.auc_ci([0, 1, 1], [0.2, 0.4])
    with pytest.raises(ValueError, match="single class"):
        ev.roc_auc([1, 1, 1], [0.2, 0.4, 0.5])
    with pytest.raises(ValueError, match="only 0 and 1"):
        ev.roc_auc([0, 2, 1], [0.2, 0.4, 0.5])
    with pytest.raises(ValueError, match="NaN"):
        ev.roc_auc([0, 1], [0.2, np.nan])
    with pytest.raises(ValueError, match="ci must be"):
        ev.bootstrap_ci(roc_auc_score, [0, 1], [0.1, 0.2], ci=95)
    with pytest.raises(ValueError, match="groups must have one id per row"):
        ev.auc_ci([0, 1], [0.1, 0.2], groups=[1])
    with pytest.raises(ValueError, match="empty"):
        ev.bootstrap_ci(roc_auc_score, [], [])


def test_bootstrap_on_tiny_sample_fails_clearly():
    with pytest.raises(ValueError, match="bootstrap resamples gave a value"):
        ev.auc_ci([0, 1], [0.1, 0.9], n_boot=200)


# ---------------------------------------------------------------- calibration
def test_calibration_table_matches_sklearn():
    rng = np.random.default_rng(0)
    p = rng.random(500)
    y = (rng.random(500) < p).astype(int)
    for strategy in ("uniform", "quantile"):
        t = ev.calibration_table(y, p, n_bins=8, strategy=strategy)
        prob_true, prob_pred = calibration_curve(y, p, n_bins=8, strategy=strategy)
        np.testing.assert_allclose(t["observed_rate"], prob_true)
        np.testing.assert_allclose(t["mean_predicted"], prob_pred)
        assert t["n"].sum() == 500
        assert (t["observed_lower"] <= t["observed_rate"]).all()
        assert (t["observed_rate"] <= t["observed_upper"]).all()


def test_ece_hand_values():
    # each bin's observed rate equals its predicted risk -> ECE 0
    y = [0, 0, 0, 1, 0, 1, 1, 1]
    p = [0.25] * 4 + [0.75] * 4
    assert ev.expected_calibration_error(y, p) == 0.0
    # bins 0.25 (obs 0.5) and 0.75 (obs 0.5): gap 0.25 in each
    y = [0, 0, 1, 1, 0, 0, 1, 1]
    assert ev.expected_calibration_error(y, p) == pytest.approx(0.25)


def test_ece_of_calibrated_simulation_is_small_and_of_overconfident_is_large():
    rng = np.random.default_rng(1)
    p = rng.random(20000)
    y = (rng.random(20000) < p).astype(int)
    assert ev.expected_calibration_error(y, p) < 0.02
    overconfident = np.clip((p - 0.5) * 2 + 0.5, 0, 1)
    assert ev.expected_calibration_error(y, overconfident) > 0.1


def test_calibration_errors():
    with pytest.raises(ValueError, match="between 0 and 1"):
        ev.calibration_table([0, 1], [0.2, 40.0])
    with pytest.raises(ValueError, match="strategy must be one of"):
        ev.calibration_table([0, 1], [0.2, 0.4], strategy="equal")
    with pytest.raises(ValueError, match="n_bins"):
        ev.calibration_table([0, 1], [0.2, 0.4], n_bins=0)


def test_view_calibration_overlays_models(tmp_path):
    assert not hasattr(ev, "plot_calibration")  # one name per figure: view_* (plotly)
    fig = ev.view_calibration([0, 1, 0, 1], {"a": [0.1, 0.9, 0.2, 0.8], "b": [0.5] * 4},
                              output_file=tmp_path / "cal.html")
    assert [t.name for t in fig.data] == ["perfect calibration", "a", "b"]
    assert (tmp_path / "cal.html").stat().st_size > 1000


# ---------------------------------------------------------------- decisions
def test_test_characteristics_bayes_hand_values():
    r = decision.test_characteristics(0.9, 0.9, 0.01)
    assert float(r.ppv) == pytest.approx(0.009 / (0.009 + 0.099), abs=1e-12)
    assert round(float(r.ppv), 4) == 0.0833
    assert float(r.npv) == pytest.approx(0.891 / (0.891 + 0.001))
    ppv, npv = decision.test_characteristics(0.9, 0.9, [0.01, 0.5])
    np.testing.assert_allclose(ppv, [0.0833333, 0.9], rtol=1e-5)
    with pytest.raises(ValueError, match="prevalence must be a fraction"):
        decision.test_characteristics(0.9, 0.9, 5)


def test_threshold_table_hand_values_and_prevalence_shift():
    y = [0, 0, 0, 1, 1]
    s = [0.1, 0.6, 0.2, 0.7, 0.4]
    t = ev.threshold_table(y, s, [0.5])
    row = t.iloc[0]
    assert (row.sensitivity, row.specificity) == (0.5, pytest.approx(2 / 3))
    assert row.ppv == pytest.approx(0.5) and row.npv == pytest.approx(2 / 3)  # sample prevalence
    low = ev.threshold_table(y, s, [0.5], prevalence=0.01).iloc[0]
    expected = decision.test_characteristics(0.5, 2 / 3, 0.01)
    assert low.ppv == pytest.approx(float(expected.ppv)) and low.ppv < row.ppv
    with pytest.raises(ValueError, match="single class"):
        ev.threshold_table([0, 0], [0.1, 0.2], [0.5])


def test_net_benefit_by_hand():
    y = np.array([1, 1, 1, 0, 0, 0, 0, 0, 0, 0])
    p = np.array([0.9, 0.8, 0.1, 0.7, 0.2, 0.2, 0.1, 0.1, 0.1, 0.1])
    # pt = 0.25: treat 3 (2 TP, 1 FP): 2/10 - 1/10 * (0.25/0.75)
    assert ev.net_benefit(y, p, 0.25) == pytest.approx(0.2 - 0.1 / 3)
    d = ev.decision_curve(y, {"m": p}, thresholds=[0.25])
    assert d.loc[0, "treat_all"] == pytest.approx(0.3 - 0.7 / 3)
    assert d.loc[0, "treat_none"] == 0 and d.loc[0, "m"] == pytest.approx(0.2 - 0.1 / 3)
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        ev.net_benefit(y, p, 1.0)


def test_perfect_model_net_benefit_equals_prevalence():
    y = np.array([1, 0, 0, 0])
    d = ev.decision_curve(y, y.astype(float))
    np.testing.assert_allclose(d["model"], 0.25)
    fig = ev.view_decision_curve(d)
    assert len(fig.data) == 3


# ---------------------------------------------------------------- subgroups
def test_subgroup_report_matches_fairlearn_metricframe():
    import fairlearn.metrics as fairlearn_metrics
    MetricFrame, selection_rate = fairlearn_metrics.MetricFrame, fairlearn_metrics.selection_rate
    from sklearn.metrics import recall_score

    rng = np.random.default_rng(3)
    g = rng.choice(["CEU", "YRI", "CHB"], 600, p=[0.6, 0.2, 0.2])
    y = (rng.random(600) < 0.4).astype(int)
    s = 1 / (1 + np.exp(-(2 * y - 1 + rng.normal(0, np.where(g == "YRI", 2.5, 1.0)))))
    r = ev.subgroup_report(y, s, g, metrics=["auc", "sensitivity", "selection_rate"], n_boot=200)
    mf = MetricFrame(metrics={"auc": roc_auc_score,
                              "sensitivity": lambda t, p: recall_score(t, p >= 0.5),
                              "selection_rate": lambda t, p: selection_rate(t, p >= 0.5)},
                     y_true=y, y_pred=s, sensitive_features=g)
    mine = r[r.group != "overall"].pivot(index="group", columns="metric", values="value")
    pd.testing.assert_frame_equal(mine.sort_index()[list(mf.by_group.columns)],
                                  mf.by_group.sort_index().astype(float),
                                  check_names=False, check_exact=False)
    auc = r[r.metric == "auc"].set_index("group")
    assert auc.loc["overall", "value"] == pytest.approx(mf.overall["auc"])
    assert auc.loc["YRI", "gap_vs_overall"] < 0 and auc["gap_vs_best"].max() == 0
    assert (auc.lower <= auc.value).all() and (auc.value <= auc.upper).all()
    assert auc.loc["CHB", "n"] == np.sum(g == "CHB")


def test_subgroup_report_single_class_group_and_errors():
    y = [0, 1, 0, 1, 1, 1]
    s = [0.1, 0.9, 0.2, 0.8, 0.7, 0.6]
    with pytest.warns(UserWarning, match="fewer than 20"):
        r = ev.subgroup_report(y, s, ["a"] * 4 + ["b"] * 2, metrics=["auc"], n_boot=20)
    assert np.isnan(r.set_index("group").loc["b", "value"])
    with pytest.raises(ValueError, match="metrics must be among"):
        ev.subgroup_report(y, s, ["a"] * 6, metrics=["f1"], min_size=1)
    with pytest.raises(ValueError, match="same length"):
        ev.subgroup_report(y, s[:5], ["a"] * 6, min_size=1)


# ---------------------------------------------------------------- model card
def test_model_card_sections_and_numbers():
    from sklearn.linear_model import LogisticRegression

    y, s = _scores(200)
    sub = ev.subgroup_report(y, s, np.where(np.arange(200) % 2, "F", "M"), metrics=["auc"],
                             n_boot=100)
    card = ev.model_card(LogisticRegression(C=0.5), {"AUC": ev.auc_ci(y, s, n_boot=100),
                                                     "ECE": 0.031},
                         name="Demo", subgroups=sub, limitations="Synthetic data only.")
    for heading in ("## Intended use", "## Out-of-scope uses", "## Training and evaluation data",
                    "## Performance", "## Performance by subgroup", "## Limitations"):
        assert heading in card
    assert "`LogisticRegression` (C=0.5)" in card
    assert "| ECE | 0.031 | not computed |" in card
    assert "| F | auc | 100 |" in card and "Synthetic data only." in card
    with pytest.raises(ValueError, match="evaluation is empty"):
        ev.model_card("m", {})
