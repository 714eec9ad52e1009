"""Recipe: derive ``lgg_outcomes.csv`` (survival of the 110 LGG patients) from TCGA-CDR table S1.

Run once, by hand, on a copy of ``TCGA-CDR-SupplementalTableS1.xlsx`` (Liu et al., Cell 2018,
supplementary table S1; see ``datasets/lgg_outcomes.md`` for where the copy came from):

    PYTHONPATH=. python datasets/recipes/derive_lgg_outcomes.py TCGA-CDR-SupplementalTableS1.xlsx \
        toolkit/datasets/data/lgg_outcomes.csv

It reads the first sheet ("TCGA-CDR") with the standard library only (an .xlsx file is a zip of
XML parts; the course does not depend on an Excel reader), keeps the rows whose ``bcr_patient_barcode``
is one of the 110 patients of ``load_lgg_radiogenomics()``, and writes their overall survival
(OS, OS.time), progression-free interval (PFI, PFI.time), sex, grade, histology and age in plain
words. ``tests/test_datasets_lgg_outcomes.py`` re-runs it when ``TOOLKIT_TCGA_CDR_XLSX`` names a copy.
"""
from __future__ import annotations

import re
import sys
import zipfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
COLUMNS = ["bcr_patient_barcode", "type", "age_at_initial_pathologic_diagnosis", "gender",
           "histological_type", "histological_grade", "vital_status", "OS", "OS.time", "PFI",
           "PFI.time"]
SHEET_ROWS = 11160  # data rows of the first sheet (Liu et al. 2018: 11,160 patients, 33 types)


def _column_index(ref: str) -> int:
    letters = re.match(r"[A-Z]+", ref).group(0)
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


def read_first_sheet(path: str | Path) -> pd.DataFrame:
    """The first worksheet of an .xlsx file as strings (header = its first row)."""
    with zipfile.ZipFile(path) as z:
        book = ET.fromstring(z.read("xl/workbook.xml"))
        rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        first = book.find("m:sheets/m:sheet", NS)
        rid = first.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
        target = next(r.get("Target") for r in rels if r.get("Id") == rid)
        target = target.lstrip("/")
        target = target if target.startswith("xl/") else "xl/" + target
        shared = []
        if "xl/sharedStrings.xml" in z.namelist():
            for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", NS):
                shared.append("".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t")))
        rows = []
        for row in ET.fromstring(z.read(target)).find("m:sheetData", NS):
            values = {}
            for c in row.findall("m:c", NS):
                kind, v = c.get("t"), c.find("m:v", NS)
                if kind == "inlineStr":
                    text = "".join(t.text or "" for t in c.iter(f"{{{NS['m']}}}t"))
                elif v is None:
                    continue
                else:
                    text = shared[int(v.text)] if kind == "s" else v.text
                values[_column_index(c.get("r"))] = text
            rows.append([values.get(i) for i in range(max(values) + 1)] if values else [])
    width = len(rows[0])
    table = pd.DataFrame([r[:width] + [None] * (width - len(r)) for r in rows[1:]],
                         columns=rows[0])
    return table.loc[:, [c for c in table.columns if c is not None]]


def derive(xlsx: str | Path) -> pd.DataFrame:
    """The 110 LGG patients' rows of table S1, typed, indexed by TCGA patient barcode."""
    from toolkit.datasets.real_imaging import load_lgg_radiogenomics

    sheet = read_first_sheet(xlsx)
    if len(sheet) != SHEET_ROWS:
        raise ValueError(f"{xlsx}: first sheet has {len(sheet)} data rows, expected {SHEET_ROWS}")
    patients = load_lgg_radiogenomics().frame.index  # TCGA_CS_4941: "_" where TCGA writes "-"
    barcodes = patients.str.replace("_", "-")
    table = sheet.loc[sheet["bcr_patient_barcode"].isin(barcodes), COLUMNS]
    if len(table) != len(patients) or not table["bcr_patient_barcode"].is_unique:
        raise ValueError(f"{xlsx}: {len(table)} rows match the {len(patients)} LGG patients")
    table = table.set_index("bcr_patient_barcode").loc[barcodes]
    table.index = patients
    table = table.rename(columns={"age_at_initial_pathologic_diagnosis": "age",
                                  "OS.time": "OS_time", "PFI.time": "PFI_time"})
    for column in ("age", "OS", "OS_time", "PFI", "PFI_time"):
        table[column] = pd.to_numeric(table[column], errors="coerce").astype("Int64")
    for column in ("gender", "histological_type", "histological_grade", "vital_status"):
        table[column] = table[column].replace({"[Not Available]": pd.NA,
                                               "[Discrepancy]": pd.NA})
    return table


if __name__ == "__main__":
    out = derive(sys.argv[1])
    out.to_csv(sys.argv[2], lineterminator="\n")
    print(f"wrote {sys.argv[2]}: {len(out)} patients, OS events {int(out['OS'].sum())}, "
          f"PFI events {int(out['PFI'].sum())}")
