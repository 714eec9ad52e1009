"""No import cycle anywhere in `toolkit/`: module A importing B importing ... A.

The graph is read from the source with `ast` (nothing is imported): every ``import`` and
``from ... import`` statement counts, including those inside functions (a lazy import still
ties two modules together). Relative imports are resolved; ``from pkg import name`` points
at the submodule ``pkg.name`` when that is a module, else at ``pkg`` itself. Importing a
submodule does not add an edge to its parent package's ``__init__`` (Python has the parent
half-loaded by then, which is not a cycle anyone has to untangle).
"""
from __future__ import annotations

import ast
from pathlib import Path

from helpers import ROOT

TOOLKIT = ROOT / "toolkit"  # module names are dotted paths from its parent folder


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules(root: Path = TOOLKIT) -> dict[str, Path]:
    return {_module_name(p, root): p for p in sorted(root.rglob("*.py"))}


def _target(name: str, modules: dict[str, Path]) -> str | None:
    """The longest prefix of dotted ``name`` that is a toolkit module (or None)."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in modules:
            return candidate
    return None


def imports_of(module: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The toolkit modules that ``module`` (source at ``path``) imports, anywhere in the file."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {_target(alias.name, modules) for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base_name = ".".join(base + ([node.module] if node.module else []))
            else:
                base_name = node.module or ""
            for alias in node.names:
                sub = f"{base_name}.{alias.name}"
                found.add(sub if sub in modules else _target(base_name, modules))
    found.discard(None)
    found.discard(module)
    return found


def import_graph(root: Path = TOOLKIT) -> dict[str, set[str]]:
    modules = _modules(root)
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle (as a path a -> ... -> a) per strongly connected group of modules (Tarjan)."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(v: str) -> None:  # recursion depth <= number of modules (a few hundred)
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.add(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(group)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return [_cycle_in(group, graph) for group in groups]


def _cycle_in(group: set[str], graph: dict[str, set[str]]) -> list[str]:
    """A shortest path from the group's first module back to itself, inside the group."""
    start = min(group)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        nxt = []
        for v in frontier:
            for w in sorted(graph[v] & group):
                if w == start:
                    return paths[v] + [start]
                if w not in paths:
                    paths[w] = paths[v] + [w]
                    nxt.append(w)
        frontier = nxt
    raise AssertionError(f"no cycle through {start}")  # cannot happen in a strong component


def test_no_import_cycle_in_toolkit():
    cycles = find_cycles(import_graph())
    assert not cycles, "import cycles (break each by moving the shared code down a level):\n" + \
        "\n".join(" -> ".join(c) for c in cycles)


def test_graph_sees_relative_lazy_and_absolute_imports(tmp_path):
    """The checker itself: it must find a cycle made only of function-level relative imports."""
    pkg = tmp_path / "toolkit" / "pkg"
    pkg.mkdir(parents=True)
    (tmp_path / "toolkit" / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text("from .a import f\n")
    (pkg / "a.py").write_text("def f():\n    from . import b\n    return b\n")
    (pkg / "b.py").write_text("def g():\n    from .c import h\n    return h\n")
    (pkg / "c.py").write_text("import toolkit.pkg.a\n\ndef h():\n    return 1\n")
    (pkg / "d.py").write_text("from toolkit.pkg import a\nfrom ..pkg.c import h\n")
    graph = import_graph(tmp_path / "toolkit")
    assert graph["toolkit.pkg"] == {"toolkit.pkg.a"}
    assert graph["toolkit.pkg.d"] == {"toolkit.pkg.a", "toolkit.pkg.c"}
    assert find_cycles(graph) == [["toolkit.pkg.a", "toolkit.pkg.b", "toolkit.pkg.c", "toolkit.pkg.a"]]
    del graph["toolkit.pkg.c"]  # break it: no cycle is left
    graph["toolkit.pkg.b"] = set()
    assert find_cycles(graph) == []
