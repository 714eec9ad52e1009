"""Treatment response: per-group Cox HRs, interaction test, T-learner vs the cohort's true model."""
import numpy as np
import pandas as pd
import pytest

from toolkit.datasets._cohort_outcomes import DEFAULT_MODEL, demographics, tumour_and_outcome
from toolkit.fusion import (t_learner_benefit, treatment_effect_by_group, treatment_interaction,
                            true_treatment_benefit, view_treatment_effects)

HR = DEFAULT_MODEL["survival"]["log_hr"]
TRUE_HR_CARRIERS = float(np.exp(HR["treatment"] + HR["treatment_x_mutation"]))  # 0.45
TRUE_HR_NON_CARRIERS = float(np.exp(HR["treatment"]))                            # 1.0


@pytest.fixture(scope="module")
def trial():
    """4,000 patients from the same generating model as make_radiogenomic_cohort (clinical part)."""
    rng = np.random.default_rng(7)
    n = 4000
    clin = demographics(rng.choice(["CEU", "YRI", "CHB"], n), DEFAULT_MODEL, rng)
    out, _ = tumour_and_outcome(clin, rng.normal(size=n), DEFAULT_MODEL, rng)
    return out


def test_true_effects_are_what_the_card_says():
    assert TRUE_HR_CARRIERS == pytest.approx(0.449, abs=1e-3)
    assert TRUE_HR_NON_CARRIERS == 1.0


def test_group_hrs_recover_truth_within_ci(trial):
    table = treatment_effect_by_group(trial, "mutation", adjust=["grade", "age_years"])
    assert table["group"].tolist() == [0, 1]
    assert table["n_patients"].sum() == len(trial)
    for group, truth in [(0, TRUE_HR_NON_CARRIERS), (1, TRUE_HR_CARRIERS)]:
        row = table.set_index("group").loc[group]
        assert row["hr_lower"] < truth < row["hr_upper"], (group, row.to_dict())
    assert table.loc[1, "hr_upper"] < 1 and table.loc[1, "p_value"] < 1e-6


def test_unadjusted_hr_is_attenuated_towards_one(trial):
    adjusted = treatment_effect_by_group(trial, "mutation", adjust=["grade", "age_years"])
    crude = treatment_effect_by_group(trial, "mutation")
    assert adjusted.loc[1, "hazard_ratio"] < crude.loc[1, "hazard_ratio"] < 1


def test_group_hr_matches_scikit_survival(trial):
    from sksurv.linear_model import CoxPHSurvivalAnalysis
    from sksurv.util import Surv

    d = trial[trial["mutation"] == 1]
    ref = CoxPHSurvivalAnalysis(ties="efron").fit(
        d[["treatment"]].astype(float), Surv.from_arrays(d["event"] == 1, d["survival_months"]))
    ours = treatment_effect_by_group(d, "mutation").loc[0, "hazard_ratio"]
    assert ours == pytest.approx(np.exp(ref.coef_[0]), rel=1e-4)


def test_interaction_detects_predictive_marker(trial):
    res = treatment_interaction(trial, "mutation", adjust=["grade", "age_years"])
    assert res["ratio_lower"] < TRUE_HR_CARRIERS / TRUE_HR_NON_CARRIERS < res["ratio_upper"]
    assert res["p_interaction"] < 1e-4
    assert res["hr_treatment_marker_1"] == pytest.approx(
        res["hr_treatment_marker_0"] * res["ratio_of_hrs"], rel=1e-6)
    assert res["hr_marker"] == pytest.approx(np.exp(HR["mutation"]), abs=0.15)


def test_grade_is_prognostic_not_predictive(trial):
    d = trial.assign(high_grade=(trial["grade"] == 4).astype(int))
    res = treatment_interaction(d, "high_grade", adjust=["mutation", "age_years"])
    assert res["hr_marker"] > 1.5          # prognostic: high grade dies sooner
    assert res["p_interaction"] > 0.01     # not predictive (true interaction is 0)


def test_t_learner_tracks_true_benefit(trial):
    d = trial.iloc[:2000]
    est = t_learner_benefit(d, ["age_years", "grade", "mutation"], horizon_months=24)
    true = true_treatment_benefit(d, DEFAULT_MODEL, 24)
    assert est.index.equals(d.index)
    for m in (0, 1):
        sel = d["mutation"] == m
        assert est[sel].mean() == pytest.approx(true[sel].mean(), abs=0.05)
    assert est[d["mutation"] == 1].mean() > 0.1
    assert np.corrcoef(est, true)[0, 1] > 0.6


def test_true_benefit_hand_checked():
    df = pd.DataFrame({"grade": [2], "age_years": [58.0], "mutation": [1]})
    base = (24 / 36) ** 1.3
    expected = np.exp(-base * np.exp(-1.3)) - np.exp(-base * np.exp(-0.5))
    assert true_treatment_benefit(df, DEFAULT_MODEL, 24).iloc[0] == pytest.approx(expected)
    with pytest.raises(ValueError, match="ground_truth"):
        true_treatment_benefit(df, {"weibull": 1}, 24)


def test_errors_name_the_problem(trial):
    with pytest.raises(ValueError, match=r"missing column\(s\) \['os_days'\]"):
        treatment_effect_by_group(trial, "mutation", time_col="os_days")
    with pytest.raises(ValueError, match="missing column"):
        treatment_interaction(trial, "idh")
    with pytest.raises(ValueError, match="treatment must be 0/1"):
        treatment_effect_by_group(trial.assign(treatment=2), "mutation")
    with pytest.raises(ValueError, match="only treated patients"):
        treatment_effect_by_group(trial.assign(treatment=1), "mutation")
    with pytest.raises(ValueError, match="missing values"):
        treatment_effect_by_group(trial.assign(event=np.nan), "mutation")
    with pytest.raises(ValueError, match="only 0 events"):
        treatment_effect_by_group(trial.assign(event=0), "mutation")
    with pytest.raises(ValueError, match="horizon_months must be > 0"):
        t_learner_benefit(trial, ["grade"], horizon_months=0)
    with pytest.raises(ValueError, match=r"not repeat.*'mutation' \(already the group_col\)"):
        treatment_effect_by_group(trial, "mutation", adjust=["mutation", "age_years"])
    with pytest.raises(ValueError, match="already the treatment_col"):
        treatment_interaction(trial, "mutation", adjust="treatment")
    with pytest.raises(TypeError, match="DataFrame"):
        treatment_effect_by_group(trial.to_numpy(), "mutation")


def test_forest_plot(trial):
    table = treatment_effect_by_group(trial.iloc[:500], "mutation")
    fig = view_treatment_effects(table, truth={0: 1.0, 1: TRUE_HR_CARRIERS})
    assert len(fig.data) == 2 and fig.layout.xaxis.type == "log"
