"""Liquid biopsy: ctDNA read counts, detection limits and recurrence monitoring (SYNTHETIC).

A blood sample holds cell-free DNA (cfDNA): short DNA fragments released by dying cells. In a
patient with cancer a small share of it, the **tumour fraction**, comes from the tumour
(circulating tumour DNA, ctDNA). A *tumour-informed* assay sequences the patient's tumour first,
picks ``n_sites`` of its clonal mutations (commercial assays track 16 or more) and then counts,
in each plasma sample, the reads that carry those mutations.

The model, one line per step (all simulated, nothing comes from a patient):

1. **Variant allele fraction** (VAF) at a clonal heterozygous site of a diploid tumour:
   ``VAF = tumour_fraction / 2`` (one mutant copy of two; :func:`variant_allele_fraction`
   also handles subclonal mutations, copy number and tumour ploidy).
2. **Unique depth**: the number of distinct cfDNA molecules read at a site (after collapsing
   PCR duplicates with unique molecular identifiers, UMIs). It cannot exceed the number of
   genome copies in the tube: 1 ng of human DNA holds about 303 haploid genomes (3.3 pg each),
   so 4 mL of plasma at 10 ng/mL gives about 12,000 copies (:func:`genome_equivalents`).
3. **Errors**: a wild-type molecule is read as the mutant base with probability
   ``error_rate`` (about 1e-3 for standard sequencing, about 1e-5 or lower with duplex/UMI
   error suppression; Schmitt et al. 2012, Newman et al. 2016).
4. **Reads**: alt reads at a site ~ Binomial(depth, p) with
   ``p = VAF (1 - error_rate) + (1 - VAF) error_rate`` (optionally beta-binomial, to show what
   extra-binomial noise does).
5. **Detection rule**: sum the alt reads over all tracked sites and call "ctDNA detected" when
   the sum reaches the smallest count whose probability under errors alone is at most ``alpha``
   (the nominal false-positive rate per test). Because the sum of binomials with the same depth
   and p is Binomial(n_sites x depth, p), sensitivity has an exact formula
   (:func:`detection_probability`) that the simulation (:func:`simulated_detection_rate`)
   reproduces. The alternative rule "at least 2 positive sites" (:func:`site_read_threshold`,
   :func:`detection_probability_sites`) is also exact.
6. **Limit of detection**: LoD95, the lowest tumour fraction called with probability >= 95 %
   (:func:`limit_of_detection`, :func:`lod_table`); it cannot beat (to within about 1 %) the
   Poisson floor of a perfect, error-free assay (:func:`lod_poisson_floor`).

Recurrence monitoring links tumour volume to tumour fraction with a documented, uncertain
calibration (:func:`tumour_fraction_from_volume`) and compares when a growing recurrence is first
flagged by ctDNA and by a CT scan (:func:`simulate_surveillance`).

Taught in lesson 21.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._utils.validation import check_one_of

__all__ = ["ERROR_RATE_STANDARD", "ERROR_RATE_DUPLEX", "GENOME_EQUIVALENTS_PER_NG",
           "SHEDDING_TF_PER_ML", "variant_allele_fraction", "genome_equivalents",
           "simulate_alt_reads", "alt_read_threshold", "detection_probability",
           "site_read_threshold", "detection_probability_sites", "simulated_detection_rate",
           "limit_of_detection", "lod_poisson_floor", "lod_table",
           "sensitivity_grid", "tumour_fraction_from_volume", "sphere_diameter_mm",
           "simulate_surveillance", "view_read_counts", "view_sensitivity_heatmap",
           "view_lead_times", "detection_explorer_app"]

#: Per-base probability that a wild-type molecule is read as the tracked mutant base.
ERROR_RATE_STANDARD = 1e-3
#: The same with duplex / UMI consensus error suppression (order of magnitude).
ERROR_RATE_DUPLEX = 1e-5
#: One haploid human genome weighs about 3.3 pg, so 1 ng of DNA holds about 303 copies.
GENOME_EQUIVALENTS_PER_NG = 1000 / 3.3
#: Tumour fraction contributed per mL of tumour volume (linear at small volumes).
#: "lung": calibrated to Abbosh et al. 2017 (TRACERx NSCLC: a 10 cm³ primary tumour predicts a mean
#: clonal plasma VAF of about 0.1 %, i.e. a tumour fraction of about 0.2 % under our diploid
#: heterozygous model). "brain_plasma": an ILLUSTRATIVE value 100 times lower, standing for the
#: much lower plasma ctDNA of primary brain tumours (blood-brain barrier; Bettegowda et al. 2014);
#: it is not a measured constant.
SHEDDING_TF_PER_ML = {"lung": 2e-4, "brain_plasma": 2e-6}


# ------------------------------------------------------------------ input checks
def _as_fraction(value: Any, name: str) -> np.ndarray:
    arr = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(arr)) or np.any((arr < 0) | (arr > 1)):
        bad = arr[~(np.isfinite(arr) & (arr >= 0) & (arr <= 1))].ravel()[0]
        raise ValueError(f"{name} must be a fraction between 0 and 1; got {bad:g}. "
                         f"Write 1 % as 0.01, not 1.")
    return arr


def _as_count(value: Any, name: str, minimum: int = 0) -> np.ndarray:
    arr = np.asarray(value)
    if arr.dtype.kind not in "iuf" or not np.all(np.isfinite(arr)) or np.any(arr < minimum) \
            or np.any(arr != np.round(arr)):
        raise ValueError(f"{name} must be a whole number >= {minimum} (a count of molecules or "
                         f"sites); got {value!r}.")
    return arr.astype(np.int64)


def _as_error_rate(value: Any) -> float:
    rate = float(value)
    if not 0 <= rate < 0.5:
        raise ValueError(f"error_rate must be in [0, 0.5) (a per-base probability such as 1e-3); "
                         f"got {value!r}.")
    return rate


def _as_probability(value: Any, name: str) -> float:
    p = float(value)
    if not 0 < p < 1:
        raise ValueError(f"{name} must be strictly between 0 and 1; got {value!r}.")
    return p


def _alt_probability(vaf: np.ndarray, error_rate: float) -> np.ndarray:
    return vaf * (1 - error_rate) + (1 - vaf) * error_rate


# ------------------------------------------------------------------ 1. reads
def variant_allele_fraction(tumour_fraction: Any, clonal_fraction: float = 1.0,
                            mutant_copies: int = 1, tumour_ploidy: float = 2.0) -> np.ndarray:
    """Expected fraction of cfDNA molecules carrying a tumour mutation at one site.

    The tumour share of plasma DNA is diluted by normal (mostly blood-cell) DNA; this converts it
    into the allele fraction a sequencer sees.

    Parameters
    ----------
    tumour_fraction : float or array
        Share of cfDNA molecules that come from the tumour (0 to 1).
    clonal_fraction : float, default 1.0
        Share of tumour cells carrying the mutation (1 = clonal, in every cancer cell).
    mutant_copies : int, default 1
        Mutant copies per cancer cell at this site (1 = heterozygous).
    tumour_ploidy : float, default 2.0
        Copies of the site per cancer cell (normal cells have 2).

    Returns
    -------
    numpy.ndarray
        ``tf * clonal_fraction * mutant_copies / (tf * tumour_ploidy + 2 * (1 - tf))``.

    Raises
    ------
    ValueError
        A fraction outside [0, 1].

    Examples
    --------
    >>> float(variant_allele_fraction(0.01))          # clonal, heterozygous, diploid: tf / 2
    0.005
    >>> round(float(variant_allele_fraction(0.5, mutant_copies=2, tumour_ploidy=4)), 3)
    0.333

    Taught in lesson 21.
    """
    tf = _as_fraction(tumour_fraction, "tumour_fraction")
    ccf = _as_fraction(clonal_fraction, "clonal_fraction")
    if mutant_copies < 0 or tumour_ploidy <= 0 or mutant_copies > tumour_ploidy:
        raise ValueError(f"need 0 <= mutant_copies <= tumour_ploidy and tumour_ploidy > 0; got "
                         f"mutant_copies={mutant_copies}, tumour_ploidy={tumour_ploidy}.")
    return tf * ccf * mutant_copies / (tf * tumour_ploidy + 2 * (1 - tf))


def genome_equivalents(plasma_ml: float = 4.0, cfdna_ng_per_ml: float = 10.0,
                       recovery: float = 1.0) -> float:
    """Haploid genome copies in a plasma sample: the ceiling on unique depth per site.

    Parameters
    ----------
    plasma_ml : float, default 4.0
        Plasma volume analysed (mL); a 10 mL blood tube gives roughly 4 mL.
    cfdna_ng_per_ml : float, default 10.0
        cfDNA concentration (ng per mL of plasma). It varies widely between people and rises
        with cancer, inflammation and exercise; 10 is an illustrative value, not a norm.
    recovery : float, default 1.0
        Share of molecules surviving extraction and library preparation.

    Returns
    -------
    float
        ``plasma_ml * cfdna_ng_per_ml * 303 * recovery`` genome equivalents.

    Examples
    --------
    >>> round(genome_equivalents(4.0, 10.0))
    12121
    >>> round(genome_equivalents(4.0, 10.0, recovery=0.5))
    6061

    Taught in lesson 21.
    """
    if plasma_ml <= 0 or cfdna_ng_per_ml <= 0:
        raise ValueError(f"plasma_ml and cfdna_ng_per_ml must be positive; got {plasma_ml!r} "
                         f"and {cfdna_ng_per_ml!r}.")
    recovery = float(_as_fraction(recovery, "recovery"))
    return plasma_ml * cfdna_ng_per_ml * GENOME_EQUIVALENTS_PER_NG * recovery


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


# ------------------------------------------------------------------ 2. detection rule
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


# ------------------------------------------------------------------ 3. limit of detection
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
              ERROR_RATE_DUPLEX), alpha: float = 0.01, target: float = 0.95):
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
                     n_sites: int = 16, alpha: float = 0.01):
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


# ------------------------------------------------------------------ 4. monitoring with imaging
def tumour_fraction_from_volume(volume_ml: Any, shedding_tf_per_ml: float = SHEDDING_TF_PER_ML["lung"],
                                ) -> np.ndarray:
    """Plasma tumour fraction expected from a tumour volume (a rough, uncertain calibration).

    ``tf = s V / (1 + s V)``: linear in volume while small (``s`` = ``shedding_tf_per_ml``),
    never above 1. Real shedding varies more than tenfold between patients with the same
    volume, and by tumour type and site (see :data:`SHEDDING_TF_PER_ML`).

    Examples
    --------
    >>> f"{float(tumour_fraction_from_volume(10.0)):.4f}"     # 10 mL lung tumour: about 0.2 %
    '0.0020'
    >>> f"{float(tumour_fraction_from_volume(10.0, SHEDDING_TF_PER_ML['brain_plasma'])):.0e}"
    '2e-05'

    Taught in lesson 21.
    """
    v = np.asarray(volume_ml, dtype=float)
    if np.any(~np.isfinite(v)) or np.any(v < 0) or shedding_tf_per_ml < 0:
        raise ValueError(f"volume_ml and shedding_tf_per_ml must be >= 0 (mL and tumour fraction "
                         f"per mL); got volume {volume_ml!r}, shedding {shedding_tf_per_ml!r}.")
    sv = shedding_tf_per_ml * v
    return sv / (1 + sv)


def sphere_diameter_mm(volume_ml: Any) -> np.ndarray:
    """Diameter (mm) of a sphere of ``volume_ml`` mL (1 mL = 1 cm³ = 1000 mm³).

    Examples
    --------
    >>> round(float(sphere_diameter_mm(4 / 3 * 3.141592653589793 * 0.125)), 6)   # r = 5 mm
    10.0
    """
    return 10 * (6 * np.asarray(volume_ml, dtype=float) / np.pi) ** (1 / 3)


def _first_visit(flags: np.ndarray, times: np.ndarray) -> np.ndarray:
    """Time of the first True per row (NaN if none)."""
    hit = flags.any(axis=1)
    return np.where(hit, times[np.argmax(flags, axis=1)], np.nan)


def simulate_surveillance(n_patients: int = 500, start_volume_ml: float = 1e-3,
                          doubling_time_days: float = 60.0, doubling_time_sd_log10: float = 0.2,
                          shedding_tf_per_ml: float = SHEDDING_TF_PER_ML["lung"],
                          shedding_sd_log10: float = 0.5, blood_interval_days: int = 90,
                          scan_interval_days: int = 90, follow_up_days: int = 1095,
                          scan_diameter_mm: float = 10.0,
                          depth: int = 10000, n_sites: int = 16, error_rate: float = ERROR_RATE_DUPLEX,
                          alpha: float = 0.01, random_state: int | None = None):
    """Simulate surveillance of a regrowing recurrence with ctDNA and chest CT at every visit.

    Each patient's residual tumour (``start_volume_ml`` at day 0, after treatment) regrows
    exponentially with a per-patient doubling time (log-normal around ``doubling_time_days``) and a
    per-patient shedding rate (log-normal around ``shedding_tf_per_ml``). At each blood draw
    (every ``blood_interval_days``) the test calls ctDNA with probability
    :func:`detection_probability` of the current tumour fraction: early calls, made while the
    tumour fraction is still far below the LoD, are mostly false positives (see
    ``tf_at_ctdna``). A CT scan every ``scan_interval_days`` flags the lesion once its
    sphere-equivalent diameter reaches ``scan_diameter_mm`` (10 mm: the RECIST 1.1 minimum longest
    diameter of a measurable lesion on CT, Eisenhauer et al. 2009; assumed read perfectly). Follow-up stops at ``follow_up_days``.

    Returns
    -------
    pandas.DataFrame
        One row per patient: ``doubling_time_days``, ``shedding_tf_per_ml``, ``ctdna_day``,
        ``scan_day`` (NaN if not flagged during follow-up), ``lead_time_days`` (scan day - ctDNA day;
        positive = ctDNA first), ``volume_at_ctdna_ml`` and ``tf_at_ctdna`` (tumour fraction at the
        first ctDNA call).

    Examples
    --------
    >>> s = simulate_surveillance(n_patients=50, random_state=0)
    >>> list(s.columns)[:4]
    ['doubling_time_days', 'shedding_tf_per_ml', 'ctdna_day', 'scan_day']

    Taught in lesson 21.
    """
    import pandas as pd

    n = int(_as_count(n_patients, "n_patients", minimum=1))
    if min(start_volume_ml, doubling_time_days, blood_interval_days, scan_interval_days) <= 0:
        raise ValueError("start_volume_ml, doubling_time_days, blood_interval_days and "
                         "scan_interval_days must all be > 0.")
    rng = np.random.default_rng(random_state)
    td = doubling_time_days * 10 ** rng.normal(0, doubling_time_sd_log10, n)
    shed = shedding_tf_per_ml * 10 ** rng.normal(0, shedding_sd_log10, n)
    blood = np.arange(blood_interval_days, follow_up_days + 1, blood_interval_days, dtype=float)
    scans = np.arange(scan_interval_days, follow_up_days + 1, scan_interval_days, dtype=float)
    sv = shed[:, None] * start_volume_ml * 2 ** (blood[None, :] / td[:, None])
    tf = sv / (1 + sv)                                   # as in tumour_fraction_from_volume
    p_detect = detection_probability(tf, depth, error_rate, n_sites, alpha)
    ctdna_day = _first_visit(rng.random(p_detect.shape) < p_detect, blood)
    scan_volume = start_volume_ml * 2 ** (scans[None, :] / td[:, None])
    scan_day = _first_visit(sphere_diameter_mm(scan_volume) >= scan_diameter_mm, scans)
    vol_ctdna = start_volume_ml * 2 ** (ctdna_day / td)
    return pd.DataFrame({"doubling_time_days": td, "shedding_tf_per_ml": shed,
                         "ctdna_day": ctdna_day, "scan_day": scan_day,
                         "lead_time_days": scan_day - ctdna_day, "volume_at_ctdna_ml": vol_ctdna,
                         "tf_at_ctdna": shed * vol_ctdna / (1 + shed * vol_ctdna)})


# ------------------------------------------------------------------ 5. figures
def view_read_counts(tumour_fractions: Any = (0, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2), depth: int = 5000,
                     error_rate: float = ERROR_RATE_STANDARD, n_sites: int = 16, alpha: float = 0.01,
                     n_samples: int = 200, random_state: int | None = 0, title: str | None = None):
    """Box plot of total alt reads (over ``n_sites``) per simulated sample vs tumour fraction.

    A dashed line marks the detection threshold; samples above it are called "ctDNA detected".

    Examples
    --------
    >>> fig = view_read_counts(n_samples=20)
    >>> len(fig.data)
    6
    """
    import plotly.graph_objects as go

    fig = go.Figure()
    for i, tf in enumerate(tumour_fractions):
        reads = simulate_alt_reads(tf, depth, error_rate, n_sites, n_samples,
                                   random_state=None if random_state is None else random_state + i)
        fig.add_trace(go.Box(y=reads.sum(axis=1), name=f"{100 * tf:g} %", boxpoints="outliers"))
    k = int(alt_read_threshold(depth, error_rate, n_sites, alpha))
    fig.add_hline(y=k - 0.5, line_dash="dash", annotation_text=f"threshold: {k} alt reads")
    return fig.update_layout(title=title or f"Alt reads over {n_sites} sites, depth {depth:,}, "
                             f"error rate {error_rate:g}", xaxis_title="tumour fraction",
                             yaxis_title="total alt reads per sample", showlegend=False)


def view_sensitivity_heatmap(grid, lod=None, title: str | None = None):
    """Heatmap of a :func:`sensitivity_grid` (log axes), with an optional LoD95 curve.

    Parameters
    ----------
    grid : pandas.DataFrame
        From :func:`sensitivity_grid` (rows depth, columns tumour fraction).
    lod : pandas.DataFrame, optional
        Columns ``depth`` and ``lod95`` (e.g. from :func:`lod_table`) drawn as a line.

    Examples
    --------
    >>> fig = view_sensitivity_heatmap(sensitivity_grid([1000, 10000], [1e-4, 1e-3]))
    >>> fig.data[0].type
    'heatmap'
    """
    import plotly.graph_objects as go

    x = np.log10(grid.columns.to_numpy(dtype=float))
    y = np.log10(grid.index.to_numpy(dtype=float))
    fig = go.Figure(go.Heatmap(z=grid.to_numpy(), x=x, y=y, zmin=0, zmax=1, colorscale="Viridis",
                               colorbar={"title": "sensitivity"}))
    if lod is not None:
        fig.add_trace(go.Scatter(x=np.log10(lod["lod95"]), y=np.log10(lod["depth"]),
                                 mode="lines+markers", line={"color": "white"}, name="LoD95"))
    return fig.update_layout(title=title or "Sensitivity by depth and tumour fraction",
                             xaxis_title="log10 tumour fraction", yaxis_title="log10 unique depth")


def view_lead_times(surveillance, title: str | None = None):
    """Histogram of lead times (CT scan day - ctDNA day) from :func:`simulate_surveillance`.

    Examples
    --------
    >>> fig = view_lead_times(simulate_surveillance(n_patients=30, random_state=0))
    >>> fig.data[0].type
    'histogram'
    """
    import plotly.graph_objects as go

    lead = surveillance["lead_time_days"].dropna()
    start = 90 * np.floor(lead.min() / 90) - 45 if len(lead) else -45     # bins centred on visits
    fig = go.Figure(go.Histogram(x=lead, xbins={"start": float(start), "size": 90}))
    fig.add_vline(x=float(lead.median()) if len(lead) else 0.0, line_dash="dash",
                  annotation_text="median")
    return fig.update_layout(title=title or "Lead time of ctDNA over CT (days; > 0: ctDNA first)",
                             xaxis_title="lead time (days)", yaxis_title="patients")


def _explorer_figure(depth: int, log10_error_rate: float, n_sites: int):
    import plotly.graph_objects as go

    tf = np.logspace(-6, -1, 60)
    error_rate = 10 ** log10_error_rate
    sens = detection_probability(tf, depth, error_rate, n_sites)
    lod = float(limit_of_detection(depth, error_rate, n_sites))
    fig = go.Figure(go.Scatter(x=tf, y=sens, mode="lines", name="sensitivity"))
    fig.add_hline(y=0.95, line_dash="dot")
    fig.update_layout(xaxis_type="log", xaxis_title="tumour fraction", yaxis_title="sensitivity",
                      yaxis_range=[0, 1.02], yaxis_domain=[0.22, 1], margin={"b": 80})
    summary = (f"<b>LoD95 = {lod:.1e}</b> ({100 * lod:.4f} %) at depth {depth:,}, {n_sites} sites, "
               f"error rate {error_rate:.0e}")
    return fig, summary


def detection_explorer_app(interactive: bool | None = None):
    """Sliders for depth, error rate and number of sites; the sensitivity curve and LoD95 follow.

    Returns an ipywidgets box inside a running kernel (with ipywidgets installed), else a plain
    plotly figure for the starting values (depth 5,000, error rate 1e-3, 16 sites), so the lesson
    also renders statically.

    Examples
    --------
    >>> fig = detection_explorer_app(interactive=False)
    >>> fig.data[0].name
    'sensitivity'
    """
    from toolkit._utils.widgets import wire_app

    spec = {"depth": ("IntSlider", {"value": 5000, "min": 500, "max": 50000, "step": 500,
                                    "description": "unique depth"}),
            "log10_error_rate": ("FloatSlider", {"value": -3.0, "min": -6.0, "max": -2.0, "step": 0.5,
                                                 "description": "log10 error rate"}),
            "n_sites": ("IntSlider", {"value": 16, "min": 1, "max": 64, "step": 1,
                                      "description": "tracked sites"})}
    return wire_app(_explorer_figure, spec, interactive, "Detection explorer: depth, errors, sites")
