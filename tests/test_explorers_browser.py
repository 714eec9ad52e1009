"""Every explorer, served by Voila and by JupyterLab, driven in a real headless Chromium.

One Voila server and one JupyterLab server (127.0.0.1, token, fresh per module; JupyterLab with
its news notification off) serve notebooks/explorers/. In JupyterLab the test runs all cells as
a user would (Run → Run All Cells). Each test opens one
explorer, waits for the app, moves one control like a user would (keyboard on a slider,
choosing from a drop-down, ticking a box) and checks from the DOM that the summary text and
the plotly SVG changed. Screenshots go to build/screenshots/. Skips when Chromium or
Voila is missing (fails instead with TOOLKIT_REQUIRE_TOOLS=1).

Each Voila render is also audited with axe-core before the control moves (no serious or critical
violation; results in build/voila-audit.json): the audit shares the render, so every explorer is
executed once per server, not once more for the audit.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright import sync_api

from helpers import ROOT, free_port, unavailable
CHROMIUM = "/usr/bin/chromium"
SHOTS = ROOT / "build" / "screenshots"
TOKEN = "explorer-test-token"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
LOAD_TIMEOUT_MS = 180_000

pytestmark = pytest.mark.browser
if not Path(CHROMIUM).exists():
    unavailable(f"Chromium not found at {CHROMIUM}", allow_module_level=True)
if shutil.which("voila", path=os.path.dirname(sys.executable)) is None:
    unavailable("voila is not installed beside this Python (pip install -e '.[dev]')", allow_module_level=True)


def _server_command(kind: str, port: int, settings: Path) -> list[str]:
    bin_dir = os.path.dirname(sys.executable)
    if kind == "voila":
        return [os.path.join(bin_dir, "voila"), "--no-browser", f"--port={port}",
                "--Voila.ip=127.0.0.1", f"--token={TOKEN}", str(ROOT / "notebooks" / "explorers")]
    # JupyterLab saves a notebook after running it: serve a copy, never the committed files.
    copy = settings.parent / "explorers"
    shutil.copytree(ROOT / "notebooks" / "explorers", copy)
    news_off = settings / "@jupyterlab" / "apputils-extension"
    news_off.mkdir(parents=True)
    (news_off / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    return [os.path.join(bin_dir, "jupyter"), "lab", "--no-browser", f"--port={port}",
            "--ip=127.0.0.1", f"--ServerApp.token={TOKEN}", "--LabApp.news_url=None",
            f"--LabApp.user_settings_dir={settings}", f"--notebook-dir={copy}",
            *(["--allow-root"] if os.geteuid() == 0 else [])]


@pytest.fixture(scope="module", params=["voila", "jupyterlab"])
def server(request, tmp_path_factory):
    kind, port = request.param, free_port()
    folder = tmp_path_factory.mktemp(kind)
    log = folder / "server.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(_server_command(kind, port, folder / "settings"), stdout=out,
                                stderr=subprocess.STDOUT, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/api/status?token={TOKEN}" if kind == "jupyterlab"
                                       else f"{base}/?token={TOKEN}", timeout=2)
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"{kind} exited early:\n{log.read_text()[-2000:]}")
                time.sleep(0.5)
        else:
            pytest.fail(f"{kind} did not answer on {base}:\n{log.read_text()[-2000:]}")
        yield kind, base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _open(browser, server, name: str, ready_text: str):
    kind, base = server
    page = browser.new_page(viewport={"width": 1100, "height": 950})
    if kind == "voila":
        page.goto(f"{base}/voila/render/{name}.ipynb?token={TOKEN}", timeout=LOAD_TIMEOUT_MS)
    else:
        # A workspace of its own, reset, so the notebook opened by an earlier test is not in front.
        page.goto(f"{base}/lab/workspaces/{name}/tree/{name}.ipynb?reset&token={TOKEN}",
                  timeout=LOAD_TIMEOUT_MS)
        page.wait_for_selector(".jp-StatusBar-TextItem:has-text('| Idle')", timeout=LOAD_TIMEOUT_MS)
        page.locator(".lm-MenuBar-item", has_text="Run").first.click()
        page.get_by_text("Run All Cells", exact=True).first.click()
    page.wait_for_selector(f".widget-html-content:has-text('{ready_text}')",
                           timeout=LOAD_TIMEOUT_MS)
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
    if kind == "voila":
        _axe_audit(page, name)
    return page


# ---- axe-core audit of each Voila render (issue #34: one execution per explorer and server) ----
AXE = ROOT / "build" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
VOILA_AUDIT = ROOT / "build" / "voila-audit.json"
_AXE_RUN = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations.map(
    v => ({id: v.id, impact: v.impact, nodes: v.nodes.length,
           target: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"""


def _axe_audit(page, name: str) -> None:
    """Run axe-core on the rendered explorer; record its violations; fail on serious or critical."""
    import json

    if not AXE.exists():
        if os.environ.get("TOOLKIT_REQUIRE_TOOLS") == "1" or os.environ.get("BOOK_SITE_REQUIRED") == "1":
            pytest.fail(f"axe-core missing at {AXE}: run `make book-deps`")
        return
    page.evaluate(AXE.read_text())
    found = page.evaluate(_AXE_RUN)
    audit = json.loads(VOILA_AUDIT.read_text()) if VOILA_AUDIT.exists() else {}
    VOILA_AUDIT.parent.mkdir(parents=True, exist_ok=True)
    VOILA_AUDIT.write_text(json.dumps({**audit, name: found}, indent=1))
    bad = [v for v in found if v["impact"] in ("serious", "critical")]
    assert bad == [], f"{name} in Voila: serious or critical axe violations {bad}"
# ---- end of the axe-core audit ----


def _summary(page) -> str:
    return " ".join(page.locator(".widget-html-content").all_inner_texts())


def _svg_text(page) -> str:
    return " ".join(t or "" for t in page.locator(".js-plotly-plot svg text").all_text_contents())


def _wait_changed(page, before_summary: str, before_svg: str, expect: str) -> tuple[str, str]:
    """Wait until the summary shows ``expect`` and the plot's SVG text differs from before."""
    deadline, summary = time.time() + 60, before_summary
    while time.time() < deadline:
        summary, svg = _summary(page), _svg_text(page)
        if expect in summary and summary != before_summary and svg != before_svg:
            return summary, svg
        page.wait_for_timeout(250)
    pytest.fail(f"the app did not update to show {expect!r}; summary: {summary!r}")


def _press_slider(page, index: int, key: str, times: int) -> None:
    handle = page.locator(".noUi-handle").nth(index)
    handle.focus()
    for _ in range(times):
        handle.press(key)


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_test_characteristics_threshold_moves_point(browser, server):
    page = _open(browser, server, "test_characteristics", "Threshold 0.50")
    summary, svg = _summary(page), _svg_text(page)
    assert "PPV 4.2 %" in summary
    _press_slider(page, 0, "ArrowRight", 20)  # threshold 0.50 -> 0.70
    summary2, svg2 = _wait_changed(page, summary, svg, "Threshold 0.70")
    assert "sensitivity" in summary2 and "PPV" in svg2
    _shot(page, server[0] + "_test_characteristics")
    page.close()


def test_dicom_viewer_shows_deidentified_header(browser, server):
    page = _open(browser, server, "dicom_viewer", "original")
    summary, svg = _summary(page), _svg_text(page)
    name = summary.split("PatientName = ")[1].split(".")[0]
    assert name in svg  # the original name is in the header table
    page.locator(".widget-dropdown select").nth(1).select_option("de-identified")
    summary2, svg2 = _wait_changed(page, summary, svg, "de-identified")
    assert name not in svg2 and name not in summary2
    _press_slider(page, 0, "ArrowLeft", 3)
    slice_before = int(summary2.split("Slice ")[1].split()[0])
    _wait_changed(page, summary2, svg2, f"Slice {slice_before - 3} ")
    _shot(page, server[0] + "_dicom_viewer")
    page.close()


def test_risk_communicator_ancestry_changes_risks(browser, server):
    page = _open(browser, server, "risk_communicator", "PRS decile")
    summary, svg = _summary(page), _svg_text(page)
    assert "CEU" in summary
    from toolkit.explorers.risk_communicator import POPULATIONS

    page.locator(".widget-dropdown select").first.select_option(label=POPULATIONS["YRI"])
    _wait_changed(page, summary, svg, "YRI, PRS decile")
    _shot(page, server[0] + "_risk_communicator")
    page.close()


def test_fusion_explorer_adding_clinical(browser, server):
    page = _open(browser, server, "fusion_explorer", "AUC")
    summary, svg = _summary(page), _svg_text(page)
    assert summary.startswith("genomic+imaging:")
    page.locator(".widget-checkbox input[type=checkbox]").nth(2).check()
    summary2, _ = _wait_changed(page, summary, svg, "genomic+imaging+clinical:")
    assert "clinical +" in summary2 or "clinical -" in summary2  # its contribution is shown
    _shot(page, server[0] + "_fusion_explorer")
    page.close()


def _aucs(text: str) -> dict[str, str]:
    """The AUC shown per ancestry in a bias-explorer summary, as displayed (3 decimals)."""
    return dict(re.findall(r"(CEU|CHB|YRI): AUC ([0-9.]+)", text))


def test_bias_explorer_mix_changes_auc(browser, server):
    from toolkit import explorers

    page = _open(browser, server, "bias_explorer", "Training mix")
    summary, svg = _summary(page), _svg_text(page)
    _press_slider(page, 0, "ArrowLeft", 5)  # 80 % -> 30 % CEU
    summary2, svg2 = _wait_changed(page, summary, svg, "30.0 % CEU")
    before, after = _aucs(summary), _aucs(summary2)
    assert set(before) == set(after) == {"CEU", "CHB", "YRI"}
    assert after["YRI"] != before["YRI"] and after["CHB"] != before["CHB"]  # the numbers moved
    assert after["YRI"] in svg2  # ... in the bar labels too
    app = explorers.bias_explorer_app(interactive=True)  # the same app, driven in-process
    app.controls["ceu_share"].value = 0.3
    assert _aucs(re.sub(r"<[^>]+>", "", app.summary.value)) == after
    _shot(page, server[0] + "_bias_explorer")
    page.close()


def test_harmonisation_explorer_scanner_effect_changes_site_accuracy(browser, server):
    from toolkit.explorers import harmonisation_explorer_app

    page = _open(browser, server, "harmonisation_explorer", "Scanner effect")
    summary, svg = _summary(page), _svg_text(page)
    assert "Scanner effect x1;" in summary
    _press_slider(page, 0, "ArrowRight", 2)  # scanner effect x1 -> x2
    summary2, _ = _wait_changed(page, summary, svg, "Scanner effect x2;")
    accuracy = re.compile(r"Site guessed from the features: ([0-9.]+) without")
    assert accuracy.search(summary2).group(1) != accuracy.search(summary).group(1)  # the number moved
    app = harmonisation_explorer_app(interactive=True)  # the same app, driven in-process
    app.controls["site_effect"].value = 2.0
    assert re.sub(r"<[^>]+>", "", app.summary.value) in summary2
    _shot(page, server[0] + "_harmonisation_explorer")
    page.close()
