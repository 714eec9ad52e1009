"""Read the genotype (GT) calls of a VCF (or BCF) file into `Genotypes`, parsed by htslib (cyvcf2).

A VCF has header lines starting with ``##``, one column header line starting with
``#CHROM``, then one line per variant: 9 fixed columns (CHROM POS ID REF ALT QUAL FILTER
INFO FORMAT) and one column per person. Only the GT field is read. BCF is the same content
stored in binary: htslib reads it without parsing text, several times faster.

htslib (the C library of samtools and bcftools, through its Python binding cyvcf2) does the
parsing. When it rejects a file, or hands back something other than diploid calls, the
file's text is scanned once more (only then) to name the line and say what is wrong.
"""
from __future__ import annotations

import gzip
import os
import warnings
import zlib
from pathlib import Path

import numpy as np

from .genotypes import Genotypes

__all__ = ["read_vcf", "VCFFormatError"]

_FIXED = ["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT"]
_BLOCK_ROWS = 256  # variants per block of GT values (small: its numpy temporaries stay in cache)
_HTSLIB_DEFAULT_LOG_LEVEL = 3  # HTS_LOG_WARNING, restored after reading
_VECTOR_END = -2**31 + 1  # htslib's filler after the last allele of a shorter call


class VCFFormatError(ValueError):
    """A VCF file does not follow the format (the message names the file and line)."""


class _Malformed(Exception):
    """htslib stopped, or gave something other than diploid calls: find the line in the text."""


def _parse_region(region: str | None) -> tuple[str, int, float] | None:
    """'22:1-50000' -> ('22', 1, 50000); '22' -> ('22', 1, inf)."""
    if region is None:
        return None
    chrom, _, span = str(region).partition(":")
    if not span:
        return chrom, 1, np.inf
    try:
        start, _, end = span.replace(",", "").partition("-")
        return chrom, int(start), float(end) if end else np.inf
    except ValueError:
        raise ValueError(f"region must look like '22:1-50000' or '22'; got {region!r}") from None



def read_vcf(path: str | os.PathLike, region: str | None = None,
             biallelic_only: bool = True) -> Genotypes:
    """Read the genotype calls of a VCF (``.vcf`` or bgzip/gzip ``.vcf.gz``) or BCF (``.bcf``) file.

    A VCF is how sequencing labs and biobanks hand over genotypes; this turns one into a
    matrix you can count, filter and test.

    Parameters
    ----------
    path : str or Path
    region : str, optional
        Keep only variants in ``"CHROM:START-END"`` (1-based, inclusive), e.g. ``"22:1-50000"``,
        or a whole chromosome ``"22"``. With a tabix index (``.tbi`` or ``.csi`` next to the
        file) only that region is read; without one the file is scanned.
    biallelic_only : bool, default True
        Drop sites with more than one ALT allele (with a warning saying how many).

    Returns
    -------
    Genotypes
        Variant ids are the VCF ID column, or ``CHROM:POS`` where the ID is ``.``.

    Raises
    ------
    FileNotFoundError
        The file does not exist.
    VCFFormatError (a ValueError)
        No ``#CHROM`` header, no sample columns, a short line, a call that is not diploid,
        or an unreadable genotype: the message names the file and line.

    Notes
    -----
    htslib parses the file through cyvcf2 (Pedersen & Quinlan 2017, Bioinformatics
    33:1867-1869, doi:10.1093/bioinformatics/btx057): the same reader as bcftools. Parsing
    the text is most of the time; a BCF (``bcftools view -Ob -o x.bcf x.vcf.gz``) skips it.

    Examples
    --------
    >>> import os, tempfile
    >>> from toolkit.genomics import Genotypes, write_vcf
    >>> g = Genotypes([[[0, 1], [1, 1]]], ["p1", "p2"], ["."], ["22"], [100], ["A"], ["G"])
    >>> g2 = read_vcf(write_vcf(g, os.path.join(tempfile.mkdtemp(), "tiny.vcf.gz")))
    >>> g2.variant_ids.tolist(), g2.dosage().tolist()
    (['22:100'], [[1.0, 2.0]])

    Taught in lesson 01.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"VCF file not found: {path}. Check the folder and file name.")
    want = _parse_region(region)
    try:
        samples, calls, fixed, n_multi = _read_htslib(path, want, biallelic_only)
    except _Malformed:
        _diagnose(path, want, biallelic_only)  # raises a VCFFormatError naming the line
        raise VCFFormatError(f"{path.name}: htslib could not read this VCF. Check it with "
                             f"`bcftools view {path}` and fix the line it reports.") from None
    if n_multi:
        warnings.warn(f"{path.name}: dropped {n_multi} of {n_multi + len(calls)} variants with "
                      "more than one ALT allele; pass biallelic_only=False to keep them.",
                      UserWarning, stacklevel=2)
    chrom, pos, ids, ref, alt = (np.array(col, dtype=str) for col in fixed)
    ids = np.where(ids == ".", np.char.add(np.char.add(chrom, ":"), pos), ids)
    return Genotypes(calls, samples, ids, chrom, pos.astype(np.int64), ref, alt)


def _read_htslib(path: Path, want, biallelic_only: bool):
    """Sample ids, calls (variants, samples, 2) int8, the 5 fixed columns, multi-allelic dropped."""
    import cyvcf2

    cyvcf2.cyvcf2.set_htslib_log_level(0)  # htslib's own messages: ours name the line instead
    try:
        reader = cyvcf2.VCF(str(path), threads=2)
    except Exception:  # htslib cannot open it (no header, unrecognised format)
        cyvcf2.cyvcf2.set_htslib_log_level(_HTSLIB_DEFAULT_LOG_LEVEL)
        raise _Malformed() from None
    try:
        _header([line.encode() for line in reader.raw_header.splitlines()], path)
        records, scan = reader, want
        if want is not None and any(Path(f"{path}{ext}").exists() for ext in (".tbi", ".csi")):
            end = "" if np.isinf(want[2]) else f"-{int(want[2])}"
            records = reader(f"{want[0]}:{want[1]}{end}")  # overlapping; POS is filtered below
        return (list(reader.samples), *_collect(records, len(reader.samples), scan, biallelic_only))
    except VCFFormatError:
        raise
    except Exception as err:  # htslib stopped at a line it cannot parse (or _Malformed)
        raise _Malformed() from err
    finally:
        reader.close()
        cyvcf2.cyvcf2.set_htslib_log_level(_HTSLIB_DEFAULT_LOG_LEVEL)


def _collect(records, n_samples: int, want, biallelic_only: bool):
    """Calls, fixed columns and the number of multi-allelic sites dropped (one pass).

    ``want`` filters by region while scanning (None: keep every record). The loop does as
    little as it can per variant (it runs once per line of the file): it copies each record's
    GT values, as htslib stores them, into a block of rows; `_alleles` then decodes and checks
    a whole block in one numpy step.
    """
    blocks, n_multi = [], 0
    chrom, pos, ids, ref, alts = [], [], [], [], []
    block, i = np.empty((_BLOCK_ROWS, n_samples, 2), dtype=np.int32), 0
    for rec in records:
        if want is not None and (rec.CHROM != want[0] or not want[1] <= rec.POS <= want[2]):
            continue
        alt = rec.ALT
        if biallelic_only and len(alt) > 1:
            n_multi += 1
            continue
        gt = rec.format("GT", int)  # (samples, 2); None if the line has no GT field
        block[i] = gt if gt is not None and gt.shape[1] == 2 else _haploid_missing(gt)
        chrom.append(rec.CHROM), pos.append(rec.POS), ids.append(rec.ID), ref.append(rec.REF)
        alts.append(alt)
        i += 1
        if i == _BLOCK_ROWS:
            blocks.append(_alleles(block, biallelic_only))
            i = 0
    blocks.append(_alleles(block[:i], biallelic_only))
    columns = [chrom, pos, [v or "." for v in ids], ref, [",".join(a) or "." for a in alts]]
    return np.concatenate(blocks), columns, n_multi


def _alleles(block: np.ndarray, biallelic_only: bool) -> np.ndarray:
    """Decode htslib's GT values (variants, samples, 2) to int8 allele indices (-1 missing).

    htslib stores each allele as (index + 1) * 2, plus 1 if phased ('|'), and 0 for '.'
    (BCF's encoding of GT, in the BCF chapter of the VCF specification); a lone '.' among
    diploid calls has the filler value -2**31 + 1 as its second allele. Phase is not kept.
    """
    alleles = (block >> 1) - 1
    half = block[:, :, 1] == _VECTOR_END  # '.' alone: missing; '0' alone: a haploid call
    if half.any():
        if (block[:, :, 0][half] != 0).any():
            raise _Malformed()
        alleles[:, :, 1][half] = -1
    if alleles.size and alleles.max() > (1 if biallelic_only else 127):
        raise _Malformed()  # a call names an allele ALT does not list (or beyond int8)
    return alleles.astype(np.int8)


def _haploid_missing(gt) -> np.ndarray:
    """GT values of a record with one value per person: all '.' (missing) is fine, else not."""
    if gt is not None and gt.shape[1] == 1 and (gt == 0).all():
        return np.zeros((len(gt), 2), dtype=np.int32)  # 0: '.'
    raise _Malformed()


def _header(lines: list[bytes], path: Path) -> tuple[int, list[str]]:
    """Index of the '#CHROM' line and the sample ids it names."""
    for i, line in enumerate(lines):
        if line.startswith(b"#CHROM"):
            cols = line.decode().rstrip("\r").split("\t")
            if cols[:8] != _FIXED[:8]:
                raise VCFFormatError(f"{path.name}, line {i + 1}: expected the columns "
                                     f"{' '.join(_FIXED)}; found {' '.join(cols[:9])}")
            if len(cols) < 10:
                raise VCFFormatError(f"{path.name} has no sample columns (line {i + 1}); it lists "
                                     "variants only. Genotypes need one column per person.")
            return i, cols[9:]
        if not line.startswith(b"##"):
            break
    raise VCFFormatError(f"{path.name}: no '#CHROM' header line before the data; expected a VCF "
                         "file (is it empty, or another format such as PLINK .bed?).")




# ---------------------------------------------------------------- error path only
def _text_lines(path: Path) -> list[bytes]:
    """All lines of a plain, gzip or bgzip file (for the diagnosis of a malformed file)."""
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)  # BGZF is a series of gzip members: this reads it too
        except (OSError, EOFError, zlib.error) as err:
            raise VCFFormatError(f"{path.name}: the compressed data cannot be read ({err}); the file "
                                 "looks truncated or corrupted (interrupted copy?). Copy it again.") from None
    if data.startswith(b"BCF"):  # binary VCF: no text lines to point at
        raise VCFFormatError(f"{path.name}: htslib could not read this BCF (binary VCF) file, or it "
                             "holds a call that is not diploid or names an allele ALT does not list. "
                             f"See the records with `bcftools view {path.name}` and fix the VCF it "
                             "was made from.")
    return data.splitlines()


def _diagnose(path: Path, want, biallelic_only: bool) -> None:
    """Scan the text for the first line that breaks the format and raise a VCFFormatError naming it.

    Returns without raising only if no line is found at fault.
    """
    lines = _text_lines(path)
    head, samples = _header(lines, path)
    for line_no, line in enumerate(lines[head + 1:], start=head + 2):
        if not line.strip():
            continue
        parts = line.rstrip(b"\r").split(b"\t")
        where = f"{path.name}, line {line_no}"
        if len(parts) < 10:
            raise VCFFormatError(f"{where}: expected at least 10 tab-separated columns; found "
                                 f"{len(parts)}. Is the file truncated or space-separated?")
        if not parts[1].isdigit():
            raise VCFFormatError(f"{where}: POS must be a whole number; got {parts[1].decode()!r}")
        if want is not None and (parts[0].decode() != want[0] or not want[1] <= int(parts[1]) <= want[2]):
            continue
        if biallelic_only and b"," in parts[4]:
            continue
        _check_calls(parts[8], parts[9:], len(samples), parts[4].decode(), where)


def _check_calls(fmt: bytes, fields: list[bytes], n_samples: int, alt: str, where: str) -> None:
    """Raise a VCFFormatError for the first sample column of one line that is not a diploid call."""
    keys = fmt.split(b":")
    if b"GT" not in keys:
        raise VCFFormatError(f"{where}: FORMAT {fmt.decode()!r} has no GT field; expected genotype "
                             "calls such as 0/1.")
    if len(fields) != n_samples:
        raise VCFFormatError(f"{where}: expected {n_samples} sample columns; found {len(fields)}. "
                             "Is the line truncated?")
    k = keys.index(b"GT")
    for j, field in enumerate(fields, start=1):
        parts = field.split(b":")
        gt = parts[k] if k < len(parts) else b"."
        alleles = [b".", b"."] if gt == b"." else gt.replace(b"|", b"/").split(b"/")
        if len(alleles) != 2:
            raise VCFFormatError(f"{where}: sample column {j} has genotype {gt.decode()!r} with "
                                 f"{len(alleles)} allele(s); only diploid calls such as 0/1 are "
                                 "supported (drop haploid chromosomes, e.g. chrY, first).")
        if not all(a == b"." or a.isdigit() for a in alleles):
            raise VCFFormatError(f"{where}: unrecognised genotype {gt.decode()!r} in sample column {j}.")
        top = max((int(a) for a in alleles if a != b"."), default=0)
        if top > len(alt.split(",")):
            raise VCFFormatError(f"{where}: a call names allele {top} but ALT lists only {alt!r}.")
