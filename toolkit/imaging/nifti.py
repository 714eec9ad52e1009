"""Read NIfTI files, and any supported image (NIfTI or DICOM), into a `Volume`."""
from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np

from .volume import Volume

__all__ = ["read_nifti", "read_image"]

NIFTI_SUFFIXES = (".nii", ".nii.gz", ".img", ".hdr")


def read_nifti(path: str | os.PathLike) -> Volume:
    """Read a NIfTI file (``.nii`` or ``.nii.gz``) into a `Volume`.

    Research pipelines store images as NIfTI: one file, one array, one affine (RAS+ mm).

    Parameters
    ----------
    path : path
        The NIfTI file.

    Returns
    -------
    Volume
        ``array`` float32 with the file's axis order (i, j, k); ``affine`` from the header
        (sform, else qform), voxel -> RAS+ mm.

    Raises
    ------
    FileNotFoundError
        The file is missing.
    ValueError
        The file is not 3-D (4-D time series: pick a volume with nibabel first).

    Warns
    -----
    UserWarning
        The image holds NaN (not-a-number) voxels; they are kept, and the message says how many.

    Examples
    --------
    >>> import nibabel as nib, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "cube.nii.gz")
    >>> nib.save(nib.Nifti1Image(np.ones((2, 2, 2), "float32"), np.eye(4)), path)
    >>> read_nifti(path)
    <Volume: shape (2, 2, 2) (i, j, k), spacing (1.0, 1.0, 1.0) mm, values 1 to 1>

    Taught in lesson 07.
    """
    import nibabel as nib

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"NIfTI file {str(path)!r} is missing")
    try:
        img = nib.load(path)
    except Exception as err:
        raise ValueError(f"{path.name} cannot be read as NIfTI ({err}); is it truncated?") from err
    array = np.asarray(img.dataobj, dtype=np.float32)
    if array.ndim == 4 and array.shape[3] == 1:
        array = array[..., 0]
    if array.ndim != 3:
        raise ValueError(f"{path.name} has shape {array.shape}; expected a 3-D image. "
                         "For a 4-D series pick one volume: nibabel.funcs.four_to_three(img)[0].")
    n_nan = int(np.isnan(array).sum())
    if n_nan:
        warnings.warn(f"{path.name} contains {n_nan} NaN voxel(s) of {array.size}; they are kept. "
                      "Replace them (np.nan_to_num) before computing statistics.",
                      UserWarning, stacklevel=2)
    return Volume(array, img.affine, {"modality": "", "units": "arbitrary", "files": [str(path)]})


def read_image(path: str | os.PathLike, **kwargs) -> Volume:
    """Read a medical image into a `Volume`, whatever the format.

    ``.nii``/``.nii.gz`` -> `read_nifti`; a folder -> `read_dicom_series`; any other file ->
    `read_dicom_file` (one DICOM slice).

    Parameters
    ----------
    path : path
        A NIfTI file, a DICOM file or a folder holding one DICOM series.
    **kwargs
        Passed to `read_dicom_series` (e.g. ``series_uid``).

    Examples
    --------
    >>> from pydicom.data import get_testdata_file
    >>> read_image(get_testdata_file("MR_small.dcm")).shape
    (64, 64, 1)

    Taught in lesson 07.
    """
    from .dicom_io import read_dicom_file, read_dicom_series

    path = Path(path)
    if path.is_dir():
        return read_dicom_series(path, **kwargs)
    if not path.exists():
        raise FileNotFoundError(f"image {str(path)!r} is missing; expected a NIfTI file, "
                                "a DICOM file or a folder of DICOM files")
    if path.name.lower().endswith(NIFTI_SUFFIXES):
        return read_nifti(path)
    return read_dicom_file(path)
