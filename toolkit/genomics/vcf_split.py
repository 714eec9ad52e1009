"""Cut a bgzip-compressed VCF into complete-line pieces, each a valid VCF, for parallel reading.

A bgzip file is a series of independent compressed blocks (BGZF; SAM/BAM specification,
section 4.1.2), so most of a piece is a byte copy of whole blocks. Only the block where a
cut falls is decompressed: its text up to the first line end closes the previous piece,
the rest opens the next piece, after a copy of the header.
"""
from __future__ import annotations

import zlib
from pathlib import Path

from .vcf_write import _BGZF_EOF, _bgzf_block

__all__ = ["bgzf_blocks", "split_bgzf"]


def bgzf_blocks(data: bytes) -> list[tuple[int, int]] | None:
    """(start, end) byte offsets of each BGZF block of ``data``, or None if it is not BGZF."""
    blocks, pos = [], 0
    while pos < len(data):
        if data[pos:pos + 2] != b"\x1f\x8b" or data[pos + 3] != 4 or data[pos + 12:pos + 14] != b"BC":
            return None
        end = pos + int.from_bytes(data[pos + 16:pos + 18], "little") + 1
        if end > len(data):
            return None
        blocks.append((pos, end))
        pos = end
    return blocks


def _compress(text: bytes) -> bytes:
    """``text`` as BGZF blocks (at most 65,280 bytes of text each, as bgzip writes)."""
    return b"".join(_bgzf_block(text[i:i + 65280]) for i in range(0, max(len(text), 1), 65280))


def _text(data: bytes, block: tuple[int, int]) -> bytes:
    return zlib.decompress(data[block[0] + 18:block[1] - 8], -15)


def split_bgzf(path: Path, n_parts: int, header: str, folder: Path) -> list[Path] | None:
    """Write ``n_parts`` VCF pieces of ``path`` into ``folder``; None if it cannot be cut.

    Piece 0 starts with the file's own header; the others start with ``header`` (the
    header text, ending with the ``#CHROM`` line). Cuts fall at block boundaries chosen by
    compressed size, moved to the next line end. Returns None for a file that is not BGZF,
    too small, or where a cut would fall inside the header or inside a line longer than a block.
    """
    data = path.read_bytes()
    blocks = bgzf_blocks(data)
    if blocks is None or len(blocks) < 4 * n_parts:
        return None
    cuts = sorted({min(range(len(blocks)), key=lambda i: abs(blocks[i][0] - k * len(data) // n_parts))
                   for k in range(1, n_parts)})
    pieces, head, start = [], _compress(header.encode()), 0
    opening = b""  # compressed start of the current piece
    for cut in cuts:
        text = _text(data, blocks[cut])
        newline = text.find(b"\n")
        if newline < 0 or text[newline + 1:newline + 2] in (b"#", b""):
            return None  # inside the header, or a line longer than a block: read in one piece
        closing = _compress(text[:newline + 1])
        pieces.append(opening + data[blocks[start][0]:blocks[cut][0]] + closing + _BGZF_EOF)
        opening = head + _compress(text[newline + 1:])
        start = cut + 1
    pieces.append(opening + data[blocks[start][0]:] if start < len(blocks) else opening)
    paths = []
    for k, piece in enumerate(pieces):
        paths.append(folder / f"part{k}.vcf.gz")
        paths[-1].write_bytes(piece)
    return paths
