"""Command line: ``python -m toolkit.datasets bundle DIR [--only NAME ...]``.

Downloads every on-demand course dataset into ``DIR`` for a classroom
(``export TOOLKIT_SHARED_DATA=DIR``); run it again to resume or to check a bundle.
"""
from __future__ import annotations

import argparse
import sys

USAGE_EPILOG = ("Then share DIR read-only and set TOOLKIT_SHARED_DATA=DIR for every learner; "
                "fetch() and load_*() look there first.")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m toolkit.datasets",
                                     description="Course datasets from the command line.")
    sub = parser.add_subparsers(dest="command")
    b = sub.add_parser("bundle", help="download every on-demand dataset into one classroom folder",
                       epilog=USAGE_EPILOG)
    b.add_argument("folder", help="the classroom folder (created if missing)")
    b.add_argument("--only", nargs="+", metavar="NAME", help="only these datasets")
    b.add_argument("--no-progress", action="store_true", help="no progress bars")
    sub.add_parser("list", help="print the dataset table (name, availability, licence, size)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command; return the exit status (0 ok, 1 a download failed, 2 usage)."""
    args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    if args.command == "list":
        from .registry import list_datasets

        print(list_datasets().to_string(index=False))
        return 0
    if args.command != "bundle":
        _parser().print_help()
        return 2
    from .bundle import bundle

    try:
        rows = bundle(args.folder, names=args.only, progress=not args.no_progress)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for row in rows:
        print(f"{row['status']:<10} {row['dataset']}/{row['file']}: {row['detail']}")
    failed = [r for r in rows if r["status"] == "failed"]
    manual = [r for r in rows if r["status"] == "manual"]
    print(f"\n{len(rows) - len(failed) - len(manual)} ready, {len(failed)} failed, "
          f"{len(manual)} need manual steps (above). "
          + ("Run the same command again to resume. " if failed else "")
          + f"Learners: export TOOLKIT_SHARED_DATA={args.folder}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
