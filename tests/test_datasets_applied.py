"""SYNTHETIC applied cohorts (lesson 15): the simulated effects are the documented ones."""
import numpy as np
import pytest
from scipy import ndimage
from sklearn.linear_model import LinearRegression, LogisticRegression

from toolkit.datasets import (CARDIO_MODEL, NEURO_MODEL, atrophy_mask, make_cardio_cohort,
                              make_neuro_cohort)


def _log_odds(X, y):
    return LogisticRegression(C=np.inf, max_iter=2000).fit(X, y).coef_[0]


def test_neuro_recovers_apoe_odds_ratios():
    df = make_neuro_cohort(40000, random_state=3)
    assert df["apoe_e4_alleles"].mean() / 2 == pytest.approx(0.14, abs=0.01)
    X = np.column_stack([df["apoe_e4_alleles"] == 1, df["apoe_e4_alleles"] == 2, df["prs"],
                         df["age_years"] - 72]).astype(float)
    b = _log_odds(X, df["dementia"])
    assert np.exp(b[0]) == pytest.approx(3.2, rel=0.15)
    assert np.exp(b[1]) == pytest.approx(14.9, rel=0.35)
    assert b[2] == pytest.approx(0.3, abs=0.05) and b[3] == pytest.approx(0.08, abs=0.01)


def test_neuro_hippocampus_model():
    df = make_neuro_cohort(20000, random_state=4)
    X = df[["age_years", "dementia", "apoe_e4_alleles"]].to_numpy(float)
    coef = LinearRegression().fit(X, df["hippocampus_ml"]).coef_
    assert coef == pytest.approx([-0.035, -1.5, -0.1], abs=0.02)
    expected = np.clip(1 - df["hippocampus_ml"] / 7.2, 0, 1)
    assert np.allclose(df["atrophy_fraction"], expected, atol=1e-3)


def test_neuro_reproducible_and_errors():
    a, b = make_neuro_cohort(50, random_state=1), make_neuro_cohort(50, random_state=1)
    assert a.equals(b) and not a.equals(make_neuro_cohort(50, random_state=2))
    assert a.index[0] == "ND0001" and len(make_neuro_cohort(1)) == 1
    for bad in (0, -5, 2.5):
        with pytest.raises(ValueError, match="n_patients must be a positive integer"):
            make_neuro_cohort(bad)
    assert NEURO_MODEL["log_odds_dementia"]["e4_homozygous"] == pytest.approx(np.log(14.9))


def test_atrophy_mask_removes_edges_first():
    cube = np.zeros((12, 12, 12), bool)
    cube[2:10, 2:10, 2:10] = True
    out = atrophy_mask(cube, 0.25)
    assert out.sum() == 384 and not (out & ~cube).any()
    depth = ndimage.distance_transform_edt(cube)
    assert depth[cube & ~out].max() <= depth[out].min()
    assert atrophy_mask(cube, 0.0).sum() == 512


def test_atrophy_mask_errors():
    with pytest.raises(ValueError, match=r"loss_fraction must be in \[0, 1\)"):
        atrophy_mask(np.ones((3, 3, 3)), 1.0)
    with pytest.raises(ValueError, match="non-empty 3D"):
        atrophy_mask(np.zeros((3, 3, 3)), 0.1)
    with pytest.raises(ValueError, match="non-empty 3D"):
        atrophy_mask(np.ones((3, 3)), 0.1)


def test_cardio_carriers_and_effects():
    df = make_cardio_cohort(40000, random_state=5, carrier_fraction=0.1)
    fh = df["fh_variant"] == 1
    assert fh.sum() == 4000
    assert set(df.loc[fh, "fh_gene"]) <= {"LDLR", "APOB", "PCSK9"}
    assert (df.loc[fh, "fh_gene"] == "LDLR").mean() == pytest.approx(0.85, abs=0.03)
    diff = df.loc[fh, "ldl_mg_dl"].mean() - df.loc[~fh, "ldl_mg_dl"].mean()
    assert diff == pytest.approx(90, abs=3)
    X = np.column_stack([(df["ldl_mg_dl"] - 130) / 100, fh, (df["age_years"] - 55) / 10])
    b = _log_odds(X, df["cad"])
    assert np.exp(b[1]) == pytest.approx(3.0, rel=0.2)       # extra risk at the same LDL
    assert b[0] == pytest.approx(1.0, abs=0.2)


def test_cardio_default_prevalence_and_errors():
    df = make_cardio_cohort(5000, random_state=0)
    assert df["fh_variant"].sum() == 20                      # 1 in 250
    assert CARDIO_MODEL["fh_carrier_fraction"] == pytest.approx(1 / 250)
    assert make_cardio_cohort(10, random_state=1).equals(make_cardio_cohort(10, random_state=1))
    with pytest.raises(ValueError, match=r"carrier_fraction must be in \(0, 1\)"):
        make_cardio_cohort(100, carrier_fraction=1.5)
    with pytest.raises(ValueError, match="n_patients"):
        make_cardio_cohort(0)
