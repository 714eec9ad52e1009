"""A small loopback class in CI: a JupyterHub on 127.0.0.1, two learners, batch grading.

The full-size run is `make class-test` (8 learners and exercise 08 by default; see
docs/instructors/running.md). Here the exercise is a two-question one built the same way (otter
assign via `python -m toolkit.grading build`), so grading stays quick. Needs jupyterhub and
configurable-http-proxy, which `make hub-deps` installs (.ci/run calls it).
"""
from __future__ import annotations

import importlib.util
import json
import textwrap

import nbformat
import pytest

import class_test

CHP = class_test.ROOT / "build" / "hub-node" / "node_modules" / ".bin" / "configurable-http-proxy"
NAME = "00_class_tiny"


def _tiny_master(folder):
    raw = lambda text: nbformat.v4.new_raw_cell(textwrap.dedent(text).strip())  # noqa: E731
    code = nbformat.v4.new_code_cell
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                           "language": "python"}})
    nb.cells = [
        raw(f"""# ASSIGNMENT CONFIG
             name: {NAME}
             tests:
               files: false
               ok_format: true
             export_cell: false
             check_all_cell: false
             init_cell: true
             run_tests: false
             generate: false"""),
        code("import numpy as np"),
        raw("# BEGIN QUESTION\nname: q1\npoints: 1"), raw("# BEGIN SOLUTION"),
        code("answer = 6 * 7  # SOLUTION"), raw("# END SOLUTION"), raw("# BEGIN TESTS"),
        code("isinstance(answer, int)"), code("# HIDDEN\nanswer == 42"), raw("# END TESTS"), raw("# END QUESTION"),
        raw("# BEGIN QUESTION\nname: q2\npoints: 2"), raw("# BEGIN SOLUTION"),
        code("squares = np.arange(5) ** 2  # SOLUTION"), raw("# END SOLUTION"), raw("# BEGIN TESTS"),
        code("len(squares) == 5"), code("# HIDDEN\nnp.array_equal(squares, [0, 1, 4, 9, 16])"),
        raw("# END TESTS"), raw("# END QUESTION")]
    (folder / NAME).mkdir(parents=True)
    nbformat.write(nb, folder / NAME / f"{NAME}.ipynb")


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("jupyterhub") is None or not CHP.exists(),
                    reason="needs jupyterhub and configurable-http-proxy: run `make hub-deps`")
def test_two_learners_log_in_run_lesson_and_exercise_and_are_graded(tmp_path):
    _tiny_master(tmp_path / "exercises")
    rc = class_test.main(["--students", "2", "--workdir", str(tmp_path / "class"), "--chp", str(CHP),
                          "--exercise", NAME, "--exercises", str(tmp_path / "exercises")])
    report = json.loads((tmp_path / "class" / "report.json").read_text())
    assert rc == 0 and report["failures"] == 0, [r["failure"] for r in report["learners"]]
    solved, blank = report["learners"]
    assert solved["score"] == report["grading"]["max"] == 3 and blank["score"] == 0
    assert all(r["lesson_feedback_ok"] >= 1 and not r["lesson_feedback_not_ok"] for r in report["learners"])
    assert report["first_cell_s"]["max"] < 120 and report["peak_hub_mb"] > 0
    assert report["peak_user_mb"]["n"] == 2 and report["peak_user_mb"]["min"] > 100   # server + lesson kernel
    canvas = (tmp_path / "class" / "grades" / "gradebook_canvas.csv").read_text().splitlines()
    assert canvas[1].startswith("Points Possible")
