"""toolkit.radiomics vs pyradiomics vs mirp: time and peak memory on the same volume.

A 128^3 smooth random image (1 mm voxels) with a radius-30 spherical mask (~113 000 voxels),
32 bins (fixed bin number), 3D features: shape + first order + GLCM + GLRLM + GLSZM.
Each tool runs in its own fresh process (so peak memory, imports included, is its own); time is
the best of 3 extractions after one warm-up, imports excluded. The ratio uses CPU time
(``time.process_time``; all three tools run single-threaded here) because wall time on a shared
machine swings with the load; wall times are printed too. Moran's I / Geary's C are part of our shape
family but not of pyradiomics', so the headline row leaves them out and a second row adds them.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from _common import emit, run_measured

SETUP = """
import os
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"                      # one thread each, so CPU time compares fairly
import numpy as np, nibabel as nib
from scipy import ndimage
rng = np.random.default_rng(0)
image = (ndimage.gaussian_filter(rng.normal(0, 1, (128,) * 3), 2) * 300 + 40).astype(np.float32)
g = np.indices(image.shape) - 63.5
mask = (np.sqrt((g ** 2).sum(0)) <= 30).astype(np.uint8)
"""

WRITE = SETUP + """
nib.save(nib.Nifti1Image(image, np.eye(4)), "{d}/image.nii.gz")
nib.save(nib.Nifti1Image(mask, np.eye(4)), "{d}/mask.nii.gz")
"""

TIMING = """
import time
fn()
cpu, wall = [], []
for _ in range(3):
    c, w = time.process_time(), time.perf_counter()
    fn()
    cpu.append(time.process_time() - c); wall.append(time.perf_counter() - w)
print("__TIME__", min(cpu), min(wall), n_features)
"""

TOOLKIT = SETUP + """
from toolkit.radiomics import extract, Settings
s = Settings(discretisation="fixed_bin_number", n_bins=32, dimensions=("3D",),
             families=("morph", "stat", "ih", "cm", "rlm", "szm"), spatial_autocorrelation={auto})
fn = lambda: extract(image, mask, (1.0, 1.0, 1.0), s)
n_features = len(fn())
""" + TIMING

PYRADIOMICS = SETUP + """
import logging, SimpleITK as sitk
from radiomics import featureextractor
sitk.ProcessObject_SetGlobalDefaultNumberOfThreads(1)
logging.getLogger("radiomics").setLevel(logging.ERROR)
ext = featureextractor.RadiomicsFeatureExtractor(binCount=32, force2D=False)
ext.disableAllFeatures()
for fam in ("shape", "firstorder", "glcm", "glrlm", "glszm"):
    ext.enableFeatureClassByName(fam)
img, msk = sitk.GetImageFromArray(image.astype(np.float64)), sitk.GetImageFromArray(mask.astype(np.int32))
fn = lambda: ext.execute(img, msk)
n_features = sum(1 for k in fn() if not k.startswith("diagnostics"))
""" + TIMING

MIRP = SETUP + """
import warnings; warnings.simplefilter("ignore")
from mirp import extract_features
fn = lambda: extract_features(image="{d}/image.nii.gz", mask="{d}/mask.nii.gz",
                              base_feature_families=["morphology", "statistics", "intensity_histogram",
                                                     "glcm", "glrlm", "glszm"],
                              base_discretisation_method="fixed_bin_number", base_discretisation_n_bins=32,
                              glcm_spatial_method="3d_average", glrlm_spatial_method="3d_average",
                              glszm_spatial_method="3d")
n_features = fn()[0].shape[1]
""" + TIMING


def measure(name: str, code: str) -> dict:
    wall, peak, out = run_measured(code)
    line = [l for l in out.splitlines() if l.startswith("__TIME__")][-1].split()
    seconds, wall_s, n = float(line[1]), float(line[2]), int(line[3])
    print(f"{name:34s} CPU {seconds:7.3f} s  wall {wall_s:7.3f} s  peak {peak:6.0f} MB  {n} features")
    return {"name": name, "seconds": seconds, "wall_s": wall_s, "peak_mb": peak, "n_features": n}


def main() -> None:
    with tempfile.TemporaryDirectory() as d:
        run_measured(WRITE.format(d=d))
        ours = measure("toolkit.radiomics", TOOLKIT.format(auto=False))
        ours_auto = measure("toolkit.radiomics (+Moran/Geary)", TOOLKIT.format(auto=True))
        pyrad = measure("pyradiomics", PYRADIOMICS)
        mirp = measure("mirp", MIRP.format(d=d)) if "--no-mirp" not in sys.argv else None
    ratio = ours["seconds"] / pyrad["seconds"]
    print(f"toolkit / pyradiomics time ratio: {ratio:.2f} (target <= 0.5)")
    rows = [{"benchmark": "radiomics 128^3, r=30, 32 bins", "toolkit": round(ours["seconds"], 3),
             "reference": "pyradiomics", "reference_s": round(pyrad["seconds"], 3),
             "ratio": round(ratio, 2), "peak_mb": round(ours["peak_mb"]),
             "target": "<= 0.5x pyradiomics", "ok": ratio <= 0.5},
            {"benchmark": "radiomics incl. Moran/Geary", "toolkit": round(ours_auto["seconds"], 3),
             "reference": "pyradiomics", "reference_s": round(pyrad["seconds"], 3),
             "ratio": round(ours_auto["seconds"] / pyrad["seconds"], 2),
             "peak_mb": round(ours_auto["peak_mb"]), "target": None, "ok": None}]
    if mirp is not None:
        print(f"toolkit / mirp time ratio: {ours['seconds'] / mirp['seconds']:.2f}; "
              f"peak memory {ours['peak_mb']:.0f} MB vs pyradiomics {pyrad['peak_mb']:.0f} MB, "
              f"mirp {mirp['peak_mb']:.0f} MB")
        rows.append({"benchmark": "radiomics vs mirp", "toolkit": round(ours["seconds"], 3),
                     "reference": "mirp", "reference_s": round(mirp["seconds"], 3),
                     "ratio": round(ours["seconds"] / mirp["seconds"], 2),
                     "peak_mb": round(ours["peak_mb"]), "target": None, "ok": None})
    emit(rows)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
