"""Rebuild toolkit/datasets/data/msd_lung_patches.npz from the public copy (card: msd_lung_patches.md).

Source: github.com/shizoda/data at commit 09d045f3b1624758b03cb61441f538f96939b70d,
msd/lung_2mm/val_patches.h5 and msd/lung_2mm/test_patches.h5 (2D patches of MSD Task06 Lung,
CC BY-SA 4.0). Needs h5py, which the toolkit itself does not use:

    pip install h5py
    python derive_msd_lung_patches.py VAL_H5 TEST_H5 OUT_NPZ

The patient lists are those of msd/lung_2mm/README.md ("Val: 13", "Test: 13").
"""
import hashlib
import sys

import h5py
import numpy as np

SHA256 = {"val": "116939983bad76268a88844ccad1eb614303ed2ff8d0a6ea40f28bad610dd675",
          "test": "4cbdbce6a3d3cd76b7c431f4dcc74a4a71d620452436e99cdbcdd56a35ab4e16"}
VAL = [18, 26, 28, 34, 37, 48, 61, 62, 70, 75, 79, 83, 86]
TEST = [1, 9, 16, 22, 27, 41, 54, 59, 64, 81, 84, 93, 95]


def read(path: str, which: str):
    digest = hashlib.sha256(open(path, "rb").read()).hexdigest()
    if digest != SHA256[which]:
        sys.exit(f"{path}: sha256 {digest}, expected {SHA256[which]} (another version of the file?)")
    with h5py.File(path, "r") as h5:
        images, labels = h5["images"][()][:, 0], h5["labels"][()][:, 0]
    if not set(np.unique(labels)) <= {0.0, 1.0}:
        sys.exit(f"{path}: labels are not 0/1")
    return images.astype(np.float32), labels.astype(np.uint8)


if __name__ == "__main__":
    val_h5, test_h5, out = sys.argv[1:4]
    train_images, train_masks = read(val_h5, "val")   # the copy's validation patients train here
    test_images, test_masks = read(test_h5, "test")
    np.savez_compressed(out, train_images=train_images, train_masks=train_masks,
                        test_images=test_images, test_masks=test_masks,
                        train_patients=np.array([f"lung_{i:03d}" for i in VAL]),
                        test_patients=np.array([f"lung_{i:03d}" for i in TEST]))
    print(out, hashlib.sha256(open(out, "rb").read()).hexdigest())
