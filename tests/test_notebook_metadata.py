"""Every notebook a learner opens names its kernel, so JupyterLab starts it without a kernel-choice dialog."""
from __future__ import annotations

import json

import pytest

from helpers import ROOT

_SKIP_PARTS = {".ipynb_checkpoints", "dist", "build", "student", "autograder"}  # generated copies


def _notebooks() -> list:
    found = [p for folder in ("notebooks", "exercises") for p in sorted((ROOT / folder).rglob("*.ipynb"))
             if not _SKIP_PARTS & set(p.relative_to(ROOT).parts)]
    return [pytest.param(p, id=str(p.relative_to(ROOT))) for p in found]


def test_the_glob_finds_lessons_explorers_and_exercise_masters():
    names = {p.values[0].relative_to(ROOT).parts[0:2] for p in _notebooks()}
    assert ("notebooks", "explorers") in names and any(n[0] == "exercises" for n in names)
    assert sum(1 for p in _notebooks() if p.values[0].parent == ROOT / "notebooks") >= 20


@pytest.mark.parametrize("path", _notebooks())
def test_notebook_names_its_kernel(path):
    spec = json.loads(path.read_text(encoding="utf-8"))["metadata"].get("kernelspec")
    fix = ('add metadata.kernelspec = {"display_name": "Python 3 (ipykernel)", "language": "python", '
           '"name": "python3"} (nbformat.read, set nb.metadata["kernelspec"], nbformat.write)')
    assert spec, f"{path.relative_to(ROOT)} has no kernelspec, so JupyterLab asks for a kernel: {fix}"
    assert spec.get("name") == "python3" and spec.get("language") == "python" and spec.get("display_name"), (
        f"{path.relative_to(ROOT)} names kernel {spec!r}; expected name 'python3', language 'python' "
        f"and a display_name, like the other lessons: {fix}")
