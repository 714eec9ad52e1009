"""A small loopback class in CI: a JupyterHub on 127.0.0.1, two learners, batch grading.

The full-size run is `make class-test` (8 learners and exercise 08 by default; see
docs/instructors/running.md). Here the exercise is a two-question one built the same way (otter
assign via `python -m toolkit.grading build`), so grading stays quick. Needs jupyterhub and
configurable-http-proxy, which `make hub-deps` installs (.ci/run calls it).
"""
from __future__ import annotations

import importlib.util
import json

import pytest

import class_test
from helpers import unavailable, write_tiny_exercise

CHP = class_test.ROOT / "build" / "hub-node" / "node_modules" / ".bin" / "configurable-http-proxy"
NAME = "00_class_tiny"


@pytest.mark.slow
def test_two_learners_log_in_run_lesson_and_exercise_and_are_graded(tmp_path):
    if importlib.util.find_spec("jupyterhub") is None or not CHP.exists():
        unavailable("needs jupyterhub and configurable-http-proxy: run `make hub-deps`")
    write_tiny_exercise(tmp_path / "exercises", NAME)
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
