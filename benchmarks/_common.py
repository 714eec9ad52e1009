"""Shared helpers for benchmark scripts: timing, peak memory of a subprocess, the result line."""
from __future__ import annotations

import json
import resource
import subprocess
import sys
import time


def time_call(fn, repeat: int = 3) -> float:
    """Best wall time of ``repeat`` calls, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def run_measured(code: str) -> tuple[float, float, str]:
    """Run Python ``code`` in a fresh process; return (wall s, peak RSS MB, stdout)."""
    wrapper = ("import resource, sys, time\n_t = time.perf_counter()\n" + code +
               "\nprint('__PEAK__', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,"
               " time.perf_counter() - _t)")
    out = subprocess.run([sys.executable, "-c", wrapper], capture_output=True, text=True, check=True)
    line = [l for l in out.stdout.splitlines() if l.startswith("__PEAK__")][-1].split()
    return float(line[2]), float(line[1]), out.stdout


def emit(rows: list[dict]) -> None:
    """Print the machine-readable result line that benchmarks/run_all.py collects."""
    print("BENCH_JSON: " + json.dumps(rows))


def peak_mb_self() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
