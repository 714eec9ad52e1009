"""The `Genotypes` container: a genotype matrix plus what describes its rows and columns.

Axis order everywhere in `toolkit.genomics`: (variants, samples, ploidy), as in
scikit-allel and in a VCF file, where each line is a variant and each column a sample.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["Genotypes"]


@dataclass(repr=False)
class Genotypes:
    """Diploid genotype calls for ``n_variants`` variants in ``n_samples`` people.

    Parameters
    ----------
    calls : array of int, shape (n_variants, n_samples, 2)
        Allele indices per chromosome copy: 0 = REF, 1 = ALT, -1 = missing call.
    samples : sequence of str, length n_samples
    variant_ids : sequence of str, length n_variants
    chrom, positions, ref, alt : sequences of length n_variants
        Chromosome name, 1-based position, reference and alternate allele.
    sample_info : DataFrame, optional
        One row per sample (index = sample id), e.g. a ``population`` column.

    Examples
    --------
    >>> g = Genotypes(calls=[[[0, 0], [0, 1]], [[1, 1], [-1, -1]]], samples=["p1", "p2"],
    ...               variant_ids=["rs1", "rs2"], chrom=["22", "22"], positions=[100, 200],
    ...               ref=["A", "C"], alt=["G", "T"])
    >>> g
    <Genotypes: 2 variants x 2 samples, 1 missing call(s)>
    >>> g.dosage().tolist()  # ALT allele count per person; NaN = missing
    [[0.0, 1.0], [2.0, nan]]
    """

    calls: np.ndarray
    samples: np.ndarray
    variant_ids: np.ndarray
    chrom: np.ndarray
    positions: np.ndarray
    ref: np.ndarray
    alt: np.ndarray
    sample_info: pd.DataFrame | None = field(default=None)

    def __post_init__(self) -> None:
        self.calls = np.asarray(self.calls, dtype=np.int8)
        self.samples = np.asarray(self.samples, dtype=str)
        for name in ("variant_ids", "chrom", "ref", "alt"):
            setattr(self, name, np.asarray(getattr(self, name), dtype=str))
        self.positions = np.asarray(self.positions, dtype=np.int64)
        if self.calls.ndim != 3 or self.calls.shape[2] != 2:
            raise ValueError(
                f"calls must have shape (n_variants, n_samples, 2); got {self.calls.shape}. "
                "Only diploid genotypes are supported."
            )
        n_var, n_samp, _ = self.calls.shape
        if len(self.samples) != n_samp:
            raise ValueError(f"expected {n_samp} sample ids; found {len(self.samples)}")
        for name in ("variant_ids", "chrom", "positions", "ref", "alt"):
            if len(getattr(self, name)) != n_var:
                raise ValueError(f"expected {n_var} values in {name}; found {len(getattr(self, name))}")

    @property
    def n_variants(self) -> int:
        return self.calls.shape[0]

    @property
    def n_samples(self) -> int:
        return self.calls.shape[1]

    @property
    def gt(self):
        """The calls as a scikit-allel ``GenotypeArray`` (for allel's statistics)."""
        import allel

        return allel.GenotypeArray(self.calls)

    def is_missing(self) -> np.ndarray:
        """Boolean (n_variants, n_samples): True where the call is missing."""
        return (self.calls[:, :, 0] < 0) | (self.calls[:, :, 1] < 0)

    # Counts shared with `ChunkedGenotypes` (same names, same results): the statistics in
    # `toolkit.genomics.stats` call these and work on either class (duck typing).
    def count_alleles(self) -> np.ndarray:
        """(n_variants, 2) int64: called REF alleles and called non-REF alleles per variant.

        Examples
        --------
        >>> g = Genotypes([[[0, 1], [1, 1], [-1, -1]]], ["a", "b", "c"], ["rs1"], ["22"], [1],
        ...               ["A"], ["G"])
        >>> g.count_alleles().tolist()
        [[1, 3]]
        """
        ref = count_per_row((self.calls == 0).reshape(self.n_variants, -1))
        alt = count_per_row((self.calls >= 1).reshape(self.n_variants, -1))
        return np.stack([ref, alt], axis=1)

    def count_called(self, axis: str = "variants") -> np.ndarray:
        """People with a full call per variant (``axis="variants"``), or variants per person."""
        return _count(~self.is_missing(), axis)

    def count_missing(self, axis: str = "variants") -> np.ndarray:
        """People with a missing call per variant, or missing calls per person."""
        return _count(self.is_missing(), axis)

    def count_hom_ref(self, axis: str = "variants") -> np.ndarray:
        """Called REF/REF genotypes (no copy of allele 1) per variant or per person."""
        return _count((self._alt_copies() == 0) & ~self.is_missing(), axis)

    def count_het(self, axis: str = "variants") -> np.ndarray:
        """Called genotypes with one copy of allele 1 per variant or per person."""
        return _count((self._alt_copies() == 1) & ~self.is_missing(), axis)

    def count_hom_alt(self, axis: str = "variants") -> np.ndarray:
        """Called genotypes with two copies of allele 1 per variant or per person.

        Examples
        --------
        >>> g = Genotypes([[[0, 0], [0, 1], [1, 1], [-1, -1]]], list("abcd"), ["rs1"], ["22"],
        ...               [1], ["A"], ["G"])
        >>> [int(f(g)[0]) for f in (Genotypes.count_hom_ref, Genotypes.count_het,
        ...                         Genotypes.count_hom_alt, Genotypes.count_missing)]
        [1, 1, 1, 1]
        >>> g.count_called(axis="samples").tolist()
        [1, 1, 1, 0]
        """
        return _count(self._alt_copies() == 2, axis)

    def _alt_copies(self) -> np.ndarray:
        """Copies of allele 1 per variant and sample (uint8; a missing allele counts 0)."""
        return (self.calls[:, :, 0] == 1).view(np.uint8) + (self.calls[:, :, 1] == 1).view(np.uint8)

    def dosage(self) -> np.ndarray:
        """ALT allele count per variant and sample (0, 1, 2), float with NaN for missing calls."""
        d = self._alt_copies().astype(float)
        d[self.is_missing()] = np.nan
        return d

    def subset(self, variants=None, samples=None) -> "Genotypes":
        """A new `Genotypes` (a copy) keeping the given variants and samples (boolean masks or indices)."""
        v = slice(None) if variants is None else _as_index(variants)
        s = slice(None) if samples is None else _as_index(samples)
        info = None
        if self.sample_info is not None:
            info = self.sample_info.loc[self.samples[s]]
        return Genotypes(self.calls[v][:, s].copy(), self.samples[s], self.variant_ids[v], self.chrom[v],
                         self.positions[v], self.ref[v], self.alt[v], info)

    def __repr__(self) -> str:
        n_missing = int(self.is_missing().sum())
        return (f"<Genotypes: {self.n_variants} variants x {self.n_samples} samples, "
                f"{n_missing} missing call(s)>")


AXES = ("variants", "samples")


def check_axis(axis: str) -> str:
    """``axis`` if it is "variants" or "samples", else a ValueError naming both."""
    if axis not in AXES:
        raise ValueError(f"axis must be one of {list(AXES)}; got {axis!r}")
    return axis


def count_per_row(mask: np.ndarray) -> np.ndarray:
    """int64 count of True (or 1) per row of a 2-D boolean/0-1 array (fast: sums bytes)."""
    return np.add.reduce(mask.view(np.uint8), axis=1, dtype=np.int64)


def _count(mask: np.ndarray, axis: str) -> np.ndarray:
    """Count True in a (variants, samples) mask per variant or per sample."""
    check_axis(axis)
    return count_per_row(mask) if axis == "variants" else count_per_row(np.ascontiguousarray(mask.T))


def _as_index(selection):
    """Slices stay slices; lists of positions or booleans become arrays."""
    return selection if isinstance(selection, slice) else np.asarray(selection)
