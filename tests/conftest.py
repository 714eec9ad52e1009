"""Test-wide safety: no network, and data folders redirected to a temporary directory."""
from __future__ import annotations

import fnmatch
import http.server
import ipaddress
import socket
import threading

import pytest

from helpers import need_tool, unavailable


def pytest_configure(config):
    config.addinivalue_line("markers", "requires_tool(*names): skip without these executables on the "
                            "PATH, fail instead when TOOLKIT_REQUIRE_TOOLS=1 (helpers.need_tool)")


def pytest_runtest_setup(item):
    for mark in item.iter_markers("requires_tool"):
        for name in mark.args:
            need_tool(name)

_real_connect = socket.socket.connect


def _guarded_connect(self, address):
    host = address[0] if isinstance(address, tuple) else None
    if host is not None:
        try:
            is_local = ipaddress.ip_address(host).is_loopback
        except ValueError:
            is_local = host == "localhost"
        if not is_local:
            raise OSError(f"tests must not use the network; tried to connect to {address!r}")
    return _real_connect(self, address)


@pytest.fixture(autouse=True)
def _offline_and_isolated(monkeypatch, tmp_path_factory):
    """Block non-loopback connections and point TOOLKIT_DATA at a fresh folder."""
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    monkeypatch.setenv("TOOLKIT_DATA", str(tmp_path_factory.mktemp("toolkit-data")))
    monkeypatch.delenv("TOOLKIT_SHARED_DATA", raising=False)
    monkeypatch.setenv("MPLBACKEND", "Agg")


@pytest.fixture(scope="module")
def tiny_cohort():
    """The seeded "tiny" synthetic radiogenomic cohort (default size, seed 0), built once per module."""
    from toolkit.datasets import make_radiogenomic_cohort

    return make_radiogenomic_cohort(size="tiny", random_state=0)


@pytest.fixture(scope="session")
def shared_dir():
    """``../shared`` beside the checkout, or skip without it (fail with TOOLKIT_REQUIRE_SHARED=1).

    A clone has no ../shared (the IBSI CT phantom is CC BY-NC and stays outside the project), so
    TOOLKIT_REQUIRE_TOOLS=1 alone does not make it required; set TOOLKIT_REQUIRE_SHARED=1 where it is.
    """
    import os
    from pathlib import Path

    path = Path(__file__).resolve().parents[1].parent / "shared"
    if not path.is_dir():
        unavailable(f"../shared is not present beside the checkout ({path})",
                    required=os.environ.get("TOOLKIT_REQUIRE_SHARED", "") not in ("", "0"))
    return path


class _FileHandler(http.server.BaseHTTPRequestHandler):
    files: dict[str, bytes] = {}      # URL path -> body
    hits: dict[str, int] = {}         # URL path -> number of GET requests
    truncated: set[str] = set()       # paths that promise the whole body, send a third, hang up

    def do_GET(self):  # noqa: N802 (http.server API)
        self.hits[self.path] = self.hits.get(self.path, 0) + 1
        body = self.files.get(self.path)
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.path in self.truncated:
            self.wfile.write(body[: len(body) // 3])
            self.wfile.flush()
            self.connection.shutdown(2)
            return
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def http_server():
    """A loopback HTTP server for download tests; yields (base URL, handler class).

    Put bodies in ``handler.files[path]``; ``handler.hits`` counts requests per path.
    """
    handler = type("H", (_FileHandler,), {"files": {}, "hits": {}, "truncated": set()})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", handler
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def executed_notebook(testrun_uid):
    """``executed_notebook(path)``: the notebook as executed in this test run (checkpoints answered,
    as tests/test_notebooks.py runs it), executed once per run whichever test or worker asks first.

    Read outputs from it instead of executing a lesson again."""
    import nbformat
    from notebook_runner import EXECUTED_DIR, ROOT, run_notebook_once

    def get(path):
        from pathlib import Path

        path = Path(path).resolve()
        run_notebook_once(path, testrun_uid)
        return nbformat.read(EXECUTED_DIR / path.relative_to(ROOT), as_version=4)

    return get


# ---------------------------------------------------------------- markers and xdist groups (issue #34)
# `-m "not slow and not notebook and not browser"` is the quick loop; `make test` runs everything.
# `notebook` and `browser` are given from what a test (or a fixture it uses) calls, so a new test that
# starts a kernel or Chromium gets the marker without anyone remembering it; `slow` from the durations
# measured below (re-measure with `--durations`; a pattern that matches nothing fails
# tests/test_markers.py), besides the explicit @pytest.mark.slow marks.
_NOTEBOOK_CALLS = ("run_notebook(", "run_notebook_once(", "notebook_client(", "NotebookClient(",
                   "build_exercise(", "grade_submissions(", "class_test.main(", "_server_command(")
_BROWSER_CALLS = ("sync_playwright(", "chromium.launch(", ".launch(executable_path")
SLOW = {  # node-id pattern (fnmatch): seconds measured with --durations, -n 0, on the shared 2-core
    # machine at load 11-15 (2026-12-07; about 3-5x their idle time): the quick loop's longest tests
    "tests/test_fusion.py::test_survival_showdown_fusion_beats_each_informative_modality": 160.4,
    "tests/test_fusion.py::test_deterministic_and_usable_in_pipelines*": 28.6,
    "tests/test_fusion.py::test_sklearn_estimator_contract[LateFusion(combine='stacking'*": 20.5,
    "tests/test_exercise_wrong_answers.py::*09_cnn_real_images*": 72.3,  # its master trains a CNN
    "tests/test_harmonisation.py::test_harmonisation_explorer_static_and_update": 43.1,
    "tests/test_harmonisation.py::test_harmonisation_removes_the_site_fingerprint_and_keeps_the_biology": 21.6,
    "tests/test_genomics_plink2.py::test_real_pca_matches_plink2_on_200_people_per_superpopulation": 36.9,
    "tests/test_explorers.py::test_fusion_contributions_add_up_to_prediction": 23.4,
    "tests/test_packaging.py::test_doctor_prints_table_and_exits_zero_here": 17.1,
    "tests/test_lab.py::test_make_lab_serves_notebooks_with_course_kernel": 13.6,  # a JupyterLab server
}
# Test modules whose tests share a per-process cache keyed by this parameter (not a fixture): keep each
# key's tests on one xdist worker, so the cache is filled once per run, not once per worker. A test of
# such a module without the parameter joins the group of the one key its source names, if any
# (``solved("04_segmentation_metrics")``).
_GROUP_BY_PARAM = {"test_exercise_wrong_answers.py": ("name", r'solved\("([^"]+)"\)')}


_SOURCE_CACHE: dict[object, str] = {}


def _source(func) -> str:
    """A function's source ('' for pytest's own fixtures and for what has none), read once."""
    import inspect

    if func not in _SOURCE_CACHE:
        try:
            own = not getattr(func, "__module__", "_pytest").startswith(("_pytest", "pytest"))
            _SOURCE_CACHE[func] = inspect.getsource(func) if own else ""
        except (OSError, TypeError):
            _SOURCE_CACHE[func] = ""
    return _SOURCE_CACHE[func]


def _fixture_defs(item) -> list:
    """The last (winning) definition of every fixture in the test's closure."""
    return [defs[-1] for defs in item._fixtureinfo.name2fixturedefs.values() if defs]


def _xdist_group(item) -> str | None:
    """One group per module whose tests share a fixture broader than a function (one group per
    parameter of such a fixture), or per value of the module's cache key; None lets xdist place
    the test on any worker. Session fixtures of conftest.py or plugins are per worker anyway (and
    shared by every module): they group nothing."""
    module = item.path.name
    params = getattr(getattr(item, "callspec", None), "params", {})
    if module in _GROUP_BY_PARAM:
        import re

        param, call = _GROUP_BY_PARAM[module]
        keys = {params[param]} if param in params else set(re.findall(call, _source(item.function)))
        return f"{module}:{keys.pop()}" if len(keys) == 1 else None
    shared = sorted(d.argname for d in _fixture_defs(item) if d.baseid  # not pytest's or a plugin's
                    and (d.scope in ("class", "module", "package")
                         or (d.scope == "session" and d.baseid.endswith(".py"))))
    if not shared:
        return None
    return module + "".join(f":{name}={params[name]}" for name in shared if name in params)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if not isinstance(item, pytest.Function):  # doctests
            continue
        text = "\n".join([_source(item.function)] + [_source(d.func) for d in _fixture_defs(item)])
        if any(call in text for call in _NOTEBOOK_CALLS):
            item.add_marker(pytest.mark.notebook)
        if any(call in text for call in _BROWSER_CALLS):
            item.add_marker(pytest.mark.browser)
        if any(fnmatch.fnmatchcase(item.nodeid, pattern) for pattern in SLOW):
            item.add_marker(pytest.mark.slow)
        group = _xdist_group(item)
        if group is not None:
            item.add_marker(pytest.mark.xdist_group(group))
