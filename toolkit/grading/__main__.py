"""Command line for instructors.

    python -m toolkit.grading build [NAME ...]                     # make exercises
    python -m toolkit.grading grade SUBMISSIONS_DIR --exercise NAME  # -> gradebook.csv + feedback/
        [--format canvas|moodle|csv] [--roster ROSTER.csv] [--canvas-assignment-id ID]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .build import build_exercise, find_exercises
from .export import FORMATS, export_gradebook, read_roster
from .grade import grade_submissions


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m toolkit.grading")
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="execute masters and build student/autograder notebooks")
    build.add_argument("names", nargs="*")
    build.add_argument("--exercises", default="exercises")
    build.add_argument("--dist", default="dist")
    grade = sub.add_parser("grade", help="grade a folder of submitted notebooks")
    grade.add_argument("submissions")
    grade.add_argument("--exercise", required=True)
    grade.add_argument("--dist", default="dist")
    grade.add_argument("--out", default=None)
    grade.add_argument("--timeout", type=float, default=120, help="seconds per submission")
    grade.add_argument("--memory-mb", type=int, default=2048)
    grade.add_argument("--jobs", type=int, default=1,
                       help="submissions graded at once (each may use --memory-mb); scores do not depend on it")
    grade.add_argument("--format", choices=FORMATS, default="csv",
                       help="also write gradebook_canvas.csv or gradebook_moodle.csv (see docs/instructors/grading.md)")
    grade.add_argument("--roster", default=None,
                       help="CSV: student (file name without .ipynb) -> name, canvas_id, sis_user_id, "
                            "sis_login_id, section, username, email")
    grade.add_argument("--canvas-assignment-id", default=None, help="update this Canvas assignment")
    args = parser.parse_args(argv)

    if args.command == "build":
        for name in args.names or find_exercises(args.exercises):
            paths = build_exercise(name, args.exercises, args.dist)
            print(f"{name}: {paths['student']} and {paths['autograder']}")
        return 0
    autograder = Path(args.dist) / args.exercise / "autograder" / f"{args.exercise}.ipynb"
    try:
        if args.roster:
            read_roster(args.roster)   # a bad roster stops here, before grading
    except (OSError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    try:
        book = grade_submissions(args.submissions, autograder, args.out, args.timeout, args.memory_mb,
                                 jobs=args.jobs)
    except (OSError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: the running notebooks were stopped; gradebook.csv was not written",
              file=sys.stderr)
        return 130
    totals = book.groupby("student")[["score", "max"]].sum()
    print(totals.to_string())
    _print_attention(book)
    print(f"gradebook: {Path(args.out or args.submissions) / 'gradebook.csv'}")
    if args.format != "csv":
        try:
            path = export_gradebook(book, args.format, args.exercise, args.out or args.submissions,
                                    args.roster, args.canvas_assignment_id)
        except ValueError as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
        print(f"{args.format} import file: {path}")
    return 0


def _print_attention(book) -> None:
    """List the students whose run did not end normally, with what happened, on stderr."""
    column = "detail" if "detail" in book else "status"
    rows = book[book["status"] != "ok"].groupby("student")[column].first()
    if len(rows):
        print(f"\n{len(rows)} submission(s) need your attention (see the detail column):", file=sys.stderr)
        for student, detail in rows.items():
            print(f"  {student}: {detail}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
