"""Every lesson, explorer and exercise solution alone in a fresh kernel: wall time and peak memory.

Budget per notebook: <= 60 s and <= 1.5 GB on 2 cores. Reports the full-course total and the total of the
exercise solutions (the exercises' masters, as `make exercises` executes them).
"""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from notebook_runner import run_notebook  # noqa: E402

from _common import emit  # noqa: E402

GROUPS = {"notebook": sorted(ROOT.glob("notebooks/[0-9]*.ipynb"))
          + sorted(ROOT.glob("notebooks/explorers/*.ipynb")),
          "exercise solution": sorted(ROOT.glob("exercises/[0-9]*/[0-9]*.ipynb"))}
rows = []
for label, paths in GROUPS.items():
    total = 0.0
    for path in paths:
        report = run_notebook(path)
        total += report["wall_s"]
        ok = report["wall_s"] <= 60 and (report["peak_rss_mb"] or 0) <= 1536
        print(f"{path.name:45s} {report['wall_s']:6.1f} s {report['peak_rss_mb']:7.0f} MB",
              "ok" if ok else "OVER")
        rows.append({"benchmark": f"{label} {path.stem}", "toolkit": report["wall_s"], "reference": None,
                     "reference_s": None, "ratio": None, "peak_mb": report["peak_rss_mb"],
                     "target": "<= 60 s, <= 1536 MB", "ok": ok})
    print(f"all {label}s: {total:.0f} s over {len(paths)} notebooks")
    rows.append({"benchmark": f"all {label}s (total)", "toolkit": round(total, 1), "reference": None,
                 "reference_s": None, "ratio": None, "peak_mb": None, "target": None, "ok": None})
emit(rows)
