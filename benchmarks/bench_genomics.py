"""toolkit.genomics vs plink2 on a simulated biobank-like VCF (~900 people x ~100k variants).

Steps, each timed from the bgzipped VCF (import included):
  toolkit: read_vcf -> allele_frequencies -> hwe_exact -> pca(10, maf 0.05) -> polygenic_score
  plink2:  --vcf --make-pgen (import) ; --freq --hardy --score ; --maf 0.05 --pca 10
Target: the whole toolkit pipeline within 2x plink2's. The cohort (make_population 3 x 300 people,
``--mb`` megabases, default 8; 2% of calls set missing) is cached in build/bench-genomics/.
"""
from __future__ import annotations

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


def make_inputs() -> tuple[Path, Path]:
    """Simulate once; write the VCF and a 2,000-variant score file (40% naming REF)."""
    from toolkit.datasets import make_population
    from toolkit.genomics import write_vcf

    WORK.mkdir(parents=True, exist_ok=True)
    vcf, weights = WORK / f"cohort_{MB:g}mb.vcf.gz", WORK / f"weights_{MB:g}mb.tsv"
    if not vcf.exists():
        g = make_population(300, sequence_length_mb=MB, random_state=5)
        rng = np.random.default_rng(0)
        g.calls[rng.random(g.calls.shape[:2]) < 0.02] = -1
        write_vcf(g, vcf)
        idx = rng.choice(g.n_variants, 2000, replace=False)
        allele = np.where(rng.random(2000) < 0.4, g.ref[idx], g.alt[idx])
        pd.DataFrame({"id": g.variant_ids[idx], "allele": allele,
                      "weight": rng.normal(size=2000)}).to_csv(weights, sep="\t", index=False)
    return vcf, weights


def run_toolkit(vcf: Path, weights: Path) -> dict:
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
    print(f"toolkit: {g.n_variants} variants x {g.n_samples} samples")
    return times


def run_plink2(vcf: Path, weights: Path) -> dict:
    out = WORK / "plink2"
    steps = {"import": ["--vcf", vcf, "--make-pgen", "--out", out],
             "freq+hardy+score": ["--pfile", out, "--freq", "--hardy", "--score", weights, "1", "2",
                                  "3", "header", "cols=+scoresums", "--out", out],
             "pca": ["--pfile", out, "--maf", "0.05", "--pca", "10", "--out", out]}
    times = {}
    for name, args in steps.items():
        t0 = time.perf_counter()
        subprocess.run(["plink2", "--silent", *map(str, args)], check=True, capture_output=True)
        times[name] = time.perf_counter() - t0
    return times


def main() -> None:
    if shutil.which("plink2") is None:
        emit([{"benchmark": "genomics vs plink2", "ok": None, "target": "plink2 not installed"}])
        return
    vcf, weights = make_inputs()
    plink = run_plink2(vcf, weights)
    tk = run_toolkit(vcf, weights)
    for label, t in (("plink2", plink), ("toolkit", tk)):
        print(f"{label:8s}", "  ".join(f"{k} {v:.2f} s" for k, v in t.items()), f"| total {sum(t.values()):.2f} s")
    total_tk, total_pl = sum(tk.values()), sum(plink.values())
    ratio = total_tk / total_pl
    rows = [{"benchmark": f"genomics pipeline ({MB:g} Mb, 900 people)", "toolkit": round(total_tk, 2),
             "reference": "plink2", "reference_s": round(total_pl, 2), "ratio": round(ratio, 2),
             "peak_mb": round(peak_mb_self()), "target": "<= 2x plink2", "ok": ratio <= 2},
            {"benchmark": "genomics VCF import", "toolkit": round(tk["import"], 2), "reference": "plink2",
             "reference_s": round(plink["import"], 2), "ratio": round(tk["import"] / plink["import"], 2),
             "peak_mb": None, "target": None, "ok": None},
            {"benchmark": "genomics PCA", "toolkit": round(tk["pca"], 2), "reference": "plink2",
             "reference_s": round(plink["pca"], 2), "ratio": round(tk["pca"] / plink["pca"], 2),
             "peak_mb": None, "target": None, "ok": None}]
    emit(rows)


if __name__ == "__main__":
    main()
