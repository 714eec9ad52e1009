"""Every lesson, explorer and exercise solution runs top to bottom in a fresh kernel.

Wall time and peak memory per notebook are written to build/notebook-report/ (budgets are
checked by `make bench`, not here). Each notebook is executed once per test run: a test that needs
its outputs takes the `executed_notebook` fixture, which waits for (or makes) this execution.
"""
from __future__ import annotations

import pytest

from helpers import ROOT
from notebook_runner import run_notebook_once

NOTEBOOKS = sorted(ROOT.glob("notebooks/[0-9]*.ipynb")) + sorted(
    ROOT.glob("notebooks/explorers/*.ipynb"))


@pytest.mark.notebook
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_and_checkpoints_accept_solutions(path, testrun_uid):
    report = run_notebook_once(path, testrun_uid)
    ticks = [f for f in report["feedback"] if f.startswith("✅")]
    wrong = [f for f in report["feedback"] if not f.startswith("✅")]
    assert not wrong, f"{path.name}: a correct answer did not get ✅: {wrong}"
    assert len(ticks) == report["checkpoints"], f"{path.name}: {report}"
