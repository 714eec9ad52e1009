"""toolkit.genomics vs plink2 on two simulated biobank-like VCFs, in one run.

Cohorts: 900 people x ~110k variants (make_population 3 x 300 people, ``--mb`` megabases,
default 8) and 750 people x ~50k variants (3 x 250 people, 4 Mb); 2% of calls set missing.
They are simulated once and cached in build/bench-genomics/.

Steps, each timed from the bgzipped VCF (import included):
  toolkit: read_vcf -> allele_frequencies -> hwe_exact -> pca(10, maf 0.05) -> polygenic_score
  plink2:  --vcf --make-pgen (import) ; --freq --hardy --score ; --maf 0.05 --pca 10
Target: the whole toolkit pipeline within plink2's time (ratio <= 1.0) on both cohorts.
The same pipeline is also timed from BCF (the cohort converted once by htslib; plink2 --bcf),
where htslib reads binary records instead of parsing text.

Each cohort is run ``--repeat`` times (default 3), plink2 then the toolkit back to back; the
rows give the median of each time and of the pipeline ratio. Two more rows time htslib
alone (cyvcf2 reading every record, no Python work on it; then also fetching each record's GT
values): the part of our import that no change to read_vcf can remove while it parses with
htslib.
"""
from __future__ import annotations

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


def htslib_floor(vcf: Path, with_gt: bool) -> float:
    """Seconds for htslib (cyvcf2, as read_vcf opens it) to read every record, doing nothing else
    with it, or (``with_gt``) also handing over its GT values: the part of read_vcf that no change
    to our Python code can remove while it parses with htslib."""
    import cyvcf2

    start = time.perf_counter()
    for rec in cyvcf2.VCF(str(vcf), threads=2):
        if with_gt:
            rec.format("GT", int)
    return time.perf_counter() - start


def compare(per_pop: int, mb: float) -> list[dict]:
    """Time plink2 then the toolkit on one cohort, REPEAT times; rows with the medians."""
    vcf, weights = make_inputs(per_pop, mb)
    bcf = make_bcf(vcf)
    rounds = []
    for _ in range(REPEAT):
        plink = run_plink2(vcf, weights)
        tk, size = run_toolkit(vcf, weights)
        tk_parse, tk_gt = htslib_floor(vcf, False), htslib_floor(vcf, True)
        plink_bcf, (tk_bcf, _) = run_plink2(bcf, weights), run_toolkit(bcf, weights)
        print(size, f"(load {os.getloadavg()[0]:.1f})")
        for label, t in (("plink2", plink), ("toolkit", tk), ("plink2 from BCF", plink_bcf),
                         ("toolkit from BCF", tk_bcf)):
            print(f"{label:16s}", "  ".join(f"{k} {v:.2f} s" for k, v in t.items()), f"| total {sum(t.values()):.2f} s")
        print(f"htslib parse alone {tk_parse:.2f} s, with GT values {tk_gt:.2f} s")
        rounds.append((plink, tk, tk_parse, tk_gt, plink_bcf, tk_bcf))
    med = lambda values: float(np.median(list(values)))
    plink = {k: med(r[0][k] for r in rounds) for k in rounds[0][0]}
    tk = {k: med(r[1][k] for r in rounds) for k in rounds[0][1]}

    def pipeline(mine: int, ref: int) -> dict:
        """Medians over the rounds of the two totals and of their ratio (round[mine] / round[ref])."""
        ratio = med(sum(r[mine].values()) / sum(r[ref].values()) for r in rounds)
        return {"toolkit": round(med(sum(r[mine].values()) for r in rounds), 2), "reference": "plink2",
                "reference_s": round(med(sum(r[ref].values()) for r in rounds), 2),
                "ratio": round(ratio, 2), "peak_mb": round(peak_mb_self()),
                "target": "<= 1.0x plink2", "ok": ratio <= 1.0}

    step = lambda name, mine, ref: {"benchmark": f"genomics {name} ({size})", "toolkit": round(mine, 2),
                                    "reference": "plink2", "reference_s": round(ref, 2),
                                    "ratio": round(mine / ref, 2), "peak_mb": None, "target": None, "ok": None}
    return [{"benchmark": f"genomics pipeline ({size}, {mb:g} Mb)", **pipeline(1, 0)},
            step("VCF import", tk["import"], plink["import"]),
            step("htslib parse alone, part of import", med(r[2] for r in rounds), plink["import"]),
            step("htslib parse + GT values, part of import", med(r[3] for r in rounds), plink["import"]),
            step("PCA", tk["pca"], plink["pca"]),
            step("freq+hardy+score", tk["freq"] + tk["hardy"] + tk["score"], plink["freq+hardy+score"]),
            {"benchmark": f"genomics pipeline from BCF ({size}, {mb:g} Mb)", **pipeline(5, 4)},
            step("BCF import", med(r[5]["import"] for r in rounds), med(r[4]["import"] for r in rounds))]


def main() -> None:
    if shutil.which("plink2") is None:
        emit([{"benchmark": "genomics vs plink2", "ok": None, "target": "plink2 not installed"}])
        return
    load = os.getloadavg()[0]
    rows = [row for per_pop, mb in COHORTS for row in compare(per_pop, mb)]
    print(f"load average (1 min) at start: {load:.1f}, at the end: {os.getloadavg()[0]:.1f}, "
          f"on {os.cpu_count()} cores; medians of {REPEAT} rounds")
    emit(rows)


if __name__ == "__main__":
    main()
