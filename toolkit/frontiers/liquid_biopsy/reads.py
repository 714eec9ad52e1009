"""Simulated alt-read counts at the tracked sites (binomial or beta-binomial) and the detection rate
they give, to check the exact formulas in `detection`.

Taught in lesson 21.
"""
from __future__ import annotations

import numpy as np

from ..._utils.validation import check_one_of
from ._checks import _as_count, _as_error_rate, _as_probability
from .detection import alt_read_threshold, site_read_threshold
from .plasma import ERROR_RATE_STANDARD, _alt_probability, variant_allele_fraction

__all__ = ["simulate_alt_reads", "simulated_detection_rate"]


def simulate_alt_reads(tumour_fraction: float, depth: int, error_rate: float = ERROR_RATE_STANDARD,
                       n_sites: int = 1, n_samples: int = 1, overdispersion: float = 0.0,
                       random_state: int | None = None) -> np.ndarray:
    """Simulate mutant (alt) read counts at tracked tumour sites in plasma samples.

    Parameters
    ----------
    tumour_fraction : float
        Share of cfDNA from the tumour (0 to 1); mutations are clonal and heterozygous.
    depth : int
        Unique molecules read per site (after duplicate collapsing).
    error_rate : float, default 1e-3
        Probability that a wild-type molecule is read as the mutant base.
    n_sites, n_samples : int, default 1
        Tracked mutations per sample, and independent plasma samples.
    overdispersion : float, default 0.0
        Intra-class correlation of a beta-binomial (0 = binomial). Values > 0 add site-to-site
        variation of the alt probability, as real error profiles do.
    random_state : int, optional
        Seed; the same seed gives the same counts.

    Returns
    -------
    numpy.ndarray of int, shape (n_samples, n_sites)

    Examples
    --------
    >>> reads = simulate_alt_reads(0.01, depth=2000, n_sites=16, n_samples=3, random_state=0)
    >>> reads.shape, bool(reads.mean() > 5)      # about 2000 x (0.005 + 0.001) = 12 per site
    ((3, 16), True)

    Taught in lesson 21.
    """
    vaf = variant_allele_fraction(tumour_fraction)
    depth = int(_as_count(depth, "depth"))
    n_sites = int(_as_count(n_sites, "n_sites", minimum=1))
    n_samples = int(_as_count(n_samples, "n_samples", minimum=1))
    p = float(_alt_probability(vaf, _as_error_rate(error_rate)))
    rng = np.random.default_rng(random_state)
    if overdispersion == 0 or p in (0.0, 1.0):
        return rng.binomial(depth, p, size=(n_samples, n_sites))
    rho = _as_probability(overdispersion, "overdispersion")
    a, b = p * (1 / rho - 1), (1 - p) * (1 / rho - 1)
    return rng.binomial(depth, rng.beta(a, b, size=(n_samples, n_sites)))


def simulated_detection_rate(tumour_fraction: float, depth: int,
                             error_rate: float = ERROR_RATE_STANDARD, n_sites: int = 16,
                             alpha: float = 0.01, n_samples: int = 2000,
                             overdispersion: float = 0.0, random_state: int | None = None,
                             rule: str = "sum", min_sites: int = 2) -> float:
    """Share of simulated plasma samples in which the test calls ctDNA.

    Simulates reads (:func:`simulate_alt_reads`) and applies the rule: ``"sum"`` (total alt reads
    reach :func:`alt_read_threshold`) or ``"sites"`` (``min_sites`` sites reach
    :func:`site_read_threshold`). Agrees with :func:`detection_probability` /
    :func:`detection_probability_sites` within Monte Carlo error when ``overdispersion=0``. With
    overdispersion the thresholds, built for binomial errors, let through more false positives
    than ``alpha``.

    Examples
    --------
    >>> from toolkit.frontiers.liquid_biopsy import detection_probability
    >>> rate = simulated_detection_rate(2e-4, 5000, error_rate=1e-5, random_state=1)
    >>> exact = float(detection_probability(2e-4, 5000, error_rate=1e-5))
    >>> abs(rate - exact) < 4 * (exact * (1 - exact) / 2000) ** 0.5
    True

    Taught in lesson 21.
    """
    check_one_of("rule", rule, ("sum", "sites"))
    reads = simulate_alt_reads(tumour_fraction, depth, error_rate, n_sites, n_samples,
                               overdispersion, random_state)
    if rule == "sites":
        k_site = site_read_threshold(depth, error_rate, n_sites, min_sites, alpha)
        return float(np.mean((reads >= k_site).sum(axis=1) >= min_sites))
    k = alt_read_threshold(depth, error_rate, n_sites, alpha)
    return float(np.mean(reads.sum(axis=1) >= k))
