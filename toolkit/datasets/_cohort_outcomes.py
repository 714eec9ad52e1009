"""Clinical part of the SYNTHETIC radiogenomic cohort: who the patients are and what happens to them.

Every equation here is written out in ``datasets/radiogenomic_cohort.md`` (Generating model).
The numbers live in ``DEFAULT_MODEL`` so that ``ground_truth.json`` can record them exactly.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

ANCESTRIES = ("YRI", "CEU", "CHB")
SITES = ("site_A", "site_B", "site_C")

DEFAULT_MODEL = {
    "ancestry_mix": {"CEU": 0.55, "YRI": 0.20, "CHB": 0.25},
    # P(site | ancestry): rows sum to 1. Site is correlated with ancestry (confounding).
    "site_given_ancestry": {"CEU": [0.65, 0.25, 0.10],
                            "YRI": [0.15, 0.25, 0.60],
                            "CHB": [0.15, 0.65, 0.20]},
    "age_years": {"mean": 58.0, "sd": 12.0, "min": 20.0, "max": 90.0},
    "p_female": 0.45,
    "heritability": 0.5,          # variance of the liability explained by the causal variants
    "n_causal": 50,
    "min_maf_causal": 0.05,
    # logit P(mutation) = intercept + b_liability * liability (liability has variance 1)
    "mutation": {"intercept": float(np.log(0.35 / 0.65)), "b_liability": 0.3},
    # grade: ordinal logistic, latent = b_age*(age-58) + b_mutation*mutation + Logistic(0,1)
    "grade": {"levels": [2, 3, 4], "cutpoints": [-0.6, 0.9], "b_age_per_year": 0.04,
              "b_mutation": -0.8},
    "treatment": {"p_treated": 0.5, "assignment": "randomised, independent of everything"},
    # Weibull proportional hazards: h(t) = (k/lam) (t/lam)^(k-1) exp(eta), t in months
    "survival": {"weibull_shape": 1.3, "baseline_scale_months": 36.0,
                 "log_hr": {"grade_per_level_above_2": 0.6, "age_per_year_above_58": 0.03,
                            "mutation": -0.5, "treatment": 0.0,
                            "treatment_x_mutation": -0.8},
                 "censoring_uniform_months": [12.0, 72.0]},
}


def allocate(n: int, mix: dict[str, float]) -> dict[str, int]:
    """Split ``n`` patients over ancestries in proportion to ``mix`` (largest remainders)."""
    names = [a for a in ANCESTRIES if mix.get(a, 0) > 0]
    p = np.array([mix[a] for a in names], dtype=float)
    p = p / p.sum()
    counts = np.floor(p * n).astype(int)
    order = np.argsort(-(p * n - counts), kind="stable")
    counts[order[: n - counts.sum()]] += 1
    return {a: int(c) for a, c in zip(names, counts)}


def demographics(ancestry: np.ndarray, model: dict, rng: np.random.Generator) -> pd.DataFrame:
    """Sex, age (years) and acquisition site given each patient's ancestry."""
    n = len(ancestry)
    a = model["age_years"]
    age = np.clip(rng.normal(a["mean"], a["sd"], n), a["min"], a["max"]).round(1)
    sex = np.where(rng.random(n) < model["p_female"], "F", "M")
    u = rng.random(n)
    cum = np.array([np.cumsum(model["site_given_ancestry"][x]) for x in ancestry])
    site_idx = np.minimum((u[:, None] > cum).sum(axis=1), len(SITES) - 1)
    return pd.DataFrame({"ancestry": ancestry, "sex": sex, "age_years": age,
                         "site": np.array(SITES)[site_idx]})


def tumour_and_outcome(clin: pd.DataFrame, liability: np.ndarray, model: dict,
                       rng: np.random.Generator) -> tuple[pd.DataFrame, dict]:
    """Add mutation, grade, treatment, survival_months and event; return latent truths too."""
    n = len(clin)
    m = model["mutation"]
    p_mut = 1 / (1 + np.exp(-(m["intercept"] + m["b_liability"] * liability)))
    mutation = (rng.random(n) < p_mut).astype(int)
    g = model["grade"]
    latent = (g["b_age_per_year"] * (clin["age_years"].to_numpy() - 58)
              + g["b_mutation"] * mutation + rng.logistic(0, 1, n))
    grade = np.array(g["levels"])[np.searchsorted(g["cutpoints"], latent)]
    treatment = (rng.random(n) < model["treatment"]["p_treated"]).astype(int)
    s = model["survival"]
    b = s["log_hr"]
    eta = (b["grade_per_level_above_2"] * (grade - 2)
           + b["age_per_year_above_58"] * (clin["age_years"].to_numpy() - 58)
           + b["mutation"] * mutation + b["treatment"] * treatment
           + b["treatment_x_mutation"] * treatment * mutation)
    k, lam = s["weibull_shape"], s["baseline_scale_months"]
    t_event = lam * (-np.log(rng.random(n)) / np.exp(eta)) ** (1 / k)
    lo, hi = s["censoring_uniform_months"]
    t_censor = rng.uniform(lo, hi, n)
    out = clin.assign(grade=grade, mutation=mutation, treatment=treatment,
                      survival_months=np.minimum(t_event, t_censor).round(2),
                      event=(t_event <= t_censor).astype(int))
    truth = {"p_mutation": p_mut, "log_hazard_eta": eta, "event_time_months": t_event,
             "censoring_time_months": t_censor}
    return out, truth


def polygenic_liability(dosage: np.ndarray, model: dict, variant_ids: np.ndarray,
                        rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, dict]:
    """Choose causal variants and weights; return (prs, liability, genetics truth).

    ``dosage`` is (n_variants, n_samples) ALT counts. The genetic value G = sum_j w_j z_j with
    z_j the standardised dosage; prs = G / sd(G); liability = sqrt(h2) prs + sqrt(1-h2) e.
    """
    freq = dosage.mean(axis=1) / 2
    maf = np.minimum(freq, 1 - freq)
    eligible = np.flatnonzero(maf >= model["min_maf_causal"])
    n_causal = min(model["n_causal"], len(eligible))
    causal = np.sort(rng.choice(eligible, n_causal, replace=False))
    weights = rng.normal(0, 1, n_causal)
    p = freq[causal]
    z = (dosage[causal] - 2 * p[:, None]) / np.sqrt(2 * p * (1 - p))[:, None]
    genetic = weights @ z
    scale = float(genetic.std()) or 1.0  # one patient: no spread to standardise by
    prs = (genetic - genetic.mean()) / scale
    h2 = model["heritability"]
    liability = np.sqrt(h2) * prs + np.sqrt(1 - h2) * rng.normal(0, 1, len(prs))
    truth = {"causal_variants": variant_ids[causal].tolist(), "causal_weights": weights.tolist(),
             "causal_allele_freq": p.tolist(), "prs_centre": float(genetic.mean()),
             "prs_scale": scale}
    return prs, liability, truth
