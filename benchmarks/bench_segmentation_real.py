"""Lesson 10 on real images, beside a published result: tumour segmentation Dice on MSD Task06 Lung.

`msd_lung_patches`: 2D CT patches (48 x 48, 2 mm) with the Decathlon's expert tumour masks, 13
training patients and 13 other test patients. As in lesson 10 section 6: UNet(width=8, depth=2),
20 epochs of train_segmenter (seed 0, CPU, 1 thread), mean Dice over the test patches that contain
tumour with a percentile bootstrap CI (1000 resamples, patches treated as independent; the copy does
not record the patient of each patch). Published: nnU-Net v2 3d_fullres on MSD Task06 fold 0, mean
per-case validation Dice 0.7161 over 13 patients (Lab-Rasool "CLN-Segmenter-MSD-fold0" model card on
Hugging Face; a model card, not a peer-reviewed table).
"""
import json
import time

import numpy as np
import torch

from _common import emit, peak_mb_self
from toolkit.datasets import load_msd_lung_patches
from toolkit.evaluation import bootstrap_ci
from toolkit.imaging import segmentation_scores
from toolkit.imaging.dl import UNet, predict_masks, train_segmenter

PUBLISHED_DICE = 0.7161


def as_dataset(images, masks):
    return torch.utils.data.TensorDataset(torch.tensor(images[:, None]),
                                          torch.tensor(masks[:, None], dtype=torch.float32))


start, cpu_start = time.perf_counter(), time.process_time()
lung = load_msd_lung_patches(verify=True)
unet = UNet(width=8, depth=2, random_state=0)
train_segmenter(unet, as_dataset(lung.train_images, lung.train_masks), epochs=20, random_state=0,
                device="cpu", progress=False)
pred = predict_masks(unet, as_dataset(lung.test_images, lung.test_masks), device="cpu")
seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
scores = segmentation_scores(pred, lung.test_masks, lung.spacing_mm, percentile=95)
tumour = scores[scores["reference_voxels"] > 0]
mean_of = lambda _, values: float(np.mean(values))
d = bootstrap_ci(mean_of, tumour["dice"].to_numpy(), tumour["dice"].to_numpy(), n_boot=1000)
hd = tumour["hd_mm"].dropna().to_numpy()
hd95 = bootstrap_ci(lambda _, v: float(np.median(v)), hd, hd, n_boot=1000)
missed = int((tumour["predicted_voxels"] == 0).sum())
print(f"mean Dice {d.value:.3f} ({d.lower:.3f} to {d.upper:.3f}); median HD95 {hd95.value:.1f} mm; "
      f"missed {missed}/{len(tumour)}; {seconds:.1f} s wall, {cpu_seconds:.1f} s CPU")
below = d.upper < PUBLISHED_DICE

table = f"""## Published vs ours: tumour segmentation on real CT with expert masks (MSD Task06 Lung, lesson 10)

`msd_lung_patches`: 2D CT patches (48 × 48 pixels of 2 mm) from the Medical Segmentation Decathlon Task06
Lung with the Decathlon's expert tumour masks; 13 training patients, 13 other test patients. Ours: lesson 10
section 6's 2D U-Net ({sum(p.numel() for p in unet.parameters()):,} weights), 20 epochs on one CPU thread,
mean Dice over the {len(tumour)} test patches that contain tumour, 95 % percentile bootstrap CI (1000
resamples; patches treated as independent because the copy does not record each patch's patient, so the CI
is too narrow). Published: nnU-Net v2 `3d_fullres` trained on 50 Task06 patients and validated on 13 (fold 0),
mean per-patient Dice, as stated in the Lab-Rasool "CLN-Segmenter-MSD-fold0" model card (Hugging Face; a
model card, not a peer-reviewed table; the Decathlon papers' own values were not re-read offline).
Produced by `benchmarks/bench_segmentation_real.py`.

| analysis | published | this toolkit (measured) |
|---|---|---|
| lung tumour Dice, MSD Task06 | nnU-Net 3D, full resolution, per patient: 0.716 | 2D U-Net, 2 mm patches, per patch: {d.value:.3f} ({d.lower:.3f} to {d.upper:.3f}); median HD95 {hd95.value:.1f} mm; {missed} of {len(tumour)} tumour patches missed |

Ours is below the published value (upper CI limit < {PUBLISHED_DICE}): {'yes' if below else 'no'}. Expected: a
2D network of about 30,000 weights sees 9.6 cm patches at 2 mm and learns from 13 patients in seconds; the
published 3D network sees whole scans at the scanner's resolution and learns from 50 patients for hours on a
GPU. The units also differ (patches against patients), so the gap is indicative, not a measured difference.
"""
print("BENCH_MD: " + json.dumps(table))
emit([{"benchmark": "segmentation real CT: U-Net 20 epochs on MSD lung patches (CPU, 1 thread)",
       "toolkit": round(seconds, 2), "reference": None, "reference_s": None, "ratio": None,
       "peak_mb": round(peak_mb_self()),
       "target": f"<= 30 s CPU ({cpu_seconds:.1f} s; test Dice {d.value:.3f}, published 0.716)",
       "ok": bool(cpu_seconds <= 30)}])
