"""The shipped 1000 Genomes subset is what its card says (datasets/thousand_genomes_regions.md).

Checks that need no reference tool: sample count and panel, the 1000 Genomes pipeline's own
INFO counts and per-superpopulation frequencies against the genotypes, GRCh37 positions, checksums.
The plink2 comparisons on the same data are in test_genomics_plink2.py.
"""
from __future__ import annotations

import gzip

import numpy as np
import pytest

from toolkit.datasets import load_thousand_genomes_regions
from toolkit.datasets.loaders import THOUSAND_GENOMES_SHA256

SUPERPOPULATIONS = {"AFR": 661, "AMR": 347, "EAS": 504, "EUR": 503, "SAS": 489}
REGIONS = {"1": [(198098389, 199098389)], "2": [(59646784, 60646784), (162624637, 163624637),
                                                (204225944, 205225944)],
           "5": [(110066360, 111066360)], "6": [(90505743, 91505743), (137665744, 138665744)],
           "7": [(116586613, 117586613)], "9": [(135436325, 136436325)],
           "10": [(5890450, 6890450)], "11": [(1682224, 2682224), (2403060, 3403060)],
           "12": [(55918678, 56918678)], "13": [(99579833, 100579833)],
           "14": [(100806447, 101806447)], "16": [(79784024, 80784024)],
           "19": [(9963118, 10963118), (44912079, 45912079)],
           "21": [(43317769, 44317769), (45214294, 46214294)]}


@pytest.fixture(scope="module")
def kg():
    return load_thousand_genomes_regions(verify=True)


@pytest.fixture(scope="module")
def info(kg):
    """INFO fields of each data line, as the 1000 Genomes pipeline wrote them."""
    lines = gzip.decompress(kg.vcf.read_bytes()).decode().splitlines()
    return [dict(kv.split("=", 1) for kv in line.split("\t")[7].split(";") if "=" in kv)
            for line in lines if not line.startswith("#")]


def test_all_2504_people_with_published_superpopulation_counts(kg):
    g = kg.genotypes
    assert (g.n_samples, g.n_variants) == (2504, 6270)
    assert list(kg.panel["sample"]) == list(g.samples)
    assert kg.panel["super_pop"].value_counts().to_dict() == SUPERPOPULATIONS
    assert kg.panel["pop"].nunique() == 26
    assert g.sample_info["superpopulation"].value_counts().to_dict() == SUPERPOPULATIONS
    assert not g.is_missing().any()
    assert len(set(g.variant_ids)) == g.n_variants  # plink2 --score needs unique ids


def test_genotypes_reproduce_the_pipelines_counts_and_frequencies(kg, info):
    g = kg.genotypes
    dosage = g.dosage()
    assert [int(i["AC"]) for i in info] == dosage.sum(axis=1).astype(int).tolist()
    assert {i["AN"] for i in info} == {"5008"}
    groups = g.sample_info["superpopulation"].to_numpy()
    for name in SUPERPOPULATIONS:
        mine = dosage[:, groups == name].mean(axis=1) / 2
        published = np.array([float(i[f"{name}_AF"]) for i in info])
        assert np.abs(mine - published).max() <= 5e-5 + 1e-12, name  # INFO has 4 decimals


def test_common_biallelic_snps_inside_the_stated_grch37_regions(kg):
    g = kg.genotypes
    freq = g.dosage().mean(axis=1) / 2
    assert np.minimum(freq, 1 - freq).min() >= 0.05
    assert all(len(a) == 1 for a in g.ref) and all(len(a) == 1 for a in g.alt)
    inside = [any(lo <= p <= hi for lo, hi in REGIONS[c]) for c, p in zip(g.chrom, g.positions)]
    assert all(inside)
    order = [(int(c), p) for c, p in zip(g.chrom, g.positions)]
    assert order == sorted(order)


def test_apoe_snps_at_their_grch37_positions(kg):
    g = kg.genotypes
    ids = list(g.variant_ids)
    for rs, pos, ref, alt in [("rs429358", 45411941, "T", "C"), ("rs7412", 45412079, "C", "T")]:
        j = ids.index(rs)
        assert (g.chrom[j], g.positions[j], g.ref[j], g.alt[j]) == ("19", pos, ref, alt)
    e4 = g.dosage()[ids.index("rs429358")].mean() / 2
    assert round(e4, 4) == 0.1506  # the file's INFO AF=0.150559


def test_verify_rejects_a_changed_file(kg, monkeypatch):
    import toolkit.datasets.loaders as loaders

    monkeypatch.setitem(loaders.__dict__, "THOUSAND_GENOMES_SHA256",
                        {**THOUSAND_GENOMES_SHA256, "thousand_genomes_panel.txt": "0" * 64})
    with pytest.raises(ValueError, match="thousand_genomes_panel.txt has SHA-256"):
        loaders.load_thousand_genomes_regions(read=False, verify=True)
