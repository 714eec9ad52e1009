"""Every exercise: the master (solution) executes, otter assign builds it, the solution scores full
marks and the blank student version scores zero on the batch grader, without crashing it."""
from __future__ import annotations

import shutil

import pytest

from toolkit.grading import build_exercise, find_exercises, grade_submissions

from helpers import ROOT
EXERCISES = find_exercises(ROOT / "exercises")


def test_there_are_exercises():
    assert EXERCISES, "no exercises found in exercises/"


@pytest.mark.notebook
@pytest.mark.parametrize("name", EXERCISES)
def test_solution_full_marks_blank_zero(name, tmp_path):
    paths = build_exercise(name, ROOT / "exercises", tmp_path / "dist")
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    shutil.copy(paths["autograder"], submissions / "solution.ipynb")
    shutil.copy(paths["student"], submissions / "blank.ipynb")
    book = grade_submissions(submissions, paths["autograder"], tmp_path / "out", timeout_s=300)
    totals = book.groupby("student")[["score", "max"]].sum()
    assert totals.loc["solution", "score"] == totals.loc["solution", "max"] > 0, book.to_string()
    assert totals.loc["blank", "score"] == 0, book.to_string()
    first_run = book.loc[book["student"] == "solution", "detail"].iloc[0]
    assert "retried" not in first_run, f"the solution only passed on its retry: {first_run}"
    assert (tmp_path / "out" / "feedback" / "solution.html").is_file()
