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
        return (_pairs(self.calls) & 0x8080) != 0  # a sign bit set in either allele byte: -1

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
        ref = self._count(lambda c: c == 0, "variants")
        alt = self._count(lambda c: c >= 1, "variants")
        return np.stack([ref, alt], axis=1)

    def count_called(self, axis: str = "variants") -> np.ndarray:
        """People with a full call per variant (``axis="variants"``), or variants per person."""
        total = self.n_samples if check_axis(axis) == "variants" else self.n_variants
        return total - self.count_missing(axis)

    def count_missing(self, axis: str = "variants") -> np.ndarray:
        """People with a missing call per variant, or missing calls per person."""
        return self._count(lambda c: (_pairs(c) & 0x8080) != 0, axis)  # a sign bit set: allele -1

    def count_hom_ref(self, axis: str = "variants") -> np.ndarray:
        """Called genotypes with no copy of allele 1 (REF/REF, or e.g. 0/2) per variant or person."""
        if self._codes_01():
            return self._count(lambda c: _pairs(c) == 0, axis)
        return self._count(lambda c: (_alt_copies(c) == 0) & ((_pairs(c) & 0x8080) == 0), axis)

    def count_het(self, axis: str = "variants") -> np.ndarray:
        """Called genotypes with one copy of allele 1 per variant or per person."""
        if self._codes_01():  # 0/1 or 1/0: the two bytes read as 0x0100 or 0x0001
            return self._count(lambda c: (_pairs(c) == 0x0100) | (_pairs(c) == 0x0001), axis)
        return self._count(lambda c: (_alt_copies(c) == 1) & ((_pairs(c) & 0x8080) == 0), axis)

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
        return self._count(lambda c: _pairs(c) == 0x0101, axis)

    def _count(self, test, axis: str) -> np.ndarray:
        """Count True in ``test(block of calls)`` per variant or per sample, 1,024 variants at a
        time (small temporaries: several times faster than one genome-wide mask)."""
        per_variant = check_axis(axis) == "variants"
        out = np.zeros(self.n_variants if per_variant else self.n_samples, dtype=np.int64)
        for start in range(0, self.n_variants, _ROWS):
            mask = test(self.calls[start:start + _ROWS])
            if per_variant:
                out[start:start + len(mask)] = count_per_row(mask.reshape(len(mask), -1))
            else:
                out += np.add.reduce(mask.view(np.uint8), axis=0, dtype=np.int64)
        return out

    def _codes_01(self) -> bool:
        """True when every allele code is -1, 0 or 1 (the fast counting paths apply)."""
        return self.calls.size == 0 or self.calls.max() <= 1

    def _alt_copies(self) -> np.ndarray:
        """Copies of allele 1 per variant and sample (uint8; a missing allele counts 0)."""
        return _alt_copies(self.calls)

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


_ROWS = 1024  # variants per block when counting


def _pairs(calls: np.ndarray) -> np.ndarray:
    """(variants, samples) uint16: each call's two allele bytes read as one number (no copy)."""
    return np.ascontiguousarray(calls).view(np.uint16)[:, :, 0]


def _alt_copies(calls: np.ndarray) -> np.ndarray:
    """Copies of allele 1 per variant and sample (uint8; a missing allele counts 0)."""
    return (calls[:, :, 0] == 1).view(np.uint8) + (calls[:, :, 1] == 1).view(np.uint8)


def _as_index(selection):
    """Slices stay slices; lists of positions or booleans become arrays."""
    return selection if isinstance(selection, slice) else np.asarray(selection)
