"""Clinical records as HL7 FHIR resources, mapped through a code table into one analysis table.

FHIR (Fast Healthcare Interoperability Resources) fixes the *shape* of a record: a Patient, a
Condition with a ``code``, an Observation with a ``valueQuantity``. It does not fix the
*vocabulary*: one hospital codes type 2 diabetes as ICD-10 E11, another as SNOMED CT 44054006, a
third with a home-made code. A concept map (``load_concept_map``) says which codes mean the same
thing and how to convert units, so records from every site land in the same columns.

A record's *status* matters as much as its code: a Condition can be refuted or entered in error, an
Observation cancelled or preliminary, a value reported in another unit than the map expects.
``bundle_to_table`` leaves such records out and says so in a warning.
"""
from __future__ import annotations

import warnings
from importlib.resources import files

import numpy as np
import pandas as pd

__all__ = ["load_concept_map", "validate_bundle", "bundle_to_table", "UnmappedCodeWarning",
           "RecordStatusWarning", "UnitMismatchWarning", "OBSERVATION_STATUSES_KEPT"]

# Observation.status values whose result stands (FHIR R5 observation-status); the others (registered,
# preliminary, cancelled, entered-in-error, unknown, ...) are left out by default
OBSERVATION_STATUSES_KEPT = ("final", "amended", "corrected", "appended")
_NOT_A_DIAGNOSIS = ("refuted", "entered-in-error")  # Condition.verificationStatus: never counted


class UnmappedCodeWarning(UserWarning):
    """A FHIR code with no row in the concept map (its record is left out of the table)."""


class RecordStatusWarning(UserWarning):
    """Records left out because of their status (refuted, entered in error, not final, ...)."""


class UnitMismatchWarning(UserWarning):
    """Observations whose unit is not the one the concept map converts from (left out)."""


def load_concept_map() -> pd.DataFrame:
    """The shipped mapping of ICD-10, SNOMED CT, LOINC and local codes onto analysis columns.

    Columns: ``concept`` (the analysis column), ``kind`` (condition or observation),
    ``system`` (FHIR code-system URI), ``code``, ``display``, ``unit`` (as reported), and
    ``factor``/``offset`` (standard value = value x factor + offset; e.g. HbA1c mmol/mol to %
    by the IFCC-NGSP master equation, creatinine umol/L to mg/dL).

    Examples
    --------
    >>> cmap = load_concept_map()
    >>> cmap.loc[cmap["code"] == "44054006", "concept"].item()
    'type2_diabetes'

    Taught in lesson 26.
    """
    path = files("toolkit.harmonisation").joinpath("data", "concept_map.csv")
    return pd.read_csv(path, dtype={"code": str})


def validate_bundle(bundle: dict):
    """Parse a FHIR R5 Bundle (a dict from JSON) with ``fhir.resources``; return the model.

    Raises
    ------
    ValueError
        The bundle breaks the FHIR specification (pydantic's message names the field).

    Examples
    --------
    >>> validate_bundle({"resourceType": "Bundle", "type": "collection"}).type
    'collection'

    Taught in lesson 26.
    """
    from fhir.resources import get_fhir_model_class

    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        raise ValueError("expected a FHIR Bundle as a dict with resourceType 'Bundle'; got "
                         f"{type(bundle).__name__}")
    return get_fhir_model_class("Bundle").model_validate(bundle)


def _resources(bundle: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in bundle.get("entry", []) if e["resource"]["resourceType"] == kind]


def _lookup(codings: list[dict], cmap: pd.DataFrame) -> pd.Series | None:
    for c in codings:
        hit = cmap[(cmap["system"] == c.get("system")) & (cmap["code"] == str(c.get("code")))]
        if len(hit):
            return hit.iloc[0]
    return None


def _patient_id(resource: dict) -> str:
    return resource["subject"]["reference"].split("/")[-1]


def _status_code(concept: dict | None) -> str | None:
    """The first code of a CodeableConcept such as Condition.verificationStatus (None if absent)."""
    codings = (concept or {}).get("coding", [])
    return codings[0].get("code") if codings else None


def _why_left_out(r: dict, kind: str, hit: pd.Series, clinical_status,
                  observation_status) -> tuple[str, str] | None:
    """Why a mapped record must not enter the table, as ``(category, text)`` (None: it counts).

    The category is ``"unit"`` (a unit the concept map does not convert from) or ``"status"``
    (its status, or no value, keeps it out); `_warn_left_out` gives each category its warning.
    """
    if kind == "condition":
        verification = _status_code(r.get("verificationStatus"))
        if verification in _NOT_A_DIAGNOSIS:
            return "status", f"Condition verificationStatus {verification}"
        clinical = _status_code(r.get("clinicalStatus"))
        if clinical_status is not None and clinical not in clinical_status:
            return "status", f"Condition clinicalStatus {clinical}"
        return None
    if r.get("status") not in observation_status:
        return "status", f"Observation status {r.get('status')}"
    quantity = r.get("valueQuantity")
    if not quantity or quantity.get("value") is None:
        return "status", "Observation without a valueQuantity"
    unit = quantity.get("code", quantity.get("unit"))
    if isinstance(hit["unit"], str) and unit != hit["unit"]:
        return "unit", (f"{hit['concept']} ({hit['system']} {hit['code']}) in {unit!r}, "
                        f"map expects {hit['unit']!r}")
    return None


def _warn_left_out(unmapped: set, left_out: dict) -> None:
    """Warn about the unmapped codes and the left-out records, counted by ``(category, text)``."""
    if unmapped:
        warnings.warn(f"{len(unmapped)} codes are not in the concept map and were left out: "
                      f"{sorted(unmapped)[:5]}; add rows for them to the concept map",
                      UnmappedCodeWarning, stacklevel=3)
    units = {text: v for (category, text), v in left_out.items() if category == "unit"}
    if units:
        warnings.warn("observations in a unit the concept map does not convert were left out: "
                      + "; ".join(f"{v} with {k}" for k, v in sorted(units.items()))
                      + "; convert them first or add a concept-map row for that unit",
                      UnitMismatchWarning, stacklevel=3)
    status = {text: v for (category, text), v in left_out.items() if category == "status"}
    if status:
        warnings.warn("records left out because of their status: "
                      + ", ".join(f"{v} with {k}" for k, v in sorted(status.items())),
                      RecordStatusWarning, stacklevel=3)


def bundle_to_table(bundle: dict, concept_map: pd.DataFrame | None = None,
                    validate: bool = True, clinical_status: tuple[str, ...] | None = None,
                    observation_status: tuple[str, ...] = OBSERVATION_STATUSES_KEPT) -> pd.DataFrame:
    """One row per Patient: sex, birth year, 0/1 per condition concept, lab values in standard units.

    Only records that stand are counted: a Condition whose ``verificationStatus`` is *refuted* or
    *entered-in-error* is never a diagnosis; an Observation counts only if its ``status`` is in
    ``observation_status`` and its unit (``valueQuantity.code``, else ``.unit``) is the unit the
    concept map converts from. Everything left out is counted in a warning.

    Parameters
    ----------
    bundle : dict
        A FHIR Bundle of Patient, Condition and Observation resources (JSON as a dict).
    concept_map : DataFrame, optional
        Default :func:`load_concept_map`.
    validate : bool, default True
        Check the bundle against the FHIR specification first (:func:`validate_bundle`).
    clinical_status : tuple of str, optional
        Count only Conditions whose ``clinicalStatus`` code is one of these (e.g. ``("active",
        "recurrence", "relapse")`` for current disease). Default None: any clinical status counts
        ("ever diagnosed"), so a resolved hypertension is a 1.
    observation_status : tuple of str, default ``OBSERVATION_STATUSES_KEPT``
        The Observation statuses whose values are used (final, amended, corrected, appended).

    Returns
    -------
    DataFrame, index ``patient_id``
        ``sex``, ``birth_year`` and one column per concept: conditions as 0/1, observations as
        the latest value converted to the concept's unit (NaN if none).

    Warns
    -----
    UnmappedCodeWarning
        Codes not in the concept map, with their system, so the map can be extended.
    RecordStatusWarning
        How many records were left out for each status (refuted, entered-in-error, preliminary, ...).
    UnitMismatchWarning
        Observations in a unit the concept map does not convert from, by code and unit.

    Examples
    --------
    >>> b = {"resourceType": "Bundle", "type": "collection", "entry": [
    ...   {"resource": {"resourceType": "Patient", "id": "p1", "gender": "male",
    ...                 "birthDate": "1960-05-01"}},
    ...   {"resource": {"resourceType": "Observation", "id": "o1", "status": "final",
    ...     "code": {"coding": [{"system": "http://loinc.org", "code": "59261-8"}]},
    ...     "subject": {"reference": "Patient/p1"},
    ...     "valueQuantity": {"value": 53.0, "unit": "mmol/mol"}}}]}
    >>> bundle_to_table(b)[["sex", "hba1c_percent"]].round(2).values.tolist()
    [['male', 7.0]]

    Taught in lesson 26.
    """
    if validate:
        validate_bundle(bundle)
    cmap = load_concept_map() if concept_map is None else concept_map
    patients = _resources(bundle, "Patient")
    table = pd.DataFrame({"sex": [p.get("gender") for p in patients],
                          "birth_year": [int(p["birthDate"][:4]) if p.get("birthDate") else np.nan
                                         for p in patients]},
                         index=pd.Index([p["id"] for p in patients], name="patient_id"))
    for concept, kind in cmap[["concept", "kind"]].drop_duplicates().itertuples(index=False):
        table[concept] = 0 if kind == "condition" else np.nan
    unmapped, left_out = set(), {}
    for kind, resource_type in (("condition", "Condition"), ("observation", "Observation")):
        for r in sorted(_resources(bundle, resource_type), key=lambda r: r.get("effectiveDateTime", "")):
            hit = _lookup(r["code"].get("coding", []), cmap)
            if hit is None:
                unmapped.update((c.get("system"), c.get("code")) for c in r["code"].get("coding", []))
                continue
            why = _why_left_out(r, kind, hit, clinical_status, observation_status)
            if why is not None:
                left_out[why] = left_out.get(why, 0) + 1
                continue
            value = 1 if kind == "condition" else \
                r["valueQuantity"]["value"] * float(hit["factor"]) + float(hit["offset"])
            table.loc[_patient_id(r), hit["concept"]] = value
    _warn_left_out(unmapped, left_out)
    return table
