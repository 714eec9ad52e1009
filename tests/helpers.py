"""Plain helpers shared by several test files (fixtures live in conftest.py).

Test modules import them as ``from helpers import ROOT, ball, free_port``: pytest puts this
folder on ``sys.path`` (rootdir-based "prepend" import mode), as for ``notebook_runner``.
"""
from __future__ import annotations

import socket
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
"""The repository root (the folder holding ``toolkit/``, ``notebooks/``, ``tests/``)."""


def free_port() -> int:
    """A free TCP port on the loopback interface, for a server started by a test."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ball(shape: tuple[int, ...], centre, radius: float) -> np.ndarray:
    """A 0/1 (uint8) mask of the voxels within ``radius`` voxels of ``centre`` (any dimension).

    >>> int(ball((5, 5), (2, 2), 1).sum())
    5
    """
    g = np.indices(shape)
    offset = g - np.asarray(centre, float).reshape(-1, *[1] * len(shape))
    return ((offset ** 2).sum(0) <= radius ** 2).astype(np.uint8)
