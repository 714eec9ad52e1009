"""Test-wide safety: no network, and data folders redirected to a temporary directory."""
from __future__ import annotations

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
