"""tests/notebook_runner.run_notebook_once: one execution per test run, whoever asks (issue #34).

A tiny notebook appends a line to a file each time it runs, so the count of lines is the count of
executions: two workers asking at once, then a later test, cost one execution; a new run or a
changed source costs one more; a failure is not executed again in the same run.
"""
from __future__ import annotations

import threading

import nbformat
import pytest

import notebook_runner


@pytest.fixture()
def runner(tmp_path, monkeypatch):
    """notebook_runner writing under tmp_path (its ROOT, build/executed, reports and locks)."""
    monkeypatch.setattr(notebook_runner, "ROOT", tmp_path)
    for name in ("EXECUTED_DIR", "REPORT_DIR", "LOCK_DIR"):
        monkeypatch.setattr(notebook_runner, name, tmp_path / "build" / name.lower())
    return notebook_runner


def _notebook(tmp_path, body: str = "pass"):
    log = tmp_path / "runs.txt"
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                           "language": "python"}})
    nb.cells = [nbformat.v4.new_code_cell(f"with open({str(log)!r}, 'a') as f:\n    f.write('run\\n')\n{body}")]
    path = tmp_path / "tiny.ipynb"
    nbformat.write(nb, path)
    return path, log


def _runs(log) -> int:
    return len(log.read_text().splitlines()) if log.exists() else 0


def test_one_execution_per_run_whoever_asks(runner, tmp_path):
    path, log = _notebook(tmp_path)
    reports = []
    workers = [threading.Thread(target=lambda: reports.append(runner.run_notebook_once(path, "run-1")))
               for _ in range(2)]
    [w.start() for w in workers]
    [w.join() for w in workers]
    assert _runs(log) == 1 and reports[0] == reports[1] and reports[0]["run_id"] == "run-1"
    assert runner.run_notebook_once(path, "run-1") == reports[0] and _runs(log) == 1
    assert (runner.EXECUTED_DIR / "tiny.ipynb").is_file()  # for the executed_notebook fixture
    runner.run_notebook_once(path, "run-2")  # the next test run executes afresh
    assert _runs(log) == 2
    nb = nbformat.read(path, as_version=4)
    nb.cells[0].source += "\nx = 1"
    nbformat.write(nb, path)
    runner.run_notebook_once(path, "run-2")  # a changed source too
    assert _runs(log) == 3


def test_a_failure_is_reported_again_not_executed_again(runner, tmp_path):
    path, log = _notebook(tmp_path, "raise ValueError('broken lesson')")
    with pytest.raises(Exception, match="broken lesson"):
        runner.run_notebook_once(path, "run-1")
    with pytest.raises(RuntimeError, match="tiny.ipynb failed earlier in this run"):
        runner.run_notebook_once(path, "run-1")
    assert _runs(log) == 1
