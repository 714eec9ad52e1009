"""DICOM series reading agrees with SimpleITK's ImageSeriesReader; bad input fails clearly."""
from __future__ import annotations

import shutil

import numpy as np
import pytest

import pydicom  # noqa: E402
import SimpleITK as sitk

from pydicom.data import get_testdata_file  # noqa: E402

from toolkit.imaging.dicom_io import (DicomReadError, list_dicom_series, read_dicom_file,  # noqa: E402
                                      read_dicom_series, write_dicom_series)
from toolkit.imaging.volume import Volume  # noqa: E402


def _rotation(ax: float, az: float) -> np.ndarray:
    a, z = np.radians(ax), np.radians(az)
    rx = np.array([[1, 0, 0], [0, np.cos(a), -np.sin(a)], [0, np.sin(a), np.cos(a)]])
    rz = np.array([[np.cos(z), -np.sin(z), 0], [np.sin(z), np.cos(z), 0], [0, 0, 1]])
    return rx @ rz


def _volume(spacing=(0.7, 0.9, 2.5), rotation=np.eye(3), origin=(10.0, -20.0, 30.0), seed=0):
    rng = np.random.default_rng(seed)
    affine = np.eye(4)
    affine[:3, :3] = rotation @ np.diag(spacing)
    affine[:3, 3] = origin
    return Volume(rng.integers(-1000, 2000, (6, 5, 4)).astype(np.float32), affine)


def _sitk_volume(folder):
    """SimpleITK's reading, converted to our conventions: (i, j, k) array and RAS affine."""
    reader = sitk.ImageSeriesReader()
    reader.SetFileNames(reader.GetGDCMSeriesFileNames(str(folder)))
    img = reader.Execute()
    array = sitk.GetArrayFromImage(img).transpose(2, 1, 0)  # SimpleITK gives (k, j, i)
    lps = np.eye(4)
    lps[:3, :3] = np.array(img.GetDirection()).reshape(3, 3) @ np.diag(img.GetSpacing())
    lps[:3, 3] = img.GetOrigin()
    return array, np.diag([-1.0, -1.0, 1.0, 1.0]) @ lps, img.GetSpacing()


def _assert_agrees_with_sitk(folder):
    ours = read_dicom_series(folder)
    array, affine, spacing = _sitk_volume(folder)
    np.testing.assert_array_equal(ours.array, array)
    np.testing.assert_allclose(ours.affine, affine, atol=1e-4)
    np.testing.assert_allclose(ours.spacing, spacing, atol=1e-4)
    return ours


@pytest.mark.parametrize("modality", ["CT", "MR"])
def test_axial_series_matches_sitk_and_truth(tmp_path, modality):
    truth = _volume()
    if modality == "MR":
        truth.array = truth.array + 1000  # MR stores non-negative values
    write_dicom_series(truth, tmp_path, modality=modality)
    ours = _assert_agrees_with_sitk(tmp_path)
    np.testing.assert_array_equal(ours.array, truth.array)
    np.testing.assert_allclose(ours.affine, truth.affine, atol=1e-5)
    assert ours.metadata["modality"] == modality
    assert ours.metadata["units"] == ("HU" if modality == "CT" else "arbitrary")


def test_ct_rescale_slope_and_intercept_give_hu(tmp_path):
    truth = _volume()
    write_dicom_series(truth, tmp_path, modality="CT")
    first = sorted(tmp_path.iterdir())[0]
    ds = pydicom.dcmread(first)
    assert (ds.RescaleSlope, ds.RescaleIntercept) == (1, -1024)
    ds.RescaleSlope = 2  # stored values now mean twice as many HU, minus 1024
    ds.save_as(first)
    ours = _assert_agrees_with_sitk(tmp_path)
    k = [str(f) for f in ours.metadata["files"]].index(str(first))
    expected = 2 * ds.pixel_array.T.astype(float) - 1024
    np.testing.assert_array_equal(ours.array[:, :, k], expected)


def test_oblique_series_with_shuffled_names_matches_sitk(tmp_path):
    truth = _volume(rotation=_rotation(15, 20))
    write_dicom_series(truth, tmp_path, shuffle_names=True, random_state=3)
    names = [p.name for p in sorted(tmp_path.iterdir())]
    order = [pydicom.dcmread(tmp_path / n).ImagePositionPatient for n in names]
    assert order != sorted(order, key=lambda p: float(np.dot(p, [0, 0, 1]))), "names not shuffled"
    ours = _assert_agrees_with_sitk(tmp_path)
    np.testing.assert_array_equal(ours.array, truth.array)
    np.testing.assert_allclose(ours.affine, truth.affine, atol=1e-5)


def test_order_comes_from_positions_not_instance_number(tmp_path):
    truth = _volume()
    paths = write_dicom_series(truth, tmp_path)
    for n, path in enumerate(reversed(paths)):  # InstanceNumber now runs feet-to-head
        ds = pydicom.dcmread(path)
        ds.InstanceNumber = n + 1
        ds.save_as(path)
    np.testing.assert_array_equal(read_dicom_series(tmp_path).array, truth.array)


def test_slices_stacked_against_the_normal_are_reordered_like_sitk(tmp_path):
    truth = _volume()
    truth.affine[:3, 2] *= -1  # k runs towards the feet: readers sort it head-wards
    write_dicom_series(truth, tmp_path)
    ours = _assert_agrees_with_sitk(tmp_path)
    np.testing.assert_array_equal(ours.array, truth.array[:, :, ::-1])


def test_non_uniform_spacing_warns(tmp_path):
    paths = write_dicom_series(_volume(), tmp_path)
    paths[1].unlink()
    with pytest.warns(UserWarning, match="not uniform: gaps from 2.5 to 5 mm"):
        read_dicom_series(tmp_path)


def test_gantry_tilt_warns_and_keeps_true_positions(tmp_path):
    truth = _volume()
    truth.affine[1, 2] = 0.5  # each slice shifted 0.5 mm anteriorly-posteriorly: a tilt
    write_dicom_series(truth, tmp_path)
    with pytest.warns(UserWarning, match="gantry tilt"):
        ours = read_dicom_series(tmp_path)
    np.testing.assert_allclose(ours.affine, truth.affine, atol=1e-5)


def test_two_series_in_one_folder_is_an_error_listing_them(tmp_path):
    write_dicom_series(_volume(), tmp_path / "a", random_state=1)
    write_dicom_series(_volume(seed=2), tmp_path / "b", random_state=2)
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    for sub in "ab":
        for p in (tmp_path / sub).iterdir():
            shutil.copy(p, mixed / f"{sub}_{p.name}")
    uids = list_dicom_series(mixed)["series_uid"].tolist()
    assert len(uids) == 2
    with pytest.raises(DicomReadError, match=r"mixes 2 series: .*4 files, CT.*series_uid="):
        read_dicom_series(mixed)
    chosen = read_dicom_series(mixed, series_uid=uids[0])
    assert chosen.metadata["series_uid"] == uids[0] and chosen.shape == (6, 5, 4)
    with pytest.raises(DicomReadError, match="series_uid must be one of"):
        read_dicom_series(mixed, series_uid="1.2.3")


def test_truncated_file_is_named_in_the_error(tmp_path):
    with pytest.raises(DicomReadError, match=r"MR_truncated.dcm: pixel data cannot be decoded.*truncated"):
        read_dicom_file(get_testdata_file("MR_truncated.dcm"))


@pytest.mark.parametrize("attribute, index, message", [("PixelSpacing", 0, "has no PixelSpacing"),
                                                       ("PixelData", 2, "has no pixel data")])
def test_missing_attribute_is_named(tmp_path, attribute, index, message):
    paths = write_dicom_series(_volume(), tmp_path)
    ds = pydicom.dcmread(paths[index])
    delattr(ds, attribute)
    ds.save_as(paths[index])
    with pytest.raises(DicomReadError, match=f"{paths[index].name} {message}"):
        read_dicom_series(tmp_path)


@pytest.mark.parametrize("name, kind", [("rtstruct.dcm", "RT Structure Set"),
                                        ("test-SR.dcm", "Comprehensive SR")])
def test_non_image_objects_are_refused(name, kind):
    with pytest.raises(DicomReadError, match=f"{name} is an? {kind}.*not a slice of a 3-D image"):
        read_dicom_file(get_testdata_file(name))


def test_non_dicom_files_are_skipped_with_a_warning(tmp_path):
    write_dicom_series(_volume(), tmp_path)
    (tmp_path / "notes.txt").write_text("not an image")
    with pytest.warns(UserWarning, match=r"skipped 1 non-DICOM file.*notes.txt"):
        assert read_dicom_series(tmp_path).shape == (6, 5, 4)


def test_missing_and_empty_folders_have_separate_messages(tmp_path):
    with pytest.raises(DicomReadError, match="is missing"):
        read_dicom_series(tmp_path / "nowhere")
    with pytest.raises(DicomReadError, match="is empty"):
        read_dicom_series(tmp_path)


def test_real_ct_small_in_hu_matches_sitk():
    path = get_testdata_file("CT_small.dcm")
    ours = read_dicom_file(path)
    img = sitk.ReadImage(path)
    np.testing.assert_array_equal(ours.array[:, :, 0], sitk.GetArrayFromImage(img)[0].T)
    np.testing.assert_allclose(ours.spacing[:2], img.GetSpacing()[:2])
    lps_origin = np.array(img.GetOrigin())
    np.testing.assert_allclose(ours.affine[:3, 3], lps_origin * [-1, -1, 1])
    assert ours.metadata["units"] == "HU" and ours.array.min() < -800  # air/lung region in HU


def test_write_dicom_series_validates_modality(tmp_path):
    with pytest.raises(ValueError, match=r"modality must be one of \['CT', 'MR'\]; got 'PET'"):
        write_dicom_series(_volume(), tmp_path, modality="PET")


def test_real_ct_series_from_pydicom_matches_sitk():
    from pathlib import Path

    folder = Path(get_testdata_file("DICOMDIR")).parent / "98892001" / "CT5N"
    if not folder.is_dir():
        pytest.skip("pydicom's dicomdirtests are not installed")
    ours = _assert_agrees_with_sitk(folder)
    assert ours.shape == (16, 16, 5) and ours.metadata["units"] == "HU"


def test_a_series_mixing_orientations_is_refused(tmp_path):
    paths = write_dicom_series(_volume(), tmp_path)
    ds = pydicom.dcmread(paths[1])
    ds.ImageOrientationPatient = [0, 1, 0, 0, 0, -1]
    ds.save_as(paths[1])
    with pytest.raises(DicomReadError, match=f"{paths[1].name} has ImageOrientationPatient.*mixes orientations"):
        read_dicom_series(tmp_path)
