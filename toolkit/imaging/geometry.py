"""Change voxel size (resampling) while keeping every voxel in its place in the patient."""
from __future__ import annotations

import numpy as np

from .._utils.validation import check_one_of
from .volume import Volume

__all__ = ["resample", "to_canonical"]


def resample(volume: Volume, spacing_mm: float | tuple[float, float, float],
             order: int = 1) -> Volume:
    """Resample a volume to a new voxel size; the affine is updated to match.

    Models and radiomics need the same voxel size for every patient; scanners do not
    provide it, so images are resampled first.

    Parameters
    ----------
    volume : Volume
    spacing_mm : float or (float, float, float)
        New voxel size in mm along (i, j, k); one number means isotropic voxels.
    order : int, default 1
        Spline order: 0 = nearest neighbour (use it for masks and labels), 1 = linear,
        3 = cubic.

    Returns
    -------
    Volume
        The first voxel centre stays where it was; the grid covers the same extent
        (rounded down to whole voxels).

    Raises
    ------
    ValueError
        A spacing that is not positive, or ``order`` outside 0-5.

    Notes
    -----
    New voxel ``i'`` samples the old grid at ``i = i' * new / old`` (scipy.ndimage.affine_transform,
    edge values repeated); the affine's first three columns are scaled by ``new / old``.

    Examples
    --------
    >>> v = Volume(np.arange(4.0).reshape(4, 1, 1), np.diag([1.0, 1.0, 1.0, 1.0]))
    >>> w = resample(v, (0.5, 1.0, 1.0))
    >>> w.array[:, 0, 0].tolist(), w.spacing
    ([0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0], (0.5, 1.0, 1.0))

    Taught in lesson 07.
    """
    from scipy import ndimage

    new = np.broadcast_to(np.asarray(spacing_mm, dtype=float), (3,))
    if np.any(new <= 0) or not np.all(np.isfinite(new)):
        raise ValueError(f"spacing_mm must be positive numbers (mm); got {spacing_mm!r}")
    check_one_of("order", order, range(6))
    old = np.asarray(volume.spacing)
    ratio = new / old
    shape = tuple(int(np.floor((n - 1) / r + 1e-6)) + 1 for n, r in zip(volume.shape, ratio))
    array = ndimage.affine_transform(volume.array.astype(np.float32), ratio, output_shape=shape,
                                     order=order, mode="nearest")
    affine = volume.affine.copy()
    affine[:3, :3] = affine[:3, :3] * ratio
    return Volume(array, affine, dict(volume.metadata))


def to_canonical(volume: Volume) -> Volume:
    """Reorder (flip and swap) the axes so that i, j, k point as close as possible to R, A, S.

    Two readers can store the same scan in different voxel orders (DICOM keeps the scanner's
    order); after this step arrays from different sources can be compared voxel by voxel.
    No value is interpolated.

    Parameters
    ----------
    volume : Volume

    Returns
    -------
    Volume
        Same voxels and positions in mm; the affine's diagonal becomes positive for an
        axial scan (nibabel's ``as_closest_canonical``).

    Examples
    --------
    >>> v = Volume(np.arange(3.0).reshape(3, 1, 1), np.diag([-2.0, 1.0, 1.0, 1.0]))
    >>> c = to_canonical(v)
    >>> c.array.ravel().tolist(), np.diag(c.affine).tolist()
    ([2.0, 1.0, 0.0], [2.0, 1.0, 1.0, 1.0])

    Taught in lesson 08.
    """
    import nibabel as nib

    img = nib.as_closest_canonical(nib.Nifti1Image(volume.array, volume.affine))
    return Volume(np.asarray(img.dataobj), img.affine, dict(volume.metadata))
