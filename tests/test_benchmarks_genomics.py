"""The genomics vs plink2 benchmark (benchmarks/bench_genomics.py) on a tiny cohort: it runs and its rows
hold what RESULTS.md quotes. Its speed target is checked by `make bench`, never here."""
from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

from toolkit.genomics import read_vcf

BENCH_DIR = Path(__file__).resolve().parents[1] / "benchmarks"
ROW_KEYS = {"benchmark", "toolkit", "reference", "reference_s", "ratio", "peak_mb", "target", "ok"}
pytestmark = pytest.mark.requires_tool("plink2")


@pytest.fixture()
def bench(monkeypatch, tmp_path):
    """bench_genomics imported with one round, caching into tmp_path."""
    monkeypatch.setattr(sys, "argv", ["bench_genomics.py", "--repeat", "1"])
    monkeypatch.syspath_prepend(str(BENCH_DIR))
    sys.modules.pop("bench_genomics", None)
    import bench_genomics

    monkeypatch.setattr(bench_genomics, "WORK", tmp_path)
    yield bench_genomics
    sys.modules.pop("bench_genomics", None)


def test_tiny_cohort_rows_from_vcf_and_bcf(bench, tmp_path):
    rows = bench.compare(per_pop=20, mb=0.2)  # plink2 --score needs >= 50 people
    names = [r["benchmark"].split(" (")[0] for r in rows]
    assert names == ["genomics read_vcf vs its parser's floor", "genomics read_vcf vs scikit-allel",
                     "genomics analysis after import", "genomics PCA", "genomics freq+hardy+score",
                     "genomics end to end from VCF", "genomics end to end from BCF"]
    references = ["cyvcf2 GT loop", "scikit-allel read_vcf"] + ["plink2 from .pgen"] * 3 + [
        "plink2 --vcf", "plink2 --bcf"]
    assert [r["reference"] for r in rows] == references
    assert [r["target"] for r in rows] == ["<= 1.25x", "<= 0.8x", "<= 0.6x", None, None, None, None]
    for row in rows:  # times rounded to 0.01 s: a step of the tiny cohort may show 0.0
        assert set(row) == ROW_KEYS and row["toolkit"] >= 0 and row["reference_s"] >= 0
        assert math.isfinite(row["ratio"]) and row["ratio"] >= 0
    assert all(r["reference_s"] > 0 for r in rows[5:])  # plink2's whole pipeline: >= 0.1 s even here
    for row, limit in zip(rows[:3], (1.25, 0.8, 0.6)):  # ok from the unrounded ratio
        assert row["ok"] is (row["ratio"] <= limit) or abs(row["ratio"] - limit) <= 0.005
    assert all(r["ok"] is None for r in rows[3:]) and rows[5]["peak_mb"] > 0  # first cohort: a peak
    # the end-to-end time is the import plus the analysis (medians of one round: exact sums)
    assert rows[5]["toolkit"] == pytest.approx(rows[0]["toolkit"] + rows[2]["toolkit"], abs=0.02)
    md = bench.section(rows, (1.0, 2.0))
    assert md.startswith("## Genomics") and md.count("target <=") == 3
    vcf = bench.make_inputs(per_pop=20, mb=0.2)[0]  # cached by compare: returns its paths
    bcf = bench.make_bcf(vcf)
    assert (tmp_path / "plink2_cohort_60x0_bcf.pgen").exists()  # plink2 imported the BCF (--bcf)
    a, b = read_vcf(vcf), read_vcf(bcf)  # the BCF timed is the same cohort as the VCF
    assert a.n_samples == 60 and (a.calls == b.calls).all() and (a.variant_ids == b.variant_ids).all()
