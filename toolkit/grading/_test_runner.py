"""Runs an exercise's tests on exported answers, in a clean process the student never touched.

Usage: python -s -m toolkit.grading._test_runner < request.json, where the request holds
``{"tests": {question: otter OK-format test}, "answers": path to answers.json}``; prints one JSON
line with every case's result. The tests arrive on standard input and are never written to disk.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from toolkit.grading.messages import run_case

MAX_ANSWER_BYTES = 200 * 2**20


class _LazyPandas:
    """``pd`` for the tests, imported on first use: most exercises' tests never touch pandas,
    and its import is a third of this process's start-up."""

    def __getattr__(self, name: str):
        import pandas

        return getattr(pandas, name)


def _namespace(answers_path: str) -> dict:
    import math

    import numpy as np

    from toolkit.grading.answers import loads

    namespace = {"np": np, "pd": _LazyPandas(), "math": math}
    path = Path(answers_path)
    if path.is_file() and path.stat().st_size <= MAX_ANSWER_BYTES:
        try:
            namespace.update(loads(path.read_text()))
        except (ValueError, TypeError, KeyError):
            pass  # unreadable answers: every test then fails on a missing name
    return namespace


def main() -> None:
    request = json.load(sys.stdin)
    namespace = _namespace(request["answers"])
    results = {}
    for question, spec in request["tests"].items():
        cases = [case for suite in spec["suites"] for case in suite["cases"]]
        results[question] = {"points": spec.get("points", 1) or 1,
                             "cases": [dict(zip(("passed", "message"), run_case(c["code"], namespace)),
                                            hidden=bool(c.get("hidden"))) for c in cases]}
    print(json.dumps(results))


if __name__ == "__main__":
    main()
