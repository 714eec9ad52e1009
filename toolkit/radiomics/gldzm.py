"""Grey level distance zone matrix (GLDZM) and its 16 IBSI features.

The same zones as the GLSZM, counted by grey level and by how far the zone lies from the ROI
edge (IBSI 3.9): the smallest number of face-neighbour steps from any zone voxel to outside the
ROI, so that edge voxels have distance 1.
"""
from __future__ import annotations

from functools import partial

import numpy as np
from scipy import ndimage

from ._matrix import aggregate_slices, emphasis_features
from .glszm import label_zones, zone_matrices

__all__ = ["edge_distance", "gldzm_features", "gldzm_family", "GLDZM_SYMBOLS"]

GLDZM_SYMBOLS = ("dzm.sde", "dzm.lde", "dzm.lgze", "dzm.hgze", "dzm.sdlge", "dzm.sdhge",
                 "dzm.ldlge", "dzm.ldhge", "dzm.glnu", "dzm.glnu.norm", "dzm.zdnu",
                 "dzm.zdnu.norm", "dzm.z.perc", "dzm.gl.var", "dzm.zd.var", "dzm.zd.entr")


def edge_distance(mask: np.ndarray, in_plane: bool) -> np.ndarray:
    """City-block distance of each ROI voxel to the ROI edge (edge voxels: 1; outside: 0).

    Parameters
    ----------
    mask : ndarray of bool, shape (X, Y, Z)
    in_plane : bool
        Measure within each z-slice (4-neighbour steps) instead of in 3D (6-neighbour steps).

    Returns
    -------
    ndarray of int

    Examples
    --------
    >>> edge_distance(np.ones((5, 5, 1), bool), in_plane=True)[:, 2, 0].tolist()
    [1, 2, 3, 2, 1]

    Taught in lesson 11.
    """
    metric = ndimage.generate_binary_structure(3, 1)
    if in_plane:
        metric[:, :, [0, 2]] = False
    padded = np.pad(np.asarray(mask, bool), 1)
    return ndimage.distance_transform_cdt(padded, metric=metric)[1:-1, 1:-1, 1:-1].astype(int)


def gldzm_features(matrices: np.ndarray, n_voxels: np.ndarray, distances: np.ndarray | None = None) -> dict:
    """The 16 IBSI GLDZM features of each distance-zone matrix in a stack.

    Examples
    --------
    >>> f = gldzm_features(np.array([[[1, 1]]]), np.array([4]))   # grey level 1: distances 1 and 2
    >>> float(f["dzm.sde"][0]), float(f["dzm.lde"][0])
    (0.625, 2.5)

    Taught in lesson 11.
    """
    return emphasis_features(matrices, n_voxels, GLDZM_SYMBOLS, distances)


def gldzm_family(levels: np.ndarray, n_levels: int, dimensions: tuple = ("2D", "2.5D", "3D"),
                 mask: np.ndarray | None = None) -> dict:
    """All GLDZM features for the IBSI 2D, 2.5D and 3D aggregations.

    Parameters
    ----------
    levels : ndarray of int
        Grey levels inside the intensity mask, 0 outside.
    n_levels : int
    dimensions : tuple of "2D", "2.5D", "3D"
    mask : ndarray of bool or None
        The ROI whose edge distances are measured from (IBSI: the morphological mask);
        default ``levels > 0``.

    Examples
    --------
    >>> img = np.ones((3, 3, 1), int)
    >>> gldzm_family(img, 1, ("2.5D",))["dzm.lde.2.5D"]    # one zone; its edge voxels have distance 1
    1.0

    Taught in lesson 11.
    """
    mask = levels > 0 if mask is None else mask
    n_slice = (levels > 0).sum(axis=(0, 1))
    out = {}
    if "2D" in dimensions or "2.5D" in dimensions:
        zones = label_zones(levels, True, edge_distance(mask, True))
        per_slice, dist = zone_matrices(zones, "distance", n_levels, levels.shape[2])
        out.update(aggregate_slices(per_slice, n_slice, None, 0, partial(gldzm_features, distances=dist),
                                    GLDZM_SYMBOLS, dimensions))
    if "3D" in dimensions:
        zones = label_zones(levels, False, edge_distance(mask, False))
        volume, dist = zone_matrices(zones, "distance", n_levels)
        out.update(aggregate_slices(None, None, volume, n_slice.sum(),
                                    partial(gldzm_features, distances=dist), GLDZM_SYMBOLS, ("3D",)))
    return out
