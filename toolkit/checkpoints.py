"""Auto-checked checkpoints: instant feedback on a learner's answer, with a hint when wrong.

Each check shows one line that starts with ✅ (correct), ❌ (not yet, with a hint) or
✏️ (no answer yet), and returns a `Feedback` that is truthy only for a correct answer. It never raises, so a
notebook always runs top to bottom. In a lesson a checkpoint cell looks like::

    answer = None   # replace None with your answer
    check_number(answer, expected=0.25, rtol=0.02, name="1.1", hint="Count ALT alleles.")

In a kernel, `check_number` and `check_choice` also attach their question's data (mime type
``QUIZ_MIME``: the kind, expected value and tolerances or options, hint, success and
explanation texts) to the feedback line. JupyterLab shows only the line; the course website
(book/build.py) turns that data into a question the reader answers in the page, so both
surfaces use one source and the expected number is the one the executed notebook computed.
"""
from __future__ import annotations

import math
import re
from typing import Any, Callable, Mapping

import numpy as np

from ._utils.display import show_line

__all__ = ["Feedback", "check_number", "check_choice", "check_array", "check_that", "QUIZ_MIME",
           "fill_solutions"]

CORRECT, WRONG, EMPTY = "✅", "❌", "✏️"
QUIZ_MIME = "application/vnd.toolkit.checkpoint+json"


class Feedback:
    """The result of a check: truthy when correct. Its message has already been shown."""

    def __init__(self, correct: bool, message: str):
        self.correct, self.message = correct, message

    def __bool__(self) -> bool:
        return self.correct

    def __repr__(self) -> str:
        return f"Feedback(correct={self.correct})"

    def _ipython_display_(self) -> None:
        """Show nothing more in a notebook: the message was displayed when the check ran."""


def _quiz_spec(kind: str, name: str | None, **fields: Any) -> dict:
    """The data a checkpoint attaches for the website (JSON-safe: numbers as plain floats).

    Examples
    --------
    >>> _quiz_spec("number", "1.1", expected=np.float64(0.25), rtol=0.01)["expected"]
    0.25
    """
    def plain(value: Any) -> Any:
        if isinstance(value, (np.generic, np.ndarray)):
            return value.tolist()
        if isinstance(value, Mapping):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, (set, frozenset, list, tuple)):
            return sorted(plain(v) for v in value)
        return value
    return {"kind": kind, "name": name, **{k: plain(v) for k, v in fields.items()}}


def _show(symbol: str, name: str | None, text: str, correct: bool = False,
          spec: dict | None = None) -> Feedback:
    label = f"Checkpoint {name}: " if name else ""
    line = f"{symbol} {label}{text}".rstrip()
    show_line(line, {QUIZ_MIME: spec} if spec else None)
    return Feedback(correct, line)


def _report(ok: bool, name: str | None, success: str, hint: str,
            spec: dict | None = None) -> Feedback:
    if ok:
        return _show(CORRECT, name, "correct. " + success, correct=True, spec=spec)
    return _show(WRONG, name, "not yet. Hint: " + hint, spec=spec)


def _unanswered(answer: Any, name: str | None, spec: dict | None = None) -> Feedback | None:
    if answer is None or answer is Ellipsis:
        return _show(EMPTY, name, "no answer yet: replace `None` with your answer and run the cell again.",
                     spec=spec)
    return None


def check_number(answer: Any, expected: float, *, rtol: float = 0.01, atol: float = 0.0,
                 name: str | None = None, hint: str = "", success: str = "") -> Feedback:
    """Check a numeric answer against ``expected`` within a relative/absolute tolerance.

    Examples
    --------
    >>> check_number(0.251, expected=0.25, rtol=0.01, name="demo")
    ✅ Checkpoint demo: correct.
    Feedback(correct=True)
    """
    spec = _quiz_spec("number", name, expected=float(expected), rtol=float(rtol), atol=float(atol),
                     hint=hint or "check your calculation.", success=success)
    if (empty := _unanswered(answer, name, spec)) is not None:
        return empty
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return _report(False, name, success, f"expected a number; got {type(answer).__name__}. {hint}",
                       spec)
    ok = math.isclose(value, float(expected), rel_tol=rtol, abs_tol=atol)
    return _report(ok, name, success, hint or "check your calculation.", spec)


def check_choice(answer: Any, correct: str | set[str], *, explanations: Mapping[str, str],
                 name: str | None = None) -> Feedback:
    """Check a multiple-choice answer (a letter, or a set of letters for several correct ones).

    ``explanations`` maps every option to why it is right or wrong: the learner sees the
    explanation of the option they chose.

    Examples
    --------
    >>> check_choice("b", "b", explanations={"a": "Too small.", "b": "Yes: 1 in 4."}, name="demo")
    ✅ Checkpoint demo: correct. Yes: 1 in 4.
    Feedback(correct=True)
    """
    normalise = lambda x: {str(c).strip().lower() for c in (x if isinstance(x, (set, list, tuple)) else [x])}
    right = normalise(correct)
    spec = _quiz_spec("choice", name, correct=right, explanations=dict(explanations))
    if (empty := _unanswered(answer, name, spec)) is not None:
        return empty
    chosen = normalise(answer)
    unknown = chosen - {k.lower() for k in explanations}
    if unknown:
        return _report(False, name, "", f"choose from {sorted(explanations)}; got {sorted(unknown)}.",
                       spec)
    why = " ".join(explanations[k] for k in sorted(explanations) if k.lower() in chosen)
    return _report(chosen == right, name, why, why or "think again.", spec)


def check_array(answer: Any, expected: Any, *, rtol: float = 1e-6, atol: float = 1e-8,
                name: str | None = None, hint: str = "", success: str = "") -> Feedback:
    """Check an array-like answer: same shape, values equal within tolerance (NaN equals NaN).

    Examples
    --------
    >>> check_array([0.5, 0.25], [0.5, 0.25], name="demo")
    ✅ Checkpoint demo: correct.
    Feedback(correct=True)
    """
    if (empty := _unanswered(answer, name)) is not None:
        return empty
    got, want = np.asarray(answer, dtype=float), np.asarray(expected, dtype=float)
    if got.shape != want.shape:
        return _report(False, name, success, f"expected shape {want.shape}; got {got.shape}. {hint}")
    ok = bool(np.allclose(got, want, rtol=rtol, atol=atol, equal_nan=True))
    return _report(ok, name, success, hint or "some values differ from the expected ones.")


def check_that(answer: Any, predicate: Callable[[Any], bool], *, name: str | None = None,
               hint: str = "", success: str = "") -> Feedback:
    """Check any property of an answer, e.g. ``lambda df: "bmi_kg_m2" in df``.

    Examples
    --------
    >>> check_that([3, 1, 2], lambda x: sorted(x) == [1, 2, 3], name="demo", success="All there.")
    ✅ Checkpoint demo: correct. All there.
    Feedback(correct=True)
    """
    if (empty := _unanswered(answer, name)) is not None:
        return empty
    try:
        ok = bool(predicate(answer))
    except Exception as exc:  # a learner's odd answer must give feedback, not a traceback
        return _report(False, name, success, f"{hint} (checking raised {type(exc).__name__}: {exc})")
    return _report(ok, name, success, hint or "not quite.")


_PLACEHOLDER = re.compile(r"^(\s*)answer\s*=\s*None\b.*$", re.MULTILINE)


def fill_solutions(nb: Any) -> int:
    r"""Put each checkpoint cell's ``metadata.solution`` in place of its ``answer = None`` line.

    The notebook tests and the website build run a lesson as a learner who answers every
    checkpoint correctly; this is the one place that writes those answers in. Checkpoint cells
    are code cells tagged ``checkpoint``; returns how many were filled.

    Raises
    ------
    ValueError
        When a checkpoint cell lacks the ``answer = None`` line or its ``metadata.solution``.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
    ...     "answer = None\ncheck_number(answer, expected=4)",
    ...     metadata={"tags": ["checkpoint"], "solution": "answer = 2 * 2"})])
    >>> fill_solutions(nb), nb.cells[0].source.splitlines()[0]
    (1, 'answer = 2 * 2')
    """
    count = 0
    for cell in nb.cells:
        if cell.cell_type != "code" or "checkpoint" not in cell.metadata.get("tags", []):
            continue
        solution = cell.metadata.get("solution")
        if solution is None or not _PLACEHOLDER.search(cell.source):
            raise ValueError("a checkpoint cell lacks `answer = None` or metadata.solution:\n"
                             + cell.source[:200])
        cell.source = _PLACEHOLDER.sub(
            lambda m: "\n".join(m.group(1) + line for line in solution.splitlines()),
            cell.source, count=1)
        count += 1
    return count
