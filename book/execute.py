"""Execute a lesson for the website as a learner who answers every checkpoint (book/build.py).

The notebook test (tests/notebook_runner.py) saves executed notebooks in build/executed/,
stamped with their source's SHA-256; the site reuses them. This module executes the missing or
stale ones the same way (toolkit.nbexec, checkpoint solutions in place of ``answer = None``)
and saves them with the same stamp, so the site builder needs nothing from tests/.
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import nbformat

from toolkit import checkpoints
from toolkit.checkpoints import QUIZ_MIME
from toolkit.nbexec import notebook_client

ROOT = Path(__file__).resolve().parents[1]
EXECUTED = ROOT / "build" / "executed"
QUIZ_CALL = re.compile(r"\bcheck_(?:choice|number)\(")


class BookError(RuntimeError):
    """A step of the site build failed; the message names the file and the fix."""


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fill_solutions(nb) -> int:
    """toolkit.checkpoints.fill_solutions, failing with a BookError that names the cell."""
    try:
        return checkpoints.fill_solutions(nb)
    except ValueError as error:
        raise BookError(str(error)) from None


def _code(nb) -> list[str]:
    return [c.source for c in nb.cells if c.cell_type == "code"]


def up_to_date(saved, path: Path) -> bool:
    """True when ``saved`` (an executed notebook) still shows what ``path`` computes.

    Its stamp matches the source; or only Markdown changed since (same code cells, solutions
    filled in). And every check_choice/check_number cell carries its in-page question data
    (older toolkits did not attach it)."""
    stamp = saved.metadata.get("toolkit_executed", {}).get("source_sha256")
    if stamp != sha256(path):
        source = nbformat.read(path, as_version=4)
        fill_solutions(source)
        if _code(source) != _code(saved)[:len(_code(source))]:
            return False
    return all(any(QUIZ_MIME in o.get("data", {}) for o in c.get("outputs", []))
               for c in saved.cells if c.cell_type == "code"
               and "checkpoint" in c.metadata.get("tags", []) and QUIZ_CALL.search(c.source))


def execute(path: Path, timeout: int = 600):
    """Execute ``path`` with its solutions, save it under build/executed/ and return it."""
    nb = nbformat.read(path, as_version=4)
    fill_solutions(nb)
    client = notebook_client(nb, timeout=timeout, kernel_name="python3",
                             resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute()
    except Exception as error:  # noqa: BLE001 - one clear line instead of a kernel traceback
        last = str(error).strip().splitlines()[-1][:200] if str(error).strip() else ""
        raise BookError(f"{path.relative_to(ROOT)} failed to run ({type(error).__name__}: {last}); "
                        f"see `pytest tests/test_notebooks.py -k {path.stem}`, or build without "
                        "it: python book/build.py --no-execute") from None
    saved = nbformat.from_dict(json.loads(json.dumps(nb)))
    saved.metadata["toolkit_executed"] = {"source_sha256": sha256(path)}
    out = EXECUTED / path.relative_to(ROOT)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".partial")
    nbformat.write(saved, tmp)
    tmp.replace(out)
    return saved
