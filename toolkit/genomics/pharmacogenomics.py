"""Pharmacogenomics: CYP2C19 star alleles -> metaboliser phenotype -> clopidogrel recommendation.

The tables below are documented facts from the CPIC guideline for CYP2C19 and clopidogrel
(Lee et al. 2022, Clin Pharmacol Ther 112:959-967, doi:10.1002/cpt.2526), restricted to
the four most common alleles. Allele frequencies are APPROXIMATE values, rounded from the
CPIC/PharmGKB CYP2C19 frequency tables; genotypes simulated from them are SYNTHETIC.
"""
from __future__ import annotations

from typing import Iterable

import numpy as np
import pandas as pd

__all__ = ["CYP2C19_ALLELE_FUNCTION", "CYP2C19_ALLELE_FREQUENCIES", "CLOPIDOGREL_RECOMMENDATIONS",
           "diplotype_to_phenotype", "recommend_clopidogrel", "simulate_star_alleles",
           "phenotype_frequencies"]

#: Clinical function of each CYP2C19 allele (CPIC allele functionality table).
CYP2C19_ALLELE_FUNCTION = {"*1": "normal", "*2": "no function", "*3": "no function",
                           "*17": "increased"}

#: Approximate allele frequencies (fractions) by biogeographic group; *1 is the remainder.
CYP2C19_ALLELE_FREQUENCIES = pd.DataFrame(
    {"*2": [0.15, 0.29, 0.17, 0.33], "*3": [0.002, 0.08, 0.005, 0.01],
     "*17": [0.21, 0.02, 0.18, 0.14]},
    index=pd.Index(["European", "East Asian", "African", "South Asian"], name="population"))
CYP2C19_ALLELE_FREQUENCIES.insert(0, "*1", 1 - CYP2C19_ALLELE_FREQUENCIES.sum(axis=1))

#: CPIC 2022 (Lee et al., Table 2) therapeutic recommendation for acute coronary syndrome and/or PCI,
#: with its classification for that indication. The 2022 update raised the intermediate-metaboliser
#: recommendation from moderate (2013) to strong.
_STANDARD = "If considering clopidogrel, use at standard dose (75 mg/day) (strong)."
CLOPIDOGREL_RECOMMENDATIONS = {
    "ultrarapid": _STANDARD,
    "rapid": _STANDARD,
    "normal": _STANDARD,
    "intermediate": ("Avoid standard-dose clopidogrel (75 mg) if possible; use prasugrel or ticagrelor "
                     "at standard dose if no contraindication (strong)."),
    "poor": ("Avoid clopidogrel if possible; use prasugrel or ticagrelor at standard dose if no "
             "contraindication (strong)."),
}
_ACTIVITY = {"normal": 1, "no function": 0, "increased": 2}  # coding used only to look up phenotypes
_PHENOTYPE = {(2, 2): "ultrarapid", (1, 2): "rapid", (1, 1): "normal", (0, 1): "intermediate",
              (0, 2): "intermediate", (0, 0): "poor"}


def _split_diplotype(diplotype: str) -> tuple[str, str]:
    parts = str(diplotype).replace(" ", "").split("/")
    if len(parts) != 2 or not all(p.startswith("*") for p in parts):
        raise ValueError(f"expected a diplotype like '*1/*2'; found {diplotype!r}.")
    unknown = [p for p in parts if p not in CYP2C19_ALLELE_FUNCTION]
    if unknown:
        raise ValueError(f"unknown CYP2C19 star allele {unknown[0]!r} in {diplotype!r}; must be one of "
                         f"{list(CYP2C19_ALLELE_FUNCTION)}. Rarer alleles (e.g. *4, *9) are not in "
                         "this teaching table: look them up in the CPIC allele functionality table.")
    return parts[0], parts[1]


def diplotype_to_phenotype(diplotype: str | Iterable[str]) -> str | np.ndarray:
    """Translate a CYP2C19 diplotype (two star alleles) into a metaboliser phenotype.

    Clinically, the phenotype (how fast the liver activates clopidogrel) drives the drug choice.

    Parameters
    ----------
    diplotype : str or sequence of str
        E.g. ``"*1/*2"``; the order of the two alleles does not matter.

    Returns
    -------
    str or ndarray of str
        ``"ultrarapid"``, ``"rapid"``, ``"normal"``, ``"intermediate"`` or ``"poor"`` (CPIC 2022);
        an array when given a sequence.

    Raises
    ------
    ValueError
        If a diplotype is not written as ``'*A/*B'`` or names an allele outside ``*1, *2, *3, *17``.

    Examples
    --------
    >>> diplotype_to_phenotype("*2/*17")
    'intermediate'
    >>> diplotype_to_phenotype(["*1/*1", "*2/*3", "*17/*17"]).tolist()
    ['normal', 'poor', 'ultrarapid']

    Taught in lesson 06.
    """
    if not isinstance(diplotype, str):
        return np.array([diplotype_to_phenotype(d) for d in diplotype], dtype=object)
    a, b = (_ACTIVITY[CYP2C19_ALLELE_FUNCTION[x]] for x in _split_diplotype(diplotype))
    return _PHENOTYPE[(min(a, b), max(a, b))]


def recommend_clopidogrel(phenotype: str) -> str:
    """The CPIC 2022 antiplatelet recommendation for a CYP2C19 phenotype (ACS/PCI indications).

    Parameters
    ----------
    phenotype : str
        One of ``"ultrarapid"``, ``"rapid"``, ``"normal"``, ``"intermediate"``, ``"poor"``
        (case-insensitive; a trailing " metabolizer"/" metaboliser" is ignored).

    Returns
    -------
    str
        The recommendation with its CPIC strength in brackets.

    Raises
    ------
    ValueError
        If the phenotype is not one of the five above.

    Examples
    --------
    >>> recommend_clopidogrel("poor")[:30]
    'Avoid clopidogrel if possible;'

    No lesson calls it yet: lesson 06 reads the same CPIC table, ``CLOPIDOGREL_RECOMMENDATIONS``.
    """
    key = str(phenotype).lower().replace(" metabolizer", "").replace(" metaboliser", "").strip()
    if key not in CLOPIDOGREL_RECOMMENDATIONS:
        raise ValueError(f"phenotype must be one of {list(CLOPIDOGREL_RECOMMENDATIONS)}; got "
                         f"{phenotype!r}. Use diplotype_to_phenotype() to get it from a diplotype.")
    return CLOPIDOGREL_RECOMMENDATIONS[key]


def _allele_frequencies(population: str) -> pd.Series:
    if population not in CYP2C19_ALLELE_FREQUENCIES.index:
        raise ValueError(f"population must be one of {list(CYP2C19_ALLELE_FREQUENCIES.index)}; "
                         f"got {population!r}.")
    return CYP2C19_ALLELE_FREQUENCIES.loc[population]


def simulate_star_alleles(n_samples: int, population: str, random_state: int = 0) -> pd.DataFrame:
    """Simulate CYP2C19 diplotypes for ``n_samples`` SYNTHETIC people of one population.

    Each person's two alleles are drawn independently from the population's approximate allele
    frequencies (Hardy-Weinberg equilibrium), as a stand-in for a pharmacogenomic panel result.

    Parameters
    ----------
    n_samples : int
        Number of people (at least 1).
    population : str
        One of ``CYP2C19_ALLELE_FREQUENCIES.index``: European, East Asian, African, South Asian.
    random_state : int, default 0
        Seed.

    Returns
    -------
    DataFrame
        One row per person: ``population``, ``allele_1``, ``allele_2``, ``diplotype`` (``*1/*2``,
        lower-numbered allele first), ``phenotype``.

    Raises
    ------
    ValueError
        If the population is unknown or ``n_samples`` < 1.

    Examples
    --------
    >>> simulate_star_alleles(3, "East Asian", random_state=0)["diplotype"].tolist()
    ['*1/*2', '*1/*1', '*2/*3']

    Taught in lesson 06.
    """
    freqs = _allele_frequencies(population)
    if int(n_samples) < 1:
        raise ValueError(f"n_samples must be at least 1; got {n_samples}.")
    rng = np.random.default_rng(random_state)
    alleles = rng.choice(freqs.index.to_numpy(), size=(int(n_samples), 2), p=freqs.to_numpy())
    ordered = np.sort(np.vectorize(lambda a: int(a[1:]))(alleles), axis=1)
    diplotypes = [f"*{a}/*{b}" for a, b in ordered]
    return pd.DataFrame({"population": population, "allele_1": [f"*{a}" for a in ordered[:, 0]],
                         "allele_2": [f"*{b}" for b in ordered[:, 1]], "diplotype": diplotypes,
                         "phenotype": diplotype_to_phenotype(diplotypes)},
                        index=pd.RangeIndex(int(n_samples), name="person"))


def phenotype_frequencies(population: str) -> pd.Series:
    """Expected share of each metaboliser phenotype in a population under Hardy-Weinberg.

    Clinically, this tells a health system how many patients a genotype-guided clopidogrel
    policy would switch to another drug.

    Parameters
    ----------
    population : str
        One of ``CYP2C19_ALLELE_FREQUENCIES.index``.

    Returns
    -------
    Series
        Fractions indexed ultrarapid, rapid, normal, intermediate, poor (they sum to 1).

    Raises
    ------
    ValueError
        If the population is unknown.

    Examples
    --------
    >>> round(float(phenotype_frequencies("East Asian")["poor"]), 4)  # (0.29 + 0.08)^2
    0.1369

    Taught in lesson 06.
    """
    freqs = _allele_frequencies(population)
    out = dict.fromkeys(CLOPIDOGREL_RECOMMENDATIONS, 0.0)
    for a, pa in freqs.items():
        for b, pb in freqs.items():
            out[diplotype_to_phenotype(f"{a}/{b}")] += pa * pb
    return pd.Series(out, name=population)
