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
import warnings
from typing import Any

__all__ = ["FORMAT_ONLY", "CheckFailed", "expect", "graded_later", "failure_sentence", "describe",
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


def describe(value: Any) -> str:
    """Plain words for what kind of value an answer is, for a sentence about a wrong type.

    Examples
    --------
    >>> describe("True"), describe(3), describe([1, 2]), describe({"a": 1, "b": 2})
    ("a string ('True')", 'a whole number (3)', 'a list of 2 values', "a dict with keys 'a', 'b'")
    """
    kind = type(value).__name__
    if value is None or value is Ellipsis:
        return "None" if value is None else "still `...`"
    if isinstance(value, bool) or kind == "bool_":
        return f"a bool ({value})"
    if isinstance(value, str):
        return f"a string ({value[:30]!r})"
    if isinstance(value, int) or kind.startswith(("int", "uint")):
        return f"a whole number ({value})"
    if isinstance(value, float) or kind.startswith("float"):
        return f"a number ({float(value):.4g})"
    if isinstance(value, dict):
        keys = ", ".join(repr(k) for k in list(value)[:4]) + (", ..." if len(value) > 4 else "")
        return f"a dict with keys {keys}" if value else "an empty dict"
    if isinstance(value, (list, tuple, set)):
        return f"a {kind} of {len(value)} value{'s' if len(value) != 1 else ''}"
    if kind == "ndarray":
        return f"a numpy array of shape {value.shape}"
    if kind in ("Series", "DataFrame"):
        return f"a pandas {kind} of shape {value.shape}"
    if kind == "Unsupported":   # answers.Unsupported: what the grader could not carry over
        return f"a {value.type_name}, which the grader cannot read (give numbers, strings, lists, dicts or arrays)"
    return f"an object of type {kind}"


def failure_sentence(error: BaseException, answers: dict[str, Any] | None = None) -> str:
    """One plain sentence for an error raised while a check ran.

    ``answers`` (the learner's values the check reads) lets the sentence say what kind of value each
    one is, so a wrong type gets a sentence about the type rather than the error's name.

    Examples
    --------
    >>> failure_sentence(NameError("name 'prs' is not defined"))
    '`prs` is not defined yet: run the cell where you set it (and the cells above it).'
    >>> failure_sentence(CheckFailed("prs should hold one score per person."))
    'prs should hold one score per person.'
    >>> failure_sentence(TypeError("object of type 'bool' has no len()"), {"gain_ci": True})
    'the check cannot use your answer as it is: `gain_ci` is a bool (True); the question says which kind of value to give (a number, a list, a dict, ...).'
    >>> failure_sentence(KeyError("genomic"), {"auc_single": {"gen": 0.7}})
    "the check looks up 'genomic' in your answer and it is not there: `auc_single` is a dict with keys 'gen'; use the names the question gives."
    """
    if isinstance(error, CheckFailed):
        return str(error)
    if isinstance(error, NameError):
        parts = str(error).split("'")
        name = getattr(error, "name", None) or (parts[1] if len(parts) > 2 else "a name")
        return f"`{name}` is not defined yet: run the cell where you set it (and the cells above it)."
    data = {"ndarray", "DataFrame", "Series"}   # usually the exercise's own data: name answers first
    shown = [f"`{name}` is {describe(value)}" for name, value in
             sorted((answers or {}).items(), key=lambda item: (type(item[1]).__name__ in data, item[0]))
             if not name.startswith("_") and type(value).__name__ not in ("module", "function", "type")][:3]
    what = (" and ".join(", ".join(shown).rsplit(", ", 1)) + "; ") if shown else ""
    if isinstance(error, (KeyError, IndexError)) and error.args:
        return (f"the check looks up {error.args[0]!r} in your answer and it is not there: {what}"
                "use the names the question gives.")
    return (f"the check cannot use your answer as it is: {what}the question says which kind of value to give "
            "(a number, a list, a dict, ...).")


class _PlainRunner(doctest.DocTestRunner):
    """A doctest runner that records one plain sentence per failure instead of a doctest report."""

    def report_start(self, out, test, example):
        pass

    def report_success(self, out, test, example, got):
        pass

    def report_failure(self, out, test, example, got):
        want = example.want.strip() or "nothing"
        out(f"the check `{example.source.strip()}` gave {got.strip() or 'nothing'}, expected {want}.\n")

    answers: dict[str, Any] = {}

    def report_unexpected_exception(self, out, test, example, exc_info):
        out(failure_sentence(exc_info[1], self.answers) + "\n")


def run_case(code: str, namespace: dict) -> tuple[bool, str]:
    """Run one otter (doctest-format) test case; return (passed, first failure as one sentence).

    Warnings raised while the check runs (numpy's "Mean of empty slice", pandas deprecations) are
    silenced: they would quote the check's own code, which says nothing to the learner.

    Examples
    --------
    >>> run_case(">>> expect(x > 0, 'x should be positive.')", {"x": -1})
    (False, 'x should be positive.')
    >>> run_case(">>> x == 2\\nTrue", {"x": 2})
    (True, '')
    >>> run_case(">>> expect(len(x) == 2, 'x should be two numbers.')", {"x": 0.5})[1]
    'the check cannot use your answer as it is: `x` is a number (0.5); the question says which kind of value to give (a number, a list, a dict, ...).'

    """
    globs = {**namespace, **helpers()}
    test = doctest.DocTestParser().get_doctest(code, globs, "case", None, 0)
    messages: list[str] = []
    runner = _PlainRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.answers = {n: namespace[n] for n in names_used(code) if n in namespace}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
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
