"""Read the genotype (GT) calls of a VCF file into `Genotypes`.

A VCF has header lines starting with ``##``, one column header line starting with
``#CHROM``, then one line per variant: 9 fixed columns (CHROM POS ID REF ALT QUAL FILTER
INFO FORMAT) and one column per person. Only the GT field is read.
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


class VCFFormatError(ValueError):
    """A VCF file does not follow the format (the message names the file and line)."""


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


def _bgzf_blocks(data: bytes) -> list[tuple[int, int]] | None:
    """(start, end) of each BGZF block's deflate data, or None if ``data`` is plain gzip."""
    blocks, pos = [], 0
    while pos < len(data):
        if data[pos + 12:pos + 14] != b"BC" or data[pos + 3] != 4:
            return None
        size = int.from_bytes(data[pos + 16:pos + 18], "little") + 1
        blocks.append((pos + 18, pos + size - 8))
        pos += size
    return blocks


def _open_lines(path: Path) -> list[bytes]:
    """All lines of a plain, gzip or bgzip-compressed text file (BGZF blocks in parallel threads)."""
    with open(path, "rb") as fh:
        data = fh.read()
    if data[:2] == b"\x1f\x8b":
        try:
            blocks = _bgzf_blocks(data)
            if blocks is None:
                data = gzip.decompress(data)
            else:
                from concurrent.futures import ThreadPoolExecutor  # zlib releases the GIL

                with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
                    data = b"".join(pool.map(lambda b: zlib.decompress(data[b[0]:b[1]], -15), blocks))
        except (OSError, EOFError, zlib.error, IndexError) as err:
            raise VCFFormatError(f"{path.name}: the compressed data cannot be read ({err}); the file "
                                 "looks truncated or corrupted (interrupted copy?). Copy it again.") from None
    return data.splitlines()


def _pair_table() -> np.ndarray:
    """Lookup from 2 bytes (an allele character, then '/', '|' or TAB) read as one little-endian
    uint16 to the allele index: '0'..'9' -> 0..9, '.' -> -1 (missing), anything else -> -2."""
    table = np.full(65536, -2, dtype=np.int8)
    for after in "/|\t":
        for char, value in [*((str(d), d) for d in range(10)), (".", -1)]:
            table[ord(char) | ord(after) << 8] = value
    return table


_PAIRS = _pair_table()


def _gt_fast(rest: list[bytes], n_samples: int) -> np.ndarray | None:
    """Calls from 'a/b<TAB>a/b...' blocks when every call is one digit per allele; else None.

    Each call is 4 bytes 'a', '/', 'b', TAB: two 16-bit numbers, decoded by table lookup.
    """
    width = 4 * n_samples - 1
    if not rest or any(len(r) != width for r in rest):
        return None
    text = b"\t".join(rest) + b"\t"
    calls = _PAIRS[np.frombuffer(text, dtype="<u2").reshape(len(rest), n_samples, 2)]
    chars = np.frombuffer(text, dtype=np.uint8).reshape(len(rest), n_samples, 4)
    simple = calls.min() >= -1 and (chars[:, :, 1] != 9).all() and (chars[:, :, 3] == 9).all()
    return calls if simple else None


def _gt_slow(rest: list[bytes], formats: list[bytes], n_samples: int, path: Path,
             line_no: list[int]) -> np.ndarray:
    """General GT parser: any FORMAT order, multi-digit alleles; checks ploidy per call."""
    calls = np.empty((len(rest), n_samples, 2), dtype=np.int8)
    for i, (r, fmt) in enumerate(zip(rest, formats)):
        keys = fmt.split(b":")
        if b"GT" not in keys:
            raise VCFFormatError(f"{path.name}, line {line_no[i]}: FORMAT {fmt.decode()!r} has no GT "
                                 "field; expected genotype calls such as 0/1.")
        k = keys.index(b"GT")
        fields = r.split(b"\t")
        if len(fields) != n_samples:
            raise VCFFormatError(f"{path.name}, line {line_no[i]}: expected {n_samples} sample "
                                 f"columns; found {len(fields)}. Is the line truncated?")
        for j, field in enumerate(fields):
            parts = field.split(b":")
            gt = parts[k] if k < len(parts) else b"."
            alleles = gt.replace(b"|", b"/").split(b"/")
            if gt in (b".", b"./.", b".|."):
                alleles = [b".", b"."]
            if len(alleles) != 2:
                raise VCFFormatError(
                    f"{path.name}, line {line_no[i]}: sample column {j + 1} has genotype "
                    f"{gt.decode()!r} with {len(alleles)} allele(s); only diploid calls "
                    "such as 0/1 are supported (drop haploid chromosomes, e.g. chrY, first).")
            try:
                calls[i, j] = [-1 if a == b"." else int(a) for a in alleles]
            except ValueError:
                raise VCFFormatError(f"{path.name}, line {line_no[i]}: unrecognised genotype "
                                     f"{gt.decode()!r} in sample column {j + 1}.") from None
    return calls


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


def _split_records(lines, start, path, region):
    """Fixed columns of each data line (as text) and the sample part (as bytes)."""
    fixed, rest, line_no = [], [], []
    want = _parse_region(region)
    for i in range(start, len(lines)):
        line = lines[i]
        if not line.strip():
            continue
        parts = line.split(b"\t", 9)
        if len(parts) < 10:
            raise VCFFormatError(f"{path.name}, line {i + 1}: expected at least 10 tab-separated "
                                 f"columns; found {len(parts)}. Is the file truncated or space-separated?")
        if want is not None:
            try:
                pos = int(parts[1])
            except ValueError:
                pos = -1
            if parts[0].decode() != want[0] or not want[1] <= pos <= want[2]:
                continue
        fixed.append(parts[:9])
        rest.append(parts[9].rstrip(b"\r"))
        line_no.append(i + 1)
    return fixed, rest, line_no


def read_vcf(path: str | os.PathLike, region: str | None = None,
             biallelic_only: bool = True) -> Genotypes:
    """Read the genotype calls of a VCF (``.vcf`` or bgzip/gzip ``.vcf.gz``) file.

    A VCF is how sequencing labs and biobanks hand over genotypes; this turns one into a
    matrix you can count, filter and test.

    Parameters
    ----------
    path : str or Path
    region : str, optional
        Keep only variants in ``"CHROM:START-END"`` (1-based, inclusive), e.g. ``"22:1-50000"``,
        or a whole chromosome ``"22"``. The file is scanned; no index is needed.
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
    lines = _open_lines(path)
    head, samples = _header(lines, path)
    fixed, rest, line_no = _split_records(lines, head + 1, path, region)
    del lines  # free the text early: large files
    if biallelic_only:
        keep = [b"," not in f[4] for f in fixed]
        if not all(keep):
            warnings.warn(f"{path.name}: dropped {keep.count(False)} of {len(keep)} variants with "
                          "more than one ALT allele; pass biallelic_only=False to keep them.",
                          UserWarning, stacklevel=2)
            fixed, rest, line_no = ([x for x, k in zip(seq, keep) if k] for seq in (fixed, rest, line_no))
    formats = [f[8] for f in fixed]
    calls = None
    if all(f == b"GT" for f in formats):
        calls = _gt_fast(rest, len(samples))
    if calls is None:
        calls = _gt_slow(rest, formats, len(samples), path, line_no)
    return _to_genotypes(calls, samples, fixed, path, line_no, biallelic_only)


def _to_genotypes(calls, samples, fixed, path, line_no, biallelic_only) -> Genotypes:
    """Check allele indices against ALT and build the `Genotypes`."""
    text = np.array([[x.decode() for x in f[:5]] for f in fixed], dtype=str).reshape(-1, 5)
    chrom, pos, ids, ref, alt = text.T
    try:
        positions = pos.astype(np.int64)
    except ValueError:
        bad = next(i for i, p in enumerate(pos) if not p.isdigit())
        raise VCFFormatError(f"{path.name}, line {line_no[bad]}: POS must be a whole number; "
                             f"got {str(pos[bad])!r}") from None
    if biallelic_only and calls.size and calls.max() > 1:
        bad = int(np.argwhere((calls > 1).any(axis=(1, 2)))[0, 0])
        raise VCFFormatError(f"{path.name}, line {line_no[bad]}: a call names allele "
                             f"{int(calls[bad].max())} but ALT lists only {str(alt[bad])!r}.")
    ids = np.where(ids == ".", np.char.add(np.char.add(chrom, ":"), pos), ids)
    return Genotypes(calls, samples, ids, chrom, positions, ref, alt)
