"""The shipped corpus and lexicon: markup ``[text](G:norm)`` <-> text + mentions, gold tables.

Taught in lesson 24.
"""
from __future__ import annotations

from collections.abc import Iterable
from importlib import resources
import json
import re
from typing import NamedTuple

import pandas as pd

__all__ = ["CORPUS_FILE", "LEXICON_FILE", "MENTION_KEYS", "RELATION_KEYS", "Mention", "parse_markup",
           "to_markup", "load_corpus", "load_lexicon", "gold_tables"]

CORPUS_FILE = "literature_corpus.jsonl"

LEXICON_FILE = "literature_lexicon.json"

MENTION_KEYS = ("start", "end", "type")

RELATION_KEYS = ("gene", "variant", "disease", "status")

_TYPE_OF_TAG = {"G": "gene", "V": "variant", "D": "disease"}

_TAG_OF_TYPE = {v: k for k, v in _TYPE_OF_TAG.items()}

_MARKUP = re.compile(r"\[([^\]]+)\]\(([GVD])(?::([^)]+))?\)")


class Mention(NamedTuple):
    """One name found in a text: character span ``[start, end)``, type, the text and its normal form."""

    start: int
    end: int
    type: str
    text: str
    norm: str


def _data_text(name: str) -> str:
    return resources.files("toolkit.frontiers").joinpath("data", name).read_text(encoding="utf-8")


def parse_markup(markup: str) -> tuple[str, list[Mention]]:
    """Turn annotated text ``[BRAF](G) [p.Val600Glu](V) in [melanoma](D)`` into text and mentions.

    Tags are ``G`` (gene), ``V`` (variant) and ``D`` (disease); ``[HER2](G:ERBB2)`` gives the normal
    form after the colon (default: the text itself).

    Examples
    --------
    >>> text, mentions = parse_markup("[HER2](G:ERBB2) in [breast cancer](D)")
    >>> text
    'HER2 in breast cancer'
    >>> mentions[0]
    Mention(start=0, end=4, type='gene', text='HER2', norm='ERBB2')

    Taught in lesson 24.
    """
    parts, mentions, pos, out_len = [], [], 0, 0
    for m in _MARKUP.finditer(markup):
        parts.append(markup[pos:m.start()])
        out_len += m.start() - pos
        name, tag, norm = m.group(1), m.group(2), m.group(3)
        mentions.append(Mention(out_len, out_len + len(name), _TYPE_OF_TAG[tag], name, norm or name))
        parts.append(name)
        out_len += len(name)
        pos = m.end()
    parts.append(markup[pos:])
    return "".join(parts), mentions


def to_markup(text: str, mentions: Iterable[Mention]) -> str:
    """Write mentions back into the text in the corpus markup (the inverse of `parse_markup`).

    Use it to print what a method found next to the gold labels. Overlapping mentions keep the first.

    Parameters
    ----------
    text : str
    mentions : iterable of Mention

    Returns
    -------
    str

    Examples
    --------
    >>> to_markup("BRAF V600E", [Mention(0, 4, "gene", "BRAF", "BRAF"), Mention(5, 10, "variant", "V600E", "V600E")])
    '[BRAF](G) [V600E](V)'
    """
    out, pos = [], 0
    for m in sorted(mentions, key=lambda m: (m.start, -m.end)):
        if m.start < pos:
            continue
        out += [text[pos:m.start], f"[{text[m.start:m.end]}]({_TAG_OF_TYPE[m.type]})"]
        pos = m.end
    return "".join(out) + text[pos:]


def load_corpus() -> pd.DataFrame:
    """Load the shipped literature corpus: 79 short *synthetic* passages with gold labels.

    ===============  =================================================================
    passages         79 (1-2 sentences each), written for teaching, not real papers
    gold mentions    genes, variants (HGVS, rsIDs, legacy names), diseases
    gold relations   (gene, variant, disease, status), status affirmed/negated/speculative
    traps            per passage: ambiguous_symbol, negation, outdated_nomenclature, ...
    ===============  =================================================================

    Returns
    -------
    DataFrame
        One row per passage: ``passage_id``, ``text``, ``mentions`` (list of `Mention`),
        ``relations`` (list of (gene, variant, disease, status) tuples), ``traps`` (list of str),
        ``markup`` (the annotated source) and ``source``.

    Notes
    -----
    Licence CC0-1.0 (written by the toolkit authors). Data card: ``datasets/literature_corpus.md``.
    No network is used.

    Examples
    --------
    >>> corpus = load_corpus()
    >>> len(corpus), corpus.loc[0, "text"][:37]
    (79, 'The BRAF variant p.Val600Glu (c.1799T')

    Taught in lesson 24.
    """
    rows = []
    for line in _data_text(CORPUS_FILE).splitlines():
        record = json.loads(line)
        text, mentions = parse_markup(record["markup"])
        rows.append({"passage_id": record["passage_id"], "text": text, "mentions": mentions,
                     "relations": [tuple(r) for r in record["relations"]], "traps": record["traps"],
                     "markup": record["markup"], "source": record["source"]})
    return pd.DataFrame(rows)


def load_lexicon() -> dict:
    """Load the small shipped lexicon: ``{"genes": {symbol: [aliases]}, "diseases": {name: [synonyms]}}``.

    68 gene symbols (HGNC-approved symbols plus a few common aliases such as HER2 and p53) and 54
    diseases with synonyms (UK and US spellings, abbreviations such as NSCLC). Hand-curated for
    lesson 24: a teaching list, not a complete vocabulary (real tools use the full HGNC symbol list).

    Examples
    --------
    >>> lex = load_lexicon()
    >>> lex["genes"]["ERBB2"], lex["diseases"]["non-small cell lung cancer"][-1]
    (['HER2', 'HER2/neu'], 'NSCLC')
    """
    return json.loads(_data_text(LEXICON_FILE))


def gold_tables(corpus: pd.DataFrame) -> dict:
    """The hand-made (gold) labels of a corpus, in the same shape as `extract_from_corpus` returns.

    Parameters
    ----------
    corpus : DataFrame from `load_corpus` (columns passage_id, mentions, relations).

    Returns
    -------
    dict of DataFrames ``"mentions"`` and ``"relations"``.

    Examples
    --------
    >>> gold = gold_tables(load_corpus())
    >>> gold["mentions"]["type"].value_counts().to_dict()
    {'variant': 94, 'disease': 92, 'gene': 83}
    """
    mentions = [(pid, *m) for pid, ms in zip(corpus["passage_id"], corpus["mentions"]) for m in ms]
    relations = [(pid, *r) for pid, rs in zip(corpus["passage_id"], corpus["relations"]) for r in rs]
    return {"mentions": pd.DataFrame(mentions, columns=["passage_id", *Mention._fields]),
            "relations": pd.DataFrame(relations, columns=["passage_id", *RELATION_KEYS])}
