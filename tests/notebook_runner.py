"""Execute a notebook in a fresh kernel, as a learner who answers every checkpoint correctly.

Checkpoint cells carry the tag ``checkpoint`` and, in their metadata, ``solution``: the
line(s) a correct learner would write in place of ``answer = None``. The runner puts
them in, executes the whole notebook, and returns the feedback lines, wall time and
peak memory, so tests can prove every checkpoint really says ✅ for the right answer.

`run_notebook_once` executes a notebook at most once per test run, whichever test or xdist worker
asks first (a file lock, and the report stamped with the run's id and the source's SHA-256); the
`executed_notebook` fixture (conftest.py) gives the executed notebook to any test that needs its
outputs, so no test executes a lesson a second time.
"""
from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import nbformat

from helpers import ROOT

from toolkit.checkpoints import fill_solutions
from toolkit.nbexec import notebook_client

REPORT_DIR = ROOT / "build" / "notebook-report"
LOCK_DIR = ROOT / "build" / "notebook-locks"
EXECUTED_DIR = ROOT / "build" / "executed"   # reused by `make book` (book/build.py)
_MEASURE = """
# Peak memory of this kernel: VmHWM starts afresh at exec, unlike ru_maxrss, which Linux carries
# over from the process that forked the kernel (here a large pytest worker).
with open("/proc/self/status") as _status:
    _kb = next(int(line.split()[1]) for line in _status if line.startswith("VmHWM"))
print("__TOOLKIT_PEAK_RSS_MB__", _kb / 1024)
"""

def _texts(cell) -> list[str]:
    out = []
    for o in cell.get("outputs", []):
        if o.get("output_type") == "stream":
            out.append(o.get("text", ""))
        elif "data" in o:
            out.append(o["data"].get("text/markdown", "") or o["data"].get("text/plain", ""))
    return out


def _time_cells(client) -> dict[int, float]:
    """Record each code cell's wall time (seconds) by index, via nbclient's cell hooks."""
    started: dict[int, float] = {}
    cell_s: dict[int, float] = {}
    client.on_cell_execute = lambda cell, cell_index: started.__setitem__(cell_index, time.perf_counter())
    client.on_cell_executed = lambda cell, cell_index, execute_reply: cell_s.__setitem__(
        cell_index, round(time.perf_counter() - started[cell_index], 2))
    return cell_s


def save_executed(nb, path: Path) -> Path:
    """Keep the executed notebook (minus the memory cell) for `make book`, stamped with the
    SHA-256 of its source so the book reuses it only while the source is unchanged."""
    out = EXECUTED_DIR / path.relative_to(ROOT)
    out.parent.mkdir(parents=True, exist_ok=True)
    saved = nbformat.from_dict(json.loads(json.dumps(nb)))
    saved.cells = saved.cells[:-1]
    saved.metadata["toolkit_executed"] = {
        "source_sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
    tmp = out.with_suffix(".partial")
    nbformat.write(saved, tmp)
    tmp.replace(out)
    return out


def run_notebook(path: Path, timeout: int = 600) -> dict:
    """Execute ``path`` with solutions filled in; return a report dict (also saved under build/)."""
    nb = nbformat.read(path, as_version=4)
    n_checkpoints = fill_solutions(nb)
    nb.cells.append(nbformat.v4.new_code_cell(_MEASURE))
    client = notebook_client(nb, timeout=timeout, kernel_name="python3",
                             resources={"metadata": {"path": str(path.parent)}})
    cell_s = _time_cells(client)
    start = time.perf_counter()
    client.execute()
    wall = time.perf_counter() - start
    peak = None
    for text in _texts(nb.cells[-1]):
        if "__TOOLKIT_PEAK_RSS_MB__" in text:
            peak = float(text.split()[-1])
    feedback = [line for cell in nb.cells if "checkpoint" in cell.metadata.get("tags", [])
                for text in _texts(cell) for line in text.splitlines() if line.strip()]
    report = {"notebook": str(path.relative_to(ROOT)), "wall_s": round(wall, 2),
              "peak_rss_mb": peak, "checkpoints": n_checkpoints, "feedback": feedback,
              "slowest_cell": max(cell_s.items(), key=lambda kv: kv[1], default=None)}
    save_executed(nb, path)
    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    _report_path(path).write_text(json.dumps(report, indent=1, ensure_ascii=False))
    return report


def _report_path(path: Path) -> Path:
    return REPORT_DIR / (str(path.relative_to(ROOT)).replace("/", "__") + ".json")


def run_notebook_once(path: Path, run_id: str, timeout: int = 600) -> dict:
    """`run_notebook` once per test run ``run_id`` (pytest-xdist's ``testrun_uid``): the first
    caller executes, under a file lock, and stamps the report; every later caller, in any worker,
    gets that report. A notebook that failed is not executed again in the same run: later callers
    get the first error, so a broken lesson costs one execution."""
    from filelock import FileLock

    path = Path(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    LOCK_DIR.mkdir(parents=True, exist_ok=True)
    report_file = _report_path(path)
    with FileLock(str(LOCK_DIR / (report_file.stem + ".lock"))):
        if report_file.exists():
            report = json.loads(report_file.read_text())
            if report.get("run_id") == run_id and report.get("source_sha256") == digest:
                if "error" in report:
                    raise RuntimeError(f"{report['notebook']} failed earlier in this run:\n{report['error']}")
                return report
        stamp = {"run_id": run_id, "source_sha256": digest}
        try:
            report = {**run_notebook(path, timeout), **stamp}
        except Exception as err:
            REPORT_DIR.mkdir(parents=True, exist_ok=True)
            failed = {"notebook": str(path.relative_to(ROOT)), "error": f"{type(err).__name__}: {err}", **stamp}
            report_file.write_text(json.dumps(failed, indent=1, ensure_ascii=False))
            raise
        report_file.write_text(json.dumps(report, indent=1, ensure_ascii=False))
        return json.loads(report_file.read_text())  # the same form for every caller
