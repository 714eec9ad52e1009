"""The 5,000 x 500,000 PCA benchmark (benchmarks/bench_scale.py): its PLINK writer read back by bio2zarr's
PLINK converter, and a --small run.

The lesson itself (notebooks/20_scaling_to_biobank_size.ipynb) is run by test_notebooks.py; speed and memory
targets are checked by `make bench`, never here.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from helpers import require_tools

BENCH_DIR = Path(__file__).resolve().parents[1] / "benchmarks"
ROW_KEYS = {"benchmark", "toolkit", "reference", "reference_s", "ratio", "peak_mb", "target", "ok"}


@pytest.fixture()
def bench(monkeypatch, tmp_path):
    """bench_scale imported in --small mode, caching into tmp_path."""
    monkeypatch.setenv("TOOLKIT_BENCH_SCALE_DIR", str(tmp_path))
    monkeypatch.setattr(sys, "argv", ["bench_scale.py", "--small"])
    monkeypatch.syspath_prepend(str(BENCH_DIR))
    sys.modules.pop("bench_scale", None)
    import bench_scale

    yield bench_scale
    sys.modules.pop("bench_scale", None)


def _fileset(bench, stem, alt):
    """A PLINK 1 fileset from ALT counts (variants x people, 3 = missing) with the benchmark's writer."""
    n_var, n_people = alt.shape
    stem.with_suffix(".bed").write_bytes(bytes([0x6C, 0x1B, 0x01]) + bench.pack_bed(alt))
    stem.with_suffix(".bim").write_text("".join(f"1\t1:{i + 1}\t0\t{i + 1}\tG\tA\n" for i in range(n_var)))
    stem.with_suffix(".fam").write_text("".join(f"POP\tp{j}\t0\t0\t0\t-9\n" for j in range(n_people)))


def test_bed_written_by_the_benchmark_reads_back_through_bio2zarr(bench, tmp_path):
    from toolkit.genomics import open_zarr

    rng = np.random.default_rng(0)
    alt = rng.integers(0, 4, size=(40, 13), dtype=np.uint8)  # 3 = missing; 13 people: a padded last byte
    stem = tmp_path / "roundtrip"
    _fileset(bench, stem, alt)
    bench.CHUNK = 16  # chunks of 16, 16 and 8 variants
    cg = open_zarr(bench.plink_to_zarr(stem, tmp_path / "roundtrip.vcz", 13))
    expected = np.where(alt[..., None] == 3, -1, (np.arange(2) >= 2 - alt[..., None]).astype(np.int8))
    assert cg.chunks[:2] == (16, 13) and cg.sample_ids.tolist() == [f"p{j}" for j in range(13)]
    np.testing.assert_array_equal(cg.gt.compute(), expected)
    assert cg.variant_info[["ref", "alt"]].drop_duplicates().values.tolist() == [["A", "G"]]
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".vcz") == ["roundtrip.vcz"]


def test_plink_conversion_rejects_a_file_that_is_not_snp_major_bed(bench, tmp_path):
    stem = tmp_path / "bad"
    _fileset(bench, stem, np.zeros((2, 4), dtype=np.uint8))
    stem.with_suffix(".bed").write_bytes(b"not a bed file")
    with pytest.raises(ValueError, match="magic bytes"):
        bench.plink_to_zarr(stem, tmp_path / "bad.vcz", 4)
    assert not [p for p in tmp_path.iterdir() if ".vcz" in p.name]  # nothing half-written


@pytest.mark.slow
def test_small_benchmark_runs_and_prints_valid_bench_json(tmp_path):
    env = {**os.environ, "TOOLKIT_BENCH_SCALE_DIR": str(tmp_path)}
    proc = subprocess.run([sys.executable, "bench_scale.py", "--small"], cwd=BENCH_DIR, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = [l for l in proc.stdout.splitlines() if l.startswith("BENCH_JSON: ")]
    assert len(lines) == 1, proc.stdout
    rows = json.loads(lines[0][len("BENCH_JSON: "):])
    assert all(set(r) == ROW_KEYS for r in rows), rows
    main = rows[0]
    assert main["benchmark"].startswith("scale PCA 500 x 10,000") and main["toolkit"] > 0
    assert main["peak_mb"] > 100 and main["ok"] is None  # no target for the small run
    sanity = [r for r in rows if "PC1" in r["benchmark"]]
    assert sanity and all(r["ok"] is True for r in sanity), sanity
    if shutil.which("plink2") or require_tools():  # CI: the plink2 comparison must be there
        assert main["reference"] == "plink2 --pca approx" and main["ratio"] > 0
        assert any("vs plink2" in r["benchmark"] for r in sanity)
    assert (tmp_path / "biobank_500x10000.vcz").is_dir() and (tmp_path / "biobank_500x10000.bed").is_file()
