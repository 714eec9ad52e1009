"""Run a student's notebook in a locked-down process and collect the answers it exports.

The process gets a fresh folder holding only the submission, a minimal environment, limits on
memory, CPU time and file size, a wall-clock timeout, its own session, and, where Linux Landlock
is available, no access to files outside Python, the toolkit and its folder. It runs under a
child subreaper (`toolkit.grading._reaper`), so every process it starts, double-forked or not,
ends when it ends; the grader then checks that none is left. Whatever it does, the grader goes
on with the next submission.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from ._reaper import MAX_FILE_BYTES, kill_tree

__all__ = ["SandboxResult", "run_in_sandbox", "read_notebook_no_follow", "stop_all_runs", "GradingStopped",
           "module_command", "deterministic_environment"]

MAX_ANSWER_BYTES = MAX_FILE_BYTES
_REAPER = str(Path(__file__).with_name("_reaper.py"))
_TOKEN_VAR = "TOOLKIT_GRADER_RUN"
_TOOLKIT_ROOT = str(Path(__file__).resolve().parents[2])
_LIVE: set[subprocess.Popen] = set()   # sandboxes running now (several with jobs > 1)
_LIVE_LOCK = threading.Lock()
_STOPPING = threading.Event()


class GradingStopped(RuntimeError):
    """The batch was interrupted (Ctrl-C): no new submission starts."""


def allow_runs() -> None:
    """Let sandboxes start again after `stop_all_runs` (a new batch calls this first)."""
    _STOPPING.clear()


def stop_all_runs() -> int:
    """Kill every sandbox running now and refuse new ones; returns how many were running.

    Called when the instructor interrupts a batch, so that Ctrl-C stops it at once.
    """
    _STOPPING.set()
    with _LIVE_LOCK:
        running = list(_LIVE)
    for proc in running:
        if proc.poll() is None:   # never a pid already reaped (it could belong to another process now)
            kill_tree(proc.pid)
    return len(running)
# Not `python -I`: that also ignores PYTHONHASHSEED, and the seed must be fixed for the same notebook
# to give the same answers. Instead the caller passes an environment without the interpreter's other
# PYTHON* variables (`deterministic_environment`), `-s` skips the user's site folder, and this boot
# code drops the working folder from sys.path and imports the same toolkit as the grader's own.
_BOOT = ("import runpy, sys; sys.path[:] = [p for p in sys.path if p not in ('', '.')]; "
         "sys.path.insert(0, sys.argv[1]); module = sys.argv[2]; "
         "sys.argv = [module, *sys.argv[3:]]; runpy.run_module(module, run_name='__main__', alter_sys=True)")


def module_command(module: str, *args: str) -> list[str]:
    """``python -s -m MODULE ARGS``, importing the toolkit this grader was imported from.

    Run it with `deterministic_environment`.

    Examples
    --------
    >>> module_command("toolkit.grading._test_runner")[1:3]
    ['-s', '-c']
    """
    return [sys.executable, "-s", "-c", _BOOT, _TOOLKIT_ROOT, module, *args]


def deterministic_environment(base: dict[str, str]) -> dict[str, str]:
    """``base`` without PYTHON* variables (PYTHONPATH, PYTHONSTARTUP...), plus one BLAS thread and
    a fixed string-hash seed, so that the same code computes the same values on every run.

    Examples
    --------
    >>> env = deterministic_environment({"PATH": "/bin", "PYTHONPATH": "/elsewhere"})
    >>> sorted(env)
    ['OMP_NUM_THREADS', 'PATH', 'PYTHONHASHSEED']
    """
    kept = {k: v for k, v in base.items() if not k.startswith("PYTHON")}
    return {**kept, "OMP_NUM_THREADS": "1", "PYTHONHASHSEED": "0"}


@dataclass
class SandboxResult:
    answers_json: str | None  # None when the submission exported nothing
    status: str  # "ok", "timeout", "memory", "crashed", "invalid notebook"
    seconds: float
    log: str
    returncode: int | None = None  # the notebook runner's exit code; -N: ended by signal N
    peak_mb: float = 0.0  # largest memory (resident, all its processes) the watchdog saw
    leftover: int = 0  # processes still running when the notebook ended, then stopped


def _environment(workdir: str, token: str) -> dict[str, str]:
    """A minimal environment, deterministic (`deterministic_environment`): the same notebook
    computes the same answers on every run (set order, BLAS sums)."""
    keep = {k: os.environ[k] for k in ("PATH", "LANG", "TOOLKIT_DATA", "TOOLKIT_SHARED_DATA",
                                       "TOOLKIT_GRADER_ISOLATION") if k in os.environ}
    own = {"HOME": workdir, "TMPDIR": workdir, "MPLCONFIGDIR": workdir, "MPLBACKEND": "Agg", _TOKEN_VAR: token}
    return {**deterministic_environment({**keep, **own}), "PYTHONDONTWRITEBYTECODE": "1"}


def _tree_rss_mb(pid: int) -> float:
    import psutil

    try:
        proc = psutil.Process(pid)
        return sum(p.memory_info().rss for p in [proc, *proc.children(recursive=True)]) / 2**20
    except psutil.Error:
        return 0.0


def _sweep(token: str) -> int:
    """Kill any process still carrying this run's token (a survivor the subreaper missed)."""
    import psutil

    killed = 0
    for proc in psutil.process_iter():
        try:
            if proc.environ().get(_TOKEN_VAR) == token:
                killed += kill_tree(proc.pid)
        except psutil.Error:
            continue
    return killed


def read_notebook_no_follow(path: str | os.PathLike) -> dict:
    """The notebook at ``path`` as JSON, opened without following a symbolic link.

    Raises OSError for a link or a file that is not a regular file, ValueError for bad JSON.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{path} is not a regular file")
        content = json.loads(f.read().decode("utf-8"))
    if not isinstance(content, dict) or not isinstance(content.get("cells"), list):
        raise ValueError(f"{path} has no list of cells")
    return content


def _watch(proc: subprocess.Popen, start: float, timeout_s: float, memory_mb: int) -> tuple[str, float]:
    """Wait for ``proc``; kill its whole tree on timeout or memory. Returns (status, peak MB)."""
    status, peak = "ok", 0.0
    while proc.poll() is None:
        rss = _tree_rss_mb(proc.pid)
        peak = max(peak, rss)
        if time.monotonic() - start > timeout_s:
            status = "timeout"
        elif rss > memory_mb:
            status = "memory"
        if status != "ok":
            kill_tree(proc.pid)
            break
        time.sleep(0.1)
    proc.wait()
    return status, peak


def _runner_returncode(reaper_code: int) -> int:
    """The notebook runner's exit code from the reaper's (``128 + N`` means signal N)."""
    return -(reaper_code - 128) if reaper_code > 128 else reaper_code


def run_in_sandbox(notebook: Path, names: list[str], timeout_s: float = 120,
                   memory_mb: int = 2048) -> SandboxResult:
    """Execute ``notebook`` in the sandbox and return the exported ``names`` as JSON text."""
    if _STOPPING.is_set():
        raise GradingStopped("grading was interrupted; no new submission is started")
    try:
        content = read_notebook_no_follow(notebook)
    except (OSError, ValueError, UnicodeDecodeError) as err:
        return SandboxResult(None, "invalid notebook", 0.0, f"{notebook} is not a readable notebook: {err}")
    workdir = tempfile.mkdtemp(prefix="toolkit-grade-")
    Path(workdir, "submission.ipynb").write_text(json.dumps(content))
    token = uuid.uuid4().hex
    command = [sys.executable, "-I", _REAPER, str(memory_mb), str(int(timeout_s) + 5),
               *module_command("toolkit.grading._student_runner", workdir, json.dumps(names))]
    with tempfile.TemporaryFile("w+") as log:
        start = time.monotonic()
        proc = subprocess.Popen(command, cwd=workdir, env=_environment(workdir, token),
                                stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
        with _LIVE_LOCK:
            _LIVE.add(proc)
        try:
            status, peak = _watch(proc, start, timeout_s, memory_mb)
        finally:
            with _LIVE_LOCK:
                _LIVE.discard(proc)
        seconds = time.monotonic() - start
        leftover = _sweep(token)
        returncode = _runner_returncode(proc.returncode)
        if status == "ok" and returncode != 0:
            status = "crashed"
        log.seek(0)
        text = log.read()[-5000:]
    leftover += _leftover_reported(text)
    answers = Path(workdir, "answers.json")
    answers_json = None
    if status == "ok" and answers.is_file() and answers.stat().st_size <= MAX_ANSWER_BYTES:
        answers_json = answers.read_text()
    shutil.rmtree(workdir, ignore_errors=True)
    return SandboxResult(answers_json, status, round(seconds, 2), text, returncode, round(peak, 1), leftover)


def _leftover_reported(log: str) -> int:
    """How many leftover processes the reaper says it stopped (its last report in the log)."""
    reports = re.findall(r"\[grader\] stopped (\d+) leftover process", log)
    return int(reports[-1]) if reports else 0
