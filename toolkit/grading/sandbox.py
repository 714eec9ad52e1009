"""Run a student's notebook in a locked-down process and collect the answers it exports.

The process gets a fresh folder holding only the submission, a minimal environment, limits on
memory, CPU time and file size, a wall-clock timeout, its own session (so the whole process group
can be killed), and, where Linux Landlock is available, no access to files outside Python, the
toolkit and its folder. Whatever it does, the grader goes on with the next submission.
"""
from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = ["SandboxResult", "run_in_sandbox"]

MAX_ANSWER_BYTES = 200 * 2**20


@dataclass
class SandboxResult:
    answers_json: str | None  # None when the submission exported nothing
    status: str  # "ok", "timeout", "memory", "crashed", "invalid notebook"
    seconds: float
    log: str


def _limits(memory_mb: int, cpu_s: int):
    def apply() -> None:
        virtual = (memory_mb + 2048) * 2**20  # headroom: libraries reserve address space they never use
        resource.setrlimit(resource.RLIMIT_AS, (virtual, virtual))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s))
        resource.setrlimit(resource.RLIMIT_FSIZE, (MAX_ANSWER_BYTES, MAX_ANSWER_BYTES))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    return apply


def _environment(workdir: str) -> dict[str, str]:
    keep = {k: os.environ[k] for k in ("PATH", "LANG", "TOOLKIT_DATA", "TOOLKIT_SHARED_DATA",
                                       "TOOLKIT_GRADER_ISOLATION") if k in os.environ}
    return {**keep, "HOME": workdir, "TMPDIR": workdir, "MPLCONFIGDIR": workdir,
            "MPLBACKEND": "Agg", "OMP_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1"}


def _tree_rss_mb(pid: int) -> float:
    import psutil

    try:
        proc = psutil.Process(pid)
        return sum(p.memory_info().rss for p in [proc, *proc.children(recursive=True)]) / 2**20
    except psutil.Error:
        return 0.0


def run_in_sandbox(notebook: Path, names: list[str], timeout_s: float = 120,
                   memory_mb: int = 2048) -> SandboxResult:
    """Execute ``notebook`` in the sandbox and return the exported ``names`` as JSON text."""
    try:
        content = json.loads(Path(notebook).read_text())
        assert isinstance(content.get("cells"), list)
    except (OSError, ValueError, AssertionError, AttributeError):
        return SandboxResult(None, "invalid notebook", 0.0, f"{notebook} is not a readable notebook")
    workdir = tempfile.mkdtemp(prefix="toolkit-grade-")
    Path(workdir, "submission.ipynb").write_text(json.dumps(content))
    with tempfile.TemporaryFile("w+") as log:
        start = time.monotonic()
        proc = subprocess.Popen(
            [sys.executable, "-I", "-m", "toolkit.grading._student_runner", workdir, json.dumps(names)],
            cwd=workdir, env=_environment(workdir), stdin=subprocess.DEVNULL, stdout=log, stderr=log,
            preexec_fn=_limits(memory_mb, int(timeout_s) + 5), start_new_session=True)
        status = "ok"
        while proc.poll() is None:
            if time.monotonic() - start > timeout_s:
                status = "timeout"
            elif _tree_rss_mb(proc.pid) > memory_mb:
                status = "memory"
            if status != "ok":
                os.killpg(proc.pid, signal.SIGKILL)
                break
            time.sleep(0.1)
        proc.wait()
        seconds = time.monotonic() - start
        if status == "ok" and proc.returncode != 0:
            status = "crashed"
        log.seek(0)
        text = log.read()[-5000:]
    answers = Path(workdir, "answers.json")
    answers_json = None
    if status == "ok" and answers.is_file() and answers.stat().st_size <= MAX_ANSWER_BYTES:
        answers_json = answers.read_text()
    shutil.rmtree(workdir, ignore_errors=True)
    return SandboxResult(answers_json, status, round(seconds, 2), text)
