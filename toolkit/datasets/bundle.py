"""A classroom bundle: every downloadable course dataset in one folder, for ``$TOOLKIT_SHARED_DATA``.

An instructor runs ``python -m toolkit.datasets bundle DIR`` once on a connected machine and
shares ``DIR`` (read-only) with the class; learners set ``TOOLKIT_SHARED_DATA=DIR`` and every
``fetch()``/``load_*()`` finds the files there without a download. The layout is the one
``fetch()`` reads: ``DIR/<dataset>/<file>`` (plus ``<file>.md5`` when the publisher's checksum
file is the reference). Downloads resume where an interrupted run stopped (HTTP Range), show a
progress bar, and a file gets its final name only after its checksum matches.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from .downloads import DatasetChecksumError, DatasetDownloadError, _hash_ok
from .registry import REGISTRY, DatasetEntry, RemoteFile

__all__ = ["bundle", "bundle_entries", "download_resumable"]

_CHUNK = 1 << 16


def bundle_entries(entries=None) -> list[DatasetEntry]:
    """Registry entries a bundle covers: those with pinned files or manual steps.

    Examples
    --------
    >>> names = [e.name for e in bundle_entries()]
    >>> "clinvar" in names and "wdbc" not in names
    True
    """
    return [e for e in (REGISTRY if entries is None else entries) if e.files or e.manual_steps]


def download_resumable(url: str, dest: str | os.PathLike, known_hash: str | None = None,
                       progress: bool = True, timeout: float = 60) -> Path:
    """Download ``url`` to ``dest``, resuming a partial ``dest.part`` left by an earlier try.

    Parameters
    ----------
    url : str
    dest : path
        Final file name; the data go to ``<dest>.part`` until complete and verified.
    known_hash : str, optional
        ``"md5:<hex>"`` or ``"sha256:<hex>"``; a mismatch deletes the partial file.
    progress : bool, default True
        A tqdm progress bar (bytes).
    timeout : float, default 60
        Seconds to wait for the server.

    Returns
    -------
    pathlib.Path
        ``dest``, complete and verified.

    Raises
    ------
    DatasetDownloadError
        Offline, a server error or a connection cut: the partial file is kept, and running
        the same command again resumes it.
    DatasetChecksumError
        The complete file does not match ``known_hash``; nothing is kept.

    Examples
    --------
    >>> download_resumable("https://example.org/a.npz", "/tmp/a.npz")  # doctest: +SKIP

    Taught in lesson 00 (instructor notes).
    """
    import requests

    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    offset = part.stat().st_size if part.exists() else 0
    headers = {"Range": f"bytes={offset}-"} if offset else {}
    try:
        with requests.get(url, headers=headers, stream=True, timeout=timeout) as r:
            if r.status_code == 416:          # the partial file is already complete
                r.close()
            else:
                r.raise_for_status()
                if r.status_code != 206:      # the server ignored Range: start again
                    offset = 0
                expected = offset + int(r.headers.get("Content-Length", 0)) or None
                _write(r, part, offset, expected, dest.name, progress)
    except (requests.RequestException, OSError) as exc:
        have = part.stat().st_size if part.exists() else 0
        raise DatasetDownloadError(
            f"could not download {dest.name} from {url} ({type(exc).__name__}; {have:,} bytes kept "
            f"in {part}). Run the same command again to resume.") from None
    if not _hash_ok(part, known_hash):
        part.unlink()
        raise DatasetChecksumError(f"{dest.name} from {url} does not match {known_hash}; the "
                                   "download was deleted. Try again; if it persists the file "
                                   "changed on the server.")
    part.replace(dest)
    return dest


def _write(response, part: Path, offset: int, expected: int | None, label: str,
           progress: bool) -> None:
    from tqdm.auto import tqdm

    with open(part, "ab" if offset else "wb") as f, \
            tqdm(total=expected, initial=offset, unit="B", unit_scale=True, desc=label,
                 disable=not progress, leave=False) as bar:
        for chunk in response.iter_content(_CHUNK):
            f.write(chunk)
            bar.update(len(chunk))
    size = part.stat().st_size
    if expected is not None and size < expected:
        raise OSError(f"connection closed after {size:,} of {expected:,} bytes")


def _reference_hash(remote: RemoteFile, folder: Path, progress: bool) -> str | None:
    """The pinned hash, or the MD5 read from the publisher's checksum file (kept beside the data)."""
    if remote.checksum_url is None:
        return remote.known_hash
    md5_file = folder / (remote.filename + ".md5")
    if not md5_file.exists():
        download_resumable(remote.checksum_url, md5_file, None, progress=False)
    match = re.search(r"\b[0-9a-fA-F]{32}\b", md5_file.read_text(errors="replace"))
    if match is None:
        md5_file.unlink()
        raise DatasetChecksumError(f"the checksum file {remote.checksum_url} holds no MD5; it was "
                                   "deleted. Try again later.")
    return "md5:" + match.group(0).lower()


def _bundle_file(remote: RemoteFile, folder: Path, progress: bool) -> dict:
    dest = folder / remote.filename
    row = {"file": remote.filename}
    try:
        known = _reference_hash(remote, folder, progress)
        if dest.exists() and _hash_ok(dest, known):
            status = "present"
        else:
            if dest.exists():
                dest.unlink()                 # corrupt or outdated: fetch it again
            download_resumable(remote.url, dest, known, progress)
            status = "downloaded"
    except (DatasetDownloadError, DatasetChecksumError) as exc:
        return row | {"status": "failed", "detail": str(exc)}
    if known is None:
        import pooch  # lazily: `import toolkit.datasets` stays light

        sha = pooch.file_hash(str(dest))
        return row | {"status": status, "detail": f"not verifiable (no published checksum); sha256 {sha}"}
    return row | {"status": status, "detail": f"{known.split(':')[0]} verified"}


def bundle(folder: str | os.PathLike, names=None, entries=None, progress: bool = True) -> list[dict]:
    """Download every downloadable course dataset into ``folder`` (skipping verified files).

    Parameters
    ----------
    folder : path
        The classroom folder; learners point ``TOOLKIT_SHARED_DATA`` at it.
    names : list of str, optional
        Only these datasets (default: all with pinned files or manual steps).
    entries : sequence of DatasetEntry, optional
        The registry to read (default: the toolkit's; tests pass their own).
    progress : bool, default True

    Returns
    -------
    list of dict
        One row per file: ``dataset``, ``file``, ``status`` ("present", "downloaded",
        "failed" or "manual") and ``detail`` (checksum used, error, or the manual steps).

    Raises
    ------
    ValueError
        If a name in ``names`` is not a bundled dataset.

    Examples
    --------
    >>> rows = bundle("/srv/course-data")  # doctest: +SKIP

    Taught in lesson 00 (instructor notes).
    """
    chosen = bundle_entries(entries)
    if names:
        known = [e.name for e in chosen]
        unknown = [n for n in names if n not in known]
        if unknown:
            raise ValueError(f"no bundled dataset called {unknown}; must be one of {known}.")
        chosen = [e for e in chosen if e.name in names]
    root = Path(folder).expanduser()
    rows = []
    for entry in chosen:
        target = root / entry.name
        if entry.manual_steps:
            present = target.is_dir() and any(target.iterdir())
            rows.append({"dataset": entry.name, "file": "(folder)",
                         "status": "present" if present else "manual",
                         "detail": "" if present else entry.manual_steps.format(folder=target)})
            continue
        target.mkdir(parents=True, exist_ok=True)
        rows += [{"dataset": entry.name} | _bundle_file(f, target, progress) for f in entry.files]
    return rows
