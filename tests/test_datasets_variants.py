"""make_variant_table: shape, reproducibility, the documented generating model, errors."""
import hashlib

import numpy as np
import pytest

from toolkit.datasets.variants import CONSEQUENCES, FEATURES, make_variant_table


def test_shape_columns_and_bunch():
    t = make_variant_table(300, random_state=2)
    assert t.frame.shape == (300, 12)
    assert list(t.data.columns) == FEATURES + CONSEQUENCES == t.feature_names
    assert (t.data[CONSEQUENCES].sum(axis=1) == 1).all()  # exactly one consequence per variant
    assert t.target.equals(t.frame["label"]) and t.groups.equals(t.frame["gene"])
    assert t.frame.index[0] == "VAR00001" and "SYNTHETIC" in t.description


def test_reproducible_and_checksum_matches_data_card():
    a, b = make_variant_table(50, random_state=3), make_variant_table(50, random_state=3)
    assert a.frame.equals(b.frame)
    assert not a.frame.equals(make_variant_table(50, random_state=4).frame)
    csv = make_variant_table(2000, random_state=0).frame.to_csv(float_format="%.4g")
    assert hashlib.sha256(csv.encode()).hexdigest() == (
        "64121d5cd56a7f848fae68a60542f10578f86480f6270746019a6cce6e2ed9cc")


def test_values_in_documented_ranges():
    f = make_variant_table(2000, random_state=0).frame
    assert f["gnomad_af"].between(0, 0.5).all() and f["plddt"].between(0, 100).all()
    assert f["rsa"].between(0, 1).all() and f["phylop"].between(-10, 10).all()
    assert f["gene_loeuf"].between(0.03, 2).all()
    np.testing.assert_allclose(f["log10_af"], np.log10(f["gnomad_af"] + 1e-6))
    # allele counts out of 250,000 alleles: frequencies are multiples of 1/250000
    np.testing.assert_allclose(f["gnomad_af"] * 250_000, np.round(f["gnomad_af"] * 250_000), atol=1e-6)


def test_generating_model_directions():
    f = make_variant_table(4000, random_state=1).frame
    path, ben = f[f.true_label == 1], f[f.true_label == 0]
    assert path["phylop"].mean() - ben["phylop"].mean() == pytest.approx(2.0, abs=0.3)
    assert path["plddt"].mean() == pytest.approx(66.7, abs=2) and ben["rsa"].mean() == pytest.approx(0.45, abs=0.02)
    assert (path["gnomad_af"] == 0).mean() > 0.6 > (ben["gnomad_af"] == 0).mean()
    assert (f.label != f.true_label).mean() == pytest.approx(0.05, abs=0.015)
    assert (ben.consequence == "synonymous").mean() == pytest.approx(0.30, abs=0.03)
    # ancestry bias built in: common benign AFR variants look rarer in the database than EUR ones
    common = ben[ben.true_af_origin > 1e-3]
    ratio = (common.gnomad_af / common.true_af_origin).groupby(common.origin_ancestry).median()
    assert ratio["AFR"] < 0.2 < 0.5 < ratio["EUR"]


def test_no_label_noise_gives_truth():
    f = make_variant_table(100, random_state=0, label_noise=0).frame
    assert (f.label == f.true_label).all()


@pytest.mark.parametrize("kwargs, match", [({"n_variants": 5}, "n_variants must be at least 10"),
                                           ({"label_noise": 0.7}, "label_noise must be between"),
                                           ({"label_noise": -0.1}, "label_noise must be between")])
def test_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_variant_table(**{"n_variants": 100, **kwargs})


def test_data_card_has_every_heading_and_the_checksum():
    from pathlib import Path
    text = (Path(__file__).resolve().parents[1] / "datasets" / "variant_table.md").read_text()
    headings = {line[3:].strip() for line in text.splitlines() if line.startswith("## ")}
    required = {"Content", "Source", "Citation", "Licence", "Version", "Size", "Checksum", "Cohort",
                "How the toolkit obtains it", "Known biases and limits", "Intended teaching use",
                "Generating model"}
    assert required <= headings, f"missing headings: {sorted(required - headings)}"
    assert "64121d5cd56a7f848fae68a60542f10578f86480f6270746019a6cce6e2ed9cc" in text
