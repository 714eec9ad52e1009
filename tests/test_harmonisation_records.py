"""Clinical codes, record statuses, units and mitochondrial contig names (issue #33 items 1, 20, 21).

A topography code (ICD-10 C71.x, "malignant neoplasm of brain") is not a histology (glioblastoma,
ICD-O-3 9440/3); a refuted or entered-in-error record is not a fact; a value in another unit is not
the same number; and UCSC hg19's chrM is not the rCRS that GRCh37 calls MT.
"""
from __future__ import annotations

import copy
import warnings

import numpy as np
import pytest

from toolkit.datasets.hospitals import make_three_hospitals
from toolkit.harmonisation import (RecordStatusWarning, UnitMismatchWarning, UnmappedCodeWarning,
                                   bundle_to_table, load_concept_map, to_contig_style)
from toolkit.harmonisation.builds import MitochondrialContigWarning

ICD10 = "http://hl7.org/fhir/sid/icd-10"


@pytest.fixture(scope="module")
def hospitals():
    return make_three_hospitals(random_state=0, images_per_site=0)


def _table(bundle, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", (UnmappedCodeWarning, RecordStatusWarning))
        return bundle_to_table(bundle, **kw)


def _bundle(*resources):
    patient = {"resourceType": "Patient", "id": "p1", "gender": "female", "birthDate": "1970-01-01"}
    return {"resourceType": "Bundle", "type": "collection",
            "entry": [{"resource": r} for r in (patient, *resources)]}


def _condition(code, system=ICD10, verification=None, clinical="active", rid="c1"):
    r = {"resourceType": "Condition", "id": rid, "code": {"coding": [{"system": system, "code": code}]},
         "subject": {"reference": "Patient/p1"},
         "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                                        "code": clinical}]}}
    if verification:
        r["verificationStatus"] = {"coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/condition-ver-status", "code": verification}]}
    return r


def _hba1c(value, unit="mmol/mol", status="final", date="2024-03-01", rid="o1"):
    return {"resourceType": "Observation", "id": rid, "status": status,
            "code": {"coding": [{"system": "http://loinc.org", "code": "59261-8"}]},
            "subject": {"reference": "Patient/p1"}, "effectiveDateTime": date,
            "valueQuantity": {"value": value, "unit": unit}}


# --- item 1: C71.x is a topography, not a glioblastoma -------------------------------------------

def test_c71_codes_map_to_a_brain_tumour_not_to_glioblastoma():
    cmap = load_concept_map()
    c71 = cmap[(cmap["system"] == ICD10) & cmap["code"].str.startswith("C71")]
    assert sorted(c71["code"]) == [f"C71.{k}" for k in range(10)]
    assert set(c71["concept"]) == {"malignant_brain_tumour"}
    glio = cmap[cmap["concept"] == "glioblastoma"]
    assert ("http://terminology.hl7.org/CodeSystem/icd-o-3", "9440/3") in set(zip(glio["system"], glio["code"]))
    assert not glio["system"].eq(ICD10).any()           # ICD-10 has no glioblastoma code


def test_not_everyone_is_a_glioblastoma_and_the_truth_check_can_fail(hospitals):
    truth = hospitals.patients
    assert (truth["malignant_brain_tumour"] == 1).all()
    assert 0.3 < truth["glioblastoma"].mean() < 0.7      # both values occur at every site
    assert truth.groupby("site")["glioblastoma"].nunique().eq(2).all()
    a = hospitals.fhir["site_A"]
    right = _table(a)
    assert (right["glioblastoma"] == truth.loc[right.index, "glioblastoma"]).all()
    naive = load_concept_map()                             # the old mistake: C71.x read as glioblastoma
    naive.loc[naive["code"].str.startswith("C71"), "concept"] = "glioblastoma"
    wrong = _table(a, concept_map=naive)
    agreement = (wrong["glioblastoma"] == truth.loc[wrong.index, "glioblastoma"]).mean()
    assert agreement < 0.7, agreement


# --- item 20: statuses and units --------------------------------------------------------------

def test_refuted_and_entered_in_error_conditions_are_not_diagnoses():
    b = _bundle(_condition("E11", verification="refuted"), _condition("I10", rid="c2"),
                _condition("C71.1", verification="entered-in-error", rid="c3"))
    with pytest.warns(RecordStatusWarning, match=r"1 with Condition verificationStatus entered-in-error, "
                                                 r"1 with Condition verificationStatus refuted"):
        t = bundle_to_table(b)
    assert t.loc["p1", ["type2_diabetes", "hypertension", "malignant_brain_tumour"]].tolist() == [0, 1, 0]


def test_clinical_status_filter_is_optional():
    b = _bundle(_condition("I10", clinical="resolved"))
    assert _table(b).loc["p1", "hypertension"] == 1                  # default: ever diagnosed
    with pytest.warns(RecordStatusWarning, match="clinicalStatus resolved"):
        t = bundle_to_table(b, clinical_status=("active", "recurrence", "relapse"))
    assert t.loc["p1", "hypertension"] == 0


def test_observation_status_decides_which_value_is_used():
    b = _bundle(_hba1c(53.0), _hba1c(530.0, status="entered-in-error", date="2024-03-02", rid="o2"),
                _hba1c(86.0, status="preliminary", date="2024-03-03", rid="o3"))
    with pytest.warns(RecordStatusWarning, match="1 with Observation status entered-in-error, "
                                                 "1 with Observation status preliminary"):
        t = bundle_to_table(b)
    assert t.loc["p1", "hba1c_percent"] == pytest.approx(53 * 0.09148 + 2.152)
    t = _table(b, observation_status=("final", "preliminary"))
    assert t.loc["p1", "hba1c_percent"] == pytest.approx(86 * 0.09148 + 2.152)


def test_a_unit_the_map_does_not_convert_is_left_out_with_a_warning():
    b = _bundle(_hba1c(7.0, unit="%"))                   # HbA1c in % under the IFCC (mmol/mol) code
    with pytest.warns(UnitMismatchWarning, match=r"hba1c_percent \(http://loinc.org 59261-8\) in '%', "
                                                 r"map expects 'mmol/mol'"):
        t = bundle_to_table(b)
    assert np.isnan(t.loc["p1", "hba1c_percent"])         # not 7 x 0.09148 + 2.152 = 2.79 %
    ucum = _bundle(_hba1c(53.0, unit="mmol per mol"))
    ucum["entry"][1]["resource"]["valueQuantity"].update(system="http://unitsofmeasure.org", code="mmol/mol")
    assert _table(ucum).loc["p1", "hba1c_percent"] == pytest.approx(7.0, abs=0.01)   # the UCUM code decides


def test_simulated_exports_carry_statuses_that_a_naive_reader_would_count(hospitals):
    truth = hospitals.patients
    with pytest.warns(RecordStatusWarning, match="Observation status entered-in-error"):
        a = bundle_to_table(hospitals.fhir["site_A"])
    np.testing.assert_allclose(a["hba1c_percent"], truth.loc[a.index, "hba1c_percent"], atol=1e-3)
    with pytest.warns(RecordStatusWarning, match="Condition verificationStatus refuted"):
        b = bundle_to_table(hospitals.fhir["site_B"])
    assert (b["type2_diabetes"] == truth.loc[b.index, "type2_diabetes"]).all()
    naive = copy.deepcopy(hospitals.fhir["site_B"])      # drop the statuses: refuted becomes a diagnosis
    for e in naive["entry"]:
        e["resource"].pop("verificationStatus", None)
    assert (_table(naive)["type2_diabetes"] != truth.loc[b.index, "type2_diabetes"]).sum() >= 3


# --- item 21: chrM and MT ---------------------------------------------------------------------

def test_mitochondrial_renaming_depends_on_the_build():
    assert to_contig_style(["chrM", "chr1"], "plain", build="GRCh38").tolist() == ["MT", "1"]
    assert to_contig_style(["MT", "2"], "chr", build="hg38").tolist() == ["chrM", "chr2"]
    for build in ("hg19", "GRCh37"):
        with pytest.raises(ValueError, match="NC_001807"):
            to_contig_style(["chrM", "chr1"], "plain", build=build)
        with pytest.raises(ValueError, match="refusing to rename"):
            to_contig_style(["MT"], "chr", build=build)
        assert to_contig_style(["chrM", "chr22"], "chr", build=build).tolist() == ["chrM", "chr22"]
        assert to_contig_style(["22", "X"], "chr", build=build).tolist() == ["chr22", "chrX"]
    with pytest.warns(MitochondrialContigWarning, match="build='GRCh38'"):
        assert to_contig_style(["MT"], "chr").tolist() == ["chrM"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")                     # nothing mitochondrial renamed: no warning
        to_contig_style(["22", "chrX"], "plain")
    with pytest.raises(ValueError, match="build must be one of"):
        to_contig_style(["1"], build="T2T")
