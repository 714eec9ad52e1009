"""Codebase rules that keep packages independent: nothing private crosses a package boundary."""
from __future__ import annotations

import ast
from pathlib import Path

from helpers import ROOT
TOOLKIT = ROOT / "toolkit"


def _module_parts(path: Path) -> list[str]:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return parts[:-1] if parts[-1] == "__init__" else parts


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def private_imports(path: Path) -> list[str]:
    """Imports in ``path`` of a ``_private`` name (or module) from another toolkit package.

    ``toolkit._utils`` is the shared home: its modules may be imported from anywhere, but the
    functions inside must be public. A package is ``toolkit.<name>`` (a top-level module counts
    as its own package).
    """
    parts = _module_parts(path)
    package = parts if path.name == "__init__.py" else parts[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level:
            base = package[: len(package) - (node.level - 1)]
            target = base + (node.module.split(".") if node.module else [])
        elif node.module and node.module.split(".")[0] == "toolkit":
            target = node.module.split(".")
        else:
            continue
        if target[:2] == parts[:2]:
            continue  # same package: private names are fine
        shared = len(target) > 1 and target[1] == "_utils"
        for alias in node.names:
            private_module = any(_private(p) for p in target[1 + shared:])
            if private_module or _private(alias.name):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} imports "
                             f"{alias.name} from {'.'.join(target)}")
    return found


def test_no_private_name_crosses_a_package_boundary():
    offenders = [line for path in sorted(TOOLKIT.rglob("*.py")) for line in private_imports(path)]
    assert offenders == [], "\n".join(offenders) + (
        "\nMove the helper to toolkit/_utils/ (public name there) or make it public in its package.")


def test_the_checker_catches_a_private_import(tmp_path, monkeypatch):
    fake = TOOLKIT / "fusion" / "compare.py"
    source = "from ..evaluation.metrics import _auc, roc_auc\nfrom .._utils.targets import check_binary\n"
    monkeypatch.setattr(Path, "read_text", lambda self, encoding=None: source)
    assert private_imports(fake) == [
        "toolkit/fusion/compare.py:1 imports _auc from toolkit.evaluation.metrics"]


def test_contributing_names_every_package_and_module():
    """CONTRIBUTING.md's package table names every package and top-level module of toolkit/."""
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    names = sorted(p.name for p in TOOLKIT.iterdir() if (p / "__init__.py").exists())
    names += sorted(p.stem for p in TOOLKIT.glob("*.py") if p.stem != "__init__")
    missing = [n for n in names if f"`{n}`" not in text]
    assert not missing, f"add these to the package table in CONTRIBUTING.md: {missing}"


def test_no_toolkit_module_is_named_like_a_test():
    """pytest would collect ``toolkit/**/test_*.py`` as tests."""
    assert not sorted(TOOLKIT.rglob("test_*.py"))
