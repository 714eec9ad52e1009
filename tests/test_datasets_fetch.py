"""Downloads, cache, checksums and offline behaviour, against a local HTTP server on 127.0.0.1."""
from __future__ import annotations

import dataclasses
import hashlib

import numpy as np
import pytest

import toolkit.datasets.downloads as fetch_mod
from toolkit import datasets
from toolkit.datasets import (DatasetChecksumError, DatasetDownloadError,
                              DatasetNotDownloadedError, fetch, load, load_medmnist)
from toolkit.datasets.registry import RemoteFile, get_entry

PAYLOAD = b"toolkit test payload\n" * 5000  # ~100 kB


def _md5(data: bytes) -> str:
    return "md5:" + hashlib.md5(data).hexdigest()


@pytest.fixture
def server(http_server):
    """The shared loopback server (conftest), with /drop.bin cut off a third of the way through."""
    _, handler = http_server
    handler.files["/drop.bin"] = PAYLOAD
    handler.truncated.add("/drop.bin")
    return http_server


def test_download_verifies_and_caches(server, tmp_path):
    base, handler = server
    handler.files["/a.bin"] = PAYLOAD
    remote = RemoteFile("a.bin", base + "/a.bin", _md5(PAYLOAD))
    path = fetch_mod.fetch_file(remote, "demo", tmp_path)
    assert path == tmp_path / "demo" / "a.bin" and path.read_bytes() == PAYLOAD
    assert fetch_mod.fetch_file(remote, "demo", tmp_path) == path
    assert handler.hits["/a.bin"] == 1  # second call served from the cache


def test_default_cache_folder_is_toolkit_data(server, tmp_path, monkeypatch):
    base, handler = server
    handler.files["/a.bin"] = PAYLOAD
    monkeypatch.setenv("TOOLKIT_DATA", str(tmp_path / "cache"))
    path = fetch_mod.fetch_file(RemoteFile("a.bin", base + "/a.bin", _md5(PAYLOAD)), "demo")
    assert path == tmp_path / "cache" / "demo" / "a.bin"


def test_wrong_download_checksum_keeps_nothing(server, tmp_path):
    base, handler = server
    handler.files["/a.bin"] = PAYLOAD
    remote = RemoteFile("a.bin", base + "/a.bin", "md5:" + "0" * 32)
    with pytest.raises(DatasetChecksumError, match="does not match its checksum"):
        fetch_mod.fetch_file(remote, "demo", tmp_path)
    assert list((tmp_path / "demo").iterdir()) == []


def test_corrupted_cache_is_deleted_and_fetched_again(server, tmp_path):
    base, handler = server
    handler.files["/a.bin"] = PAYLOAD
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "a.bin").write_bytes(b"half a file")
    with pytest.warns(UserWarning, match="deleted .*a.bin"):
        path = fetch_mod.fetch_file(RemoteFile("a.bin", base + "/a.bin", _md5(PAYLOAD)),
                                    "demo", tmp_path)
    assert path.read_bytes() == PAYLOAD and handler.hits["/a.bin"] == 1


def test_interrupted_download_leaves_nothing(server, tmp_path):
    base, _ = server
    remote = RemoteFile("drop.bin", base + "/drop.bin", _md5(PAYLOAD))
    with pytest.raises(DatasetDownloadError) as info:
        fetch_mod.fetch_file(remote, "demo", tmp_path)
    assert info.value.__suppress_context__  # no raw requests traceback chained
    assert list((tmp_path / "demo").iterdir()) == []


def test_offline_message_says_how_and_where(tmp_path):
    remote = RemoteFile("a.bin", "http://127.0.0.1:9/a.bin", _md5(PAYLOAD))  # port 9: closed
    with pytest.raises(DatasetDownloadError) as info:
        fetch_mod.fetch_file(remote, "demo", tmp_path)
    message = str(info.value)
    assert isinstance(info.value, OSError) and "\n" not in message
    assert "http://127.0.0.1:9/a.bin" in message and str(tmp_path / "demo" / "a.bin") in message


def test_network_blocked_for_real_registry_urls(tmp_path):
    with pytest.raises(DatasetDownloadError, match="Download it by hand"):
        fetch("breastmnist", data_dir=tmp_path)


def test_publisher_checksum_file_is_used(server, tmp_path):
    base, handler = server
    handler.files["/v.vcf.gz"] = PAYLOAD
    handler.files["/v.vcf.gz.md5"] = f"{hashlib.md5(PAYLOAD).hexdigest()}  v.vcf.gz\n".encode()
    good = RemoteFile("v.vcf.gz", base + "/v.vcf.gz", checksum_url=base + "/v.vcf.gz.md5")
    assert fetch_mod.fetch_file(good, "demo", tmp_path).read_bytes() == PAYLOAD
    handler.files["/w.vcf.gz"] = PAYLOAD + b"tampered"
    handler.files["/w.vcf.gz.md5"] = handler.files["/v.vcf.gz.md5"]
    bad = RemoteFile("w.vcf.gz", base + "/w.vcf.gz", checksum_url=base + "/w.vcf.gz.md5")
    with pytest.raises(DatasetChecksumError):
        fetch_mod.fetch_file(bad, "demo", tmp_path)
    assert not (tmp_path / "demo" / "w.vcf.gz").exists()


def test_unverifiable_file_warns_with_sha256(server, tmp_path):
    base, handler = server
    handler.files["/a.bin"] = PAYLOAD
    with pytest.warns(UserWarning, match=hashlib.sha256(PAYLOAD).hexdigest()):
        fetch_mod.fetch_file(RemoteFile("a.bin", base + "/a.bin"), "demo", tmp_path)


def test_shared_classroom_folder_is_checked_first(server, tmp_path, monkeypatch):
    base, handler = server
    shared = tmp_path / "shared"
    (shared / "demo").mkdir(parents=True)
    (shared / "demo" / "a.bin").write_bytes(PAYLOAD)
    monkeypatch.setenv("TOOLKIT_SHARED_DATA", str(shared))
    remote = RemoteFile("a.bin", base + "/a.bin", _md5(PAYLOAD))
    assert fetch_mod.fetch_file(remote, "demo", tmp_path / "user") == shared / "demo" / "a.bin"
    assert handler.hits == {}
    (shared / "demo" / "a.bin").write_bytes(b"wrong")  # a bad shared copy is skipped, not deleted
    handler.files["/a.bin"] = PAYLOAD
    with pytest.warns(UserWarning, match="ignoring"):
        path = fetch_mod.fetch_file(remote, "demo", tmp_path / "user")
    assert path == tmp_path / "user" / "demo" / "a.bin" and (shared / "demo" / "a.bin").exists()


def _fake_npz(path):
    rng = np.random.default_rng(0)
    arrays = {f"{s}_images": rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
              for s, n in [("train", 6), ("val", 2), ("test", 3)]}
    arrays |= {f"{s}_labels": rng.integers(0, 2, (n, 1)) for s, n in [("train", 6), ("val", 2),
                                                                    ("test", 3)]}
    np.savez(path, **arrays)
    return path.read_bytes()


def test_fetch_then_load_medmnist_through_registry(server, tmp_path, monkeypatch):
    base, handler = server
    body = _fake_npz(tmp_path / "fake.npz")
    handler.files["/breastmnist.npz"] = body
    entry = dataclasses.replace(get_entry("breastmnist"), files=(
        RemoteFile("breastmnist.npz", base + "/breastmnist.npz", _md5(body)),))
    monkeypatch.setattr(fetch_mod, "get_entry", lambda name: entry)
    with pytest.raises(DatasetNotDownloadedError, match=r"run fetch\('breastmnist'\)"):
        load_medmnist("breastmnist", data_dir=tmp_path / "c")
    paths = fetch("breastmnist", data_dir=tmp_path / "c")
    assert paths["breastmnist.npz"].parent == tmp_path / "c" / "breastmnist"
    b = load("breastmnist", split="test", data_dir=tmp_path / "c")
    assert b.data.shape == (3, 28, 28) and b.target.shape == (3,)
    X, y = datasets.load_breastmnist("train", data_dir=tmp_path / "c", return_X_y=True)
    assert X.shape == (6, 28, 28) and y.ndim == 1
    with pytest.raises(ValueError, match="split must be one of"):
        load_medmnist("breastmnist", split="validation", data_dir=tmp_path / "c")


def test_manual_collection_explains_steps(tmp_path):
    with pytest.raises(DatasetDownloadError, match="NBIA Data Retriever") as info:
        fetch("nsclc_radiogenomics", data_dir=tmp_path)
    assert str(tmp_path / "nsclc_radiogenomics") in str(info.value)
    (tmp_path / "nsclc_radiogenomics").mkdir()
    (tmp_path / "nsclc_radiogenomics" / "clinical.csv").write_text("Case ID\nR01-001\n")
    b = load("nsclc_radiogenomics", data_dir=tmp_path)
    assert [p.name for p in b.files] == ["clinical.csv"]


def test_offline_dataset_needs_no_fetch():
    with pytest.raises(ValueError, match="needs no download"):
        fetch("wdbc")


def test_bad_checksum_file_in_shared_folder_is_not_touched(tmp_path, monkeypatch):
    shared = tmp_path / "shared"
    (shared / "demo").mkdir(parents=True)
    (shared / "demo" / "v.vcf.gz").write_bytes(PAYLOAD)
    (shared / "demo" / "v.vcf.gz.md5").write_text("not a checksum\n")
    monkeypatch.setenv("TOOLKIT_SHARED_DATA", str(shared))
    remote = RemoteFile("v.vcf.gz", "http://127.0.0.1:9/v.vcf.gz",
                        checksum_url="http://127.0.0.1:9/v.vcf.gz.md5")
    with pytest.raises(DatasetChecksumError, match="holds no MD5; ask your instructor"):
        fetch_mod.fetch_file(remote, "demo", tmp_path / "user")
    assert (shared / "demo" / "v.vcf.gz.md5").exists()
