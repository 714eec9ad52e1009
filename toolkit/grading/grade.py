"""Batch grading: every submission in a folder -> gradebook.csv and a feedback page per student.

Student code and hidden tests never share an interpreter: each notebook runs in the sandbox
(`toolkit.grading.sandbox`), only its answers come out (as JSON), and the tests run on those
answers in a separate clean process that reads the tests from standard input.
"""
from __future__ import annotations

import json
import os
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd

from .._utils.files import atomic_write
from .collect import Submission, find_submissions
from .messages import names_used
from .report import describe_run, feedback_html, log_tail
from .sandbox import (SandboxResult, allow_runs, deterministic_environment, module_command,
                      run_in_sandbox, stop_all_runs)

__all__ = ["load_tests", "grade_notebook", "grade_submissions", "question_score",
           "exported_names", "COLUMNS", "RETRIED"]

COLUMNS = ["student", "question", "score", "max", "status", "detail"]
RETRIED = ("timeout", "crashed")  # statuses whose run is tried a second time


def load_tests(autograder_notebook: str | os.PathLike) -> dict:
    """The otter tests (public and hidden) stored in a built autograder notebook's metadata."""
    path = Path(autograder_notebook)
    if not path.is_file():
        raise FileNotFoundError(f"autograder notebook {path} not found; run `make exercises` first")
    tests = json.loads(path.read_text())["metadata"].get("otter", {}).get("tests")
    if not tests:
        raise ValueError(f"{path} holds no otter tests in its metadata; rebuild it with `make exercises`")
    return tests


def exported_names(tests: dict) -> list[str]:
    """Variables the tests read from the notebook: what the sandbox exports from a submission."""
    names: set[str] = set()
    for spec in tests.values():
        for suite in spec["suites"]:
            for case in suite["cases"]:
                names |= names_used(case["code"])
    return sorted(names - {"np", "pd", "math"})


def question_score(spec: dict, passed: list[bool]) -> float:
    """Points a question earns from its cases' results (public and hidden together).

    A question marked ``all_or_nothing: true`` in its otter config (every exercise question is)
    earns its points only when every case passes; otherwise each case earns an equal share.

    Examples
    --------
    >>> question_score({"points": 2, "all_or_nothing": True}, [True, False])
    0.0
    >>> question_score({"points": 2}, [True, False])
    1.0
    """
    points = float(spec.get("points", 1) or 1)
    if not passed:
        return 0.0
    if spec.get("all_or_nothing"):
        return points if all(passed) else 0.0
    return points * sum(passed) / len(passed)


def _run_tests_once(tests: dict, answers_json: str | None, timeout_s: float) -> tuple[dict | None, str]:
    """The test process's results, or (None, what went wrong)."""
    with tempfile.TemporaryDirectory(prefix="toolkit-tests-") as tmp:
        answers = Path(tmp, "answers.json")
        answers.write_text(answers_json or "{}")
        request = json.dumps({"tests": tests, "answers": str(answers)})
        try:
            out = subprocess.run(module_command("toolkit.grading._test_runner"),
                                 input=request, capture_output=True, text=True, cwd=tmp,
                                 timeout=timeout_s, env=deterministic_environment(dict(os.environ)))
        except subprocess.TimeoutExpired:
            return None, f"the tests did not finish within {timeout_s:g} s"
        try:
            return json.loads(out.stdout.strip().splitlines()[-1]), ""
        except (ValueError, IndexError):
            return None, f"the test process ended with code {out.returncode}: {log_tail(out.stderr, 3)}"


def _run_tests(tests: dict, answers_json: str | None, timeout_s: float) -> tuple[dict, str]:
    """Run the tests on the answers in a clean process (retried once if that process fails).

    Returns the results and "" or, when both tries failed, empty results and the reason.
    """
    results, error = _run_tests_once(tests, answers_json, timeout_s)
    if results is None:
        results, error = _run_tests_once(tests, answers_json, timeout_s)
    if results is None:
        return {}, error
    return results, ""


def _run_retrying(notebook: Path, names: list[str], timeout_s: float,
                  memory_mb: int) -> tuple[SandboxResult, str]:
    """Run a submission; a crash or timeout is retried once. Returns (result, detail)."""
    result = run_in_sandbox(notebook, names, timeout_s, memory_mb)
    detail = describe_run(result, timeout_s, memory_mb)
    if result.status in RETRIED:
        first = detail
        result = run_in_sandbox(notebook, names, timeout_s, memory_mb)
        detail = f"{describe_run(result, timeout_s, memory_mb)} (retried once; first run {first})"
    return result, detail


def grade_notebook(notebook: str | os.PathLike, tests: dict, timeout_s: float = 120,
                   memory_mb: int = 2048, student: str | None = None) -> tuple[pd.DataFrame, str]:
    """Grade one submission: (rows of question, score, max, status, detail) and the feedback HTML.

    A run that crashes or times out is retried once; the second run counts, and ``detail`` says
    what happened to both (signal, peak memory, time), so the same notebook gets the same score.
    """
    sandbox, detail = _run_retrying(Path(notebook), exported_names(tests), timeout_s, memory_mb)
    results, error = _run_tests(tests, sandbox.answers_json, timeout_s)
    status = sandbox.status
    if error and status == "ok":   # the grader's fault, not the learner's: say so, never a silent 0
        status = "test error"
        detail = f"test error: {error}; grade this notebook again ({detail})"
    table = _table(tests, results, status, detail)
    page = feedback_html(student or Path(notebook).stem, table, status, detail, sandbox.log)
    return table.drop(columns="cases"), page


def _table(tests: dict, results: dict, status: str, detail: str) -> pd.DataFrame:
    """One row per question: its score (0 unless the run was ok), max, status, detail, cases."""
    rows = []
    for question, spec in tests.items():
        cases = results.get(question, {}).get("cases", [])
        n_cases = sum(len(s["cases"]) for s in spec["suites"])
        passed = [c["passed"] for c in cases] + [False] * (n_cases - len(cases))
        score = question_score(spec, passed) if status == "ok" else 0.0
        rows.append({"question": question, "score": round(score, 4), "max": float(spec.get("points", 1) or 1),
                     "status": status, "detail": detail, "cases": cases})
    return pd.DataFrame(rows)


def _not_graded(sub: Submission, tests: dict) -> tuple[pd.DataFrame, str]:
    """Rows (zero, with the reason) and a feedback page for a refused or duplicate submission."""
    table = _table(tests, {}, sub.status, sub.detail)
    return table.drop(columns="cases"), feedback_html(sub.student, table, sub.status, sub.detail)


def grade_submissions(submissions_dir: str | os.PathLike, autograder_notebook: str | os.PathLike,
                      out_dir: str | os.PathLike | None = None, timeout_s: float = 120,
                      memory_mb: int = 2048, jobs: int = 1) -> pd.DataFrame:
    """Grade every student in ``submissions_dir``; write gradebook.csv and feedback/STUDENT.html.

    Flat (``alice.ipynb``) and nested (``alice/<anything>.ipynb``) layouts; see
    `toolkit.grading.collect` for who counts as a student, and why a submission is ``refused``
    (a symbolic link, a path outside the folder, the answer key) or a ``duplicate`` (two notebooks
    for one name): those get zero, their reason in ``detail``, and are never graded. One broken,
    hostile or endless submission scores what its answers earn (often zero) and never stops the batch.
    ``jobs`` submissions run at once (each may use ``memory_mb``); the scores do not depend on it.
    An interruption (Ctrl-C) kills the running notebooks, starts no other, and leaves the previous
    gradebook.csv in place (the feedback pages already written stay).
    """
    tests = load_tests(autograder_notebook)
    out = Path(out_dir or submissions_dir)
    (out / "feedback").mkdir(parents=True, exist_ok=True)

    def grade_one(sub: Submission) -> pd.DataFrame:
        if sub.status == "gradable":
            table, page = grade_notebook(sub.notebooks[0], tests, timeout_s, memory_mb, sub.student)
        else:
            table, page = _not_graded(sub, tests)
        atomic_write(out / "feedback" / f"{sub.student}.html", lambda tmp: tmp.write_text(page))
        return table.assign(student=sub.student)

    subs = find_submissions(submissions_dir, autograder_notebook)
    allow_runs()
    pool = ThreadPoolExecutor(max_workers=max(1, int(jobs)))
    try:
        frames = list(pool.map(grade_one, subs))
    except BaseException:   # Ctrl-C or an error: stop the running notebooks, start no other
        stop_all_runs()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown()
    gradebook = pd.concat(frames, ignore_index=True)[COLUMNS] if frames else pd.DataFrame(columns=COLUMNS)
    atomic_write(out / "gradebook.csv", lambda tmp: gradebook.to_csv(tmp, index=False))
    return gradebook

