"""Gradebook export for learning platforms: Canvas and Moodle CSV imports.

The batch grader writes ``gradebook.csv`` (one row per learner and question). Platforms
import one row per learner and one column per assignment, identified by their own user
keys. This module turns the grader's table into those files.

Canvas (Instructor Guide, "How do I import grades in the Gradebook?",
https://community.canvaslms.com/t5/Instructor-Guide/How-do-I-import-grades-in-the-Gradebook/ta-p/807;
the columns as listed by Ohio State's Canvas guide,
https://teaching.resources.osu.edu/toolsets/carmencanvas/guides/calculating-final-grades/import-csv-file-carmen-grades):
columns ``Student``, ``ID``, ``SIS User ID``, ``SIS Login ID``, ``Section``, then one column per
assignment. An existing assignment is named ``Title (assignment id)``, as in Canvas's own
export; a column with a new title creates a new assignment. A second row ``Points Possible``
gives each assignment's maximum, as in Canvas's export.

Moodle (MoodleDocs, "Grade import", https://docs.moodle.org/311/en/Grade_import): a CSV with
a header row, one column identifying the user and one column per grade item; in the import
preview you map the identifier ("Map from" the column, "Map to" ``username``, ``useremail``
or ``useridnumber``) and each column to a grade item.
"""
from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from .._utils.files import atomic_write

FORMATS = ("csv", "canvas", "moodle")
NOT_GRADED = ("refused", "duplicate", "test error")  # statuses exported as an empty cell
CANVAS_ID_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
ROSTER_COLUMNS = ["student", "name", "canvas_id", "sis_user_id", "sis_login_id", "section",
                  "username", "email"]


def learner_totals(book: pd.DataFrame) -> pd.DataFrame:
    """One row per learner: ``score`` and ``max`` summed over the questions.

    A learner whose submission was not graded (status ``refused``, ``duplicate`` or ``test error``)
    gets an empty score (NaN), so a platform import leaves their grade blank until you act.

    Examples
    --------
    >>> book = pd.DataFrame({"student": ["ana", "ana", "bo", "bo"], "question": ["q1", "q2"] * 2,
    ...                      "score": [1.0, 2.0, 0.0, 1.5], "max": [1.0, 2.0] * 2, "status": "ok"})
    >>> learner_totals(book).to_dict("records")
    [{'student': 'ana', 'score': 3.0, 'max': 3.0}, {'student': 'bo', 'score': 1.5, 'max': 3.0}]
    >>> learner_totals(book.assign(status=["ok", "ok", "duplicate", "duplicate"]))["score"].tolist()
    [3.0, nan]
    """
    totals = book.groupby("student", sort=True)[["score", "max"]].sum().reset_index()
    totals = totals.astype({"score": float, "max": float})
    if "status" in book:   # not graded (or the grader failed): an empty cell, never a made-up zero
        waiting = set(book.loc[book["status"].isin(NOT_GRADED), "student"])
        totals.loc[totals["student"].isin(waiting), "score"] = float("nan")
    return totals


def read_roster(path: str | os.PathLike) -> pd.DataFrame:
    """Read a roster CSV: ``student`` (the submission's file name without ``.ipynb``) plus any
    of ``name, canvas_id, sis_user_id, sis_login_id, section, username, email``."""
    roster = pd.read_csv(path, dtype=str, keep_default_na=False)
    unknown = sorted(set(roster.columns) - set(ROSTER_COLUMNS))
    if "student" not in roster.columns or unknown:
        raise ValueError(f"{path}: a roster needs a 'student' column (the submission file name without "
                         f".ipynb) and only these columns: {', '.join(ROSTER_COLUMNS)}; found "
                         f"{list(roster.columns)}")
    if roster["student"].duplicated().any():
        raise ValueError(f"{path}: these students appear twice: "
                         f"{sorted(roster.loc[roster['student'].duplicated(), 'student'])}")
    return roster


def _join_roster(totals: pd.DataFrame, roster: pd.DataFrame | None) -> pd.DataFrame:
    """Totals joined to the roster; a roster learner without a submission gets an empty score."""
    if roster is None:
        return totals.assign(**{c: "" for c in ROSTER_COLUMNS[1:]})
    missing = sorted(set(totals["student"]) - set(roster["student"]))
    if missing:
        raise ValueError(f"submissions without a roster row (add them to the roster): {missing}")
    table = roster.merge(totals, on="student", how="left")
    return table.assign(**{c: table[c] if c in table else "" for c in ROSTER_COLUMNS[1:]})


def canvas_table(totals: pd.DataFrame, title: str, roster: pd.DataFrame | None = None,
                 assignment_id: str | None = None) -> pd.DataFrame:
    """The Canvas gradebook import table: identity columns, one assignment, a Points Possible row.

    Without a roster the learner's key (the submission's file name) goes in ``Student`` and
    ``SIS Login ID``; with one, its name and identifiers do (a missing one falls back to the key).

    Examples
    --------
    >>> totals = pd.DataFrame({"student": ["ana", "bo"], "score": [3.0, 1.5], "max": [3.0, 3.0]})
    >>> table = canvas_table(totals, "07_fairness_audit", assignment_id="1234")
    >>> list(table.columns)
    ['Student', 'ID', 'SIS User ID', 'SIS Login ID', 'Section', '07_fairness_audit (1234)']
    >>> print(table.to_csv(index=False).strip())
    Student,ID,SIS User ID,SIS Login ID,Section,07_fairness_audit (1234)
    Points Possible,,,,,3.0
    ana,,,ana,,3.0
    bo,,,bo,,1.5
    """
    table = _join_roster(totals, roster)
    column = f"{title} ({assignment_id})" if assignment_id else title
    rows = pd.DataFrame({
        "Student": table["name"].where(table["name"] != "", table["student"]), "ID": table["canvas_id"], "SIS User ID": table["sis_user_id"],
        "SIS Login ID": table["sis_login_id"].where(table["sis_login_id"] != "", table["student"])
        if roster is not None else table["student"],
        "Section": table["section"], column: table["score"]})
    points = pd.DataFrame([{"Student": "Points Possible", "ID": "", "SIS User ID": "", "SIS Login ID": "",
                            "Section": "", column: float(totals["max"].max()) if len(totals) else None}])
    return pd.concat([points, rows], ignore_index=True)


def moodle_table(totals: pd.DataFrame, title: str, roster: pd.DataFrame | None = None) -> pd.DataFrame:
    """The Moodle CSV grade import table: ``Email address`` and/or ``Username``, one grade column.

    Without a roster the learner's key (the submission's file name) is the ``Username``.

    Examples
    --------
    >>> totals = pd.DataFrame({"student": ["ana", "bo"], "score": [3.0, 1.5], "max": [3.0, 3.0]})
    >>> moodle_table(totals, "07_fairness_audit").to_dict("records")
    [{'Username': 'ana', '07_fairness_audit': 3.0}, {'Username': 'bo', '07_fairness_audit': 1.5}]
    """
    table = _join_roster(totals, roster)
    out = pd.DataFrame(index=table.index)
    if roster is not None and (table["email"] != "").any():
        out["Email address"] = table["email"]
    out["Username"] = table["username"].where(table["username"] != "", table["student"])
    out[title] = table["score"]
    return out


def export_gradebook(book: pd.DataFrame, fmt: str, title: str, out_dir: str | os.PathLike,
                     roster: str | os.PathLike | None = None, assignment_id: str | None = None) -> Path:
    """Write ``gradebook.csv`` (fmt ``csv``), ``gradebook_canvas.csv`` or ``gradebook_moodle.csv``.

    Parameters
    ----------
    book : DataFrame
        The grader's table (``student, question, score, max, status``).
    fmt : {"csv", "canvas", "moodle"}
    title : str
        The assignment or grade item name, usually the exercise name.
    out_dir : path
        Folder to write into (written whole or not at all).
    roster : path, optional
        CSV mapping each ``student`` to platform identifiers (see `read_roster`).
    assignment_id : str, optional
        Canvas assignment id, so the column updates that assignment instead of creating one.

    Returns
    -------
    Path of the written file.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown gradebook format {fmt!r}; choose one of {', '.join(FORMATS)}")
    out = Path(out_dir) / ("gradebook.csv" if fmt == "csv" else f"gradebook_{fmt}.csv")
    roster_table = read_roster(roster) if roster else None
    if fmt == "csv":
        table = book
    elif fmt == "canvas":
        table = canvas_table(learner_totals(book), title, roster_table, assignment_id)
    else:
        table = moodle_table(learner_totals(book), title, roster_table)
    return atomic_write(out, lambda tmp: table.to_csv(tmp, index=False))
