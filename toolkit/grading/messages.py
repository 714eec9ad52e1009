"""The words a learner reads when an exercise check runs: one plain sentence, never doctest internals.

Exercise test cells (between ``# BEGIN TESTS`` and ``# END TESTS`` in a master notebook) state what
they expect with `expect`, one sentence per property, written for the learner::

    expect(np.shape(call_rate) == (calls.shape[0],), "call_rate should hold one value per variant.")
    expect(np.nanmax(call_rate) <= 1, "a call rate is a fraction, so it cannot be above 1.")

A test cell that calls `expect` prints nothing when the answer is right, so the recorded output of
the cell is empty. A question whose public tests can only check the format (a value check would give
the answer away) calls `graded_later()` in one public test cell: its `grader.check` then says
"format OK; correctness is checked when graded" instead of ✅. Both names are available in every
test without an import (the checker and the batch grader add them); the master notebook imports them
in its setup cell so that the build can execute the tests.
"""
from __future__ import annotations

import ast
import builtins
import doctest
from typing import Any

__all__ = ["FORMAT_ONLY", "CheckFailed", "expect", "graded_later", "failure_sentence",
           "helpers", "names_used", "run_case"]

FORMAT_ONLY = "format OK; correctness is checked when graded"


class CheckFailed(AssertionError):
    """A check that failed; its text is one plain sentence for the learner."""


def expect(condition: Any, message: str) -> None:
    """Raise `CheckFailed` with ``message`` unless ``condition`` holds.

    ``condition`` must be a single truth value (use ``np.all``/``np.any`` for arrays); a condition
    that cannot be read as one (an array, a ``...``) also fails with ``message``.

    Examples
    --------
    >>> expect(0.97 <= 1, "a rate is at most 1.")
    >>> expect(1.2 <= 1, "a rate is at most 1.")
    Traceback (most recent call last):
    ...
    toolkit.grading.messages.CheckFailed: a rate is at most 1.
    """
    try:
        holds = bool(condition)
    except (TypeError, ValueError):
        holds = False
    if not holds:
        raise CheckFailed(message)


def graded_later() -> None:
    """Mark, inside a public test, a question whose public checks cover only the format.

    Examples
    --------
    >>> graded_later()
    """


def helpers() -> dict[str, Any]:
    """The names every exercise test may use without importing them."""
    return {"expect": expect, "graded_later": graded_later}


def failure_sentence(error: BaseException) -> str:
    """One plain sentence for an error raised while a check ran.

    Examples
    --------
    >>> failure_sentence(NameError("name 'prs' is not defined"))
    '`prs` is not defined yet: run the cell where you set it (and the cells above it).'
    >>> failure_sentence(CheckFailed("prs should hold one score per person."))
    'prs should hold one score per person.'
    """
    if isinstance(error, CheckFailed):
        return str(error)
    if isinstance(error, NameError):
        parts = str(error).split("'")
        name = getattr(error, "name", None) or (parts[1] if len(parts) > 2 else "a name")
        return f"`{name}` is not defined yet: run the cell where you set it (and the cells above it)."
    text = str(error).splitlines()[0] if str(error) else ""
    return (f"the check could not run on your answer ({type(error).__name__}"
            f"{': ' + text if text else ''}); check its type and shape against the question.")


class _PlainRunner(doctest.DocTestRunner):
    """A doctest runner that records one plain sentence per failure instead of a doctest report."""

    def report_start(self, out, test, example):
        pass

    def report_success(self, out, test, example, got):
        pass

    def report_failure(self, out, test, example, got):
        want = example.want.strip() or "nothing"
        out(f"the check `{example.source.strip()}` gave {got.strip() or 'nothing'}, expected {want}.\n")

    def report_unexpected_exception(self, out, test, example, exc_info):
        out(failure_sentence(exc_info[1]) + "\n")


def run_case(code: str, namespace: dict) -> tuple[bool, str]:
    """Run one otter (doctest-format) test case; return (passed, first failure as one sentence).

    Examples
    --------
    >>> run_case(">>> expect(x > 0, 'x should be positive.')", {"x": -1})
    (False, 'x should be positive.')
    >>> run_case(">>> x == 2\\nTrue", {"x": 2})
    (True, '')
    """
    globs = {**namespace, **helpers()}
    test = doctest.DocTestParser().get_doctest(code, globs, "case", None, 0)
    messages: list[str] = []
    runner = _PlainRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test, out=messages.append, clear_globs=True)
    first = messages[0].strip() if messages else ""
    return runner.failures == 0, first[:2000]


def names_used(code: str, *, free_only: bool = True) -> set[str]:
    """Variable names a doctest-format test case reads (not builtins, helpers or names it assigns).

    Examples
    --------
    >>> sorted(names_used(">>> _m = calls.mean()\\n>>> expect(call_rate.max() <= _m, 'x')"))
    ['call_rate', 'calls']
    """
    source = "\n".join(line[4:] for line in code.splitlines() if line.startswith((">>> ", "... ")))
    tree = ast.parse(source)
    loaded = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    stored = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    stored |= {a.asname or a.name.split(".")[0] for n in ast.walk(tree)
               if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names}
    names = loaded - set(dir(builtins)) - set(helpers())
    return names - stored if free_only else names
