"""Chunk-at-a-time engines behind `ChunkedGenotypes`: genotype counts and PCA, with Dask.

`ChunkedGenotypes`' count methods (``count_alleles``, ``count_het``...) call the count
engines here, so the statistics of `stats` (``allele_frequencies``, ``hwe_exact``...) work on
a store unchanged; `structure.pca` sends a `ChunkedGenotypes` to the streamed `pca` here.
Work is split into one task per stored chunk of the genotype matrix and runs on whatever
Dask scheduler is active: the local threads by default, or a ``distributed.Client`` when
one exists. This module imports nothing from the rest of `toolkit.genomics`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["variant_counts", "variant_counts_array", "sample_counts_array", "pca"]

COUNT_COLUMNS = ["called_alleles", "alt_alleles", "hom_ref", "het", "hom_alt", "missing"]


def _block_counts(block: np.ndarray) -> np.ndarray:
    """Per-variant counts for one (variants, samples, 2) block -> (variants, 1, 6) int64."""
    count = lambda mask: np.add.reduce(mask.reshape(len(mask), -1).view(np.uint8), axis=1,
                                       dtype=np.int64)  # fast sums of booleans (or 0/1) per row
    a0, a1 = block[:, :, 0], block[:, :, 1]
    n, rows = block.shape[1], len(block)
    if block.size and block.max() > 1:  # multi-allelic codes: the general (slower) counts
        missing = (a0 < 0) | (a1 < 0)
        alt = (a0 == 1).view(np.uint8) + (a1 == 1).view(np.uint8)
        n_missing = count(missing)
        het, hom_alt = count((alt == 1) & ~missing), count((alt == 2) & ~missing)
        called, alt_alleles = count(block >= 0), count(block >= 1)
    elif block.size == 0 or block.min() >= 0:  # only 0 and 1: sums of the codes
        het, hom_alt = count(a0 != a1), count(a0 & a1)
        n_missing, called, alt_alleles = np.zeros(rows, np.int64), np.full(rows, 2 * n), count(block)
    else:  # codes -1, 0, 1: 0^1 = 1 is the only xor equal to 1, 1+1 the only sum equal to 2
        het, hom_alt = count((a0 ^ a1) == 1), count((a0 + a1) == 2)
        n_missing, called, alt_alleles = count(_missing_mask(block)), count(block >= 0), count(block == 1)
    cols = [called, alt_alleles, n - n_missing - het - hom_alt, het, hom_alt, n_missing]
    return np.stack(cols, axis=1)[:, None, :]


def variant_counts_array(gt):
    """Lazy (n_variants, 6) int64 array of the `COUNT_COLUMNS` of a Dask genotype array, one task per chunk."""
    chunks = (gt.chunks[0], (1,) * len(gt.chunks[1]), (len(COUNT_COLUMNS),))
    return gt.map_blocks(_block_counts, dtype=np.int64, chunks=chunks).sum(axis=1)


SAMPLE_COUNT_COLUMNS = ["hom_ref", "het", "hom_alt", "missing"]


def _block_sample_counts(block: np.ndarray) -> np.ndarray:
    """Per-sample hom_ref, het, hom_alt, missing for one (variants, samples, 2) block -> (1, samples, 4)."""
    missing = _missing_mask(block)
    alt = (block[:, :, 0] == 1).view(np.uint8) + (block[:, :, 1] == 1).view(np.uint8)
    count = lambda mask: np.add.reduce(mask.view(np.uint8), axis=0, dtype=np.int64)
    het, hom_alt, n_missing = count((alt == 1) & ~missing), count(alt == 2), count(missing)
    return np.stack([len(block) - n_missing - het - hom_alt, het, hom_alt, n_missing], axis=1)[None]


def sample_counts_array(gt):
    """Lazy (n_samples, 4) int64 array of the `SAMPLE_COUNT_COLUMNS` of a Dask genotype array."""
    gt = gt.rechunk({2: -1})
    chunks = ((1,) * len(gt.chunks[0]), gt.chunks[1], (len(SAMPLE_COUNT_COLUMNS),))
    return gt.map_blocks(_block_sample_counts, dtype=np.int64, chunks=chunks).sum(axis=0)


def variant_counts(cg) -> pd.DataFrame:
    """All per-variant counts in one pass over the store.

    Columns: ``called_alleles``, ``alt_alleles`` (any non-REF allele), ``hom_ref``, ``het``,
    ``hom_alt`` (counting allele 1 as ALT) and ``missing`` (people with a missing call).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from toolkit.genomics import Genotypes, write_zarr, open_zarr
    >>> g = Genotypes([[[0, 1], [1, 1], [-1, -1]]], ["a", "b", "c"], ["rs1"], ["22"], [1],
    ...               ["A"], ["G"])
    >>> cg = open_zarr(write_zarr(g, pathlib.Path(tempfile.mkdtemp()) / "t.vcz"))
    >>> variant_counts(cg).values.tolist()
    [[4, 3, 0, 1, 1, 1]]
    """
    counts = variant_counts_array(cg.gt).compute()
    return pd.DataFrame(counts, columns=COUNT_COLUMNS,
                        index=pd.Index(cg.variant_ids, name="id"))


def _pair_dosage() -> np.ndarray:
    """ALT dosage (0 if missing) by the 2 bytes of a call read as one uint16, for any allele codes."""
    pairs = np.arange(65536, dtype=np.uint16).view(np.int8).reshape(-1, 2)  # same byte order as calls
    return np.where((pairs < 0).any(axis=1), 0, (pairs == 1).sum(axis=1)).astype(np.float32)


_DOSAGE = _pair_dosage()


def _missing_mask(block: np.ndarray) -> np.ndarray:
    """(variants, samples) True where either allele is missing: a sign bit set in the call's 2 bytes."""
    return (np.ascontiguousarray(block).view(np.uint16)[:, :, 0] & 0x8080) != 0


def _dosage_and_missing(block: np.ndarray):
    """ALT dosage D (float32, 0 where missing), the sparse missing indicator (or None), and
    the (rows, columns) of the missing calls, for one (variants, samples, 2) block."""
    from scipy import sparse

    if block.size == 0 or block.max() <= 1:  # biallelic: the dosage is the sum of the codes
        D = np.add(block[:, :, 0], block[:, :, 1], dtype=np.float32)
    else:  # allele codes >= 2: count only ALT (1) alleles, by looking each pair of codes up
        D = _DOSAGE[np.ascontiguousarray(block).view(np.uint16)[:, :, 0]]
    if block.size == 0 or block.min() >= 0:
        return D, None, (np.array([], dtype=np.intp),) * 2
    miss_at = np.divmod(np.flatnonzero(_missing_mask(block)), block.shape[1])  # (rows, columns)
    D[miss_at] = 0
    Miss = sparse.csr_matrix((np.ones(len(miss_at[0]), np.float32), miss_at), shape=D.shape)
    return D, Miss, miss_at


def _block_products(block: np.ndarray, p: np.ndarray, Q: np.ndarray, with_sums: bool) -> np.ndarray:
    """X_b' (X_b Q) for one chunk, X_b its standardised dosages, without forming X_b.

    X = diag(s) (D - m 1' + m * Miss), with D the dosage (0 where missing), m = 2p,
    s = 1 / sqrt(2p(1-p)) and Miss the missing-call indicator (sparse). Products with the
    rank-one and sparse terms are cheap, so the only full-size work is building D (a sum of
    the two alleles, or a table lookup where calls are missing or multi-allelic) and two
    float32 matrix products. With ``with_sums``, two more columns: calls and sum of X^2
    per person (for the trace of the relationship matrix). Returns (1, samples, k [+ 2]).
    """
    D, Miss, miss_at = _dosage_and_missing(block)
    m = (2 * p).reshape(-1, 1)
    s = 1 / np.sqrt(m * (1 - p.reshape(-1, 1)))
    XQ = D @ Q.astype(np.float32) - m * Q.sum(axis=0)
    if Miss is not None:
        XQ += m * (Miss @ Q)
    W = s * s * XQ  # diag(s) X Q, times s once more for X' = (...)' diag(s)
    out = (D.T @ W.astype(np.float32)).astype(np.float64) - (m * W).sum(axis=0)
    if Miss is not None:
        out += Miss.T @ (m * W)
    if with_sums:
        out = np.column_stack([out, *_called_and_sum_of_squares(D, m.ravel(), (s * s).ravel(), miss_at)])
    return out[None]


def _called_and_sum_of_squares(D: np.ndarray, m: np.ndarray, s2: np.ndarray, miss_at) -> tuple:
    """Per person: calls, and sum over called variants of X^2 = s^2 (D - m)^2.

    Expanded as s^2 D^2 - 2 s^2 m D + s^2 m^2 (two float32 matrix-vector products), minus
    the s^2 m^2 the expansion counts at missing calls (where D = 0).
    """
    n_rows, n = D.shape
    sq = s2.astype(np.float32) @ (D * D) - 2 * ((s2 * m).astype(np.float32) @ D)
    at_missing = np.bincount(miss_at[1], weights=(s2 * m * m)[miss_at[0]], minlength=n)
    sumsq = sq.astype(np.float64) + np.sum(s2 * m * m) - at_missing
    return n_rows - np.bincount(miss_at[1], minlength=n), sumsq


def _gram_pass(gt, p: np.ndarray, Q: np.ndarray, with_sums: bool = False) -> np.ndarray:
    """One read of the store: sum over chunks of X_b' X_b Q (see `_block_products`)."""
    import dask.array as da

    gt = gt.rechunk({1: -1, 2: -1})
    p_da = da.from_array(p, chunks=(gt.chunks[0],))
    Q_da = da.from_array(Q, chunks=Q.shape)
    k = Q.shape[1] + (2 if with_sums else 0)
    parts = da.blockwise(_block_products, "vsk", gt, "vsp", p_da, "v", Q_da, "sk",
                         with_sums=with_sums, adjust_chunks={"v": 1, "k": k}, dtype=np.float64,
                         concatenate=True)
    return parts.sum(axis=0).compute()


def _orthonormal(Y: np.ndarray) -> np.ndarray:
    return np.linalg.qr(Y)[0]


def pca(cg, n_components: int = 10, maf: float = 0.05, *, n_iter: int = 6,
        n_oversamples: int = 10, random_state: int = 0) -> pd.DataFrame:
    """Principal components by randomized subspace iteration, streaming the store chunk by chunk.

    Same output as `toolkit.genomics.pca` (DataFrame ``PC1``... indexed by sample, with
    ``.attrs`` ``eigenvalues``, ``explained_variance_ratio``, ``n_variants``) but the
    people x people relationship matrix is never formed: each pass over the store multiplies
    it by a thin block of ``n_components + n_oversamples`` vectors (randomized subspace
    iteration with a Rayleigh-Ritz step: Halko, Martinsson & Tropp 2011, SIAM Review 53:217-288,
    doi:10.1137/090771806), so memory is one chunk plus a few (samples x k) matrices.

    Parameters
    ----------
    cg : ChunkedGenotypes
    n_components : int, default 10
    maf : float, default 0.05
        Use only variants with minor allele frequency >= maf (and > 0).
    n_iter : int, default 6
        Passes of subspace iteration after the first; more passes = more accurate trailing
        components. Total reads of the store: ``n_iter + 2`` (one for allele frequencies),
        each pass one table lookup and two float32 matrix products per genotype chunk.
    n_oversamples : int, default 10
        Extra vectors carried along; they speed convergence of the wanted ones.
    random_state : int, default 0
        Seed of the random start: results are reproducible.

    Notes
    -----
    Standardisation is that of the exact path (centre 2p, scale sqrt(2p(1-p)), missing = 0).
    The exact path divides each pair's sum by the number of variants both people have
    called; here that count is approximated by c_i c_j / M (c_i = variants person i has
    called, M = variants used), which is exact when nothing is missing. The total variance
    (for ``explained_variance_ratio``) is the exact path's, to float32 precision (~1e-5). Eigenvalues come from a
    Rayleigh-Ritz step; components with a clear gap to the next match the exact path to
    |r| > 0.999; components inside the bulk of noise (no gap) converge slowly and are
    arbitrary mixtures of near-equal eigenvectors in any method.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from toolkit.datasets import make_population
    >>> from toolkit.genomics import write_zarr, open_zarr
    >>> g = make_population(20, sequence_length_mb=0.5, random_state=1)
    >>> cg = open_zarr(write_zarr(g, pathlib.Path(tempfile.mkdtemp()) / "pop.vcz",
    ...                           variants_chunk_size=1000))
    >>> pcs = pca(cg, n_components=2)
    >>> pcs.shape, list(pcs.columns)
    ((60, 2), ['PC1', 'PC2'])
    """
    ref, alt = cg.count_alleles().T
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(ref + alt > 0, alt / np.maximum(ref + alt, 1), np.nan)
    minor = np.minimum(p, 1 - p)
    kept = (minor >= maf) & (minor > 0)
    n_kept = int(kept.sum())
    limit = min(cg.n_samples, n_kept) - 1
    if not 1 <= n_components <= limit:
        raise ValueError(f"n_components must be between 1 and {limit} (samples or variants left "
                         f"after maf >= {maf}, minus 1); got {n_components}")
    gt, p = cg.subset(variants=kept).gt, p[kept]
    k = min(n_components + n_oversamples, limit)
    Q = _orthonormal(np.random.default_rng(random_state).standard_normal((cg.n_samples, k)))
    first = _gram_pass(gt, p, Q, with_sums=True)  # X'X Q, calls and sum of squares per person
    called, sumsq = np.maximum(first[:, k], 1), first[:, k + 1]
    scale = (np.sqrt(n_kept) / called)[:, None]  # G = M C^-1 X'X C^-1 ~ X'X / pairs
    Q = _orthonormal(scale * first[:, :k])
    for _ in range(max(n_iter, 1)):
        Y = scale * _gram_pass(gt, p, scale * Q)  # Y = G Q
        eigval, V = np.linalg.eigh(_symmetric(Q.T @ Y))  # Rayleigh-Ritz
        Q = _orthonormal(Y)
    order = np.argsort(eigval)[::-1][:n_components]
    cols = [f"PC{i + 1}" for i in range(n_components)]
    out = pd.DataFrame(_orthonormal_ritz(Y, V, order), columns=cols,
                       index=pd.Index(cg.sample_ids, name="sample"))
    out.attrs["eigenvalues"] = eigval[order].tolist()
    out.attrs["explained_variance_ratio"] = (eigval[order] / np.sum(sumsq / called)).tolist()
    out.attrs["n_variants"] = n_kept
    return out


def _symmetric(T: np.ndarray) -> np.ndarray:
    return (T + T.T) / 2


def _orthonormal_ritz(Y: np.ndarray, V: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Ritz vectors refined by the last product, scaled to unit length.

    With Y = G Q and (eigval, V) the eigenpairs of Q'GQ, Y V = G (Q V) is one more power
    step applied to the Ritz vectors Q V, for free.
    """
    U = Y @ V[:, order]
    return U / np.linalg.norm(U, axis=0, keepdims=True)
