"""Build the course website: `make book` (python book/build.py) -> build/book/index.html.

Steps
1. Executed notebooks: reuse build/executed/<path> (saved by the notebook test run,
   tests/notebook_runner.py, or by book/execute.py) while it is up to date (same source stamp, or
   only Markdown changed; every check_choice/check_number cell carries its question data);
   execute only the missing or stale ones (book/execute.py: solutions filled in, toolkit.nbexec).
2. Stage build/book-src/ as a reader's pages (book/README.md has the details):
   - checkpoints as questions answered in the page (book/quiz.py, _static/checkpoints.js);
   - code folded behind "Show code", boilerplate cells left off (book/reader.py);
   - kernel-only / site-only text markers applied (book/reader.py);
   - every plotly output replaced by accessible HTML (toolkit.viz.a11y.accessible_html: text
     alternative as caption, data table beside charts of a table, Okabe-Ito colours);
   - widget outputs replaced by their static fallback (explorers: the kernel-free explorer of
     toolkit.explorers.static; lessons: a note that the read-only page cannot run them);
   - a "Run this lesson" box and a "Reading as a clinician" box under each lesson's title;
   - links to repository files that are not pages pointed at the repository (or unlinked);
   - the landing page with the clinician path and computed reading times.
3. sphinx-build (Sphinx + MyST-NB + sphinx-book-theme, configured in book/conf.py).

Environment: BOOK_REPO_URL (https://github.com/OWNER/REPO) adds Binder/Colab/Voila links.
"""
from __future__ import annotations

import argparse
import functools
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from execute import EXECUTED, BookError, sha256, up_to_date  # noqa: E402
from execute import execute as execute_notebook  # noqa: E402
from quiz import (coding_task_html, parse_question, quiz_html, reader_spec,  # noqa: E402
                  reflection_html, spec_from_outputs)
from reader import ALLOWANCE, WORDS_PER_MINUTE, clinician_box, is_boilerplate  # noqa: E402
from reader import mark_clinician_sections  # noqa: E402
from reader import reading_minutes, site_text, without_machine  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
STAGE = ROOT / "build" / "book-src"
OUT = ROOT / "build" / "book"
CACHE = ROOT / "build" / "static-explorers"
TRACKS = {"clinician": "Clinician track (AI literacy, no coding needed)",
          "student": "Medical student track (run and lightly edit the code)",
          "data": "Data track (whole lessons and the graded exercises)"}
PLOTLY_DEFAULT = ["#636efa", "#ef553b", "#00cc96", "#ab63fa", "#ffa15a", "#19d3f3", "#ff6692",
                  "#b6e880", "#ff97ff", "#fecb52"]
LINK = re.compile(r"(?<!!)\[([^\]]+)\]\(([^)\s]+)\)")
GLOSSARY = ROOT / "docs" / "glossary.md"
GLOSSARY_LINK = re.compile(r"(?<!!)\[([^\]]+)\]\((?:\.\./)+docs/glossary\.md#([a-z0-9-]+)\)")


def notebooks() -> list[Path]:
    return (sorted(ROOT.glob("notebooks/[0-9]*.ipynb"))
            + sorted(ROOT.glob("notebooks/explorers/*.ipynb")))


def docs() -> list[Path]:
    return sorted(ROOT.glob("docs/**/*.md"))


# ------------------------------------------------------------------ 1. executed notebooks
def executed(path: Path, execute: bool) -> tuple[nbformat.NotebookNode, str]:
    """The executed notebook for ``path`` and how it was obtained (reused/executed/unexecuted)."""
    saved = EXECUTED / path.relative_to(ROOT)
    if saved.exists():
        nb = nbformat.read(saved, as_version=4)
        if up_to_date(nb, path):
            return nb, "reused"
    if not execute:
        return nbformat.read(path, as_version=4), "unexecuted"
    return execute_notebook(path), "executed"


# ------------------------------------------------------------------ 2. staging
def repo_links(repo_url: str, rel: str) -> dict[str, str]:
    """Binder, Colab and GitHub links for a repository path ('' when no repository URL)."""
    m = re.match(r"https://github\.com/([^/]+)/([^/]+?)/?$", repo_url or "")
    if not m:
        return {}
    owner, name = m.groups()
    return {"binder": f"https://mybinder.org/v2/gh/{owner}/{name}/HEAD?labpath={rel}",
            "colab": f"https://colab.research.google.com/github/{owner}/{name}/blob/main/{rel}",
            "voila": f"https://mybinder.org/v2/gh/{owner}/{name}/HEAD?urlpath=voila/render/{rel}",
            "github": f"{repo_url.rstrip('/')}/blob/main/{rel}"}


def run_note(rel: str, repo_url: str) -> str:
    """The box under a lesson's title: real Binder/Colab links (BOOK_REPO_URL), or says plainly
    that the page is a read-only version."""
    links = repo_links(repo_url, rel)
    if links:
        how = (f"[on Binder]({links['binder']}) (free, no account) or [on Colab]({links['colab']}) "
               "(Google account; first cell `!pip install \"git+<repository URL>\"`), or on your "
               f"computer: `make lab` in the course folder, then open `{rel}`.")
    else:
        how = (f"get the course folder (see its README) and run `make lab`, then open `{rel}`. "
               "This build has no repository address, so it has no Binder or Colab links.")
    return (":::{admonition} Run this lesson\n:class: note\n"
            f"This page is a read-only version of `{rel}`, already run, with its outputs; its "
            "checkpoints check your answers in the page. To run or change the code yourself: "
            f"{how}\n:::")


EXPLORER_LESSONS = {"test_characteristics": ["00_welcome", "18_from_model_to_clinic"],
                    "risk_communicator": ["03_gwas_and_polygenic_risk"],
                    "bias_explorer": ["16_bias_and_equity"],
                    "dicom_viewer": ["07_images_as_data", "08_deidentification"],
                    "fusion_explorer": ["13_fusion_showdown"],
                    "harmonisation_explorer": ["26_standards_and_harmonisation"]}


def lesson_explorers(stem: str, pages: set[Path]) -> list[tuple[str, str]]:
    """(title, link) of the built explorers that lesson ``stem`` teaches (EXPLORER_LESSONS)."""
    return [(name.replace("_", " "), f"explorers/{name}.ipynb")
            for name, stems in EXPLORER_LESSONS.items() if stem in stems
            and (ROOT / "notebooks" / "explorers" / f"{name}.ipynb").resolve() in pages]


def explorer_note(stem: str, pages: set[Path]) -> str:
    """The line under an explorer's title: the built lessons that teach its idea."""
    lessons = [ROOT / "notebooks" / f"{s}.ipynb" for s in EXPLORER_LESSONS.get(stem, [])]
    links = [f"[{lesson_info(p)['title']}](../{p.name})" for p in lessons if p.resolve() in pages]
    return ("Taught in: " + "; ".join(links) + ". No code and no installation: move the "
            "controls below.") if links else ""


def rewrite_links(text: str, source: Path, pages: set[Path], repo_url: str) -> str:
    """Point links to repository files that are not pages at the repository (or unlink them)."""
    def fix(m: re.Match) -> str:
        label, target = m.groups()
        if re.match(r"^[a-z]+:|^#|^mailto:", target):
            return m.group(0)
        path_part = target.split("#")[0]
        resolved = (source.parent / path_part).resolve()
        if resolved in pages or not path_part or resolved == ROOT / "index.md":
            return m.group(0)
        try:
            rel = resolved.relative_to(ROOT).as_posix()
        except ValueError:
            return label
        link = repo_links(repo_url, rel).get("github")
        return f"[{label}]({link})" if link else f"{label} (`{rel}`)"
    return LINK.sub(fix, text)


def glossary_slug(term: str) -> str:
    """The anchor lessons use for a glossary term: its name before any '(', lower case, dashed.

    >>> glossary_slug("AUC (area under the ROC curve)")
    'auc'
    """
    return re.sub(r"[^a-z0-9]+", "-", term.split(" (")[0].lower()).strip("-")


@functools.lru_cache(maxsize=None)
def _glossary_terms(glossary: Path) -> dict[str, str]:
    """{slug: term} of the glossary's ``{glossary}`` block (read once per build, not per cell)."""
    body = glossary.read_text().split("```{glossary}", 1)[1].split("```", 1)[0]
    return {glossary_slug(t): t for t in re.findall(r"^(\S[^\n]*)$", body, re.MULTILINE)}


def glossary_roles(text: str, glossary: Path = GLOSSARY) -> str:
    """Lesson links to docs/glossary.md#slug -> MyST {term} roles (plain links in JupyterLab).

    A slug that names no term of the glossary is an error naming the lesson's link and the fix.
    """
    if not GLOSSARY_LINK.search(text):
        return text
    terms = _glossary_terms(glossary)

    def fix(m: re.Match) -> str:
        label, slug = m.groups()
        if slug not in terms:
            raise ValueError(f"make book: the link [{label}](...glossary.md#{slug}) names no term of "
                             f"{glossary.relative_to(ROOT)}; use one of: {', '.join(sorted(terms))}")
        return f"{{term}}`{label} <{terms[slug]}>`"
    return GLOSSARY_LINK.sub(fix, text)


def _recolour(value):
    if isinstance(value, str) and value.lower() in PLOTLY_DEFAULT:
        from toolkit.viz.a11y import OKABE_ITO

        return OKABE_ITO[PLOTLY_DEFAULT.index(value.lower()) % len(OKABE_ITO)]
    if isinstance(value, list):
        return [_recolour(v) for v in value]
    if isinstance(value, dict):
        return {k: _recolour(v) for k, v in value.items()}
    return value


def course_colours(fig: dict) -> dict:
    """Swap plotly's default template and colours for the course's Okabe-Ito ones."""
    from toolkit.viz.a11y import okabe_ito_template

    fig = {"data": _recolour(fig.get("data", [])), "layout": _recolour(fig.get("layout", {}))}
    fig["layout"]["template"] = okabe_ito_template().to_plotly_json()
    return fig


def accessible_outputs(cell, uid: str) -> None:
    """Plotly -> accessible HTML; widgets -> their static fallback (in place)."""
    from toolkit.viz.a11y import accessible_html

    outputs = []
    for j, out in enumerate(cell.get("outputs", [])):
        data = out.get("data", {})
        if "application/vnd.plotly.v1+json" in data:
            fig = course_colours(data["application/vnd.plotly.v1+json"])
            out["data"] = {"text/html": accessible_html(fig, div_id=f"{uid}-{j}"),
                           "text/plain": data.get("text/plain", "")}
        elif "application/vnd.jupyter.widget-view+json" in data:
            fallback = ('<p class="widget-fallback"><em>An interactive control (sliders) stands '
                        "here in the running lesson. This read-only page cannot run it: the box "
                        "under the title says how to run the lesson.</em></p>")
            out["data"] = {"text/html": fallback, "text/plain": "interactive control"}
        outputs.append(out)
    cell["outputs"] = outputs


def toolkit_key() -> str:
    """A key over all toolkit code (an explorer may compute with any of it) for the cache."""
    digest = hashlib.sha256()
    for source in sorted((ROOT / "toolkit").rglob("*.py")):
        digest.update(source.relative_to(ROOT).as_posix().encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()[:16]


def explorer_block(stem: str, rel: str, repo_url: str) -> str | None:
    from toolkit.explorers.static import EXPLORERS, explorer_html, explorer_states

    if stem not in EXPLORERS:
        return None
    key = toolkit_key()
    cached = CACHE / f"{stem}-{key}.json"
    if cached.exists():
        spec = json.loads(cached.read_text())
    else:
        spec = explorer_states(EXPLORERS[stem])
        CACHE.mkdir(parents=True, exist_ok=True)
        cached.write_text(json.dumps(spec))
    live = repo_links(repo_url, rel).get("voila")
    return explorer_html(spec, f"ex-{stem.replace('_', '-')}", stem.replace("_", " "),
                         live_url=live) + (
        "" if live else '<p>Live version: <code>make explore</code> serves every explorer with '
        "Voila on your computer.</p>")


def checkpoint_output(cell, uid: str) -> tuple[str, str]:
    """Turn a checkpoint cell into its in-page question (book/quiz.py); return (label, anchor)."""
    question = parse_question(cell.source)
    spec, reader = spec_from_outputs(cell.get("outputs", [])), cell.metadata.get("reader")
    solution = cell.metadata.get("solution", "")
    if reader:
        block = quiz_html(*reader_spec(reader, question["title"]), uid)
    elif spec:
        block = quiz_html(spec, question, uid)
    elif "reflection(" in cell.source:
        block = reflection_html(question, solution.split("=", 1)[-1].strip(" ()'\"\n"), uid)
    else:
        said = [o.get("data", {}).get("text/markdown", "") for o in cell.get("outputs", [])]
        block = coding_task_html(question, solution, " ".join(t for t in said if t), uid)
    cell.outputs = [nbformat.v4.new_output("display_data", data={
        "text/html": block, "text/plain": f"checkpoint {question['title']}"})]
    cell.metadata.setdefault("tags", []).append("remove-input")
    return question["title"] or uid, "#" + re.search(r'id="([^"]+)"', block).group(1)


def code_tag(cell, explorer: bool) -> str:
    """How the site shows a code cell: folded ("hide-input"), or without its input."""
    tags = cell.metadata.get("tags", [])
    if explorer or "site-only" in tags:
        return "remove-input"
    if is_boilerplate(cell.source):
        return "remove-input" if cell.get("outputs") else "remove-cell"
    return "hide-input"


def stage_notebook(path: Path, pages: set[Path], repo_url: str, execute: bool,
                   stage_dir: Path = STAGE) -> tuple[str, int]:
    """Stage one notebook as a reader's page; return (how it was obtained, reading minutes)."""
    rel = path.relative_to(ROOT).as_posix()
    nb, how = executed(path, execute)
    source = nbformat.read(path, as_version=4)
    if len(source.cells) == len(nb.cells):          # show sources as learners get them
        for cell, src in zip(nb.cells, source.cells):
            cell.source, cell.metadata = src.source, src.metadata
    explorer = "explorers" in rel
    block = explorer_block(path.stem, rel, repo_url) if explorer else None
    cells, checkpoints = [], []
    for i, cell in enumerate(nb.cells):
        tags = cell.metadata.setdefault("tags", [])
        if "kernel-only" in tags:
            continue
        if cell.cell_type == "markdown":
            text = rewrite_links(site_text(cell.source), path, pages, repo_url)
            if GLOSSARY.resolve() in pages:
                text = glossary_roles(text)
            cell.source = mark_clinician_sections(text)
        elif "checkpoint" in tags:
            checkpoints.append(checkpoint_output(cell, str(i)))
        elif block and "_app(" in cell.source:
            cell.outputs = [nbformat.v4.new_output("display_data", data={
                "text/html": block, "text/plain": "kernel-free explorer"})]
            tags.append("remove-input")
            block = None
        elif cell.cell_type == "code":
            accessible_outputs(cell, f"fig-{i}")
            for out in cell.get("outputs", []):
                if out.get("output_type") == "stream":
                    out["text"] = without_machine(out["text"])
            tags.append(code_tag(cell, explorer))
        cells.append(cell)
    nb.cells = cells
    nb.metadata.pop("widgets", None)
    top = ([explorer_note(path.stem, pages)] if explorer else [
        run_note(rel, repo_url), clinician_box(nb, checkpoints, lesson_explorers(path.stem, pages))])
    nb.cells[1:1] = [nbformat.v4.new_markdown_cell(text) for text in top if text]
    minutes = reading_minutes(nb)
    nb.cells[0].source = re.sub(r"(\*\*Estimated time:\*\*[^\n]*?)(\s*)$",
                                rf"\1 in Jupyter; about {minutes} min to read this page\2",
                                nb.cells[0].source, count=1, flags=re.M)
    out = stage_dir / rel
    out.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out)
    return how, minutes


def lesson_info(path: Path) -> dict:
    first = nbformat.read(path, as_version=4).cells[0].source
    title = re.search(r"^#\s+(.+)$", first, re.MULTILINE)
    tracks = re.search(r"\*\*Tracks?:\*\*\s*([^\n]+)", first)
    minutes = re.search(r"\*\*Estimated time:\*\*\s*([^\n]+)", first)
    return {"title": title.group(1).strip() if title else path.stem,
            "tracks": [t for t in TRACKS if tracks and t in tracks.group(1).lower()],
            "time": minutes.group(1).strip().rstrip() if minutes else ""}


CLINICIAN_PATH = [  # (notebook stem, what the reader can do afterwards); explorers early
    ("test_characteristics", "say what a positive or a negative result means for your patient, "
                             "from sensitivity, specificity and prevalence"),
    ("risk_communicator", "explain a polygenic score as an absolute risk, not only a relative one"),
    ("18_from_model_to_clinic", "ask for external validation, calibration and a decision curve "
                                "before a model reaches the clinic"),
    ("bias_explorer", "see how a model's accuracy depends on who was in its training data"),
    ("16_bias_and_equity", "ask for subgroup results with confidence intervals, and read them"),
    ("04_variant_interpretation", "weigh a prediction tool's score as one piece of ACMG evidence"),
    ("09_cnn_classification", "spot patient leakage and shortcut learning behind an imaging AUC"),
    ("13_fusion_showdown", "judge when adding a data type to a model really helps"),
    ("25_reading_cards", "place a claim about a new technology on the ladder of evidence"),
    ("19_ethics_discussion", "discuss consent, secondary use and telling relatives"),
]
TRACK_NOTES = {
    "clinician": "Read the pages here; nothing to install. Start with the path above. In each "
                 "lesson a box under the title links the sections written for you (*Why it "
                 "matters*, the explorers, the checkpoints, *What this model cannot do*); the "
                 "code stays folded.",
    "student": "Run the lessons in Jupyter and change the values they invite you to change: "
               "`make lab` in the course folder (Python 3.10+), or the Binder and Colab links "
               "under each lesson's title where the site has them.",
    "data": "Whole lessons, their code (**Show all code** at the top of a lesson opens it all) "
            "and the graded exercises: `make lab` in the course folder; explorers also run live "
            "with Voila (`make explore`).",
}


def _link(path: Path) -> str:
    return f"[{lesson_info(path)['title']}]({path.relative_to(ROOT).as_posix()})"


def clinician_path(minutes: dict[str, int]) -> list[str]:
    """The landing page's clinician path: each item with its computed reading time."""
    by_stem = {p.stem: p for p in notebooks()}
    items = [(by_stem[stem], after) for stem, after in CLINICIAN_PATH
             if stem in by_stem and stem in minutes]
    total = sum(minutes[p.stem] for p, _ in items)
    lines = ["## Start here: the clinician path", "",
             f"{len(items)} pages, about {total // 60} h {total % 60:02d} min of reading in all "
             "(reading times are computed from each page: see *About the reading times* below).",
             ""]
    lines += [f"{i}. {_link(p)} ({'explorer, ' if 'explorers' in p.parts else ''}"
              f"{minutes[p.stem]} min). *Afterwards you can* {after}."
              for i, (p, after) in enumerate(items, 1)]
    return lines + [""]


def landing_page(lessons: list[Path], explorers: list[Path], doc_pages: list[Path],
                 repo_url: str, minutes: dict[str, int] | None = None) -> str:
    minutes = minutes or {}
    info = {p: lesson_info(p) for p in lessons}
    lines = ["# AI in genomics and medical imaging", "",
             "A course on how machine learning reads genomes and medical images, and how to tell "
             "a trustworthy model from a lucky one. Every page here is already run, with its "
             "figures and results: no installation is needed to read it, and its checkpoints "
             "check your answers in the page. Each figure carries a text description (and its "
             "data table where it is a chart of a table).", ""]
    lines += clinician_path(minutes)
    lines += ["## Three tracks: what differs", ""]
    lines += [f"- **{TRACKS[t]}.** {TRACK_NOTES[t]}" for t in TRACKS] + [""]
    lines += ["## All lessons", "", "The tracks each lesson is written for, and its reading time "
              "on this site (the lesson's own estimate, for working through it in Jupyter, is on "
              "its page).", ""]
    for p in lessons:
        tracks = ", ".join(t for t in info[p]["tracks"]) or "all"
        read = f"; reading {minutes[p.stem]} min" if p.stem in minutes else ""
        lines.append(f"- {_link(p)} ({tracks}{read})")
    lines += ["", "## Explorers (no code)", ""]
    lines += [f"- {_link(p)}" + (f" ({minutes[p.stem]} min)" if p.stem in minutes else "")
              for p in explorers]
    lines += ["", "## For instructors", ""]
    lines += [f"- [{_md_title(p)}]({p.relative_to(ROOT).as_posix()})" for p in doc_pages]
    lines += ["", "## About the reading times", "", READING_RULE, "",
              "## Licence and citation", "",
              "Lessons, explorers and documentation are licensed under "
              "[CC BY 4.0](https://creativecommons.org/licenses/by/4.0/) (`LICENSE-CONTENT`); the "
              "code under BSD-3-Clause (`LICENSE`); each dataset keeps the licence quoted in its "
              "data card. To cite the course, use `CITATION.cff`.", ""]
    for caption, pages in (("Lessons", lessons), ("Explorers", explorers),
                           ("Instructors", doc_pages)):
        lines += ["```{toctree}", ":hidden:", f":caption: {caption}", ""]
        lines += [p.relative_to(ROOT).with_suffix("").as_posix() for p in pages] + ["```", ""]
    return "\n".join(lines)


READING_RULE = (  # quoted on the landing page
    f"A page's reading time counts the words a reader sees (text and printed results; the folded "
    f"code is not counted) at {WORDS_PER_MINUTE} words per minute, plus "
    f"{ALLOWANCE['figure']:g} minute per figure, {ALLOWANCE['table']:g} per table, "
    f"{ALLOWANCE['checkpoint']:g} per checkpoint and {ALLOWANCE['explorer']:g} per interactive "
    "explorer, rounded up to 5 minutes.")


def _md_title(path: Path) -> str:
    m = re.search(r"^#\s+(.+)$", path.read_text(), re.MULTILINE)
    return m.group(1).strip() if m else path.stem


def stage(execute: bool, repo_url: str, only: list[str] | None = None,
          stage_dir: Path = STAGE) -> dict[str, str]:
    """Write the sources (default build/book-src/); return {notebook: reused/executed/unexecuted}."""
    if stage_dir.exists():
        shutil.rmtree(stage_dir)
    (stage_dir / "_static").mkdir(parents=True)
    shutil.copy(BOOK / "conf.py", stage_dir / "conf.py")
    shutil.copytree(BOOK / "_templates", stage_dir / "_templates")
    for f in (BOOK / "_static").iterdir():
        shutil.copy(f, stage_dir / "_static" / f.name)
    import plotly

    shutil.copy(Path(plotly.__file__).parent / "package_data" / "plotly.min.js",
                stage_dir / "_static" / "plotly.min.js")
    nbs = [p for p in notebooks() if not only or p.stem in only]
    doc_pages = [p for p in docs() if not only or p.stem in only]
    pages = {p.resolve() for p in nbs + doc_pages}
    how, minutes = {}, {}
    for path in nbs:
        start = time.perf_counter()
        rel = path.relative_to(ROOT).as_posix()
        how[rel], minutes[path.stem] = stage_notebook(path, pages, repo_url, execute, stage_dir)
        print(f"  {rel}: {how[rel]} ({time.perf_counter() - start:.1f} s)", flush=True)
    for path in doc_pages:
        out = stage_dir / path.relative_to(ROOT)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(rewrite_links(path.read_text(), path, pages, repo_url))
    lessons = [p for p in nbs if "explorers" not in p.parts]
    explorers = [p for p in nbs if "explorers" in p.parts]
    (stage_dir / "index.md").write_text(landing_page(lessons, explorers, doc_pages, repo_url,
                                                        minutes))
    return how


def name_folds(site: Path) -> None:
    """Give MyST-NB's folds the name they show: its "Toggle hidden content" label hid the visible
    "Show code" from screen readers and voice control (axe: label-content-name-mismatch)."""
    for page in site.rglob("*.html"):
        text = page.read_text()
        if 'aria-label="Toggle hidden content"' in text:
            page.write_text(text.replace('<summary aria-label="Toggle hidden content">', "<summary>"))


def build(execute: bool = True, repo_url: str = "", only: list[str] | None = None,
          out: Path = OUT, stage_dir: Path = STAGE) -> dict:
    """Stage and build the site; return a summary (pages, seconds, how each notebook came)."""
    start = time.perf_counter()
    how = stage(execute, repo_url, only, stage_dir)
    if out.exists():
        shutil.rmtree(out)
    log = out.parent / f"{out.name}-sphinx.log"
    with open(log, "w") as handle:
        result = subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-q", "-E",
                                 str(stage_dir), str(out)], stdout=handle, stderr=subprocess.STDOUT,
                                env={**os.environ, "BOOK_REPO_URL": repo_url})
    if result.returncode != 0:
        raise BookError(f"make book: sphinx-build failed; see {log}")
    name_folds(out)
    summary = {"pages": len(list(out.rglob("*.html"))) - len(list(out.glob("_*/**/*.html"))) -
               len([p for p in out.glob("*.html") if p.name in ("genindex.html", "search.html")]),
               "seconds": round(time.perf_counter() - start, 1), "notebooks": how}
    (out / "build-summary.json").write_text(json.dumps(summary, indent=1))
    return summary


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-execute", action="store_true",
                        help="stage missing/stale notebooks without outputs instead of running them")
    parser.add_argument("--only", nargs="*", help="notebook/doc stems to include (quick builds)")
    args = parser.parse_args(argv)
    try:
        summary = build(execute=not args.no_execute,
                        repo_url=os.environ.get("BOOK_REPO_URL", ""), only=args.only)
    except BookError as error:
        sys.exit(f"make book: {error}" if not str(error).startswith("make book") else str(error))
    counts = {k: list(summary["notebooks"].values()).count(k)
              for k in ("reused", "executed", "unexecuted")}
    print(f"make book: {summary['pages']} pages in {summary['seconds']} s -> "
          f"{OUT.relative_to(ROOT)}/index.html; notebooks {counts}")


if __name__ == "__main__":
    main()
