"""Write the SYNTHETIC cohort as real file formats, and read it back.

clinical.csv, genotypes.vcf.gz (bgzipped VCF 4.2), images/<id>.nii.gz, masks/<id>.nii.gz,
tumour_expression.csv and dicom/<id>/*.dcm (both optional) and ground_truth.json, written last: a folder without
ground_truth.json is an interrupted write. Each file goes to a temporary name first.
"""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pandas as pd

from .._utils.files import atomic_write
from ..genomics.genotypes import Genotypes

NIFTI_DESCRIP = b"SYNTHETIC - not a real patient (toolkit cohort)"


def _nifti(array: np.ndarray, affine: np.ndarray):
    import nibabel as nib

    img = nib.Nifti1Image(array, affine)
    img.header["descrip"] = NIFTI_DESCRIP
    img.header.set_xyzt_units("mm")
    img.set_qform(affine, code=4)  # 4 = MNI152 space
    img.set_sform(affine, code=4)
    return img


def write_cohort(cohort, out: Path, write_dicom: bool, seed: int) -> dict:
    """Write every part of ``cohort`` into ``out``; return {name: path or list of paths}."""
    import nibabel as nib

    from ..genomics.vcf_write import write_vcf
    from ._cohort_dicom import write_series

    for sub in ("images", "masks"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    files = {"clinical": atomic_write(out / "clinical.csv", cohort.clinical.to_csv),
             "genotypes": write_vcf(cohort.genotypes, out / "genotypes.vcf.gz",
                                    source="toolkit.make_radiogenomic_cohort (SYNTHETIC)"),
             "images": [], "masks": []}
    for i, pid in enumerate(cohort.clinical.index):
        for kind, arr in (("images", cohort.images[i]), ("masks", cohort.masks[i])):
            path = out / kind / f"{pid}.nii.gz"
            files[kind].append(atomic_write(
                path, lambda p, a=arr: nib.save(_nifti(a, cohort.affine), p)))
    if cohort.tumour_expression is not None:
        files["tumour_expression"] = atomic_write(out / "tumour_expression.csv",
                                                  cohort.tumour_expression.to_csv)
    if write_dicom:
        files["dicom"] = {pid: write_series(cohort.images[i], cohort.affine, cohort.spacing_mm,
                                            pid, cohort.clinical.loc[pid], out / "dicom" / pid, seed)
                          for i, pid in enumerate(cohort.clinical.index)}
    text = json.dumps(cohort.ground_truth, indent=1)
    files["ground_truth"] = atomic_write(out / "ground_truth.json",
                                         lambda p: Path(p).write_text(text))
    return files


def _read_vcf_gt(path: Path) -> Genotypes:
    """Read the GT-only VCF that ``write_vcf`` wrote (no missing calls, biallelic)."""
    with gzip.open(path, "rt") as fh:
        lines = [ln for ln in fh if not ln.startswith("##")]
    header = lines[0].rstrip("\n").split("\t")
    rows = [ln.rstrip("\n").split("\t") for ln in lines[1:]]
    fixed = np.array([r[:5] for r in rows], dtype=object).reshape(-1, 5)
    gt = np.array([r[9:] for r in rows], dtype="U3").reshape(len(rows), len(header) - 9)
    calls = np.stack([np.char.replace(np.char.partition(gt, "/")[..., i], ".", "-1").astype(int)
                      for i in (0, 2)], axis=-1)
    return Genotypes(calls, header[9:], fixed[:, 2], fixed[:, 0], fixed[:, 1].astype(int),
                     fixed[:, 3], fixed[:, 4])


def read_cohort(folder: Path, cls):
    """Load the files of ``write_cohort`` into ``cls`` (RadiogenomicCohort)."""
    import nibabel as nib

    if not folder.is_dir():
        raise FileNotFoundError(f"cohort folder {folder} is missing; create it with "
                                f"make_radiogenomic_cohort(out_dir='{folder}')")
    for name in ("ground_truth.json", "clinical.csv", "genotypes.vcf.gz"):
        if not (folder / name).is_file():
            raise FileNotFoundError(f"{folder / name} is missing: the folder is not a complete "
                                    "cohort (interrupted write?); run make_radiogenomic_cohort "
                                    "again with this out_dir")
    truth = json.loads((folder / "ground_truth.json").read_text())
    clinical = pd.read_csv(folder / "clinical.csv", index_col="patient_id",
                           dtype={"ancestry": str, "sex": str, "site": str})
    g = _read_vcf_gt(folder / "genotypes.vcf.gz")
    g.sample_info = pd.DataFrame({"population": clinical.loc[g.samples, "ancestry"].to_numpy()},
                                 index=pd.Index(g.samples, name="sample"))
    vols = {}
    for kind, dtype in (("images", np.float32), ("masks", np.uint8)):
        paths = [folder / kind / f"{pid}.nii.gz" for pid in clinical.index]
        missing = [str(p) for p in paths if not p.is_file()]
        if missing:
            raise FileNotFoundError(f"{len(missing)} {kind} file(s) missing, e.g. {missing[0]}")
        first = nib.load(paths[0])
        vols[kind] = np.empty((len(paths), *first.shape), dtype=dtype)
        for i, p in enumerate(paths):
            vols[kind][i] = np.asanyarray(nib.load(p).dataobj, dtype=dtype)
    files = {"clinical": folder / "clinical.csv", "genotypes": folder / "genotypes.vcf.gz",
             "images": [folder / "images" / f"{p}.nii.gz" for p in clinical.index],
             "masks": [folder / "masks" / f"{p}.nii.gz" for p in clinical.index],
             "ground_truth": folder / "ground_truth.json"}
    if (folder / "dicom").is_dir():
        files["dicom"] = {p: sorted((folder / "dicom" / p).glob("*.dcm")) for p in clinical.index}
    tumour = None
    if (folder / "tumour_expression.csv").is_file():
        files["tumour_expression"] = folder / "tumour_expression.csv"
        tumour = pd.read_csv(files["tumour_expression"], index_col="patient_id")
    spacing = tuple(float(s) for s in truth["spacing_mm"])
    return cls(clinical, g, vols["images"], vols["masks"], first.affine, spacing, truth, files,
               tumour)
