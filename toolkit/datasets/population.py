"""Simulated human genomes under a published demographic model (stdpopsim + msprime).

SYNTHETIC DATA: every genotype made here is simulated, not sequenced from a person.
"""
from __future__ import annotations

import warnings
from typing import Mapping

import numpy as np
import pandas as pd

from ..genomics.genotypes import Genotypes

__all__ = ["make_population"]

DEFAULT_SIZES = {"YRI": 300, "CEU": 300, "CHB": 300}


def make_population(
    n_per_population: int | Mapping[str, int] = 300,
    sequence_length_mb: float = 8.0,
    random_state: int | None = 0,
    chrom: str = "22",
) -> Genotypes:
    """Simulate diploid genomes of Yoruba (YRI), European (CEU) and Han Chinese (CHB) ancestry.

    Uses the stdpopsim model ``HomSap/OutOfAfrica_3G09`` (Gutenkunst et al. 2009, fitted to
    1000 Genomes-like data) with msprime, the model's own mutation rate (2.35e-8 per base per
    generation) and a uniform recombination rate (named genetic maps need a download).
    Multi-allelic sites are dropped, so every variant is biallelic.

    Parameters
    ----------
    n_per_population : int or dict, default 300
        Diploid people per population, e.g. ``{"YRI": 50, "CEU": 400, "CHB": 100}``.
    sequence_length_mb : float, default 8.0
        Length of the simulated chromosome segment in megabases.
    random_state : int or None, default 0
        The same integer gives the same genomes; None gives fresh ones.
    chrom : str, default "22"
        Chromosome name written in the output (the sequence itself is generic).

    Returns
    -------
    Genotypes
        With ``sample_info`` holding each person's ``population``.

    Examples
    --------
    >>> g = make_population(20, sequence_length_mb=0.5, random_state=1)
    >>> g.n_samples, sorted(g.sample_info["population"].unique())
    (60, ['CEU', 'CHB', 'YRI'])

    Taught in lesson 01.
    """
    import stdpopsim

    sizes = dict.fromkeys(DEFAULT_SIZES, int(n_per_population)) if isinstance(
        n_per_population, (int, np.integer)) else dict(n_per_population)
    unknown = set(sizes) - set(DEFAULT_SIZES)
    if unknown:
        raise ValueError(f"population must be one of {sorted(DEFAULT_SIZES)}; got {sorted(unknown)}")
    sizes = {k: int(v) for k, v in sizes.items() if v > 0}
    if not sizes:
        raise ValueError(f"n_per_population must be at least 1 for some population; "
                         f"got {n_per_population!r}")
    species = stdpopsim.get_species("HomSap")
    model = species.get_demographic_model("OutOfAfrica_3G09")
    contig = species.get_contig(length=sequence_length_mb * 1e6, mutation_rate=model.mutation_rate)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ts = stdpopsim.get_engine("msprime").simulate(model, contig, samples=sizes,
                                                      seed=None if random_state is None
                                                      else random_state + 1)
    return _tree_sequence_to_genotypes(ts, chrom)


def _tree_sequence_to_genotypes(ts, chrom: str) -> Genotypes:
    """Keep biallelic sites and pair each individual's two sample nodes into a diploid call."""
    import tskit

    haps = ts.genotype_matrix()  # (n_sites, n_sample_nodes), 0 = ancestral allele
    tables = ts.tables
    n_mut = np.bincount(tables.mutations.site, minlength=ts.num_sites)
    biallelic = n_mut == 1
    first_mut = np.searchsorted(tables.mutations.site, np.arange(ts.num_sites))
    ancestral = np.array(tskit.unpack_strings(tables.sites.ancestral_state,
                                              tables.sites.ancestral_state_offset))
    derived = np.array(tskit.unpack_strings(tables.mutations.derived_state,
                                            tables.mutations.derived_state_offset))
    haps = haps[biallelic]
    positions = tables.sites.position[biallelic].astype(np.int64) + 1  # VCF is 1-based
    ref = ancestral[biallelic]
    alt = derived[first_mut[biallelic]]
    node_cols = {n: i for i, n in enumerate(ts.samples())}
    individuals = [ind for ind in ts.individuals() if len(ind.nodes) == 2]
    cols = np.array([[node_cols[n] for n in ind.nodes] for ind in individuals])
    calls = haps[:, cols]  # (n_sites, n_individuals, 2)
    pop_names = [ts.population(ts.node(ind.nodes[0]).population).metadata["name"]
                 for ind in individuals]
    ids = [f"{p}_{i:04d}" for i, p in enumerate(pop_names)]
    variant_ids = [f"{chrom}:{p}" for p in positions]
    info = pd.DataFrame({"population": pop_names}, index=pd.Index(ids, name="sample"))
    return Genotypes(calls, ids, variant_ids, [chrom] * len(positions), positions, ref, alt, info)
