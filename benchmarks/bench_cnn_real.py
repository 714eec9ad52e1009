"""Lesson 09's small CNN on the real BreastMNIST images, beside the published MedMNIST v2 ResNet-18.

Same recipe as lesson 09 section 6 and exercise 09 (SmallCNN width 8, seed 0, 20 epochs, AdamW
defaults of `train_classifier`, per-image z-score, 1 = malignant), on the CPU with one thread so
the numbers are reproducible. Budget: training <= 30 s. Writes a "published vs ours" table that
run_all.py appends to RESULTS.md. Published values: Yang et al. 2023, Sci Data 10:41, 2D benchmark
table, BreastMNIST, ResNet-18 (28): test AUC 0.901, ACC 0.863 (no confidence interval given).
"""
import json
import time

import numpy as np

from _common import emit, peak_mb_self
from toolkit.datasets import load_breastmnist
from toolkit.evaluation import auc_ci, bootstrap_ci
from toolkit.imaging.dl import (ImageArrays, SmallCNN, count_parameters, pick_device,
                                predict_proba, train_classifier)

PUBLISHED = {"auc": 0.901, "acc": 0.863}

data = {s: load_breastmnist(s) for s in ("train", "val", "test")}
sets = {s: ImageArrays(b.data, 1 - b.target) for s, b in data.items()}
device = pick_device("cpu")
model = SmallCNN(width=8, random_state=0)
start = time.perf_counter()
history = train_classifier(model, sets["train"], sets["val"], epochs=20, random_state=0, device=device,
                           progress=False)
seconds = time.perf_counter() - start
y = (1 - data["test"].target)
p = predict_proba(model, sets["test"], device=device)
auc = auc_ci(y, p)
acc = bootstrap_ci(lambda t, s: np.mean((s > 0.5) == t), y, p)
print(f"training {seconds:.1f} s; test AUC {auc}; test accuracy {acc}")

table = f"""## Published vs ours: CNN on real images (BreastMNIST, lesson 09)

Test split of MedMNIST v2 BreastMNIST (156 images, 42 malignant), 28 × 28 pixels. Ours: `SmallCNN`
(width 8, {count_parameters(model):,} weights), 20 epochs chosen on the validation AUC, seed 0, CPU (1 thread),
training {seconds:.1f} s; 95 % CIs by percentile bootstrap (1,000 resamples, seed 0). Published:
Yang et al. 2023, *Scientific Data* 10:41, 2D benchmark table (ResNet-18 at 28 px; no CI given).
Produced by `benchmarks/bench_cnn_real.py`.

| model | trainable weights | test AUC (95 % CI) | test accuracy at 0.5 (95 % CI) |
|---|---:|---|---|
| ResNet-18 (28), MedMNIST v2 (published) | about 11 million | {PUBLISHED['auc']:.3f} (not reported) | {PUBLISHED['acc']:.3f} (not reported) |
| SmallCNN, this toolkit (measured) | {count_parameters(model):,} | {auc.value:.3f} ({auc.lower:.3f} to {auc.upper:.3f}) | {acc.value:.3f} ({acc.lower:.3f} to {acc.upper:.3f}) |

Both published values lie inside our 95 % CIs: {'yes' if auc.lower <= PUBLISHED['auc'] <= auc.upper and acc.lower <= PUBLISHED['acc'] <= acc.upper else 'no'}.
The shipped copy of BreastMNIST is not byte-identical to the Zenodo file (see `datasets/breastmnist.md`).
"""
print("BENCH_MD: " + json.dumps(table))
emit([{"benchmark": "CNN BreastMNIST: SmallCNN 20 epochs (CPU, 1 thread)", "toolkit": round(seconds, 2),
       "reference": None, "reference_s": None, "ratio": None, "peak_mb": round(peak_mb_self()),
       "target": f"<= 30 s (test AUC {auc.value:.3f}, published {PUBLISHED['auc']})", "ok": seconds <= 30}])
