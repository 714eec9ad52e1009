"""The batch grader cannot be gamed: one adversarial submission per attack gains no points,
and no submission stops the batch."""
from __future__ import annotations

import hashlib
import json
import textwrap
from pathlib import Path

import nbformat
import pytest

from helpers import write_tiny_exercise
from toolkit.grading import build_exercise, grade_submissions
from toolkit.grading.answers import Unsupported, dumps, loads
from toolkit.grading.landlock import landlock_abi

NAME = "00_tiny"


def _code(text):
    return nbformat.v4.new_code_cell(textwrap.dedent(text).strip())


@pytest.fixture(scope="module")
def exercise(tmp_path_factory):
    """A two-question exercise, built with otter assign like the real ones."""
    root = tmp_path_factory.mktemp("grading")
    write_tiny_exercise(root / "exercises", NAME)
    paths = build_exercise(NAME, root / "exercises", root / "dist")
    return root, paths


def _submission(paths, folder: Path, student: str, extra: str | None = None, solved=False):
    """The student notebook, answered correctly or not, with an extra cell appended."""
    nb = nbformat.read(paths["autograder" if solved else "student"], as_version=4)
    if extra is not None:
        nb.cells.append(_code(extra))
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / f"{student}.ipynb")


def _grade(root, paths, folder, **kw):
    book = grade_submissions(folder, paths["autograder"], root / f"out-{folder.name}", **kw)
    return book.groupby("student")["score"].sum().to_dict(), book


def test_solution_full_marks_and_blank_zero(exercise, tmp_path):
    root, paths = exercise
    _submission(paths, tmp_path, "solution", solved=True)
    _submission(paths, tmp_path, "blank")
    scores, book = _grade(root, paths, tmp_path)
    assert scores == {"solution": 3.0, "blank": 0.0}
    assert (root / f"out-{tmp_path.name}" / "feedback" / "solution.html").read_text().count("passed") == 4


# Each attack: the answers the attacker really holds (graded alone as the baseline), then the attack.
ATTACKS = {
    "monkeypatch_libraries": ("answer = 41\nsquares = [1, 2, 3, 4, 5]", """
        import math, operator, numpy.testing, pandas.testing
        np.array_equal = lambda *a, **k: True
        np.allclose = lambda *a, **k: True
        numpy.testing.assert_allclose = lambda *a, **k: None
        math.isclose = lambda *a, **k: True
        pandas.testing.assert_frame_equal = lambda *a, **k: None
        operator.eq = lambda a, b: True"""),
    "replace_grader": ("answer = 0\nsquares = []", """
        class Fake:
            def check(self, *a): return True
        grader = Fake()
        import otter; otter.Notebook = Fake"""),
    "exit_process": ("", """
        answer, squares = 42, np.arange(5) ** 2   # correct, but leaves before answers are exported
        import os; os._exit(0)"""),
    "system_exit": ("answer = 0", "raise SystemExit(0)"),
}


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_attack_gains_nothing(exercise, tmp_path, attack):
    root, paths = exercise
    answers, lines = ATTACKS[attack]
    _submission(paths, tmp_path, "attacker", answers + "\n" + textwrap.dedent(lines))
    _submission(paths, tmp_path, "baseline", answers)
    scores, _ = _grade(root, paths, tmp_path, timeout_s=60)
    assert scores["baseline"] < 3.0, "the baseline answers must leave points to steal"
    assert scores["attacker"] <= scores["baseline"], scores


@pytest.mark.skipif(landlock_abi() < 1, reason="file isolation needs Linux Landlock")
def test_reading_or_rewriting_tests_gains_nothing(exercise, tmp_path):
    root, paths = exercise
    autograder, master = paths["autograder"], root / "exercises" / NAME / f"{NAME}.ipynb"
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in (autograder, master)}
    attack = f"""
        import json, glob
        found = []
        for p in [{str(autograder)!r}, {str(master)!r}] + glob.glob({str(root)!r} + '/**/*.ipynb', recursive=True):
            try:
                nb = json.load(open(p))
                found.append(p)
                nb['metadata']['otter']['tests'] = {{}}
                json.dump(nb, open(p, 'w'))
            except Exception:
                pass
        answer = 42 if found else -1.0
        squares = np.arange(5) ** 2 if found else []"""
    _submission(paths, tmp_path, "reader", attack)
    scores, _ = _grade(root, paths, tmp_path)
    assert scores["reader"] == 0.0, "the submission could read the tests or the solutions"
    after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in before}
    assert after == before, "the submission rewrote a test or master file"


@pytest.mark.skipif(landlock_abi() < 1, reason="file and signal isolation needs Linux Landlock")
def test_hostile_submissions_do_not_stop_the_batch(exercise, tmp_path):
    root, paths = exercise
    out = root / f"out-{tmp_path.name}"
    _submission(paths, tmp_path, "a_sleeper", "import time\ntime.sleep(10**6)")
    _submission(paths, tmp_path, "b_memory_hog", "hog = bytearray(64 * 2**30)\nhog2 = [bytearray(2**28) for _ in range(64)]")
    _submission(paths, tmp_path, "c_killer", "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)")
    _submission(paths, tmp_path, "d_forger", f"open({str(out / 'gradebook.csv')!r}, 'w').write('forged')")
    _submission(paths, tmp_path, "z_honest", solved=True)
    scores, book = _grade(root, paths, tmp_path, timeout_s=45, memory_mb=1024)
    assert scores == {"a_sleeper": 0.0, "b_memory_hog": 0.0, "c_killer": 0.0, "d_forger": 0.0,
                      "z_honest": 3.0}, book.to_string()
    status = book.groupby("student")["status"].first().to_dict()
    assert status["a_sleeper"] == "timeout" and status["b_memory_hog"] in {"memory", "ok", "crashed"}
    assert "forged" not in (out / "gradebook.csv").read_text()


def test_answers_travel_as_data_only():
    import numpy as np
    import pandas as pd

    sent = {"n": 3, "x": np.array([0.5, 0.25]), "t": (1, "a"), "df": pd.DataFrame({"a": [1, 2]}),
            "f": lambda: 1, "s": {1, 2}}
    got = loads(dumps(sent))
    assert got["n"] == 3 and got["t"] == (1, "a") and got["s"] == {1, 2}
    assert np.array_equal(got["x"], sent["x"]) and got["df"].equals(sent["df"])
    assert isinstance(got["f"], Unsupported)
    with pytest.raises(ValueError):
        json.loads("{not json")


def test_student_notebook_gives_feedback_after_renaming(exercise, tmp_path):
    """Public tests travel in the notebook: a renamed copy, beside other notebooks, still checks."""
    from nbclient import NotebookClient

    root, paths = exercise
    nb = nbformat.read(paths["student"], as_version=4)
    assert "answer == 42" not in json.dumps([c.source for c in nb.cells])  # the hidden test
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.source.startswith("answer = "):
            cell.source = "answer = 42"
        if cell.cell_type == "code" and cell.source.startswith("squares = "):
            cell.source = "squares = [0, 1]"
    nb.cells.append(nbformat.v4.new_code_cell('del squares\ngrader.check("q2")'))
    (tmp_path / "other.ipynb").write_text("{}")
    nbformat.write(nb, tmp_path / "my homework (1).ipynb")
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    feedback = {c.source: "".join(o.get("data", {}).get("text/markdown", "") + o.get("text", "").strip()
                                  for o in c.outputs)
                for c in nb.cells if c.cell_type == "code" and "grader.check" in c.source}
    assert feedback['grader.check("q1")'].startswith("✅ q1"), feedback
    assert feedback['grader.check("q2")'] == "❌ q2: squares should hold 5 numbers.", feedback
    assert feedback['del squares\ngrader.check("q2")'].startswith("❌ q2: `squares` is not defined yet"), feedback
    checks = [c for c in nb.cells if c.cell_type == "code" and 'grader.check("' in c.source]
    assert all(len(c.outputs) == 1 for c in checks), "a check shows its verdict once, nothing more"
