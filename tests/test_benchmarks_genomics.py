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
    assert names == ["genomics pipeline", "genomics VCF import", "genomics htslib parse alone, part of import",
                     "genomics htslib parse + GT values, part of import", "genomics PCA",
                     "genomics freq+hardy+score", "genomics pipeline from BCF", "genomics BCF import"]
    for row in rows:
        assert set(row) == ROW_KEYS and row["reference"] == "plink2"
        assert row["toolkit"] >= 0 and row["reference_s"] >= 0 and math.isfinite(row["ratio"])
    for row in (rows[0], rows[6]):  # the two pipelines: medians of whole runs, rounded to 0.01 s
        assert row["toolkit"] > 0 and row["reference_s"] > 0 and row["ratio"] > 0
        assert row["ok"] == (row["ratio"] <= 1.0) or abs(row["ratio"] - 1.0) <= 0.005  # ok: unrounded
        assert row["target"] == "<= 1.0x plink2"
    vcf = bench.make_inputs(per_pop=20, mb=0.2)[0]  # cached by compare: returns its paths
    bcf = bench.make_bcf(vcf)
    assert (tmp_path / "plink2_cohort_60x0_bcf.pgen").exists()  # plink2 imported the BCF (--bcf)
    a, b = read_vcf(vcf), read_vcf(bcf)  # the BCF timed is the same cohort as the VCF
    assert a.n_samples == 60 and (a.calls == b.calls).all() and (a.variant_ids == b.variant_ids).all()
