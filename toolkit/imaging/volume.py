"""The `Volume` container: a 3-D image array plus where each voxel sits in the patient.

Axis order everywhere in `toolkit.imaging` is nibabel's: ``array[i, j, k]`` with

* ``i`` = column index of a DICOM slice (across the screen),
* ``j`` = row index of a DICOM slice (down the screen),
* ``k`` = slice index, ordered along the slice normal (never by file name).

``affine @ [i, j, k, 1]`` is the voxel centre in millimetres in RAS+ patient coordinates:
+x towards the patient's Right, +y Anterior, +z Superior. DICOM itself uses LPS+
(+x Left, +y Posterior, +z Superior); readers flip the first two axes.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["Volume"]


@dataclass(repr=False)
class Volume:
    """A 3-D medical image: voxel values, voxel size and position in the patient.

    A CT or MR series becomes one `Volume`; lessons compute on ``.array`` and use
    ``.affine`` to answer "where in the body is this voxel?".

    Parameters
    ----------
    array : array, shape (n_i, n_j, n_k)
        Voxel values (HU for CT after rescaling; arbitrary units for MR), axis order (i, j, k)
        = (column, row, slice) as described in the module docstring.
    affine : array, shape (4, 4)
        Voxel index -> RAS+ position in mm.
    metadata : dict, optional
        Anything worth keeping (modality, series UID, source files, units).

    Examples
    --------
    >>> v = Volume(np.zeros((4, 3, 2)), np.diag([0.5, 0.5, 2.0, 1.0]))
    >>> v
    <Volume: shape (4, 3, 2) (i, j, k), spacing (0.5, 0.5, 2.0) mm, values 0 to 0>
    >>> v.spacing
    (0.5, 0.5, 2.0)

    Taught in lesson 07.
    """

    array: np.ndarray
    affine: np.ndarray
    metadata: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.array = np.asarray(self.array)
        self.affine = np.asarray(self.affine, dtype=float)
        if self.array.ndim != 3:
            raise ValueError(f"array must be 3-D (i, j, k); got shape {self.array.shape}. "
                             "Use array[..., np.newaxis] for a single slice.")
        if self.affine.shape != (4, 4):
            raise ValueError(f"affine must have shape (4, 4); got {self.affine.shape}")

    @property
    def shape(self) -> tuple[int, int, int]:
        """Number of voxels along (i, j, k)."""
        return tuple(int(n) for n in self.array.shape)

    @property
    def spacing(self) -> tuple[float, float, float]:
        """Voxel size in mm along (i, j, k): the lengths of the affine's first three columns."""
        return tuple(round(float(s), 6) for s in np.linalg.norm(self.affine[:3, :3], axis=0))

    def world_coordinates(self, ijk) -> np.ndarray:
        """RAS+ position in mm of voxel index(es) ``ijk`` (shape (3,) or (n, 3))."""
        ijk = np.asarray(ijk, dtype=float)
        return ijk @ self.affine[:3, :3].T + self.affine[:3, 3]

    def to_nifti(self):
        """The volume as a ``nibabel.Nifti1Image`` (same array and affine); save it with
        ``nibabel.save(img, "scan.nii.gz")``."""
        import nibabel as nib

        img = nib.Nifti1Image(self.array, self.affine)
        img.header.set_xyzt_units("mm")
        return img

    def __repr__(self) -> str:
        a = self.array
        lo, hi = (f"{np.nanmin(a):.4g}", f"{np.nanmax(a):.4g}") if a.size else ("-", "-")
        modality = self.metadata.get("modality")
        extra = f", {modality}" if modality else ""
        return (f"<Volume: shape {self.shape} (i, j, k), spacing {self.spacing} mm, "
                f"values {lo} to {hi}{extra}>")
