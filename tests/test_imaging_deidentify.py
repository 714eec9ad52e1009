"""De-identification: every attribute in PS3.15 Table E.1-1 loses its original content.

Checked over all of pydicom's bundled test files that pydicom can read, a synthetic series
with identifiers, and the synthetic cohort's DICOM once it exists.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from helpers import need_tool

import pydicom  # noqa: E402

from pydicom.data import get_testdata_file, get_testdata_files  # noqa: E402
from pydicom.errors import InvalidDicomError  # noqa: E402

from toolkit.imaging.deidentify import deidentify, load_basic_profile, new_uid  # noqa: E402
from toolkit.imaging.dicom_io import read_dicom_series, write_dicom_series  # noqa: E402
from toolkit.imaging.volume import Volume  # noqa: E402

IDENTITY = {"PatientName": "Doe^Jane^Q", "PatientID": "MRN-0042", "PatientBirthDate": "19610203",
            "PatientAge": "063Y", "PatientSex": "F", "PatientAddress": "1 Main St, Springfield",
            "InstitutionName": "St Elsewhere Hospital", "ReferringPhysicianName": "House^Gregory",
            "OperatorsName": "Tech^Terry", "AccessionNumber": "ACC123456", "StudyID": "S42",
            "StudyDate": "20240315", "SeriesDate": "20240315", "StudyTime": "101500",
            "StudyDescription": "MRI brain with contrast for Jane Doe", "StationName": "MR-ROOM-2",
            "DeviceSerialNumber": "SN-998877", "OtherPatientIDs": "OLD-777"}


def _read(path):
    try:
        return pydicom.dcmread(path)
    except InvalidDicomError:
        ds = pydicom.dcmread(path, force=True)
        return ds if "SOPClassUID" in ds else None


def _elements(ds):
    """path -> element for every element, through sequences; file meta included."""
    out = _elements_of_item(ds.file_meta, "") if getattr(ds, "file_meta", None) is not None else {}
    out.update(_elements_of_item(ds, ""))
    return out


def _elements_of_item(item, prefix):
    out = {}
    for elem in item:
        path = f"{prefix}({elem.tag.group:04X},{elem.tag.element:04X})"
        out[path] = elem
        if elem.VR == "SQ":
            for n, sub in enumerate(elem.value):
                out.update(_elements_of_item(sub, f"{path}[{n}]."))
    return out


def _profile_matchers():
    """(tag value, mask, action, name) for every row of the table."""
    rows = []
    for tag, keyword, name, action in load_basic_profile().itertuples(index=False):
        group, element = tag.split(",")
        value = int(group.replace("x", "0"), 16) << 16 | int(element.replace("x", "0"), 16)
        mask = (0xFF00 if "x" in group else 0xFFFF) << 16 | (0 if "x" in element else 0xFFFF)
        rows.append((value, mask, action, keyword or name))
    return rows


def _empty(value) -> bool:
    return value is None or (not isinstance(value, (int, float)) and len(value) == 0)


def _assert_profile_applied(original, cleaned, label) -> int:
    """Every listed attribute present in the original is gone, empty or changed; returns count."""
    before, after = _elements(original), _elements(cleaned)
    rules = _profile_matchers()
    exact = {value: (action, name) for value, mask, action, name in rules if mask == 0xFFFFFFFF}
    masked = [r for r in rules if r[1] != 0xFFFFFFFF]
    checked = 0
    for path, elem in before.items():
        tag = int(elem.tag)
        rule = exact.get(tag) or next(((a, n) for v, m, a, n in masked if tag & m == v), None)
        if rule is None or elem.VR == "SQ" or _empty(elem.value):
            continue
        checked += 1
        new = after.get(path)
        assert new is None or _empty(new.value) or str(new.value) != str(elem.value), (
            f"{label}: {path} {rule[1]} (rule {rule[0]}) kept its original value {elem.value!r}")
    private = [p for p, e in after.items() if e.tag.is_private]
    assert not private, f"{label}: private attributes left: {private[:5]}"
    assert cleaned.PatientIdentityRemoved == "YES"
    assert cleaned.DeidentificationMethodCodeSequence[0].CodeValue == "113100"
    return checked


def _copy_pydicom_test_files(folder: Path) -> list[Path]:
    folder.mkdir()
    copies = []
    for n, name in enumerate(get_testdata_files()):
        if Path(name).is_file():
            copies.append(Path(shutil.copy(name, folder / f"{n:03d}_{Path(name).name}")))
    return copies


def test_profile_table_is_complete_and_well_formed():
    profile = load_basic_profile()
    assert len(profile) >= 600 and profile["tag"].is_unique
    assert set(profile["action"]) == {"X", "Z", "D", "U", "X/Z", "X/D", "Z/D", "X/Z/D", "X/Z/U*"}
    actions = profile.set_index("keyword")["action"]
    assert actions["PatientName"] == "Z" and actions["PatientBirthDate"] == "Z"
    assert actions["StudyInstanceUID"] == "U" and actions["SOPInstanceUID"] == "U"
    assert actions["InstitutionName"] == "X/Z/D" and actions["PatientAddress"] == "X"
    assert actions["ReferencedImageSequence"] == "X/Z/U*"
    assert {"60xx,3000", "50xx,xxxx"} <= set(profile["tag"])


def test_every_readable_pydicom_test_file_loses_every_listed_attribute(tmp_path):
    src = tmp_path / "src"
    copies = _copy_pydicom_test_files(src)
    with pytest.warns(UserWarning, match="identifying text in the pixels"):
        report = deidentify(src, tmp_path / "out", salt="test-salt")
    n_files = n_checked = 0
    for path in copies:
        original = _read(path)
        if original is None:
            assert (report["file"] == str((tmp_path / "out" / path.name).resolve())).any()
            continue
        cleaned = pydicom.dcmread(tmp_path / "out" / path.name, force=True)
        n_checked += _assert_profile_applied(original, cleaned, path.name)
        n_files += 1
    assert n_files >= 150 and n_checked >= 2000, (n_files, n_checked)
    print(f"\nde-identified {n_files} pydicom test files; {n_checked} listed attribute values checked")


def _series_with_identifiers(folder, seed=0):
    rng = np.random.default_rng(seed)
    vol = Volume(rng.integers(0, 500, (8, 7, 5)).astype(np.float32), np.diag([-0.9, -0.9, 3.0, 1.0]))
    identity = dict(IDENTITY)
    paths = write_dicom_series(vol, folder, modality="MR", patient=identity, random_state=seed)
    for path in paths:  # a private vendor block and a nested identifier, as real scanners write
        ds = pydicom.dcmread(path)
        block = ds.private_block(0x0029, "ACME 1.0", create=True)
        block.add_new(0x01, "LO", "Jane Doe, MRN-0042")
        item = pydicom.Dataset()
        item.ReferencedSOPInstanceUID, item.ReferencedSOPClassUID = ds.SOPInstanceUID, ds.SOPClassUID
        item.PatientName = "Doe^Jane"
        ds.SourceImageSequence = [item]
        ds.save_as(path)
    return vol, paths


def test_series_with_identifiers_is_clean_and_still_readable(tmp_path):
    vol, paths = _series_with_identifiers(tmp_path / "src")
    report = deidentify(tmp_path / "src", tmp_path / "out", salt="s")
    for path in paths:
        original, cleaned = pydicom.dcmread(path), pydicom.dcmread(tmp_path / "out" / path.name)
        _assert_profile_applied(original, cleaned, path.name)
        assert cleaned.PatientName == "" and cleaned.PatientID.startswith("ANON-")
        assert "PatientAddress" not in cleaned and "OtherPatientIDs" not in cleaned
        assert cleaned.InstitutionName == "ANONYMIZED"
        item = cleaned.SourceImageSequence[0]  # nested: UID remapped, name emptied
        assert item.ReferencedSOPInstanceUID == cleaned.SOPInstanceUID == new_uid(original.SOPInstanceUID, "s")
        assert item.PatientName == ""
        assert cleaned.file_meta.MediaStorageSOPInstanceUID == cleaned.SOPInstanceUID
        assert cleaned.LongitudinalTemporalInformationModified == "MODIFIED"
    again = read_dicom_series(tmp_path / "out")
    np.testing.assert_array_equal(again.array, vol.array)
    np.testing.assert_allclose(again.affine, vol.affine, atol=1e-5)
    assert {"removed", "emptied", "replaced", "uid remapped", "date shifted"} <= set(report["change"])
    assert not report["new_value"].str.contains("Jane|Doe|MRN-0042|Elsewhere").any()


def test_uids_and_date_shifts_are_consistent_per_study_and_patient(tmp_path):
    _series_with_identifiers(tmp_path / "src" / "s1", seed=1)
    paths = _series_with_identifiers(tmp_path / "src" / "s2", seed=2)[1]
    for path in paths:  # the same patient, seen again 10 days later
        ds = pydicom.dcmread(path)
        ds.StudyDate = ds.SeriesDate = "20240325"
        ds.save_as(path)
    deidentify(tmp_path / "src", tmp_path / "out", salt="s")
    first = [pydicom.dcmread(p) for p in sorted((tmp_path / "out" / "s1").iterdir())]
    second = [pydicom.dcmread(p) for p in sorted((tmp_path / "out" / "s2").iterdir())]
    assert len({ds.StudyInstanceUID for ds in first}) == 1 and len({ds.SeriesInstanceUID for ds in first}) == 1
    assert first[0].StudyDate != "20240315"
    from datetime import datetime
    gap = datetime.strptime(second[0].StudyDate, "%Y%m%d") - datetime.strptime(first[0].StudyDate, "%Y%m%d")
    assert gap.days == 10  # the interval survives, the calendar dates do not
    assert first[0].PatientID == second[0].PatientID  # one pseudonym per patient


def test_same_salt_same_output_and_other_salt_differs(tmp_path):
    src = get_testdata_file("MR_small.dcm")
    deidentify(src, tmp_path / "a.dcm", salt="one")
    deidentify(src, tmp_path / "b.dcm", salt="one")
    deidentify(src, tmp_path / "c.dcm", salt="two")
    assert (tmp_path / "a.dcm").read_bytes() == (tmp_path / "b.dcm").read_bytes()
    assert pydicom.dcmread(tmp_path / "a.dcm").StudyInstanceUID != pydicom.dcmread(tmp_path / "c.dcm").StudyInstanceUID


def test_source_is_never_modified_and_nothing_half_written(tmp_path):
    src = Path(shutil.copy(get_testdata_file("CT_small.dcm"), tmp_path / "ct.dcm"))
    before = src.read_bytes()
    deidentify(src, tmp_path / "out", salt="s")  # "out" does not exist: it becomes the file
    assert src.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ct.dcm", "out"]
    with pytest.raises(ValueError, match="dst must differ from src"):
        deidentify(src, src, salt="s")
    with pytest.raises(ValueError, match="dst must be outside the source folder"):
        deidentify(tmp_path, tmp_path / "clean", salt="s")


def test_bad_arguments_have_clear_messages(tmp_path):
    with pytest.raises(FileNotFoundError, match="source .* is missing"):
        deidentify(tmp_path / "nothing", tmp_path / "out", salt="s")
    with pytest.raises(ValueError, match="salt must be a non-empty string"):
        deidentify(get_testdata_file("CT_small.dcm"), tmp_path / "o.dcm", salt="")
    with pytest.raises(ValueError, match=r"dates must be one of \['shift', 'profile'\]; got 'keep'"):
        deidentify(get_testdata_file("CT_small.dcm"), tmp_path / "o.dcm", salt="s", dates="keep")


def test_profile_dates_option_empties_study_date(tmp_path):
    deidentify(get_testdata_file("CT_small.dcm"), tmp_path / "o.dcm", salt="s", dates="profile")
    ds = pydicom.dcmread(tmp_path / "o.dcm")
    assert ds.StudyDate == "" and ds.SeriesDate == "19000101"  # Z empties, D gets a dummy
    assert "LongitudinalTemporalInformationModified" not in ds


def test_burned_in_annotation_is_flagged(tmp_path):
    ds = pydicom.dcmread(get_testdata_file("CT_small.dcm"))
    ds.BurnedInAnnotation = "YES"
    ds.save_as(tmp_path / "burned.dcm")
    with pytest.warns(UserWarning, match=r"1 file\(s\) may show identifying text.*burned_out.dcm"):
        report = deidentify(tmp_path / "burned.dcm", tmp_path / "burned_out.dcm", salt="s")
    assert report["change"].str.startswith("FLAG: burned-in annotation").sum() == 1


def test_synthetic_cohort_dicom_is_clean(tmp_path):
    from toolkit.datasets import make_radiogenomic_cohort

    cohort = make_radiogenomic_cohort(n_patients=3, size="tiny", random_state=0, out_dir=tmp_path / "cohort",
                                      write_dicom=True)
    dicom_root = tmp_path / "cohort" / "dicom"
    assert dicom_root.is_dir(), "write_dicom=True wrote no dicom/ folder"
    deidentify(dicom_root, tmp_path / "deid", salt="cohort")
    originals = sorted(p for p in dicom_root.rglob("*") if p.is_file())
    assert originals and len(cohort.clinical) == 3
    for path in originals:
        cleaned = pydicom.dcmread(tmp_path / "deid" / path.relative_to(dicom_root))
        _assert_profile_applied(pydicom.dcmread(path), cleaned, path.name)
    from toolkit.imaging import to_canonical

    first = cohort.clinical.index[0]  # the de-identified series still holds the same image
    volume = to_canonical(read_dicom_series(tmp_path / "deid" / first))
    np.testing.assert_allclose(volume.affine, cohort.affine, atol=1e-3)
    np.testing.assert_allclose(volume.array, cohort.images[0], atol=0.006)  # RescaleSlope 0.01


@pytest.mark.parametrize("name", ["CT_small.dcm", "MR_small.dcm", "rtplan.dcm"])
def test_deidentified_files_stay_valid_for_dciodvfy(tmp_path, name):
    """The DICOM validator finds no error in the output that was not already in the input."""
    import subprocess

    need_tool("dciodvfy")

    def errors(path):
        out = subprocess.run(["dciodvfy", str(path)], capture_output=True, text=True)
        return {line for line in (out.stdout + out.stderr).splitlines() if line.startswith("Error")}

    deidentify(get_testdata_file(name), tmp_path / name, salt="s")
    new_errors = errors(tmp_path / name) - errors(get_testdata_file(name))
    assert not new_errors, f"{name}: de-identification introduced {sorted(new_errors)[:5]}"


def test_rename_replaces_identifying_folder_and_file_names(tmp_path):
    _series_with_identifiers(tmp_path / "src" / "Doe_Jane_MRN-0042", seed=4)
    report = deidentify(tmp_path / "src", tmp_path / "out", salt="s", rename=True)
    written = sorted(p.relative_to(tmp_path / "out") for p in (tmp_path / "out").rglob("*.dcm"))
    assert len(written) == 5 and not any("Doe" in str(p) or "slice_" in str(p) for p in written)
    ds = pydicom.dcmread(tmp_path / "out" / written[0])
    assert written[0].parts == (ds.PatientID, ds.SeriesInstanceUID, f"{ds.SOPInstanceUID}.dcm")
    assert set(report["file"]) == {str(tmp_path.resolve() / "out" / p) for p in written}
    assert {"DeidentificationMethod", "PatientIdentityRemoved"} <= set(
        report.loc[report["change"] == "added", "keyword"])
