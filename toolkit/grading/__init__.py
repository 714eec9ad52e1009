"""Grading: build otter-grader exercises and grade submissions without letting them cheat.

See `docs/instructors/grading.md`. Command line: ``python -m toolkit.grading --help``.
The names below load on first use, so the sandboxed notebook runner (which imports
`toolkit.grading.answers`) does not pay for pandas and the grader.
"""
from __future__ import annotations

import importlib

__all__ = ["build_exercise", "find_exercises", "grade_notebook", "grade_submissions", "load_tests"]
_HOME = {"build_exercise": "build", "find_exercises": "build", "grade_notebook": "grade",
         "grade_submissions": "grade", "load_tests": "grade"}


def __getattr__(name: str):
    if name in _HOME:
        return getattr(importlib.import_module(f"{__name__}.{_HOME[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
