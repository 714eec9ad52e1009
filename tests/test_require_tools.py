"""TOOLKIT_REQUIRE_TOOLS=1 (set by .ci/run) turns a skip for a missing reference tool into a failure.

Proved on the real reference check: tests/test_genomics_plink2.py run in a child pytest with
plink2 hidden from the PATH (an empty PATH) skips without the variable and fails with it.
"""
from __future__ import annotations

import os
import subprocess
import sys

from helpers import ROOT


def _run_plink2_tests(tmp_path, **env) -> subprocess.CompletedProcess:
    empty = tmp_path / "empty-bin"
    empty.mkdir(exist_ok=True)
    child = {k: v for k, v in os.environ.items() if k not in ("TOOLKIT_REQUIRE_TOOLS", "PYTEST_XDIST_WORKER")}
    child.update(PATH=str(empty), **env)
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "0",
                           "tests/test_genomics_plink2.py"], cwd=ROOT, env=child, capture_output=True,
                          text=True, timeout=300)


def test_without_plink2_the_plink2_checks_skip_by_default(tmp_path):
    out = _run_plink2_tests(tmp_path)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    assert "skipped" in out.stdout and "plink2 is not installed" in out.stdout, out.stdout[-2000:]
    assert " passed" not in out.stdout


def test_without_plink2_the_plink2_checks_fail_with_toolkit_require_tools(tmp_path):
    out = _run_plink2_tests(tmp_path, TOOLKIT_REQUIRE_TOOLS="1")
    assert out.returncode == 1, out.stdout[-2000:] + out.stderr[-2000:]
    assert "plink2 is not installed" in out.stdout and "TOOLKIT_REQUIRE_TOOLS=1" in out.stdout
    assert "skipped" not in out.stdout and " passed" not in out.stdout, out.stdout[-2000:]
