"""The course website (issue #20): kernel-free explorers carry the widget's own numbers, figures
get text alternatives and tables, and a small site builds with every page feature.

The full site (`make book`) is audited in Chromium by tests/test_book_site.py.
"""
from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest
from helpers import unavailable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book"))

from toolkit.explorers import static as static_explorers  # noqa: E402
from toolkit.viz import a11y  # noqa: E402


# ------------------------------------------------------------------ kernel-free explorers
@pytest.mark.parametrize("app_name,max_states", [("bias_explorer_app", 4),
                                                  ("risk_communicator_app", 18)])
def test_static_explorer_states_equal_a_fresh_widget_at_the_same_controls(app_name, max_states):
    import toolkit.explorers

    spec = static_explorers.explorer_states(app_name, max_states=max_states)
    assert 2 <= len(spec["states"]) <= max_states
    assert spec["start"] in spec["states"]
    widget = getattr(toolkit.explorers, app_name)(interactive=True)
    names = [c["name"] for c in spec["controls"]]
    assert names == list(widget.controls)
    for key, state in list(spec["states"].items())[-3:]:
        for control, i in zip(spec["controls"], key.split(",")):
            widget.controls[control["name"]].value = control["values"][int(i)]
        fresh = json.loads(widget.figure.to_json())
        assert state["summary"] == widget.summary.value
        assert state["data"] == fresh["data"]
        assert state["annotations"] == fresh["layout"].get("annotations", [])
    # different controls really give different numbers
    assert len({s["summary"] for s in spec["states"].values()}) == len(spec["states"])


def test_slider_grid_keeps_the_start_value_and_respects_the_cap():
    from types import SimpleNamespace

    slider = SimpleNamespace(min=0.05, max=0.95, step=0.01, value=0.5)
    values = static_explorers.slider_values(slider, 5)
    assert values[0] == 0.05 and values[-1] == 0.95 and 0.5 in values
    dropdown = SimpleNamespace(options=("CEU", "YRI"), value="CEU")
    grid = static_explorers._grid({"a": slider, "b": dropdown}, max_states=10)
    assert len(grid["a"]) * len(grid["b"]) <= 10 and grid["b"] == ["CEU", "YRI"]


def test_explorer_html_has_labelled_native_controls_and_a_live_summary():
    spec = {"controls": [{"name": "group", "kind": "Dropdown", "description": "group",
                          "values": ["A", "B"], "value": "B"},
                         {"name": "on", "kind": "Checkbox", "description": "genomic",
                          "values": [False, True], "value": True}],
            "layout": {}, "start": "1,1",
            "states": {"1,1": {"data": [], "annotations": [], "shapes": [],
                                       "summary": "<b>B</b>"}}}
    block = static_explorers.explorer_html(spec, "t1", "Demo", live_url="https://x.org/v")
    assert '<label for="t1-c0">group</label>' in block and 'id="t1-c0"' in block
    assert '<option value="1" selected>B</option>' in block
    assert 'type="checkbox" id="t1-c1" data-i="1" checked' in block
    assert 'aria-live="polite"' in block and 'href="https://x.org/v"' in block
    assert "</script><" not in block.split('id="t1-spec">')[1].split("</script>")[0]


# ------------------------------------------------------------------ text alternatives
def test_describe_figure_names_title_axes_traces_and_finding():
    import plotly.express as px

    fig = px.bar(x=["CEU", "YRI"], y=[0.81, 0.64], title="AUC by ancestry",
                 labels={"x": "ancestry", "y": "AUC"})
    fig.update_layout(meta={"finding": "AUC is lower in YRI patients."})
    text = a11y.describe_figure(fig)
    assert text.startswith("Figure: AUC by ancestry.")
    assert "bar (2 values)" in text and "x axis: ancestry" in text and "y axis: AUC" in text
    assert text.endswith("Main finding: AUC is lower in YRI patients.")
    table = a11y.figure_table(fig)
    assert table.shape == (2, 1) and table.iloc[1, 0] == pytest.approx(0.64)


def test_figure_table_refuses_charts_that_are_not_tables():
    heatmap = {"data": [{"type": "heatmap", "z": [[1, 2], [3, 4]]}]}
    long_line = {"data": [{"type": "scatter", "x": list(range(500)), "y": list(range(500))}]}
    duplicated = {"data": [{"type": "scatter", "x": [1, 1], "y": [2, 3]}]}
    assert a11y.figure_table(heatmap) is None
    assert a11y.figure_table(long_line) is None
    assert a11y.figure_table(duplicated) is None
    assert "heatmap" in a11y.describe_figure(heatmap)


def test_course_colours_replace_plotly_defaults_with_okabe_ito():
    import build

    fig = {"data": [{"type": "scatter", "marker": {"color": "#636efa"},
                     "line": {"color": "#EF553B"}}], "layout": {"title": {"text": "t"}}}
    out = build.course_colours(fig)
    assert out["data"][0]["marker"]["color"] == a11y.OKABE_ITO[0]
    assert out["data"][0]["line"]["color"] == a11y.OKABE_ITO[1]
    assert out["layout"]["template"]["layout"]["colorway"] == list(a11y.OKABE_ITO)


# ------------------------------------------------------------------ a small site
@pytest.fixture(scope="module")
def mini_site(tmp_path_factory):
    if importlib.util.find_spec("myst_nb") is None:
        unavailable("the book extra (myst_nb) is not installed: run `make book-deps`")
    import build

    folder = tmp_path_factory.mktemp("book")
    summary = build.build(execute=False, repo_url="https://github.com/example/course",
                          only=["00_welcome", "bias_explorer", "README", "running"],
                          out=folder / "site", stage_dir=folder / "src")
    return folder / "site", summary


def _h1_count(page: str) -> int:
    return len(re.findall(r"<h1[\s>]", page))


def test_mini_site_pages_have_one_h1_licence_search_and_navigation(mini_site):
    import audit

    site, summary = mini_site
    pages = audit.pages(site)
    assert {p.relative_to(site).as_posix() for p in pages} >= {
        "index.html", "search.html", "notebooks/00_welcome.html",
        "notebooks/explorers/bias_explorer.html", "docs/instructors/README.html"}
    assert (site / "searchindex.js").exists()
    for page in pages:
        text = page.read_text()
        assert "creativecommons.org/licenses/by/4.0" in text, page
        if page.name not in ("search.html", "genindex.html"):
            assert _h1_count(text) == 1, page
    welcome = (site / "notebooks" / "00_welcome.html").read_text()
    assert "Run this lesson" in welcome
    assert "mybinder.org/v2/gh/example/course/HEAD?labpath=notebooks/00_welcome.ipynb" in welcome
    assert "colab.research.google.com/github/example/course" in welcome
    assert "mybinder.org/v2/gh/example/course/main?urlpath=lab" in welcome    # theme's launch button
    assert 'class="prev-next-area"' in welcome or "prev-next" in welcome
    assert audit.broken_links(site) == []


def test_mini_site_landing_page_has_a_clinician_path_and_says_what_differs_by_track(mini_site):
    site, _ = mini_site
    index = (site / "index.html").read_text()
    for track in ("Clinician track", "Medical student track", "Data track"):
        assert index.count(track) == 1                              # one note each, not 3 lists
    article = index[index.index("<article"):index.index("</article>")]
    assert article.count('href="notebooks/00_welcome.html"') == 1    # one list of lessons
    path = re.search(r'<section id="start-here-the-clinician-path">(.*?)</section>', index, re.S)
    assert path and "bias_explorer.html" in path.group(1) and "make lab" not in path.group(1)
    assert re.search(r"Bias explorer.*?\(explorer, \d+ min\)", path.group(1), re.S)
    assert "200 words per minute" in index


def test_mini_site_explorer_has_no_run_box_and_lessons_fold_their_code(mini_site):
    site, _ = mini_site
    explorer = (site / "notebooks" / "explorers" / "bias_explorer.html").read_text()
    assert "Run this lesson" not in explorer
    welcome = (site / "notebooks" / "00_welcome.html").read_text()
    assert "Show code" in welcome and "toolkit.doctor()" not in welcome     # reader version
    assert "kernel-only" not in welcome and "Checkpoints: answer them in the page" in welcome


def test_site_builder_needs_nothing_from_tests_and_exits_only_in_main():
    import ast

    for source in (ROOT / "book").glob("*.py"):
        tree = ast.parse(source.read_text())
        imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import)
                    for a in n.names}
        imported |= {n.module.split(".")[0] for n in ast.walk(tree)
                     if isinstance(n, ast.ImportFrom) and n.module}
        assert not imported & {"notebook_runner", "helpers", "tests", "conftest"}, source
        assert '"tests"' not in source.read_text(), source
        for fn in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name != "main"):
            exits = [c for c in ast.walk(fn) if isinstance(c, ast.Call)
                     and ast.unparse(c.func) in ("sys.exit", "exit")]
            assert not exits, f"{source.name}: {fn.name} calls sys.exit"


def test_explorer_cache_key_changes_with_any_toolkit_module(tmp_path, monkeypatch):
    import build

    (tmp_path / "toolkit" / "evaluation").mkdir(parents=True)
    (tmp_path / "toolkit" / "evaluation" / "metrics.py").write_text("A = 1\n")
    monkeypatch.setattr(build, "ROOT", tmp_path)
    before = build.toolkit_key()
    (tmp_path / "toolkit" / "evaluation" / "metrics.py").write_text("A = 2\n")
    assert build.toolkit_key() != before


def test_mini_site_explorer_is_kernel_free_and_links_the_live_version(mini_site):
    site, _ = mini_site
    page = (site / "notebooks" / "explorers" / "bias_explorer.html").read_text()
    assert 'class="static-explorer"' in page and 'aria-live="polite"' in page
    assert "urlpath=voila/render/notebooks/explorers/bias_explorer.ipynb" in page
    spec = json.loads(re.search(r'id="ex-bias-explorer-spec">(.*?)</script>', page, re.S).group(1))
    assert len(spec["states"]) >= 5 and spec["controls"][0]["name"] == "ceu_share"
    assert "plotly.min.js" in page


def test_mini_site_in_chromium_no_console_errors_no_serious_axe_violations(mini_site):
    import audit

    if not Path(audit.CHROMIUM).exists() or not audit.AXE.exists():
        unavailable("Chromium or axe-core missing (make book-deps installs axe-core)")
    site, _ = mini_site
    server, base = audit.serve(site)
    try:
        results = audit.audit_urls([f"{base}/index.html",
                                    f"{base}/notebooks/explorers/bias_explorer.html"])
    finally:
        server.shutdown()
    assert {u: r["console"] for u, r in results.items() if r["console"]} == {}
    counts = audit.by_impact(results)
    assert counts["critical"] == 0 and counts["serious"] == 0, results


def test_mini_site_explorer_redraws_in_chromium_when_a_control_moves(mini_site):
    import audit

    from playwright import sync_api

    if not Path(audit.CHROMIUM).exists():
        unavailable(f"Chromium not found at {audit.CHROMIUM}")
    site, _ = mini_site
    server, base = audit.serve(site)
    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=audit.CHROMIUM, args=audit.ARGS)
            page = browser.new_page()
            page.goto(f"{base}/notebooks/explorers/bias_explorer.html")
            page.wait_for_selector("#ex-bias-explorer-plot .main-svg", timeout=30_000)
            before = page.inner_text("#ex-bias-explorer-summary")
            page.focus("#ex-bias-explorer-c0")
            page.keyboard.press("Home")                   # keyboard, as a user would
            page.wait_for_function("t => document.querySelector('#ex-bias-explorer-summary')"
                                   ".innerText !== t", arg=before, timeout=10_000)
            after = page.inner_text("#ex-bias-explorer-summary")
            shown = page.inner_text("#ex-bias-explorer-c0-out")
            browser.close()
    finally:
        server.shutdown()
    assert "CEU" in before and after != before and shown == "10 %"  # shares shown as rounded percentages (#32)
