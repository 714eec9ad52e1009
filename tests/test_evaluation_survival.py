"""Survival evaluation: c-index (vs lifelines), Cox score z (vs log-rank), KM (vs lifelines), errors."""
import numpy as np
import pandas as pd
import pytest
from sksurv.util import Surv

from toolkit.evaluation.survival import (CoxScoreSelector, c_index, c_index_ci, cox_score_z,
                                         kaplan_meier, view_kaplan_meier)

RNG = np.random.default_rng(0)
N = 120
RISK = RNG.normal(size=N)
TIME = np.round(RNG.exponential(np.exp(-RISK)) * 100, 1) + 0.1
EVENT = RNG.random(N) < 0.7


def test_c_index_by_hand_and_vs_lifelines():
    # pairs (1,2) and (1,3) and (2,3) comparable; risk ranks agree on 2 of 3
    assert c_index([1, 1, 0], [1.0, 2.0, 3.0], [0.9, 0.1, 0.5]) == pytest.approx(2 / 3)
    from lifelines.utils import concordance_index
    assert c_index(EVENT, TIME, RISK) == pytest.approx(concordance_index(TIME, -RISK, EVENT))


def test_c_index_matches_scikit_survival_with_ties_and_duplicates():
    from sksurv.metrics import concordance_index_censored

    rng = np.random.default_rng(0)
    t, e, r = np.round(rng.exponential(10, 200)), rng.random(200) < 0.6, np.round(rng.normal(size=200), 1)
    for rows in (np.arange(200), rng.integers(0, 200, 200)):  # as given, and a bootstrap resample
        expected = concordance_index_censored(e[rows], t[rows], r[rows])[0]
        assert c_index(e[rows], t[rows], r[rows]) == pytest.approx(expected, abs=1e-12)


def test_c_index_blocks_give_the_same_answer_beyond_one_block():
    from sksurv.metrics import concordance_index_censored

    rng = np.random.default_rng(1)
    t, e, r = rng.exponential(10, 2500), rng.random(2500) < 0.5, rng.normal(size=2500)
    assert c_index(e, t, r) == pytest.approx(concordance_index_censored(e, t, r)[0], abs=1e-12)


def test_c_index_ci():
    r = c_index_ci(EVENT, TIME, RISK, n_boot=300, random_state=1)
    assert r.value == pytest.approx(c_index(EVENT, TIME, RISK))
    assert 0.5 < r.lower < r.value < r.upper < 1
    assert r == c_index_ci(EVENT, TIME, RISK, n_boot=300, random_state=1)
    with pytest.raises(ValueError, match="ci must be a fraction"):
        c_index_ci(EVENT, TIME, RISK, ci=95)


@pytest.mark.parametrize("args, match", [(([1, 0], [1.0], [0.1, 0.2]), "one value per patient"),
                                         (([1, 2], [1.0, 2.0], [0.1, 0.2]), "event must be True/False"),
                                         (([1, 0], [-1.0, 2.0], [0.1, 0.2]), "time must be finite and >= 0"),
                                         (([1, 0], [np.nan, 2.0], [0.1, 0.2]), "time must be finite"),
                                         (([0, 0], [1.0, 2.0], [0.1, 0.2]), "every patient is censored")])
def test_c_index_errors(args, match):
    with pytest.raises(ValueError, match=match):
        c_index(*args)


def test_cox_score_z_matches_logrank_for_binary_covariate():
    from sksurv.compare import compare_survival
    group = (RNG.random(N) < 0.5).astype(float)
    untied = TIME + np.arange(N) * 1e-6  # the identity is exact without tied times
    z = cox_score_z(pd.DataFrame({"g": group}), EVENT, untied)["g"]
    chi2, _ = compare_survival(Surv.from_arrays(EVENT, untied), group)
    assert z ** 2 == pytest.approx(chi2, rel=1e-6)


def test_cox_score_z_sign_and_constant_column():
    z = cox_score_z(pd.DataFrame({"risk": RISK, "flat": np.ones(N)}), EVENT, TIME)
    assert z["risk"] > 3 and np.isnan(z["flat"])
    with pytest.raises(ValueError, match="one value per patient"):
        cox_score_z(np.ones((5, 2)), [1, 0, 1], [1.0, 2.0, 3.0])


def test_selector_inside_pipeline():
    X = np.c_[RNG.normal(size=(N, 5)), RISK]
    y = Surv.from_arrays(EVENT, TIME)
    sel = CoxScoreSelector(k=1).fit(X, y)
    assert sel.get_support().tolist() == [False] * 5 + [True]
    assert sel.transform(X).shape == (N, 1)
    with pytest.raises(ValueError, match="k must be between 1 and the number of columns"):
        CoxScoreSelector(k=10).fit(X, y)
    from sklearn.exceptions import NotFittedError
    with pytest.raises(NotFittedError):
        CoxScoreSelector().get_support()


def test_kaplan_meier_vs_lifelines():
    from lifelines import KaplanMeierFitter
    km = kaplan_meier(TIME, EVENT)
    ref = KaplanMeierFitter().fit(TIME, EVENT)
    expected = ref.survival_function_at_times(km["time"]).to_numpy()
    np.testing.assert_allclose(km["survival"], expected, rtol=1e-10)
    assert km["at_risk"].iloc[0] == N and (km["lower"] <= km["survival"] + 1e-12).all()


def test_kaplan_meier_groups_and_plot():
    km = kaplan_meier([1.0, 2.0, 3.0, 4.0], [1, 1, 0, 1], groups=["a", "a", "b", "b"])
    assert km.groupby("group")["survival"].last().tolist() == [0.0, 0.0]
    with pytest.raises(ValueError, match="groups must have one label per patient"):
        kaplan_meier([1.0, 2.0], [1, 1], groups=["a"])
    assert len(view_kaplan_meier(km).data) == 4
