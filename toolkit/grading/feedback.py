"""Instant feedback in a student notebook, from public tests carried inside the notebook itself.

`build_exercise` puts the public tests into the notebook's first code cell, so `grader.check("q1")`
works after the file is renamed, moved, or opened on Colab, where otter's own lookup of the
notebook file fails. Hidden tests are never in a student notebook; grading is done elsewhere.

A check shows exactly one line and returns a `toolkit.checkpoints.Feedback` (truthy only for ✅,
shown as nothing more in a notebook):

- ✅ every public test passed and they check the value;
- 📝 every public test passed but they check only the format (see `messages.graded_later`);
- ❌ a public test failed: its one-sentence message says what was expected;
- ✏️ the answer is still ``...`` or not defined yet.
"""
from __future__ import annotations

import inspect
import json

from .._utils.display import show_line
from ..checkpoints import CORRECT, EMPTY, WRONG, Feedback
from .messages import FORMAT_ONLY, names_used, run_case

__all__ = ["Checker", "init_cell_source", "FORMAT_MARK"]

FORMAT_MARK = "📝"


class Checker:
    """Runs the public tests of one question in the learner's own namespace.

    Examples
    --------
    >>> tests = {"q1": {"suites": [{"cases": [{"code": ">>> expect(x == 2, 'x should be 2.')"}]}]}}
    >>> Checker(tests).check("q1", env={"x": 2})
    ✅ q1: all 1 public test(s) passed.
    Feedback(correct=True)
    >>> Checker(tests).check("q1", env={"x": 3})
    ❌ q1: x should be 2.
    Feedback(correct=False)
    >>> Checker(tests).check("q1", env={"x": ...})
    ✏️ q1: no answer yet: `x` is still `...`; write your answer and run its cell.
    Feedback(correct=False)
    >>> Checker({"q2": {"suites": [{"cases": [{"code": ">>> expect(a < b < c, 'ordered')"}]}]}}).check(
    ...     "q2", env={"a": ..., "b": 1, "c": ...})
    ✏️ q2: no answer yet: `a` and `c` are still `...`; write your answer and run its cell.
    Feedback(correct=False)
    """

    def __init__(self, tests: dict):
        self.tests = tests

    def check(self, question: str, env: dict | None = None) -> Feedback:
        if question not in self.tests:
            raise ValueError(f"question must be one of {sorted(self.tests)}; got {question!r}")
        env = inspect.currentframe().f_back.f_globals if env is None else env
        cases = [c for suite in self.tests[question]["suites"] for c in suite["cases"]]
        return self.verdict(question, cases, env)

    @staticmethod
    def verdict(question: str, cases: list[dict], env: dict) -> Feedback:
        """Show and return the verdict of these public cases on the namespace ``env``."""
        used = sorted(set().union(*(names_used(c["code"]) for c in cases)) if cases else set())
        blank = [n for n in used if env.get(n, None) is Ellipsis]
        if blank:
            names = " and ".join(", ".join(f"`{n}`" for n in blank).rsplit(", ", 1))
            verb = "is" if len(blank) == 1 else "are"
            line = f"{EMPTY} {question}: no answer yet: {names} {verb} still `...`; write your answer and run its cell."
            show_line(line)
            return Feedback(False, line)
        failed = [message for ok, message in (run_case(c["code"], env) for c in cases) if not ok]
        if failed:
            line = f"{WRONG} {question}: {failed[0]}"
            if len(failed) > 1:
                line += f" ({len(failed)} of {len(cases)} public checks failed; fix this one first.)"
            show_line(line)
            return Feedback(False, line)
        if any("graded_later(" in c["code"] for c in cases):
            line = f"{FORMAT_MARK} {question}: {FORMAT_ONLY} (the public checks cannot tell the value without giving it away)."
            show_line(line)
            return Feedback(False, line)
        line = f"{CORRECT} {question}: all {len(cases)} public test(s) passed."
        show_line(line)
        return Feedback(True, line)


def init_cell_source(public_tests: dict) -> str:
    """The code of a student notebook's first cell: a `Checker` holding the public tests."""
    return ("# Instant feedback: the public tests travel inside this cell, so `grader.check` works\n"
            "# after renaming the notebook and on Colab. Your instructor also runs hidden tests.\n"
            "import json\nfrom toolkit.grading.feedback import Checker\n"
            f"grader = Checker(json.loads({json.dumps(json.dumps(public_tests))}))")
