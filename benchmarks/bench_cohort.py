"""make_radiogenomic_cohort: wall time and peak memory, each preset in a fresh process.

Budgets: tiny (20 patients, 6 mm) < 3 s after imports; workshop (300 patients, 3 mm, in memory)
<= 30 s and <= 1.5 GB on 2 cores. Also times writing the workshop files (NIfTI + VCF) and the
tiny preset with DICOM, which have no budget.
"""
import sys

from _common import emit, run_measured

IMPORTS = "from toolkit.datasets import make_radiogenomic_cohort\nimport msprime, nilearn.datasets\n"
CASES = [
    ("cohort tiny (in memory)", "make_radiogenomic_cohort(size='tiny')", 3.0, None),
    ("cohort workshop (in memory)", "make_radiogenomic_cohort(size='workshop')", 30.0, 1536),
    ("cohort workshop + files", "import tempfile\n"
     "make_radiogenomic_cohort(size='workshop', out_dir=tempfile.mkdtemp())", None, None),
    ("cohort tiny + DICOM", "import tempfile\n"
     "make_radiogenomic_cohort(size='tiny', out_dir=tempfile.mkdtemp(), write_dicom=True)",
     None, None),
]
if "--large" in sys.argv:
    CASES.append(("cohort large (in memory)", "make_radiogenomic_cohort(size='large')", None, None))

rows = []
for name, call, budget_s, budget_mb in CASES:
    # time only the call: imports (msprime, nilearn: ~5 s) are paid once per session
    code = (IMPORTS + "t0 = time.perf_counter()\n" + call +
            "\nprint('__CALL__', time.perf_counter() - t0)")
    _, peak_mb, out = run_measured(code)
    wall = float([ln for ln in out.splitlines() if ln.startswith("__CALL__")][-1].split()[1])
    ok = (budget_s is None or wall <= budget_s) and (budget_mb is None or peak_mb <= budget_mb)
    print(f"{name:32s} {wall:6.1f} s {peak_mb:7.0f} MB peak RSS {'ok' if ok else 'OVER'}")
    target = ", ".join(t for t in [budget_s and f"<= {budget_s:g} s", budget_mb and f"<= {budget_mb} MB"]
                       if t) or None
    rows.append({"benchmark": name, "toolkit": round(wall, 2), "reference": None,
                 "reference_s": None, "ratio": None, "peak_mb": round(peak_mb), "target": target,
                 "ok": ok if target else None})
emit(rows)
