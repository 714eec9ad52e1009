"""The website as a reader's page (book/build.py): true text per surface, code out of the way,
reading times, and the clinician's marks inside each lesson.

Surface markers (one source, two surfaces), in Markdown cells:

- ``<!-- kernel-only -->`` ... ``<!-- /kernel-only -->``: shown in Jupyter (the comments are
  invisible there), removed from the website;
- ``<!-- site-only: TEXT -->``: invisible in Jupyter, TEXT shown on the website;
- a cell tagged ``kernel-only`` is left off the website; one tagged ``site-only`` is a code cell
  the website shows (input hidden) and that the notebook still runs.

Reading time (minutes, shown on the landing page), computed from the staged page: the words of
its prose (Markdown cells and the text outputs a reader sees; code is hidden) at 200 words per
minute, plus 1 minute per figure, 0.5 per table, 1 per checkpoint and 5 per kernel-free
explorer; rounded up to 5 minutes.
"""
from __future__ import annotations

import ast
import math
import re

KERNEL_ONLY = re.compile(r"<!--\s*kernel-only\s*-->.*?<!--\s*/kernel-only\s*-->\n?", re.S)
SITE_ONLY = re.compile(r"<!--\s*site-only:\s*(.*?)\s*-->", re.S)
WORDS_PER_MINUTE = 200
ALLOWANCE = {"figure": 1.0, "table": 0.5, "checkpoint": 1.0, "explorer": 5.0}
CLINICIAN = ("Why it matters", "What this model cannot do")


def site_text(markdown: str) -> str:
    """A Markdown cell's text as the website shows it (surface markers applied).

    >>> site_text("Run it.<!-- kernel-only --> Type 'c'.<!-- /kernel-only --><!-- site-only: Read it. -->")
    'Run it.Read it.'
    """
    return SITE_ONLY.sub(lambda m: m.group(1), KERNEL_ONLY.sub("", markdown))


def is_boilerplate(source: str) -> bool:
    """True for a code cell a reader never needs: imports only, or the lesson's timing line.

    >>> is_boilerplate("import numpy as np\\nfrom toolkit import imaging"), is_boilerplate("x = 1")
    (True, False)
    """
    if "lesson ran in" in source:
        return True
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    return bool(tree.body) and all(isinstance(node, (ast.Import, ast.ImportFrom))
                                   for node in tree.body)


def _words(text: str) -> int:
    text = re.sub(r"<[^>]+>|```.*?```|\$[^$]*\$", " ", text, flags=re.S)
    return len(re.findall(r"[A-Za-z0-9\u00c0-\u024f]+", text))


def reading_minutes(nb) -> int:
    """Reading time of a staged notebook (the rule in this module's docstring).

    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("word " * 400)])
    >>> reading_minutes(nb)
    5
    """
    words, extra = 0, 0.0
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            words += _words(cell.source)
            continue
        tags = cell.metadata.get("tags", [])
        if "remove-cell" in tags:
            continue
        for out in cell.get("outputs", []):
            html = out.get("data", {}).get("text/html", "")
            if "checkpoint-quiz" in html or "checkpoint-reflection" in html:
                extra += ALLOWANCE["checkpoint"]
            elif "static-explorer" in html:
                extra += ALLOWANCE["explorer"]
            elif "toolkit-figure" in html or "image/png" in out.get("data", {}):
                extra += ALLOWANCE["figure"]
            elif "<table" in html:
                extra += ALLOWANCE["table"]
            elif out.get("output_type") == "stream" and "remove-output" not in tags:
                words += _words(out.get("text", ""))
    return max(5, 5 * math.ceil((words / WORDS_PER_MINUTE + extra) / 5))


def mark_clinician_sections(markdown: str) -> str:
    """Mark the clinician's sections (Why it matters, What this model cannot do) under their heading.

    >>> mark_clinician_sections("## Why it matters\\n\\nText.")
    '## Why it matters\\n\\n<p class="clinician-mark">For clinicians</p>\\n\\nText.'
    """
    heading = "|".join(re.escape(h) for h in CLINICIAN)
    return re.sub(rf"^(##\s+(?:{heading}).*)$", r'\1\n\n<p class="clinician-mark">For clinicians</p>',
                  markdown, count=1, flags=re.M)


def clinician_box(nb, checkpoints: list[tuple[str, str]], explorers: list[tuple[str, str]]) -> str:
    """The in-page links at the top of a lesson: the clinician's sections, explorers, checkpoints.

    ``checkpoints`` and ``explorers`` are (label, link) pairs."""
    headings = [h for c in nb.cells if c.cell_type == "markdown"
                for h in re.findall(r"^##\s+(.+?)\s*$", c.source, re.M)]
    def anchor(title: str) -> str:
        return "#" + re.sub(r"[^\w\s-]", "", title.lower()).strip().replace(" ", "-")
    marked = [h for h in headings if h.startswith(CLINICIAN)]
    links = [f"[{marked[0]}]({anchor(marked[0])})"] if marked else []
    links += [f"Explore: [{title}]({link})" for title, link in explorers]
    if checkpoints:
        links.append("Checkpoints " + ", ".join(f"[{label}]({link})" for label, link in checkpoints))
    links += [f"[{h}]({anchor(h)})" for h in marked[1:]]
    return "\n".join([
        ":::{admonition} Reading as a clinician", ":class: tip clinician-box",
        "No code needed: code is folded away (**Show code** opens a cell). The sections for "
        "clinicians: " + " · ".join(links) + ".", "",
        '<button type="button" id="show-all-code" class="btn btn-sm btn-outline-secondary" '
        'aria-pressed="false">Show all code (data track)</button>', ":::"])


WARNING_AT = re.compile(r"^\S+\.py:\d+: (\w*Warning: .*)\n(?:[ \t]+.*\n?)?", re.M)


def without_machine(text: str) -> str:
    """A warning as a reader needs it: the message, not the build machine's file path and line.

    >>> without_machine("/tmp/ipykernel_1/2.py:3: UserWarning: dropped 5 variants.\\n  clean = f(x)\\n")
    'UserWarning: dropped 5 variants.\\n'
    """
    return WARNING_AT.sub(lambda m: m.group(1) + "\n", text)
