"""SYNTHETIC applied cohorts: dementia (APOE + brain atrophy) and familial hypercholesterolaemia.

Small, self-contained simulations for lesson 15. Every value is simulated; the published effect
sizes they borrow are cited in ``datasets/applied_cases.md`` and in each docstring.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import ndimage

__all__ = ["make_neuro_cohort", "make_cardio_cohort", "atrophy_mask", "NEURO_MODEL", "CARDIO_MODEL"]

NEURO_MODEL = {
    "apoe_e4_allele_frequency": 0.14,        # European-ancestry populations (Farrer 1997)
    "log_odds_dementia": {"intercept_at_72": float(np.log(0.10 / 0.90)),
                          "e4_heterozygous": float(np.log(3.2)),
                          "e4_homozygous": float(np.log(14.9)),
                          "per_sd_polygenic": 0.3, "per_year_age": 0.08},
    "hippocampus_ml": {"at_60": 7.2, "per_year": -0.035, "dementia": -1.5, "per_e4_allele": -0.1,
                       "sd": 0.5},
    "age_years": [60.0, 85.0],
}
CARDIO_MODEL = {
    "fh_carrier_fraction": 1 / 250,
    "fh_gene_shares": {"LDLR": 0.85, "APOB": 0.12, "PCSK9": 0.03},
    "ldl_mg_dl": {"mean": 130.0, "sd": 30.0, "per_sd_polygenic": 12.0, "fh_carrier": 90.0},
    "plaque": {"per_10_years": 0.6, "per_100_ldl": 0.8, "fh_carrier": 0.7, "sd": 0.6},
    "log_odds_cad": {"intercept_at_55": float(np.log(0.05 / 0.95)), "per_100_ldl": 1.0,
                     "fh_carrier": float(np.log(3.0)), "per_10_years": 0.5},
    "age_years": [35.0, 75.0],
}


def _check_n(n_patients) -> int:
    if not (isinstance(n_patients, (int, np.integer)) and n_patients >= 1):
        raise ValueError(f"n_patients must be a positive integer; got {n_patients!r}")
    return int(n_patients)


def make_neuro_cohort(n_patients: int = 500, random_state: int | None = 0) -> pd.DataFrame:
    """SYNTHETIC older adults: APOE e4 genotype, a polygenic score, dementia and hippocampal volume.

    Lets a lesson show a strong single-gene risk factor next to a polygenic one, and brain
    atrophy as an imaging marker that tracks both age and disease.

    Parameters
    ----------
    n_patients : int, default 500
    random_state : int or None, default 0
        The same integer gives the same data; None gives fresh data.

    Returns
    -------
    DataFrame, index ``person_id`` (``ND0001`` ...)
        ``age_years`` (60-85), ``apoe_e4_alleles`` (0/1/2), ``prs`` (other loci, SD units),
        ``dementia`` (0/1), ``hippocampus_ml`` (both sides, mL) and ``atrophy_fraction``
        (volume lost relative to 7.2 mL, a fraction).

    Raises
    ------
    ValueError
        If ``n_patients`` is not a positive integer.

    Notes
    -----
    e4 alleles ~ Binomial(2, 0.14) (Hardy-Weinberg). logit P(dementia) = logit(0.10)
    + ln 3.2 [one e4] + ln 14.9 [two e4] + 0.3 prs + 0.08 (age - 72): the odds ratios are those
    of Farrer LA et al. (1997) JAMA 278:1349-1356 (clinic-based, European ancestry). Hippocampus
    = 7.2 - 0.035 (age - 60) - 1.5 dementia - 0.1 e4 alleles + N(0, 0.5) mL. All values are in
    ``NEURO_MODEL``; see ``datasets/applied_cases.md``.

    Examples
    --------
    >>> df = make_neuro_cohort(200, random_state=1)
    >>> df.shape, sorted(df["apoe_e4_alleles"].unique().tolist())
    ((200, 6), [0, 1, 2])

    Taught in lesson 15.
    """
    n, m = _check_n(n_patients), NEURO_MODEL
    rng = np.random.default_rng(random_state)
    age = rng.uniform(*m["age_years"], n).round(1)
    e4 = rng.binomial(2, m["apoe_e4_allele_frequency"], n)
    prs = rng.normal(0, 1, n)
    b = m["log_odds_dementia"]
    logit = (b["intercept_at_72"] + b["e4_heterozygous"] * (e4 == 1)
             + b["e4_homozygous"] * (e4 == 2)
             + b["per_sd_polygenic"] * prs + b["per_year_age"] * (age - 72))
    dementia = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    h = m["hippocampus_ml"]
    hippo = (h["at_60"] + h["per_year"] * (age - 60) + h["dementia"] * dementia
             + h["per_e4_allele"] * e4 + rng.normal(0, h["sd"], n))
    hippo = np.clip(hippo, 2.0, None)
    ids = pd.Index([f"ND{i + 1:04d}" for i in range(n)], name="person_id")
    return pd.DataFrame({"age_years": age, "apoe_e4_alleles": e4, "prs": prs, "dementia": dementia,
                         "hippocampus_ml": hippo.round(3),
                         "atrophy_fraction": np.clip(1 - hippo / h["at_60"], 0, 1).round(4)},
                        index=ids)


def atrophy_mask(mask, loss_fraction: float) -> np.ndarray:
    """Thin a 3D tissue mask (e.g. MNI grey matter) from its edges until a fraction is lost.

    A picture of atrophy: voxels closest to the tissue boundary go first, like cortical thinning.

    Parameters
    ----------
    mask : array of bool/0-1, shape (X, Y, Z)
    loss_fraction : float in [0, 1)
        Fraction of the mask's voxels to remove (0.1 = 10 % volume loss).

    Returns
    -------
    ndarray of bool, same shape; ``mask.sum() * (1 - loss_fraction)`` voxels (to rounding).

    Raises
    ------
    ValueError
        If ``loss_fraction`` is outside [0, 1) or the mask is not 3D or is empty.

    Examples
    --------
    >>> cube = np.zeros((12, 12, 12), bool); cube[2:10, 2:10, 2:10] = True
    >>> int(atrophy_mask(cube, 0.25).sum()), int(cube.sum())
    (384, 512)

    Taught in lesson 15.
    """
    mask = np.asarray(mask).astype(bool)
    if mask.ndim != 3 or not mask.any():
        raise ValueError(f"mask must be a non-empty 3D array; got shape {mask.shape} with "
                         f"{int(mask.sum())} voxels set")
    if not 0 <= loss_fraction < 1:
        raise ValueError(f"loss_fraction must be in [0, 1) (0.1 = 10 % lost); got {loss_fraction}")
    depth = ndimage.distance_transform_edt(mask)[mask]
    n_remove = int(round(loss_fraction * mask.sum()))
    order = np.argsort(depth, kind="stable")  # shallowest (edge) voxels first
    keep = np.ones(mask.sum(), bool)
    keep[order[:n_remove]] = False
    out = np.zeros_like(mask)
    out[mask] = keep
    return out


def make_cardio_cohort(n_patients: int = 5000, random_state: int | None = 0,
                       carrier_fraction: float | None = None) -> pd.DataFrame:
    """SYNTHETIC adults: familial hypercholesterolaemia (FH) variants, LDL-C, plaque and CAD.

    Shows that a rare monogenic variant (about 1 in 250 people) raises risk beyond what one
    LDL-cholesterol measurement reveals, next to a polygenic LDL score and an imaging plaque score.

    Parameters
    ----------
    n_patients : int, default 5000
    random_state : int or None, default 0
        The same integer gives the same data; None gives fresh data.
    carrier_fraction : float, optional
        Fraction of FH variant carriers; default 1/250 (population). Raise it to mimic a lipid
        clinic (enriched sampling), and say so.

    Returns
    -------
    DataFrame, index ``person_id`` (``CV00001`` ...)
        ``age_years`` (35-75), ``fh_variant`` (0/1), ``fh_gene`` ("LDLR"/"APOB"/"PCSK9"/"none"),
        ``ldl_prs`` (polygenic LDL score, SD units), ``ldl_mg_dl`` (LDL cholesterol, mg/dL; divide
        by 38.67 for mmol/L), ``plaque_score`` (log-scale coronary plaque burden, arbitrary units)
        and ``cad`` (0/1 coronary artery disease).

    Raises
    ------
    ValueError
        If ``n_patients`` is not a positive integer or ``carrier_fraction`` is outside (0, 1).

    Notes
    -----
    LDL = N(130, 30) + 12 ldl_prs + 90 fh_variant mg/dL. plaque = 0.6 (age - 55)/10
    + 0.8 (LDL - 130)/100 + 0.7 fh + N(0, 0.6). logit P(cad) = logit(0.05) + (LDL - 130)/100
    + ln 3 fh + 0.5 (age - 55)/10. The extra ~3-fold odds for carriers at the same LDL mimics the
    finding of Khera AV et al. (2016) J Am Coll Cardiol 67:2578-2589 (lifelong exposure). Values in
    ``CARDIO_MODEL``; see ``datasets/applied_cases.md``.

    Examples
    --------
    >>> df = make_cardio_cohort(1000, random_state=0, carrier_fraction=0.1)
    >>> int(df["fh_variant"].sum()), df.loc[df["fh_variant"] == 0, "fh_gene"].unique().tolist()
    (100, ['none'])

    Taught in lesson 15.
    """
    n, m = _check_n(n_patients), CARDIO_MODEL
    p = m["fh_carrier_fraction"] if carrier_fraction is None else carrier_fraction
    if not 0 < p < 1:
        raise ValueError(f"carrier_fraction must be in (0, 1), e.g. 1/250; got {carrier_fraction}")
    rng = np.random.default_rng(random_state)
    age = rng.uniform(*m["age_years"], n).round(1)
    fh = np.zeros(n, int)
    fh[rng.choice(n, int(round(p * n)), replace=False)] = 1  # exact count: stable small demos
    genes = list(m["fh_gene_shares"])
    gene = np.where(fh == 1, rng.choice(genes, n, p=list(m["fh_gene_shares"].values())), "none")
    prs = rng.normal(0, 1, n)
    ld = m["ldl_mg_dl"]
    ldl = np.clip(rng.normal(ld["mean"], ld["sd"], n) + ld["per_sd_polygenic"] * prs
                  + ld["fh_carrier"] * fh, 40, None)
    pl = m["plaque"]
    plaque = (pl["per_10_years"] * (age - 55) / 10 + pl["per_100_ldl"] * (ldl - 130) / 100
              + pl["fh_carrier"] * fh + rng.normal(0, pl["sd"], n))
    b = m["log_odds_cad"]
    logit = (b["intercept_at_55"] + b["per_100_ldl"] * (ldl - 130) / 100 + b["fh_carrier"] * fh
             + b["per_10_years"] * (age - 55) / 10)
    cad = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    ids = pd.Index([f"CV{i + 1:05d}" for i in range(n)], name="person_id")
    return pd.DataFrame({"age_years": age, "fh_variant": fh, "fh_gene": gene, "ldl_prs": prs,
                         "ldl_mg_dl": ldl.round(1), "plaque_score": plaque.round(3), "cad": cad},
                        index=ids)
