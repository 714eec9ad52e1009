"""Download course datasets on demand: pinned URL, checksum, cache folder, clear offline message.

Order of search for every file: the read-only classroom folder ``$TOOLKIT_SHARED_DATA/<name>/``,
then the user's cache ``get_data_dir()/<name>/``, then the network (with a progress bar).
pooch writes each download to a temporary name and renames it only after the checksum
matches, so an interrupted or corrupted download never leaves a file under the final name.
"""
from __future__ import annotations

import os
import re
import warnings
from pathlib import Path

from .paths import get_data_dir, get_shared_data_dir
from .registry import DatasetEntry, RemoteFile, get_entry

__all__ = ["DatasetDownloadError", "DatasetChecksumError", "DatasetNotDownloadedError",
           "fetch", "fetch_file", "locate", "fetch_thousand_genomes_chr22", "fetch_clinvar",
           "fetch_pneumoniamnist", "fetch_breastmnist", "fetch_dermamnist", "fetch_pathmnist",
           "fetch_nsclc_radiogenomics"]


class DatasetDownloadError(ConnectionError):
    """A dataset could not be downloaded (offline, server error, or manual steps needed)."""


class DatasetChecksumError(ValueError):
    """A downloaded file does not match its pinned checksum; nothing was kept."""


class DatasetNotDownloadedError(FileNotFoundError):
    """A download-only dataset is not in the cache yet (run ``fetch(name)`` first)."""


def _hash_ok(path: Path, known_hash: str | None) -> bool:
    import pooch

    return known_hash is None or pooch.file_hash(str(path), known_hash.split(":")[0]) == \
        known_hash.split(":")[-1].lower()


def _publisher_hash(remote: RemoteFile, folder: Path, download: bool,
                    shared_folder: bool = False) -> str | None:
    """The MD5 from the publisher's checksum file (downloaded next to the data file)."""
    if remote.checksum_url is None:
        return remote.known_hash
    name = remote.filename + ".md5"
    path = folder / name
    if not path.exists():
        if not download:
            return None
        path = Path(_retrieve(remote.checksum_url, None, name, folder))
    match = re.search(r"\b[0-9a-fA-F]{32}\b", path.read_text(errors="replace"))
    if match is None:
        if shared_folder:
            raise DatasetChecksumError(f"{path} holds no MD5; ask your instructor to fix it.")
        path.unlink()
        raise DatasetChecksumError(f"the checksum file {remote.checksum_url} holds no MD5; "
                                   "it was deleted. Try again later or download by hand.")
    return "md5:" + match.group(0).lower()


def _retrieve(url: str, known_hash: str | None, filename: str, folder: Path) -> str:
    import pooch
    import requests

    try:
        return pooch.retrieve(url, known_hash, fname=filename, path=folder, progressbar=True,
                              downloader=pooch.HTTPDownloader(progressbar=True, timeout=60))
    except ValueError as exc:  # pooch: hash mismatch, temporary file already removed
        raise DatasetChecksumError(
            f"{filename} from {url} does not match its checksum {known_hash}; nothing was "
            f"saved ({str(exc).splitlines()[0][:120]}). Try again; if it persists the file "
            "changed on the server.") from None
    except (requests.RequestException, OSError) as exc:
        reason = type(exc).__name__
        raise DatasetDownloadError(
            f"could not download {filename} from {url} ({reason}: offline or connection lost?). "
            f"Download it by hand from that address and put it at {folder / filename}, "
            f"or ask your instructor for the classroom copy ($TOOLKIT_SHARED_DATA).") from None


def _local_copy(remote: RemoteFile, dataset: str, folder: Path) -> Path | None:
    """A verified copy in the shared classroom folder or the user's cache, else None.

    A cached copy with the wrong checksum is deleted (a shared one is only skipped)."""
    shared_root = get_shared_data_dir()
    if shared_root is not None and (shared_root / dataset / remote.filename).is_file():
        shared = shared_root / dataset / remote.filename
        known = _publisher_hash(remote, shared.parent, download=False, shared_folder=True)
        if _hash_ok(shared, known):
            return shared
        warnings.warn(f"ignoring {shared}: its checksum is not {known}", stacklevel=3)
    target = folder / remote.filename
    if not target.is_file():
        return None
    known = _publisher_hash(remote, folder, download=False)
    if _hash_ok(target, known):
        return target
    warnings.warn(f"deleted {target}: its checksum is not {known} (corrupted or outdated); "
                  "it will be downloaded again", stacklevel=3)
    target.unlink()
    return None


def fetch_file(remote: RemoteFile, dataset: str, data_dir: str | os.PathLike | None = None) -> Path:
    """Return a verified local path to ``remote``, downloading it into the cache if needed.

    Parameters
    ----------
    remote : RemoteFile
        File name, pinned URL and checksum (from the registry).
    dataset : str
        Sub-folder of the cache (the dataset name).
    data_dir : str or path, optional
        Cache folder; default :func:`toolkit.datasets.paths.get_data_dir`.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    DatasetDownloadError
        Offline or the server failed: the message says where to put a hand-downloaded copy.
    DatasetChecksumError
        The download does not match the pinned checksum (nothing is kept).

    Examples
    --------
    >>> fetch_file(get_entry("clinvar").files[0], "clinvar")  # doctest: +SKIP

    Taught in lesson 00 (instructor notes).
    """
    folder = get_data_dir(data_dir) / dataset
    local = _local_copy(remote, dataset, folder)
    if local is not None:
        return local
    known_hash = _publisher_hash(remote, folder, download=True)
    path = Path(_retrieve(remote.url, known_hash, remote.filename, folder))
    if known_hash is None:
        import pooch

        warnings.warn(f"{path.name} could not be verified (no checksum is pinned); its SHA256 "
                      f"is {pooch.file_hash(str(path))}. Compare with the publisher's record.",
                      stacklevel=2)
    return path


def _manual_folder(entry: DatasetEntry, data_dir) -> Path:
    shared = get_shared_data_dir()
    if shared is not None and any((shared / entry.name).glob("*")):
        return shared / entry.name
    folder = get_data_dir(data_dir) / entry.name
    if any(folder.glob("*")):
        return folder
    raise DatasetDownloadError(
        f"{entry.name!r} cannot be downloaded automatically; get it by hand: "
        + entry.manual_steps.format(folder=folder))


def fetch(name: str, data_dir: str | os.PathLike | None = None) -> dict[str, Path]:
    """Download dataset ``name`` once into the cache and return ``{file name: path}``.

    pooch announces source and destination, shows a progress bar (tqdm) and the toolkit
    verifies every checksum.
    The shared classroom folder ``$TOOLKIT_SHARED_DATA`` is checked first. An offline dataset
    that ships a copy (e.g. ``breastmnist``) can still be fetched: this downloads the
    publisher's original, to compare with the shipped copy.

    Examples
    --------
    >>> fetch("pneumoniamnist")  # doctest: +SKIP
    {'pneumoniamnist.npz': PosixPath('.../pneumoniamnist/pneumoniamnist.npz')}

    Taught in lesson 00 (instructor notes).
    """
    entry = get_entry(name)
    if entry.availability == "offline" and not entry.files:
        raise ValueError(f"{name!r} needs no download (it ships offline); use load({name!r}).")
    if entry.manual_steps:
        return {name: _manual_folder(entry, data_dir)}
    return {f.filename: fetch_file(f, name, data_dir) for f in entry.files}


def locate(name: str, data_dir: str | os.PathLike | None = None,
           download: bool = False) -> dict[str, Path]:
    """Paths of an already-downloaded dataset; with ``download=True`` fetch what is missing.

    Examples
    --------
    >>> locate("clinvar")  # doctest: +SKIP

    Used by the loaders (e.g. ``load_breastmnist``, lesson 09); no lesson calls it directly.
    """
    if download:
        return fetch(name, data_dir)
    entry = get_entry(name)
    if entry.manual_steps:
        return {name: _manual_folder(entry, data_dir)}
    folder = get_data_dir(data_dir) / name
    paths = {f.filename: _local_copy(f, name, folder) for f in entry.files}
    missing = [n for n, p in paths.items() if p is None]
    if missing:
        raise DatasetNotDownloadedError(
            f"{name!r} is not downloaded yet (missing {missing} in {folder}); run "
            f"fetch({name!r}) ({entry.size}) or pass download=True.")
    return paths


def fetch_thousand_genomes_chr22(data_dir=None) -> dict[str, Path]:
    """Download 1000 Genomes phase 3 chromosome 22 (VCF, index, sample panel). Lesson 02."""
    return fetch("thousand_genomes_chr22", data_dir)


def fetch_clinvar(data_dir=None) -> dict[str, Path]:
    """Download the pinned ClinVar GRCh38 VCF (release 2024-01-07). Lesson 04."""
    return fetch("clinvar", data_dir)


def fetch_pneumoniamnist(data_dir=None) -> dict[str, Path]:
    """Download PneumoniaMNIST (28 x 28 chest X-rays). Lesson 09."""
    return fetch("pneumoniamnist", data_dir)


def fetch_breastmnist(data_dir=None) -> dict[str, Path]:
    """Download BreastMNIST (28 x 28 breast ultrasound). Lesson 09."""
    return fetch("breastmnist", data_dir)


def fetch_dermamnist(data_dir=None) -> dict[str, Path]:
    """Download DermaMNIST (28 x 28 dermatoscopy, CC BY-NC 4.0). Lesson 16."""
    return fetch("dermamnist", data_dir)


def fetch_pathmnist(data_dir=None) -> dict[str, Path]:
    """Download PathMNIST (28 x 28 H&E colorectal tiles, 9 tissue classes, CC BY 4.0). Lesson 07."""
    return fetch("pathmnist", data_dir)


def fetch_nsclc_radiogenomics(data_dir=None) -> dict[str, Path]:
    """Find the hand-downloaded NSCLC Radiogenomics folder, or explain the TCIA steps. Lesson 12."""
    return fetch("nsclc_radiogenomics", data_dir)
