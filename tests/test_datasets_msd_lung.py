"""Issue #30 item 3: the shipped real segmentation set (MSD Task06 Lung patches, lesson 10)."""
from __future__ import annotations

import hashlib

import numpy as np
import pytest

from toolkit.datasets import card, list_datasets, load_msd_lung_patches
from toolkit.datasets.msd_lung import MSD_LUNG_PATCHES_SHA256
from toolkit.imaging import segmentation_scores

# The copy's README (shizoda/data msd/lung_2mm/README.md): "Val: 13" and "Test: 13" case lists.
README_VAL = [18, 26, 28, 34, 37, 48, 61, 62, 70, 75, 79, 83, 86]
README_TEST = [1, 9, 16, 22, 27, 41, 54, 59, 64, 81, 84, 93, 95]


def test_shipped_file_matches_the_card_checksum():
    import toolkit.datasets.msd_lung as mod

    load_msd_lung_patches(verify=True)
    digest = hashlib.sha256((mod._DATA / "msd_lung_patches.npz").read_bytes()).hexdigest()
    assert digest == MSD_LUNG_PATCHES_SHA256 == "b091c91afd02fdbb490a76f6b47e9e5dfcacef730336a2dac66488147c772b02"
    assert MSD_LUNG_PATCHES_SHA256 in card("msd_lung_patches")


def test_counts_shapes_and_dtypes():
    lung = load_msd_lung_patches()
    for split in ("train", "test"):
        images, masks = lung[f"{split}_images"], lung[f"{split}_masks"]
        assert images.shape == masks.shape == (130, 48, 48)
        assert images.dtype == np.float32 and masks.dtype == np.uint8
        assert 0.0 <= images.min() and images.max() <= 1.0
        assert set(np.unique(masks)) == {0, 1}
    with_tumour = [int((lung[f"{s}_masks"].reshape(130, -1).sum(1) > 0).sum()) for s in ("train", "test")]
    assert with_tumour == [111, 117]          # quoted in the card
    assert lung.spacing_mm == (2.0, 2.0)


def test_patient_level_split_is_the_readme_division():
    lung = load_msd_lung_patches()
    assert lung.train_patients == [f"lung_{i:03d}" for i in README_VAL]
    assert lung.test_patients == [f"lung_{i:03d}" for i in README_TEST]
    assert not set(lung.train_patients) & set(lung.test_patients)   # no patient in both
    # and no patch appears in both sets (a duplicated patient would show up as identical patches)
    train = {p.tobytes() for p in lung.train_images}
    assert not any(p.tobytes() in train for p in lung.test_images)


def test_registered_as_real_offline_with_its_licence():
    row = list_datasets().set_index("name").loc["msd_lung_patches"]
    assert row["availability"] == "offline" and not row["synthetic"]
    assert row["licence"] == "CC BY-SA 4.0"
    text = card("msd_lung_patches")
    assert "CC-BY-SA 4.0" in text and "09d045f3b1624758b03cb61441f538f96939b70d" in text


def test_verify_detects_a_changed_file(tmp_path, monkeypatch):
    import toolkit.datasets.msd_lung as mod

    src = mod._DATA / "msd_lung_patches.npz"
    raw = bytearray(src.read_bytes())
    raw[1000] ^= 0xFF                          # one byte changed
    (tmp_path / "msd_lung_patches.npz").write_bytes(bytes(raw))
    monkeypatch.setattr(mod, "_DATA", tmp_path)
    with pytest.raises(ValueError, match="sha256"):
        load_msd_lung_patches(verify=True)
    monkeypatch.setattr(mod, "_DATA", tmp_path / "absent")
    with pytest.raises(FileNotFoundError, match="reinstall"):
        load_msd_lung_patches()


def test_segmentation_scores_by_hand():
    ref = np.zeros((3, 6, 6), np.uint8)
    ref[:2, 1:3, 1:3] = 1                      # item 2 has no tumour
    pred = ref.copy()
    pred[1, 1:3, 1:5] = 1                      # item 1: 4 of 8 pixels right, 2 columns too far
    out = segmentation_scores(pred, ref, spacing_mm=(2.0, 2.0), percentile=100)
    assert out["dice"].tolist() == [1.0, pytest.approx(2 * 4 / 12), 1.0]
    assert out["hd_mm"].iloc[0] == 0.0 and out["hd_mm"].iloc[1] == 4.0 and np.isnan(out["hd_mm"].iloc[2])
    assert out["reference_voxels"].tolist() == [4, 4, 0] and out["predicted_voxels"].tolist() == [4, 8, 0]
    with pytest.raises(ValueError, match="same shape"):
        segmentation_scores(pred[:2], ref, spacing_mm=(2.0, 2.0))


def test_lesson10_section6_text_matches_a_fresh_run():
    """Lesson 10 section 6 quotes its real-data numbers in Markdown: re-run its training (CPU, seed 0,
    about 10 s of CPU time) and check that every quoted number is what the code computes."""
    import nbformat
    import torch

    from helpers import ROOT
    from toolkit.evaluation import bootstrap_ci
    from toolkit.imaging.dl import UNet, predict_masks, train_segmenter

    lung = load_msd_lung_patches()

    def as_dataset(images, masks):
        return torch.utils.data.TensorDataset(torch.tensor(images[:, None]),
                                              torch.tensor(masks[:, None], dtype=torch.float32))

    unet = UNet(width=8, depth=2, random_state=0)
    train_segmenter(unet, as_dataset(lung.train_images, lung.train_masks), epochs=20, random_state=0,
                    device="cpu", progress=False)
    pred = predict_masks(unet, as_dataset(lung.test_images, lung.test_masks), device="cpu")
    scores = segmentation_scores(pred, lung.test_masks, lung.spacing_mm, percentile=95)
    tumour = scores[scores["reference_voxels"] > 0]
    d = bootstrap_ci(lambda _, v: float(np.mean(v)), tumour["dice"].to_numpy(), tumour["dice"].to_numpy())
    hd = tumour["hd_mm"].dropna().to_numpy()
    missed = int((tumour["predicted_voxels"] == 0).sum())
    alarms = int(((scores["reference_voxels"] == 0) & (scores["predicted_voxels"] > 0)).sum())

    nb = nbformat.read(ROOT / "notebooks" / "10_segmentation_and_volumetry.ipynb", 4)
    text = {c.get("id"): c.source for c in nb.cells}
    reading, summary = text["real-seg-read"], text["2d19df4d"]
    assert f"On {len(tumour)} test patches with tumour" in reading
    assert f"mean Dice is {d.value:.2f} (95 % CI {d.lower:.2f} to {d.upper:.2f}; median {tumour['dice'].median():.2f})" in reading
    assert f"median HD95 {np.median(hd):.1f} mm" in reading
    assert f"{missed} of the {len(tumour)} tumours were missed" in reading
    assert f"in {alarms} of the {len(scores) - len(tumour)} patches" in reading
    assert f"mean Dice of {d.value:.2f} per patch\n  and missed {missed} of {len(tumour)} tumours" in summary
