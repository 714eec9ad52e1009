"""The markers and xdist groups that tests/conftest.py gives (issue #34): `notebook` and `browser`
follow what a test or its fixtures call, and tests sharing a module-scoped fixture or a cache key
share one xdist group, so `-n 2 --dist loadgroup` builds each such fixture once per run."""
from __future__ import annotations

import sys

from helpers import ROOT

pytest_plugins = ["pytester"]

SAMPLE = '''
import pytest

@pytest.fixture(scope="module")
def cohort():
    return 1

@pytest.fixture(scope="module", params=["voila", "jupyterlab"])
def server(request):
    return _server_command(request.param)

def _server_command(kind):
    return kind

@pytest.fixture
def kernel_run():
    return run_notebook("lesson.ipynb")

def run_notebook(path):
    return path

def test_runs_a_notebook():
    run_notebook("x.ipynb")

def test_through_a_fixture(kernel_run):
    pass

def test_drives_chromium():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        p.chromium.launch(executable_path="/usr/bin/chromium")

def test_shares_the_cohort(cohort):
    pass

def test_on_a_server(server):
    pass

def test_plain(tmp_path):
    pass
'''


def _collected(pytester, source: str, name: str = "test_sample.py"):
    pytester.makeconftest((ROOT / "tests" / "conftest.py").read_text())
    pytester.makepyfile(**{name.removesuffix(".py"): source})
    items, _ = pytester.inline_genitems("-p", "no:cacheprovider")
    return {item.name: item for item in items}


def _group(item):
    mark = item.get_closest_marker("xdist_group")
    return None if mark is None else mark.kwargs.get("name", mark.args[0] if mark.args else None)


def test_markers_follow_what_a_test_or_its_fixtures_call(pytester):
    items = _collected(pytester, SAMPLE)
    notebook = {n for n, i in items.items() if i.get_closest_marker("notebook")}
    browser = {n for n, i in items.items() if i.get_closest_marker("browser")}
    assert notebook == {"test_runs_a_notebook", "test_through_a_fixture", "test_on_a_server[voila]",
                        "test_on_a_server[jupyterlab]"}
    assert browser == {"test_drives_chromium"}


def test_tests_sharing_a_module_fixture_share_one_group_per_parameter(pytester):
    items = _collected(pytester, SAMPLE)
    assert _group(items["test_shares_the_cohort"]) == "test_sample.py"
    assert _group(items["test_on_a_server[voila]"]) == "test_sample.py:server=voila"
    assert _group(items["test_on_a_server[jupyterlab]"]) == "test_sample.py:server=jupyterlab"
    assert _group(items["test_plain"]) is None and _group(items["test_runs_a_notebook"]) is None


def test_wrong_answer_tests_are_grouped_by_exercise(pytester, monkeypatch):
    # the real tests/test_exercise_wrong_answers.py may already be imported in this process (same
    # worker): without this, the sample file of the same name would collect the real module
    monkeypatch.delitem(sys.modules, "test_exercise_wrong_answers", raising=False)
    source = ('import pytest\n\ndef solved(name):\n    return name\n\n'
              '@pytest.mark.parametrize("name", ["01_a", "02_b"])\ndef test_right(name):\n    solved(name)\n\n'
              'def test_one_exercise():\n    solved("02_b")\n\ndef test_none():\n    pass\n')
    items = _collected(pytester, source, "test_exercise_wrong_answers.py")
    assert _group(items["test_right[01_a]"]) == "test_exercise_wrong_answers.py:01_a"
    assert _group(items["test_right[02_b]"]) == "test_exercise_wrong_answers.py:02_b"
    assert _group(items["test_one_exercise"]) == "test_exercise_wrong_answers.py:02_b"
    assert _group(items["test_none"]) is None


def test_every_slow_pattern_names_collected_tests():
    """Each entry of conftest.SLOW matches a test that exists (a renamed test must be re-measured)."""
    import fnmatch
    import subprocess
    import sys

    import conftest

    files = sorted({pattern.split("::")[0] for pattern in conftest.SLOW})
    ids = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                          "-o", "addopts=", "-m", "slow", *files],
                         cwd=ROOT, capture_output=True, text=True).stdout.splitlines()
    stale = [p for p in conftest.SLOW if not any(fnmatch.fnmatchcase(i, p) for i in ids)]
    assert stale == [], f"conftest.SLOW names no collected test: {stale}"
