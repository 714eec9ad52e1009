"""Medical Segmentation Decathlon Task04 (hippocampus MRI with expert masks), on demand.

The archive ``Task04_Hippocampus.tar`` (about 27 MB) is downloaded by `toolkit.datasets.fetch`
from the MONAI project's mirror and checked against the MD5 that MONAI's ``DecathlonDataset``
pins; it is read straight from the tar file (nothing is unpacked, so nothing half-written is
left behind). Card: ``datasets/msd_hippocampus.md``.
"""
from __future__ import annotations

import gzip
import io
import json
import os
import tarfile
from pathlib import Path

from .real_imaging import _bunch
from .registry import card

__all__ = ["load_msd_hippocampus", "MSD_HIPPOCAMPUS_LABELS"]

MSD_HIPPOCAMPUS_LABELS = {0: "background", 1: "anterior hippocampus", 2: "posterior hippocampus"}


def _nifti(data: bytes):
    import nibabel as nib

    raw = gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data
    return nib.Nifti1Image.from_stream(io.BytesIO(raw))


def _read_archive(path: Path, n_cases: int | None = None) -> dict:
    """Images, labels, spacings and case ids of the labelled training cases of the archive."""
    with tarfile.open(path) as tar:
        members = {m.name.lstrip("./"): m for m in tar.getmembers() if m.isfile()}
        index = next((n for n in members if n.endswith("dataset.json")), None)
        if index is None:
            raise ValueError(f"{path}: no dataset.json in the archive; delete it and fetch again")
        root = index.rsplit("/", 1)[0] + "/" if "/" in index else ""
        meta = json.loads(tar.extractfile(members[index]).read())
        cases = meta["training"][:n_cases]
        out = {"images": [], "labels": [], "spacing": [], "case": []}
        for case in cases:
            image = _nifti(tar.extractfile(members[root + case["image"].lstrip("./")]).read())
            label = _nifti(tar.extractfile(members[root + case["label"].lstrip("./")]).read())
            out["images"].append(image.get_fdata(dtype="float32"))
            out["labels"].append(label.get_fdata(dtype="float32").astype("uint8"))
            out["spacing"].append(tuple(float(z) for z in image.header.get_zooms()[:3]))
            out["case"].append(Path(case["image"]).name.split(".")[0])
    return out


def load_msd_hippocampus(data_dir: str | os.PathLike | None = None, download: bool = False,
                         n_cases: int | None = None):
    """Hippocampus MRI volumes with expert masks (MSD Task04, 260 labelled cases, CC BY-SA 4.0).

    Parameters
    ----------
    data_dir : str or path, optional
        Cache folder (default: the toolkit's data folder).
    download : bool, default False
        Fetch the archive (about 27 MB, MD5-checked) if it is not in the cache yet.
    n_cases : int, optional
        Read only the first ``n_cases`` labelled cases (in the archive's ``dataset.json`` order).

    Returns
    -------
    Bunch
        ``images`` and ``labels`` (lists of 3-D arrays; labels 0/1/2 as in
        ``MSD_HIPPOCAMPUS_LABELS``), ``spacing`` (mm per voxel, per case), ``case`` (ids such as
        ``hippocampus_367``), ``source`` (path of the archive) and ``description``.

    Raises
    ------
    DatasetNotDownloadedError
        When the archive is not in the cache and ``download`` is False.

    Examples
    --------
    >>> msd = load_msd_hippocampus(download=True, n_cases=5)  # doctest: +SKIP

    Named in lesson 10 (section 5) as the on-demand real set; the lesson itself runs offline without it.
    """
    from .downloads import locate

    path = next(iter(locate("msd_hippocampus", data_dir, download).values()))
    parts = _read_archive(path, n_cases)
    return _bunch(images=parts["images"], labels=parts["labels"], spacing=parts["spacing"],
                  case=parts["case"], source=path, description=card("msd_hippocampus"))
