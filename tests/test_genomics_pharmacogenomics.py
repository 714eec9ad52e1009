"""CYP2C19 tables: CPIC 2022 diplotype -> phenotype -> clopidogrel, and the simulator."""
import numpy as np
import pytest

from toolkit.genomics.pharmacogenomics import (CLOPIDOGREL_RECOMMENDATIONS, CYP2C19_ALLELE_FREQUENCIES,
                                               diplotype_to_phenotype, phenotype_frequencies,
                                               recommend_clopidogrel, simulate_star_alleles)

# CPIC 2022 (Lee et al., Clin Pharmacol Ther 112:959) CYP2C19 diplotype examples, typed by hand.
CPIC = {"*17/*17": "ultrarapid", "*1/*17": "rapid", "*1/*1": "normal", "*1/*2": "intermediate",
        "*1/*3": "intermediate", "*2/*17": "intermediate", "*3/*17": "intermediate",
        "*2/*2": "poor", "*2/*3": "poor", "*3/*3": "poor"}


@pytest.mark.parametrize("diplotype, phenotype", CPIC.items())
def test_cpic_table(diplotype, phenotype):
    assert diplotype_to_phenotype(diplotype) == phenotype
    a, b = diplotype.split("/")
    assert diplotype_to_phenotype(f"{b}/{a}") == phenotype  # order does not matter


def test_vectorised():
    assert diplotype_to_phenotype(["*1/*1", "*2/*2"]).tolist() == ["normal", "poor"]


@pytest.mark.parametrize("bad, match", [("*1/*4", r"unknown CYP2C19 star allele '\*4'"),
                                        ("1/2", r"expected a diplotype like '\*1/\*2'"),
                                        ("*1", "expected a diplotype"), ("*1/*2/*3", "expected")])
def test_diplotype_errors(bad, match):
    with pytest.raises(ValueError, match=match):
        diplotype_to_phenotype(bad)


def test_recommendations():
    for p in ["ultrarapid", "rapid", "normal"]:
        assert recommend_clopidogrel(p).startswith("If considering clopidogrel, use at standard dose")
        assert recommend_clopidogrel(p).endswith("(strong).")
    for p in ["intermediate", "Poor metabolizer"]:
        assert "prasugrel or ticagrelor" in recommend_clopidogrel(p)
    assert recommend_clopidogrel("poor").endswith("(strong).")
    # CPIC 2022 raised the intermediate-metaboliser recommendation for ACS/PCI to strong
    assert recommend_clopidogrel("intermediate").endswith("(strong).")
    with pytest.raises(ValueError, match="phenotype must be one of"):
        recommend_clopidogrel("slow")


def test_frequency_table_is_valid():
    f = CYP2C19_ALLELE_FREQUENCIES
    np.testing.assert_allclose(f.sum(axis=1), 1.0)
    assert (f > 0).all().all()
    assert f.loc["East Asian", "*2"] > f.loc["European", "*2"]  # documented population difference


def test_phenotype_frequencies_by_hand():
    eas = phenotype_frequencies("East Asian")
    assert eas.sum() == pytest.approx(1.0)
    assert eas["poor"] == pytest.approx((0.29 + 0.08) ** 2)
    assert eas["ultrarapid"] == pytest.approx(0.02 ** 2)
    q1 = 1 - 0.29 - 0.08 - 0.02
    assert eas["normal"] == pytest.approx(q1 ** 2)
    assert eas["rapid"] == pytest.approx(2 * q1 * 0.02)


def test_simulation_matches_expected_frequencies():
    df = simulate_star_alleles(20_000, "East Asian", random_state=0)
    assert list(df.columns) == ["population", "allele_1", "allele_2", "diplotype", "phenotype"]
    observed = df["phenotype"].value_counts(normalize=True)
    expected = phenotype_frequencies("East Asian")
    for p in ["normal", "intermediate", "poor"]:
        assert observed[p] == pytest.approx(expected[p], abs=0.015)
    assert (df["phenotype"] == diplotype_to_phenotype(df["diplotype"])).all()
    assert simulate_star_alleles(5, "African", random_state=1).equals(
        simulate_star_alleles(5, "African", random_state=1))


def test_simulation_errors():
    with pytest.raises(ValueError, match="population must be one of"):
        simulate_star_alleles(10, "Martian")
    with pytest.raises(ValueError, match="n_samples must be at least 1"):
        simulate_star_alleles(0, "European")
    with pytest.raises(ValueError, match="population must be one of"):
        phenotype_frequencies("EUR")
    assert set(CLOPIDOGREL_RECOMMENDATIONS) == {"ultrarapid", "rapid", "normal", "intermediate", "poor"}
