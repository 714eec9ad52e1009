"""Runs ONE student notebook inside the sandbox; started by `toolkit.grading.sandbox`.

Usage: python -s -m toolkit.grading._student_runner WORKDIR NAMES_JSON

1. Lock the process down with Landlock: read Python and the toolkit, write only WORKDIR.
2. Run each code cell of WORKDIR/submission.ipynb in an IPython shell; an error in one cell
   does not stop the next (as when a grader runs all cells).
3. Write the requested variables to WORKDIR/answers.json with `toolkit.grading.answers`, from
   this process only: a copy forked by student code that returns to the loop exits at once, so
   it can never overwrite the answers (the same notebook always exports the same answers).
"""
from __future__ import annotations

import json
import os
import site
import sys
from pathlib import Path

from toolkit.grading import answers as _answers
from toolkit.grading.landlock import landlock_abi, restrict_filesystem


def _readable_paths() -> list[str]:
    import toolkit

    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, *site.getsitepackages(),
             str(Path(toolkit.__file__).resolve().parent), "/usr", "/lib", "/lib64", "/bin",
             "/etc", "/proc", "/sys"}
    paths |= {os.path.realpath(p) for p in list(paths)}
    for var in ("TOOLKIT_DATA", "TOOLKIT_SHARED_DATA"):
        if os.environ.get(var):
            paths.add(os.environ[var])
    return sorted(paths)


def main(workdir: str, names: list[str]) -> None:
    from IPython.core.interactiveshell import InteractiveShell

    isolation = "none"
    if landlock_abi() >= 1 and os.environ.get("TOOLKIT_GRADER_ISOLATION") != "process":
        restrict_filesystem(_readable_paths(), [workdir, "/dev"])
        isolation = "landlock"
    print(f"[grader] isolation: {isolation}", file=sys.stderr, flush=True)
    notebook = json.loads((Path(workdir) / "submission.ipynb").read_text())
    shell = InteractiveShell.instance()
    write, dumps = (Path(workdir) / "answers.json").write_text, _answers.dumps  # before student code
    me, getpid, exit_now = os.getpid(), os.getpid, os._exit
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") == "code":
            source = "".join(cell.get("source", []))
            shell.run_cell(source, store_history=False)
            if getpid() != me:   # a forked copy that came back from student code: its answers never count
                exit_now(0)
    found = {n: shell.user_ns[n] for n in names if n in shell.user_ns}
    write(dumps(found))


if __name__ == "__main__":
    main(sys.argv[1], json.loads(sys.argv[2]))
