"""What a plasma sample holds: error rates, genome equivalents per ng of cfDNA, and the variant allele
fraction of a tumour mutation at a given tumour fraction.

Taught in lesson 21.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ._checks import _as_fraction

__all__ = ["ERROR_RATE_STANDARD", "ERROR_RATE_DUPLEX", "GENOME_EQUIVALENTS_PER_NG", "SHEDDING_TF_PER_ML",
           "variant_allele_fraction", "genome_equivalents"]


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


def _alt_probability(vaf: np.ndarray, error_rate: float) -> np.ndarray:
    return vaf * (1 - error_rate) + (1 - vaf) * error_rate


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
