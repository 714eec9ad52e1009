"""Training and prediction loops for the small networks, seeded, with a progress bar.

CPU by default on a laptop, GPU when present. Imports torch; use
``from toolkit.imaging.dl import train_classifier``.
"""
from __future__ import annotations

import os
import time

import numpy as np
import pandas as pd
import torch
from torch import nn
from torch.utils.data import DataLoader

from ..._utils.targets import auc_mann_whitney
from ..metrics import dice

__all__ = ["pick_device", "train_classifier", "predict_proba", "train_segmenter", "predict_masks",
           "segment_volume", "soft_dice_loss"]


def pick_device(device: str | None = None, n_threads: int = 1) -> str:
    """``"cuda"`` when a GPU is available, else ``"cpu"`` (or the ``device`` you pass).

    On CPU it also sets torch to ``n_threads`` threads (default 1): our tiny networks gain
    little from more, and on a shared or busy laptop extra threads can be 5x slower.

    Examples
    --------
    >>> pick_device("cpu")
    'cpu'

    Taught in lesson 09.
    """
    if device is None:
        device = "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cpu":
        torch.set_num_threads(max(1, min(n_threads, os.cpu_count() or 1)))
    return device


def _loader(data, batch_size: int, shuffle: bool, random_state: int) -> DataLoader:
    return DataLoader(data, batch_size=batch_size, shuffle=shuffle,
                      generator=torch.Generator().manual_seed(random_state))


def _progress(iterable, enabled: bool, desc: str):
    if not enabled:
        return iterable
    from tqdm.auto import tqdm

    return tqdm(iterable, desc=desc, leave=False)


def _fit(model, train_data, val_data, loss_fn, score_fn, score_name, epochs, batch_size, lr,
         weight_decay, random_state, device, progress) -> pd.DataFrame:
    """The loop shared by classifier and segmenter: one row of history per epoch."""
    device = pick_device(device)
    model.to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
    loader = _loader(train_data, batch_size, True, random_state)
    rows, start = [], time.perf_counter()
    bar = _progress(range(1, epochs + 1), progress, "training")
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(random_state)   # dropout draws
        for epoch in bar:
            model.train()
            total, n = 0.0, 0
            for x, y in loader:
                x, y = x.to(device), y.to(device)
                loss = loss_fn(model(x), y)
                opt.zero_grad()
                loss.backward()
                opt.step()
                total, n = total + loss.item() * len(x), n + len(x)
            row = {"epoch": epoch, "train_loss": total / n}
            if val_data is not None:
                row[score_name] = score_fn(model, val_data, device)
            row["seconds"] = time.perf_counter() - start
            rows.append(row)
            if progress:
                bar.set_postfix({k: round(v, 3) for k, v in row.items() if k != "epoch"})
    model.eval()
    return pd.DataFrame(rows).set_index("epoch")


@torch.no_grad()
def _outputs(model, data, device, batch_size: int = 64) -> tuple[np.ndarray, np.ndarray]:
    model.eval()
    outs, ys = [], []
    for x, y in _loader(data, batch_size, False, 0):
        outs.append(torch.sigmoid(model(x.to(device))).cpu())
        ys.append(y)
    return torch.cat(outs).numpy(), torch.cat(ys).numpy()


def predict_proba(model: nn.Module, data, device: str | None = None) -> np.ndarray:
    """Predicted probability of the positive class for each item of ``data``, in order.

    Parameters
    ----------
    model : SmallCNN (any module returning one logit per item)
    data : torch Dataset of (x, y)
        Build it without ``augment``: a test image should be scored as it is.
    device : str, optional

    Returns
    -------
    ndarray of float, shape (len(data),), values in [0, 1].

    Examples
    --------
    >>> from toolkit.imaging.dl import SmallCNN
    >>> data = torch.utils.data.TensorDataset(torch.zeros(3, 1, 16, 16), torch.zeros(3))
    >>> predict_proba(SmallCNN(width=2), data).shape
    (3,)

    Taught in lesson 09.
    """
    device = pick_device(device)
    return _outputs(model.to(device), data, device)[0]


def _auc(model, data, device) -> float:
    """Validation AUC (NaN when the data hold one class only)."""
    p, y = _outputs(model, data, device)
    return auc_mann_whitney(y, p)


def train_classifier(model: nn.Module, train_data, val_data=None, epochs: int = 10, batch_size: int = 32,
                     lr: float = 3e-3, weight_decay: float = 1e-4, random_state: int = 0,
                     device: str | None = None, progress: bool = True) -> pd.DataFrame:
    """Train a binary classifier (binary cross-entropy, AdamW); return the history per epoch.

    Parameters
    ----------
    model : SmallCNN
        Trained in place.
    train_data, val_data : torch Datasets of (x, y) with y 0/1
        ``val_data`` (optional) is scored with the ROC AUC after each epoch.
    epochs : int, default 10
    batch_size : int, default 32
    lr : float, default 3e-3
        Learning rate.
    weight_decay : float, default 1e-4
    random_state : int, default 0
        Seeds the batch order and dropout: same random_state, same model.
    device : str, optional
        Default: GPU when available, else CPU (`pick_device`).
    progress : bool, default True
        Show a tqdm progress bar.

    Returns
    -------
    DataFrame indexed by epoch: ``train_loss``, ``val_auc`` (with ``val_data``), ``seconds``.

    Examples
    --------
    >>> from toolkit.imaging.dl import SmallCNN
    >>> x = torch.randn(8, 1, 16, 16); y = (torch.arange(8) % 2).float(); x[y == 1] += 2
    >>> data = torch.utils.data.TensorDataset(x, y)
    >>> h = train_classifier(SmallCNN(width=2), data, data, epochs=2, progress=False)
    >>> list(h.columns)
    ['train_loss', 'val_auc', 'seconds']

    Taught in lesson 09.
    """
    return _fit(model, train_data, val_data, nn.BCEWithLogitsLoss(), _auc, "val_auc", epochs, batch_size,
                lr, weight_decay, random_state, device, progress)


def soft_dice_loss(logits: torch.Tensor, target: torch.Tensor, eps: float = 1.0) -> torch.Tensor:
    """1 - soft Dice between sigmoid(logits) and a 0/1 target, averaged over the batch.

    Examples
    --------
    >>> t = torch.ones(1, 1, 4, 4)
    >>> round(soft_dice_loss(torch.full((1, 1, 4, 4), 20.0), t).item(), 3)
    0.0

    Taught in lesson 10.
    """
    p, dims = torch.sigmoid(logits), tuple(range(1, logits.ndim))
    inter = (p * target).sum(dims)
    return (1 - (2 * inter + eps) / (p.sum(dims) + target.sum(dims) + eps)).mean()


def _bce_dice(logits, target):
    return nn.functional.binary_cross_entropy_with_logits(logits, target) + soft_dice_loss(logits, target)


def _mean_dice(model, data, device) -> float:
    """Mean per-item `toolkit.imaging.metrics.dice` of the 0.5-thresholded predictions."""
    p, y = _outputs(model, data, device)
    flat = [(a.reshape(-1, a.shape[-1]), b.reshape(-1, b.shape[-1])) for a, b in zip(p > 0.5, y > 0.5)]
    return float(np.mean([dice(a, b) for a, b in flat]))  # Dice ignores shape: items flattened to 2-D


def train_segmenter(model: nn.Module, train_data, val_data=None, epochs: int = 10, batch_size: int = 16,
                    lr: float = 3e-3, weight_decay: float = 1e-4, random_state: int = 0,
                    device: str | None = None, progress: bool = True) -> pd.DataFrame:
    """Train a segmentation network (binary cross-entropy + soft Dice loss); return the history.

    Parameters
    ----------
    model : UNet
        Trained in place.
    train_data, val_data : torch Datasets of (x, mask)
        ``val_data`` (optional) is scored with the mean Dice (threshold 0.5) after each epoch.
    epochs, batch_size, lr, weight_decay, random_state, device, progress
        As in `train_classifier`.

    Returns
    -------
    DataFrame indexed by epoch: ``train_loss``, ``val_dice`` (with ``val_data``), ``seconds``.

    Examples
    --------
    >>> from toolkit.imaging.dl import UNet
    >>> m = torch.zeros(4, 1, 16, 16); m[:, :, 4:9, 4:9] = 1
    >>> data = torch.utils.data.TensorDataset(m * 2 + 0.1 * torch.randn(4, 1, 16, 16), m)
    >>> h = train_segmenter(UNet(width=2, depth=1), data, data, epochs=2, progress=False)
    >>> list(h.columns)
    ['train_loss', 'val_dice', 'seconds']

    Taught in lesson 10.
    """
    return _fit(model, train_data, val_data, _bce_dice, _mean_dice, "val_dice", epochs, batch_size,
                lr, weight_decay, random_state, device, progress)


def predict_masks(model: nn.Module, data, threshold: float = 0.5, device: str | None = None) -> np.ndarray:
    """Binary masks predicted for each item of ``data``: shape (len(data), *spatial), uint8.

    Examples
    --------
    >>> from toolkit.imaging.dl import UNet
    >>> data = torch.utils.data.TensorDataset(torch.zeros(2, 1, 8, 8), torch.zeros(2, 1, 8, 8))
    >>> predict_masks(UNet(width=2, depth=1), data).shape
    (2, 8, 8)

    Taught in lesson 10.
    """
    device = pick_device(device)
    p, _ = _outputs(model.to(device), data, device)
    return (p[:, 0] > threshold).astype(np.uint8)


@torch.no_grad()
def segment_volume(model: nn.Module, image: np.ndarray, axis: int = 2, roi_centre=None, roi_size: int = 32,
                   threshold: float = 0.5, keep_largest: bool = True, normalise: bool = True,
                   device: str | None = None) -> np.ndarray:
    """Segment a 3D image with a 2D network, slice by slice, optionally inside a cubic ROI.

    Semi-automatic volumetry: a reader clicks the lesion (``roi_centre``) and the network
    delineates it inside a box around the click; everything outside the box stays 0.

    Parameters
    ----------
    model : UNet with dims=2, trained on slices along the same ``axis``
    image : ndarray, shape (X, Y, Z), one patient
    axis : int, default 2
    roi_centre : sequence of 3 int, optional
        Voxel index of the click; default: segment the whole image.
    roi_size : int, default 32
        Edge of the ROI cube in voxels (clipped at the image border).
    threshold : float, default 0.5
    keep_largest : bool, default True
        Keep only the largest connected region (a common clean-up of scattered false positives).
    normalise : bool, default True
        Z-score the whole image first, as `CohortSlices` did during training.
    device : str, optional

    Returns
    -------
    ndarray of uint8, shape (X, Y, Z): the predicted mask.

    Examples
    --------
    >>> from toolkit.imaging.dl import UNet
    >>> segment_volume(UNet(width=2, depth=1), np.zeros((20, 20, 9)), roi_centre=(10, 10, 4), roi_size=8).shape
    (20, 20, 9)

    Taught in lesson 10.
    """
    from .data import normalise_intensity

    device = pick_device(device)
    model.to(device).eval()
    img = normalise_intensity(image) if normalise else np.asarray(image, dtype=np.float32)
    box = (slice(None),) * 3
    if roi_centre is not None:
        box = tuple(slice(max(int(c) - roi_size // 2, 0), max(int(c) - roi_size // 2, 0) + roi_size)
                    for c in roi_centre)
    x = torch.from_numpy(np.ascontiguousarray(np.moveaxis(img[box], axis, 0))).unsqueeze(1)
    p = torch.cat([torch.sigmoid(model(b.to(device))).cpu() for b in x.split(64)])[:, 0]
    out = np.zeros(np.shape(image), dtype=np.uint8)
    out[box] = np.moveaxis((p.numpy() > threshold).astype(np.uint8), 0, axis)
    if keep_largest and out.any():
        from scipy import ndimage

        labels, n = ndimage.label(out)
        out = (labels == 1 + np.argmax(ndimage.sum(out, labels, range(1, n + 1)))).astype(np.uint8)
    return out
