"""Grey level size zone matrix (GLSZM) and its 16 IBSI features.

A zone is a connected group of ROI voxels with the same grey level (8-connected in a 2D slice,
26-connected in 3D). The GLSZM counts zones by grey level and size (IBSI 3.8); large zones
mean a homogeneous tumour.
"""
from __future__ import annotations

from functools import partial

import numpy as np
from scipy import ndimage

from ._matrix import aggregate_slices, emphasis_features

__all__ = ["label_zones", "glszm_features", "glszm_family", "GLSZM_SYMBOLS"]

GLSZM_SYMBOLS = ("szm.sze", "szm.lze", "szm.lgze", "szm.hgze", "szm.szlge", "szm.szhge",
                 "szm.lzlge", "szm.lzhge", "szm.glnu", "szm.glnu.norm", "szm.zsnu",
                 "szm.zsnu.norm", "szm.z.perc", "szm.gl.var", "szm.zs.var", "szm.zs.entr")


def label_zones(levels: np.ndarray, in_plane: bool, distance: np.ndarray | None = None) -> dict:
    """Find the zones of equal grey level, with their size, slice and distance to the ROI edge.

    Parameters
    ----------
    levels : ndarray of int, shape (X, Y, Z)
        Grey levels 1..Ng inside the ROI, 0 outside.
    in_plane : bool
        True: 8-connected zones within each z-slice (2D); False: 26-connected zones (3D).
    distance : ndarray of int or None
        Distance of each voxel to the ROI edge; each zone then gets its smallest distance (GLDZM).

    Returns
    -------
    dict with arrays ``level``, ``size``, ``slice`` and, with ``distance``, ``distance``
        One entry per zone.

    Examples
    --------
    >>> img = np.array([[1, 1, 2], [2, 0, 2]])[:, :, None]
    >>> z = label_zones(img, in_plane=True)
    >>> z["level"].tolist(), z["size"].tolist()   # the 2 at x=1, y=0 touches no other 2
    ([1, 2, 2], [2, 2, 1])

    Taught in lesson 11.
    """
    structure = np.ones((3, 3, 3), bool)
    if in_plane:
        structure[:, :, [0, 2]] = False
    z_index = np.broadcast_to(np.arange(levels.shape[2]), levels.shape)
    parts = {"level": [], "size": [], "slice": [], "distance": []}
    for grey, box in enumerate(ndimage.find_objects(levels), start=1):   # box: where level occurs
        if box is None:
            continue
        labels, n = ndimage.label(levels[box] == grey, structure)
        flat = labels.ravel()
        inside = flat > 0
        parts["level"].append(np.full(n, grey))
        parts["size"].append(np.bincount(flat[inside], minlength=n + 1)[1:])
        zone_slice = np.zeros(n + 1, int)
        zone_slice[flat[inside]] = z_index[box].ravel()[inside]   # every voxel of a zone: same slice
        parts["slice"].append(zone_slice[1:])
        if distance is not None:
            nearest = np.full(n + 1, np.iinfo(np.int64).max)
            np.minimum.at(nearest, flat[inside], distance[box].ravel()[inside])   # closest voxel
            parts["distance"].append(nearest[1:])
    return {k: np.concatenate(v).astype(int) if v else np.zeros(0, int)
            for k, v in parts.items() if k != "distance" or distance is not None}


def zone_matrices(zones: dict, column: str, n_levels: int, n_slices: int | None = None) -> tuple:
    """Count zones by grey level and ``column`` ("size" or "distance").

    Only the sizes that occur get a column (zone sizes run into the thousands), so the result
    is ``(matrix, j_values)``: matrix of shape (Ng, n_j), or (n_slices, Ng, n_j) per slice.
    """
    j_values, column_index = np.unique(zones[column], return_inverse=True)
    n_j = max(len(j_values), 1)
    index = (zones["level"] - 1) * n_j + column_index
    if n_slices is None:
        return np.bincount(index, minlength=n_levels * n_j).reshape(n_levels, n_j), j_values
    index = index + zones["slice"] * n_levels * n_j
    counts = np.bincount(index, minlength=n_slices * n_levels * n_j)
    return counts.reshape(n_slices, n_levels, n_j), j_values


def glszm_features(matrices: np.ndarray, n_voxels: np.ndarray, sizes: np.ndarray | None = None) -> dict:
    """The 16 IBSI GLSZM features of each size-zone matrix in a stack.

    Examples
    --------
    >>> f = glszm_features(np.array([[[1, 0], [0, 1]]]), np.array([3]))   # a 1-voxel and a 2-voxel zone
    >>> float(f["szm.sze"][0]), float(f["szm.z.perc"][0])                # (1 + 1/4) / 2; 2 zones / 3 voxels
    (0.625, 0.6666666666666666)

    Taught in lesson 11.
    """
    return emphasis_features(matrices, n_voxels, GLSZM_SYMBOLS, sizes)


def glszm_family(levels: np.ndarray, n_levels: int, dimensions: tuple = ("2D", "2.5D", "3D")) -> dict:
    """All GLSZM features for the IBSI 2D (slice average), 2.5D (slices merged) and 3D zones.

    Examples
    --------
    >>> img = np.array([[1, 1], [2, 2]])[:, :, None]
    >>> glszm_family(img, 2, ("3D",))["szm.lze.3D"]    # two zones of 2 voxels
    4.0

    Taught in lesson 11.
    """
    n_slice = (levels > 0).sum(axis=(0, 1))
    out = {}
    if "2D" in dimensions or "2.5D" in dimensions:
        per_slice, sizes = zone_matrices(label_zones(levels, True), "size", n_levels, levels.shape[2])
        out.update(aggregate_slices(per_slice, n_slice, None, 0, partial(glszm_features, sizes=sizes),
                                    GLSZM_SYMBOLS, dimensions))
    if "3D" in dimensions:
        volume, sizes = zone_matrices(label_zones(levels, False), "size", n_levels)
        out.update(aggregate_slices(None, None, volume, n_slice.sum(),
                                    partial(glszm_features, sizes=sizes), GLSZM_SYMBOLS, ("3D",)))
    return out
