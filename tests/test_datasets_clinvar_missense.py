"""Shipped ClinVar missense labels and AlphaMissense BRCA1 scores: files, known variants, loaders."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
import pytest

from toolkit.datasets import load, load_alphamissense_brca1, load_clinvar_missense
from toolkit.datasets.registry import card

DATA = Path(__file__).resolve().parents[1] / "toolkit" / "datasets" / "data"
GENE_SPANS_GRCH38 = {"TP53": ("17", 7_668_402, 7_687_550), "BRCA1": ("17", 43_044_295, 43_125_483),
                     "BRCA2": ("13", 32_315_474, 32_400_266), "APC": ("5", 112_707_498, 112_846_239)}


@pytest.fixture(scope="module")
def clinvar():
    return load_clinvar_missense().frame


@pytest.fixture(scope="module")
def alphamissense():
    return load_alphamissense_brca1().frame


@pytest.mark.parametrize("name, filename", [("clinvar_missense", "clinvar_missense_4genes.tsv.gz"),
                                            ("alphamissense_brca1", "alphamissense_brca1.tsv.gz")])
def test_shipped_file_matches_the_card_checksum(name, filename):
    digest = hashlib.sha256((DATA / filename).read_bytes()).hexdigest()
    checksum = card(name).split("## Checksum", 1)[1].split("##", 1)[0]
    assert digest in checksum
    assert f"{(DATA / filename).stat().st_size:,} bytes" in card(name)


def test_counts_by_gene_label_and_stars_match_the_card(clinvar):
    assert len(clinvar) == 1680 and clinvar["label"].sum() == 565
    table = card("clinvar_missense")
    for gene, group in clinvar.groupby("gene"):
        n, n1 = len(group), int(group["label"].sum())
        assert f"| {gene} | {n} | {n1} | {n - n1} |" in table
    assert clinvar["stars"].value_counts().sort_index().to_dict() == {0: 41, 1: 724, 2: 417, 3: 498}
    assert clinvar["variation_id"].is_unique


def test_review_status_and_stars_agree(clinvar):
    stars = {"no assertion criteria provided": 0, "criteria provided, single submitter": 1,
             "criteria provided, multiple submitters, no conflicts": 2,
             "reviewed by expert panel": 3, "practice guideline": 4}
    assert (clinvar["review_status"].map(stars) == clinvar["stars"]).all()
    pathogenic = clinvar["clinical_significance"].str.contains("athogenic")
    assert (pathogenic == (clinvar["label"] == 1)).all()


def test_rows_are_snvs_inside_their_gene(clinvar):
    assert clinvar["ref"].str.fullmatch("[ACGT]").all() and clinvar["alt"].str.fullmatch("[ACGT]").all()
    assert (clinvar["ref"] != clinvar["alt"]).all()
    for gene, (chrom, start, end) in GENE_SPANS_GRCH38.items():
        rows = clinvar[clinvar["gene"] == gene]
        assert (rows["chrom"] == chrom).all() and rows["pos_grch38"].between(start, end).all(), gene


@pytest.mark.parametrize("pos, variation_id", [(7_675_088, 12374), (7_674_220, 12356),
                                               (7_673_802, 12366)])  # TP53 R175H, R248Q, R273H
def test_tp53_hotspots_are_expert_panel_pathogenic(clinvar, pos, variation_id):
    row = clinvar[(clinvar["pos_grch38"] == pos) & (clinvar["alt"] == "T")].iloc[0]
    assert (row["gene"], row["ref"], row["variation_id"]) == ("TP53", "C", variation_id)
    assert row["clinical_significance"] == "Pathogenic" and row["stars"] == 3


def test_alphamissense_covers_brca1_and_its_classes_follow_the_published_cutoffs(alphamissense):
    assert len(alphamissense) == 12463 and (alphamissense["uniprot_id"] == "P38398").all()
    residues = alphamissense["protein_variant"].str[1:-1].astype(int)
    assert residues.min() == 2 and residues.max() == 1863  # no score for the start codon
    score = alphamissense["am_pathogenicity"]
    expected = np.where(score < 0.34, "likely_benign",
                        np.where(score > 0.564, "likely_pathogenic", "ambiguous"))
    assert (alphamissense["am_class"] == expected).all()


def test_join_gives_brca1_protein_changes_of_known_pathogenic_variants(clinvar, alphamissense):
    brca1 = clinvar[clinvar["gene"] == "BRCA1"].merge(
        alphamissense, on=["chrom", "pos_grch38", "ref", "alt"], how="left")
    assert len(brca1) == 523 and brca1["am_pathogenicity"].notna().sum() == 519
    known = brca1.set_index("protein_variant").loc[["C61G", "C64R", "C44F", "R1699W", "A1708E",
                                                     "M1775R"]]
    assert (known["label"] == 1).all()
    assert known.loc["C61G", "am_pathogenicity"] > 0.99


def test_thresholds_quoted_in_the_cards_and_lesson_agree():
    quoted = re.findall(r"\d\.\d{3}", card("alphamissense_brca1").split("## Source")[0])
    assert {"0.099", "0.169", "0.792", "0.906", "0.990"} <= set(quoted)


def test_filters_and_errors():
    tp53 = load_clinvar_missense(genes=["TP53"], min_stars=3)
    assert set(tp53.frame["gene"]) == {"TP53"} and (tp53.frame["stars"] == 3).all()
    assert tp53.target.equals(tp53.frame["label"])
    assert len(load("clinvar_missense", genes="APC").frame) == 98
    with pytest.raises(ValueError, match=r"genes must be among .*got \['PTEN'\]"):
        load_clinvar_missense(genes="PTEN")
    with pytest.raises(ValueError, match="min_stars must be between 0 and 4; got 5"):
        load_clinvar_missense(min_stars=5)
    assert load_clinvar_missense(min_stars=4).frame.empty
