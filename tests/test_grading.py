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


def test_regrading_gives_the_same_scores(exercise, tmp_path):
    """Three gradings of one folder give one gradebook, even for notebooks whose answers depend
    on Python's per-process string hashing (set order, ``hash``), which the sandbox fixes."""
    root, paths = exercise
    _submission(paths, tmp_path, "solution", solved=True)
    _submission(paths, tmp_path, "blank")
    for i in range(6):   # right or wrong by the hash of a string: a coin flip per process unless fixed
        _submission(paths, tmp_path, f"hash_{i}", f"answer = 42 if hash('student {i}') % 2 else 41\n"
                                                  "squares = np.arange(5) ** 2")
    _submission(paths, tmp_path, "set_order", "answer = 42\n"
                "squares = np.array([len(w) - 1 for w in {'a', 'bb', 'ccc', 'dddd', 'eeeee'}]) ** 2")
    books = [_grade(root, paths, tmp_path, jobs=2)[1][["student", "question", "score", "status"]]
             for _ in range(3)]
    for other in books[1:]:
        assert other.equals(books[0]), f"re-grading changed the gradebook:\n{books[0]}\n{other}"
    assert books[0].groupby("student")["score"].sum()["solution"] == 3.0


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
    scores, book = _grade(root, paths, tmp_path, timeout_s=10, memory_mb=1024)
    assert scores == {"a_sleeper": 0.0, "b_memory_hog": 0.0, "c_killer": 0.0, "d_forger": 0.0,
                      "z_honest": 3.0}, book.to_string()
    status = book.groupby("student")["status"].first().to_dict()
    assert status["a_sleeper"] == "timeout" and status["b_memory_hog"] in {"memory", "ok", "crashed"}
    detail = book.groupby("student")["detail"].first().to_dict()
    assert detail["a_sleeper"].startswith("timeout: stopped at the time limit of 10 s"), detail
    assert "(retried once; first run timeout" in detail["a_sleeper"], "a timeout is retried once"
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


def _statuses(book):
    return book.groupby("student")["status"].first().to_dict()


def test_links_and_the_answer_key_are_refused_not_graded(exercise, tmp_path):
    """A symlink (the file, its folder, an entry in it) or a hard link to the key earns nothing."""
    root, paths = exercise
    subs = tmp_path / "subs"
    _submission(paths, subs, "honest", solved=True)
    (subs / "alice.ipynb").symlink_to(paths["autograder"])
    (subs / "bob").symlink_to(paths["autograder"].parent, target_is_directory=True)
    (subs / "carol").mkdir()
    (subs / "carol" / "hw.ipynb").symlink_to(paths["autograder"])
    (subs / "dave").mkdir()
    (subs / "dave" / "hw.ipynb").symlink_to("../honest.ipynb")   # a link inside the folder too
    key_copy = tmp_path / "key"
    key_copy.mkdir()
    (key_copy / "k.ipynb").write_bytes(paths["autograder"].read_bytes())
    (subs / "erin.ipynb").hardlink_to(key_copy / "k.ipynb")
    scores, book = _grade_key(root, paths, subs, key_copy / "k.ipynb")
    assert scores == {"alice": 0, "bob": 0, "carol": 0, "dave": 0, "erin": 0, "honest": 3.0}, book.to_string()
    status = _statuses(book)
    assert {s for k, s in status.items() if k != "honest"} == {"refused"}, status
    detail = book.groupby("student")["detail"].first().to_dict()
    assert "alice.ipynb is a symbolic link" in detail["alice"]
    assert "bob is a symbolic link" in detail["bob"]
    assert "carol/hw.ipynb is a symbolic link" in detail["carol"]
    assert "the answer key itself" in detail["erin"]
    page = (root / f"out-{subs.name}" / "feedback" / "alice.html").read_text()
    assert "Run status: refused" in page and "symbolic link" in page and "passed" not in page


def _grade_key(root, paths, folder, key):
    """Grade with a copy of the answer key as the autograder (so a hard link to it can be made)."""
    book = grade_submissions(folder, key, root / f"out-{folder.name}")
    return book.groupby("student")["score"].sum().to_dict(), book


def test_nested_layout_one_student_per_folder_and_duplicates_are_errors(exercise, tmp_path):
    root, paths = exercise
    subs = tmp_path / "collected"
    _submission(paths, subs / "ana", "06_fusion", solved=True)
    _submission(paths, subs / "bo" / "week2", "my homework", solved=False)
    _submission(paths, subs / "bo" / ".ipynb_checkpoints", "my homework-checkpoint", solved=True)
    _submission(paths, subs, "cy", solved=True)
    _submission(paths, subs / "CY", "06_fusion", solved=True)      # the same name, another case
    _submission(paths, subs / "dee", "first", solved=True)
    _submission(paths, subs / "dee", "second", solved=True)
    (subs / "empty").mkdir()
    scores, book = _grade(root, paths, subs)
    assert scores == {"ana": 3.0, "bo": 0.0, "CY": 0.0, "dee": 0.0}, book.to_string()
    status = _statuses(book)
    assert status == {"ana": "ok", "bo": "ok", "CY": "duplicate", "dee": "duplicate"}, status
    detail = book.groupby("student")["detail"].first().to_dict()
    assert "2 notebooks belong to dee: dee/first.ipynb, dee/second.ipynb." in detail["dee"], detail
    assert "CY/06_fusion.ipynb, cy.ipynb." in detail["CY"], detail
    page = (root / f"out-{subs.name}" / "feedback" / "dee.html").read_text()
    assert "Run status: duplicate" in page and "keep the one that counts" in page


def test_every_process_a_submission_starts_ends_with_it(exercise, tmp_path):
    """A double fork with setsid and a cleared environment leaves no survivor after grading."""
    import psutil

    root, paths = exercise
    marker = f"{abs(hash(str(tmp_path))) % 10**6 + 1000}.25"   # a unique `sleep` argument
    forker = f"""
        import os
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                os.execve("/bin/sleep", ["sleep", "{marker}"], {{}})
            os._exit(0)
        answer = 42"""
    _submission(paths, tmp_path, "forker", forker)
    scores, book = _grade(root, paths, tmp_path, timeout_s=60)
    assert scores == {"forker": 1.0}                 # q1 right, q2 left blank
    survivors = [p.pid for p in psutil.process_iter() if marker in " ".join(_cmdline(p))]
    assert survivors == [], f"processes left by the submission: {survivors}"
    assert "1 leftover process(es) stopped" in book["detail"].iloc[0], book["detail"].iloc[0]


def _cmdline(proc):
    import psutil

    try:
        return proc.cmdline()
    except psutil.Error:
        return []


@pytest.mark.skipif(not Path("/dev/shm").is_dir(), reason="the flaky crash keeps its marker in /dev/shm")
def test_a_crash_is_retried_once_and_explained(exercise, tmp_path):
    """A run that crashes once is graded on its second run; one that always crashes says why."""
    root, paths = exercise
    marker = Path("/dev/shm") / f"toolkit-test-{tmp_path.name}-{abs(hash(str(tmp_path)))}"
    flaky = f"""
        import os, signal, pathlib
        marker = pathlib.Path({str(marker)!r})
        if not marker.exists():
            marker.write_text("crashed once")
            os.kill(os.getpid(), signal.SIGKILL)     # as the out-of-memory killer would"""
    try:
        _submission(paths, tmp_path, "flaky", flaky, solved=True)
        _submission(paths, tmp_path, "segfault", "import ctypes\nctypes.string_at(0)", solved=True)
        scores, book = _grade(root, paths, tmp_path, timeout_s=60)
    finally:
        marker.unlink(missing_ok=True)
    assert scores == {"flaky": 3.0, "segfault": 0.0}, book.to_string()
    detail = book.groupby("student")["detail"].first().to_dict()
    assert detail["flaky"].startswith("ok: ran in") and "first run crashed: ended by signal 9 (SIGKILL)" in detail["flaky"]
    assert detail["segfault"].startswith("crashed: ended by signal 11 (SIGSEGV)"), detail["segfault"]
    assert "peak memory" in detail["segfault"] and "retried once" in detail["segfault"]
    page = (root / f"out-{tmp_path.name}" / "feedback" / "segfault.html").read_text()
    assert "Last lines of its log" in page and "[grader] isolation" in page



def test_a_failed_test_process_is_retried_then_reported_never_a_silent_zero(exercise, tmp_path, monkeypatch):
    from toolkit.grading import grade

    root, paths = exercise
    calls = []

    def broken(tests, answers_json, timeout_s):
        calls.append(1)
        return None, "the test process ended with code 1: MemoryError"

    monkeypatch.setattr(grade, "_run_tests_once", broken)
    _submission(paths, tmp_path, "solution", solved=True)
    _, book = _grade(root, paths, tmp_path)
    assert len(calls) == 2, "the test process is tried twice"
    assert set(book["status"]) == {"test error"} and book["score"].sum() == 0
    assert book["detail"].iloc[0].startswith("test error: the test process ended with code 1: MemoryError; "
                                             "grade this notebook again")


def test_killing_the_grader_stops_the_submission_too(exercise, tmp_path):
    """If the grader dies mid-run (killed, or its terminal closed), the notebook it ran dies with it."""
    import os
    import signal
    import subprocess
    import sys
    import time

    import psutil

    root, paths = exercise
    marker = f"{abs(hash(str(tmp_path))) % 10**6 + 2000}.75"
    _submission(paths, tmp_path, "sleeper", f'import subprocess\nsubprocess.run(["sleep", "{marker}"])')
    code = ("import sys; from toolkit.grading import grade_submissions; "
            "grade_submissions(sys.argv[1], sys.argv[2], sys.argv[3], timeout_s=120)")
    grader = subprocess.Popen([sys.executable, "-c", code, str(tmp_path), str(paths["autograder"]),
                               str(root / "out-killed")], env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})

    def sleepers():
        return [p.pid for p in psutil.process_iter() if marker in " ".join(_cmdline(p))]

    deadline = time.monotonic() + 60
    while not sleepers() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert sleepers(), "the submission never started"
    grader.send_signal(signal.SIGKILL)
    grader.wait()
    deadline = time.monotonic() + 10
    while sleepers() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert sleepers() == [], "the submission outlived the grader"


def test_interrupting_a_batch_stops_it_at_once(exercise, tmp_path, monkeypatch):
    """Ctrl-C during a batch: the running notebook is killed, no other starts, no gradebook."""
    import threading
    import time

    from toolkit.grading import sandbox

    root, paths = exercise
    for student in ("a_sleeper", "b_sleeper", "c_sleeper"):
        _submission(paths, tmp_path, student, "import time\ntime.sleep(600)")
    ran = []
    real = sandbox.run_in_sandbox

    def counting(*args, **kwargs):
        result = real(*args, **kwargs)   # raises GradingStopped once stopped
        ran.append((args[0].name, result.status))
        return result

    monkeypatch.setattr("toolkit.grading.grade.run_in_sandbox", counting)
    threading.Timer(5, lambda: sandbox.stop_all_runs() and None).start()   # what Ctrl-C triggers
    start = time.monotonic()
    with pytest.raises(sandbox.GradingStopped):
        grade_submissions(tmp_path, paths["autograder"], root / "out-stopped", timeout_s=300)
    assert time.monotonic() - start < 60, "the batch did not stop at once"
    assert ran == [("a_sleeper.ipynb", "crashed")], ran   # killed; its retry and b, c never start
    assert not (root / "out-stopped" / "gradebook.csv").exists()
