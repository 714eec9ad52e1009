"""Write `Genotypes` to a bgzip-compressed VCF (readable by bcftools, plink2 and tabix)."""
from __future__ import annotations

import io
import os
import struct
import zlib
from pathlib import Path

import numpy as np

from .._utils.files import atomic_write
from .genotypes import Genotypes

__all__ = ["write_vcf"]

# An empty BGZF block marks the end of a bgzip file (SAM/BAM specification, section 4.1.2).
_BGZF_EOF = bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000")
_BLOCK = 65280  # uncompressed bytes per block, as bgzip uses


def _bgzf_block(data: bytes) -> bytes:
    """One BGZF block: a gzip member whose extra field 'BC' stores the block size."""
    comp = zlib.compressobj(6, zlib.DEFLATED, -15)
    deflated = comp.compress(data) + comp.flush()
    header = struct.pack("<4BI2BH2BHH", 31, 139, 8, 4, 0, 0, 255, 6, 66, 67, 2,
                         len(deflated) + 25)
    trailer = struct.pack("<2I", zlib.crc32(data) & 0xFFFFFFFF, len(data))
    return header + deflated + trailer


def _gt_strings(calls: np.ndarray) -> np.ndarray:
    """Map (n_samples, 2) allele indices to 'a/b' strings, '.' for missing."""
    text = np.where(calls < 0, ".", calls.astype(str))
    return np.char.add(np.char.add(text[:, 0], "/"), text[:, 1])


def write_vcf(g: Genotypes, path: str | os.PathLike, source: str = "toolkit") -> Path:
    """Write genotypes as a VCF 4.2 file, bgzip-compressed when the name ends in ``.gz``.

    The file is written under a temporary name and renamed at the end, so an
    interrupted write never leaves a half-written VCF behind.

    Examples
    --------
    >>> import tempfile, os
    >>> g = Genotypes([[[0, 1], [1, 1]]], ["p1", "p2"], ["rs1"], ["22"], [100], ["A"], ["G"])
    >>> out = write_vcf(g, os.path.join(tempfile.mkdtemp(), "tiny.vcf"))
    >>> print(out.read_text().splitlines()[-1])
    22	100	rs1	A	G	.	PASS	.	GT	0/1	1/1
    """
    path = Path(path)
    lines = io.StringIO()
    lines.write("##fileformat=VCFv4.2\n")
    lines.write(f"##source={source}\n")
    for c in dict.fromkeys(g.chrom):
        length = int(g.positions[g.chrom == c].max()) + 1
        lines.write(f"##contig=<ID={c},length={length}>\n")
    lines.write('##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n')
    lines.write("#" + "\t".join(["CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO",
                                 "FORMAT", *g.samples]) + "\n")
    for i in range(g.n_variants):
        fixed = [g.chrom[i], str(g.positions[i]), g.variant_ids[i] or ".", g.ref[i], g.alt[i],
                 ".", "PASS", ".", "GT"]
        lines.write("\t".join([*fixed, *_gt_strings(g.calls[i])]) + "\n")
    data = lines.getvalue().encode()

    def write(tmp: Path) -> None:
        with open(tmp, "wb") as fh:
            if path.suffix == ".gz":
                for start in range(0, len(data), _BLOCK):
                    fh.write(_bgzf_block(data[start:start + _BLOCK]))
                fh.write(_BGZF_EOF)
            else:
                fh.write(data)

    return atomic_write(path, write)
