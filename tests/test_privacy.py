"""Tests for toolkit.privacy: k-anonymity, the beacon membership attack and FedAvg."""

import numpy as np
import pandas as pd
import pytest

from toolkit.privacy import (attack_power, beacon_attack, build_beacon, compare_federated,
                             equivalence_classes, fedavg, generalise, k_anonymity,
                             make_patient_register, predict_proba, split_sites, train_logistic)


# ---------------------------------------------------------------- k-anonymity
def test_k_anonymity_by_hand():
    t = pd.DataFrame({"age_years": [34, 36, 34, 71, 75, 78],
                      "sex": ["F", "F", "F", "M", "M", "F"],
                      "zip_code": ["02139", "02115", "02139", "60614", "60614", "60601"],
                      "diagnosis": ["HIV", "flu", "flu", "glioma", "flu", "HIV"]})
    qi = ["age_years", "sex", "zip_code"]
    assert k_anonymity(t, qi) == 1                      # e.g. the 36-year-old woman in 02115
    classes = equivalence_classes(t, qi)
    assert (classes["n_patients"] == 1).sum() == 4 and classes["n_patients"].sum() == 6
    g = generalise(t)
    assert g["age_years"].tolist() == ["30-39", "30-39", "30-39", "70-79", "70-79", "70-79"]
    assert g["zip_code"].tolist() == ["021**", "021**", "021**", "606**", "606**", "606**"]
    assert k_anonymity(g, qi) == 1                      # the 78-year-old woman is still unique
    assert k_anonymity(g, ["age_years", "zip_code"]) == 3
    assert t["age_years"].tolist()[0] == 34             # the input is not modified


def test_k_anonymity_errors_and_edges():
    t = pd.DataFrame({"age_years": [30], "sex": ["F"]})
    with pytest.raises(KeyError, match="not in the table"):
        k_anonymity(t, ["zip_code"])
    with pytest.raises(ValueError, match="at least one column"):
        k_anonymity(t, [])
    assert k_anonymity(t, ["sex"]) == 1
    assert k_anonymity(t.iloc[:0], ["sex"]) == 0
    with pytest.raises(ValueError, match="age_band_years must be at least 1"):
        generalise(t, age_band_years=0)
    with pytest.raises(ValueError, match="zip_digits must be between 0 and 5"):
        generalise(pd.DataFrame({"zip_code": ["02139"]}), zip_digits=7)


def test_generalisation_raises_k_on_register():
    reg = make_patient_register(500, random_state=0)
    qi = ["age_years", "sex", "zip_code"]
    n_unique_raw = int((equivalence_classes(reg, qi)["n_patients"] == 1).sum())
    coarse = generalise(reg, age_band_years=20, zip_digits=1)
    n_unique_coarse = int((equivalence_classes(coarse, qi)["n_patients"] == 1).sum())
    assert n_unique_raw > 300 and n_unique_coarse < n_unique_raw / 10
    assert make_patient_register(50, random_state=3).equals(make_patient_register(50, random_state=3))
    with pytest.raises(ValueError, match="n_patients must be at least 1"):
        make_patient_register(0)


# ---------------------------------------------------------------- beacon
@pytest.fixture(scope="module")
def beacon_people():
    """Unlinked variants at realistic low frequencies: 100 members, 100 outsiders, 200 in a reference."""
    rng = np.random.default_rng(0)
    f = rng.beta(0.3, 6, size=20000)
    people = rng.binomial(2, f[:, None], size=(20000, 400))
    ref_f = people[:, 200:].mean(axis=1) / 2
    return people[:, :100], people[:, 100:200], ref_f


def test_build_beacon_accepts_calls_and_dosage():
    calls = np.array([[[0, 0], [0, 1]], [[0, 0], [-1, -1]], [[1, 1], [0, 0]]])
    assert build_beacon(calls).tolist() == [True, False, True]
    assert build_beacon([[0, 1], [0, 0], [2, 0]]).tolist() == [True, False, True]
    with pytest.raises(ValueError, match="expected genotypes of shape"):
        build_beacon([0, 1, 2])


def test_beacon_lrt_by_hand():
    # one member, one query at f = 0.1: "yes" for the member, "no" for an outsider with that allele
    beacon, targets, f, delta = [[1], [0]], [[1, 0], [0, 1]], np.array([0.1, 0.1]), 1e-6
    lam = beacon_attack(beacon, targets, f, n_queries=1, error_rate=delta)
    d1, d0 = 0.9 ** 2, 1.0                               # D_N and D_(N-1) with N = 1
    assert lam[0] == pytest.approx(np.log(1 - d1) - np.log(1 - delta * d0))
    assert lam[1] == pytest.approx(np.log(d1) - np.log(delta * d0))


def test_beacon_power_rises_with_queries_and_falls_with_defences(beacon_people):
    inside, outside, f = beacon_people
    grid = [5, 50, 500]
    none = attack_power(inside, outside, f, grid)
    assert none["power"].is_monotonic_increasing and none["power"].iloc[-1] > 0.8
    assert none["power"].iloc[0] < 0.3 and (none["fpr"] <= 0.05).all()
    budget = attack_power(inside, outside, f, grid, defence="query_budget", budget=5)
    assert budget["power"].iloc[-1] == budget["power"].iloc[0] < 0.3
    hide = attack_power(inside, outside, f, grid, defence="hide_rare", hide_below_af=0.05)
    noise = attack_power(inside, outside, f, grid, defence="noise", flip_prob=0.1)
    assert hide["power"].iloc[-1] < none["power"].iloc[-1] - 0.3
    assert noise["power"].iloc[-1] < none["power"].iloc[-1] - 0.3
    rarest = attack_power(inside, outside, f, [5], strategy="rarest")
    assert rarest["power"].iloc[0] > none["power"].iloc[0]   # rare alleles first is a stronger attack


def test_beacon_attack_grid_equals_single_calls(beacon_people):
    inside, outside, f = beacon_people
    grid = beacon_attack(inside, outside[:, :5], f, [3, 30], defence="noise")
    assert np.allclose(grid[:, 1], beacon_attack(inside, outside[:, :5], f, 30, defence="noise"))


def test_beacon_errors(beacon_people):
    inside, outside, f = beacon_people
    with pytest.raises(ValueError, match="defence must be one of"):
        beacon_attack(inside, outside, f, 5, defence="encrypt")
    with pytest.raises(ValueError, match="strategy must be one of"):
        beacon_attack(inside, outside, f, 5, strategy="common")
    with pytest.raises(ValueError, match="n_queries must be at least 1"):
        beacon_attack(inside, outside, f, 0)
    with pytest.raises(ValueError, match="expected the same variants"):
        beacon_attack(inside, outside, f[:10], 5)
    with pytest.raises(ValueError, match="fpr must be between 0 and 1"):
        attack_power(inside, outside, f, [5], fpr=1.5)


def test_beacon_on_simulated_population():
    from toolkit.datasets import make_population
    g = make_population({"CEU": 150}, sequence_length_mb=1.0, random_state=2)
    idx = np.random.default_rng(0).permutation(g.n_samples)
    members, outsiders, ref = (g.subset(samples=idx[:50]), g.subset(samples=idx[50:100]),
                               g.subset(samples=idx[100:]))
    f = np.nanmean(ref.dosage(), axis=1) / 2
    table = attack_power(members, outsiders, f, [2, 200], strategy="rarest")
    assert table["power"].iloc[1] > table["power"].iloc[0]
    assert table["power"].iloc[1] >= 0.8


# ---------------------------------------------------------------- federated
def _data(n=600, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4))
    y = (X @ np.array([1.0, -0.8, 0.5, 0.0]) + rng.logistic(size=n) > 0).astype(int)
    return X, y


def test_train_logistic_matches_sklearn():
    from sklearn.linear_model import LogisticRegression
    X, y = _data()
    w = train_logistic(X, y, epochs=200, lr=0.05)
    ref = LogisticRegression(C=1e6, max_iter=5000).fit(X, y)
    assert np.allclose(w[1:], ref.coef_[0], atol=0.1)
    assert w[0] == pytest.approx(ref.intercept_[0], abs=0.1)
    assert predict_proba(np.array([0.0, 0.0]), [[5.0]])[0] == 0.5


def test_fedavg_one_site_one_epoch_equals_local_training():
    X, y = _data(100)
    w_fed = fedavg([(X, y)], rounds=1, local_epochs=3, random_state=4)
    w_loc = train_logistic(X, y, epochs=3, random_state=4 * 100_003)
    assert np.allclose(w_fed, w_loc)


def test_fedavg_iid_close_to_centralised_and_deterministic():
    X, y = _data()
    table = compare_federated(X, y, split="iid", rounds=20, random_state=0)
    auc = table.set_index("approach")["auc"]
    assert abs(auc["fedavg"] - auc["centralised"]) < 0.03
    assert auc["centralised"] > 0.75
    again = compare_federated(X, y, split="iid", rounds=20, random_state=0)
    pd.testing.assert_frame_equal(table, again)
    other = compare_federated(X, y, split="iid", rounds=20, random_state=1)
    assert not np.allclose(table["auc"], other["auc"])


def test_non_iid_split_skews_labels_and_real_sites_work():
    X, y = _data()
    iid = split_sites(X, y, 3, "iid", random_state=0)
    skewed = split_sites(X, y, 3, "non_iid", alpha=0.1, random_state=0)
    assert sum(len(s[1]) for s in skewed) == len(y) and min(len(s[1]) for s in skewed) >= 10
    spread = lambda sites: np.ptp([s[1].mean() for s in sites])  # noqa: E731
    assert spread(skewed) > 0.5 > 0.2 > spread(iid)
    labels = np.array(["site_A", "site_B"] * 300)
    table = compare_federated(X, y, split=labels, rounds=5)
    assert table["approach"].tolist() == ["centralised", "fedavg", "site_A", "site_B"]
    assert set(table["split"]) == {"by_site"}


def test_federated_errors():
    X, y = _data(50)
    with pytest.raises(ValueError, match="split must be one of"):
        split_sites(X, y, split="random")
    with pytest.raises(ValueError, match="one site label per patient"):
        split_sites(X, y, split=np.array(["a", "b"]))
    with pytest.raises(ValueError, match="at least one"):
        fedavg([])
    with pytest.raises(ValueError, match="at least one patient"):
        fedavg([(X, y), (X[:0], y[:0])])
    with pytest.raises(ValueError, match="same features"):
        fedavg([(X, y), (X[:, :2], y)])
