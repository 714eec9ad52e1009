"""A class-sized batch: 40 submitted notebooks (right, wrong, blank, hostile, symlinked, nested,
duplicate names) graded in one run, every score as expected, no process left behind.

Its wall time and peak memory are printed (run with ``-s``) and quoted in benchmarks/RESULTS.md,
section "Batch grader: a class of 40". The exercise is the two-question tiny one (seconds per
submission), so the run costs what the grader itself costs, not what an exercise computes.
"""
from __future__ import annotations

import os
import resource
import textwrap
import threading
import time
from pathlib import Path

import nbformat
import psutil
import pytest

from helpers import write_tiny_exercise
from toolkit.grading import build_exercise, grade_submissions
from toolkit.grading.landlock import landlock_abi

NAME = "00_tiny"
FORK_MARKER = "4171.5"   # the `sleep` argument of the forker's grandchild


def _notebook(paths, path: Path, extra: str | None = None, solved: bool = False) -> None:
    nb = nbformat.read(paths["autograder" if solved else "student"], as_version=4)
    if extra is not None:
        nb.cells.append(nbformat.v4.new_code_cell(textwrap.dedent(extra).strip()))
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


# q1 (1 point): a public check (a whole number) and a hidden one (42), half a point each;
# q2 (2 points): a public check (5 numbers) and a hidden one (the squares), one point each.
WRONG = {
    "w_off_by_one": ("answer = 41\nsquares = np.arange(5) ** 2", 2.5),
    "w_last_square": ("answer = 42\nsquares = [0, 1, 4, 9, 15]", 2.0),
    "w_text": ("answer = '42'\nsquares = list(range(5))", 1.0),
    "w_only_q2": ("squares = np.arange(5) ** 2", 2.0),
    "w_only_q1": ("answer = 42", 1.0),
    "w_off_by_one_again": ("answer = 41\nsquares = np.arange(5) ** 2", 2.5),
}
HOSTILE = {
    "h_monkeypatch": ("""
        answer = 41
        squares = [1, 2, 3, 4, 5]
        import math, numpy.testing
        np.array_equal = lambda *a, **k: True
        numpy.testing.assert_allclose = lambda *a, **k: None
        math.isclose = lambda *a, **k: True""", 1.5),
    "h_fake_grader": ("""
        answer = 0
        squares = []
        class Fake:
            def check(self, *a): return True
        grader = Fake()""", 0.5),
    "h_exit_before_export": ("""
        answer, squares = 42, np.arange(5) ** 2
        import os; os._exit(0)""", 0.0),
    "h_forker": (f"""
        import os
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                os.execve("/bin/sleep", ["sleep", "{FORK_MARKER}"], {{}})
            os._exit(0)
        answer = 42""", 1.0),
    "h_memory_bomb": ("""
        try:
            hog = bytearray(64 * 2**30)
        except MemoryError:
            pass
        answer = 42""", 1.0),
    "h_segfault": ("import ctypes\nctypes.string_at(0)", 0.0),   # on the solved notebook
}


def _reader(root: Path) -> str:
    return f"""
        import glob, json
        found = []
        for p in glob.glob({str(root)!r} + '/**/*.ipynb', recursive=True):
            try:
                json.load(open(p)); found.append(p)
            except Exception:
                pass
        answer = 42 if found else -1.0
        squares = np.arange(5) ** 2 if found else []"""


def make_class(paths, root: Path, subs: Path) -> dict[str, tuple[float, str]]:
    """Write 40 notebooks into ``subs``; return each student's expected (score, status)."""
    expected = {}
    for i in range(16):                                   # right: 8 flat, 8 nested
        student = f"r{i:02d}"
        where = subs / f"{student}.ipynb" if i < 8 else subs / student / "week3" / f"{NAME}.ipynb"
        _notebook(paths, where, solved=True)
        expected[student] = (3.0, "ok")
    for student, (code, score) in WRONG.items():
        _notebook(paths, subs / student / "homework.ipynb", code)
        expected[student] = (score, "ok")
    for i in range(3):
        _notebook(paths, subs / f"b{i}.ipynb")
        expected[f"b{i}"] = (0.0, "ok")
    for student, (code, score) in HOSTILE.items():
        _notebook(paths, subs / f"{student}.ipynb", code, solved=student == "h_segfault")
        expected[student] = (score, "crashed" if student == "h_segfault" else "ok")
    if landlock_abi() >= 1:
        _notebook(paths, subs / "h_reader.ipynb", _reader(root))
        expected["h_reader"] = (0.0, "ok")
    else:   # without Landlock a notebook can read files; the class is still 40 notebooks
        _notebook(paths, subs / "h_reader.ipynb", "answer = -1.0")
        expected["h_reader"] = (0.0, "ok")
    (subs / "h_invalid.ipynb").write_text("this is not a notebook")
    expected["h_invalid"] = (0.0, "invalid notebook")
    (subs / "s_key.ipynb").symlink_to(paths["autograder"])
    (subs / "s_folder").symlink_to(paths["autograder"].parent, target_is_directory=True)
    (subs / "s_inside").mkdir()
    (subs / "s_inside" / "hw.ipynb").symlink_to(paths["autograder"])
    expected.update({s: (0.0, "refused") for s in ("s_key", "s_folder", "s_inside")})
    _notebook(paths, subs / "d_twice.ipynb", solved=True)
    _notebook(paths, subs / "d_twice" / f"{NAME}.ipynb", solved=True)
    _notebook(paths, subs / "d_two" / "draft.ipynb", solved=True)
    _notebook(paths, subs / "d_two" / "final.ipynb", solved=True)
    expected.update({s: (0.0, "duplicate") for s in ("d_twice", "d_two")})
    return expected


class _PeakMemory(threading.Thread):
    """Samples the resident memory of this process and all its descendants every 0.1 s."""

    def __init__(self):
        super().__init__(daemon=True)
        self.peak_mb, self.stop = 0.0, threading.Event()

    def run(self):
        me = psutil.Process()
        while not self.stop.is_set():
            total = 0
            for proc in [me, *me.children(recursive=True)]:
                try:
                    total += proc.memory_info().rss
                except psutil.Error:
                    pass
            self.peak_mb = max(self.peak_mb, total / 2**20)
            time.sleep(0.1)


def test_a_class_of_40_in_one_run(tmp_path):
    write_tiny_exercise(tmp_path / "exercises", NAME)
    paths = build_exercise(NAME, tmp_path / "exercises", tmp_path / "dist")
    subs = tmp_path / "submissions"
    expected = make_class(paths, tmp_path, subs)
    n_files = _count_handed_in(subs)
    assert n_files == 40, n_files
    sampler = _PeakMemory()
    sampler.start()
    start, cpu_before = time.perf_counter(), _cpu_s()
    book = grade_submissions(subs, paths["autograder"], tmp_path / "out", timeout_s=60, memory_mb=1024, jobs=2)
    wall, cpu = time.perf_counter() - start, _cpu_s() - cpu_before
    sampler.stop.set()
    sampler.join()
    scores = book.groupby("student")["score"].sum().to_dict()
    status = book.groupby("student")["status"].first().to_dict()
    got = {s: (scores[s], status[s]) for s in scores}
    assert got == expected, {s: (got.get(s), e) for s, e in expected.items() if got.get(s) != e}
    pages = {p.stem for p in (tmp_path / "out" / "feedback").glob("*.html")}
    assert pages == set(expected), "one feedback page per student"
    survivors = [p.pid for p in psutil.process_iter() if FORK_MARKER in " ".join(_cmdline(p))]
    assert survivors == [], f"processes left behind: {survivors}"
    print(f"\nclass of {n_files} notebooks ({len(expected)} students, "
          f"{sum(s in ('ok', 'crashed', 'invalid notebook') for _, s in expected.values())} run): "
          f"wall {wall:.1f} s, CPU {cpu:.1f} s, peak memory {sampler.peak_mb:.0f} MB (grader + sandboxes, "
          f"jobs=2), load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


def _cpu_s() -> float:
    """CPU seconds used by this process and its finished children (the sandboxes, the tests)."""
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def _count_handed_in(subs: Path) -> int:
    """Notebooks (links to one included) plus linked folders, without following any link."""
    count = 0
    for dirpath, dirnames, filenames in os.walk(subs):
        count += sum(name.endswith(".ipynb") for name in filenames)
        count += sum(Path(dirpath, d).is_symlink() for d in dirnames)
    return count


def _cmdline(proc) -> list[str]:
    try:
        return proc.cmdline()
    except psutil.Error:
        return []


if __name__ == "__main__":   # pragma: no cover
    pytest.main([__file__, "-s", "-q", "-p", "no:cacheprovider"])
