"""Three SYNTHETIC hospitals that export the same kinds of data in different ways.

Every value is simulated; no real patient. One patient table with a known truth, then each
hospital's export: a variant table (genome build, contig names, swapped alleles, strand
flips), brain MR slices (scanner intensity scales), radiomics features (additive and
multiplicative site effects, the ComBat model) and clinical records as FHIR R5 bundles
(ICD-10, SNOMED CT, LOINC or local codes; different units). Lesson 26 harmonises them.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import _cohort_images as _img

__all__ = ["ThreeHospitals", "make_three_hospitals", "SITES", "FEATURES"]

SITES = ("site_A", "site_B", "site_C")
SIZES = {"site_A": 120, "site_B": 90, "site_C": 50}
MUTATION_RATE = {"site_A": 0.25, "site_B": 0.35, "site_C": 0.55}  # site and biology confounded
GLIOBLASTOMA_RATE = 0.5  # histology among the malignant brain tumours (independent of the mutation here)
FEATURES = {  # name: (mean, SD, mutation effect in SD units)
    "firstorder_mean_au": (60.0, 8.0, -0.6), "firstorder_sd_au": (9.0, 2.0, 0.8),
    "glcm_contrast": (12.0, 3.0, 0.7), "glcm_homogeneity": (0.45, 0.05, -0.5),
    "glszm_zone_entropy": (5.0, 0.6, 0.4), "ngtdm_coarseness": (0.02, 0.005, 0.0),
    "glrlm_run_entropy": (4.2, 0.4, 0.0), "shape_sphericity": (0.7, 0.08, -0.3),
}
SITE_EFFECTS = {"site_A": (0.0, 1.0), "site_B": (1.0, 1.5), "site_C": (-0.8, 0.7)}  # shift, scale
EXPORTS = {
    "site_A": {"build": "GRCh38", "contig": "chr22", "swap": 0.0, "flip": 0.0,
               "condition_system": "http://hl7.org/fhir/sid/icd-10", "labs": "loinc_si_free"},
    "site_B": {"build": "GRCh38", "contig": "22", "swap": 0.15, "flip": 0.0,
               "condition_system": "http://snomed.info/sct", "labs": "loinc_si"},
    "site_C": {"build": "GRCh37", "contig": "chr22", "swap": 0.0, "flip": 0.10,
               "condition_system": "urn:three-hospitals:site_C:local", "labs": "local"},
}
BUILD_OFFSET = 3000  # in this synthetic region, GRCh37-like position = GRCh38-like position - 3000
SCANNER_INTENSITY = {"site_A": "x", "site_B": "1.3 x + 40", "site_C": "160 (x / 160)^0.6"}
_COMPLEMENT = str.maketrans("ACGT", "TGCA")
LABEL = "SYNTHETIC - every value is simulated; no real patient"


@dataclass(repr=False)
class ThreeHospitals:
    """SYNTHETIC exports of three hospitals (see ``datasets/three_hospitals.md``).

    Attributes
    ----------
    patients : DataFrame, index ``patient_id``
        The truth: ``site``, ``age_years``, ``sex``, ``mutation`` (0/1), ``type2_diabetes``,
        ``hypertension``, ``malignant_brain_tumour`` (1 for everyone: the cohort has one),
        ``glioblastoma`` (0/1: the tumour's histology, ICD-O-3 9440/3), ``hba1c_percent``,
        ``creatinine_mg_dl``.
    features : DataFrame, index ``patient_id``
        Radiomics features as each hospital measured them (site effects applied).
    features_true : DataFrame
        The same features without site effects.
    variants : dict site -> DataFrame
        ``chrom``, ``pos``, ``ref``, ``alt``, ``alt_frequency`` as each hospital exported them.
    variants_true : DataFrame
        The variants on the GRCh38-like reference, forward strand, true ALT frequencies.
    references : dict build -> {contig: sequence}
        "GRCh38" and "GRCh37": a synthetic 20 kb stand-in for a piece of chromosome 22.
    images : dict site -> float array (n_images, X, Y)
        Axial MR slices (arbitrary units) of the site's patients; ``brain_mask`` (X, Y) bool.
    fhir : dict site -> dict
        A FHIR R5 Bundle (JSON as a dict) of Patient, Condition and Observation resources.
    ground_truth : dict
    """

    patients: pd.DataFrame
    features: pd.DataFrame
    features_true: pd.DataFrame
    variants: dict
    variants_true: pd.DataFrame
    references: dict
    images: dict
    brain_mask: np.ndarray
    fhir: dict
    ground_truth: dict

    def __repr__(self) -> str:
        counts = self.patients["site"].value_counts().reindex(SITES).tolist()
        return (f"<ThreeHospitals (SYNTHETIC): {len(self.patients)} patients {counts}, "
                f"{self.features.shape[1]} features, {len(self.variants_true)} variants>")


def _patients(sizes: dict, rates: dict, rng) -> pd.DataFrame:
    site = np.repeat(list(sizes), list(sizes.values()))
    n = len(site)
    diabetes = (rng.random(n) < 0.15).astype(int)
    frame = pd.DataFrame({
        "site": site, "age_years": rng.normal(58, 11, n).clip(20, 90).round(0).astype(int),
        "sex": rng.choice(["female", "male"], n),
        "mutation": (rng.random(n) < np.array([rates[s] for s in site])).astype(int),
        "type2_diabetes": diabetes, "hypertension": (rng.random(n) < 0.3).astype(int),
        "malignant_brain_tumour": 1,
        "hba1c_percent": np.where(diabetes == 1, rng.normal(7.6, 1.0, n),
                                  rng.normal(5.4, 0.3, n)).round(1),
        "creatinine_mg_dl": rng.lognormal(np.log(0.9), 0.2, n).round(2)})
    # the histology, drawn last so that the other columns keep their values: every patient has a
    # malignant brain tumour (ICD-10 C71.x, a topography code); only some have a glioblastoma
    frame.insert(frame.columns.get_loc("malignant_brain_tumour") + 1, "glioblastoma",
                 (rng.random(n) < GLIOBLASTOMA_RATE).astype(int))
    frame.index = pd.Index([f"H{i + 1:04d}" for i in range(n)], name="patient_id")
    return frame


def _features(patients: pd.DataFrame, rng, strength: float = 1.0) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    n, names = len(patients), list(FEATURES)
    mean, sd, effect = (np.array([FEATURES[f][k] for f in names]) for k in range(3))
    shared = rng.normal(size=(n, 1))  # features of one lesion are correlated
    z = 0.5 * shared + np.sqrt(0.75) * rng.normal(size=(n, len(names)))
    z += patients["mutation"].to_numpy()[:, None] * effect
    z += 0.01 * (patients["age_years"].to_numpy()[:, None] - 58)
    true = pd.DataFrame(mean + sd * z, index=patients.index, columns=names)
    observed, truth = z.copy(), {}
    for s, (shift, scale) in SITE_EFFECTS.items():
        rows = (patients["site"] == s).to_numpy()
        gamma = strength * (shift + (0.3 * rng.normal(size=len(names)) if shift else 0.0))
        delta = (scale * (np.exp(0.15 * rng.normal(size=len(names))) if scale != 1 else 1.0)) ** strength
        centre = observed[rows].mean(axis=0)
        observed[rows] = centre + gamma + (observed[rows] - centre) * delta
        truth[s] = {"gamma_sd_units": np.round(np.broadcast_to(gamma, len(names)), 4).tolist(),
                    "scale": np.round(np.broadcast_to(delta, len(names)), 4).tolist()}
    return pd.DataFrame(mean + sd * observed, index=patients.index, columns=names), true, truth


def _references(rng, length: int = 20000) -> dict:
    seq38 = "".join(rng.choice(list("ACGT"), length))
    seq37 = seq38[BUILD_OFFSET:] + "".join(rng.choice(list("ACGT"), BUILD_OFFSET))
    return {"GRCh38": {"chr22": seq38}, "GRCh37": {"chr22": seq37}}


def _variants(seq38: str, patients: pd.DataFrame, rng, n_variants: int = 200):
    pos = np.sort(rng.choice(np.arange(BUILD_OFFSET + 1, len(seq38) + 1), n_variants, replace=False))
    ref = np.array([seq38[p - 1] for p in pos])
    alt = np.array([rng.choice([b for b in "ACGT" if b != r]) for r in ref])
    freq = rng.beta(0.8, 2.5, n_variants).clip(0.02, 0.6).round(3)
    true = pd.DataFrame({"chrom": "chr22", "pos": pos, "ref": ref, "alt": alt,
                         "alt_frequency": freq})
    exports = {}
    for s, spec in EXPORTS.items():
        n_alleles = 2 * int((patients["site"] == s).sum())
        t = true.copy()
        t["alt_frequency"] = (rng.binomial(n_alleles, freq) / n_alleles).round(4)
        t["chrom"] = spec["contig"]
        if spec["build"] == "GRCh37":
            t["pos"] = t["pos"] - BUILD_OFFSET
        swap = rng.random(n_variants) < spec["swap"]
        t.loc[swap, ["ref", "alt"]] = t.loc[swap, ["alt", "ref"]].to_numpy()
        t.loc[swap, "alt_frequency"] = (1 - t.loc[swap, "alt_frequency"]).round(4)
        flip = rng.random(n_variants) < spec["flip"]
        for col in ("ref", "alt"):
            t.loc[flip, col] = [b.translate(_COMPLEMENT) for b in t.loc[flip, col]]
        exports[s] = t
    return true, exports


def _slices(patients: pd.DataFrame, rng, per_site: int) -> tuple[dict, np.ndarray]:
    if per_site == 0:
        return {s: np.zeros((0, 0, 0), np.float32) for s in SITES}, np.zeros((0, 0), bool)
    images = {}
    anatomy = _img.load_anatomy(3)
    z = anatomy["t1"].shape[2] // 2 + 5
    t1, brain = anatomy["t1"][:, :, z].astype(float), anatomy["brain"][:, :, z]
    curves = {"site_A": lambda x: x, "site_B": lambda x: 1.3 * x + 40,
              "site_C": lambda x: 160 * (np.clip(x, 0, None) / 160) ** 0.6}
    for s in SITES:
        n = min(per_site, int((patients["site"] == s).sum()))
        stack = t1[None] * rng.normal(1, 0.03, (n, 1, 1)) + rng.normal(0, 2.0, (n,) + t1.shape)
        images[s] = curves[s](stack).astype(np.float32)
    return images, brain.copy()


_LABS = {  # style -> {concept: (system, code, unit, value from the standard unit)}
    "loinc_si_free": {"hba1c_percent": ("http://loinc.org", "4548-4", "%", lambda v: v),
                      "creatinine_mg_dl": ("http://loinc.org", "2160-0", "mg/dL", lambda v: v)},
    "loinc_si": {"hba1c_percent": ("http://loinc.org", "59261-8", "mmol/mol",
                                   lambda v: (v - 2.152) / 0.09148),
                 "creatinine_mg_dl": ("http://loinc.org", "14682-9", "umol/L",
                                      lambda v: v / 0.0113097)},
    "local": {"hba1c_percent": ("urn:three-hospitals:site_C:local", "HBA1C", "mmol/mol",
                                lambda v: (v - 2.152) / 0.09148),
              "creatinine_mg_dl": ("urn:three-hospitals:site_C:local", "CREAT", "umol/L",
                                   lambda v: v / 0.0113097)},
}
_ICD10_BRAIN = [f"C71.{k}" for k in range(10)]  # malignant neoplasm of brain, by site in the brain
_CONDITION_CODES = {  # topography (where the tumour is) and histology (what kind) are separate codes
    "http://hl7.org/fhir/sid/icd-10": {"type2_diabetes": "E11", "hypertension": "I10",
                                       "malignant_brain_tumour": _ICD10_BRAIN},
    "http://snomed.info/sct": {"type2_diabetes": "44054006", "hypertension": "59621000",
                               "malignant_brain_tumour": "428061005", "glioblastoma": "393563007"},
    "urn:three-hospitals:site_C:local": {"type2_diabetes": "DM2", "hypertension": "HTN",
                                         "malignant_brain_tumour": "BRAINCA", "glioblastoma": "GBM",
                                         "asthma": "ASTH"},
}
# site_A codes diagnoses in ICD-10, which has no glioblastoma code: the histology comes as ICD-O-3
_HISTOLOGY = {"http://hl7.org/fhir/sid/icd-10": ("http://terminology.hl7.org/CodeSystem/icd-o-3", "9440/3")}
_CS = "http://terminology.hl7.org/CodeSystem/"
_ACTIVE = {"coding": [{"system": _CS + "condition-clinical", "code": "active"}]}
_REFUTED = {"coding": [{"system": _CS + "condition-ver-status", "code": "refuted"}]}


def _condition(pid: str, k: int, system: str, code: str, text: str, refuted: bool = False) -> dict:
    out = {"resourceType": "Condition", "id": f"{pid}-c{k}", "clinicalStatus": _ACTIVE,
           "code": {"coding": [{"system": system, "code": code}], "text": text},
           "subject": {"reference": f"Patient/{pid}"}}
    if refuted:
        out["verificationStatus"] = _REFUTED
    return out


def _observation(pid: str, k: int, lab: tuple, value: float, status: str = "final",
                 date: str = "2024-03-01") -> dict:
    system, code, unit, convert = lab
    return {"resourceType": "Observation", "id": f"{pid}-o{k}", "status": status,
            "code": {"coding": [{"system": system, "code": code}]},
            "subject": {"reference": f"Patient/{pid}"}, "effectiveDateTime": date,
            "valueQuantity": {"value": round(float(convert(value)), 3), "unit": unit}}


def _patient_resources(pid: str, row, spec: dict, rng) -> list[dict]:
    """Patient, its Conditions and two lab Observations, coded the site's way.

    Besides the true diagnoses, site_B records a refuted type 2 diabetes for about 10 % of the patients
    without it (suspected, then ruled out), and site_A an HbA1c entered in error (ten times the true
    value, a day later) for about 5 % of its patients: a table that counts them is wrong.
    """
    out = [{"resourceType": "Patient", "id": pid, "gender": row["sex"],
            "birthDate": f"{2024 - int(row['age_years'])}-01-01"}]
    system = spec["condition_system"]
    codes = _CONDITION_CODES[system]
    present = [c for c in ("malignant_brain_tumour", "type2_diabetes", "hypertension") if row[c] == 1]
    conditions = [(system, str(rng.choice(codes[c])) if isinstance(codes[c], list) else codes[c], c, False)
                  for c in present]
    if row["glioblastoma"] == 1:
        hsystem, hcode = _HISTOLOGY.get(system, (system, codes.get("glioblastoma")))
        conditions.append((hsystem, hcode, "glioblastoma", False))
    if system == "http://snomed.info/sct" and row["type2_diabetes"] == 0 and rng.random() < 0.1:
        conditions.append((system, codes["type2_diabetes"], "type2_diabetes (ruled out)", True))
    if "asthma" in codes and rng.random() < 0.1:
        conditions.append((system, codes["asthma"], "asthma", False))  # not in the concept map
    out += [_condition(pid, k, *c) for k, c in enumerate(conditions)]
    labs = _LABS[spec["labs"]]
    out += [_observation(pid, k, lab, row[concept]) for k, (concept, lab) in enumerate(labs.items())]
    if spec["labs"] == "loinc_si_free" and rng.random() < 0.05:
        out.append(_observation(pid, len(labs), labs["hba1c_percent"], 10 * row["hba1c_percent"],
                                status="entered-in-error", date="2024-03-02"))
    return out


def _bundles(patients: pd.DataFrame, rng) -> dict:
    bundles = {}
    for s, spec in EXPORTS.items():
        entries = []
        for pid, row in patients[patients["site"] == s].iterrows():
            entries += [{"resource": r} for r in _patient_resources(pid, row, spec, rng)]
        bundles[s] = {"resourceType": "Bundle", "type": "collection", "entry": entries}
    return bundles


def make_three_hospitals(random_state: int | None = 0, sizes: dict | None = None,
                         images_per_site: int = 8, site_effect: float = 1.0,
                         mutation_rate: dict | None = None) -> ThreeHospitals:
    """Simulate the exports of three SYNTHETIC hospitals with known site differences.

    A stand-in for a multi-centre study, where the same kinds of data (genotypes, MRI,
    radiomics features, clinical records) arrive in three different dialects.

    ===============  ====================================================================
    Patients         260 (site_A 120, site_B 90, site_C 50); mutation rate 25/35/55 %
    Features         8 radiomics-like features; site shift/scale 0/1, +1.0/1.5, -0.8/0.7 SD
    Variants         200 SNVs on a synthetic 20 kb "chr22"; A correct, B "22" + 15 % swapped,
                     C on the GRCh37-like build (positions - 3000) + 10 % strand-flipped
    MR slices        8 per site from MNI152 (3 mm); intensity x, 1.3 x + 40, 160 (x/160)^0.6
    FHIR records     A ICD-10 (tumour: C71.x, histology ICD-O-3) + LOINC (%, mg/dL), 5 % with an
                     HbA1c entered in error; B SNOMED CT + LOINC (mmol/mol, umol/L), refuted
                     diabetes in 10 % of non-diabetics; C local codes (mmol/mol, umol/L),
                     10 % with an unmapped asthma code; glioblastoma in about half
    ===============  ====================================================================

    Parameters
    ----------
    random_state : int or None, default 0
        The same integer gives the same data; None gives fresh data.
    sizes : dict site -> int, optional
        Patients per site (each at least 2); default above.
    images_per_site : int, default 8
        MR slices per site (0: none, and the template is not loaded).
    site_effect : float, default 1.0
        Strength of the feature site effects: shifts x ``site_effect``, scales ^ ``site_effect``
        (0 = no site effect).
    mutation_rate : dict site -> fraction, optional
        Mutation rate per site; default 0.25, 0.35, 0.55 (confounded with site).

    Returns
    -------
    ThreeHospitals

    Raises
    ------
    ValueError
        Unknown site names, a site with fewer than 2 patients, a negative ``site_effect`` or a
        mutation rate outside [0, 1].

    Examples
    --------
    >>> h = make_three_hospitals(sizes={"site_A": 6, "site_B": 5, "site_C": 4}, images_per_site=2)
    >>> h.features.shape, h.images["site_C"].shape[0], h.variants["site_B"]["chrom"].iloc[0]
    ((15, 8), 2, '22')

    Taught in lesson 26.
    """
    sizes = dict(SIZES if sizes is None else sizes)
    if set(sizes) != set(SITES) or min(sizes.values()) < 2:
        raise ValueError(f"sizes must give each of {list(SITES)} at least 2 patients; got {sizes}")
    sizes = {s: int(sizes[s]) for s in SITES}
    rates = dict(MUTATION_RATE if mutation_rate is None else mutation_rate)
    if set(rates) != set(SITES) or not all(0 <= r <= 1 for r in rates.values()):
        raise ValueError(f"mutation_rate must give each of {list(SITES)} a fraction in [0, 1]; "
                         f"got {mutation_rate}")
    if site_effect < 0:
        raise ValueError(f"site_effect must be 0 or more; got {site_effect}")
    rng_pat, rng_feat, rng_gen, rng_img, rng_fhir = (
        np.random.default_rng(s) for s in np.random.SeedSequence(random_state).spawn(5))
    patients = _patients(sizes, rates, rng_pat)
    features, features_true, site_truth = _features(patients, rng_feat, site_effect)
    references = _references(rng_gen)
    variants_true, variants = _variants(references["GRCh38"]["chr22"], patients, rng_gen)
    images, brain = _slices(patients, rng_img, images_per_site)
    truth = {"label": LABEL, "generator": "toolkit.datasets.make_three_hospitals",
             "random_state": random_state, "sizes": sizes, "mutation_rate": rates,
             "site_effect": site_effect,
             "features": {f: dict(zip(("mean", "sd", "mutation_effect_sd"), v))
                          for f, v in FEATURES.items()},
             "site_effects": site_truth, "exports": EXPORTS, "build_offset": BUILD_OFFSET,
             "scanner_intensity": SCANNER_INTENSITY}
    return ThreeHospitals(patients, features, features_true, variants, variants_true, references,
                          images, brain, _bundles(patients, rng_fhir), truth)
