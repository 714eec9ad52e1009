"""Find who handed in what in a submissions folder, without following links or merging students.

Two layouts, mixed freely:

- flat: ``SUBMISSIONS/alice.ipynb``, the student is the file name without ``.ipynb``;
- nested: ``SUBMISSIONS/alice/<anything>.ipynb`` (at any depth, as hub collection and
  nbgrader-style exchanges hand work in), the student is the top folder's name.

Names starting with ``.`` (``.ipynb_checkpoints`` among them) are ignored. A student is
*refused* when anything of theirs is a symbolic link (the notebook, its folder, or any entry in
it), when a notebook's real path lies outside the submissions folder, or when it is the answer
key itself (a hard link): the grader grades only what was handed in. A student is a *duplicate*
when two notebooks map to the same name (``alice.ipynb`` and ``alice/06_fusion.ipynb``, or two
notebooks in ``alice/``; names are compared ignoring case, and the row takes the first spelling
in sorted order): none of them is graded, so the instructor decides which one counts.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Submission", "find_submissions"]


@dataclass
class Submission:
    """One student's hand-in: the notebook to grade, or the reason it is not graded."""

    student: str
    root: Path = Path(".")  # the submissions folder; paths in `detail` are relative to it
    notebooks: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # why it is refused, one sentence each

    @property
    def status(self) -> str:
        """``"refused"``, ``"duplicate"`` or ``"gradable"``."""
        if self.problems:
            return "refused"
        return "duplicate" if len(self.notebooks) > 1 else "gradable"

    @property
    def detail(self) -> str:
        """One sentence for the gradebook and the feedback page ("" when gradable)."""
        if self.problems:
            return " ".join(self.problems) + " The grader grades only files handed in; nothing was graded."
        if len(self.notebooks) > 1:
            listed = ", ".join(str(p.relative_to(self.root)) for p in self.notebooks)
            return (f"{len(self.notebooks)} notebooks belong to {self.student}: {listed}. Nothing was "
                    f"graded; keep the one that counts (or rename the others) and grade again.")
        return ""


def _link_problem(path: Path, root: Path) -> str:
    return f"{path.relative_to(root)} is a symbolic link (to {os.readlink(path)})."


def _walk_student_folder(folder: Path, root: Path, sub: Submission) -> None:
    """Add the notebooks and links found below a student's folder, never following a link."""
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        here = Path(dirpath)
        for name in sorted(dirnames):
            if not name.startswith(".") and (here / name).is_symlink():
                sub.problems.append(_link_problem(here / name, root))
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and not (here / d).is_symlink())
        for name in sorted(filenames):
            path = here / name
            if name.startswith("."):
                continue
            if path.is_symlink():
                sub.problems.append(_link_problem(path, root))
            elif name.endswith(".ipynb"):
                sub.notebooks.append(path)


def _check_inside(sub: Submission, real_root: Path, answer_key: Path | None) -> None:
    for path in sub.notebooks:
        real = Path(os.path.realpath(path))
        if not real.is_relative_to(real_root):
            sub.problems.append(f"{path.relative_to(sub.root)} resolves to {real}, outside the submissions folder.")
        elif answer_key is not None and answer_key.exists() and os.path.samefile(real, answer_key):
            sub.problems.append(f"{path.relative_to(sub.root)} is the answer key itself (a hard link to {answer_key}).")


def find_submissions(submissions_dir: str | os.PathLike,
                     answer_key: str | os.PathLike | None = None) -> list[Submission]:
    """Every student in ``submissions_dir``, sorted by name, with their notebooks or problems.

    Examples
    --------
    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> _ = (root / "ana.ipynb").write_text("{}")
    >>> (root / "bo").mkdir(); _ = (root / "bo" / "06_fusion.ipynb").write_text("{}")
    >>> (root / "ana.ipynb").with_name("cy.ipynb").symlink_to(root / "ana.ipynb")
    >>> [(s.student, s.status) for s in find_submissions(root)]
    [('ana', 'gradable'), ('bo', 'gradable'), ('cy', 'refused')]
    """
    root = Path(submissions_dir)
    if not root.is_dir():
        raise FileNotFoundError(f"submissions folder {root} not found; collect the notebooks into it first")
    real_root = Path(os.path.realpath(root))
    key = Path(os.path.realpath(answer_key)) if answer_key is not None else None
    by_name: dict[str, Submission] = {}
    for entry in sorted(root.iterdir()):
        if entry.name.startswith("."):
            continue
        is_notebook = entry.name.endswith(".ipynb")
        if not is_notebook and not entry.is_dir():   # a link to a folder counts: is_dir follows it
            continue
        student = entry.name[: -len(".ipynb")] if is_notebook else entry.name
        sub = by_name.setdefault(student.casefold(), Submission(student, root))
        if entry.is_symlink():
            sub.problems.append(_link_problem(entry, root))
        elif is_notebook and entry.is_file():
            sub.notebooks.append(entry)
        elif entry.is_dir():
            _walk_student_folder(entry, root, sub)
    subs = sorted(by_name.values(), key=lambda s: s.student)
    for sub in subs:
        _check_inside(sub, real_root, key)
    return [s for s in subs if s.notebooks or s.problems]
