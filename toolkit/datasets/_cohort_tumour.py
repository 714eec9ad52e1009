"""Tumour molecular modality of the SYNTHETIC cohort: a biopsy gene-expression panel.

A somatic driver mutation changes what the tumour cells do; a small set of genes downstream of
it is switched up or down (as IDH-mutant gliomas carry a hypermethylation and expression
programme). A routine biopsy panel measures those genes, diluted by the non-tumour cells in
the sample (tumour purity) and blurred by measurement noise, and some patients have no
biopsy. The equations are in ``datasets/radiogenomic_cohort.md`` (Generating model, step 12).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

# gene: loading on the mutation's programme (0 = on the panel but unrelated to the mutation).
# The names are invented: no real gene is implied.
PANEL_LOADINGS = {"TX01": 1.0, "TX02": 0.8, "TX03": -0.7, "TX04": 0.6, "TX05": -0.5,
                  "TX06": 0.0, "TX07": 0.0, "TX08": 0.0}
TUMOUR_MODEL = {
    "assay": "targeted RNA expression panel on the diagnostic biopsy (log2 normalised counts)",
    "genes": list(PANEL_LOADINGS), "loadings": list(PANEL_LOADINGS.values()),
    "baseline_log2": [8.0, 6.5, 7.2, 5.8, 9.1, 7.7, 6.1, 8.4],
    "noise_sd_log2": 0.6,          # biological + technical SD of each gene, log2 units
    "purity_beta": [7.0, 3.0],     # tumour purity ~ Beta(7, 3): mean 0.70
}


def check_tumour_args(effect, missing) -> tuple[float | None, float]:
    """Validate ``tumour_expression_effect`` and ``biopsy_missing``; return them as floats."""
    if effect is None:
        if missing:
            raise ValueError("biopsy_missing needs tumour_expression_effect: pass a number "
                             "(e.g. tumour_expression_effect=0.75) to simulate the biopsy panel")
        return None, 0.0
    if isinstance(effect, bool) or not isinstance(effect, (int, float, np.number)) \
            or not 0 <= float(effect) <= 5:
        raise ValueError(f"tumour_expression_effect must be None or a number in [0, 5] (SD "
                         f"units; 0 = the panel carries no signal); got {effect!r}")
    if not 0 <= float(missing) < 1:
        raise ValueError(f"biopsy_missing must be a fraction in [0, 1); got {missing!r}")
    return float(effect), float(missing)


def tumour_expression(mutation: np.ndarray, ids: list[str], effect: float, missing: float,
                      stream: np.random.SeedSequence) -> tuple[pd.DataFrame, dict]:
    """Biopsy expression table (patients x genes, NaN rows = no biopsy) and its ground truth.

    x_ig = baseline_g + sd * (effect * loading_g * purity_i * mutation_i + e_ig), e ~ N(0, 1).
    All random numbers are drawn whatever ``effect`` is, so two cohorts with the same ``random_state`` and
    different effects share purity, noise and missingness: only the signal differs.
    """
    m = TUMOUR_MODEL
    rng = np.random.default_rng(stream)
    n, loadings = len(ids), np.array(m["loadings"])
    purity = rng.beta(*m["purity_beta"], n)
    noise = rng.normal(0, 1, (n, len(loadings)))
    biopsied = rng.random(n) >= missing
    shift = effect * np.outer(purity * np.asarray(mutation, dtype=float), loadings)
    values = np.array(m["baseline_log2"]) + m["noise_sd_log2"] * (shift + noise)
    values[~biopsied] = np.nan
    table = pd.DataFrame(values.round(4), index=pd.Index(ids, name="patient_id"),
                         columns=m["genes"])
    truth = dict(m, effect_sd=effect, biopsy_missing=missing,
                 mechanism="mutation -> expression programme of TX01-TX05 (TX06-TX08 unrelated); "
                           "signal scaled by tumour purity; biopsy missing completely at random")
    latent = {"tumour_purity": purity, "biopsy_available": biopsied.astype(float)}
    return table, {"model": truth, "per_patient": latent}


def tumour_true_effects(effect: float) -> dict:
    """Mean log2 shift per gene in carriers vs non-carriers, at full purity and at mean purity."""
    m = TUMOUR_MODEL
    a, b = m["purity_beta"]
    per_gene = {g: effect * w * m["noise_sd_log2"] for g, w in zip(m["genes"], m["loadings"])}
    return {"log2_shift_pure_tumour": {g: round(v, 6) for g, v in per_gene.items()},
            "log2_shift_at_mean_purity": {g: round(v * a / (a + b), 6)
                                          for g, v in per_gene.items()},
            "standardised_shift_top_gene_at_mean_purity": round(effect * a / (a + b), 6)}


TUMOUR_EDGES = [["mutation", "tumour_expression"], ["tumour_purity", "tumour_expression"]]
