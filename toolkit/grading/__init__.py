"""Grading: build otter-grader exercises and grade submissions without letting them cheat.

See `docs/instructors/grading.md`. Command line: ``python -m toolkit.grading --help``.
"""
from .build import build_exercise, find_exercises
from .grade import grade_notebook, grade_submissions, load_tests

__all__ = ["build_exercise", "find_exercises", "grade_notebook", "grade_submissions", "load_tests"]
