"""toolkit.fusion._cox: the one Cox implementation (lifelines), checked against scikit-survival."""
from __future__ import annotations

import numpy as np
import pytest

from toolkit.fusion import survival_target
from toolkit.fusion._cox import RidgeCox


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3)) * [1.0, 0.3, 2.0]
    time = rng.exponential(np.exp(-X @ [0.5, -1.0, 0.0]))
    return X, survival_target(rng.random(200) < 0.7, time)


@pytest.mark.parametrize("alpha", [0.0, 1.0, 10.0])
def test_ridge_cox_matches_sksurv_objective(data, alpha):
    from sksurv.linear_model import CoxPHSurvivalAnalysis

    X, y = data
    ours = RidgeCox(alpha=alpha).fit(X, y)
    ref = CoxPHSurvivalAnalysis(alpha=alpha).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-4)
    np.testing.assert_allclose(ours.predict(X), ref.predict(X), atol=1e-3)


def test_ridge_cox_gives_constant_columns_zero(data):
    X, y = data
    model = RidgeCox(alpha=1.0).fit(np.column_stack([X, np.ones(len(X))]), y)
    assert model.coef_[-1] == 0 and abs(model.coef_[0]) > 0.3
