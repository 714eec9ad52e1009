"""performance_by_training_share: refits per share, scores on one fixed test set."""
import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from toolkit.evaluation import performance_by_training_share


def _two_groups(n=800, seed=0):
    """Group A's outcome depends on x0, group B's on x1: a model must SEE B to learn it."""
    rng = np.random.default_rng(seed)
    g = np.repeat(["A", "B"], n // 2)
    X = rng.normal(size=(n, 3))
    y = (np.where(g == "A", X[:, 0], X[:, 1]) + rng.normal(0, 0.5, n) > 0).astype(int)
    return X, y, g


def test_gap_shrinks_as_share_grows():
    X, y, g = _two_groups()
    t = performance_by_training_share(X, y, g, "B", shares=[0.02, 0.2, 0.5], n_train=200,
                                      n_repeats=3)
    gap_b = t[t.test_group == "B"].sort_values("share")["gap_vs_best"].to_numpy()
    assert gap_b[0] < gap_b[1] < gap_b[2] <= 0
    assert gap_b[0] < -0.1
    assert set(t.columns) == {"share", "n_train_group", "test_group", "auc", "auc_sd",
                              "gap_vs_best"}
    assert t.n_train_group.tolist() == [4, 4, 40, 40, 100, 100]


def test_matches_a_manual_refit():
    """One repeat equals fitting the model by hand on the same draw (same rng sequence)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y, g = _two_groups(400, seed=2)
    t = performance_by_training_share(X, y, g, "B", shares=[0.3], n_train=100,
                                      n_test_per_group=50, n_repeats=1, random_state=7)
    rng = np.random.default_rng(7)
    test = np.concatenate([rng.choice(np.flatnonzero(g == k), 50, replace=False)
                           for k in ["A", "B"]])
    pool = np.setdiff1d(np.arange(len(y)), test)
    train = np.r_[rng.choice(pool[g[pool] == "B"], 30, replace=False),
                  rng.choice(pool[g[pool] != "B"], 70, replace=False)]
    m = make_pipeline(StandardScaler(), LogisticRegression(C=0.01, max_iter=1000))
    p = m.fit(X[train], y[train]).predict_proba(X[test])[:, 1]
    for k in ["A", "B"]:
        s = g[test] == k
        expected = roc_auc_score(y[test][s], p[s])
        assert t.loc[t.test_group == k, "auc"].item() == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("kwargs, message", [
    ({"group": "C"}, "group must be one of"),
    ({"group": "B", "shares": [1.5]}, "shares must be fractions"),
    ({"group": "B", "n_test_per_group": 500}, "every group needs more than"),
    ({"group": "B", "shares": [1.0], "n_train": 390}, "only"),
])
def test_bad_input_is_explained(kwargs, message):
    X, y, g = _two_groups()
    with pytest.raises(ValueError, match=message):
        performance_by_training_share(X, y, g, **kwargs)
