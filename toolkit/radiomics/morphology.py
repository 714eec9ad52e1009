"""Morphological (shape) features of a region of interest (IBSI 3.1).

Shape is measured on a triangle mesh of the ROI surface (marching cubes), so that volume and
surface area do not depend on the voxel staircase; a few features use the voxels themselves.
"""
from __future__ import annotations

import numpy as np
from scipy import spatial, special

__all__ = ["mesh", "morphology", "ellipsoid_area", "spatial_autocorrelation"]

_MAX_FFT_VOXELS = 2 ** 25          # about 0.8 GB of complex FFT arrays for Moran's I / Geary's C


def mesh(mask: np.ndarray, spacing_mm: tuple) -> tuple[np.ndarray, np.ndarray]:
    """Triangle mesh of the ROI surface by marching cubes at the 0.5 level.

    Parameters
    ----------
    mask : ndarray of bool, shape (X, Y, Z)
    spacing_mm : tuple of 3 floats

    Returns
    -------
    vertices : ndarray, shape (n_vertices, 3), in mm
    faces : ndarray of int, shape (n_faces, 3)

    Examples
    --------
    >>> v, f = mesh(np.ones((1, 1, 1), bool), (1.0, 1.0, 1.0))
    >>> len(f)         # a single voxel becomes an octahedron
    8

    Taught in lesson 11.
    """
    from skimage.measure import marching_cubes

    padded = np.pad(np.asarray(mask, float), 1)
    vertices, faces, _, _ = marching_cubes(padded, level=0.5, spacing=tuple(spacing_mm),
                                           method="lewiner")
    return vertices, faces


def ellipsoid_area(a: float, b: float, c: float, n_terms: int = 20) -> float:
    """Surface area of an ellipsoid with semi-axes a >= b >= c, by the IBSI series (IBSI 3.1.20).

    The IBSI defines the area density of the enclosing ellipsoid with this 20-term Legendre
    series, not the exact elliptic-integral area (they differ by a few per cent), so we use it.

    Examples
    --------
    >>> round(ellipsoid_area(2.0, 2.0, 2.0), 4)       # a sphere: 4 pi r^2
    50.2655

    Taught in lesson 11.
    """
    alpha, beta = np.sqrt(1 - b * b / (a * a)), np.sqrt(1 - c * c / (a * a))
    if alpha * beta < 1e-12:
        return float(4 * np.pi * a * a) if beta < 1e-12 else float("nan")
    x = (alpha ** 2 + beta ** 2) / (2 * alpha * beta)
    terms = [(alpha * beta) ** v / (1 - 4 * v * v) * special.eval_legendre(v, x) for v in range(n_terms + 1)]
    return float(4 * np.pi * a * b * sum(terms))


def spatial_autocorrelation(image: np.ndarray, mask: np.ndarray, spacing_mm: tuple) -> tuple[float, float]:
    """Moran's I and Geary's C of the ROI intensities, weights 1 / distance (mm) (IBSI 3.1.24-25).

    All voxel pairs are used (no sampling): each weighted pair sum is a convolution with the
    1/distance kernel, done by FFT on a periodic grid twice the ROI box (no wrap-around).

    Examples
    --------
    >>> img = np.array([1., 2., 1., 2.])[:, None, None]
    >>> i, c = spatial_autocorrelation(img, img > 0, (1.0, 1.0, 1.0))
    >>> round(i, 3), round(c, 3)     # alternating values: negative autocorrelation
    (-0.538, 1.154)

    Taught in lesson 11.
    """
    from scipy import fft

    shape = [fft.next_fast_len(2 * n - 1, real=True) for n in mask.shape]
    if np.prod(shape, dtype=float) > _MAX_FFT_VOXELS:
        import warnings

        warnings.warn(f"ROI box {mask.shape} is too large for exact Moran's I / Geary's C "
                      f"({np.prod(shape, dtype=float):.2g} FFT voxels, over 1 GB); they are set to NaN. "
                      "Resample to coarser voxels or pass Settings(spatial_autocorrelation=False).",
                      UserWarning, stacklevel=3)
        return float("nan"), float("nan")
    offsets = [np.where(np.arange(L) <= L // 2, np.arange(L), np.arange(L) - L) * s
               for L, s in zip(shape, spacing_mm)]                # signed offsets in mm
    grids = np.meshgrid(*offsets, indexing="ij", sparse=True)
    dist = np.sqrt(sum(g ** 2 for g in grids))
    weight = fft.rfftn(np.divide(1.0, dist, out=np.zeros(shape), where=dist > 0))
    m = mask.astype(float)
    x = np.where(mask, image - image[mask].mean(), 0.0)
    crop = tuple(slice(0, n) for n in mask.shape)
    w_m = fft.irfftn(fft.rfftn(m, shape) * weight, shape)[crop]   # sum_j w_ij over ROI voxels j
    w_x = fft.irfftn(fft.rfftn(x, shape) * weight, shape)[crop]   # sum_j w_ij x_j
    w_sum = (m * w_m).sum()
    cross = (x * w_x).sum()                                      # sum_ij w_ij x_i x_j (centred)
    spread = (x ** 2).sum()
    n = mask.sum()
    moran = n / w_sum * cross / spread
    geary = (n - 1) * (2 * (x ** 2 * w_m).sum() - 2 * cross) / (2 * w_sum * spread)
    return float(moran), float(geary)


def morphology(mask: np.ndarray, spacing_mm: tuple, image: np.ndarray | None = None,
               intensity_mask: np.ndarray | None = None, autocorrelation: bool = True) -> dict:
    """The IBSI morphological features of an ROI (volume, surface, sphericity, PCA axes, ...).

    Parameters
    ----------
    mask : ndarray of bool, shape (X, Y, Z)
        The morphological mask.
    spacing_mm : tuple of 3 floats
    image : ndarray of float or None
        Intensities, for centre-of-mass shift, integrated intensity, Moran's I, Geary's C.
    intensity_mask : ndarray of bool or None
        The (re-segmented) intensity mask; default ``mask``.
    autocorrelation : bool
        Compute Moran's I and Geary's C.

    Returns
    -------
    dict of "morph.*" -> float (lengths in mm, areas in mm^2, volumes in mm^3)

    Examples
    --------
    >>> m = morphology(np.ones((3, 3, 3), bool), (1.0, 1.0, 1.0))
    >>> m["morph.approx.vol"], round(m["morph.vol"], 2)     # 27 voxels; the mesh cuts corners
    (27.0, 23.17)

    Taught in lesson 11.
    """
    spacing = np.asarray(spacing_mm, float)
    verts, faces = mesh(mask, spacing)
    a, b, c = (verts[faces[:, k]] for k in range(3))
    area = 0.5 * np.linalg.norm(np.cross(b - a, c - a), axis=1).sum()
    volume = abs(np.einsum("ij,ij->i", a, np.cross(b, c)).sum()) / 6
    positions = np.argwhere(mask) * spacing
    eig = np.zeros(3)                                           # a single voxel has no axes
    if len(positions) > 1:
        eig = np.maximum(np.sort(np.linalg.eigvalsh(np.cov(positions.T)))[::-1], 0)   # major..least
    hull = spatial.ConvexHull(verts) if len(verts) > 3 else None
    hull_points = verts[hull.vertices]
    extent = verts.max(axis=0) - verts.min(axis=0)
    axes = 2 * np.sqrt(eig)                                      # semi-axes of the ellipsoid
    sphere_term = (36 * np.pi * volume ** 2) ** (1 / 3)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = {
            "morph.vol": volume, "morph.approx.vol": mask.sum() * spacing.prod(),
            "morph.area": area, "morph.av": area / volume,
            "morph.comp.1": volume / (np.pi ** 0.5 * area ** 1.5),
            "morph.comp.2": 36 * np.pi * volume ** 2 / area ** 3,
            "morph.sph.dispr": area / sphere_term, "morph.sphericity": sphere_term / area,
            "morph.asphericity": (area ** 3 / (36 * np.pi * volume ** 2)) ** (1 / 3) - 1,
            "morph.diam": spatial.distance.pdist(hull_points).max(),
            "morph.pca.major": 4 * np.sqrt(eig[0]), "morph.pca.minor": 4 * np.sqrt(eig[1]),
            "morph.pca.least": 4 * np.sqrt(eig[2]),
            "morph.pca.elongation": np.sqrt(eig[1] / eig[0]),
            "morph.pca.flatness": np.sqrt(eig[2] / eig[0]),
            "morph.v.dens.aabb": volume / extent.prod(),
            "morph.a.dens.aabb": area / (2 * (extent[0] * extent[1] + extent[0] * extent[2]
                                              + extent[1] * extent[2])),
            "morph.v.dens.aee": volume / (4 * np.pi / 3 * axes.prod()),
            "morph.a.dens.aee": area / ellipsoid_area(*axes) if eig[2] > 0 else np.nan,
            "morph.v.dens.conv.hull": volume / hull.volume, "morph.a.dens.conv.hull": area / hull.area,
        }
    if image is not None:
        imask = mask if intensity_mask is None else intensity_mask
        weights = image[imask]
        com_gl = (np.argwhere(imask) * spacing * weights[:, None]).sum(axis=0) / weights.sum()
        out["morph.com"] = np.linalg.norm(positions.mean(axis=0) - com_gl)
        out["morph.integ.int"] = volume * weights.mean()
        if autocorrelation:
            out["morph.moran.i"], out["morph.geary.c"] = spatial_autocorrelation(image, imask, spacing)
    return {k: float(v) for k, v in out.items()}
