"""The scientific corrections of issue #19 stay in the lessons (one row per correction, with its source).

Each row names a lesson, text that must be there and text that must not come back. The text is the
lesson's markdown and code (checkpoint feedback lives in code cells), with runs of white space as one space.
"""
from __future__ import annotations

import nbformat
import pytest

from helpers import ROOT

CORRECTIONS = [
    # lesson, must contain, must not contain, source of the fact
    ("03_gwas_and_polygenic_risk", ["Lessons learned from bugs in models of human history",
                                    "10.1016/j.ajhg.2020.08.017", "4.9×"], [],
     "Ragsdale et al. 2020 AJHG 107:583-588; Martin et al. 2019 Nat Genet"),
    ("16_bias_and_equity", ["1.6×", "1.7×", "2.5×", "4.9×", "10.1038/s41588-021-00797-z"],
     ["matches what is seen in real data", "about 4.5× worse"], "Martin et al. 2019 and its 2021 correction"),
    ("06_pharmacogenomics", ["about a six-fold difference", "prefer prasugrel or ticagrelor"],
     ["seven-fold", "The standard plan is aspirin plus"], "(0.37/0.152)^2 = 5.9; ESC 2023 / ACC-AHA ACS guidance"),
    ("22_protein_structure", ["PP3_Strong", "BP4_Moderate", "10.1016/S0092-8674(00)81663-3"],
     ["supporting evidence only"], "Bergquist et al. 2025; Lee et al. 1999 Cell"),
    ("04_variant_interpretation", ["807,162", "PP3_Strong", "BP4_Moderate", "**same variants**"],
     ["140,000"], "gnomAD v4; Grimm et al. 2015; Bergquist et al. 2025"),
    ("18_from_model_to_clinic", ["510(k)", "De Novo", "2 August 2027"],
     ["using the IMDRF risk categories"], "FDA device classification; EU AI Act Art. 113"),
    ("11_radiomics", ["ICC(2,1)", "absolute agreement"], ["compute the ICC(3,1)"], "Koo & Li 2016"),
    ("08_deidentification", ["Retain Longitudinal Temporal Information with Modified Dates"], [],
     "DICOM PS3.15 Annex E option"),
    ("21_liquid_biopsy", ["RECIST 1.1", "chest CT", "565(7741):654–658"], ["RANO", "Our MRI reads"],
     "Eisenhauer et al. 2009; Miller et al. 2019 Nature"),
    ("15_applied_neuro_and_cardio", ["Fortea", "ARIA-E", "32.6%"], [],
     "Fortea et al. 2024 Nat Med; van Dyck et al. 2023 NEJM"),
    ("02_ancestry_and_structure", [], ["uses this for a real GWAS"], "lesson 03's GWAS is simulated"),
    ("17_privacy_and_federated_learning", ["Sweeney (2000)", "Golle", "63%", "this lesson's own"],
     ["a relative's direct-to-consumer test"], "Sweeney 2000; Golle 2006"),
    ("05_expression_prognosis", ["1980s and 1990s", "from the same years"], ["and their ancestors"],
     "Wang et al. 2005; van 't Veer 2002; Paik 2004; Desmedt 2007"),
]


def _text(lesson: str) -> str:
    cells = nbformat.read(ROOT / "notebooks" / f"{lesson}.ipynb", 4).cells
    text = " ".join(c.source for c in cells if c.cell_type in ("markdown", "code"))
    return " ".join(text.split())        # line breaks inside a sentence do not matter


@pytest.mark.parametrize("lesson, present, absent, source", CORRECTIONS, ids=[c[0] for c in CORRECTIONS])
def test_correction_is_in_the_lesson(lesson, present, absent, source):
    text = _text(lesson)
    missing = [p for p in present if p not in text]
    back = [a for a in absent if a in text]
    assert not missing and not back, f"{lesson} ({source}): missing {missing}; wrong text back: {back}"


def test_cpic_strengths_are_in_the_pharmacogenomics_table():
    from toolkit.genomics.pharmacogenomics import CLOPIDOGREL_RECOMMENDATIONS as rec

    assert rec["intermediate"].endswith("(strong).")       # CPIC 2022 raised it from moderate
    assert rec["normal"].startswith("If considering clopidogrel, use at standard dose")
