"""Exact detection rules and limits: alt-read thresholds, detection probability (summed reads or
positive sites), LoD95, the Poisson floor, tables and sensitivity grids.

Taught in lesson 21.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from ._checks import _as_count, _as_error_rate, _as_probability
from .plasma import ERROR_RATE_DUPLEX, ERROR_RATE_STANDARD, _alt_probability, variant_allele_fraction

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["alt_read_threshold", "detection_probability", "site_read_threshold",
           "detection_probability_sites", "limit_of_detection", "lod_poisson_floor", "lod_table",
           "sensitivity_grid"]


def alt_read_threshold(depth: Any, error_rate: float = ERROR_RATE_STANDARD, n_sites: Any = 1,
                       alpha: float = 0.01) -> np.ndarray:
    """Smallest total alt-read count that calls ctDNA with false-positive rate <= ``alpha``.

    Under errors alone the total over ``n_sites`` sites is Binomial(n_sites x depth, error_rate);
    the threshold ``k`` is the smallest count with P(total >= k) <= alpha.

    Parameters
    ----------
    depth : int or array
        Unique molecules per site.
    error_rate : float, default 1e-3
    n_sites : int or array, default 1
    alpha : float, default 0.01
        Nominal false-positive rate per test (1 - specificity).

    Returns
    -------
    numpy.ndarray of int

    Examples
    --------
    >>> int(alt_read_threshold(1000, error_rate=1e-3, alpha=0.01))   # 1 error expected
    5
    >>> int(alt_read_threshold(1000, error_rate=0.0))                # no errors: one read suffices
    1

    Taught in lesson 21.
    """
    from scipy import stats

    total = _as_count(depth, "depth") * _as_count(n_sites, "n_sites", minimum=1)
    error_rate, alpha = _as_error_rate(error_rate), _as_probability(alpha, "alpha")
    k = np.asarray(stats.binom.ppf(1 - alpha, total, error_rate), dtype=np.int64) + 1
    too_low = stats.binom.sf(k - 1, total, error_rate) > alpha      # guard float rounding in ppf
    return np.where(too_low, k + 1, k)


def detection_probability(tumour_fraction: Any, depth: Any, error_rate: float = ERROR_RATE_STANDARD,
                          n_sites: Any = 16, alpha: float = 0.01) -> np.ndarray:
    """Exact probability that the test calls ctDNA (sensitivity; the false-positive rate at 0).

    Parameters
    ----------
    tumour_fraction, depth, n_sites : float/int or arrays (broadcast together)
    error_rate : float, default 1e-3
    alpha : float, default 0.01

    Returns
    -------
    numpy.ndarray
        ``P(Binomial(n_sites x depth, p) >= k)`` with ``k`` from :func:`alt_read_threshold`.

    Examples
    --------
    >>> round(float(detection_probability(0.0, 5000, n_sites=16)), 4)   # false-positive rate <= 0.01
    0.0076
    >>> round(float(detection_probability(1e-3, 5000, error_rate=1e-5, n_sites=16)), 3)
    1.0

    Taught in lesson 21.
    """
    from scipy import stats

    vaf = variant_allele_fraction(tumour_fraction)
    k = alt_read_threshold(depth, error_rate, n_sites, alpha)
    total = _as_count(depth, "depth") * _as_count(n_sites, "n_sites", minimum=1)
    return stats.binom.sf(k - 1, total, _alt_probability(vaf, error_rate))


def site_read_threshold(depth: int, error_rate: float = ERROR_RATE_STANDARD, n_sites: int = 16,
                        min_sites: int = 2, alpha: float = 0.01) -> int:
    """Per-site alt-read count for the "at least ``min_sites`` positive sites" rule.

    The alternative to summing reads: a site is positive with ``k`` or more alt reads, and the
    sample is called when ``min_sites`` sites are positive (TRACERx called ctDNA with 2 or more
    detected mutations; Abbosh et al. 2017). ``k`` is the smallest count keeping the false-positive
    rate at or below ``alpha``: positive sites under errors alone ~ Binomial(n_sites, q(k)).

    Examples
    --------
    >>> site_read_threshold(5000, 1e-3, n_sites=16, min_sites=2)
    12
    >>> site_read_threshold(5000, 0.0, n_sites=16, min_sites=2)     # no errors: one read per site
    1

    Taught in lesson 21.
    """
    from scipy import stats

    depth = int(_as_count(depth, "depth"))
    n_sites = int(_as_count(n_sites, "n_sites", minimum=1))
    min_sites = int(_as_count(min_sites, "min_sites", minimum=1))
    if min_sites > n_sites:
        raise ValueError(f"min_sites must be <= n_sites; got min_sites={min_sites}, n_sites={n_sites}.")
    error_rate, alpha = _as_error_rate(error_rate), _as_probability(alpha, "alpha")
    k = 1
    while stats.binom.sf(min_sites - 1, n_sites, stats.binom.sf(k - 1, depth, error_rate)) > alpha:
        k += 1
    return k


def detection_probability_sites(tumour_fraction: Any, depth: int,
                                error_rate: float = ERROR_RATE_STANDARD, n_sites: int = 16,
                                min_sites: int = 2, alpha: float = 0.01) -> np.ndarray:
    """Exact sensitivity of the "at least ``min_sites`` positive sites" rule.

    Usually a little less sensitive than summing reads (:func:`detection_probability`) at the
    lowest tumour fractions, but one noisy site (an artefact, or a blood-cell mutation) cannot
    trigger a call on its own.

    Examples
    --------
    >>> sites = float(detection_probability_sites(3e-4, 5000, 1e-3, 16))
    >>> total = float(detection_probability(3e-4, 5000, 1e-3, 16))
    >>> sites < total
    True

    Taught in lesson 21.
    """
    from scipy import stats

    vaf = variant_allele_fraction(tumour_fraction)
    k = site_read_threshold(depth, error_rate, n_sites, min_sites, alpha)
    q = stats.binom.sf(k - 1, int(depth), _alt_probability(vaf, error_rate))
    return stats.binom.sf(min_sites - 1, int(n_sites), q)


def _lod_one(depth: int, error_rate: float, n_sites: int, alpha: float, target: float) -> float:
    from scipy import optimize

    def gap(log10_tf: float) -> float:
        return float(detection_probability(10 ** log10_tf, depth, error_rate, n_sites, alpha)) - target

    if depth == 0 or gap(0.0) < 0:
        return math.nan
    if gap(-9.0) >= 0:
        return 1e-9
    return 10 ** optimize.brentq(gap, -9.0, 0.0, xtol=1e-6)


def limit_of_detection(depth: Any, error_rate: float = ERROR_RATE_STANDARD, n_sites: Any = 16,
                       alpha: float = 0.01, target: float = 0.95) -> np.ndarray:
    """LoD95: the lowest tumour fraction detected with probability >= ``target`` (default 95 %).

    Solves ``detection_probability(tf) = target`` on a log scale (sensitivity rises steadily with
    the tumour fraction). NaN where even a tumour fraction of 1 would not reach the target.

    Examples
    --------
    >>> lod = limit_of_detection([1000, 10000], error_rate=1e-5, n_sites=16)
    >>> [f"{x:.1e}" for x in lod]   # 10x the depth, 7x lower: more molecules, but more errors too
    ['7.7e-04', '1.1e-04']

    Taught in lesson 21.
    """
    error_rate = _as_error_rate(error_rate)
    alpha, target = _as_probability(alpha, "alpha"), _as_probability(target, "target")
    d, n = np.broadcast_arrays(_as_count(depth, "depth"), _as_count(n_sites, "n_sites", minimum=1))
    out = [_lod_one(int(a), error_rate, int(b), alpha, target) for a, b in zip(d.ravel(), n.ravel())]
    return np.asarray(out).reshape(d.shape)


def lod_poisson_floor(depth: Any, n_sites: Any = 16, target: float = 0.95) -> np.ndarray:
    """LoD of a perfect assay (no errors): the tube must hold at least one mutant molecule.

    Mutant molecules sampled ~ Poisson(n_sites x depth x tf / 2), so P(at least one) = target at
    ``tf = -2 ln(1 - target) / (n_sites x depth)``, about 6 / (n_sites x depth) for 95 %. No
    sequencing chemistry can beat this floor: only more molecules (more plasma, more sites) can.
    (A Poisson approximation: the exact binomial LoD can sit up to about 1 % below it.)

    Examples
    --------
    >>> f"{float(lod_poisson_floor(10000, n_sites=16)):.2e}"
    '3.74e-05'

    Taught in lesson 21.
    """
    total = _as_count(depth, "depth", minimum=1) * _as_count(n_sites, "n_sites", minimum=1)
    return -2 * np.log1p(-_as_probability(target, "target")) / total


def lod_table(depths: Any, n_sites: Any = (1, 4, 16, 64), error_rates: Any = (ERROR_RATE_STANDARD,
              ERROR_RATE_DUPLEX), alpha: float = 0.01, target: float = 0.95) -> pd.DataFrame:
    """LoD95 for every combination of depth, number of tracked sites and error rate.

    Returns
    -------
    pandas.DataFrame
        Columns ``depth``, ``n_sites``, ``error_rate``, ``lod95`` and ``poisson_floor``
        (tumour fractions).

    Examples
    --------
    >>> t = lod_table([1000, 10000], n_sites=[16], error_rates=[1e-5])
    >>> t["lod95"].is_monotonic_decreasing
    True

    Taught in lesson 21.
    """
    import pandas as pd

    grid = pd.MultiIndex.from_product([np.atleast_1d(depths), np.atleast_1d(n_sites),
                                       np.atleast_1d(error_rates)],
                                      names=["depth", "n_sites", "error_rate"]).to_frame(index=False)
    grid["lod95"] = [float(limit_of_detection(d, e, n, alpha, target))
                     for d, n, e in grid[["depth", "n_sites", "error_rate"]].to_numpy()]
    grid["poisson_floor"] = lod_poisson_floor(grid["depth"].to_numpy(), grid["n_sites"].to_numpy(),
                                              target)
    return grid


def sensitivity_grid(depths: Any, tumour_fractions: Any, error_rate: float = ERROR_RATE_STANDARD,
                     n_sites: int = 16, alpha: float = 0.01) -> pd.DataFrame:
    """Exact sensitivity for every depth x tumour fraction (the data of the heatmap).

    Returns
    -------
    pandas.DataFrame
        Rows: depths; columns: tumour fractions; values: detection probability.

    Examples
    --------
    >>> g = sensitivity_grid([1000, 10000], [1e-4, 1e-3], error_rate=1e-5)
    >>> g.round(2).values.tolist()
    [[0.07, 0.99], [0.92, 1.0]]

    Taught in lesson 21.
    """
    import pandas as pd

    d = np.atleast_1d(depths)[:, None]
    tf = np.atleast_1d(tumour_fractions)[None, :]
    values = detection_probability(tf, d, error_rate, n_sites, alpha)
    return pd.DataFrame(values, index=pd.Index(d.ravel(), name="depth"),
                        columns=pd.Index(tf.ravel(), name="tumour_fraction"))
