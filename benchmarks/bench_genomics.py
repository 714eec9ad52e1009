"""toolkit.genomics against its parser's floor, scikit-allel and plink2, on two simulated VCFs, in one run.

Cohorts: 900 people x ~110k variants (make_population 3 x 300 people, ``--mb`` megabases,
default 8) and 750 people x ~50k variants (3 x 250 people, 4 Mb); 2% of calls set missing.
They are simulated once and cached in build/bench-genomics/.

Targets (issue #34; issue #22 showed that htslib's own parse of a VCF takes about as long as
plink2's whole pipeline, so "the whole pipeline from the VCF within plink2's time" is not one):
  1. ``read_vcf`` <= 1.25x its parser's floor: a bare cyvcf2 loop over every record's GT array,
     opened as read_vcf opens it (htslib, 2 threads), doing nothing else;
  2. ``read_vcf`` <= 0.8x scikit-allel's ``read_vcf`` of the same file and fields (samples, GT,
     CHROM, POS, ID, REF, ALT);
  3. the analysis after import (allele_frequencies, hwe_exact, pca(10, maf 0.05),
     polygenic_score) <= 0.6x plink2 doing the same from its .pgen (--freq --hardy --score;
     --maf 0.05 --pca 10).
For the record, no target: the end-to-end pipelines from the bgzipped VCF and from BCF (the
cohort converted once by htslib; plink2 --vcf/--bcf --make-pgen counted), and their PCA and
frequency + HWE + score steps.

Each cohort is run ``--repeat`` times (default 3), all timings of a round back to back; each
row gives the medians of the times and the median of the rounds' ratios (the ratios are
measured within a round, so that load shared by both sides cancels as far as it can).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from _common import emit, peak_mb_self

HERE = Path(__file__).resolve().parent
WORK = HERE.parent / "build" / "bench-genomics"
MB = float(sys.argv[sys.argv.index("--mb") + 1]) if "--mb" in sys.argv else 8.0
REPEAT = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 3
COHORTS = [(300, MB), (250, 4.0)]  # (people per population, megabases)


def make_inputs(per_pop: int = 300, mb: float = MB) -> tuple[Path, Path]:
    """Simulate once; write the VCF and a 2,000-variant score file (40% naming REF)."""
    from toolkit.datasets import make_population
    from toolkit.genomics import write_vcf

    WORK.mkdir(parents=True, exist_ok=True)
    tag = f"{mb:g}mb" if per_pop == 300 else f"{3 * per_pop}x{mb:g}mb"  # the 900-people name is older
    vcf, weights = WORK / f"cohort_{tag}.vcf.gz", WORK / f"weights_{tag}.tsv"
    if not (vcf.exists() and weights.exists()):
        g = make_population(per_pop, sequence_length_mb=mb, random_state=5)
        rng = np.random.default_rng(0)
        g.calls[rng.random(g.calls.shape[:2]) < 0.02] = -1
        n_score = min(2000, g.n_variants // 2)  # 2,000 except in tiny test cohorts
        idx = rng.choice(g.n_variants, n_score, replace=False)
        allele = np.where(rng.random(n_score) < 0.4, g.ref[idx], g.alt[idx])
        pd.DataFrame({"id": g.variant_ids[idx], "allele": allele,
                      "weight": rng.normal(size=n_score)}).to_csv(weights, sep="\t", index=False)
        write_vcf(g, vcf)
    return vcf, weights


def make_bcf(vcf: Path) -> Path:
    """The same cohort as BCF (binary VCF), converted once by htslib (cyvcf2's writer)."""
    import cyvcf2

    bcf = vcf.with_name(vcf.name.replace(".vcf.gz", ".bcf"))
    if not bcf.exists():
        reader = cyvcf2.VCF(str(vcf))
        writer = cyvcf2.Writer(str(bcf) + ".part", reader, mode="wb")
        for rec in reader:
            writer.write_record(rec)
        writer.close(), reader.close()
        Path(str(bcf) + ".part").rename(bcf)
    return bcf


def run_toolkit(vcf: Path, weights: Path) -> tuple[dict, str]:
    from toolkit.genomics import allele_frequencies, hwe_exact, pca, polygenic_score, read_vcf

    times, start = {}, time.perf_counter()
    g = read_vcf(vcf)
    times["import"] = time.perf_counter() - start
    for name, fn in [("freq", lambda: allele_frequencies(g)), ("hardy", lambda: hwe_exact(g)),
                     ("pca", lambda: pca(g, n_components=10, maf=0.05)),
                     ("score", lambda: polygenic_score(g, pd.read_csv(weights, sep="\t")))]:
        t0 = time.perf_counter()
        fn()
        times[name] = time.perf_counter() - t0
    return times, f"{g.n_samples} people x {g.n_variants // 1000}k variants"


def run_plink2(vcf: Path, weights: Path) -> dict:
    """plink2's steps from ``vcf`` (a .vcf.gz, or a .bcf read with --bcf)."""
    fmt = "bcf" if vcf.suffix == ".bcf" else "vcf"
    out = WORK / f"plink2_{vcf.name.split('.')[0]}_{fmt}"
    steps = {"import": [f"--{fmt}", vcf, "--make-pgen", "--out", out],
             "freq+hardy+score": ["--pfile", out, "--freq", "--hardy", "--score", weights, "1", "2",
                                  "3", "header", "cols=+scoresums", "--out", out],
             "pca": ["--pfile", out, "--maf", "0.05", "--pca", "10", "--out", out]}
    times = {}
    for name, args in steps.items():
        t0 = time.perf_counter()
        subprocess.run(["plink2", "--silent", *map(str, args)], check=True, capture_output=True)
        times[name] = time.perf_counter() - t0
    return times


def parser_floor(vcf: Path) -> float:
    """Seconds for a bare cyvcf2 loop, opened as read_vcf opens the file (htslib, 2 threads), to
    fetch every record's GT array and do nothing else: the part of read_vcf that no change to our
    Python code can remove while it parses with htslib."""
    import cyvcf2

    start = time.perf_counter()
    for rec in cyvcf2.VCF(str(vcf), threads=2):
        rec.format("GT", int)
    return time.perf_counter() - start


_ALLEL_RAN = False


def allel_read(vcf: Path) -> float:
    """Seconds for scikit-allel's read_vcf to read the fields read_vcf returns."""
    import allel

    global _ALLEL_RAN
    _ALLEL_RAN = True
    start = time.perf_counter()
    allel.read_vcf(str(vcf), fields=["samples", "calldata/GT", "variants/CHROM", "variants/POS",
                                     "variants/ID", "variants/REF", "variants/ALT"])
    return time.perf_counter() - start


def one_round(vcf: Path, bcf: Path, weights: Path) -> tuple[dict, str]:
    """Every timing of one round, back to back (seconds), and the cohort's size."""
    plink, (tk, size) = run_plink2(vcf, weights), run_toolkit(vcf, weights)
    # this process's peak before scikit-allel first reads (its peak is far higher): the toolkit's own
    peak = None if _ALLEL_RAN else peak_mb_self()
    floor, allel_s = parser_floor(vcf), allel_read(vcf)
    plink_bcf, (tk_bcf, _) = run_plink2(bcf, weights), run_toolkit(bcf, weights)
    print(size, f"(load {os.getloadavg()[0]:.1f})")
    for label, t in (("plink2", plink), ("toolkit", tk), ("plink2 from BCF", plink_bcf),
                     ("toolkit from BCF", tk_bcf)):
        print(f"{label:16s}", "  ".join(f"{k} {v:.2f} s" for k, v in t.items()),
              f"| total {sum(t.values()):.2f} s")
    print(f"cyvcf2 GT loop (read_vcf's floor) {floor:.2f} s; scikit-allel read_vcf {allel_s:.2f} s", flush=True)
    analysis = lambda t: sum(v for k, v in t.items() if k != "import")
    return {"read_vcf": tk["import"], "floor": floor, "allel": allel_s,
            "analysis": analysis(tk), "plink2 analysis": analysis(plink),
            "pca": tk["pca"], "plink2 pca": plink["pca"],
            "fhs": tk["freq"] + tk["hardy"] + tk["score"], "plink2 fhs": plink["freq+hardy+score"],
            "vcf": sum(tk.values()), "plink2 vcf": sum(plink.values()),
            "bcf": sum(tk_bcf.values()), "plink2 bcf": sum(plink_bcf.values()), "peak_mb": peak}, size


def compare(per_pop: int, mb: float) -> list[dict]:
    """Time every step REPEAT times on one cohort; rows with the medians and the targets."""
    vcf, weights = make_inputs(per_pop, mb)
    bcf = make_bcf(vcf)
    rounds = []
    for _ in range(REPEAT):
        times, size = one_round(vcf, bcf, weights)
        rounds.append(times)
    med = lambda values: float(np.median(list(values)))

    def row(name: str, mine: str, ref: str, reference: str, limit: float | None = None) -> dict:
        ratio = med(r[mine] / r[ref] for r in rounds)
        return {"benchmark": f"genomics {name} ({size}, {mb:g} Mb)",
                "toolkit": round(med(r[mine] for r in rounds), 2), "reference": reference,
                "reference_s": round(med(r[ref] for r in rounds), 2), "ratio": round(ratio, 2),
                "peak_mb": None, "target": None if limit is None else f"<= {limit:g}x",
                "ok": None if limit is None else bool(ratio <= limit)}

    rows = [row("read_vcf vs its parser's floor", "read_vcf", "floor", "cyvcf2 GT loop", 1.25),
            row("read_vcf vs scikit-allel", "read_vcf", "allel", "scikit-allel read_vcf", 0.8),
            row("analysis after import", "analysis", "plink2 analysis", "plink2 from .pgen", 0.6),
            row("PCA", "pca", "plink2 pca", "plink2 from .pgen"),
            row("freq+hardy+score", "fhs", "plink2 fhs", "plink2 from .pgen"),
            row("end to end from VCF", "vcf", "plink2 vcf", "plink2 --vcf"),
            row("end to end from BCF", "bcf", "plink2 bcf", "plink2 --bcf")]
    if rounds[0]["peak_mb"] is not None:  # the run's first cohort only (see one_round)
        rows[5]["peak_mb"] = round(rounds[0]["peak_mb"])
    return rows


def section(rows: list[dict], load: tuple[float, float]) -> str:
    """RESULTS.md's genomics section: when and how the rows were measured, and what they say."""
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    lines = [f"## Genomics: read_vcf and the analysis against their references (issue #34)\n",
             f"Measured by `bench_genomics.py` ({stamp}; {REPEAT} rounds per cohort, medians; a ratio is "
             f"the median of the rounds' ratios), 1-minute load average {load[0]:.1f} at the start and "
             f"{load[1]:.1f} at the end on {os.cpu_count()} cores. plink2 with its default threads.\n"]
    for r in rows:
        if r["target"] is not None:
            verdict = "met" if r["ok"] else "**not met**"
            lines.append(f"- {r['benchmark']}: {r['ratio']:.2f}x {r['reference']} "
                         f"({r['toolkit']:.2f} s vs {r['reference_s']:.2f} s), target {r['target']}: {verdict}")
    return "\n".join(lines) + "\n"


def main() -> None:
    if shutil.which("plink2") is None:
        emit([{"benchmark": "genomics vs plink2", "ok": None, "target": "plink2 not installed"}])
        return
    load = os.getloadavg()[0]
    rows = [row for per_pop, mb in COHORTS for row in compare(per_pop, mb)]
    print(f"load average (1 min) at start: {load:.1f}, at the end: {os.getloadavg()[0]:.1f}, "
          f"on {os.cpu_count()} cores; medians of {REPEAT} rounds")
    print("BENCH_MD: " + json.dumps(section(rows, (load, os.getloadavg()[0]))))
    emit(rows)


if __name__ == "__main__":
    main()
