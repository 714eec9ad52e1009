"""Per-modality feature tables from the SYNTHETIC radiogenomic cohort, ready for fusion models."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..imaging.lesion import lesion_features

__all__ = ["cohort_features"]

CLINICAL_FEATURES = ["age_years", "sex_male", "grade", "treatment"]


def cohort_features(cohort, n_variants: int = 10) -> tuple[pd.DataFrame, dict]:
    """One row per patient: clinical, genomic, imaging (and tumour) columns, and which is which.

    Parameters
    ----------
    cohort : RadiogenomicCohort
        From ``toolkit.datasets.make_radiogenomic_cohort``.
    n_variants : int, default 10
        Genomic block: the polygenic score plus the ALT-allele dosage (0/1/2) of this many
        variants, the causal variants with the largest true weights (standing in for a
        published risk panel; they are chosen without looking at any outcome in the cohort).

    Returns
    -------
    X : DataFrame, index ``patient_id``
        Clinical: ``age_years``, ``sex_male`` (0/1), ``grade``, ``treatment``.
        Genomic: ``prs`` (SD units) and ``dosage_<variant id>``.
        Imaging: the columns of `toolkit.imaging.lesion_features`.
        Tumour (only when the cohort was made with ``tumour_expression_effect``): the biopsy
        panel ``TX01``..``TX08`` (log2 expression; NaN for a patient without a biopsy).
        Outcomes (``mutation``, ``survival_months``, ``event``) are NOT included: take them
        from ``cohort.clinical``. Ancestry and site are left out on purpose (kept for subgroups).
    modalities : dict ``{"clinical": [...], "genomic": [...], "imaging": [...]}``
        plus ``"tumour": [...]`` when the cohort has a biopsy panel.

    Examples
    --------
    >>> from toolkit.datasets import make_radiogenomic_cohort  # doctest: +SKIP
    >>> X, modalities = cohort_features(make_radiogenomic_cohort(size="tiny"))  # doctest: +SKIP
    >>> list(modalities)  # doctest: +SKIP
    ['clinical', 'genomic', 'imaging']

    Taught in lesson 13.
    """
    clin = cohort.clinical
    clinical = pd.DataFrame({"age_years": clin["age_years"].astype(float),
                             "sex_male": (clin["sex"] == "M").astype(int),
                             "grade": clin["grade"].astype(int),
                             "treatment": clin["treatment"].astype(int)}, index=clin.index)
    truth = cohort.ground_truth["genetics"]
    order = np.argsort(-np.abs(np.asarray(truth["causal_weights"])), kind="stable")[:n_variants]
    panel = [truth["causal_variants"][i] for i in order]
    rows = np.flatnonzero(np.isin(cohort.genotypes.variant_ids, panel))
    dosage = cohort.genotypes.subset(variants=rows).dosage().T
    genomic = pd.DataFrame(dosage, index=clin.index,
                           columns=[f"dosage_{v}" for v in cohort.genotypes.variant_ids[rows]])
    genomic.insert(0, "prs", clin["prs"].astype(float))
    imaging = lesion_features(cohort.images, cohort.masks, cohort.spacing_mm)
    imaging.index = clin.index
    blocks = {"clinical": clinical, "genomic": genomic, "imaging": imaging}
    if getattr(cohort, "tumour_expression", None) is not None:
        blocks["tumour"] = cohort.tumour_expression.reindex(clin.index).astype(float)
    X = pd.concat(list(blocks.values()), axis=1)
    return X, {name: list(block) for name, block in blocks.items()}
