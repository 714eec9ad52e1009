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
   confidence intervals over passages (`evaluate_extraction`), and a table of every error (`error_table`).

The corpus shipped with the toolkit (`load_corpus`) is *synthetic*: 79 short passages written and
annotated by the toolkit authors, rich in traps (ambiguous symbols, old variant names, negation). Its
scores describe these passages, not real literature.

Taught in lesson 24.

Modules: `corpus` (data, markup, gold tables), `mentions` (sentences, names), `relations` (links,
negation, the whole method: `extract_from_corpus`), `scoring` (precision/recall/F1, errors), `figures`.
"""
from __future__ import annotations

from .corpus import CORPUS_FILE, LEXICON_FILE, MENTION_KEYS, RELATION_KEYS, Mention, parse_markup, to_markup, load_corpus, load_lexicon, gold_tables
from .mentions import split_sentences, VARIANT_PATTERNS, find_variants, find_terms, find_mentions
from .relations import NEGATION_CUES, POST_NEGATION_CUES, PSEUDO_NEGATIONS, SPECULATION_CUES, TERMINATIONS, cue_status, find_relations, extract_from_corpus
from .scoring import precision_recall_f1, match_table, evaluate_extraction, error_table
from .figures import view_extraction_scores

__all__ = ["CORPUS_FILE", "LEXICON_FILE", "MENTION_KEYS", "RELATION_KEYS", "Mention", "parse_markup",
           "to_markup", "load_corpus", "load_lexicon", "gold_tables", "split_sentences", "VARIANT_PATTERNS",
           "find_variants", "find_terms", "find_mentions", "NEGATION_CUES", "POST_NEGATION_CUES",
           "PSEUDO_NEGATIONS", "SPECULATION_CUES", "TERMINATIONS", "cue_status", "find_relations",
           "extract_from_corpus", "precision_recall_f1", "match_table", "evaluate_extraction", "error_table",
           "view_extraction_scores"]
