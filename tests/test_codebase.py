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


def function_aliases(path: Path) -> list[str]:
    """Module-level ``new_name = defined_function`` assignments in ``path`` (two names, one figure)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    defined = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    found = []
    for node in tree.body:
        if not isinstance(node, ast.Assign):
            continue
        targets = [t for target in node.targets
                   for t in (target.elts if isinstance(target, ast.Tuple) else [target])]
        values = node.value.elts if isinstance(node.value, ast.Tuple) else [node.value]
        found += [f"{t.id} = {v.id}" for t, v in zip(targets, values)
                  if isinstance(t, ast.Name) and isinstance(v, ast.Name) and v.id in defined]
    return found


def test_function_aliases_are_caught(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def plot_a():\n    pass\n\n\nview_a, x = plot_a, 1\n")
    assert function_aliases(module) == ["view_a = plot_a"]


def test_one_name_per_function():
    """No public aliases: each figure or function has one name (plotly figures are ``view_*``)."""
    found = {str(p.relative_to(ROOT)): function_aliases(p) for p in TOOLKIT.rglob("*.py")}
    assert not {k: v for k, v in found.items() if v}
