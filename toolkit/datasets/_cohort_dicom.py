"""DICOM MR series for the SYNTHETIC cohort, with FAKE but realistic identifiers.

The identifiers (names, IDs, birth dates, hospitals, physicians, private tags) are invented
and exist only as material for the de-identification lesson. Every file says
"SYNTHETIC - not a real patient" in PatientComments and ImageComments.

Geometry: one axial slice per file, written by `toolkit.imaging.write_dicom_series` (which
does the RAS -> LPS conversion, pixel encoding and UIDs). Pixel (row r, column c) of slice k
is NIfTI voxel (X-1-c, Y-1-r, k): columns run towards the patient's left and rows towards
posterior, i.e. ImageOrientationPatient = [1, 0, 0, 0, 1, 0] (the usual radiological axial view).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np

RESCALE_SLOPE = 0.01  # stored integer x slope + intercept = intensity (a.u.)
PRIVATE_GROUP = 0x0011
PRIVATE_CREATOR = "TOOLKIT SYNTHETIC COHORT"

SITE_INFO = {
    "site_A": {"institution": "Northbridge General Hospital",
               "address": "12 Harbour Road, Northbridge NB1 4QZ, Freedonia",
               "manufacturer": "Acme Medical Systems", "model": "Acme Vista 3T",
               "field_T": 3.0, "station": "NBGH-MR01", "serial": "AC31877", "department": "Neuroradiology"},
    "site_B": {"institution": "St Aldric University Medical Centre",
               "address": "1 College Green, Aldricton AL2 9XY, Freedonia",
               "manufacturer": "Borealis Imaging", "model": "Aurora 1.5",
               "field_T": 1.5, "station": "SAUMC-MRI-2", "serial": "BI-20414", "department": "Radiology"},
    "site_C": {"institution": "Lakeside Regional Imaging Clinic",
               "address": "88 Shore Lane, Lakeside LK7 3PL, Freedonia",
               "manufacturer": "Caldera MR", "model": "Caldera Open 1.0",
               "field_T": 1.0, "station": "LRIC_SCANNER_B", "serial": "CMR0963", "department": "Imaging"},
}
GIVEN_F = ["Amara", "Li", "Sofia", "Chiamaka", "Mei", "Hannah", "Yetunde", "Ingrid", "Xiu", "Claire"]
GIVEN_M = ["Tobi", "Wei", "Lars", "Emeka", "Jun", "Thomas", "Kwame", "Oliver", "Hao", "Pierre"]
FAMILY = ["Okafor", "Zhang", "Andersen", "Adeyemi", "Chen", "Whitfield", "Mensah", "Lindqvist",
          "Wang", "Moreau", "Fairbanks", "Osei", "Liu", "Brennan", "Nakamura"]
DOCTORS = ["Hartley^Miriam^^Dr", "Balogun^Femi^^Dr", "Sato^Keiko^^Dr", "Novak^Pavel^^Dr"]
OPERATORS = ["Reyes^Ana", "Kowalski^Jan", "Abiola^Tunde", "Park^Min"]


def fake_identity(patient_id: str, age_years: float, sex: str, seed: int) -> dict:
    """Invented identifiers for one patient (deterministic from seed and patient id)."""
    key = int(patient_id[2:])
    rng = np.random.default_rng([seed, key, 7919])
    given = rng.choice(GIVEN_F if sex == "F" else GIVEN_M)
    study = dt.datetime(2023, 1, 2, 7, 30) + dt.timedelta(days=int(rng.integers(0, 700)),
                                                           minutes=int(rng.integers(0, 600)))
    birth = study.date() - dt.timedelta(days=int(round(age_years * 365.25)))
    return {"PatientName": f"{rng.choice(FAMILY)}^{given}", "PatientID": f"MRN{rng.integers(10**6, 10**7)}",
            "PatientBirthDate": birth.strftime("%Y%m%d"), "study": study,
            "AccessionNumber": f"ACC{rng.integers(10**7, 10**8)}",
            "ReferringPhysicianName": str(rng.choice(DOCTORS)),
            "OperatorsName": str(rng.choice(OPERATORS)),
            "PatientTelephoneNumbers": f"+99 {rng.integers(100, 999)} {rng.integers(1000, 9999)}",
            "OtherPatientIDs": f"NHS-FAKE-{rng.integers(10**8, 10**9)}"}


def _series_header(patient_id: str, row, seed: int, spacing_mm):
    """Dataset with everything shared by a patient's slices, apart from geometry, pixel
    encoding and UIDs (`write_dicom_series` sets those)."""
    from pydicom.dataset import Dataset

    who = fake_identity(patient_id, float(row["age_years"]), row["sex"], seed)
    site = SITE_INFO[row["site"]]
    ds = Dataset()
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.ImageType = ["ORIGINAL", "PRIMARY", "OTHER"]
    date, time = who["study"].strftime("%Y%m%d"), who["study"].strftime("%H%M%S")
    for prefix in ("Study", "Series", "Acquisition", "Content"):
        setattr(ds, f"{prefix}Date", date)
        setattr(ds, f"{prefix}Time", time)
    ds.AccessionNumber = who["AccessionNumber"]
    ds.BodyPartExamined = "BRAIN"  # unpaired organ, so no Laterality
    ds.Manufacturer = site["manufacturer"]
    ds.InstitutionName = site["institution"]
    ds.InstitutionAddress = site["address"]
    ds.ReferringPhysicianName = who["ReferringPhysicianName"]
    ds.StationName = site["station"]
    ds.StudyDescription = "MRI BRAIN"
    ds.SeriesDescription = "T1W 3D AXIAL (SYNTHETIC)"
    ds.InstitutionalDepartmentName = site["department"]
    ds.PerformingPhysicianName = who["ReferringPhysicianName"]
    ds.OperatorsName = who["OperatorsName"]
    ds.ManufacturerModelName = site["model"]
    ds.PatientName = who["PatientName"]
    ds.PatientID = who["PatientID"]
    ds.PatientBirthDate = who["PatientBirthDate"]
    ds.PatientSex = row["sex"]
    other = Dataset()
    other.PatientID, other.TypeOfPatientID = who["OtherPatientIDs"], "TEXT"
    ds.OtherPatientIDsSequence = [other]
    ds.PatientAge = f"{int(row['age_years']):03d}Y"
    ds.PatientTelephoneNumbers = who["PatientTelephoneNumbers"]
    ds.PatientComments = "SYNTHETIC - not a real patient"
    ds.ScanningSequence = "GR"
    ds.SequenceVariant = ["SP", "MP"]
    ds.ScanOptions = ""
    ds.MRAcquisitionType = "3D"
    ds.RepetitionTime = "2300"
    ds.EchoTime = "2.98"
    ds.EchoTrainLength = "1"
    ds.MagneticFieldStrength = f"{site['field_T']:g}"
    ds.SpacingBetweenSlices = f"{spacing_mm[2]:g}"
    ds.DeviceSerialNumber = site["serial"]
    ds.SoftwareVersions = "SYNTH 1.0"
    ds.ProtocolName = "BRAIN_T1_3D"
    ds.PatientPosition = "HFS"
    ds.StudyID = "1"
    ds.SeriesNumber = 3
    ds.AcquisitionNumber = 1
    ds.PositionReferenceIndicator = ""
    ds.ImageComments = "SYNTHETIC - not a real patient"
    ds.WindowCenter, ds.WindowWidth = "60", "160"
    block = ds.private_block(PRIVATE_GROUP, PRIVATE_CREATOR, create=True)
    block.add_new(0x01, "LO", row["site"])
    block.add_new(0x02, "LO", f"{who['PatientName']} {who['PatientID']}")  # identifiers hide here too
    block.add_new(0x03, "LO", "SYNTHETIC - not a real patient")
    return ds


def write_series(volume: np.ndarray, affine: np.ndarray, spacing_mm, patient_id: str, row,
                 folder: Path, seed: int) -> list[Path]:
    """Write one MR Image Storage file per axial slice of ``volume`` (RAS order) into ``folder``.

    The volume is handed to `toolkit.imaging.write_dicom_series` with its i and j axes
    reversed (the affine adjusted to match), so that columns run towards the patient's left
    and rows towards posterior: ImageOrientationPatient [1, 0, 0, 0, 1, 0].
    """
    from ..imaging.dicom_io import write_dicom_series
    from ..imaging.volume import Volume

    n_i, n_j = volume.shape[:2]
    reverse_ij = np.array([[-1, 0, 0, n_i - 1], [0, -1, 0, n_j - 1], [0, 0, 1, 0], [0, 0, 0, 1.0]])
    radiological = Volume(volume[::-1, ::-1, :], affine @ reverse_ij)
    return write_dicom_series(radiological, folder, modality="MR", random_state=seed,
                              header=_series_header(patient_id, row, seed, spacing_mm),
                              uid_key=f"toolkit-radiogenomic-cohort/{patient_id}",
                              rescale_slope=RESCALE_SLOPE, file_stem=patient_id)
