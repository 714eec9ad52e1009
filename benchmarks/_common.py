"""Shared helpers for benchmark scripts: timing, peak memory of a subprocess, the result line."""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path


def time_call(fn, repeat: int = 3) -> float:
    """Best wall time of ``repeat`` calls, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def peak_mb_self() -> float:
    """Peak resident memory of this process in MB.

    Read from VmHWM, which starts afresh at exec; ru_maxrss would carry over the peak of the
    process that forked this one (Linux keeps it across fork and exec)."""
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM")) / 1024


def run_measured(code: str) -> tuple[float, float, str]:
    """Run Python ``code`` in a fresh process; return (wall s, peak RSS MB, stdout)."""
    wrapper = ("import sys, time\nsys.path.insert(0, %r)\nfrom _common import peak_mb_self\n"
               "_t = time.perf_counter()\n" % str(Path(__file__).resolve().parent) + code +
               "\nprint('__PEAK__', peak_mb_self(), time.perf_counter() - _t)")
    out = subprocess.run([sys.executable, "-c", wrapper], capture_output=True, text=True, check=True)
    line = [l for l in out.stdout.splitlines() if l.startswith("__PEAK__")][-1].split()
    return float(line[2]), float(line[1]), out.stdout


def emit(rows: list[dict]) -> None:
    """Print the machine-readable result line that benchmarks/run_all.py collects."""
    print("BENCH_JSON: " + json.dumps(rows))

