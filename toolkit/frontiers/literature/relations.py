"""Relations: link variants and diseases in one sentence, mark negation and speculation (NegEx-style),
and run the whole method on a corpus.

Taught in lesson 24.
"""
from __future__ import annotations

import re

import pandas as pd

from .corpus import Mention, RELATION_KEYS, load_lexicon
from .mentions import _check_lexicon, find_mentions, split_sentences

__all__ = ["NEGATION_CUES", "POST_NEGATION_CUES", "PSEUDO_NEGATIONS", "SPECULATION_CUES", "TERMINATIONS",
           "cue_status", "find_relations", "extract_from_corpus"]

NEGATION_CUES = ("no", "not", "without", "absence of", "no evidence", "none of", "lack of", "negative for",
                 "ruled out", "excluded", "failed to", "neither", "nor")

POST_NEGATION_CUES = ("was ruled out", "were ruled out", "was excluded", "is unlikely", "was unlikely")

PSEUDO_NEGATIONS = ("not only", "no longer", "not necessarily")

SPECULATION_CUES = ("may", "might", "could", "possible", "possibly", "potential", "potentially", "suggest",
                    "suggests", "suggested", "suggesting", "whether", "unclear", "uncertain", "suspected",
                    "putative", "hypothesis", "hypothesised", "hypothesized")

TERMINATIONS = ("but", "however", "although", "though", "whereas", "while", "except", ";")

_WORD = re.compile(r"[\w'-]+|;")


def _cue_before(words: list[str], cues, window: int) -> bool:
    """True if a cue phrase starts within the last ``window`` words, with no termination after it."""
    tail = words[-window:] if window else []
    for i in range(len(tail)):
        phrase = " ".join(tail[i:])
        if any(phrase.startswith(p + " ") or phrase == p for p in PSEUDO_NEGATIONS):
            continue
        if any(phrase == c or phrase.startswith(c + " ") for c in cues):
            if not any(t in tail[i + 1:] for t in TERMINATIONS):
                return True
    return False


def cue_status(sentence: str, start: int, end: int, window: int = 8) -> str:
    """NegEx-style status of the term at ``sentence[start:end]``: affirmed, negated or speculative.

    A *negation cue* ("not", "no", "without", ...) among the ``window`` words before the term, or a
    post-negation cue ("was ruled out") right after it, makes it ``negated``; otherwise a speculation
    cue ("may", "suggest", "whether", ...) before it makes it ``speculative``. A termination word
    ("but", "however", ";") between cue and term ends the cue's scope; pseudo-negations such as
    "not only" are ignored.

    Parameters
    ----------
    sentence : str
    start, end : int
        Character span of the term (a disease) in ``sentence``.
    window : int, default 8
        How many words before the term a cue may be (NegEx used 5 terms).

    Returns
    -------
    str

    Notes
    -----
    Chapman WW, Bridewell W, Hanbury P, Cooper GF, Buchanan BG. A simple algorithm for identifying
    negated findings and diseases in discharge summaries. J Biomed Inform 2001;34(5):301-10.
    https://doi.org/10.1006/jbin.2001.1029

    Examples
    --------
    >>> s = "rs1801133 was not associated with migraine."
    >>> cue_status(s, s.index("migraine"), s.index("migraine") + 8)
    'negated'
    >>> s = "It is not only a cause of migraine."
    >>> cue_status(s, s.index("migraine"), s.index("migraine") + 8)
    'affirmed'

    Taught in lesson 24.
    """
    before = [w.lower() for w in _WORD.findall(sentence[:start])]
    after = " ".join(w.lower() for w in _WORD.findall(sentence[end:])[:4])
    if _cue_before(before, NEGATION_CUES, window) or any(after.startswith(c) for c in POST_NEGATION_CUES):
        return "negated"
    if _cue_before(before, SPECULATION_CUES, window):
        return "speculative"
    return "affirmed"


def _nearest_gene(variant: Mention, genes: list[Mention]) -> str:
    """Normal form of the gene mention closest to the variant (characters between them); ``-`` if none."""
    if not genes:
        return "-"
    gap = lambda g: max(g.start - variant.end, variant.start - g.end, 0)
    return min(genes, key=lambda g: (gap(g), g.start > variant.start)).norm


def find_relations(text: str, mentions: list[Mention], window: int = 8) -> list[tuple]:
    """Link every variant with every disease in the same sentence (co-occurrence).

    Each link gets the gene mention nearest to the variant in that sentence (``-`` if none) and the
    `cue_status` of the disease. Links across sentences are never found.

    Returns
    -------
    list of (gene, variant, disease, status) tuples, without duplicates, in text order.

    Examples
    --------
    >>> text = "KRAS p.Gly12Asp was not found in melanoma."
    >>> find_relations(text, find_mentions(text))
    [('KRAS', 'p.Gly12Asp', 'melanoma', 'negated')]

    Taught in lesson 24.
    """
    relations = []
    for a, b in split_sentences(text):
        inside = [m for m in mentions if a <= m.start and m.end <= b]
        genes = [m for m in inside if m.type == "gene"]
        for v in (m for m in inside if m.type == "variant"):
            for d in (m for m in inside if m.type == "disease"):
                status = cue_status(text[a:b], d.start - a, d.end - a, window)
                rel = (_nearest_gene(v, genes), v.text, d.norm, status)
                if rel not in relations:
                    relations.append(rel)
    return relations


def extract_from_corpus(corpus: pd.DataFrame, lexicon: dict | None = None, window: int = 8) -> dict:
    """Run the whole method on a corpus: mentions and relations for every passage.

    Parameters
    ----------
    corpus : DataFrame with ``passage_id`` and ``text`` (e.g. `load_corpus`).
    lexicon : dict, optional (default `load_lexicon`).
    window : int, default 8, passed to `cue_status`.

    Returns
    -------
    dict of DataFrames
        ``"mentions"`` (passage_id, start, end, type, text, norm) and
        ``"relations"`` (passage_id, gene, variant, disease, status).

    Examples
    --------
    >>> from toolkit.frontiers.literature import load_corpus
    >>> pred = extract_from_corpus(load_corpus().head(2))
    >>> pred["relations"].iloc[0].tolist()
    ['P001', 'BRAF', 'p.Val600Glu', 'melanoma', 'affirmed']

    Taught in lesson 24.
    """
    missing = [c for c in ("passage_id", "text") if c not in corpus]
    if missing:
        raise ValueError(f"corpus must have the columns 'passage_id' and 'text'; missing {missing}. "
                         "Use load_corpus(), or build a DataFrame with those two columns.")
    lexicon = load_lexicon() if lexicon is None else lexicon
    _check_lexicon(lexicon)
    mentions, relations = [], []
    for pid, text in zip(corpus["passage_id"], corpus["text"]):
        found = find_mentions(text, lexicon)
        mentions += [(pid, *m) for m in found]
        relations += [(pid, *r) for r in find_relations(text, found, window)]
    return {"mentions": pd.DataFrame(mentions, columns=["passage_id", *Mention._fields]),
            "relations": pd.DataFrame(relations, columns=["passage_id", *RELATION_KEYS])}
