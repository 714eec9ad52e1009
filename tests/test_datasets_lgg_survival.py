"""Issue #30: the real multimodal survival cohort (TCGA-LGG shape table joined to TCGA-CDR).

Offline checks of the shipped file (checksum, join counts, code decoding against data.csv);
the recipe is re-run on the source workbook when ``TOOLKIT_TCGA_CDR_XLSX`` names a copy.
"""
from __future__ import annotations

import hashlib
import importlib.util
import os
from pathlib import Path

import pandas as pd
import pytest

from toolkit.datasets import list_datasets
from toolkit.datasets.real_imaging import load_lgg_radiogenomics
from toolkit.datasets.real_outcomes import _DATA, load_lgg_survival

OUTCOMES_SHA256 = "20ea0e926c2b406e52ddbba2558b3fd7a4619109af81856afecd8eebfc9f39ae"
ROOT = Path(__file__).resolve().parents[1]


def test_shipped_outcomes_match_their_checksum():
    data = (_DATA / "lgg_outcomes.csv").read_bytes()
    assert hashlib.sha256(data).hexdigest() == OUTCOMES_SHA256
    assert OUTCOMES_SHA256 in (ROOT / "datasets" / "lgg_survival.md").read_text()


def test_join_counts_every_patient_once():
    raw = pd.read_csv(_DATA / "lgg_outcomes.csv", index_col="patient")
    shapes = load_lgg_radiogenomics().frame
    assert len(raw) == 110 and raw.index.is_unique and raw.index.equals(shapes.index)
    assert set(raw["type"]) == {"LGG"}
    f = load_lgg_survival().frame
    assert len(f) == 110 and int(f["OS"].sum()) == 32 and int(f["PFI"].sum()) == 47
    assert f[["OS", "OS_time", "PFI", "PFI_time"]].notna().all().all()
    assert (f["OS_time"] > 0).all() and (f["PFI_time"] <= f["OS_time"]).all()


def test_decoding_of_data_csv_codes_agrees_with_tcga_cdr():
    raw = pd.read_csv(_DATA / "lgg_outcomes.csv", index_col="patient")
    codes = load_lgg_radiogenomics().frame
    both = codes["gender"].notna()
    assert (codes.loc[both, "gender"].map({1: "FEMALE", 2: "MALE"}) == raw.loc[both, "gender"]).all()
    grade = codes["neoplasm_histologic_grade"].notna() & raw["histological_grade"].notna()
    assert grade.sum() == 108
    assert (codes.loc[grade, "neoplasm_histologic_grade"].map({1: "G2", 2: "G3"})
            == raw.loc[grade, "histological_grade"]).all()
    kind = codes["histological_type"].notna()
    names = {1: "Astrocytoma", 2: "Oligoastrocytoma", 3: "Oligodendroglioma"}
    assert (codes.loc[kind, "histological_type"].map(names) == raw.loc[kind, "histological_type"]).all()
    age = codes["age_at_initial_pathologic"].notna()
    assert age.sum() == 109 and (codes.loc[age, "age_at_initial_pathologic"] == raw.loc[age, "age"]).all()
    died = codes["death01"] == 1       # every death in data.csv is a death in TCGA-CDR, plus 5 later
    assert (raw.loc[died, "OS"] == 1).all() and int(raw["OS"].sum()) - int(died.sum()) == 5


def test_blocks_and_registry():
    lgg = load_lgg_survival()
    assert {k: len(v) for k, v in lgg.modalities.items()} == {"clinical": 3, "genomic": 19,
                                                            "imaging": 10}
    columns = [c for cols in lgg.modalities.values() for c in cols]
    assert set(columns) <= set(lgg.frame) and len(set(columns)) == len(columns)
    row = list_datasets().set_index("name").loc["lgg_survival"]
    assert row["availability"] == "offline" and not row["synthetic"]
    assert lgg.description.startswith("# LGG survival")


@pytest.mark.skipif(not os.environ.get("TOOLKIT_TCGA_CDR_XLSX"),
                    reason="set TOOLKIT_TCGA_CDR_XLSX to a copy of TCGA-CDR-SupplementalTableS1.xlsx "
                           "to re-run the recipe")
def test_recipe_rebuilds_the_shipped_file(tmp_path):
    spec = importlib.util.spec_from_file_location(
        "derive_lgg_outcomes", ROOT / "datasets" / "recipes" / "derive_lgg_outcomes.py")
    recipe = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(recipe)
    recipe.derive(os.environ["TOOLKIT_TCGA_CDR_XLSX"]).to_csv(tmp_path / "out.csv",
                                                              lineterminator="\n")
    assert (tmp_path / "out.csv").read_bytes() == (_DATA / "lgg_outcomes.csv").read_bytes()


def test_lesson14_real_section_quotes_these_numbers():
    """Lesson 14 section 6 quotes these c-indices and paired differences (n_boot=500, seed 0)."""
    from toolkit.fusion import compare_models

    lgg = load_lgg_survival()
    os_table = compare_models(lgg.frame, lgg.modalities, outcome=lgg.outcomes["OS"],
                              strategies=("early", "late"), n_boot=500, random_state=0)
    row = {(m, s): r for m, s, r in zip(os_table["modalities"], os_table["strategy"],
                                         os_table.itertuples())}
    clinical = row[("clinical", "single")]
    assert (round(clinical.c_index, 2), round(clinical.c_index_lower, 2),
            round(clinical.c_index_upper, 2)) == (0.78, 0.67, 0.86)
    fused = os_table[os_table["n_modalities"] > 1]
    assert (fused["delta_lower"] < 0).all() and (fused["delta_upper"] > 0).all()  # all CIs hold 0
    assert os_table.iloc[0]["modalities"] == "clinical+genomic"
    imaging = row[("imaging", "single")]
    assert round(imaging.c_index, 2) == 0.64 and imaging.delta_upper < 0
    pfi = compare_models(lgg.frame, lgg.modalities, outcome=lgg.outcomes["PFI"],
                         strategies=("early",), n_boot=500, random_state=0).set_index("modalities")
    assert round(pfi.loc["genomic", "c_index"], 2) == 0.68 and round(pfi.loc["clinical", "c_index"], 2) == 0.63
    assert round(pfi.loc["clinical+genomic+imaging", "c_index"], 2) == 0.71


def test_lesson10_real_mask_sizes_quote_these_numbers():
    """Lesson 10 section 5: sizes from the real masks, by grade, and their c-index for OS."""
    from toolkit.evaluation import c_index_ci

    size = load_lgg_radiogenomics().frame["voxels"]
    f = load_lgg_survival().frame
    assert (size.min(), size.max(), size.median()) == (1870, 83395, 18861)
    by_grade = size.groupby(f["grade3"]).median()
    assert (by_grade[0.0], by_grade[1.0]) == (21134, 17793.5)
    r = c_index_ci(f["OS"], f["OS_time"], size, n_boot=1000)
    assert (round(r.value, 2), round(r.lower, 2), round(r.upper, 2)) == (0.44, 0.31, 0.56)
