"""Issue #30: MSD Task04 Hippocampus in the on-demand registry, and its tar reader.

The real archive cannot be downloaded in the test suite (offline first); the reader is checked on
a SYNTHETIC archive with the same layout (dataset.json, imagesTr/, labelsTr/, gzipped NIfTI).
"""
from __future__ import annotations

import gzip
import io
import json
import tarfile

import nibabel as nib
import numpy as np
import pytest

from toolkit.datasets import DatasetNotDownloadedError, card, list_datasets, load_msd_hippocampus
from toolkit.datasets.msd import _read_archive
from toolkit.datasets.registry import get_entry


def _add(tar, name: str, data: bytes):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def _fake_archive(path, n=2):
    rng = np.random.default_rng(0)
    truth = []
    with tarfile.open(path, "w") as tar:
        cases = []
        for k in range(n):
            image = rng.normal(size=(6, 7, 5)).astype("float32")
            label = (rng.random((6, 7, 5)) > 0.7).astype("uint8") * (1 + k % 2)
            affine = np.diag([1.0, 1.0, 1.2, 1.0])
            for folder, arr in (("imagesTr", image), ("labelsTr", label)):
                raw = nib.Nifti1Image(arr, affine).to_bytes()
                _add(tar, f"Task04_Hippocampus/{folder}/hippocampus_{k:03d}.nii.gz", gzip.compress(raw))
            cases.append({"image": f"./imagesTr/hippocampus_{k:03d}.nii.gz",
                          "label": f"./labelsTr/hippocampus_{k:03d}.nii.gz"})
            truth.append((image, label))
        meta = {"name": "Hippocampus", "numTraining": n, "training": cases}
        _add(tar, "Task04_Hippocampus/dataset.json", json.dumps(meta).encode())
    return truth


def test_reader_returns_the_archive_volumes(tmp_path):
    truth = _fake_archive(tmp_path / "Task04_Hippocampus.tar")
    out = _read_archive(tmp_path / "Task04_Hippocampus.tar")
    assert out["case"] == ["hippocampus_000", "hippocampus_001"]
    for (image, label), got_image, got_label in zip(truth, out["images"], out["labels"]):
        assert np.array_equal(got_image, image) and np.array_equal(got_label, label)
    assert out["spacing"][0] == pytest.approx((1.0, 1.0, 1.2))
    assert len(_read_archive(tmp_path / "Task04_Hippocampus.tar", n_cases=1)["images"]) == 1


def test_registry_pins_monai_md5_and_offline_use_says_how_to_fetch(tmp_path):
    entry = get_entry("msd_hippocampus")
    (remote,) = entry.files
    assert entry.availability == "download" and entry.licence == "CC BY-SA 4.0"
    assert remote.known_hash == "md5:9d24dba78a72977dbd1d2e110310f31b"
    assert remote.url == "https://msd-for-monai.s3-us-west-2.amazonaws.com/Task04_Hippocampus.tar"
    assert "9d24dba78a72977dbd1d2e110310f31b" in card("msd_hippocampus")
    assert not list_datasets().set_index("name").loc["msd_hippocampus", "synthetic"]
    with pytest.raises(DatasetNotDownloadedError, match="fetch\\('msd_hippocampus'\\)"):
        load_msd_hippocampus(data_dir=tmp_path)
