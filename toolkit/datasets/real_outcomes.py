"""Real cohorts with time-to-event outcomes, arranged in modality blocks for fusion models.

`load_lgg_survival`: 110 TCGA lower-grade gliomas (clinical, genomic clusters, MRI shape).
`load_gse7390_blocks`: the 198 breast cancers of GSE7390 (clinical, 76-gene expression).

Joins the shipped shape-feature table (`load_lgg_radiogenomics`, from real FLAIR masks) with
the patients' overall survival and progression-free interval from the TCGA Pan-Cancer Clinical
Data Resource (Liu et al., Cell 2018, table S1), shipped as ``data/lgg_outcomes.csv``. The card
is ``datasets/lgg_survival.md``; the recipe that made the file is
``datasets/recipes/derive_lgg_outcomes.py``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .real_imaging import _DATA, LGG_FEATURES, _bunch, _missing, load_lgg_radiogenomics
from .registry import card

__all__ = ["load_lgg_survival", "load_gse7390_blocks", "LGG_CLUSTERS", "LGG_OUTCOMES"]

LGG_CLUSTERS = ("RNASeqCluster", "MethylationCluster", "miRNACluster", "CNCluster",
                "RPPACluster", "OncosignCluster", "COCCluster")
LGG_OUTCOMES = ("OS", "OS_time", "PFI", "PFI_time")


def _cluster_dummies(frame: pd.DataFrame) -> pd.DataFrame:
    """One 0/1 column per cluster level except the first; NaN where the cluster is unknown."""
    parts = []
    for column in LGG_CLUSTERS:
        codes = frame[column]
        for level in sorted(codes.dropna().unique())[1:]:
            parts.append((codes == level).astype(float).where(codes.notna())
                         .rename(f"{column}_{int(level)}"))
    return pd.concat(parts, axis=1)


def load_lgg_survival():
    """110 real lower-grade glioma patients: clinical, genomic and imaging blocks, OS and PFI.

    Clinical: ``age`` (years), ``grade3`` (1 = WHO grade III, 0 = grade II), ``male``. Genomic:
    the seven TCGA cluster memberships as 0/1 columns (``RNASeqCluster_2`` ..., first level
    dropped; NaN where unassigned). Imaging: the nine shape features of
    ``LGG_FEATURES`` and ``log_voxels`` (log tumour size in voxels). Outcomes (TCGA-CDR):
    ``OS``/``OS_time`` (death from any cause, days) and ``PFI``/``PFI_time`` (progression-free
    interval, days).

    Returns
    -------
    Bunch
        ``frame`` (110 rows, indexed by TCGA patient; also ``histological_type`` in words and
        the raw cluster codes), ``modalities`` (``{"clinical": [...], "genomic": [...],
        "imaging": [...]}``), ``outcomes`` ({"OS": ("OS_time", "OS"), "PFI": (...)}) and
        ``description`` (the data card).

    Examples
    --------
    >>> lgg = load_lgg_survival()
    >>> len(lgg.frame), int(lgg.frame["OS"].sum()), int(lgg.frame["PFI"].sum())
    (110, 32, 47)

    Taught in lesson 14.
    """
    path = _DATA / "lgg_outcomes.csv"
    if not path.is_file():
        raise _missing(path)
    outcomes = pd.read_csv(path, index_col="patient")
    shapes = load_lgg_radiogenomics().frame
    if not outcomes.index.equals(shapes.index):
        raise ValueError(f"{path}: its patients differ from lgg_radiogenomics_features.csv; "
                         "reinstall the toolkit so both files come from the same version")
    clinical = pd.DataFrame({
        "age": outcomes["age"].astype(float),
        "grade3": outcomes["histological_grade"].map({"G2": 0.0, "G3": 1.0}),
        "male": outcomes["gender"].map({"FEMALE": 0.0, "MALE": 1.0})}, index=shapes.index)
    genomic = _cluster_dummies(shapes)
    imaging = shapes[list(LGG_FEATURES)].astype(float).assign(
        log_voxels=np.log(shapes["voxels"].astype(float)))
    frame = pd.concat([clinical, genomic, imaging, outcomes[list(LGG_OUTCOMES)].astype(float),
                       outcomes[["histological_type"]], shapes[list(LGG_CLUSTERS)]], axis=1)
    modalities = {"clinical": list(clinical), "genomic": list(genomic), "imaging": list(imaging)}
    return _bunch(frame=frame, modalities=modalities,
                  outcomes={"OS": ("OS_time", "OS"), "PFI": ("PFI_time", "PFI")},
                  description=card("lgg_survival"))


def load_gse7390_blocks(horizon_years: float = 5.0):
    """GSE7390 (198 node-negative breast cancers) as a clinical and an expression block.

    Clinical: ``age_years``, ``er_positive``, ``grade_intermediate``, ``grade_poor`` (both NaN
    for the 2 patients of unknown grade; well differentiated is the reference) and
    ``tumour_size_cm``. Expression: the 76 genes of the Wang et al. (2005) signature (log2).
    Outcome: ``metastasis`` / ``time_to_metastasis_days`` (time to distant metastasis), and
    ``metastasis_within_horizon``: 1 = distant metastasis within ``horizon_years``, 0 = followed
    longer without one, NaN = censored earlier (status unknown).

    Parameters
    ----------
    horizon_years : float, default 5.0

    Returns
    -------
    Bunch
        ``frame`` (198 rows), ``modalities`` ({"clinical": [...], "expression": [...]}),
        ``outcome`` (``("time_to_metastasis_days", "metastasis")``) and ``description``.

    Examples
    --------
    >>> b = load_gse7390_blocks()
    >>> {k: len(v) for k, v in b.modalities.items()}, int(b.frame["metastasis"].sum())
    ({'clinical': 5, 'expression': 76}, 51)
    >>> int(b.frame["metastasis_within_horizon"].notna().sum()), int(b.frame["metastasis_within_horizon"].sum())
    (189, 35)

    Taught in lesson 13.
    """
    from .loaders import load_gse7390

    data = load_gse7390()
    X, target = data.data, data.target
    grade = X["grade"].astype(str)
    unknown = ~grade.isin(["well differentiated", "intermediate", "poorly differentiated"])
    clinical = pd.DataFrame({
        "age_years": X["age_years"].astype(float),
        "er_positive": (X["er"] == "positive").astype(float),
        "grade_intermediate": (grade == "intermediate").astype(float).mask(unknown),
        "grade_poor": (grade == "poorly differentiated").astype(float).mask(unknown),
        "tumour_size_cm": X["tumour_size_cm"].astype(float)}, index=X.index)
    genes = [c for c in X.columns if c.startswith("X")]
    days, event = target["time_to_metastasis_days"], target["metastasis"].astype(bool)
    limit = horizon_years * 365.25
    within = pd.Series(np.nan, index=X.index)
    within[event & (days <= limit)] = 1.0
    within[days > limit] = 0.0
    frame = pd.concat([clinical, X[genes].astype(float), target.astype(float),
                       within.rename("metastasis_within_horizon")], axis=1)
    return _bunch(frame=frame, modalities={"clinical": list(clinical), "expression": genes},
                  outcome=("time_to_metastasis_days", "metastasis"),
                  description=data.description)
