"""Read a DICOM series into a `Volume`: one folder of slices -> one 3-D array with geometry.

The steps a radiology viewer does silently, made visible:

1. read every file's header and group the files by SeriesInstanceUID;
2. sort slices by their position along the slice normal (n = row direction x column direction),
   never by file name or InstanceNumber, which need not follow anatomy;
3. convert stored values to physical ones: value = stored x RescaleSlope + RescaleIntercept
   (Hounsfield units, HU, for CT);
4. build the affine from ImageOrientationPatient, ImagePositionPatient and PixelSpacing
   (DICOM's LPS+ axes) and flip it to RAS+ (nibabel's convention).
"""
from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .._utils.files import atomic_write
from .._utils.validation import check_one_of
from .volume import Volume

if TYPE_CHECKING:  # for the annotations only; imported inside the functions
    import pandas
    import pydicom

__all__ = ["DicomReadError", "read_dicom_series", "read_dicom_file", "list_dicom_series",
           "write_dicom_series"]

LPS_TO_RAS = np.diag([-1.0, -1.0, 1.0, 1.0])


def _non_image_kinds() -> dict[str, str]:
    """What the DICOM objects that are not image slices are, by SOP Class UID (pydicom.uid's names)."""
    from pydicom import uid

    return {uid.RTStructureSetStorage: "an RT Structure Set (contours)", uid.RTPlanStorage: "an RT Plan",
            uid.BasicTextSRStorage: "a Basic Text SR (structured report)",
            uid.EnhancedSRStorage: "an Enhanced SR (structured report)",
            uid.ComprehensiveSRStorage: "a Comprehensive SR (structured report)",
            uid.TwelveLeadECGWaveformStorage: "a 12-lead ECG waveform"}


class DicomReadError(ValueError):
    """A DICOM file or folder cannot be read as an image series (the message names the file)."""


def _read_header(path: Path):
    """The header of one file; files without the 'DICM' preamble are accepted when they parse."""
    import pydicom
    from pydicom.errors import InvalidDicomError

    try:
        return pydicom.dcmread(path, stop_before_pixels=True)
    except InvalidDicomError:
        try:
            ds = pydicom.dcmread(path, stop_before_pixels=True, force=True)
        except Exception:
            ds = None
        if ds is not None and "SOPClassUID" in ds:
            return ds
        raise DicomReadError(f"{path.name} is not a DICOM file (no 'DICM' preamble and no "
                             "SOPClassUID); remove it or pass the right file") from None
    except (EOFError, OSError, ValueError) as err:
        raise DicomReadError(f"{path.name} cannot be read as DICOM ({err}); the file may be "
                             "truncated or damaged") from err


def _headers(folder: Path) -> list:
    """Every DICOM header in ``folder`` (not recursive), skipping non-DICOM files with a warning."""
    from pydicom.uid import MediaStorageDirectoryStorage  # a DICOMDIR: an index of files

    if not folder.is_dir():
        raise DicomReadError(f"folder {str(folder)!r} is missing; expected a folder of .dcm files")
    headers, skipped = [], []
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        try:
            ds = _read_header(path)
        except DicomReadError:
            skipped.append(path.name)
            continue
        meta = getattr(ds, "file_meta", None) or {}
        if meta.get("MediaStorageSOPClassUID", "") == MediaStorageDirectoryStorage:
            skipped.append(path.name)  # an index of files, not an image
        else:
            headers.append(ds)
    if skipped:
        warnings.warn(f"skipped {len(skipped)} non-DICOM file(s) in {folder}: {skipped[:5]}",
                      UserWarning, stacklevel=3)
    if not headers:
        raise DicomReadError(f"folder {str(folder)!r} is empty: no DICOM files found in it")
    return headers


def list_dicom_series(folder: str | os.PathLike) -> "pandas.DataFrame":
    """One row per series in ``folder``: UID, modality, description and number of files.

    Use it when a folder mixes series, then pick one with ``read_dicom_series(series_uid=...)``.

    Parameters
    ----------
    folder : path
        A folder of DICOM files.

    Returns
    -------
    DataFrame
        Columns ``series_uid``, ``modality``, ``description``, ``n_files``.

    Examples
    --------
    >>> from pydicom.data import get_testdata_file
    >>> folder = Path(get_testdata_file("DICOMDIR")).parent / "98892001" / "CT5N"
    >>> list_dicom_series(folder)[["modality", "n_files"]]
      modality  n_files
    0       CT        5

    No lesson calls it yet; ``read_dicom_series`` (lesson 07) points to it when a folder mixes series.
    """
    import pandas as pd

    rows = {}
    for ds in _headers(Path(folder)):
        uid = str(ds.get("SeriesInstanceUID", "<no SeriesInstanceUID>"))
        row = rows.setdefault(uid, {"series_uid": uid, "modality": ds.get("Modality", ""),
                                    "description": ds.get("SeriesDescription", ""), "n_files": 0})
        row["n_files"] += 1
    return pd.DataFrame(list(rows.values()))


def _select_series(headers: list, folder: Path, series_uid: str | None) -> list:
    groups: dict[str, list] = {}
    for ds in headers:
        groups.setdefault(str(ds.get("SeriesInstanceUID", "")), []).append(ds)
    if series_uid is not None:
        if series_uid not in groups:
            raise DicomReadError(f"series_uid must be one of {sorted(groups)}; got {series_uid!r}")
        return groups[series_uid]
    if len(groups) > 1:
        listing = "; ".join(f"{uid} ({len(g)} files, {g[0].get('Modality', '?')} "
                            f"{g[0].get('SeriesDescription', '')!s})".replace(" )", ")")
                            for uid, g in groups.items())
        raise DicomReadError(f"folder {str(folder)!r} mixes {len(groups)} series: {listing}. "
                             "Pass series_uid=... to read one (list_dicom_series() shows them).")
    return next(iter(groups.values()))


def _check_is_image(ds) -> None:
    name = Path(str(ds.filename)).name
    if "ImageOrientationPatient" not in ds or "ImagePositionPatient" not in ds:
        kind = _non_image_kinds().get(str(ds.get("SOPClassUID", "")), f"a {ds.get('Modality', '?')} object")
        raise DicomReadError(f"{name} is {kind}, not a slice of a 3-D image: expected "
                             "ImageOrientationPatient and ImagePositionPatient; found none. "
                             "Read it with pydicom.dcmread() instead.")
    if "PixelSpacing" not in ds:
        raise DicomReadError(f"{name} has no PixelSpacing; expected the in-plane voxel size in mm "
                             "(projection images use ImagerPixelSpacing: read them with pydicom)")
    if int(ds.get("NumberOfFrames", 1) or 1) > 1:
        raise DicomReadError(f"{name} is a multi-frame (enhanced) object with {ds.NumberOfFrames} "
                             "frames; this reader handles one slice per file. Try SimpleITK.ReadImage().")


def _geometry(headers: list) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row and column direction cosines, and each slice's position (LPS, mm)."""
    iop = np.array(headers[0].ImageOrientationPatient, dtype=float)
    for ds in headers[1:]:
        if not np.allclose(np.array(ds.ImageOrientationPatient, dtype=float), iop, atol=1e-4):
            raise DicomReadError(f"{Path(ds.filename).name} has ImageOrientationPatient "
                                 f"{list(ds.ImageOrientationPatient)}; expected {iop.tolist()} as in "
                                 f"{Path(headers[0].filename).name}. The series mixes orientations.")
    positions = np.array([ds.ImagePositionPatient for ds in headers], dtype=float)
    return iop[:3], iop[3:], positions


def _slice_step(positions: np.ndarray, normal: np.ndarray, folder: Path,
                thickness: float | None) -> np.ndarray:
    """The vector (LPS, mm) from one slice centre to the next; warns on uneven gaps or tilt."""
    if len(positions) == 1:
        return normal * (thickness or 1.0)
    gaps = np.diff(positions @ normal)
    if np.any(gaps < 1e-3):
        raise DicomReadError(f"two slices in {str(folder)!r} share the same position along the "
                             "slice normal; duplicates or a second acquisition are mixed in")
    if np.ptp(gaps) > max(0.01 * np.median(gaps), 1e-3):
        warnings.warn(f"slice spacing in {str(folder)!r} is not uniform: gaps from {gaps.min():.3g} "
                      f"to {gaps.max():.3g} mm (missing slices?); the affine uses the mean gap "
                      f"{gaps.mean():.3g} mm, so positions between slices are approximate.",
                      UserWarning, stacklevel=3)
    step = (positions[-1] - positions[0]) / (len(positions) - 1)
    tilt = np.degrees(np.arccos(np.clip(step @ normal / np.linalg.norm(step), -1, 1)))
    if tilt > 0.1:
        warnings.warn(f"slices in {str(folder)!r} are offset sideways by {tilt:.1f} degrees (gantry "
                      "tilt): the affine is sheared to keep every voxel in its true place.",
                      UserWarning, stacklevel=3)
    return step


def _pixels(ds) -> np.ndarray:
    """Stored values x RescaleSlope + RescaleIntercept, as float32, shape (rows, columns)."""
    name = Path(str(ds.filename)).name
    if "PixelData" not in ds:
        raise DicomReadError(f"{name} has no pixel data (PixelData missing); expected an image slice")
    try:
        stored = ds.pixel_array
    except Exception as err:  # pydicom raises ValueError, AttributeError, ... for damaged data
        raise DicomReadError(f"{name}: pixel data cannot be decoded ({err}). The file may be "
                             "truncated (interrupted copy?); copy it again from the source.") from err
    if stored.shape != (ds.Rows, ds.Columns):
        raise DicomReadError(f"{name}: pixel data has shape {stored.shape}; expected "
                             f"(Rows, Columns) = ({ds.Rows}, {ds.Columns})")
    slope = float(ds.get("RescaleSlope", 1) or 1)
    intercept = float(ds.get("RescaleIntercept", 0) or 0)
    return stored.astype(np.float32) * np.float32(slope) + np.float32(intercept)


def read_dicom_series(folder: str | os.PathLike, series_uid: str | None = None) -> Volume:
    """Read one DICOM series (a folder of single-slice files) into a `Volume`.

    Turns what a scanner exported into an array in physical units (HU for CT) whose
    ``affine`` says where every voxel is in the patient.

    Parameters
    ----------
    folder : path
        Folder holding the series' files (any names, any order; non-DICOM files are skipped).
    series_uid : str, optional
        SeriesInstanceUID to read when the folder holds several series.

    Returns
    -------
    Volume
        ``array`` float32, axes (i, j, k) = (column, row, slice sorted along the normal);
        ``affine`` voxel -> RAS+ mm; ``metadata`` with modality, units, series UID and files.

    Raises
    ------
    DicomReadError
        Missing or empty folder, several series without ``series_uid``, a non-image object
        (RT structure set, SR), mixed orientations, missing or truncated pixel data.

    Warns
    -----
    UserWarning
        Non-uniform slice spacing or gantry tilt (the affine is then approximate or sheared).

    Notes
    -----
    Voxel (i, j, k) sits at ``P0 + i*dc*r + j*dr*c + k*s`` (LPS+), with r, c the row and column
    direction cosines (ImageOrientationPatient), (dr, dc) = PixelSpacing, P0 the first slice's
    ImagePositionPatient and s the mean slice step; DICOM PS3.3 C.7.6.2.1.1.

    Examples
    --------
    >>> from pydicom.data import get_testdata_file
    >>> folder = Path(get_testdata_file("DICOMDIR")).parent / "98892001" / "CT5N"
    >>> vol = read_dicom_series(folder)  # a real 5-slice CT, shrunk to 16 x 16 pixels
    >>> vol.spacing, vol.metadata["units"]
    ((0.488281, 0.488281, 2.5), 'HU')

    Taught in lesson 07.
    """
    folder = Path(folder)
    return _to_volume(_select_series(_headers(folder), folder, series_uid), folder)


def read_dicom_file(path: str | os.PathLike) -> Volume:
    """Read a single DICOM image file (one slice) into a `Volume` of shape (n_i, n_j, 1).

    The slice thickness (SliceThickness, mm; 1 mm if absent) is used as the k spacing.

    Examples
    --------
    >>> from pydicom.data import get_testdata_file
    >>> read_dicom_file(get_testdata_file("CT_small.dcm"))
    <Volume: shape (128, 128, 1) (i, j, k), spacing (0.661468, 0.661468, 5.0) mm, values -896 to 1167, CT>

    Taught in lesson 07.
    """
    path = Path(path)
    if not path.is_file():
        raise DicomReadError(f"file {str(path)!r} is missing")
    return _to_volume([_read_header(path)], path.parent)


def _to_volume(headers: list, folder: Path) -> Volume:
    """Sort, decode, rescale and locate the slices of one series."""
    for ds in headers:
        _check_is_image(ds)
    row_dir, col_dir, positions = _geometry(headers)
    normal = np.cross(row_dir, col_dir)
    order = np.argsort(positions @ normal, kind="stable")
    headers, positions = [headers[i] for i in order], positions[order]
    step = _slice_step(positions, normal, folder, headers[0].get("SliceThickness"))
    import pydicom

    slices = [_pixels(pydicom.dcmread(ds.filename, force=True)) for ds in headers]
    array = np.stack(slices, axis=-1).transpose(1, 0, 2)  # (row, col, k) -> (i, j, k)
    dr, dc = (float(v) for v in headers[0].PixelSpacing)
    lps = np.eye(4)
    lps[:3, 0], lps[:3, 1], lps[:3, 2], lps[:3, 3] = row_dir * dc, col_dir * dr, step, positions[0]
    first = headers[0]
    modality = str(first.get("Modality", ""))
    metadata = {"modality": modality, "units": "HU" if modality == "CT" else "arbitrary",
                "series_uid": str(first.get("SeriesInstanceUID", "")),
                "series_description": str(first.get("SeriesDescription", "")),
                "files": [str(ds.filename) for ds in headers]}
    return Volume(array, LPS_TO_RAS @ lps, metadata)


def write_dicom_series(volume: Volume, folder: str | os.PathLike, modality: str = "CT",
                       patient: dict | None = None, shuffle_names: bool = False,
                       random_state: int = 0, *, header: "pydicom.Dataset | None" = None,
                       uid_key: str = "", rescale_slope: float = 1.0,
                       file_stem: str = "slice") -> list[Path]:
    """Write a `Volume` as a DICOM series, one file per k slice (CT or MR Image Storage).

    Lessons and tests use it to make small series with a known truth (geometry, HU,
    identifiers to remove). SYNTHETIC: the identifiers are whatever ``patient`` says.

    Parameters
    ----------
    volume : Volume
        Values in HU for CT (stored as int16 with RescaleSlope 1, RescaleIntercept -1024),
        or MR values (stored as uint16: value / ``rescale_slope``, rounded, clipped to 0-65535).
    folder : path
        Created if needed; files are named ``<file_stem>_NNN.dcm``.
    modality : {"CT", "MR"}
    patient : dict, optional
        Extra attributes by keyword, e.g. ``{"PatientName": "Doe^Jane", "PatientID": "12345"}``.
    shuffle_names : bool, default False
        Number the files in random order, so that file names say nothing about anatomy.
    random_state : int
        Seed for the UIDs and the shuffling.
    header : pydicom Dataset, optional
        Attributes copied into every slice after the geometry and pixel ones (study, site,
        private tags, ...); ``patient`` is applied last.
    uid_key : str, default ""
        Extra text the UIDs are derived from, so that series written with the same
        ``random_state`` (e.g. one per patient) get different UIDs.
    rescale_slope : float, default 1.0
        MR only: stored value x RescaleSlope = value (e.g. 0.01 keeps two decimals).
    file_stem : str, default "slice"

    Returns
    -------
    list of Path, in slice order (k = 0, 1, ...).

    Examples
    --------
    >>> vol = Volume(np.zeros((4, 4, 3)), np.diag([-0.5, -0.5, 2.0, 1.0]))
    >>> write_dicom_series(vol, "series/")  # doctest: +SKIP

    Taught in lesson 07.
    """
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian, MRImageStorage, generate_uid

    check_one_of("modality", modality, ("CT", "MR"))
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(random_state)
    lps = LPS_TO_RAS @ volume.affine
    dc, dr, _ = volume.spacing
    sop_class = {"CT": CTImageStorage, "MR": MRImageStorage}[modality]
    key = [str(random_state), uid_key] if uid_key else [str(random_state)]
    study, series, frame = (generate_uid(entropy_srcs=[*key, s]) for s in "abc")
    numbers = rng.permutation(volume.shape[2]) if shuffle_names else np.arange(volume.shape[2])
    paths = []
    for k in range(volume.shape[2]):
        ds = Dataset()
        ds.file_meta = FileMetaDataset()
        ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds.SOPClassUID, ds.file_meta.MediaStorageSOPClassUID = sop_class, sop_class
        ds.SOPInstanceUID = generate_uid(entropy_srcs=[str(random_state), series, str(k)])
        ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
        ds.Modality, ds.StudyInstanceUID, ds.SeriesInstanceUID = modality, study, series
        ds.FrameOfReferenceUID, ds.InstanceNumber = frame, int(numbers[k]) + 1
        ds.PatientName, ds.PatientID = "SYNTHETIC^PATIENT", "SYNTH0001"
        ds.ImageOrientationPatient = [round(float(v), 8) for v in
                                      [*(lps[:3, 0] / dc), *(lps[:3, 1] / dr)]]
        position = lps[:3, 3] + k * lps[:3, 2]
        ds.ImagePositionPatient = [round(float(v), 6) for v in position]
        normal = np.cross(lps[:3, 0], lps[:3, 1]) / (dc * dr)
        ds.SliceLocation = round(float(position @ normal), 6)
        ds.PixelSpacing, ds.SliceThickness = [round(dr, 6), round(dc, 6)], round(volume.spacing[2], 6)
        plane = volume.array[:, :, k].T  # (i, j) -> (rows = j, columns = i)
        if modality == "CT":
            ds.RescaleSlope, ds.RescaleIntercept, ds.RescaleType = 1, -1024, "HU"
            stored, ds.PixelRepresentation = np.round(plane + 1024).astype(np.int16), 1
        else:
            stored = np.clip(np.round(plane / rescale_slope), 0, 65535).astype(np.uint16)
            ds.PixelRepresentation = 0
            if rescale_slope != 1:
                ds.RescaleIntercept, ds.RescaleSlope, ds.RescaleType = 0, rescale_slope, "US"
        ds.Rows, ds.Columns = stored.shape
        ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
        ds.BitsAllocated, ds.BitsStored, ds.HighBit = 16, 16, 15
        ds.PixelData = stored.tobytes()
        ds.update(header if header is not None else {})
        for keyword, value in (patient or {}).items():
            setattr(ds, keyword, value)
        path = folder / f"{file_stem}_{int(numbers[k]):03d}.dcm"
        atomic_write(path, lambda tmp, ds=ds: ds.save_as(tmp, enforce_file_format=True))  # never half-written
        paths.append(path)
    return paths
