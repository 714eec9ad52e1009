"""Every lesson follows the template in docs/lesson_template.md and ships without outputs."""
from __future__ import annotations

import json
import re

import pytest

from helpers import ROOT
LESSONS = sorted(ROOT.glob("notebooks/[0-9]*.ipynb"))
REQUIRED_SECTIONS = ["Why it matters", "Learning objectives", "Estimated time",
                     "What this model cannot do", "Summary", "Further reading"]
TRACKS = re.compile(r"Tracks?:.*(clinician|student|data)", re.IGNORECASE)


def _cells(path):
    return json.loads(path.read_text())["cells"]


def test_course_has_lessons():
    assert LESSONS, "no lesson notebooks found in notebooks/"


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_has_template_sections(path):
    markdown = "\n".join("".join(c["source"]) for c in _cells(path) if c["cell_type"] == "markdown")
    missing = [s for s in REQUIRED_SECTIONS if s.lower() not in markdown.lower()]
    assert not missing, f"{path.name} lacks sections {missing} (see docs/lesson_template.md)"
    assert TRACKS.search(markdown), f"{path.name} must name its audience tracks near the top"


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_has_checkpoints_with_solutions(path):
    checkpoints = [c for c in _cells(path) if "checkpoint" in c.get("metadata", {}).get("tags", [])]
    minimum = 1 if path.stem.startswith("00_") else 3
    assert len(checkpoints) >= minimum, f"{path.name}: {len(checkpoints)} checkpoints, need {minimum}"
    for c in checkpoints:
        assert "solution" in c["metadata"], f"{path.name}: checkpoint without metadata.solution"


@pytest.mark.parametrize("path", sorted(ROOT.glob("notebooks/**/*.ipynb")) +
                         sorted(ROOT.glob("exercises/**/*.ipynb")), ids=lambda p: p.stem)
def test_notebook_committed_without_outputs(path):
    with_outputs = [i for i, c in enumerate(_cells(path)) if c["cell_type"] == "code" and c.get("outputs")]
    assert not with_outputs, f"{path.name}: clear outputs of cells {with_outputs} before committing"
