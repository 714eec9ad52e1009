"""Plain helpers shared by several test files (fixtures live in conftest.py).

Test modules import them as ``from helpers import ROOT, ball, free_port``: pytest puts this
folder on ``sys.path`` (rootdir-based "prepend" import mode), as for ``notebook_runner``.
"""
from __future__ import annotations

import os
import shutil
import socket
import textwrap
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
"""The repository root (the folder holding ``toolkit/``, ``notebooks/``, ``tests/``)."""


def require_tools() -> bool:
    """True when ``TOOLKIT_REQUIRE_TOOLS=1`` (set by ``.ci/run``): a missing reference tool fails."""
    return os.environ.get("TOOLKIT_REQUIRE_TOOLS", "") not in ("", "0")


def unavailable(reason: str, *, required: bool | None = None, allow_module_level: bool = False) -> None:
    """Skip the test because a reference tool, service or ../shared is missing, or fail instead.

    The one place where such a skip happens. ``required=None`` (tools and services): the test
    fails with ``reason`` when ``TOOLKIT_REQUIRE_TOOLS=1`` (CI), so a reference check cannot
    vanish silently. A caller with its own switch passes ``required`` (``BOOK_SITE_REQUIRED=1``;
    ``TOOLKIT_REQUIRE_SHARED=1`` for ../shared, which a clone does not have and CI cannot install).
    """
    if require_tools() if required is None else required:
        pytest.fail(f"{reason} [a failure, not a skip: TOOLKIT_REQUIRE_TOOLS=1 or the test's own switch]",
                    pytrace=False)
    pytest.skip(reason, allow_module_level=allow_module_level)


_FIXES = {"plink2": "apt-get install plink2", "bcftools": "apt-get install bcftools",
          "tabix": "apt-get install tabix", "bgzip": "apt-get install tabix",
          "dciodvfy": "apt-get install dicom3tools"}
"""How to install each reference tool (.ci/run installs them all)."""


def need_tool(name: str, fix: str = "") -> str:
    """The path of executable ``name`` on the PATH, or :func:`unavailable` (skip, or fail in CI).

    ``@pytest.mark.requires_tool("plink2")`` (see conftest.py) calls this before the test.
    """
    path = shutil.which(name)
    fix = fix or _FIXES.get(name, "")
    if path is None:
        unavailable(f"{name} is not installed{' (' + fix + ')' if fix else ''}")
    return path


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


def write_tiny_exercise(exercises: Path, name: str) -> Path:
    """Write a two-question otter master ``exercises/<name>/<name>.ipynb`` (q1 1 point, q2 2 points).

    Built like the real exercises (public checks with one-sentence messages, hidden tests), small
    enough that building and grading it takes seconds. Returns the notebook's path.
    """
    import nbformat

    def raw(text):
        return nbformat.v4.new_raw_cell(textwrap.dedent(text).strip())

    code = nbformat.v4.new_code_cell
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                           "language": "python"}})
    nb.cells = [
        raw(f"""# ASSIGNMENT CONFIG
             name: {name}
             tests:
               files: false
               ok_format: true
             export_cell: false
             check_all_cell: false
             init_cell: true
             run_tests: false
             generate: false"""),
        code("import numpy as np\nfrom toolkit.grading.messages import expect"),
        raw("# BEGIN QUESTION\nname: q1\npoints: 1"), raw("# BEGIN SOLUTION"),
        code("answer = 6 * 7  # SOLUTION"), raw("# END SOLUTION"), raw("# BEGIN TESTS"),
        code('expect(isinstance(answer, int), "answer should be a whole number.")'),
        code("# HIDDEN\nanswer == 42"), raw("# END TESTS"), raw("# END QUESTION"),
        raw("# BEGIN QUESTION\nname: q2\npoints: 2"), raw("# BEGIN SOLUTION"),
        code("squares = np.arange(5) ** 2  # SOLUTION"), raw("# END SOLUTION"), raw("# BEGIN TESTS"),
        code('expect(len(squares) == 5, "squares should hold 5 numbers.")'),
        code("# HIDDEN\nnp.array_equal(squares, [0, 1, 4, 9, 16])"), raw("# END TESTS"), raw("# END QUESTION"),
    ]
    path = exercises / name / f"{name}.ipynb"
    path.parent.mkdir(parents=True)
    nbformat.write(nb, path)
    return path
