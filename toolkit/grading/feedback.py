"""Instant feedback in a student notebook, from public tests carried inside the notebook itself.

`build_exercise` puts the public tests into the notebook's first code cell, so `grader.check("q1")`
works after the file is renamed, moved, or opened on Colab, where otter's own lookup of the
notebook file fails. Hidden tests are never in a student notebook; grading is done elsewhere.
"""
from __future__ import annotations

import inspect
import json

from ..checkpoints import CORRECT, WRONG, _show
from ._test_runner import run_case

__all__ = ["Checker", "init_cell_source"]


class Checker:
    """Runs the public tests of one question in the learner's own namespace.

    Examples
    --------
    >>> tests = {"q1": {"suites": [{"cases": [{"code": ">>> x == 2\\nTrue"}]}]}}
    >>> x = 2
    >>> Checker(tests).check("q1", env={"x": 2})
    ✅ q1: all 1 public test(s) passed.
    True
    """

    def __init__(self, tests: dict):
        self.tests = tests

    def check(self, question: str, env: dict | None = None) -> bool:
        if question not in self.tests:
            raise ValueError(f"question must be one of {sorted(self.tests)}; got {question!r}")
        env = inspect.currentframe().f_back.f_globals if env is None else env
        cases = [c for suite in self.tests[question]["suites"] for c in suite["cases"]]
        results = [run_case(case["code"], env) for case in cases]
        failed = [message for ok, message in results if not ok]
        if not failed:
            _show(CORRECT, None, f"{question}: all {len(cases)} public test(s) passed.")
            return True
        first = failed[0].strip().splitlines()
        _show(WRONG, None, f"{question}: {len(failed)} of {len(cases)} public test(s) failed. "
                           + " ".join(first[-4:]))
        return False


def init_cell_source(public_tests: dict) -> str:
    """The code of a student notebook's first cell: a `Checker` holding the public tests."""
    return ("# Instant feedback: the public tests travel inside this cell, so `grader.check` works\n"
            "# after renaming the notebook and on Colab. Your instructor also runs hidden tests.\n"
            "import json\nfrom toolkit.grading.feedback import Checker\n"
            f"grader = Checker(json.loads({json.dumps(json.dumps(public_tests))}))")
