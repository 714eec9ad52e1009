"""Shared pieces of the texture matrices: neighbour directions, shifts, and matrix features.

Axis order everywhere: (x, y, z) with 2D slices along the last axis z, as nibabel loads NIfTI.
A grey-level image `levels` holds 1..Ng inside the ROI and 0 outside it.
"""
from __future__ import annotations

import numpy as np

#: The 4 in-plane and 9 through-plane directions of a 26-neighbourhood (each pair counted once).
DIRECTIONS_2D = [(1, 0, 0), (0, 1, 0), (1, 1, 0), (1, -1, 0)]
DIRECTIONS_3D = DIRECTIONS_2D + [(dx, dy, 1) for dx in (-1, 0, 1) for dy in (-1, 0, 1)]


def shift_slices(shape: tuple, offset: tuple) -> tuple[tuple, tuple]:
    """Index tuples (here, there) so that ``a[there]`` is the neighbour ``p + offset`` of ``a[here]``."""
    here, there = [], []
    for n, d in zip(shape, offset):
        here.append(slice(max(0, -d), n - max(0, d)))
        there.append(slice(max(0, d), n - max(0, -d)))
    return tuple(here), tuple(there)


def neighbour_values(levels: np.ndarray, offset: tuple) -> np.ndarray:
    """``levels`` at ``p + offset`` for every voxel ``p``; 0 where the neighbour is off the grid."""
    out = np.zeros_like(levels)
    here, there = shift_slices(levels.shape, offset)
    out[here] = levels[there]
    return out


def fft_convolve(a: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Convolution of ``a`` with an odd-sized ``kernel``, same shape as ``a``, zero outside (by FFT)."""
    from scipy import fft

    shape = [fft.next_fast_len(n + k - 1, real=True) for n, k in zip(a.shape, kernel.shape)]
    full = fft.irfftn(fft.rfftn(a, shape) * fft.rfftn(kernel, shape), shape)
    start = [(k - 1) // 2 for k in kernel.shape]
    return full[tuple(slice(s, s + n) for s, n in zip(start, a.shape))]


def plogp(p: np.ndarray) -> np.ndarray:
    """p * log2(p), with 0 * log2(0) = 0."""
    return p * np.log2(np.where(p > 0, p, 1.0))


def emphasis_features(matrices: np.ndarray, n_voxels: np.ndarray, names: tuple,
                      j_values: np.ndarray | None = None) -> dict:
    """The 16 run/zone/dependence features shared by GLRLM, GLSZM, GLDZM and NGLDM.

    Parameters
    ----------
    matrices : ndarray, shape (k, Ng, Nj)
        Counts of (grey level i = 1..Ng, run length / zone size / distance / dependence j = 1..Nj).
    n_voxels : ndarray, shape (k,)
        Voxels behind each matrix (denominator of the percentage feature).
    names : tuple of 16 str
        Names for: short, long, low-grey, high-grey, short-low, short-high, long-low, long-high
        emphasis; grey-level non-uniformity (and normalised); j non-uniformity (and normalised);
        percentage; grey-level variance; j variance; j entropy.
    j_values : ndarray, shape (Nj,), optional
        The j of each column when the matrix keeps only the sizes that occur (default 1..Nj).

    Returns
    -------
    dict of name -> ndarray, shape (k,)
    """
    m = matrices.astype(float)
    n_s = m.sum(axis=(1, 2))
    i = np.arange(1, m.shape[1] + 1, dtype=float)[:, None]
    j = np.arange(1, m.shape[2] + 1) if j_values is None else j_values
    j = np.asarray(j, dtype=float)[None, :]
    r_i, r_j = m.sum(axis=2), m.sum(axis=1)          # marginal counts per grey level, per j
    p = m / n_s[:, None, None]
    mu_i, mu_j = (p * i).sum(axis=(1, 2)), (p * j).sum(axis=(1, 2))
    values = [
        (r_j / j[0] ** 2).sum(1) / n_s, (r_j * j[0] ** 2).sum(1) / n_s,
        (r_i / i[:, 0] ** 2).sum(1) / n_s, (r_i * i[:, 0] ** 2).sum(1) / n_s,
        (m / (i ** 2 * j ** 2)).sum((1, 2)) / n_s, (m * i ** 2 / j ** 2).sum((1, 2)) / n_s,
        (m * j ** 2 / i ** 2).sum((1, 2)) / n_s, (m * i ** 2 * j ** 2).sum((1, 2)) / n_s,
        (r_i ** 2).sum(1) / n_s, (r_i ** 2).sum(1) / n_s ** 2,
        (r_j ** 2).sum(1) / n_s, (r_j ** 2).sum(1) / n_s ** 2,
        n_s / n_voxels,
        (p * (i - mu_i[:, None, None]) ** 2).sum((1, 2)),
        (p * (j - mu_j[:, None, None]) ** 2).sum((1, 2)),
        -plogp(p).sum((1, 2)),
    ]
    return dict(zip(names, values))


def mean_features(features: dict) -> dict:
    """Average each feature over its matrices (IBSI 'averaged' aggregation)."""
    return {name: float(np.mean(v)) if len(v) else np.nan for name, v in features.items()}


def nonempty(matrices: np.ndarray, *others: np.ndarray) -> tuple:
    """Drop matrices without counts (slices or directions with no voxel pairs/runs/zones)."""
    keep = matrices.reshape(len(matrices), -1).sum(axis=1) > 0
    return (matrices[keep],) + tuple(o[keep] for o in others)


def aggregate_directional(per_slice: np.ndarray, through: np.ndarray, features, symbols: tuple,
                          dimensions: tuple) -> dict:
    """The six IBSI aggregations of a directional matrix (GLCM, GLRLM).

    Parameters
    ----------
    per_slice : ndarray, shape (4, n_slices, Ng, Nj)
        One matrix per in-plane direction and slice.
    through : ndarray, shape (9, Ng, Nj)
        One matrix per through-plane direction, over the whole volume.
    features : callable
        (k, Ng, Nj) matrices -> dict of name -> (k,) values.
    dimensions : tuple of "2D", "2.5D", "3D"

    Returns
    -------
    dict of "symbol.suffix" -> float
    """
    groups = {}
    if "2D" in dimensions:
        groups["2D_avg"] = per_slice.reshape(-1, *per_slice.shape[2:])
        groups["2D_slice_merged"] = per_slice.sum(axis=0)          # per slice, directions summed
    if "2.5D" in dimensions:
        groups["2.5D_direction_merged"] = per_slice.sum(axis=1)    # per direction, slices summed
        groups["2.5D_merged"] = per_slice.sum(axis=(0, 1))[None]
    if "3D" in dimensions:
        groups["3D_avg"] = np.concatenate([per_slice.sum(axis=1), through])
        groups["3D_merged"] = groups["3D_avg"].sum(axis=0)[None]
    out = {}
    for suffix, mats in groups.items():
        (mats,) = nonempty(mats)
        with np.errstate(divide="ignore", invalid="ignore"):     # undefined -> NaN, reported by extract
            values = mean_features(features(mats)) if len(mats) else dict.fromkeys(symbols, np.nan)
        out.update({f"{name}.{suffix}": values[name] for name in symbols})
    return out


def aggregate_slices(per_slice: np.ndarray | None, n_slice: np.ndarray | None, volume: np.ndarray | None,
                     n_volume: float, features, symbols: tuple, dimensions: tuple) -> dict:
    """The three IBSI aggregations of a zone or dependence matrix (GLSZM, GLDZM, NGLDM).

    ``per_slice`` (n_slices, Ng, Nj) gives '2D' (features averaged over slices) and '2.5D'
    (slices summed); ``volume`` (Ng, Nj) gives '3D'. ``n_slice``/``n_volume`` count the voxels.
    Pass None for what was not computed.
    """
    out = {}
    groups = {}
    if "2D" in dimensions and per_slice is not None:
        groups["2D"] = nonempty(per_slice, n_slice)
    if "2.5D" in dimensions and per_slice is not None:
        groups["2.5D"] = nonempty(per_slice.sum(axis=0)[None], np.array([n_slice.sum()]))
    if "3D" in dimensions and volume is not None:
        groups["3D"] = nonempty(volume[None], np.array([n_volume]))
    for suffix, (mats, counts) in groups.items():
        with np.errstate(divide="ignore", invalid="ignore"):
            values = mean_features(features(mats, counts)) if len(mats) else dict.fromkeys(symbols, np.nan)
        out.update({f"{name}.{suffix}": values[name] for name in symbols})
    return out
