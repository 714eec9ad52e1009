"""Literature mining: find gene, variant and disease mentions in text, link them, and measure how well.

A clinician who asks "which papers link my patient's variant to a disease?" relies on software that
reads text. This module is the simplest honest version of such software, small enough to read:

1. **sentences**: split text at full stops (`split_sentences`);
2. **names**: look up genes and diseases in a small dictionary, the *lexicon* (`find_terms`), and find
   variants with *regular expressions*, text patterns such as ``p.Val600Glu`` or ``rs1801133``
   (`find_variants`);
3. **relations**: every variant and disease in the same sentence are linked (*co-occurrence*), the
   variant is given the nearest gene, and a NegEx-style rule marks the link ``negated`` or
   ``speculative`` when a cue word such as "not" or "may" comes just before the disease (`cue_status`);
4. **evaluation**: compare with hand-made (gold) labels: precision, recall and F1 with bootstrap 95 %
   confidence intervals over passages (`evaluate`), and a table of every error (`error_table`).

The corpus shipped with the toolkit (`load_corpus`) is *synthetic*: 79 short passages written and
annotated by the toolkit authors, rich in traps (ambiguous symbols, old variant names, negation). Its
scores describe these passages, not real literature.

Taught in lesson 24.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from typing import NamedTuple

import numpy as np
import pandas as pd

from .._utils.validation import check_one_of

__all__ = ["Mention", "load_corpus", "load_lexicon", "parse_markup", "to_markup", "split_sentences",
           "find_variants", "find_terms", "find_mentions", "cue_status", "find_relations", "extract",
           "gold_tables", "precision_recall_f1", "match_table", "evaluate", "error_table", "view_scores",
           "MENTION_KEYS", "RELATION_KEYS", "VARIANT_PATTERNS", "NEGATION_CUES", "SPECULATION_CUES"]

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


# ---------------------------------------------------------------- data

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


def to_markup(text: str, mentions) -> str:
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


# ---------------------------------------------------------------- sentences and names

_ABBREVIATIONS = {"e.g", "i.e", "al", "fig", "figs", "vs", "approx", "cf", "dr", "no", "ref"}
_BOUNDARY = re.compile(r"[.!?][\"')\]]?\s+(?=[A-Z0-9(\[])")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Split text into sentences; return their ``(start, end)`` character spans.

    A sentence ends at ``.``, ``!`` or ``?`` followed by a space and a capital letter or digit, unless
    the word before the full stop is an abbreviation (``e.g.``, ``et al.``, ``Fig.``, ``vs.``).

    Examples
    --------
    >>> text = "Smith et al. found it. It was rare."
    >>> [text[a:b] for a, b in split_sentences(text)]
    ['Smith et al. found it.', 'It was rare.']

    Taught in lesson 24.
    """
    spans, start = [], 0
    for m in _BOUNDARY.finditer(text):
        words = text[start:m.start()].split()
        if words and words[-1].lower().strip("([").rstrip(".") in _ABBREVIATIONS:
            continue
        spans.append((start, m.start() + 1))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text.rstrip())))
    return spans


_AA3 = "(?:Ala|Arg|Asn|Asp|Cys|Gln|Glu|Gly|His|Ile|Leu|Lys|Met|Phe|Pro|Ser|Thr|Trp|Tyr|Val|Ter|Sec|Xaa)"
_AA1 = "[ACDEFGHIKLMNPQRSTVWY]"
_AA = f"(?:{_AA3}|{_AA1})"
_POS = r"[-*]?\d+(?:[+-]\d+)?"
_PCHANGE = rf"{_AA}\d+(?:_{_AA}\d+)?(?:delins{_AA}+|del|dup|ins{_AA}+|{_AA}|\*|=)?(?:fs(?:Ter|\*)?\d*)?"
VARIANT_PATTERNS = {
    # HGVS protein: p.Val600Glu, p.(Arg117His), p.Phe508del, p.Arg553*, p.Gln1756ProfsTer74, p.V600E
    "hgvs_protein": rf"\bp\.(?:\({_PCHANGE}\)|{_PCHANGE}(?![\w*]))",
    # HGVS coding DNA: c.1799T>A, c.68_69del, c.5266dupC, c.3082+1G>T, c.-93G>A
    "hgvs_cdna": rf"\bc\.{_POS}(?:_{_POS})?(?:[ACGT]>[ACGT]|delins[ACGT]+|del[ACGT]*|dup[ACGT]*|ins[ACGT]+|=)(?!\w)",
    # dbSNP reference SNP identifiers: rs1801133
    "rsid": r"\brs\d{3,}\b",
    # one-letter protein change without "p.": V600E, T790M, C282Y (also catches look-alikes such as T2D)
    "protein_short": rf"(?<![\w.]){_AA1}\d{{1,4}}(?:{_AA1}|\*)(?![\w*])",
}


@lru_cache(maxsize=1)
def _variant_regex() -> re.Pattern:
    return re.compile("|".join(f"(?P<{k}>{v})" for k, v in VARIANT_PATTERNS.items()))


def find_variants(text: str) -> list[Mention]:
    """Find variant mentions with regular expressions (`VARIANT_PATTERNS`).

    Finds HGVS protein (``p.Val600Glu``) and coding-DNA (``c.68_69del``) notation, rsIDs
    (``rs1801133``) and one-letter protein changes (``V600E``). Misses legacy names (``185delAG``,
    ``ΔF508``), named alleles (factor V Leiden, APOE ε4) and star alleles (``CYP2C19*2``). ``norm`` is
    the name of the pattern that matched.

    Examples
    --------
    >>> [m.text for m in find_variants("BRAF p.Val600Glu (c.1799T>A, V600E, rs113488022); BRCA1 185delAG")]
    ['p.Val600Glu', 'c.1799T>A', 'V600E', 'rs113488022']

    Taught in lesson 24.
    """
    return [Mention(m.start(), m.end(), "variant", m.group(), m.lastgroup)
            for m in _variant_regex().finditer(text)]


@lru_cache(maxsize=8)
def _term_regex(items: tuple[tuple[str, str], ...], case_sensitive: bool) -> re.Pattern:
    forms = sorted({form for form, _ in items}, key=len, reverse=True)
    flags = 0 if case_sensitive else re.IGNORECASE
    plural = "" if case_sensitive else "s?"
    return re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, forms)) + rf"){plural}(?!\w)", flags)


def find_terms(text: str, terms: dict, kind: str) -> list[Mention]:
    """Find dictionary terms (genes or diseases): every name and synonym, longest first.

    Gene symbols and all-capital abbreviations (NSCLC, MS) must match exactly, case included;
    other disease names match in any case and also in the plural (``gliomas``).

    Parameters
    ----------
    text : str
    terms : dict
        ``{normal form: [synonyms]}``, e.g. ``load_lexicon()["genes"]``.
    kind : {"gene", "disease"}

    Returns
    -------
    list of Mention, ``norm`` = the normal form (gene symbol or disease name).

    Examples
    --------
    >>> genes = {"ERBB2": ["HER2"], "MET": []}
    >>> [(m.text, m.norm) for m in find_terms("HER2 was amplified; he met criteria at 4 MET", genes, "gene")]
    [('HER2', 'ERBB2'), ('MET', 'MET')]

    Taught in lesson 24.
    """
    check_one_of("kind", kind, ("gene", "disease"))
    pairs = [(form, norm) for norm, syns in terms.items() for form in [norm, *syns]]
    exact = tuple(p for p in pairs if kind == "gene" or (p[0].isupper() and " " not in p[0]))
    loose = tuple(p for p in pairs if p not in exact)
    found = []
    for items, case_sensitive in ((exact, True), (loose, False)):
        if not items:
            continue
        lookup = {(f if case_sensitive else f.lower()): n for f, n in items}
        for m in _term_regex(items, case_sensitive).finditer(text):
            key = m.group() if case_sensitive else m.group().lower()
            norm = lookup.get(key) or lookup[key[:-1]]  # the plural "s" is not in the lexicon
            found.append(Mention(m.start(), m.end(), kind, m.group(), norm))
    return sorted(found)


def _drop_overlaps(mentions: list[Mention]) -> list[Mention]:
    """Keep the longer of two overlapping mentions; on a tie the dictionary (gene, disease) wins."""
    kept: list[Mention] = []
    for m in sorted(mentions, key=lambda m: (-(m.end - m.start), m.type == "variant", m.start)):
        if all(m.end <= k.start or m.start >= k.end for k in kept):
            kept.append(m)
    return sorted(kept)


def _check_lexicon(lexicon) -> None:
    missing = [k for k in ("genes", "diseases") if k not in lexicon]
    if missing:
        raise ValueError(f"lexicon must have the tables 'genes' and 'diseases'; missing {missing}. "
                         "Start from load_lexicon() and add names to its dictionaries.")


def find_mentions(text: str, lexicon: dict | None = None) -> list[Mention]:
    """Find all gene, variant and disease mentions in one text (lexicon + regular expressions).

    Where two mentions overlap, the longer one is kept (on a tie, the dictionary term).

    Parameters
    ----------
    text : str
    lexicon : dict, optional
        ``{"genes": {...}, "diseases": {...}}`` as from `load_lexicon` (the default).

    Returns
    -------
    list of Mention, in text order.

    Raises
    ------
    ValueError
        If the lexicon lacks the "genes" or "diseases" table.

    Examples
    --------
    >>> [(m.type, m.norm) for m in find_mentions("HER2 p.Leu755Ser in breast carcinoma")]
    [('gene', 'ERBB2'), ('variant', 'hgvs_protein'), ('disease', 'breast cancer')]

    Taught in lesson 24.
    """
    lexicon = load_lexicon() if lexicon is None else lexicon
    _check_lexicon(lexicon)
    found = (find_terms(text, lexicon["genes"], "gene") + find_variants(text)
             + find_terms(text, lexicon["diseases"], "disease"))
    return _drop_overlaps(found)


# ---------------------------------------------------------------- relations

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


def extract(corpus: pd.DataFrame, lexicon: dict | None = None, window: int = 8) -> dict:
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
    >>> pred = extract(load_corpus().head(2))
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


def gold_tables(corpus: pd.DataFrame) -> dict:
    """The hand-made (gold) labels of a corpus, in the same shape as `extract` returns.

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


# ---------------------------------------------------------------- evaluation

def precision_recall_f1(tp: float, fp: float, fn: float) -> tuple[float, float, float]:
    """Precision, recall and F1 from counts of true positives, false positives and false negatives.

    *Precision* = TP / (TP + FP): of what the tool found, the fraction that is right (like a positive
    predictive value). *Recall* = TP / (TP + FN): of what is really there, the fraction found (like
    sensitivity). *F1* = 2 TP / (2 TP + FP + FN), their harmonic mean. Undefined values are NaN.

    Parameters
    ----------
    tp, fp, fn : int or float
        Counts of true positives, false positives and false negatives.

    Returns
    -------
    (precision, recall, f1) : tuple of float

    Examples
    --------
    >>> precision_recall_f1(tp=8, fp=2, fn=8)
    (0.8, 0.5, 0.6153846153846154)
    """
    nan = float("nan")
    precision = tp / (tp + fp) if tp + fp else nan
    recall = tp / (tp + fn) if tp + fn else nan
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else nan
    return precision, recall, f1


def match_table(predicted: pd.DataFrame, gold: pd.DataFrame, on=MENTION_KEYS) -> pd.DataFrame:
    """Pair predictions with gold labels per passage; every row is a TP, FP or FN.

    Parameters
    ----------
    predicted, gold : DataFrame
        Tables from `extract` and `gold_tables` (``"mentions"`` or ``"relations"``).
    on : sequence of str
        Columns that must agree (besides ``passage_id``): `MENTION_KEYS` (exact span and type) or
        `RELATION_KEYS`; drop ``"status"`` to ignore negation.

    Returns
    -------
    DataFrame with the key columns, the other columns of both tables and ``outcome``.

    Examples
    --------
    >>> g = pd.DataFrame({"passage_id": ["a", "a"], "x": [1, 2]})
    >>> p = pd.DataFrame({"passage_id": ["a", "a"], "x": [2, 3]})
    >>> match_table(p, g, on=["x"])["outcome"].tolist()
    ['FN', 'TP', 'FP']
    """
    keys = ["passage_id", *on]
    missing = [k for k in keys if k not in predicted or k not in gold]
    if missing:
        raise ValueError(f"columns {missing} must be in both tables; got predicted {list(predicted)}, "
                         f"gold {list(gold)}. Use the tables from extract() and gold_tables().")
    both = pd.merge(gold.drop_duplicates(keys), predicted.drop_duplicates(keys), on=keys, how="outer",
                    suffixes=("_gold", "_pred"), indicator=True)
    both["outcome"] = both.pop("_merge").map({"both": "TP", "left_only": "FN", "right_only": "FP"}).astype(str)
    return both.sort_values(keys, kind="stable").reset_index(drop=True)


def _counts(matches: pd.DataFrame, passage_ids) -> np.ndarray:
    """Per-passage (TP, FP, FN) counts, shape (n_passages, 3), zeros for passages without rows."""
    table = pd.crosstab(matches["passage_id"], matches["outcome"])
    return table.reindex(index=list(passage_ids), columns=["TP", "FP", "FN"], fill_value=0).to_numpy()


def evaluate(predicted: pd.DataFrame, gold: pd.DataFrame, on=MENTION_KEYS, by: str | None = "type",
             passage_ids=None, n_boot: int = 1000, ci: float = 0.95, random_state: int | None = 0) -> pd.DataFrame:
    """Precision, recall and F1 with percentile bootstrap confidence intervals over passages.

    Passages, not mentions, are resampled (a cluster bootstrap), because mentions in one passage are
    not independent. The same resamples are used for every group (paired).

    Parameters
    ----------
    predicted, gold : DataFrame
        From `extract` and `gold_tables`.
    on : sequence of str, default `MENTION_KEYS`
        Columns that must agree; `RELATION_KEYS` for relations.
    by : str or None, default "type"
        Report one row per value of this column (e.g. gene / variant / disease); None: one row.
    passage_ids : sequence, optional
        All passages evaluated, including those with no mention at all (default: those in the tables).
    n_boot, ci, random_state
        As in `toolkit.evaluation.bootstrap_ci`.

    Returns
    -------
    DataFrame indexed by group with ``tp, fp, fn`` and ``precision, recall, f1`` each with
    ``_low`` and ``_high`` bounds.

    Examples
    --------
    >>> g = pd.DataFrame({"passage_id": list("aabc"), "x": [1, 2, 1, 1]})
    >>> p = pd.DataFrame({"passage_id": list("abcc"), "x": [1, 1, 1, 5]})
    >>> r = evaluate(p, g, on=["x"], by=None, n_boot=200)
    >>> r[["tp", "fp", "fn", "precision", "recall"]].round(2).to_dict("records")
    [{'tp': 3, 'fp': 1, 'fn': 1, 'precision': 0.75, 'recall': 0.75}]

    Taught in lesson 24.
    """
    from toolkit.evaluation.metrics import bootstrap_indices

    if not 0 < ci < 1:
        raise ValueError(f"ci must be a fraction between 0 and 1 (e.g. 0.95); got {ci!r}")
    matches = match_table(predicted, gold, on)
    ids = pd.unique(pd.concat([gold["passage_id"], predicted["passage_id"]])) if passage_ids is None else passage_ids
    ids = list(ids)
    if by is not None and by not in matches:  # a column outside ``on``: take gold's value, else the prediction's
        matches[by] = matches[f"{by}_gold"].fillna(matches[f"{by}_pred"])
    groups = [None] if by is None else sorted(matches[by].unique())
    counts = {g: _counts(matches if g is None else matches[matches[by] == g], ids) for g in groups}
    samples = np.array(list(bootstrap_indices(len(ids), n_boot, random_state)))
    alpha = (1 - ci) / 2
    rows = []
    for g, c in counts.items():
        row = dict(zip(("tp", "fp", "fn"), c.sum(0).tolist()))
        row.update(zip(("precision", "recall", "f1"), precision_recall_f1(*c.sum(0))))
        tp, fp, fn = c[samples].sum(1).T.astype(float)  # one row of sums per resample
        with np.errstate(invalid="ignore", divide="ignore"):
            boot = np.column_stack([tp / (tp + fp), tp / (tp + fn), 2 * tp / (2 * tp + fp + fn)])
        for j, name in enumerate(("precision", "recall", "f1")):
            finite = boot[np.isfinite(boot[:, j]), j]
            low, high = np.quantile(finite, [alpha, 1 - alpha]) if len(finite) else (np.nan, np.nan)
            row[f"{name}_low"], row[f"{name}_high"] = float(low), float(high)
        rows.append({"group": "all" if g is None else g, **row})
    order = ["tp", "fp", "fn"] + [f"{m}{s}" for m in ("precision", "recall", "f1") for s in ("", "_low", "_high")]
    return pd.DataFrame(rows).set_index("group")[order]


def error_table(predicted: pd.DataFrame, gold: pd.DataFrame, corpus: pd.DataFrame,
                on=MENTION_KEYS) -> pd.DataFrame:
    """Every false positive and false negative, with its passage text and the passage's trap labels.

    Read it to see *why* a method fails: ambiguous symbols (CAT scan, 4 MET), old variant names
    (185delAG), negation, a variant given to the wrong gene, links across sentences.

    Returns
    -------
    DataFrame: ``passage_id``, ``outcome`` (FP or FN), the key columns, ``what`` (the mention text or
    the relation), ``traps`` (comma-separated) and ``text``.

    Examples
    --------
    >>> corpus = load_corpus().head(6)
    >>> errors = error_table(extract(corpus)["mentions"], gold_tables(corpus)["mentions"], corpus)
    >>> errors[["passage_id", "outcome", "what"]].head(3).to_dict("records")[0]
    {'passage_id': 'P003', 'outcome': 'FN', 'what': '185delAG'}

    Taught in lesson 24.
    """
    errors = match_table(predicted, gold, on)
    errors = errors[errors["outcome"] != "TP"].copy()
    if "text_gold" in errors:
        errors["what"] = errors["text_gold"].fillna(errors["text_pred"])
    else:
        errors["what"] = errors[list(RELATION_KEYS[:3])].astype(str).agg(" | ".join, axis=1)
    info = corpus.set_index("passage_id")
    errors["traps"] = errors["passage_id"].map(lambda p: ", ".join(info.at[p, "traps"]) or "none")
    errors["text"] = errors["passage_id"].map(info["text"])
    return errors[["passage_id", "outcome", *on, "what", "traps", "text"]].reset_index(drop=True)


def view_scores(scores: pd.DataFrame, title: str = "Precision, recall and F1 (95% CI)"):
    """Bar chart of precision, recall and F1 per group with bootstrap confidence intervals (plotly).

    Parameters
    ----------
    scores : DataFrame from `evaluate`.
    title : str

    Returns
    -------
    plotly Figure

    Examples
    --------
    >>> g = pd.DataFrame({"passage_id": list("ab"), "x": [1, 2]})
    >>> fig = view_scores(evaluate(g, g, on=["x"], by=None, n_boot=50))
    >>> len(fig.data)
    3
    """
    import plotly.graph_objects as go

    fig = go.Figure()
    for metric in ("precision", "recall", "f1"):
        value = scores[metric]
        fig.add_bar(name=metric, x=[str(i) for i in scores.index], y=value,
                    error_y=dict(type="data", symmetric=False, array=scores[f"{metric}_high"] - value,
                                 arrayminus=value - scores[f"{metric}_low"]))
    fig.update_layout(title=title, barmode="group", yaxis=dict(range=[0, 1.05], title="score (0 to 1)"),
                      height=380, margin=dict(t=60, b=40))
    return fig
