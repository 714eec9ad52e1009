"""Gradebook export for Canvas and Moodle (`python -m toolkit.grading grade ... --format`)."""
from __future__ import annotations

import csv

import pandas as pd
import pytest

from toolkit.grading import __main__ as cli
from toolkit.grading.export import export_gradebook, learner_totals, read_roster

BOOK = pd.DataFrame({
    "student": ["ana", "ana", "bo", "bo", "cy", "cy"],
    "question": ["q1", "q2"] * 3,
    "score": [1.0, 2.0, 0.0, 1.5, 0.0, 0.0],
    "max": [1.0, 2.0] * 3,
    "status": ["ok", "ok", "ok", "ok", "timeout", "timeout"]})


def _rows(path):
    with open(path, newline="") as f:
        return list(csv.reader(f))


def test_totals_sum_each_learners_questions():
    totals = learner_totals(BOOK).set_index("student")
    assert totals.loc["ana"].tolist() == [3.0, 3.0]
    assert totals.loc["bo"].tolist() == [1.5, 3.0]
    assert totals.loc["cy"].tolist() == [0.0, 3.0]      # a timed-out submission still gets its row


def test_learners_not_graded_are_exported_blank_not_zero(tmp_path):
    book = BOOK.assign(status=["ok", "ok", "refused", "refused", "duplicate", "duplicate"])
    rows = _rows(export_gradebook(book, "moodle", "07", tmp_path))
    assert rows[1:] == [["ana", "3.0"], ["bo", ""], ["cy", ""]]


def test_canvas_file_has_canvas_columns_and_points_possible_row(tmp_path):
    path = export_gradebook(BOOK, "canvas", "07_fairness_audit", tmp_path, assignment_id="98765")
    rows = _rows(path)
    assert path.name == "gradebook_canvas.csv"
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "07_fairness_audit (98765)"]
    assert rows[1] == ["Points Possible", "", "", "", "", "3.0"]
    assert {r[3]: float(r[5]) for r in rows[2:]} == {"ana": 3.0, "bo": 1.5, "cy": 0.0}


def test_canvas_new_assignment_column_is_the_bare_title(tmp_path):
    rows = _rows(export_gradebook(BOOK, "canvas", "Fairness audit", tmp_path))
    assert rows[0][-1] == "Fairness audit"


def test_roster_fills_platform_identifiers_and_lists_absent_learners(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("student,name,canvas_id,sis_user_id,sis_login_id,section,email\n"
                      "ana,\"Lopez, Ana\",101,S-1,alopez,Group A,ana@example.org\n"
                      "bo,\"Berg, Bo\",102,S-2,bberg,Group B,bo@example.org\n"
                      "cy,\"Chan, Cy\",103,S-3,cchan,Group B,cy@example.org\n"
                      "dee,\"Diaz, Dee\",104,S-4,ddiaz,Group A,dee@example.org\n")
    rows = _rows(export_gradebook(BOOK, "canvas", "07", tmp_path, roster=roster, assignment_id="5"))
    by_login = {r[3]: r for r in rows[2:]}
    assert by_login["alopez"] == ["Lopez, Ana", "101", "S-1", "alopez", "Group A", "3.0"]
    assert by_login["ddiaz"][-1] == ""          # no submission: left blank, never a made-up zero
    moodle = _rows(export_gradebook(BOOK, "moodle", "07", tmp_path, roster=roster))
    assert moodle[0] == ["Email address", "Username", "07"]
    assert moodle[1] == ["ana@example.org", "ana", "3.0"]


def test_moodle_file_is_identifier_plus_one_grade_column(tmp_path):
    rows = _rows(export_gradebook(BOOK, "moodle", "07_fairness_audit", tmp_path))
    assert rows[0] == ["Username", "07_fairness_audit"]
    assert rows[1:] == [["ana", "3.0"], ["bo", "1.5"], ["cy", "0.0"]]


def test_bad_roster_and_unknown_format_name_the_fix(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("login,points\nana,3\n")
    with pytest.raises(ValueError, match="roster.csv: a roster needs a 'student' column"):
        read_roster(roster)
    partial = tmp_path / "partial.csv"
    partial.write_text("student,email\nana,ana@example.org\n")
    with pytest.raises(ValueError, match=r"without a roster row.*\['bo', 'cy'\]"):
        export_gradebook(BOOK, "moodle", "07", tmp_path, roster=partial)
    with pytest.raises(ValueError, match="choose one of csv, canvas, moodle"):
        export_gradebook(BOOK, "blackboard", "07", tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["partial.csv", "roster.csv"]  # nothing half-written


def test_cli_format_option_writes_the_import_file(tmp_path, monkeypatch, capsys):
    calls = []

    def fake_grade(submissions, autograder, out, timeout, memory_mb, jobs=1):
        calls.append(autograder)
        BOOK.to_csv(tmp_path / "gradebook.csv", index=False)
        return BOOK

    monkeypatch.setattr(cli, "grade_submissions", fake_grade)
    assert cli.main(["grade", str(tmp_path), "--exercise", "07_fairness_audit", "--format", "canvas",
                     "--canvas-assignment-id", "42"]) == 0
    assert _rows(tmp_path / "gradebook_canvas.csv")[0][-1] == "07_fairness_audit (42)"
    assert "canvas import file" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text("who\nana\n")
    assert cli.main(["grade", str(tmp_path), "--exercise", "07", "--format", "moodle",
                     "--roster", str(bad)]) == 2
    assert len(calls) == 1, "a bad roster must stop before grading"
    assert "bad.csv: a roster needs" in capsys.readouterr().err
