"""Checkpoints answered in the page: a lesson's checkpoint cell -> an HTML question (book/build.py).

One source serves both surfaces. The question text and the options are the cell's own comment
lines (``# ✏️ Checkpoint 4.3: ...``, ``#   a) ...``); the expected value, tolerances, options'
explanations, hint and success text are the data that ``check_number`` / ``check_choice``
attached to their feedback when the notebook was executed (``toolkit.checkpoints.QUIZ_MIME``).
book/_static/checkpoints.js checks the reader's answer in the browser and shows the same
feedback the kernel would.

A checkpoint whose answer is not on the page, or that is a coding task, may carry a reader
version in its metadata (``metadata.reader``: question, options, correct, explanations), shown
on the site instead. Reflections (free text, ``reflection(...)``) get a text box and a model
answer (the cell's ``metadata.solution``).
"""
from __future__ import annotations

import html
import json
import re

from toolkit.checkpoints import QUIZ_MIME

OPTION = re.compile(r"(?:^|\s{2,})([a-z])\)\s+")   # "a) ...", also several on one line
TITLE = re.compile(r"^\s*(?:✏️\s*)?Checkpoint\s+([^:]+):\s*(.*)$")
PLACEHOLDER = re.compile(r"^\s*answer\s*=\s*None\b", re.MULTILINE)


def parse_question(source: str) -> dict:
    """The question text and lettered options written as comments above ``answer = None``.

    >>> q = parse_question("# ✏️ Checkpoint 1.2: which?\\n#   a) one\\n#   b) two\\n#      more\\n"
    ...                    "#   c) 3 %     d) 4 %\\nanswer = None")
    >>> q["title"], q["text"], q["options"]
    ('1.2', 'which?', {'a': 'one', 'b': 'two more', 'c': '3 %', 'd': '4 %'})
    """
    head = PLACEHOLDER.split(source, maxsplit=1)[0]
    text, options, title, last = [], {}, "", None
    for line in head.splitlines():
        if not line.lstrip().startswith("#"):
            continue
        body = line.lstrip()[1:].strip()
        if (m := TITLE.match(body)) and not title:
            title, body = m.group(1).strip(), m.group(2)
        if OPTION.match(body):
            pieces = OPTION.split(body)[1:]         # [letter, text, letter, text, ...]
            for letter, label in zip(pieces[::2], pieces[1::2]):
                options[letter] = label.strip()
                last = letter
        elif last and body:
            options[last] += " " + body
        elif body:
            text.append(body)
    return {"title": title, "text": " ".join(text), "options": options}


def spec_from_outputs(outputs: list) -> dict | None:
    """The checkpoint data the executed cell's check call attached (None if it attached none)."""
    for out in outputs:
        spec = out.get("data", {}).get(QUIZ_MIME)
        if spec:
            return dict(spec)
    return None


def _inline(text: str) -> str:
    """Escape ``text`` for HTML and render its `code` spans and **bold**."""
    out = html.escape(text, quote=False)
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", out)
    return re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", out)


def _checkpoint_id(name: str, uid: str) -> str:
    """The HTML id of a checkpoint: its name as a slug, then the cell's number (unique in a page).

    >>> _checkpoint_id("1.2 Read the ROC", "7")
    'checkpoint-1-2-read-the-roc-7'
    """
    return "checkpoint-" + re.sub(r"[^0-9A-Za-z]+", "-", str(name)).strip("-").lower() + f"-{uid}"


def options(spec: dict, question: dict) -> list[tuple[str, str]]:
    """(key, label) of each option: the comment's lettered options, else the explanations' keys.

    >>> options({"explanations": {"poor": "", "normal": ""}}, {"options": {}})
    [('normal', 'normal'), ('poor', 'poor')]
    """
    written = {k.lower(): v for k, v in question["options"].items()}
    keys = sorted(spec["explanations"], key=lambda k: (k.lower() not in written, k.lower()))
    return [(k, f"{k}) {written[k.lower()]}" if k.lower() in written else k) for k in keys]


def quiz_html(spec: dict, question: dict, uid: str) -> str:
    """The in-page question of one checkpoint (the DOM contract in book/README.md)."""
    name = str(spec.get("name") or question["title"] or uid)
    cid = _checkpoint_id(name, uid)
    text = question["text"][:1].upper() + question["text"][1:]
    head = (f'<p class="checkpoint-title"><strong>Checkpoint {html.escape(name)}</strong></p>')
    data = json.dumps(spec, ensure_ascii=False).replace("</", "<\\/").replace("<!--", "\\u003c!--")
    parts = [f'<div class="checkpoint-quiz" id="{cid}" data-checkpoint="{html.escape(name)}" '
             f'data-kind="{spec["kind"]}">', head]
    if spec["kind"] == "choice":
        kind = "checkbox" if len(spec["correct"]) > 1 else "radio"
        parts.append(f'<fieldset><legend class="checkpoint-question">{_inline(text)}'
                     + (" (choose all that apply)" if kind == "checkbox" else "") + "</legend>")
        for i, (key, label) in enumerate(options(spec, question)):
            value = html.escape(key.lower())
            parts.append(f'<div class="checkpoint-option"><input type="{kind}" name="{cid}-opt" '
                         f'id="{cid}-o{i}" value="{value}"><label for="{cid}-o{i}">'
                         f"{_inline(label)}</label></div>")
        parts.append("</fieldset>")
    else:
        parts += [f'<p class="checkpoint-question" id="{cid}-q">{_inline(text)}</p>',
                  f'<label for="{cid}-in">Your answer (a number)</label> '
                  f'<input type="text" inputmode="decimal" id="{cid}-in" autocomplete="off" '
                  f'aria-describedby="{cid}-q">']
    parts += ['<button type="button" class="checkpoint-check">Check</button>',
              '<p class="checkpoint-feedback" role="status" aria-live="polite"></p>']
    if spec["kind"] == "number":   # after a wrong try, a reader who cannot compute may look
        parts += ['<button type="button" class="checkpoint-reveal" hidden>Show the answer</button>',
                  '<p class="checkpoint-answer" role="status" aria-live="polite" hidden></p>']
    parts += [f'<script type="application/json" class="checkpoint-data">{data}</script>', "</div>"]
    return "\n".join(parts)


def reader_spec(reader: dict, name: str) -> tuple[dict, dict]:
    """A reader version (cell ``metadata.reader``) as (spec, question) for ``quiz_html``."""
    spec = {"kind": "choice", "name": name, "correct": sorted(reader["correct"]),
            "explanations": reader["explanations"]}
    return spec, {"title": name, "text": reader["question"], "options": reader["options"]}


def reflection_html(question: dict, model_answer: str, uid: str) -> str:
    """A free-text reflection: a text box for the reader's own thoughts and a model answer."""
    cid = _checkpoint_id(question['title'] or uid, uid)
    return "\n".join([
        f'<div class="checkpoint-reflection" id="{cid}">',
        f'<p class="checkpoint-title"><strong>Checkpoint {html.escape(question["title"])}'
        "</strong> (reflection: no right or wrong answer)</p>",
        f'<p class="checkpoint-question" id="{cid}-q">{_inline(question["text"])}</p>',
        f'<label for="{cid}-in">Your thoughts (kept in this page only)</label>',
        f'<textarea id="{cid}-in" rows="4" aria-describedby="{cid}-q"></textarea>',
        f"<details><summary>Show one possible answer</summary><p>{_inline(model_answer)}</p>"
        "</details>", "</div>"])


def coding_task_html(question: dict, solution: str, feedback: str, uid: str) -> str:
    """A coding task with no reader version: the task, and its solution with the kernel's check."""
    cid = _checkpoint_id(question['title'] or uid, uid)
    return "\n".join([
        f'<div class="checkpoint-task" id="{cid}">',
        f'<p class="checkpoint-title"><strong>Checkpoint {html.escape(question["title"])}'
        "</strong> (a coding task: do it when you run the lesson)</p>",
        f'<p class="checkpoint-question">{_inline(question["text"])}</p>',
        f"<details><summary>Show the solution</summary><pre><code>{html.escape(solution)}"
        f"</code></pre><p>{_inline(feedback)}</p></details>", "</div>"])
