"""The built course website (`make book`, build/book/) in real Chromium: every page opens with
no console error, no internal link is broken, and axe-core finds no serious or critical
accessibility violation. Each page's counts go to build/book-audit.json. (The Voila explorers'
audit runs in tests/test_explorers_browser.py, on the render its tests already make.)

`make book-check` builds the site and runs this file with BOOK_SITE_REQUIRED=1 (CI), where a
missing site or a missing tool is a failure; elsewhere these tests skip until `make book`.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from helpers import ROOT, unavailable

sys.path.insert(0, str(ROOT / "book"))
import audit  # noqa: E402

REQUIRED = os.environ.get("BOOK_SITE_REQUIRED") == "1"
pytestmark = pytest.mark.browser


def _need(condition: bool, reason: str, *, tool: bool = True) -> None:
    """Skip, or fail with BOOK_SITE_REQUIRED=1; a missing tool also fails with TOOLKIT_REQUIRE_TOOLS=1.

    The site itself (``tool=False``) is only built by `make book`, after `make test`.
    """
    if not condition:
        if tool:
            unavailable(reason, required=REQUIRED)
        elif REQUIRED:
            pytest.fail(reason)
        else:
            pytest.skip(reason)


@pytest.fixture(scope="module")
def site_report():
    _need((audit.SITE / "build-summary.json").exists(), "no site: run `make book` first", tool=False)
    _need(Path(audit.CHROMIUM).exists(), f"Chromium not found at {audit.CHROMIUM}")
    _need(audit.AXE.exists(), "axe-core missing: run `make book-deps`")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _need(False, "playwright is not installed")
    report = audit.audit_site()
    (ROOT / "build" / "book-audit.json").write_text(json.dumps(report, indent=1))
    return report


def test_site_has_every_lesson_explorer_and_doc_page():
    _need((audit.SITE / "build-summary.json").exists(), "no site: run `make book` first", tool=False)
    built = {p.relative_to(audit.SITE).with_suffix("").as_posix() for p in audit.pages()}
    expected = {p.relative_to(ROOT).with_suffix("").as_posix() for p in
                [*ROOT.glob("notebooks/[0-9]*.ipynb"), *ROOT.glob("notebooks/explorers/*.ipynb"),
                 *ROOT.glob("docs/**/*.md")]}
    assert expected - built == set()
    summary = json.loads((audit.SITE / "build-summary.json").read_text())
    assert "unexecuted" not in summary["notebooks"].values(), summary["notebooks"]


def test_every_page_has_one_h1_and_headings_in_order():
    import re

    _need((audit.SITE / "build-summary.json").exists(), "no site: run `make book` first", tool=False)
    problems = []
    for page in audit.pages():
        text = page.read_text()
        start = text.find('<article class="bd-article">')
        article = text[start:text.find("</article>", start)] if start >= 0 else text
        levels = [int(n) for n in re.findall(r"<h([1-6])[\s>]", article)]
        if levels.count(1) != 1 or not levels or levels[0] != 1:
            problems.append(f"{page.name}: headings {levels[:5]}...")
        problems += [f"{page.relative_to(audit.SITE)}: h{a} then h{b}"
                     for a, b in zip(levels, levels[1:]) if b > a + 1]
    assert problems == []


def test_every_page_opens_without_console_errors(site_report):
    errors = {u: r["console"] for u, r in site_report["results"].items() if r["console"]}
    assert errors == {}


def test_no_broken_internal_links(site_report):
    assert site_report["broken_links"] == []


def test_axe_finds_no_serious_or_critical_violation_on_any_page(site_report):
    bad = {u: [v for v in r["violations"] if v["impact"] in ("serious", "critical")]
           for u, r in site_report["results"].items()}
    assert {u: v for u, v in bad.items() if v} == {}, site_report["by_impact"]


# ------------------------------------------------------------------ Voila explorers
# Their axe-core audit runs on the Voila render that tests/test_explorers_browser.py already makes
# (one execution per explorer; results in build/voila-audit.json).
