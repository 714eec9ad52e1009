"""Every "Taught in lesson NN" in a toolkit docstring is true: lesson NN's code uses the function.

"Uses" means, read statically from the notebooks (nothing is executed):
- lesson NN's code cells name it (an import, a call, an attribute), or those of an explorer
  notebook (notebooks/explorers/) whose text names "lesson NN";
- or they call ``load("name")``/``fetch("name")`` and the registry's loader of "name" is it;
- or a toolkit function they name calls it, at most two calls deep (``extract`` -> a feature
  family -> its matrix), found from the names each toolkit function's body mentions.
"Taught in lesson 00 (instructor notes)" is checked against docs/instructors/*.md the same way.

The reverse check: a public function that a lesson's code names directly and whose docstring
says "Taught in lesson MM" for other lessons only should list that lesson too — reported here
only for the lessons that import it from the toolkit by name, where the claim is plainly
missing.
"""
from __future__ import annotations

import ast
import json
import re
from functools import lru_cache
from pathlib import Path

import pytest

from helpers import ROOT

CLAIM = re.compile(r"Taught in lessons? ((?:\d\d(?:\s*[-–]\s*\d\d)?(?:,\s*|\s+and\s+)?)+)(\s*\(instructor notes)?")
WORD = re.compile(r"\b[A-Za-z_]\w*\b")
LOADER_CALL = re.compile(r"""\b(?:load|fetch)\(\s*["']([a-z0-9_]+)["']""")
DEPTH = 2


def lessons_in(spec: str) -> set[int]:
    """'07-09, 11 and 13' -> {7, 8, 9, 11, 13}.

    >>> sorted(lessons_in("07-09, 11 and 13"))
    [7, 8, 9, 11, 13]
    """
    found: set[int] = set()
    for a, b in re.findall(r"(\d\d)(?:\s*[-–]\s*(\d\d))?", spec):
        found |= set(range(int(a), int(b or a) + 1))
    return found


def _code(path: Path) -> str:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


def _text(path: Path) -> str:
    return "\n".join("".join(c["source"]) for c in json.loads(path.read_text(encoding="utf-8"))["cells"])


@lru_cache(maxsize=1)
def toolkit_functions() -> tuple[dict[str, set[str]], list[tuple[str, str, set[int], bool]]]:
    """(name -> names its body mentions, [(file, name, lessons claimed, instructor notes?)])."""
    mentions: dict[str, set[str]] = {}
    claims = []
    for path in sorted((ROOT / "toolkit").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            body = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
            body |= {n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)}
            body |= {n.value for n in ast.walk(node) if isinstance(n, ast.Constant)
                     and isinstance(n.value, str) and n.value.isidentifier()}
            mentions.setdefault(node.name, set()).update(body - {node.name})
            for m in CLAIM.finditer(ast.get_docstring(node) or ""):
                claims.append((str(path.relative_to(ROOT)), node.name, lessons_in(m.group(1)), bool(m.group(2))))
    return mentions, claims


@lru_cache(maxsize=None)
def material(lesson: int, instructor_notes: bool = False) -> str:
    """The code a claim about ``lesson`` is checked against."""
    if instructor_notes:
        return "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "docs" / "instructors").glob("*.md")))
    code = [_code(p) for p in (ROOT / "notebooks").glob(f"{lesson:02d}_*.ipynb")]
    code += [_code(p) for p in sorted((ROOT / "notebooks" / "explorers").glob("*.ipynb"))
             if re.search(rf"\blesson {lesson:02d}\b", _text(p), re.I)]
    return "\n".join(code)


@lru_cache(maxsize=None)
def reachable(lesson: int, instructor_notes: bool = False) -> frozenset[str]:
    """Every toolkit name the material of ``lesson`` uses, directly or up to DEPTH calls deep."""
    from toolkit.datasets.registry import REGISTRY

    text = material(lesson, instructor_notes)
    names = set(WORD.findall(text))
    loaders = {e.name: e.loader.split(":")[-1] for e in REGISTRY if e.loader}
    names |= {loaders[n] for n in LOADER_CALL.findall(text) if n in loaders}
    mentions, _ = toolkit_functions()
    frontier = set(names)
    for _ in range(DEPTH):
        frontier = set().union(*(mentions.get(n, set()) for n in frontier)) - names
        names |= frontier
    return frozenset(names)


def _claim_cases():
    _, claims = toolkit_functions()
    return [pytest.param(f, name, lesson, notes, id=f"{name}-lesson{lesson:02d}")
            for f, name, lessons, notes in claims for lesson in sorted(lessons)]


def test_claims_are_found():
    _, claims = toolkit_functions()
    assert len(claims) > 150, "the docstring pattern 'Taught in lesson NN' no longer matches"
    assert lessons_in("01, 02 and 03") == {1, 2, 3} and lessons_in("07-18") == set(range(7, 19))


@pytest.mark.parametrize(("file", "name", "lesson", "notes"), _claim_cases())
def test_taught_in_claim_is_true(file, name, lesson, notes):
    where = "docs/instructors/*.md" if notes else f"notebooks/{lesson:02d}_*.ipynb (and its explorers)"
    assert name in reachable(lesson, notes), (
        f"{file}: {name} says 'Taught in lesson {lesson:02d}', but {where} never uses it, not even "
        f"through another toolkit function {DEPTH} calls deep. Name the lesson that does use it, "
        "or say how it relates (e.g. 'Used by extract, lesson 11').")


def _imported_by_name(code: str) -> set[str]:
    names: set[str] = set()
    for m in re.finditer(r"from toolkit[\w.]* import \(?([^)]*?)(?:\)|\n(?!\s))", code + "\n", re.S):
        names |= set(WORD.findall(m.group(1).replace("import", "")))
    return names


def test_functions_a_lesson_imports_claim_a_lesson_that_uses_them():
    """Reverse: a toolkit function imported by name in lesson NN, whose docstring claims lessons
    that never use it, must not hide where it is really taught."""
    mentions, claims = toolkit_functions()
    claimed: dict[str, set[int]] = {}
    for _, name, lessons, notes in claims:
        if not notes:
            claimed.setdefault(name, set()).update(lessons)
    missing = []
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        lesson = int(path.name[:2])
        for name in sorted(_imported_by_name(_code(path)) & set(claimed)):
            if lesson not in claimed[name] and not any(name in reachable(m) for m in claimed[name]):
                missing.append(f"{name} (imported in {path.name}; claims {sorted(claimed[name])})")
    assert not missing, f"add the lesson to these docstrings' 'Taught in': {missing}"
