"""ImageArrays (any stack of 2D images as a dataset) and the seeded CNN on real BreastMNIST images."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from toolkit.datasets import load_breastmnist
from toolkit.imaging.dl import (Augment, ImageArrays, SmallCNN, grad_cam, predict_proba,
                                train_classifier)


def test_items_are_z_scored_images_with_float_labels():
    X = np.stack([np.full((4, 4), 10.0), np.arange(16.0).reshape(4, 4)])
    X[0, 0, 0] = 20.0
    ds = ImageArrays(X, np.array([0, 1]))
    x0, y0 = ds[0]
    assert tuple(x0.shape) == (1, 4, 4) and x0.dtype == torch.float32 and float(y0) == 0.0
    # 15 pixels at 10 and one at 20: mean 10.625, SD sqrt(15 * 0.625**2 + 9.375**2) / 4
    sd = np.sqrt(15 * 0.625 ** 2 + 9.375 ** 2) / 4
    assert float(x0[0, 0, 0]) == pytest.approx((20 - 10.625) / sd, rel=1e-5)
    assert float(ds[1][0].mean()) == pytest.approx(0.0, abs=1e-6)
    assert ds.patient_ids == ["img0", "img1"]
    assert repr(ds) == "ImageArrays(n_items=2, positives=1, x_shape=(1, 4, 4), augment=False)"


def test_raw_pixels_without_normalising_and_custom_ids():
    ds = ImageArrays(np.ones((3, 2, 2), np.uint8) * 7, [1, 0, 1], ids=["a", "b", "c"], normalise=False)
    assert float(ds[2][0].max()) == 7.0 and ds.patient_ids == ["a", "b", "c"] and len(ds) == 3


def test_augment_is_applied_on_access_only():
    X = np.random.default_rng(0).random((2, 6, 6))
    plain, augmented = ImageArrays(X, [0, 1]), ImageArrays(X, [0, 1], augment=Augment(random_state=1))
    assert torch.equal(plain.X, augmented.X)          # stored images are the same
    assert not torch.equal(plain[0][0], augmented[0][0])


@pytest.mark.parametrize("X, y, match", [
    (np.zeros((4, 4)), [0] * 4, r"stack of 2D images, shape \(n_samples, H, W\); got shape \(4, 4\)"),
    (np.zeros((2, 4, 4)), [[0], [1]], r"one label per image, shape \(2,\); got shape \(2, 1\)"),
    (np.zeros((2, 4, 4)), [0, 1, 1], r"got shape \(3,\)"),
])
def test_documented_errors(X, y, match):
    with pytest.raises(ValueError, match=match):
        ImageArrays(X, np.asarray(y))


def _small_real_sets():
    train, test = load_breastmnist("train"), load_breastmnist("test")
    return (ImageArrays(train.data[:120], 1 - train.target[:120]),
            ImageArrays(test.data[:40], 1 - test.target[:40]))


def test_training_on_real_images_is_reproducible_and_grad_cam_fits():
    train, test = _small_real_sets()
    runs = []
    for _ in range(2):
        model = SmallCNN(width=4, random_state=0)
        train_classifier(model, train, epochs=2, random_state=0, device="cpu", progress=False)
        runs.append(predict_proba(model, test, device="cpu"))
    np.testing.assert_array_equal(runs[0], runs[1])   # same seed, same numbers (lesson 09's claim)
    assert runs[0].shape == (40,) and ((runs[0] >= 0) & (runs[0] <= 1)).all()
    cam = grad_cam(model, test[0][0])
    assert cam.shape == (28, 28) and 0 <= cam.min() and cam.max() <= 1
