"""toolkit.fusion: estimator contract, missing modalities, honest comparison with known truth."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils.estimator_checks import parametrize_with_checks

from toolkit.datasets import make_radiogenomic_cohort
from toolkit.fusion import (EarlyFusion, IntermediateFusion, LateFusion, compare_models,
                            make_fusion_model, make_multimodal)

# All scikit-learn estimator checks pass (none marked as expected failures). They run with
# modalities=None (one block), because the checks vary the number of columns.
CHECKED = [EarlyFusion(), LateFusion(), LateFusion(combine="stacking", cv=3),
           IntermediateFusion(fusion="gated", max_epochs=60)]


@parametrize_with_checks(CHECKED)
def test_sklearn_estimator_contract(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        check(estimator)


@pytest.fixture(scope="module")
def data():
    X, y, modalities = make_multimodal(n_samples=300, random_state=0)
    return X, y, {m: modalities[m] for m in ("genomic", "imaging")}


MODELS = [lambda m: EarlyFusion(m), lambda m: LateFusion(m),
          lambda m: LateFusion(m, combine="stacking"), lambda m: IntermediateFusion(m),
          lambda m: IntermediateFusion(m, fusion="gated")]


@pytest.mark.parametrize("make", MODELS)
def test_missing_modality_gives_finite_probabilities(make, data):
    X, y, mods = data
    X = X.copy()
    X.loc[X.index[:60], mods["imaging"]] = np.nan      # 60 patients without a scan
    X.loc[X.index[60:80], mods["genomic"]] = np.nan    # 20 without a genome
    X.iloc[80:85, 0] = np.nan                           # a few single missing values
    cols = mods["genomic"] + mods["imaging"]
    model = make(mods).fit(X[cols], y)
    p = model.predict_proba(X[cols])
    assert p.shape == (300, 2) and np.isfinite(p).all()
    np.testing.assert_allclose(p.sum(axis=1), 1)
    nothing = pd.DataFrame(np.nan, index=[0], columns=cols)  # no modality at all
    assert np.isfinite(model.predict_proba(nothing)).all()


@pytest.mark.parametrize("make", MODELS)
def test_deterministic_and_usable_in_pipelines(make, data):
    X, y, mods = data
    pipe = make_pipeline(FunctionTransformer(lambda d: d), make(mods))  # DataFrame passes through
    a = cross_validate(pipe, X, y, cv=3, scoring="roc_auc")["test_score"]
    b = cross_validate(pipe, X, y, cv=3, scoring="roc_auc")["test_score"]
    np.testing.assert_array_equal(a, b)
    assert a.mean() > 0.65  # two informative modalities (true AUC about 0.8)


def test_late_mean_uses_only_available_modalities(data):
    X, y, mods = data
    cols = mods["genomic"] + mods["imaging"]
    model = LateFusion(mods).fit(X[cols], y)
    row = X[cols].iloc[:1].copy()
    alone = model.estimators_["genomic"].predict_proba(row[mods["genomic"]].to_numpy())
    both = model.predict_proba(row)
    row[mods["imaging"]] = np.nan
    np.testing.assert_allclose(model.predict_proba(row), alone)
    img = model.estimators_["imaging"].predict_proba(X[mods["imaging"]].iloc[:1].to_numpy())
    np.testing.assert_allclose(both, (alone + img) / 2)


def test_stacking_learns_to_ignore_a_noise_modality():
    X, y, mods = make_multimodal(400, signal={"imaging": 1.5, "noise": 0.0}, random_state=2)
    model = LateFusion(mods, combine="stacking").fit(X, y)
    votes = [model._out_of_fold(X[c].to_numpy(), y.to_numpy()) for c in mods.values()]
    spread = model._meta_features(votes).std(axis=0)  # the meta-learner's inputs
    w_imaging, w_noise = model.meta_.coef_[0] * spread  # effect of a 1-SD change in each vote
    # the noise vote is not 0: out-of-fold predictions of a pure-noise model are slightly
    # anti-correlated with y (out-of-fold AUC 0.40 here), and the stacker picks that up
    assert w_imaging > 0.8 and abs(w_noise) < w_imaging / 4


def test_early_fusion_block_scaling_and_missing_flags(data):
    X, y, mods = data
    one_col = {"genomic": mods["genomic"][:1], "imaging": mods["imaging"]}  # 1 vs 5 columns
    cols = one_col["genomic"] + one_col["imaging"]
    Z = EarlyFusion(one_col).fit(X[cols], y).fuse(X[cols])
    assert Z.shape == (300, 6 + 2)
    block_var = [Z[:, :1].var(axis=0).sum(), Z[:, 1:6].var(axis=0).sum()]
    np.testing.assert_allclose(block_var, [1, 1])  # each modality: total variance 1
    assert (Z[:, 6:] == 0).all()  # nobody missing a modality here


def test_modality_errors(data):
    X, y, mods = data
    with pytest.raises(ValueError, match="column 'volume' of modality 'imaging' is not in X"):
        EarlyFusion({"imaging": ["volume"]}).fit(X, y)
    with pytest.raises(ValueError, match="X has no column names"):
        LateFusion({"imaging": ["imaging_0"]}).fit(X.to_numpy(), y)
    with pytest.raises(ValueError, match="out of range"):
        EarlyFusion({"imaging": [99]}).fit(X.to_numpy(), y)
    with pytest.raises(ValueError, match="modalities must be a non-empty dict"):
        EarlyFusion([["a"]]).fit(X, y)
    with pytest.raises(ValueError, match="combine must be one of"):
        LateFusion(mods, combine="vote").fit(X, y)
    with pytest.raises(ValueError, match="fusion must be one of"):
        IntermediateFusion(mods, fusion="concat").fit(X, y)
    with pytest.raises(ValueError, match="strategy must be one of"):
        make_fusion_model("bagging", mods)
    missing_for_cases = X.copy()
    missing_for_cases.loc[y.to_numpy() == 1, mods["imaging"]] = np.nan
    with pytest.raises(ValueError, match="do not cover every class"):
        LateFusion(mods).fit(missing_for_cases, y)


def test_intermediate_modality_dropout_and_gate_weights(data):
    import torch
    X, y, mods = data
    cols = mods["genomic"] + mods["imaging"]
    model = IntermediateFusion(mods, fusion="gated").fit(X[cols], y)
    assert model.loss_curve_[-1] < model.loss_curve_[0]
    blocks, present = model._tensors(X[cols].to_numpy())
    present[:10, 1] = False
    with torch.no_grad():
        _, w = model.network_.embed(blocks, present)
    np.testing.assert_allclose(w.sum(dim=1).numpy(), 1)
    assert (w[:10, 1] == 0).all()
    X_missing = X[cols].copy()
    X_missing.iloc[:5, 5:] = np.nan  # no imaging for 5 patients
    joint, weights = model.embed(X_missing)
    assert joint.shape == (300, model.embed_dim)
    np.testing.assert_allclose(weights[:5], [[1, 0]] * 5)


# ------------------------------------------------------- compare_models (the done-criterion)
@pytest.fixture(scope="module")
def showdown():
    X, y, mods = make_multimodal(n_samples=400, random_state=0)
    return compare_models(X.assign(outcome=y), mods, "outcome", cv=5, random_state=0,
                          strategies=("early", "late", "stacking"), n_boot=500)


def test_fusion_of_two_informative_modalities_beats_each_alone(showdown):
    single = showdown[showdown.strategy == "single"].set_index("modalities")["auc"]
    best = showdown.iloc[0]
    assert best["modalities"] in ("genomic+imaging", "genomic+imaging+clinical")
    assert best["auc_lower"] > single["genomic"] and best["auc_lower"] > single["imaging"]
    assert best["delta_lower"] > 0  # paired bootstrap gain over the best single modality


def test_adding_a_noise_modality_does_not_help_beyond_the_ci(showdown):
    t = showdown.set_index(["modalities", "strategy"])
    imaging = t.loc[("imaging", "single")]
    for strategy in ("early", "late", "stacking"):
        fused = t.loc[("imaging+clinical", strategy)]
        assert fused["auc"] <= imaging["auc_upper"]
        assert fused["delta_lower"] <= 0 or fused["delta_auc"] < 0.02
    assert t.loc[("clinical", "single"), "auc_lower"] < 0.5 < t.loc[("clinical", "single"),
                                                                     "auc_upper"]


def test_compare_models_is_deterministic_and_validates(showdown):
    X, y, mods = make_multimodal(n_samples=120, random_state=0)
    small = {m: mods[m] for m in ("genomic", "imaging")}
    a = compare_models(X.assign(o=y), small, "o", cv=3, strategies=["late"], n_boot=100)
    b = compare_models(X.assign(o=y), small, "o", cv=3, strategies=["late"], n_boot=100)
    pd.testing.assert_frame_equal(a, b)
    assert list(a.columns) == ["modalities", "n_modalities", "strategy", "auc", "auc_lower",
                               "auc_upper", "delta_auc", "delta_lower", "delta_upper"]
    with pytest.raises(ValueError, match="modalities is required"):
        compare_models(X.assign(o=y), None, "o")
    with pytest.raises(ValueError, match="outcome column 'died'"):
        compare_models(X.assign(o=y), small, "died")
    with pytest.raises(ValueError, match="only 0 and 1"):
        compare_models(X.assign(o=y * 3), small, "o")
    with pytest.raises(ValueError, match="strategies must be among"):
        compare_models(X.assign(o=y), small, "o", strategies=["voting"])


def test_grouped_rows_stay_together(showdown):
    X, y, mods = make_multimodal(n_samples=100, random_state=3)
    X2 = pd.concat([X, X])  # every patient scanned twice: a leak if split apart
    y2 = pd.concat([y, y]).to_numpy()
    patients = np.r_[np.arange(100), np.arange(100)]
    grouped = compare_models(X2, mods, y2, cv=5, strategies=["early"], n_boot=100,
                             groups=patients)
    leaky = compare_models(X2, mods, y2, cv=5, strategies=["early"], n_boot=100)
    key = grouped.set_index(["modalities", "strategy"]).loc[("genomic+imaging", "early"), "auc"]
    leak = leaky.set_index(["modalities", "strategy"]).loc[("genomic+imaging", "early"), "auc"]
    assert key < leak  # splitting a patient's rows across folds inflates the AUC


# ------------------------------------------------------- the radiogenomic cohort
def test_cohort_features_match_the_ground_truth(tiny_cohort):
    from toolkit.fusion import cohort_features

    X, mods = cohort_features(tiny_cohort, n_variants=5)
    assert list(mods) == ["clinical", "genomic", "imaging"]
    assert X.shape == (20, 4 + 6 + 5) and list(X.index) == list(tiny_cohort.clinical.index)
    assert not X.isna().any().any()
    truth = tiny_cohort.ground_truth["per_patient"]["lesion"]
    expected = [truth[p]["lesion_volume_mm3"] for p in X.index]
    np.testing.assert_allclose(X["lesion_volume_mm3"], expected)
    assert set(X[mods["genomic"][1:]].stack().unique()) <= {0.0, 1.0, 2.0}
    for outcome in ("mutation", "survival_months", "event"):
        assert outcome not in X


# ------------------------------------------------------- survival outcomes
def _survival_frame(n=400, seed=0):
    """Hazard depends on genomic and imaging (log HR 0.8 per SD each); clinical is noise."""
    X, _, mods = make_multimodal(n_samples=n, random_state=seed)
    rng = np.random.default_rng(seed + 100)
    lp = 0.8 * (X[["genomic_0", "genomic_1"]].sum(axis=1) + X[["imaging_0", "imaging_1"]]
                .sum(axis=1)) / np.sqrt(2)
    t_event = rng.exponential(24 * np.exp(-lp))           # months
    t_censor = rng.uniform(12, 60, n)
    return X.assign(months=np.minimum(t_event, t_censor).round(1),
                    died=(t_event <= t_censor).astype(int)), mods


@pytest.mark.parametrize("strategy", ["early", "late"])
def test_survival_fusion_handles_missing_modalities(strategy):
    from toolkit.fusion import SurvivalFusion, survival_target

    frame, mods = _survival_frame(200)
    y = survival_target(frame["died"], frame["months"])
    X = frame.drop(columns=["months", "died"]).copy()
    X.loc[X.index[:40], mods["imaging"]] = np.nan
    model = SurvivalFusion(mods, strategy).fit(X, y)
    risk = model.predict(X)
    assert np.isfinite(risk).all() and model.score(X, y) > 0.65
    assert np.isfinite(model.predict(X.iloc[:1] * np.nan)).all()


def test_survival_showdown_fusion_beats_each_informative_modality():
    frame, mods = _survival_frame(400)
    table = compare_models(frame, mods, ("months", "died"), cv=5, random_state=0, n_boot=300)
    assert set(table.strategy) == {"single", "early", "late"}  # others skipped for survival
    single = table[table.strategy == "single"].set_index("modalities")["c_index"]
    best = table.iloc[0]
    assert best["c_index_lower"] > max(single["genomic"], single["imaging"])
    assert best["delta_lower"] > 0
    with pytest.raises(ValueError, match="for a survival outcome"):
        make_fusion_model("stacking", mods, survival=True)


def test_compare_models_on_the_radiogenomic_cohort(tmp_path):
    from toolkit.fusion import view_comparison

    cohort = make_radiogenomic_cohort(n_patients=60, size="tiny", random_state=0)
    table = compare_models(cohort, outcome="mutation", cv=3, strategies=["early"], n_boot=100)
    assert len(table) == 7 and table["auc"].between(0, 1).all()
    auc = table.set_index(["modalities", "strategy"])["auc"]
    # ground truth: mutation changes lesion texture and margin -> imaging carries the signal
    assert auc[("imaging", "single")] > 0.8 > auc[("genomic", "single")]
    surv = compare_models(cohort, outcome=("survival_months", "event"), cv=3, n_boot=100)
    assert {"c_index", "c_index_lower", "delta_c_index"} <= set(surv.columns)
    fig = view_comparison(surv, output_file=tmp_path / "forest.html")
    assert len(fig.data[0].y) == len(surv) and (tmp_path / "forest.html").exists()


def test_cohort_features_expose_the_tumour_panel_as_its_own_block():
    from toolkit.fusion import cohort_features

    cohort = make_radiogenomic_cohort(n_patients=20, size="tiny", random_state=3,
                                               tumour_expression_effect=1.0, biopsy_missing=0.3)
    X, mods = cohort_features(cohort, n_variants=5)
    assert list(mods) == ["clinical", "genomic", "imaging", "tumour"]
    assert mods["tumour"] == list(cohort.tumour_expression.columns) and X.shape[1] == 15 + 8
    no_biopsy = cohort.tumour_expression.isna().all(axis=1)
    assert X.loc[no_biopsy, mods["tumour"]].isna().all().all() and 0 < no_biopsy.sum() < 20
    assert not X.drop(columns=mods["tumour"]).isna().any().any()
    pd.testing.assert_frame_equal(X[mods["tumour"]], cohort.tumour_expression)


# ------------------------------------------- issue #7 done-criterion on the radiogenomic cohort
# Imaging ("subtle") and the tumour biopsy panel each carry independent signal about the mutation;
# the panel with effect 0 is pure noise. Same seed -> same patients, images and panel noise.
COHORT_SEED = 0


def _cohort_and_table(effect: float, names=None):
    from toolkit.fusion import cohort_features

    cohort = make_radiogenomic_cohort(n_patients=300, size="tiny", random_state=COHORT_SEED,
                                               imaging_signal="subtle",
                                               tumour_expression_effect=effect)
    blocks = cohort_features(cohort)[1]
    modalities = {m: blocks[m] for m in (names or blocks)}
    table = compare_models(cohort, modalities, cv=5, random_state=COHORT_SEED,
                           strategies=("early", "late"), n_boot=500)
    return cohort, modalities, table


@pytest.fixture(scope="module")
def two_signals():
    return _cohort_and_table(1.0)  # all four modalities


@pytest.fixture(scope="module")
def noise_panel():
    return _cohort_and_table(0.0, ("imaging", "tumour"))


def test_cohort_fusion_ci_lies_above_every_single_modality(two_signals):
    cohort, modalities, table = two_signals
    assert list(modalities) == ["clinical", "genomic", "imaging", "tumour"]
    single = table[table.strategy == "single"].set_index("modalities")["auc"]
    assert set(single.index[:2]) == {"imaging", "tumour"}  # the two informative modalities lead
    best = table[table.n_modalities > 1].iloc[0]
    assert {"imaging", "tumour"} <= set(best["modalities"].split("+"))
    assert (best["auc_lower"] > single).all()
    assert best["delta_lower"] > 0  # paired gain over the best single modality
    # deterministic per seed: a smaller grid on the same cohort reproduces the row exactly
    pair = compare_models(cohort, {m: modalities[m] for m in ("imaging", "tumour")}, cv=5,
                          random_state=COHORT_SEED, strategies=("early",), n_boot=500)
    row = ["auc", "auc_lower", "auc_upper"]
    pd.testing.assert_series_equal(
        pair.set_index(["modalities", "strategy"]).loc[("imaging+tumour", "early"), row],
        table.set_index(["modalities", "strategy"]).loc[("imaging+tumour", "early"), row])


def test_cohort_pure_noise_panel_does_not_help_beyond_the_ci(noise_panel):
    _, _, table = noise_panel
    t = table.set_index(["modalities", "strategy"])
    imaging = t.loc[("imaging", "single")]
    assert imaging["auc"] == table.loc[table.strategy == "single", "auc"].max()
    for strategy in ("early", "late"):
        fused = t.loc[("imaging+tumour", strategy)]
        assert fused["auc"] <= imaging["auc_upper"] and fused["delta_lower"] <= 0
    assert t.loc[("tumour", "single"), "auc_lower"] < 0.5 < t.loc[("tumour", "single"),
                                                                   "auc_upper"]
