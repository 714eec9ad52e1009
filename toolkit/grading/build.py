"""Build an exercise: execute its master notebook, then `otter assign` it into student and
autograder versions (tests stored in the notebook metadata, so feedback works after renaming
and on Colab). Masters run with `toolkit.nbexec`, the client that cannot stall on widget output."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

__all__ = ["build_exercise", "find_exercises"]


def find_exercises(exercises_dir: str | os.PathLike = "exercises") -> list[str]:
    """Names of exercise folders holding a master notebook named after the folder."""
    root = Path(exercises_dir)
    return sorted(p.name for p in root.iterdir() if (p / f"{p.name}.ipynb").is_file()) if root.is_dir() else []


def build_exercise(name: str, exercises_dir: str | os.PathLike = "exercises",
                   dist_dir: str | os.PathLike = "dist", timeout_s: int = 600) -> dict[str, Path]:
    """Execute ``exercises/NAME/NAME.ipynb`` and assign it into ``dist/NAME/{student,autograder}``.

    Returns the paths of the student and autograder notebooks. Raises if a student notebook
    still contains a solution or a hidden test.
    """
    import nbformat

    from ..nbexec import notebook_client

    master = Path(exercises_dir) / name / f"{name}.ipynb"
    if not master.is_file():
        raise FileNotFoundError(f"no master notebook {master}; exercises: {find_exercises(exercises_dir)}")
    out = Path(dist_dir) / name
    with tempfile.TemporaryDirectory(prefix=f"build-{name}-") as tmp:
        executed = Path(tmp) / master.name
        nb = nbformat.read(master, as_version=4)
        notebook_client(nb, timeout=timeout_s, kernel_name="python3",
                        resources={"metadata": {"path": str(master.parent)}}).execute()
        nbformat.write(nb, executed)
        staging = Path(tmp) / "dist"
        subprocess.run([sys.executable, "-m", "otter", "assign", str(executed), str(staging)],
                       check=True, capture_output=True, text=True, cwd=tmp)
        for version in ("student", "autograder"):
            _use_portable_feedback(staging / version / master.name)
        _check_student_version(staging / "student" / master.name)
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(staging, out)
    return {"student": out / "student" / master.name, "autograder": out / "autograder" / master.name}


def _use_portable_feedback(path: Path) -> None:
    """Replace otter's init cell (it finds tests by the notebook's file name) with a `Checker`."""
    from .feedback import init_cell_source

    nb = json.loads(path.read_text())
    tests = nb["metadata"].get("otter", {}).get("tests", {})
    public = {q: {**t, "suites": [{**s, "cases": [c for c in s["cases"] if not c.get("hidden")]}
                                  for s in t["suites"]]} for q, t in tests.items()}
    for cell in nb["cells"]:
        if cell["cell_type"] == "code" and "".join(cell["source"]).startswith("# Initialize Otter"):
            cell["source"] = init_cell_source(public)
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False))


def _check_student_version(path: Path) -> None:
    nb = json.loads(path.read_text())
    text = "\n".join("".join(c["source"]) for c in nb["cells"])
    if "# SOLUTION" in text or "BEGIN SOLUTION" in text:
        raise ValueError(f"{path} still contains a solution")
    tests = nb["metadata"].get("otter", {}).get("tests", {})
    if any(case.get("hidden") for t in tests.values() for s in t["suites"] for case in s["cases"]):
        raise ValueError(f"{path} still contains hidden tests")
