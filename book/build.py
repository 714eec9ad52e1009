"""Build the course website: `make book` (python book/build.py) -> build/book/index.html.

Steps
1. Executed notebooks: reuse build/executed/<path> (saved by the notebook test run,
   tests/notebook_runner.py) when its stamped source SHA-256 matches the notebook; execute
   only the missing or stale ones (same runner, so checkpoints are answered as in the tests).
2. Stage build/book-src/: the lessons, explorers and docs/, with
   - checkpoint cells shown as learners get them (``answer = None``, no output: no spoilers);
   - every plotly output replaced by accessible HTML (toolkit.viz.a11y.accessible_html: text
     alternative as caption, data table beside charts of a table, Okabe-Ito colours);
   - widget outputs replaced by their static fallback (explorers: the kernel-free explorer of
     toolkit.explorers.static; lessons: a note to run the lesson);
   - a "Run this lesson" note (local, Binder, Colab) under each lesson's title;
   - links to repository files that are not pages pointed at the repository (or unlinked).
3. sphinx-build (Sphinx + MyST-NB + sphinx-book-theme, configured in book/conf.py).

Environment: BOOK_REPO_URL (https://github.com/OWNER/REPO) adds Binder/Colab/Voila links.
"""
from __future__ import annotations

import argparse
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

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
EXECUTED = ROOT / "build" / "executed"
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


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ------------------------------------------------------------------ 1. executed notebooks
def executed(path: Path, execute: bool) -> tuple[nbformat.NotebookNode, str]:
    """The executed notebook for ``path`` and how it was obtained (reused/executed/unexecuted)."""
    saved = EXECUTED / path.relative_to(ROOT)
    if saved.exists():
        nb = nbformat.read(saved, as_version=4)
        if nb.metadata.get("toolkit_executed", {}).get("source_sha256") == sha256(path):
            return nb, "reused"
    if not execute:
        return nbformat.read(path, as_version=4), "unexecuted"
    sys.path.insert(0, str(ROOT / "tests"))
    from notebook_runner import run_notebook

    try:
        run_notebook(path)
    except Exception as error:  # noqa: BLE001 - one clear line instead of a kernel traceback
        sys.exit(f"make book: {path.relative_to(ROOT)} failed to run ({type(error).__name__}: "
                 f"{str(error).strip().splitlines()[-1][:200] if str(error).strip() else ''}); "
                 f"see `pytest tests/test_notebooks.py -k {path.stem}`, or build without it: "
                 "python book/build.py --no-execute")
    return nbformat.read(saved, as_version=4), "executed"


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
    links = repo_links(repo_url, rel)
    online = (f"[on Binder]({links['binder']}) (free, no account) or "
              f"[on Colab]({links['colab']}) (Google account; first cell "
              "`!pip install \"git+<repository URL>\"`)" if links else
              "on Binder or Colab (links appear on the published site; see *Running the course* "
              "in the instructor guide)")
    return (":::{admonition} Run this lesson\n:class: note\n"
            f"This page shows `{rel}` already run, with its outputs. To run it yourself: "
            f"**locally**, `make lab` in the course folder, then open `{rel}`; or {online}. "
            "Checkpoints check your answers only when you run the lesson.\n:::")


def rewrite_links(text: str, source: Path, pages: set[Path], repo_url: str) -> str:
    """Point links to repository files that are not pages at the repository (or unlink them)."""
    def fix(m: re.Match) -> str:
        label, target = m.groups()
        if re.match(r"^[a-z]+:|^#|^mailto:", target):
            return m.group(0)
        path_part = target.split("#")[0]
        resolved = (source.parent / path_part).resolve()
        if resolved in pages or not path_part:
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


def glossary_roles(text: str, glossary: Path = GLOSSARY) -> str:
    """Lesson links to docs/glossary.md#slug -> MyST {term} roles (plain links in JupyterLab).

    A slug that names no term of the glossary is an error naming the lesson's link and the fix.
    """
    if not GLOSSARY_LINK.search(text):
        return text
    body = glossary.read_text().split("```{glossary}", 1)[1].split("```", 1)[0]
    terms = {glossary_slug(t): t for t in re.findall(r"^(\S[^\n]*)$", body, re.MULTILINE)}

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
            fallback = ('<p class="widget-fallback"><em>Interactive control: it works when '
                        "you run this lesson (see the note under the title).</em></p>")
            out["data"] = {"text/html": fallback, "text/plain": "interactive control"}
        outputs.append(out)
    cell["outputs"] = outputs


def explorer_block(stem: str, rel: str, repo_url: str) -> str | None:
    from toolkit.explorers.static import EXPLORERS, explorer_html, explorer_states

    if stem not in EXPLORERS:
        return None
    sources = sorted((ROOT / "toolkit" / "explorers").glob("*.py"))
    key = hashlib.sha256(b"".join(p.read_bytes() for p in sources)).hexdigest()[:16]
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


def stage_notebook(path: Path, pages: set[Path], repo_url: str, execute: bool,
                   stage_dir: Path = STAGE) -> str:
    rel = path.relative_to(ROOT).as_posix()
    nb, how = executed(path, execute)
    source = nbformat.read(path, as_version=4)
    if len(source.cells) == len(nb.cells):          # show sources as learners get them
        for cell, src in zip(nb.cells, source.cells):
            cell.source = src.source
            if "checkpoint" in src.metadata.get("tags", []):
                cell.outputs = []
    block = explorer_block(path.stem, rel, repo_url) if "explorers" in rel else None
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and "explorers" in rel:   # no-code pages: hide the code
            cell.metadata.setdefault("tags", []).append("remove-input")
        if cell.cell_type == "code" and block and "_app(" in cell.source:
            cell.outputs = [nbformat.v4.new_output("display_data", data={
                "text/html": block, "text/plain": "kernel-free explorer"})]
            block = None
        elif cell.cell_type == "code":
            accessible_outputs(cell, f"fig-{i}")
        elif cell.cell_type == "markdown":
            cell.source = rewrite_links(cell.source, path, pages, repo_url)
            if GLOSSARY.resolve() in pages:
                cell.source = glossary_roles(cell.source)
    nb.metadata.pop("widgets", None)
    nb.cells.insert(1, nbformat.v4.new_markdown_cell(run_note(rel, repo_url)))
    out = stage_dir / rel
    out.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out)
    return how


def lesson_info(path: Path) -> dict:
    first = nbformat.read(path, as_version=4).cells[0].source
    title = re.search(r"^#\s+(.+)$", first, re.MULTILINE)
    tracks = re.search(r"\*\*Tracks?:\*\*\s*([^\n]+)", first)
    minutes = re.search(r"\*\*Estimated time:\*\*\s*([^\n]+)", first)
    return {"title": title.group(1).strip() if title else path.stem,
            "tracks": [t for t in TRACKS if tracks and t in tracks.group(1).lower()],
            "time": minutes.group(1).strip().rstrip() if minutes else ""}


def landing_page(lessons: list[Path], explorers: list[Path], doc_pages: list[Path],
                 repo_url: str) -> str:
    info = {p: lesson_info(p) for p in lessons}
    lines = ["# AI in genomics and medical imaging", "",
             "A hands-on course on how machine learning reads genomes and medical images, and how "
             "to tell a trustworthy model from a lucky one. Every lesson below is shown already "
             "run, with its figures and results: no installation needed to read it. Each figure "
             "carries a text description (and its data table where it is a chart of a table).", "",
             ":::{admonition} Run the course", ":class: note",
             "Locally: `make lab` in the course folder (Python 3.10+); on Binder or Colab: the "
             "links under each lesson's title" + ("" if repo_url else " (on the published site)")
             + ". Explorers also run live with Voila (`make explore`).", ":::", "",
             "## Lesson map by track", ""]
    for track, heading in TRACKS.items():
        lines += [f"### {heading}", ""]
        for p in lessons:
            if track in info[p]["tracks"]:
                time_note = f" ({info[p]['time']})" if info[p]["time"] else ""
                lines.append(f"- [{info[p]['title']}]({p.relative_to(ROOT).as_posix()})"
                             f"{time_note}")
        lines.append("")
    lines += ["## Explorers (no code)", ""]
    lines += [f"- [{lesson_info(p)['title']}]({p.relative_to(ROOT).as_posix()})" for p in explorers]
    lines += ["", "## For instructors", ""]
    lines += [f"- [{_md_title(p)}]({p.relative_to(ROOT).as_posix()})" for p in doc_pages]
    lines += ["", "## Licence and citation", "",
              "Lessons, explorers and documentation are licensed under "
              "[CC BY 4.0](https://creativecommons.org/licenses/by/4.0/) (`LICENSE-CONTENT`); the "
              "code under BSD-3-Clause (`LICENSE`); each dataset keeps the licence quoted in its "
              "data card. To cite the course, use `CITATION.cff`.", ""]
    for caption, pages in (("Lessons", lessons), ("Explorers", explorers),
                           ("Instructors", doc_pages)):
        lines += ["```{toctree}", ":hidden:", f":caption: {caption}", ""]
        lines += [p.relative_to(ROOT).with_suffix("").as_posix() for p in pages] + ["```", ""]
    return "\n".join(lines)


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
    how = {}
    for path in nbs:
        start = time.perf_counter()
        how[path.relative_to(ROOT).as_posix()] = stage_notebook(path, pages, repo_url, execute,
                                                                stage_dir)
        print(f"  {path.relative_to(ROOT)}: {how[path.relative_to(ROOT).as_posix()]} "
              f"({time.perf_counter() - start:.1f} s)", flush=True)
    for path in doc_pages:
        out = stage_dir / path.relative_to(ROOT)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(rewrite_links(path.read_text(), path, pages, repo_url))
    lessons = [p for p in nbs if "explorers" not in p.parts]
    explorers = [p for p in nbs if "explorers" in p.parts]
    (stage_dir / "index.md").write_text(landing_page(lessons, explorers, doc_pages, repo_url))
    return how


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
                                 str(stage_dir), str(out)], stdout=handle, stderr=subprocess.STDOUT)
    if result.returncode != 0:
        sys.exit(f"make book: sphinx-build failed; see {log}")
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
    summary = build(execute=not args.no_execute, repo_url=os.environ.get("BOOK_REPO_URL", ""),
                    only=args.only)
    counts = {k: list(summary["notebooks"].values()).count(k)
              for k in ("reused", "executed", "unexecuted")}
    print(f"make book: {summary['pages']} pages in {summary['seconds']} s -> "
          f"{OUT.relative_to(ROOT)}/index.html; notebooks {counts}")


if __name__ == "__main__":
    main()
