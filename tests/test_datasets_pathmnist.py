"""PathMNIST in the on-demand registry: the pinned URL and MD5 of medmnist's INFO, its card, and a
fake download through the loopback server that the checksum check accepts or refuses."""
from __future__ import annotations

import dataclasses
import hashlib
import io
import re

import numpy as np
import pytest

import toolkit.datasets.downloads as fetch_mod
from toolkit.datasets import (DatasetChecksumError, DatasetDownloadError,
                              DatasetNotDownloadedError, fetch, fetch_pathmnist, list_datasets,
                              load, load_pathmnist)
from toolkit.datasets.registry import RemoteFile, get_entry

from helpers import ROOT

CARD = (ROOT / "datasets" / "pathmnist.md").read_text(encoding="utf-8")
# medmnist 3.0.2, medmnist/info.py, INFO["pathmnist"] (url, MD5, n_samples)
INFO_URL = "https://zenodo.org/records/10519652/files/pathmnist.npz?download=1"
INFO_MD5 = "a8b06965200029087d5bd730944a56c1"
N_SAMPLES = {"train": 89996, "val": 10004, "test": 7180}


def test_registry_entry_is_pinned_to_medmnist_info():
    entry = get_entry("pathmnist")
    assert entry.availability == "download" and not entry.synthetic
    assert entry.licence == "CC BY 4.0" and entry.loader.endswith(":load_medmnist")
    (remote,) = entry.files
    assert (remote.filename, remote.url, remote.known_hash) == ("pathmnist.npz", INFO_URL,
                                                                "md5:" + INFO_MD5)
    assert list_datasets().set_index("name").loc["pathmnist", "availability"] == "download"


def test_card_quotes_licence_checksum_and_counts():
    assert INFO_URL in CARD and INFO_MD5 in CARD and '"license": "CC BY 4.0"' in CARD
    for split, n in N_SAMPLES.items():
        assert re.search(rf"^\| {split} \| {n:,} \|", CARD, re.M), split
    total = sum(N_SAMPLES.values())
    assert f"{total:,} tiles" in CARD and f"{total * 28 * 28 * 3:,} bytes" in CARD
    assert f"{total:,} tiles" in get_entry("pathmnist").size


def test_not_downloaded_says_how(tmp_path):
    with pytest.raises(DatasetNotDownloadedError, match=r"run fetch\('pathmnist'\)"):
        load_pathmnist("test", data_dir=tmp_path)


def test_offline_fetch_names_the_url_and_folder(tmp_path):
    with pytest.raises(DatasetDownloadError, match=r"could not download pathmnist\.npz from "
                       r"https://zenodo\.org/.*put it at .*pathmnist/pathmnist\.npz"):
        fetch_pathmnist(tmp_path)
    assert not any((tmp_path / "pathmnist").glob("*"))


def _fake_pathmnist() -> bytes:
    """A SYNTHETIC file with PathMNIST's layout: RGB uint8 images, (n, 1) labels 0-8."""
    rng = np.random.default_rng(0)
    arrays = {}
    for split, n in (("train", 9), ("val", 2), ("test", 3)):
        arrays[f"{split}_images"] = rng.integers(0, 256, (n, 28, 28, 3), dtype=np.uint8)
        arrays[f"{split}_labels"] = (np.arange(n) % 9).reshape(n, 1)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


@pytest.fixture
def fake_entry(http_server, monkeypatch):
    """The real entry with its URL pointed at the loopback server; the body and its MD5."""
    base, handler = http_server
    body = _fake_pathmnist()
    handler.files["/pathmnist.npz"] = body

    def use(md5: str):
        entry = dataclasses.replace(get_entry("pathmnist"), files=(
            RemoteFile("pathmnist.npz", base + "/pathmnist.npz", "md5:" + md5),))
        monkeypatch.setattr(fetch_mod, "get_entry", lambda name: entry)
        return handler

    return use, body


def test_fake_download_with_the_right_checksum_loads(fake_entry, tmp_path):
    use, body = fake_entry
    handler = use(hashlib.md5(body).hexdigest())
    paths = fetch("pathmnist", data_dir=tmp_path)
    assert paths["pathmnist.npz"] == tmp_path / "pathmnist" / "pathmnist.npz"
    test = load("pathmnist", split="test", data_dir=tmp_path)
    assert test.data.shape == (3, 28, 28, 3) and test.data.dtype == np.uint8
    assert test.target.tolist() == [0, 1, 2] and test.description == CARD
    X, y = load_pathmnist("train", data_dir=tmp_path, return_X_y=True)
    assert X.shape == (9, 28, 28, 3) and y.tolist() == list(range(9))
    fetch("pathmnist", data_dir=tmp_path)
    assert handler.hits["/pathmnist.npz"] == 1  # the second fetch used the verified cache


def test_fake_download_with_the_pinned_checksum_is_refused_and_not_kept(fake_entry, tmp_path):
    use, _ = fake_entry
    use(INFO_MD5)  # our fake file cannot have the real file's MD5
    with pytest.raises(DatasetChecksumError, match=rf"pathmnist\.npz .* does not match its "
                                                   rf"checksum md5:{INFO_MD5}"):
        fetch("pathmnist", data_dir=tmp_path)
    assert list((tmp_path / "pathmnist").iterdir()) == []
    with pytest.raises(DatasetNotDownloadedError):
        load_pathmnist("test", data_dir=tmp_path)
