"""Genotype exports from different hospitals: contig names, REF checks, swapped and flipped alleles.

Before two variant tables can be pooled, each row must mean the same thing: the same contig
name ("chr1" or "1"), the same genome build (GRCh37 and GRCh38 coordinates differ), the same
strand and the same REF/ALT order. A **REF check** compares every REF allele with the base of
the reference genome at that position: it finds swapped alleles, strand flips and a wrong build.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from .._utils.validation import check_one_of

__all__ = ["to_contig_style", "complement", "check_ref", "ref_match_rates", "fix_alleles",
           "REF_STATUSES", "MitochondrialContigWarning"]


class MitochondrialContigWarning(UserWarning):
    """chrM and MT were renamed without a genome build: safe for GRCh38 only."""

_COMPLEMENT = str.maketrans("ACGTacgt", "TGCAtgca")
REF_STATUSES = ("match", "swapped", "flipped", "flipped_swapped", "ambiguous", "mismatch",
                "not_in_reference")
_REQUIRED = ["chrom", "pos", "ref", "alt"]


_BUILDS_SAME_MT = ("GRCh38", "hg38")      # UCSC chrM and Ensembl/NCBI MT are both the rCRS (NC_012920)
_BUILDS_OTHER_MT = ("GRCh37", "hg19")     # hg19 chrM is NC_001807, not the rCRS of GRCh37's MT


def _check_mito_rename(before: list, after: list, build: str | None) -> None:
    renamed = sorted({b for b, a in zip(before, after) if b != a and a in ("chrM", "MT")})
    if not renamed:
        return
    if build in _BUILDS_OTHER_MT:
        raise ValueError(f"refusing to rename {renamed} on {build}: UCSC hg19 chrM (NC_001807) and the "
                         "GRCh37 MT (rCRS, NC_012920) are different sequences, so positions and alleles "
                         "do not carry over; drop the mitochondrial rows, or lift them over between the "
                         "two sequences first")
    if build is None:
        warnings.warn(f"renamed {renamed} without a genome build: safe for GRCh38 (chrM and MT are both "
                      "the rCRS) but not for hg19/GRCh37 (hg19 chrM is another sequence); pass "
                      "build='GRCh38' to confirm", MitochondrialContigWarning, stacklevel=3)


def to_contig_style(chrom, style: str = "chr", build: str | None = None) -> np.ndarray:
    """Rename contigs to one convention: ``"chr"`` (UCSC: chr1, chrX, chrM) or ``"plain"`` (1, X, MT).

    Nuclear contigs are the same sequence under both names. The mitochondrial genome is not always:
    for GRCh38 UCSC's chrM and Ensembl/NCBI's MT are both the revised Cambridge Reference Sequence
    (rCRS), but UCSC hg19's chrM is an older sequence (NC_001807) that differs from GRCh37's MT (rCRS)
    in length and positions. So renaming chrM <-> MT is done for GRCh38/hg38, refused for
    GRCh37/hg19, and done with a warning when ``build`` is not given.

    Parameters
    ----------
    chrom : array of str
    style : {"chr", "plain"}
    build : {"GRCh38", "hg38", "GRCh37", "hg19"} or None, default None
        The genome build of ``chrom``; it decides whether mitochondrial contigs may be renamed.

    Returns
    -------
    ndarray of str

    Raises
    ------
    ValueError
        Unknown ``style`` or ``build``; a chrM/MT renaming on GRCh37/hg19.

    Warns
    -----
    MitochondrialContigWarning
        chrM/MT renamed while ``build`` is None.

    Examples
    --------
    >>> to_contig_style(["1", "chr2", "MT", "X"], build="GRCh38").tolist()
    ['chr1', 'chr2', 'chrM', 'chrX']
    >>> to_contig_style(["chr1", "chrM"], style="plain", build="hg38").tolist()
    ['1', 'MT']
    >>> to_contig_style(["chr1", "22"], style="plain", build="hg19").tolist()
    ['1', '22']

    Taught in lesson 26.
    """
    check_one_of("style", style, ("chr", "plain"))
    if build is not None:
        check_one_of("build", build, _BUILDS_SAME_MT + _BUILDS_OTHER_MT)
    before = [str(c) for c in np.ravel(chrom)]
    bare = [c[3:] if c.lower().startswith("chr") else c for c in before]
    bare = ["M" if c in ("M", "MT") else c for c in bare]
    after = [f"chr{c}" for c in bare] if style == "chr" else ["MT" if c == "M" else c for c in bare]
    _check_mito_rename(before, after, build)
    return np.array(after)


def complement(alleles) -> np.ndarray:
    """The base on the other DNA strand: A<->T, C<->G (for each allele string).

    Examples
    --------
    >>> complement(["A", "C", "GT"]).tolist()
    ['T', 'G', 'CA']

    Taught in lesson 26.
    """
    return np.array([str(a).translate(_COMPLEMENT) for a in np.ravel(alleles)])


def _check_table(table: pd.DataFrame) -> None:
    missing = [c for c in _REQUIRED if c not in table.columns]
    if missing:
        raise ValueError(f"the variant table must have columns {_REQUIRED}; missing {missing}")


def _reference_base(reference: dict, chrom, pos) -> np.ndarray:
    """The reference base at each 1-based position ('' where the contig or position is absent)."""
    out = []
    for c, p in zip(chrom, pos):
        seq = reference.get(c)
        out.append(seq[p - 1].upper() if seq is not None and 1 <= p <= len(seq) else "")
    return np.array(out, dtype=object)


def check_ref(table: pd.DataFrame, reference: dict[str, str]) -> pd.Series:
    """Classify each SNV by comparing its REF and ALT with the reference genome.

    The REF check is the first test when genotypes arrive from another hospital or a
    genotyping array: it tells whether alleles can be pooled as they are, need swapping or
    strand-flipping, or come from another genome build.

    Parameters
    ----------
    table : DataFrame
        Columns ``chrom``, ``pos`` (1-based), ``ref``, ``alt`` (single bases).
    reference : dict contig -> sequence (str)
        Contig names must use the table's style (see :func:`to_contig_style`).

    Returns
    -------
    Series of str, index as ``table``
        One of ``REF_STATUSES``: "match" (REF = reference base), "swapped" (ALT is the
        reference base: REF and ALT exchanged), "flipped" (the complement of REF matches: other
        strand), "flipped_swapped", "ambiguous" (A/T or C/G SNV: the strand cannot be told
        from the alleles), "mismatch" (no allele fits on either strand: an N in the reference,
        or alleles longer than one base),
        "not_in_reference" (contig or position absent).

    Raises
    ------
    ValueError
        Missing columns.

    Examples
    --------
    >>> ref = {"chr1": "ACGTACGN"}
    >>> t = pd.DataFrame({"chrom": "chr1", "pos": [1, 2, 3, 8, 5, 9],
    ...                   "ref": ["A", "T", "C", "A", "A", "A"], "alt": ["G", "C", "T", "C", "T", "C"]})
    >>> check_ref(t, ref).tolist()
    ['match', 'swapped', 'flipped', 'mismatch', 'ambiguous', 'not_in_reference']

    Taught in lesson 26.
    """
    _check_table(table)
    base = _reference_base(reference, table["chrom"], table["pos"].astype(int))
    ref = table["ref"].str.upper().to_numpy()
    alt = table["alt"].str.upper().to_numpy()
    cref, calt = complement(ref), complement(alt)
    status = np.select(
        [base == "", cref == alt, ref == base, alt == base, cref == base, calt == base],
        ["not_in_reference", "ambiguous", "match", "swapped", "flipped", "flipped_swapped"],
        default="mismatch")
    return pd.Series(status, index=table.index, name="ref_check")


def ref_match_rates(table: pd.DataFrame, references: dict[str, dict[str, str]]) -> pd.Series:
    """Fraction of non-ambiguous SNVs whose REF or ALT is the reference base, for each build.

    Run this check FIRST. On the right build nearly every forward-strand variant has REF (or,
    if swapped, ALT) equal to the reference base; on a wrong build that happens only by chance,
    about half the time (two alleles out of four bases). Allowing strand flips as well would
    make every non-ambiguous SNV "fit" any sequence, so flips are not counted here.

    Parameters
    ----------
    table : DataFrame with ``chrom``, ``pos``, ``ref``, ``alt``
    references : dict build name -> {contig: sequence}

    Returns
    -------
    Series, index build name, values in [0, 1]

    Examples
    --------
    >>> t = pd.DataFrame({"chrom": "1", "pos": [1, 2, 3], "ref": ["A", "C", "G"], "alt": ["G", "T", "A"]})
    >>> ref_match_rates(t, {"b1": {"1": "ACG"}, "b2": {"1": "TTT"}}).round(2).tolist()
    [1.0, 0.33]

    Taught in lesson 26.
    """
    rates = {}
    for build, reference in references.items():
        status = check_ref(table, reference)
        usable = status[status != "ambiguous"]
        rates[build] = float(usable.isin(["match", "swapped"]).mean()) if len(usable) else np.nan
    return pd.Series(rates, name="ref_match_rate")


def fix_alleles(table: pd.DataFrame, reference: dict[str, str],
                frequency_column: str | None = "alt_frequency") -> tuple[pd.DataFrame, pd.Series]:
    """Put every SNV on the reference's forward strand with REF = reference base; drop the rest.

    Swapped rows exchange REF and ALT (and the ALT frequency becomes 1 - frequency; genotype
    dosages would become 2 - dosage); flipped rows take the complementary bases. Ambiguous
    (A/T, C/G), mismatching and absent rows are dropped: they cannot be fixed safely.

    Parameters
    ----------
    table : DataFrame with ``chrom``, ``pos``, ``ref``, ``alt``
    reference : dict contig -> sequence
    frequency_column : str or None, default "alt_frequency"
        A column of ALT allele frequencies to mirror on swapped rows (None: no such column).

    Returns
    -------
    fixed : DataFrame
        The kept rows, corrected.
    counts : Series
        Rows per ``check_ref`` status before fixing.

    Examples
    --------
    >>> t = pd.DataFrame({"chrom": "1", "pos": [1, 2], "ref": ["G", "G"], "alt": ["A", "A"],
    ...                   "alt_frequency": [0.9, 0.2]})
    >>> fixed, counts = fix_alleles(t, {"1": "AG"})
    >>> fixed[["ref", "alt", "alt_frequency"]].values.tolist()
    [['A', 'G', 0.1], ['G', 'A', 0.2]]

    Taught in lesson 26.
    """
    status = check_ref(table, reference)
    keep = status.isin(["match", "swapped", "flipped", "flipped_swapped"])
    out = table.loc[keep].copy()
    st = status[keep]
    flip = st.str.startswith("flipped").to_numpy()
    ref, alt = out["ref"].to_numpy(dtype=object), out["alt"].to_numpy(dtype=object)
    ref[flip], alt[flip] = complement(ref[flip]), complement(alt[flip])
    swap = st.str.endswith("swapped").to_numpy()
    ref[swap], alt[swap] = alt[swap].copy(), ref[swap].copy()
    out["ref"], out["alt"] = ref, alt
    if frequency_column is not None and frequency_column in out:
        freq = out[frequency_column].to_numpy(dtype=float)
        out[frequency_column] = np.where(swap, np.round(1 - freq, 12), freq)
    counts = status.value_counts().reindex(REF_STATUSES, fill_value=0)
    return out, counts
