"""Test-wide safety: no network, and data folders redirected to a temporary directory."""
from __future__ import annotations

import ipaddress
import socket

import pytest

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


@pytest.fixture(scope="session")
def shared_dir():
    """``../shared`` beside the checkout, or skip when it is not there."""
    from pathlib import Path

    path = Path(__file__).resolve().parents[1].parent / "shared"
    if not path.is_dir():
        pytest.skip("../shared is not present beside the checkout")
    return path
