"""Sentences and names: split text into sentences, find genes and diseases (lexicon) and variants
(regular expressions).

Taught in lesson 24.
"""
from __future__ import annotations

from functools import lru_cache
import re

from ..._utils.validation import check_one_of
from .corpus import Mention, load_lexicon

__all__ = ["split_sentences", "VARIANT_PATTERNS", "find_variants", "find_terms", "find_mentions"]

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
