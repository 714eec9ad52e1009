"""The built course website (`make book`, build/book/) and the Voila explorers in real Chromium:
every page opens with no console error, no internal link is broken, and axe-core finds no
serious or critical accessibility violation. Each page's counts go to build/book-audit.json.

`make book-check` builds the site and runs this file with BOOK_SITE_REQUIRED=1 (CI), where a
missing site or a missing tool is a failure; elsewhere these tests skip until `make book`.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from helpers import ROOT, free_port, unavailable

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
def test_voila_explorers_have_no_serious_or_critical_axe_violation(tmp_path):
    voila = shutil.which("voila", path=os.path.dirname(sys.executable))
    _need(voila is not None, "voila is not installed")
    _need(Path(audit.CHROMIUM).exists() and audit.AXE.exists(), "Chromium or axe-core missing")
    from playwright.sync_api import sync_playwright

    port, token = free_port(), "book-a11y-token"
    log = tmp_path / "voila.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([voila, "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1",
                                 f"--token={token}", str(ROOT / "notebooks" / "explorers")],
                                stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    results = {}
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/?token={token}", timeout=2)
                break
            except OSError:
                assert proc.poll() is None, log.read_text()[-2000:]
                time.sleep(0.5)
        axe = audit.AXE.read_text()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=audit.CHROMIUM, args=audit.ARGS)
            for nb in sorted((ROOT / "notebooks" / "explorers").glob("*.ipynb")):
                page = browser.new_page()
                page.goto(f"{base}/voila/render/{nb.name}?token={token}", timeout=180_000)
                page.wait_for_selector(".js-plotly-plot", timeout=180_000)
                page.evaluate(axe)
                results[nb.stem] = page.evaluate("""async () => (await axe.run(document,
                    {resultTypes: ['violations']})).violations.map(v => ({id: v.id,
                    impact: v.impact, nodes: v.nodes.length,
                    target: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))""")
                page.close()
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    (ROOT / "build").mkdir(exist_ok=True)
    (ROOT / "build" / "voila-audit.json").write_text(json.dumps(results, indent=1))
    bad = {nb: [v for v in found if v["impact"] in ("serious", "critical")]
           for nb, found in results.items()}
    assert {nb: v for nb, v in bad.items() if v} == {}
