"""performance_by_training_share: refits per share, scores on one fixed test set."""
import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from toolkit.evaluation import expected_calibration_error, performance_by_training_share


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
                              "gap_vs_best", "ece"}
    assert t.ece.between(0, 1).all()
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


class _CountingModel(LogisticRegression):
    """Records, at every fit, how many training patients came from each group (column 0 codes it)."""
    fits: list = []

    def fit(self, X, y):
        _CountingModel.fits.append(dict(zip(*np.unique(X[:, 0], return_counts=True))))
        return super().fit(X, y)


def _three_groups(n_per_group=300, seed=0):
    rng = np.random.default_rng(seed)
    g = np.repeat(["A", "B", "C"], n_per_group)
    code = np.repeat([0.0, 1.0, 2.0], n_per_group)
    X = np.c_[code, rng.normal(size=(len(g), 2))]
    y = (X[:, 1] + rng.normal(0, 1, len(g)) > 0).astype(int)
    return X, y, g


def test_equal_rest_splits_the_other_groups_equally():
    X, y, g = _three_groups()
    _CountingModel.fits = []
    performance_by_training_share(X, y, g, "A", shares=[0.1, 0.5], n_train=91, n_repeats=2,
                                  model=_CountingModel(), rest="equal")
    # 9 A, then 82 split 41/41; 46 A (45.5 rounds to even), then 45 split 23/22 (B gets the extra one)
    assert _CountingModel.fits == [{0.0: 9, 1.0: 41, 2.0: 41}] * 2 + [{0.0: 46, 1.0: 23, 2.0: 22}] * 2


def test_random_rest_is_the_default_and_unchanged():
    X, y, g = _three_groups()
    kwargs = dict(shares=[0.2], n_train=90, n_repeats=2, random_state=3)
    default = performance_by_training_share(X, y, g, "A", **kwargs)
    pd.testing.assert_frame_equal(default, performance_by_training_share(X, y, g, "A", rest="random",
                                                                         **kwargs))
    _CountingModel.fits = []
    performance_by_training_share(X, y, g, "A", model=_CountingModel(), **kwargs)
    counts = [(f[1.0], f[2.0]) for f in _CountingModel.fits]
    assert all(f[0.0] == 18 and b + c == 72 for f, (b, c) in zip(_CountingModel.fits, counts))
    assert any(b != c for b, c in counts)  # the others are drawn at random, not split


def test_predictions_give_the_table_back():
    X, y, g = _three_groups()
    t, p = performance_by_training_share(X, y, g, "B", shares=[0.2, 0.6], n_train=90, n_repeats=2,
                                         n_test_per_group=50, rest="equal", return_predictions=True)
    assert len(p) == 2 * 2 * 150 and p.p.between(0, 1).all()
    for (share, group), rows in p.groupby(["share", "test_group"]):
        aucs = [roc_auc_score(r.y, r.p) for _, r in rows.groupby("repeat")]
        eces = [expected_calibration_error(r.y, r.p, n_bins=5, strategy="quantile")
                for _, r in rows.groupby("repeat")]
        row = t[(t.share == share) & (t.test_group == group)].iloc[0]
        assert row.auc == pytest.approx(np.mean(aucs)) and row.ece == pytest.approx(np.mean(eces))


@pytest.mark.parametrize("kwargs, message", [
    ({"group": "C"}, "group must be one of"),
    ({"group": "B", "shares": [1.5]}, "shares must be fractions"),
    ({"group": "B", "n_test_per_group": 500}, "every group needs more than"),
    ({"group": "B", "shares": [1.0], "n_train": 390}, "only"),
    ({"group": "B", "shares": [0.0], "n_train": 390, "rest": "equal"}, "only 300 are left"),
    ({"group": "B", "rest": "balanced"}, "rest must be one of"),
])
def test_bad_input_is_explained(kwargs, message):
    X, y, g = _two_groups()
    with pytest.raises(ValueError, match=message):
        performance_by_training_share(X, y, g, **kwargs)
