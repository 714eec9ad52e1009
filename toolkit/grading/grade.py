"""Batch grading: every submission in a folder -> gradebook.csv and a feedback page per student.

Student code and hidden tests never share an interpreter: each notebook runs in the sandbox
(`toolkit.grading.sandbox`), only its answers come out (as JSON), and the tests run on those
answers in a separate clean process that reads the tests from standard input.
"""
from __future__ import annotations

import html
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

from .messages import names_used
from .sandbox import run_in_sandbox

__all__ = ["load_tests", "grade_notebook", "grade_submissions", "question_score",
           "exported_names"]


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


def _run_tests(tests: dict, answers_json: str | None, timeout_s: float) -> dict:
    with tempfile.TemporaryDirectory(prefix="toolkit-tests-") as tmp:
        answers = Path(tmp, "answers.json")
        answers.write_text(answers_json or "{}")
        request = json.dumps({"tests": tests, "answers": str(answers)})
        try:
            out = subprocess.run([sys.executable, "-I", "-m", "toolkit.grading._test_runner"],
                                 input=request, capture_output=True, text=True, cwd=tmp,
                                 timeout=timeout_s, env={**os.environ, "OMP_NUM_THREADS": "1"})
            return json.loads(out.stdout.strip().splitlines()[-1])
        except (subprocess.TimeoutExpired, ValueError, IndexError):
            return {q: {"points": s.get("points", 1) or 1, "cases": []} for q, s in tests.items()}


def grade_notebook(notebook: str | os.PathLike, tests: dict, timeout_s: float = 120,
                   memory_mb: int = 2048) -> tuple[pd.DataFrame, str]:
    """Grade one submission: (rows of question, score, max, status) and the feedback HTML."""
    sandbox = run_in_sandbox(Path(notebook), exported_names(tests), timeout_s, memory_mb)
    results = _run_tests(tests, sandbox.answers_json, timeout_s)
    rows = []
    for question, spec in tests.items():
        cases = results.get(question, {}).get("cases", [])
        points = float(spec.get("points", 1) or 1)
        n_cases = sum(len(s["cases"]) for s in spec["suites"])
        passed = [c["passed"] for c in cases] + [False] * (n_cases - len(cases))
        score = question_score(spec, passed) if sandbox.status == "ok" else 0.0
        rows.append({"question": question, "score": round(score, 4), "max": points,
                     "status": sandbox.status, "cases": cases})
    table = pd.DataFrame(rows)
    return table.drop(columns="cases"), _feedback_html(Path(notebook).stem, table, sandbox)


def _feedback_html(student: str, table: pd.DataFrame, sandbox) -> str:
    parts = [f"<h1>Feedback for {html.escape(student)}</h1>",
             f"<p>Run status: {html.escape(sandbox.status)} ({sandbox.seconds} s). "
             f"Total: {table['score'].sum():g} / {table['max'].sum():g}</p>"]
    for row in table.itertuples():
        parts.append(f"<h2>{html.escape(row.question)}: {row.score:g} / {row.max:g}</h2><ul>")
        for case in row.cases:
            mark = "passed" if case["passed"] else "failed"
            detail = "" if case["hidden"] or case["passed"] else f"<pre>{html.escape(case['message'])}</pre>"
            parts.append(f"<li>{'hidden' if case['hidden'] else 'public'} test {mark}{detail}</li>")
        parts.append("</ul>")
    return "<!doctype html><meta charset='utf-8'>\n" + "\n".join(parts)


def grade_submissions(submissions_dir: str | os.PathLike, autograder_notebook: str | os.PathLike,
                      out_dir: str | os.PathLike | None = None, timeout_s: float = 120,
                      memory_mb: int = 2048) -> pd.DataFrame:
    """Grade every ``*.ipynb`` under ``submissions_dir``; write gradebook.csv and feedback/*.html.

    The student's name is the notebook's file name without ``.ipynb``. One broken, hostile or
    endless submission scores what its answers earn (often zero) and never stops the batch.
    """
    tests = load_tests(autograder_notebook)
    out = Path(out_dir or submissions_dir)
    (out / "feedback").mkdir(parents=True, exist_ok=True)
    frames = []
    for notebook in sorted(Path(submissions_dir).rglob("*.ipynb")):
        if ".ipynb_checkpoints" in notebook.parts:
            continue
        table, page = grade_notebook(notebook, tests, timeout_s, memory_mb)
        frames.append(table.assign(student=notebook.stem))
        (out / "feedback" / f"{notebook.stem}.html").write_text(page)
    columns = ["student", "question", "score", "max", "status"]
    gradebook = pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)
    tmp = out / "gradebook.csv.part"
    gradebook.to_csv(tmp, index=False)
    os.replace(tmp, out / "gradebook.csv")
    return gradebook
