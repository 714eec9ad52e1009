"""Harmonisation across hospitals (lesson 26): ComBat against neuroCombat, REF checks, intensity
normalisation, FHIR mapping, the three-hospitals simulator and the cross-validated checks."""
from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest

from toolkit.datasets.hospitals import SITES, make_three_hospitals
from toolkit.harmonisation import (ComBat, UnmappedCodeWarning, auc_by_site, bundle_to_table,
                                   check_ref, combat, cv_predict, fix_alleles, histogram_distance,
                                   histogram_match, load_concept_map, ref_match_rates,
                                   site_prediction_accuracy, to_contig_style, validate_bundle,
                                   zscore_normalise)


@pytest.fixture(scope="module")
def hospitals():
    return make_three_hospitals(random_state=0)


def _site_data(seed=1):
    rng = np.random.default_rng(seed)
    site = np.repeat(["A", "B", "C"], [40, 30, 20])
    age = rng.normal(60, 10, 90)
    sex = rng.choice(["F", "M"], 90)
    X = (rng.normal(size=(90, 8)) * np.where(site == "C", 2.0, 1.0)[:, None]
         + np.where(site == "B", 1.5, 0.0)[:, None] + 0.05 * age[:, None])
    return X, site, age, sex


# --- ComBat ---------------------------------------------------------------------------------

@pytest.mark.parametrize("options", [{}, {"mean_only": True}, {"empirical_bayes": False}])
def test_combat_equals_neurocombat(options, capsys):
    import neuroCombat as neuro  # dev dependency: the reference implementation
    X, site, _, _ = _site_data()
    ours, _ = combat(X, site, **options)
    ref = neuro.neuroCombat(X.T, pd.DataFrame({"site": site}), "site",
                            eb=options.get("empirical_bayes", True),
                            mean_only=options.get("mean_only", False))["data"].T
    np.testing.assert_allclose(ours, ref, rtol=1e-9, atol=1e-9)


def test_combat_with_covariates_equals_neurocombat(capsys):
    import neuroCombat as neuro  # dev dependency: the reference implementation
    X, site, age, sex = _site_data(2)
    ours, model = combat(X, site, pd.DataFrame({"age": age, "sex": sex}))
    ref = neuro.neuroCombat(X.T, pd.DataFrame({"site": site, "age": age, "sex": sex}), "site",
                            categorical_cols=["sex"], continuous_cols=["age"])
    # neuroCombat casts continuous covariates to float32: agreement to about 1e-6
    np.testing.assert_allclose(ours, ref["data"].T, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(model.gamma_star_, ref["estimates"]["gamma.star"], rtol=1e-4)


def test_combat_removes_a_known_shift_and_keeps_a_covariate():
    rng = np.random.default_rng(0)
    site = np.repeat(["A", "B"], 200)
    age = rng.uniform(40, 80, 400)
    X = 0.1 * age[:, None] + rng.normal(size=(400, 3)) + np.where(site == "B", 5.0, 0.0)[:, None]
    Xh, _ = combat(X, site, pd.DataFrame({"age": age}))
    assert abs(Xh[site == "B"].mean() - Xh[site == "A"].mean()) < 0.1
    slope = np.polyfit(age, Xh[:, 0], 1)[0]
    assert slope == pytest.approx(0.1, abs=0.01)


def test_combat_transform_applies_training_estimates():
    X, site, _, _ = _site_data()
    model = ComBat().fit(X[::2], site=site[::2])
    out = model.transform(X[1::2], site=site[1::2])
    assert out.shape == X[1::2].shape and np.isfinite(out).all()


def test_combat_errors():
    X, site, _, _ = _site_data()
    with pytest.raises(ValueError, match="at least 2 sites"):
        ComBat().fit(X, site=np.repeat("A", len(X)))
    with pytest.raises(ValueError, match=r"at least 2 samples.*\['C'\]"):
        ComBat().fit(X[:71], site=site[:71])
    with pytest.raises(ValueError, match="one label per sample"):
        ComBat().fit(X, site=site[:-1])
    with pytest.raises(ValueError, match="NaN"):
        ComBat().fit(np.where(np.eye(90, 8) == 1, np.nan, X), site=site)
    with pytest.raises(ValueError, match="zero residual variance"):
        ComBat().fit(np.c_[X, np.ones(90)], site=site)
    with pytest.raises(RuntimeError, match="not fitted"):
        ComBat().transform(X, site=site)
    with pytest.raises(ValueError, match=r"sites \['D'\] were not"):
        ComBat().fit(X, site=site).transform(X[:2], site=["A", "D"])
    # the site is never positional: a Pipeline passes y there, and ComBat must not take it for sites
    with pytest.raises(ValueError, match="neither a site column"):
        ComBat().fit(X, site)
    with pytest.raises(ValueError, match="both a site column"):
        ComBat(site=0).fit(X, site=site)
    with pytest.raises(ValueError, match=r"column 'hospital' is not in X"):
        ComBat(site="hospital").fit(pd.DataFrame(X).add_prefix("f").assign(site=site))


def _site_frame(seed=2):
    X, site, age, sex = _site_data(seed)
    features = [f"f{i}" for i in range(X.shape[1])]
    return pd.DataFrame(X, columns=features).assign(hospital=site, age=age, sex=sex), features


def test_combat_site_column_equals_site_keyword():
    frame, features = _site_frame()
    X, site = frame[features].to_numpy(), frame["hospital"].to_numpy()
    by_keyword, _ = combat(X, site, frame[["age", "sex"]])
    model = ComBat(site="hospital", covariates=["age", "sex"]).fit(frame)
    np.testing.assert_allclose(model.transform(frame), by_keyword, rtol=1e-12, atol=1e-12)
    assert model.get_feature_names_out().tolist() == features
    # an array with the site as column 0 (a position, as for any array column) gives the same
    array = np.c_[site.astype(object), X]
    np.testing.assert_allclose(ComBat(site=0).fit_transform(array), combat(X, site)[0], rtol=1e-12)
    with pytest.raises(ValueError, match="X has 9 columns"):
        ComBat(site=9).fit(array)


def test_combat_in_a_pipeline_is_fitted_on_each_training_fold_only():
    """cross_val_score with ComBat in a Pipeline gives, fold by fold, the same scores as fitting
    ComBat on the training rows by hand, and differs from ComBat fitted on everyone first."""
    from sklearn.base import clone
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from sklearn.pipeline import make_pipeline

    h = make_three_hospitals(random_state=0, images_per_site=0)
    features = list(h.features.columns)
    frame = h.features.assign(site=h.patients["site"].to_numpy())
    y = h.patients["mutation"].to_numpy()
    pipe = make_pipeline(ComBat(site="site"), LogisticRegression(max_iter=1000))
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    scores = cross_val_score(pipe, frame, y, cv=folds, scoring="roc_auc")
    by_hand, leaky = [], []
    X, site = frame[features].to_numpy(), frame["site"].to_numpy()
    X_all = ComBat().fit_transform(X, site=site)
    for train, test in folds.split(frame, y):
        combat_fold = ComBat().fit(X[train], site=site[train])
        model = LogisticRegression(max_iter=1000).fit(combat_fold.transform(X[train], site=site[train]),
                                                      y[train])
        by_hand.append(roc_auc_score(y[test], model.predict_proba(
            combat_fold.transform(X[test], site=site[test]))[:, 1]))
        model = LogisticRegression(max_iter=1000).fit(X_all[train], y[train])
        leaky.append(roc_auc_score(y[test], model.predict_proba(X_all[test])[:, 1]))
    np.testing.assert_allclose(scores, by_hand, rtol=1e-12)
    assert not np.allclose(scores, leaky)
    assert clone(pipe).get_params()["combat__site"] == "site" and 0.5 < scores.mean() <= 1.0


# --- genome builds and alleles ---------------------------------------------------------------

def test_contig_styles_and_errors():
    assert to_contig_style(["chr22", "22", "chrM"], "plain").tolist() == ["22", "22", "MT"]
    with pytest.raises(ValueError, match="style must be one of"):
        to_contig_style(["1"], "ensembl")


def test_ref_check_classifies_each_case_by_hand():
    ref = {"chr1": "ACGTACGN"}
    t = pd.DataFrame({"chrom": "chr1", "pos": [1, 2, 3, 3, 5, 8, 9],
                      "ref": ["A", "T", "C", "T", "A", "A", "A"],
                      "alt": ["G", "C", "T", "C", "T", "C", "C"]})
    assert check_ref(t, ref).tolist() == ["match", "swapped", "flipped", "flipped_swapped",
                                          "ambiguous", "mismatch", "not_in_reference"]
    with pytest.raises(ValueError, match=r"missing \['alt'\]"):
        check_ref(t.drop(columns="alt"), ref)


def test_simulated_exports_reveal_swaps_flips_and_build(hospitals):
    truth = hospitals.ground_truth
    rates = {s: ref_match_rates(t.assign(chrom=to_contig_style(t["chrom"])), hospitals.references)
             for s, t in hospitals.variants.items()}
    assert rates["site_A"]["GRCh38"] == 1.0 and rates["site_B"]["GRCh38"] == 1.0
    assert rates["site_C"]["GRCh37"] > 0.85 and rates["site_C"]["GRCh38"] < 0.65
    b = hospitals.variants["site_B"].assign(chrom=lambda d: to_contig_style(d["chrom"]))
    fixed, counts = fix_alleles(b, hospitals.references["GRCh38"])
    assert counts["swapped"] > 0 and counts["mismatch"] == 0
    merged = fixed.merge(hospitals.variants_true, on=["chrom", "pos"], suffixes=("", "_true"))
    assert (merged["ref"] == merged["ref_true"]).all() and (merged["alt"] == merged["alt_true"]).all()
    assert np.corrcoef(merged["alt_frequency"], merged["alt_frequency_true"])[0, 1] > 0.9
    assert truth["build_offset"] == 3000


# --- intensities -----------------------------------------------------------------------------

def test_zscore_and_histogram_matching_by_hand():
    assert zscore_normalise([1.0, 3.0]).tolist() == [-1.0, 1.0]
    img = np.array([1.0, 2.0, 3.0, 100.0])
    mask = np.array([True, True, True, False])
    out = histogram_match(img, np.array([10.0, 20.0, 30.0]), mask=mask)
    assert out.tolist() == [10.0, 20.0, 30.0, 100.0]
    assert histogram_distance([0, 0], [2, 2]) == 2.0
    with pytest.raises(ValueError, match="mask is empty"):
        zscore_normalise(img, np.zeros(4, bool))
    with pytest.raises(ValueError, match="must have the image's shape"):
        zscore_normalise(img, np.ones(3, bool))
    with pytest.raises(ValueError, match="SD 0"):
        zscore_normalise(np.ones(4))


def test_histogram_matching_beats_zscore_on_the_nonlinear_scanner(hospitals):
    m, a = hospitals.brain_mask, hospitals.images["site_A"]
    ref = zscore_normalise(a[0], m)[m]  # another patient of site A is the reference
    same_scanner = histogram_distance(zscore_normalise(a[1], m)[m], ref)
    distance = {}
    for s in ("site_B", "site_C"):
        img = hospitals.images[s][1]
        matched = (histogram_match(img, a[0], m, m)[m] - a[0][m].mean()) / a[0][m].std()
        distance[s] = (histogram_distance(zscore_normalise(img, m)[m], ref),
                       histogram_distance(matched, ref))
    assert distance["site_B"][0] < 2 * same_scanner + 0.01  # linear scanner: z-score suffices
    assert distance["site_C"][0] > 2 * distance["site_B"][0]  # non-linear scanner: it does not
    assert distance["site_C"][1] < distance["site_C"][0] / 2  # histogram matching does


def test_default_features_checksum_matches_the_card(hospitals):
    import hashlib
    from pathlib import Path

    digest = hashlib.sha256(np.ascontiguousarray(hospitals.features.to_numpy(),
                                                 dtype=np.float64).tobytes()).hexdigest()
    card = (Path(__file__).resolve().parents[1] / "datasets" / "three_hospitals.md").read_text()
    assert digest in card


# --- FHIR ------------------------------------------------------------------------------------

def test_concept_map_codes():
    cmap = load_concept_map()
    key = dict(zip(zip(cmap["system"], cmap["code"]), cmap["concept"]))
    assert key[("http://loinc.org", "4548-4")] == "hba1c_percent"
    assert key[("http://loinc.org", "59261-8")] == "hba1c_percent"
    assert key[("http://snomed.info/sct", "59621000")] == "hypertension"
    assert key[("http://hl7.org/fhir/sid/icd-10", "E11")] == "type2_diabetes"
    assert not cmap.duplicated(["system", "code"]).any()


def test_fhir_tables_recover_the_truth_at_every_site(hospitals):
    for s in SITES:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UnmappedCodeWarning)
            table = bundle_to_table(hospitals.fhir[s])
        truth = hospitals.patients.loc[table.index]
        for c in ("type2_diabetes", "hypertension", "glioblastoma"):
            assert (table[c] == truth[c]).all(), (s, c)
        np.testing.assert_allclose(table["hba1c_percent"], truth["hba1c_percent"], atol=1e-3)
        np.testing.assert_allclose(table["creatinine_mg_dl"], truth["creatinine_mg_dl"], atol=1e-3)
        assert (table["sex"] == truth["sex"]).all()


def test_fhir_unmapped_codes_warn_and_invalid_bundles_raise(hospitals):
    with pytest.warns(UnmappedCodeWarning, match="ASTH"):
        bundle_to_table(hospitals.fhir["site_C"])
    bad = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": {
        "resourceType": "Observation", "id": "o1", "code": {"text": "x"}}}]}
    with pytest.raises(ValueError, match="status"):
        validate_bundle(bad)
    with pytest.raises(ValueError, match="expected a FHIR Bundle"):
        validate_bundle({"resourceType": "Patient"})


# --- simulator and cross-validated checks -----------------------------------------------------

def test_simulator_is_seeded_labelled_and_validates_sizes(hospitals):
    again = make_three_hospitals(random_state=0)
    pd.testing.assert_frame_equal(again.features, hospitals.features)
    assert "SYNTHETIC" in repr(hospitals) and "SYNTHETIC" in hospitals.ground_truth["label"]
    assert hospitals.patients.groupby("site")["mutation"].mean().is_monotonic_increasing
    with pytest.raises(ValueError, match="at least 2 patients"):
        make_three_hospitals(sizes={"site_A": 1, "site_B": 5, "site_C": 5})


def test_harmonisation_removes_the_site_fingerprint_and_keeps_the_biology(hospitals):
    X, site = hospitals.features.to_numpy(), hospitals.patients["site"].to_numpy()
    y = hospitals.patients["mutation"].to_numpy()
    chance = pd.Series(site).value_counts(normalize=True).max()
    before = site_prediction_accuracy(X, site, "none", n_boot=200)
    inside = site_prediction_accuracy(X, site, "inside", n_boot=200)
    outside = site_prediction_accuracy(X, site, "outside", n_boot=200)
    assert before.lower > chance + 0.1
    assert inside.lower < chance < inside.upper
    assert outside.value < inside.value  # fitted on everyone: looks better harmonised than it is
    none_auc = auc_by_site(y, cv_predict(X, y, site, "none"), site, n_boot=100)
    inside_auc = auc_by_site(y, cv_predict(X, y, site, "inside"), site, n_boot=100)
    assert (inside_auc.loc[list(SITES), "auc"] > 0.7).all()
    assert (abs(inside_auc["auc"] - none_auc["auc"]) < 0.05).all()
    with pytest.raises(ValueError, match="harmonise must be one of"):
        cv_predict(X, y, site, "everywhere")
    with pytest.raises(ValueError, match=r"\['site_Z'\] have fewer"):
        site_prediction_accuracy(X[:101], np.r_[site[:100], ["site_Z"]])


def test_auc_by_site_by_hand():
    t = auc_by_site([0, 1] * 10, [0.2, 0.9] * 5 + [0.6, 0.4] * 5, ["A"] * 10 + ["B"] * 10,
                    n_boot=50)
    assert t["auc"].tolist() == [1.0, 0.0, 0.75]
    assert t.loc["all", "n_cases"] == 10


def test_import_harmonisation_stays_light():
    code = ("import sys, toolkit.harmonisation\n"
            "print(','.join(m for m in ('fhir', 'skimage', 'torch', 'plotly') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


# --- explorer --------------------------------------------------------------------------------

def test_harmonisation_explorer_static_and_update():
    import plotly.graph_objects as go

    from toolkit.explorers import harmonisation_explorer_app
    from toolkit.explorers.harmonisation import _state

    fig = harmonisation_explorer_app(interactive=False)
    assert type(fig) is go.Figure
    assert [t.name for t in fig.data] == ["no harmonisation", "ComBat (inside CV folds)"] * 2
    lesson = _state(1.0, 0.55)
    assert lesson["none"]["site_accuracy"].lower > lesson["chance"]
    assert fig.data[0].y[0] == pytest.approx(lesson["none"]["site_accuracy"].value)
    app = harmonisation_explorer_app(interactive=True)
    app.controls["site_effect"].value = 0.0
    assert "Scanner effect x0;" in app.summary.value
    none = _state(0.0, 0.55)["none"]["site_accuracy"]
    assert app.figure.data[0].y[0] == pytest.approx(none.value)
    assert none.lower < lesson["chance"] < none.upper  # no scanner effect: no fingerprint
    assert abs(lesson["inside"]["gap"]) < abs(lesson["true_gap"])  # ComBat shrinks real biology


def test_combat_shrinkage_converges_when_a_site_shift_is_exactly_zero():
    from toolkit.harmonisation.combat import _shrink

    z = np.array([[1.0, -2.0], [-1.0, 2.0], [0.5, 0.0], [-0.5, 0.0]])  # column means exactly 0
    g, d = _shrink(z, z.mean(axis=0), z.var(axis=0, ddof=1), 0.0, 0.5, 3.0, 2.0)
    assert np.isfinite(g).all() and np.isfinite(d).all()
