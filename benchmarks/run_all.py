"""`make bench`: run every benchmarks/bench_*.py, print one table, write benchmarks/RESULTS.md."""
from __future__ import annotations

import datetime
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent


SECTIONS: list[str] = []  # Markdown a script prints as 'BENCH_MD: <json string>', after the table


def run(script: Path) -> list[dict]:
    print(f"--- {script.name}", flush=True)
    proc = subprocess.run([sys.executable, str(script)], cwd=HERE, capture_output=True, text=True)
    print(proc.stdout[-3000:], proc.stderr[-2000:] if proc.returncode else "", sep="")
    lines = [l for l in proc.stdout.splitlines() if l.startswith("BENCH_JSON: ")]
    if proc.returncode or not lines:
        return [{"benchmark": script.stem, "ok": False, "target": f"script failed (exit {proc.returncode})"}]
    SECTIONS.extend(json.loads(l[len("BENCH_MD: "):]) for l in proc.stdout.splitlines()
                    if l.startswith("BENCH_MD: "))
    return json.loads(lines[-1][len("BENCH_JSON: "):])


def main(names: list[str]) -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if names:
        scripts = [s for s in scripts if any(n in s.stem for n in names)]
    table = pd.DataFrame([row for s in scripts for row in run(s)])
    print(table.to_string(index=False))
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    (HERE / "RESULTS.md").write_text(
        f"# Benchmark results\n\n{stamp} on {machine}. Produced by `make bench`; ratios are toolkit ÷ "
        f"reference measured in the same run (lower is better).\n\n{table.to_markdown(index=False)}\n"
        + "".join(f"\n{section.strip()}\n" for section in SECTIONS))
    return int((table["ok"] == False).any())  # noqa: E712


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
