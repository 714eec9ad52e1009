"""Volume, NIfTI reading, resampling, windowing and the slice viewer."""
from __future__ import annotations

import numpy as np
import pytest

import nibabel as nib

from toolkit.imaging import (WINDOW_PRESETS, Volume, read_image, read_nifti, resample,  # noqa: E402
                             window)
from toolkit.imaging.viewer import show_slices  # noqa: E402


def _oblique_volume():
    affine = np.eye(4)
    c, s = np.cos(0.3), np.sin(0.3)
    affine[:3, :3] = np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]]) @ np.diag([0.8, 1.2, 3.0])
    affine[:3, 3] = [5, -7, 11]
    return affine


def test_volume_validates_shapes_and_reports_spacing():
    v = Volume(np.zeros((3, 4, 5)), _oblique_volume())
    assert v.spacing == (0.8, 1.2, 3.0) and v.shape == (3, 4, 5)
    np.testing.assert_allclose(v.world_coordinates([0, 0, 0]), [5, -7, 11])
    with pytest.raises(ValueError, match=r"array must be 3-D \(i, j, k\); got shape \(3, 4\)"):
        Volume(np.zeros((3, 4)), np.eye(4))
    with pytest.raises(ValueError, match=r"affine must have shape \(4, 4\); got \(3, 3\)"):
        Volume(np.zeros((3, 4, 5)), np.eye(3))


def test_nifti_round_trip_keeps_array_and_affine(tmp_path):
    v = Volume(np.random.default_rng(0).normal(size=(4, 5, 6)).astype(np.float32), _oblique_volume())
    nib.save(v.to_nifti(), tmp_path / "v.nii.gz")
    back = read_image(tmp_path / "v.nii.gz")
    np.testing.assert_array_equal(back.array, v.array)
    np.testing.assert_allclose(back.affine, v.affine, atol=1e-5)


def test_nifti_with_nan_warns_naming_the_file(tmp_path):
    array = np.ones((3, 3, 3), np.float32)
    array[0, 0, :2] = np.nan
    nib.save(nib.Nifti1Image(array, np.eye(4)), tmp_path / "holes.nii.gz")
    with pytest.warns(UserWarning, match=r"holes.nii.gz contains 2 NaN voxel\(s\) of 27"):
        read_nifti(tmp_path / "holes.nii.gz")


def test_nifti_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="is missing"):
        read_image(tmp_path / "absent.nii.gz")
    nib.save(nib.Nifti1Image(np.zeros((2, 2, 2, 3), np.float32), np.eye(4)), tmp_path / "4d.nii.gz")
    with pytest.raises(ValueError, match=r"has shape \(2, 2, 2, 3\); expected a 3-D image"):
        read_nifti(tmp_path / "4d.nii.gz")
    (tmp_path / "broken.nii.gz").write_bytes(b"not really")
    with pytest.raises(ValueError, match="broken.nii.gz cannot be read as NIfTI"):
        read_nifti(tmp_path / "broken.nii.gz")


def test_resample_keeps_world_positions_exactly_for_a_linear_field():
    """Linear interpolation reproduces a linear function of position exactly."""
    affine = _oblique_volume()
    ijk = np.stack(np.meshgrid(*[np.arange(n) for n in (9, 7, 5)], indexing="ij"), axis=-1)
    world = ijk @ affine[:3, :3].T + affine[:3, 3]
    field = world @ np.array([1.0, -2.0, 0.5]) + 3.0
    new = resample(Volume(field, affine), (0.5, 0.6, 1.0), order=1)
    assert new.spacing == (0.5, 0.6, 1.0) and new.shape == (13, 13, 13)  # floor((n - 1) * old / new) + 1
    ijk_new = np.stack(np.meshgrid(*[np.arange(n) for n in new.shape], indexing="ij"), axis=-1)
    expected = (ijk_new @ new.affine[:3, :3].T + new.affine[:3, 3]) @ np.array([1.0, -2.0, 0.5]) + 3.0
    np.testing.assert_allclose(new.array, expected, atol=1e-3)


def test_resample_nearest_keeps_labels_and_validates():
    labels = Volume(np.repeat(np.arange(4.0), 2).reshape(8, 1, 1).repeat(2, 1).repeat(2, 2), np.eye(4))
    coarse = resample(labels, 2.0, order=0)
    assert set(np.unique(coarse.array)) <= {0.0, 1.0, 2.0, 3.0}
    with pytest.raises(ValueError, match="spacing_mm must be positive"):
        resample(labels, (1.0, 0.0, 1.0))
    with pytest.raises(ValueError, match=r"order must be one of \[0, 1, 2, 3, 4, 5\]; got 7"):
        resample(labels, 1.0, order=7)


def test_window_presets_and_errors():
    hu = np.array([-1350.0, -600.0, 150.0])
    np.testing.assert_allclose(window(hu, "lung"), [0.0, 0.5, 1.0])
    np.testing.assert_allclose(window(Volume(hu.reshape(3, 1, 1), np.eye(4)), 50, 350).ravel(),
                               [0.0, 0.0, 0.7857143], rtol=1e-6)
    assert WINDOW_PRESETS["brain"] == (40.0, 80.0) and WINDOW_PRESETS["bone"] == (400.0, 1800.0)
    with pytest.raises(ValueError, match=r"window preset must be one of \['bone', 'brain'"):
        window(hu, "lungs")
    with pytest.raises(ValueError, match="positive width"):
        window(hu, 40, 0)
    with pytest.raises(ValueError, match="either a preset name or center and width"):
        window(hu, "brain", 80)


def test_static_viewer_has_one_frame_per_slice_and_a_mask_layer():
    v = Volume(np.arange(60.0).reshape(3, 4, 5), np.diag([1.0, 2.0, 3.0, 1.0]))
    mask = np.zeros(v.shape)
    mask[1, 1, 2] = 1
    fig = show_slices(v, mask=mask, interactive=False)
    assert len(fig.data) == 10 and len(fig.layout.sliders[0].steps) == 5
    middle = fig.data[4]  # slice k = 2, image layer
    np.testing.assert_array_equal(middle.z, v.array[:, :, 2].T)
    assert fig.data[5].z[1][1] == 1.0 and fig.layout.yaxis.scaleratio == 2.0
    assert fig.layout.xaxis.autorange == "reversed"  # radiological: patient's right on screen left


def test_viewer_shows_a_flipped_volume_in_the_same_orientation():
    v = Volume(np.arange(60.0).reshape(3, 4, 5), np.diag([1.0, 1.0, 1.0, 1.0]))
    flipped = Volume(v.array[::-1, :, ::-1], np.diag([-1.0, 1.0, -1.0, 1.0]) @ np.eye(4))
    flipped.affine[:3, 3] = [2.0, 0.0, 4.0]  # same voxels in the same places, stored backwards
    a = show_slices(v, interactive=False)
    b = show_slices(flipped, interactive=False)
    for ta, tb in zip(a.data, b.data):
        np.testing.assert_array_equal(ta.z, tb.z)
    with pytest.raises(ValueError, match=r"mask must have the volume's shape \(3, 4, 5\)"):
        show_slices(v, mask=np.zeros((3, 4)), interactive=False)
    with pytest.raises(ValueError, match=r"axis must be one of \[0, 1, 2\]; got 3"):
        show_slices(v, axis=3)


def test_widget_viewer_redraws_when_sliders_move():
    v = Volume(np.arange(60.0).reshape(3, 4, 5), np.eye(4))
    box = show_slices(v, interactive=True)
    (axis_w, index_w), fig = box.children[0].children, box.children[2]
    index_w.value = 1
    np.testing.assert_array_equal(fig.data[0].z, v.array[:, :, 1].T)
    axis_w.value = 0
    assert index_w.max == 2 and np.shape(fig.data[0].z) == (5, 4)


def test_to_canonical_flips_axes_without_moving_voxels():
    from toolkit.imaging import to_canonical

    affine = np.array([[-2.0, 0, 0, 10], [0, 0, 3.0, -5], [0, -1.5, 0, 7], [0, 0, 0, 1]])
    v = Volume(np.random.default_rng(0).normal(size=(4, 5, 6)), affine)
    c = to_canonical(v)
    assert c.shape == (4, 6, 5) and np.all(np.diag(c.affine)[:3] > 0)
    for ijk in [(0, 0, 0), (3, 4, 5), (1, 2, 3)]:  # each voxel keeps its value at its position
        xyz = v.world_coordinates(ijk)
        new_ijk = np.round(np.linalg.solve(c.affine[:3, :3], xyz - c.affine[:3, 3])).astype(int)
        assert c.array[tuple(new_ijk)] == v.array[ijk]
