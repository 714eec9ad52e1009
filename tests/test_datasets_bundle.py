"""`python -m toolkit.datasets bundle DIR`: checksums, resume, skip, manual steps; loopback only."""
from __future__ import annotations

import hashlib
import subprocess
import sys

import pytest

import toolkit.datasets.bundle as bundle_mod
from toolkit.datasets import DatasetChecksumError, DatasetDownloadError, fetch
from toolkit.datasets.__main__ import main
from toolkit.datasets.bundle import bundle, bundle_entries, download_resumable
from toolkit.datasets.registry import DatasetEntry, RemoteFile

PAYLOAD = bytes(range(256)) * 800  # 200 kB


def _md5(data: bytes) -> str:
    return "md5:" + hashlib.md5(data).hexdigest()


def _serve_ranges(handler):
    """Make the loopback server honour 'Range: bytes=N-' (206), recording each Range asked."""
    handler.ranges = []

    def do_GET(self):  # noqa: N802
        self.hits[self.path] = self.hits.get(self.path, 0) + 1
        body = self.files.get(self.path)
        if body is None:
            self.send_error(404)
            return
        start = 0
        if (asked := self.headers.get("Range")) is not None:
            handler.ranges.append(asked)
            start = int(asked.split("=")[1].rstrip("-"))
            if start >= len(body):
                self.send_error(416)
                return
        self.send_response(206 if start else 200)
        self.send_header("Content-Length", str(len(body) - start))
        self.end_headers()
        if self.path in self.truncated:
            self.wfile.write(body[start:start + (len(body) - start) // 3])
            self.wfile.flush()
            self.connection.shutdown(2)
            return
        self.wfile.write(body[start:])

    handler.do_GET = do_GET


def _entries(base: str) -> list[DatasetEntry]:
    def entry(name, files=(), manual="", availability="download"):
        return DatasetEntry(name, "test", "test", "CC0", "tiny", availability, False, "x:y",
                            files, manual_steps=manual)
    return [
        entry("alpha", (RemoteFile("a.bin", base + "/a.bin", _md5(PAYLOAD)),)),
        entry("beta", (RemoteFile("b.vcf.gz", base + "/b.vcf.gz", checksum_url=base + "/b.vcf.gz.md5"),
                       RemoteFile("b.panel", base + "/b.panel"))),
        entry("gamma", manual="1. Open the portal. 2. Download into {folder}."),
        entry("offline_only", availability="offline"),
    ]


@pytest.fixture
def served(http_server):
    base, handler = http_server
    _serve_ranges(handler)
    handler.files.update({"/a.bin": PAYLOAD, "/b.vcf.gz": PAYLOAD[::-1], "/b.panel": b"sample\tpop\n",
                          "/b.vcf.gz.md5": f"{hashlib.md5(PAYLOAD[::-1]).hexdigest()}  b.vcf.gz\n".encode()})
    return base, handler


def test_bundle_downloads_verifies_and_lays_out_folders_for_fetch(served, tmp_path, monkeypatch):
    base, handler = served
    rows = bundle(tmp_path / "class", entries=_entries(base), progress=False)
    status = {(r["dataset"], r["file"]): (r["status"], r["detail"]) for r in rows}
    assert status[("alpha", "a.bin")] == ("downloaded", "md5 verified")
    assert status[("beta", "b.vcf.gz")] == ("downloaded", "md5 verified")
    assert status[("beta", "b.panel")][1].startswith("not verifiable (no published checksum); sha256 "
                                                     + hashlib.sha256(b"sample\tpop\n").hexdigest())
    assert status[("gamma", "(folder)")][0] == "manual"
    assert str(tmp_path / "class" / "gamma") in status[("gamma", "(folder)")][1]
    assert ("offline_only", "(folder)") not in status
    assert (tmp_path / "class" / "alpha" / "a.bin").read_bytes() == PAYLOAD
    assert (tmp_path / "class" / "beta" / "b.vcf.gz.md5").exists()   # fetch() reads it there
    assert not list((tmp_path / "class").rglob("*.part"))
    # learners' fetch() now finds the files in the shared folder without any request
    hits = dict(handler.hits)
    monkeypatch.setenv("TOOLKIT_SHARED_DATA", str(tmp_path / "class"))
    monkeypatch.setattr("toolkit.datasets.downloads.get_entry",
                        lambda name: next(e for e in _entries(base) if e.name == name))
    assert fetch("beta", data_dir=tmp_path / "user")["b.vcf.gz"] == tmp_path / "class" / "beta" / "b.vcf.gz"
    assert handler.hits == hits


def test_second_run_skips_verified_files_and_replaces_corrupt_ones(served, tmp_path):
    base, handler = served
    bundle(tmp_path, entries=_entries(base), progress=False)
    (tmp_path / "alpha" / "a.bin").write_bytes(b"corrupted")
    rows = bundle(tmp_path, entries=_entries(base), progress=False)
    status = {r["file"]: r["status"] for r in rows}
    assert status == {"a.bin": "downloaded", "b.vcf.gz": "present", "b.panel": "present",
                      "(folder)": "manual"}
    assert handler.hits["/a.bin"] == 2 and handler.hits["/b.vcf.gz"] == 1
    assert (tmp_path / "alpha" / "a.bin").read_bytes() == PAYLOAD


def test_interrupted_download_resumes_where_it_stopped(served, tmp_path):
    base, handler = served
    handler.truncated.add("/a.bin")
    dest = tmp_path / "a.bin"
    with pytest.raises(DatasetDownloadError, match="Run the same command again to resume") as info:
        download_resumable(base + "/a.bin", dest, _md5(PAYLOAD), progress=False)
    assert "\n" not in str(info.value)
    part = tmp_path / "a.bin.part"
    kept = part.stat().st_size
    assert 0 < kept < len(PAYLOAD) and not dest.exists()
    handler.truncated.clear()
    assert download_resumable(base + "/a.bin", dest, _md5(PAYLOAD), progress=False) == dest
    assert handler.ranges == [f"bytes={kept}-"] and dest.read_bytes() == PAYLOAD and not part.exists()


def test_server_ignoring_range_restarts_and_complete_part_is_accepted(http_server, tmp_path):
    base, handler = http_server                        # the plain server: no Range support
    handler.files["/a.bin"] = PAYLOAD
    (tmp_path / "a.bin.part").write_bytes(PAYLOAD[:1000])
    download_resumable(base + "/a.bin", tmp_path / "a.bin", _md5(PAYLOAD), progress=False)
    assert (tmp_path / "a.bin").read_bytes() == PAYLOAD


def test_checksum_mismatch_keeps_nothing(served, tmp_path):
    base, handler = served
    with pytest.raises(DatasetChecksumError, match="does not match md5:0{32}; the download was deleted"):
        download_resumable(base + "/a.bin", tmp_path / "a.bin", "md5:" + "0" * 32, progress=False)
    assert list(tmp_path.iterdir()) == []


def test_unknown_name_is_refused_with_the_choices(served, tmp_path):
    with pytest.raises(ValueError, match=r"no bundled dataset called \['delta'\]; must be one of \['alpha'"):
        bundle(tmp_path, names=["delta"], entries=_entries(served[0]))


def test_cli_reports_each_file_and_exits_1_when_one_fails(served, tmp_path, monkeypatch, capsys):
    base, handler = served
    entries = _entries(base) + [DatasetEntry("broken", "t", "t", "CC0", "tiny", "download", False, "x:y",
                                             (RemoteFile("z.bin", base + "/missing.bin", _md5(b"")),))]
    monkeypatch.setattr(bundle_mod, "REGISTRY", tuple(entries))
    assert main(["bundle", str(tmp_path), "--no-progress"]) == 1
    out = capsys.readouterr().out
    assert "downloaded alpha/a.bin: md5 verified" in out
    assert "failed     broken/z.bin: could not download z.bin" in out and "HTTPError" in out
    assert "3 ready, 1 failed, 1 need manual steps" in out and f"TOOLKIT_SHARED_DATA={tmp_path}" in out
    assert main(["bundle", str(tmp_path), "--only", "alpha", "--no-progress"]) == 0
    assert "present    alpha/a.bin" in capsys.readouterr().out
    assert main(["bundle", str(tmp_path), "--only", "nope"]) == 2
    capsys.readouterr()
    assert main(["list"]) == 0
    listed = capsys.readouterr().out
    assert "breastmnist" in listed and "availability" in listed


def test_real_registry_bundle_covers_downloads_and_shipped_originals():
    names = {e.name for e in bundle_entries()}
    assert {"thousand_genomes_chr22", "clinvar", "pneumoniamnist", "breastmnist",
            "nsclc_radiogenomics"} <= names
    assert not {"wdbc", "gse7390", "simulated_population"} & names


def test_module_runs_from_the_command_line():
    out = subprocess.run([sys.executable, "-m", "toolkit.datasets", "bundle", "--help"],
                         capture_output=True, text=True)
    assert out.returncode == 0 and "TOOLKIT_SHARED_DATA" in out.stdout
    none = subprocess.run([sys.executable, "-m", "toolkit.datasets"], capture_output=True, text=True)
    assert none.returncode == 2 and "bundle" in none.stdout
