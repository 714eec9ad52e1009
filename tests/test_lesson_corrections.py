"""The scientific corrections of issues #19 and #33 stay in the lessons (one row per correction, with its source).

Each row names a lesson (or a data card, doc or benchmark file), text that must be there and text that must
not come back. A lesson's text is its markdown and code (checkpoint feedback lives in code cells), with runs
of white space as one space. Issue #33's code corrections (items 1, 20, 21) are tested in
tests/test_harmonisation_records.py.
"""
from __future__ import annotations

import re

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
    ("18_from_model_to_clinic", ["510(k)", "De Novo", "2 August 2028"],
     ["using the IMDRF risk categories"], "FDA device classification; EU AI Act Art. 113 as amended in 2026"),
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
    # --- issue #33 (round 3); "#33.n" is the item number in the issue -----------------------------
    ("26_standards_and_harmonisation", ["malignant_brain_tumour", "9440/3", "**topography** code",
                                        "C71.x as glioblastoma"], [],
     "#33.1 ICD-10 C71 is a topography; glioblastoma is ICD-O-3 morphology 9440/3 (WHO ICD-O-3)"),
    ("15_applied_neuro_and_cardio", ["one or no copy of ApoE4", "14 November 2024", "MHRA",
                                     "recommends APOE ε4 testing", "so not for her"],
     ["regulators advise APOE testing before these"],
     "#33.2 EMA CHMP re-examination 14 Nov 2024 (EMA news page); MHRA 22 Aug 2024; US label"),
    ("18_from_model_to_clinic", ["2 August 2028", "2 December 2027", "Digital Omnibus"],
     ["these obligations apply from 2 August 2027"],
     "#33.3 Digital Omnibus on AI: agreement 7 May 2026, EP 16 Jun, Council 29 Jun 2026 (OJ ref. not found)"),
    ("08_deidentification", ["C-413/23 P", "*EDPS v SRB*", "4 September 2025"],
     ["are still personal data, and whoever holds the salt"], "#33.4 CJEU C-413/23 P, ECLI:EU:C:2025:645"),
    ("19_ethics_discussion", ["84 in SF v3.3", "2025;27:101454"], ["(81 in SF v3.2, e.g."],
     "#33.5 ACMG SF v3.3 (Lee et al. 2025), 84 genes"),
    ("17_privacy_and_federated_learning", ["NOT-OD-19-023", "designates as sensitive"],
     ["NIH then moved aggregate GWAS data behind access control."], "#33.6 NIH NOT-OD-19-023 (1 Nov 2018)"),
    ("26_standards_and_harmonisation", ["ICD-11", "1 January 2022", "ICD-10-CM", "mapping ICD-10 codes to ICD-11"],
     [], "#33.7 WHO: ICD-11 in effect since 1 Jan 2022"),
    ("12_radiogenomics", ["CNS WHO grade 4", "Louis et al. 2021"], [], "#33.8 WHO CNS5, Louis et al. 2021"),
    ("12_radiogenomics", ["**concordant** finding, not a reproduction", "concordant with Buda et al. 2019"],
     ["(as Buda et al. 2019 reported)"], "#33.9 Buda et al. 2019: other feature, masks, test"),
    ("03_gwas_and_polygenic_risk", ["only the drop in African-ancestry people is large and consistent"],
     ["Real scores show the same ordering"], "#33.10 the lesson's own 10-trait table"),
    ("26_standards_and_harmonisation", ["site_check[option].value", "cannot show that the accuracy is truly *below* chance"],
     ["is a warning sign of leakage"], "#33.11 the printed bootstrap CI"),
    ("26_standards_and_harmonisation", ["necessary, not sufficient", "CovBat", "10.1002/hbm.25688"], [],
     "#33.12 Chen et al. 2022 Hum Brain Mapp 43:1179"),
    ("07_images_as_data", ["`RescaleIntercept` (for CT often −1024"], ["Both have happened in published pipelines"],
     "#33.13 DICOM PS3.3 C.11.1.1.2 (the rescale); the claim had no source"),
    ("04_variant_interpretation", ["27:101402", "Parsons et al. 2024", "ENIGMA"], [],
     "#33.14 Bergquist et al. 2025; Parsons et al. 2024 AJHG 111:2044"),
    ("22_protein_structure", ["27:101402", "10.1016/j.ajhg.2024.07.013"], [], "#33.14 as above"),
    ("09_cnn_classification", ["**one run with one seed**", "at least three training runs"], [],
     "#33.15 MedMNIST v2 (Yang et al. 2023); the lesson trains once"),
    ("01_genomes_as_data", ["140,000 years ago", "OutOfAfrica_3G09"], ["left Africa about 50,000 years ago"],
     "#33.16 stdpopsim OutOfAfrica_3G09: AMH -> OOA/YRI split at 140 kya"),
    ("02_ancestry_and_structure", ["*p* = μ/2", "the PCs themselves unchanged", "four admixed AMR populations"],
     ["not the populations within them"], "#33.17 Patterson et al. 2006; the lesson's own PC3 table"),
    ("03_gwas_and_polygenic_risk", ["three-fold or greater risk", "8.0%"], ["the 2–5 reported for real scores"],
     "#33.18 Khera et al. 2018 abstract"),
    ("20_scaling_to_biobank_size", ["**166 s**", "**592 s**", "the benchmark measured 166 s"],
     ["the benchmark measured 156 s", "took 789 s"], "#33.19 RESULTS.md: one make-bench run, both tools"),
    ("04_variant_interpretation", ["release of **2024-01-07**", "*older* than the 2026-02-26 subset"], [],
     "#33.22 datasets/clinvar.md (pinned release) vs clinvar_missense fileDate"),
    ("16_bias_and_equity", ["germline DNA", "somatic"], ["inherited risk of a tumour driver mutation"],
     "#33.23 germline vs somatic"),
    ("12_radiogenomics", ["somatic change in the tumour only"],
     ["ancestry shifts the polygenic score, which shifts the mutation risk a little"],
     "#33.23 the simulator's liability -> mutation link, explained"),
    ("18_from_model_to_clinic", ["**intended purpose**", "21st Century Cures Act", "collapses to a point"],
     ["Software that informs a diagnosis or treatment decision is a **medical device**"],
     "#33.24 MDR Art. 2(1) intended purpose; FD&C Act 520(o)(1)(E); the printed subgroup row"),
    ("12_radiogenomics", ["**Back to Mr D.**"], [], "#33.25 vignette closed"),
    ("15_applied_neuro_and_cardio", ["**Back to Mrs D.**"], [], "#33.25 vignette closed"),
    ("16_bias_and_equity", ["**Back to Ms A.**"], [], "#33.25 vignette closed"),
]

FILE_CORRECTIONS = [
    # file, must contain, must not contain, source of the fact (issue #33)
    ("datasets/three_hospitals.md", ["C71.0-C71.9", "What was checked, and what was not", "9440/3"],
     ["checked against published FHIR value sets", "C71.9 / 393563007 (glioblastoma)"], "#33.1"),
    ("datasets/lgg_radiogenomics.md", ["CNS WHO grade 4", "*concordant* with Buda et al. (2019), not a reproduction"],
     ["(shape vs RNASeqCluster, as in Buda et al. 2019)"], "#33.8, #33.9"),
    ("benchmarks/RESULTS.md", ["Concordant, not reproduced", "one run of both tools"], ["Association reproduced"],
     "#33.9, #33.19"),
    ("benchmarks/bench_radiogenomics_real.py", ["Concordant, not reproduced"], ["Association reproduced"], "#33.9"),
    ("docs/scaling.md", ["quote run 3", "| **592 s** |", "1.8 core-hours"], ["is about 1.7 core-hours"], "#33.19"),
    ("datasets/alphamissense_brca1.md", ["2025;27:101402", "ENIGMA"], [], "#33.14"),
    ("datasets/clinvar.md", ["It is **older** than the offline subset"], [], "#33.22"),
    ("docs/instructors/tracks.md", ["lesson 18 (section 3) and its `test_characteristics` explorer"], [], "#33.25"),
]


def _text(lesson: str) -> str:
    cells = nbformat.read(ROOT / "notebooks" / f"{lesson}.ipynb", 4).cells
    text = " ".join(c.source for c in cells if c.cell_type in ("markdown", "code"))
    return " ".join(text.split())        # line breaks inside a sentence do not matter


@pytest.mark.parametrize("lesson, present, absent, source", CORRECTIONS,
                         ids=[f"{i:02d}-{c[0]}" for i, c in enumerate(CORRECTIONS)])
def test_correction_is_in_the_lesson(lesson, present, absent, source):
    text = _text(lesson)
    missing = [p for p in present if p not in text]
    back = [a for a in absent if a in text]
    assert not missing and not back, f"{lesson} ({source}): missing {missing}; wrong text back: {back}"


def test_cpic_strengths_are_in_the_pharmacogenomics_table():
    from toolkit.genomics.pharmacogenomics import CLOPIDOGREL_RECOMMENDATIONS as rec

    assert rec["intermediate"].endswith("(strong).")       # CPIC 2022 raised it from moderate
    assert rec["normal"].startswith("If considering clopidogrel, use at standard dose")


@pytest.mark.parametrize("path, present, absent, source", FILE_CORRECTIONS, ids=[c[0] for c in FILE_CORRECTIONS])
def test_correction_is_in_the_file(path, present, absent, source):
    text = " ".join((ROOT / path).read_text(encoding="utf-8").split())
    missing = [p for p in present if p not in text]
    back = [a for a in absent if a in text]
    assert not missing and not back, f"{path} ({source}): missing {missing}; wrong text back: {back}"


def _minutes(text: str) -> int:
    return int(re.match(r"\s*(\d+)\s*min", text).group(1))


def test_lesson_times_agree_between_headers_readme_and_schedules():
    """#33.25: lesson 09 was 65 min in its header and README but 50 min in the schedules."""
    headers = {}
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        first = nbformat.read(path, 4).cells[0].source
        found = re.search(r"\*\*Estimated time:\*\*\s*(\d+)\s*min", first)
        if found:
            headers[path.name[:2]] = int(found.group(1))
    row = r"^\| (\d\d) \|(?:[^|]*\|){{{}}}([^|]*)\|"
    schedules = {m.group(1): _minutes(m.group(2)) for m in re.finditer(
        row.format(2), (ROOT / "docs/instructors/schedules.md").read_text(), re.M)}
    readme = {m.group(1): _minutes(m.group(2)) for m in re.finditer(
        row.format(3), (ROOT / "README.md").read_text(), re.M)}
    assert len(headers) >= 20 and "09" in headers
    wrong = {k: (v, schedules.get(k), readme.get(k)) for k, v in headers.items()
             if schedules.get(k) != v or readme.get(k) != v}
    assert not wrong, f"lesson: (header, schedules.md, README.md) minutes differ: {wrong}"
