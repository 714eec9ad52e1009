"""Deep learning on the cohort images: data, models, training, saliency, and metrics in mm."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from helpers import ball

from toolkit.imaging.longitudinal import grow_lesion
from toolkit.imaging.metrics import (dice, hausdorff_distance_mm, volume_agreement, volume_ml,
                                     volume_mm3)

import torch
from toolkit.imaging.dl import (Augment, CohortPatches, CohortSlices, SmallCNN, UNet,  # noqa: E402
                                count_parameters, grad_cam, normalise_intensity, predict_masks,
                                predict_proba, saliency_map, segment_volume, split_patients,
                                train_classifier, train_segmenter)

import SimpleITK as SITK  # noqa: E402


def _sitk(mask, spacing):
    img = SITK.GetImageFromArray(np.ascontiguousarray(mask.transpose(2, 1, 0)))  # numpy (X,Y,Z) -> ITK
    img.SetSpacing(tuple(float(s) for s in spacing))
    return img


@pytest.fixture(scope="module")
def small_cohort():
    """5 patients, 16^3 images, a ball lesion of known size at a known place."""
    rng = np.random.default_rng(0)
    n, shape = 5, (16, 16, 16)
    masks = np.stack([ball(shape, (8, 7, 5 + i), 2 + (i % 2)) for i in range(n)])
    images = (rng.normal(100, 5, (n, *shape)) - 50 * masks).astype(np.float32)
    clinical = pd.DataFrame({"mutation": [0, 1, 0, 1, 1], "site": list("AABBC")},
                            index=pd.Index([f"P{i}" for i in range(n)], name="patient_id"))
    return SimpleNamespace(images=images, masks=masks, clinical=clinical, spacing_mm=(2.0, 2.0, 2.0))


# ----------------------------------------------------------------------------- metrics
def test_dice_hand_values_and_errors():
    a = np.zeros((4, 4)); a[:2, :2] = 1
    b = np.zeros((4, 4)); b[:2, :1] = 1
    assert dice(a, b) == pytest.approx(2 * 2 / 6)
    assert dice(a, a) == 1.0 and dice(a, 1 - a) == 0.0
    assert dice(np.zeros((3, 3)), np.zeros((3, 3))) == 1.0
    with pytest.raises(ValueError, match="same shape"):
        dice(a, np.zeros((4, 5)))
    with pytest.raises(ValueError, match="2D or 3D"):
        dice(np.zeros(4), np.zeros(4))


def test_hausdorff_hand_values():
    a = np.zeros((1, 10)); a[0, 2:4] = 1
    b = np.zeros((1, 10)); b[0, 2:7] = 1
    assert hausdorff_distance_mm(a, b, (1.0, 2.0)) == pytest.approx(6.0)
    assert hausdorff_distance_mm(a, a, (1.0, 1.0)) == 0.0
    # a single voxel 3 apart along z at 2.5 mm -> 7.5 mm; along x at 1 mm -> 3 mm
    p, q = np.zeros((5, 5, 5)), np.zeros((5, 5, 5))
    p[1, 1, 1] = 1; q[1, 1, 4] = 1
    assert hausdorff_distance_mm(p, q, (1.0, 1.0, 2.5)) == pytest.approx(7.5)


def test_hausdorff_errors():
    a = np.zeros((5, 5)); a[2, 2] = 1
    with pytest.raises(ValueError, match="empty mask"):
        hausdorff_distance_mm(a, np.zeros((5, 5)), (1, 1))
    with pytest.raises(ValueError, match="spacing_mm must hold 2 positive"):
        hausdorff_distance_mm(a, a, (1, 1, 1))
    with pytest.raises(ValueError, match="spacing_mm must hold"):
        hausdorff_distance_mm(a, a, (1, 0))
    with pytest.raises(ValueError, match="percentile"):
        hausdorff_distance_mm(a, a, (1, 1), percentile=0)


@pytest.mark.parametrize("seed", range(4))
def test_hausdorff_matches_simpleitk(seed):
    rng = np.random.default_rng(seed)
    shape, spacing = (30, 32, 28), (1.0, 2.0, 3.0)
    c = rng.uniform(10, 18, 3)
    a = ball(shape, c, rng.uniform(3, 6))
    b = ball(shape, c + rng.normal(0, 2, 3), rng.uniform(3, 7))
    b[4, 5, 5] = 1   # a stray voxel: dominates HD, not HD95
    f = SITK.HausdorffDistanceImageFilter()
    f.Execute(SITK.LabelContour(_sitk(a, spacing), fullyConnected=False),
              SITK.LabelContour(_sitk(b, spacing), fullyConnected=False))
    assert hausdorff_distance_mm(a, b, spacing) == pytest.approx(f.GetHausdorffDistance(), rel=1e-9)
    f.Execute(_sitk(a, spacing), _sitk(b, spacing))  # on whole masks: same maximum for these shapes
    assert hausdorff_distance_mm(a, b, spacing) == pytest.approx(f.GetHausdorffDistance(), rel=1e-9)
    assert hausdorff_distance_mm(a, b, spacing, percentile=95) < hausdorff_distance_mm(a, b, spacing)


def test_volume_matches_simpleitk_and_hand_values():
    assert volume_mm3(np.ones((2, 2, 2)), (3, 3, 3)) == 216.0
    assert volume_ml(np.ones((10, 10, 10)), (1, 1, 1)) == 1.0
    m = ball((20, 20, 20), (10, 10, 10), 6)
    stats = SITK.LabelShapeStatisticsImageFilter()
    stats.Execute(_sitk(m, (1.0, 2.0, 3.0)))
    assert volume_mm3(m, (1.0, 2.0, 3.0)) == pytest.approx(stats.GetPhysicalSize(1))
    with pytest.raises(ValueError, match="spacing_mm"):
        volume_mm3(m, (1, 1))


def test_volume_agreement_hand_values():
    r = volume_agreement([11.0, 21.0, 29.0], [10.0, 20.0, 30.0])
    d = np.array([1.0, 1.0, -1.0])
    assert r["bias"] == pytest.approx(d.mean()) and r["sd"] == pytest.approx(d.std(ddof=1))
    assert r["loa_high"] == pytest.approx(d.mean() + 1.96 * d.std(ddof=1))
    assert r["mean_abs_pct_error"] == pytest.approx(np.mean([10, 5, 100 / 30]))
    with pytest.raises(ValueError, match="same length"):
        volume_agreement([1.0], [1.0])


def test_auc_ci_matches_sklearn_on_the_same_bootstrap_draws():
    from sklearn.metrics import roc_auc_score

    from toolkit.evaluation import auc_ci

    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 200)
    p = y + rng.normal(0, 1, 200)
    r = auc_ci(y, p, n_boot=300)
    assert r.value == pytest.approx(roc_auc_score(y, p))
    assert r.lower < r.value < r.upper and r.n_boot == 300
    assert r == auc_ci(y, p, n_boot=300)   # seeded
    draws = np.random.default_rng(0).integers(0, 200, (300, 200))   # same draws, scored by sklearn
    boots = [roc_auc_score(y[i], p[i]) for i in draws]
    assert [r.lower, r.upper] == pytest.approx(np.percentile(boots, [2.5, 97.5]), rel=1e-12)
    with pytest.raises(ValueError, match="single class"):
        auc_ci([1, 1], [0.2, 0.3])


def test_grow_lesion_known_change():
    m = ball((20, 20, 20), (10, 10, 10), 3)
    img = np.where(m, 40.0, 90.0).astype(np.float32)
    img2, m2 = grow_lesion(img, m, grow_mm=2.0, spacing_mm=(1, 1, 1))
    assert m2.sum() > m.sum() and np.all(m2[m > 0] == 1)
    assert np.array_equal(m2, ball((20, 20, 20), (10, 10, 10), 3) | (
        __import__("scipy").ndimage.distance_transform_edt(1 - m) <= 2))
    assert np.all(img2[m2 > 0] == 40.0) and np.all(img2[m2 == 0] == 90.0)
    img3, m3 = grow_lesion(img, m, 0.0, (1, 1, 1))
    assert np.array_equal(m3, m) and np.array_equal(img3, img)
    with pytest.raises(ValueError, match="grow_mm must be >= 0"):
        grow_lesion(img, m, -1.0, (1, 1, 1))
    with pytest.raises(ValueError, match="empty"):
        grow_lesion(img, 0 * m, 1.0, (1, 1, 1))


# ----------------------------------------------------------------------------- data
def test_normalise_and_split():
    z = normalise_intensity(np.arange(10.0) * 7 + 3)
    assert z.mean() == pytest.approx(0, abs=1e-6) and z.std() == pytest.approx(1, rel=1e-5)
    ids = [f"P{i}" for i in range(20)]
    train, test = split_patients(ids, 0.25, stratify=[i % 2 for i in range(20)])
    assert len(test) == 5 and not set(train) & set(test) and set(train) | set(test) == set(ids)


def test_augment_is_seeded_and_moves_mask_with_image():
    x = torch.arange(64.0).reshape(1, 8, 8)
    m = (x > 40).float()
    out1 = [Augment(random_state=3)(x, m) for _ in range(2)]
    assert torch.equal(out1[0][0], out1[1][0]) and torch.equal(out1[0][1], out1[1][1])
    aug = Augment(random_state=1, intensity=0.0)
    for _ in range(10):
        x2, m2 = aug(x, m)
        assert torch.equal(m2, (x2 > 40).float())   # same geometric transform on both
        assert x2.shape == x.shape


def test_cohort_slices_pick_largest_lesion_slice(small_cohort):
    ds = CohortSlices(small_cohort, target="mask", n_slices=1)
    for i in range(5):
        z = int(np.argmax(small_cohort.masks[i].sum((0, 1))))
        assert torch.equal(ds.y[i, 0], torch.from_numpy(small_cohort.masks[i][:, :, z]).float())
    assert ds.X.shape == (5, 1, 16, 16) and ds.patient_ids == [f"P{i}" for i in range(5)]
    sagittal = CohortSlices(small_cohort, target="mask", axis=0)
    for i in range(5):
        x = int(np.argmax(small_cohort.masks[i].sum((1, 2))))
        assert torch.equal(sagittal.y[i, 0], torch.from_numpy(small_cohort.masks[i][x]).float())
    with pytest.raises(ValueError, match=r"axis must be one of \[0, 1, 2\]"):
        CohortSlices(small_cohort, axis=3)


def test_cohort_slices_targets_crop_and_errors(small_cohort):
    ds = CohortSlices(small_cohort, target="lesion", n_slices=2, n_background=2, crop=8, random_state=0)
    assert len(ds) == 20 and ds.X.shape[2:] == (8, 8)
    assert ds.y.tolist() == [1, 1, 0, 0] * 5
    ds = CohortSlices(small_cohort, target="mutation", patients=["P3", "P0"])
    assert ds.y.tolist() == [1.0, 0.0] and ds.patient_ids == ["P3", "P0"]
    x, y = CohortSlices(small_cohort, augment=Augment(random_state=0))[0]
    assert x.shape == (1, 16, 16) and y.ndim == 0
    with pytest.raises(ValueError, match="unknown patient ids"):
        CohortSlices(small_cohort, patients=["P9"])
    with pytest.raises(ValueError, match="target must be"):
        CohortSlices(small_cohort, target="colour")


def test_cohort_patches(small_cohort):
    ds = CohortPatches(small_cohort, target="mask", patch_size=10, max_offset=0)
    assert ds.X.shape == (5, 1, 10, 10, 10)
    assert ds.y.sum((1, 2, 3, 4)).tolist() == small_cohort.masks.sum((1, 2, 3)).tolist()  # whole lesion inside
    assert CohortPatches(small_cohort, patch_size=6).y.tolist() == [0, 1, 0, 1, 1]
    with pytest.raises(ValueError, match="target"):
        CohortPatches(small_cohort, target="lesion")


def test_real_tiny_cohort_slices():
    from toolkit.datasets import make_radiogenomic_cohort

    c = make_radiogenomic_cohort(n_patients=6, size="tiny", random_state=1)
    ds = CohortSlices(c, target="mask", n_slices=1, crop=16)
    assert len(ds) == 6 and ds.y.sum() > 0 and ds.X.shape[2:] == (16, 16)


# ----------------------------------------------------------------------------- models
@pytest.mark.parametrize("dims,shape", [(2, (3, 1, 17, 23)), (3, (2, 1, 9, 10, 11))])
def test_model_shapes(dims, shape):
    assert SmallCNN(width=2, dims=dims)(torch.zeros(shape)).shape == (shape[0],)
    assert UNet(width=2, depth=2, dims=dims)(torch.zeros(shape)).shape == shape
    assert count_parameters(SmallCNN(width=2)) < count_parameters(SmallCNN(width=4))
    with pytest.raises(ValueError, match=r"dims must be one of \[2, 3\]"):
        UNet(dims=4)


def test_models_are_seeded():
    a, b, c = SmallCNN(random_state=1), SmallCNN(random_state=1), SmallCNN(random_state=2)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    assert not all(torch.equal(p, q) for p, q in zip(a.parameters(), c.parameters()))


def _squares(n=16, size=16, seed=0):
    """Images with a bright square (label 1) or without (label 0), and the square's mask."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 1, size, size, generator=g) * 0.3
    m = torch.zeros(n, 1, size, size)
    y = (torch.arange(n) % 2).float()
    for i in range(n):
        if y[i]:
            r, c = torch.randint(2, size - 6, (2,), generator=g).tolist()
            m[i, 0, r:r + 4, c:c + 4] = 1
    return x + 2 * m, y, m


def test_classifier_overfits_tiny_batch_and_is_deterministic():
    x, y, _ = _squares()
    data = torch.utils.data.TensorDataset(x, y)
    runs = []
    for _ in range(2):
        model = SmallCNN(width=4, dropout=0.0, random_state=0)
        h = train_classifier(model, data, data, epochs=30, batch_size=8, lr=1e-2, random_state=0, progress=False)
        runs.append((h, predict_proba(model, data)))
    (h, p), (h2, p2) = runs
    assert h.train_loss.iloc[-1] < 0.25 * h.train_loss.iloc[0]
    assert h.val_auc.iloc[-1] == 1.0 and ((p > 0.5) == (y.numpy() > 0.5)).all()
    assert np.array_equal(h.train_loss.values, h2.train_loss.values) and np.array_equal(p, p2)
    h3 = train_classifier(SmallCNN(width=4, random_state=0), data, epochs=2, random_state=1, progress=False)
    assert not np.array_equal(h3.train_loss.values, h.train_loss.values[:2])


def test_unet_overfits_tiny_batch():
    x, _, m = _squares(n=8)
    data = torch.utils.data.TensorDataset(x, m)
    h = train_segmenter(UNet(width=4, depth=2), data, data, epochs=40, batch_size=4, lr=1e-2, progress=False)
    assert h.val_dice.iloc[-1] > 0.9
    pred = predict_masks(UNet(width=4), data)
    assert pred.shape == (8, 16, 16) and pred.dtype == np.uint8


def test_segment_volume_roi_and_largest_component():
    class Threshold(torch.nn.Module):   # "segments" every voxel brighter than 0.5 (in z-scores)
        def forward(self, x):
            return (x - 0.5) * 100

    img = np.zeros((20, 20, 10), np.float32)
    img[3:6, 3:6, 2:5] = 10        # lesion A (27 voxels)
    img[12:14, 12:14, 2:4] = 10    # lesion B (8 voxels)
    whole = segment_volume(Threshold(), img, keep_largest=False)
    assert whole.sum() == 35
    assert segment_volume(Threshold(), img).sum() == 27
    roi = segment_volume(Threshold(), img, roi_centre=(13, 13, 3), roi_size=6)
    assert roi.sum() == 8 and roi[3:6, 3:6].sum() == 0


# ----------------------------------------------------------------------------- saliency
def test_grad_cam_and_saliency_point_at_the_square():
    x, y, m = _squares(n=32, size=20, seed=1)
    data = torch.utils.data.TensorDataset(x, y)
    model = SmallCNN(width=4, dropout=0.0)
    train_classifier(model, data, epochs=30, batch_size=8, lr=1e-2, progress=False)
    inside = []
    for i in np.flatnonzero(y.numpy()):
        cam, sal = grad_cam(model, x[i]), saliency_map(model, x[i])
        assert cam.shape == (20, 20) and sal.shape == (20, 20)
        assert cam.min() >= 0 and cam.max() <= 1 and sal.min() >= 0
        inside.append(cam[m[i, 0] > 0].mean() > cam[m[i, 0] == 0].mean())
    assert np.mean(inside) >= 0.75


def test_grad_cam_3d_and_errors():
    model = SmallCNN(width=2, dims=3)
    cam = grad_cam(model, torch.randn(1, 8, 9, 10))
    assert cam.shape == (8, 9, 10) and cam.min() >= 0
    with pytest.raises(ValueError, match="one image with a channel axis"):
        grad_cam(model, torch.randn(2, 1, 8, 9, 10))


# ----------------------------------------------------------------------------- lesson helpers
def test_grow_lesion_replaces_the_blurred_margin_with_interior_values():
    m = ball((24, 24, 24), (12, 12, 12), 5)
    depth = __import__("scipy").ndimage.distance_transform_edt(m)
    img = np.where(m, 40.0 + 10.0 / depth.clip(1), 90.0).astype(np.float32)   # brighter towards the edge
    img2, m2 = grow_lesion(img, m, grow_mm=2.0, spacing_mm=(1, 1, 1))
    core = depth > 2
    shell = (m2 > 0) & ~core
    assert img2[shell].max() <= img[core].max() and np.array_equal(img2[core], img[core])
    assert np.array_equal(img2[m2 == 0], img[m2 == 0])


class _Threshold(torch.nn.Module):
    """A stand-in "network": lesion where the z-scored intensity is below -2.5."""

    def forward(self, x):
        return (-2.5 - x) * 100


def test_evaluate_segmentation_perfect_model(small_cohort):
    from toolkit.imaging.dl import evaluate_segmentation

    res = evaluate_segmentation(_Threshold(), small_cohort, ["P0", "P1"], grow_mm=2.0, roi_size=12,
                                max_click_offset=0)
    assert res["dice"].tolist() == [1.0, 1.0] and res["hd95_mm"].tolist() == [0.0, 0.0]
    true_ml = [volume_ml(small_cohort.masks[i], (2, 2, 2)) for i in range(2)]
    assert res["volume_pred_ml"].tolist() == pytest.approx(true_ml)
    assert (res["change_true_ml"] > 0).all()
    assert res["change_pred_ml"].tolist() == pytest.approx(res["change_true_ml"].tolist())


def test_site_confounded_slices(small_cohort):
    from toolkit.imaging.dl import site_confounded_slices

    ds = site_confounded_slices(small_cohort, small_cohort.clinical.index, "B", "A", n_per_patient=2, crop=8)
    assert ds.y.tolist() == [1, 1, 1, 1, 0, 0, 0, 0]
    assert ds.patient_ids == ["P2", "P2", "P3", "P3", "P0", "P0", "P1", "P1"]
    with pytest.raises(ValueError, match="no patients from site 'Z'"):
        site_confounded_slices(small_cohort, small_cohort.clinical.index, "Z", "A")


def test_unet_3d_overfits_tiny_patches(small_cohort):
    data = CohortPatches(small_cohort, target="mask", patch_size=12, max_offset=1)
    h = train_segmenter(UNet(width=4, depth=1, dims=3), data, data, epochs=60, batch_size=5, lr=1e-2,
                        progress=False)
    assert h.val_dice.iloc[-1] > 0.9


def test_validation_auc_in_history_equals_sklearn():
    from sklearn.metrics import roc_auc_score

    x, y, _ = _squares(n=40, seed=3)
    train, val = (torch.utils.data.TensorDataset(x[s], y[s]) for s in (slice(0, 20), slice(20, 40)))
    model = SmallCNN(width=2, random_state=0)
    h = train_classifier(model, train, val, epochs=1, batch_size=8, random_state=0, progress=False)
    expected = roc_auc_score(y[20:].numpy(), predict_proba(model, val))
    assert 0 < expected < 1 and h.val_auc.iloc[-1] == pytest.approx(expected, abs=1e-12)
