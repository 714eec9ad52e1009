"""Where did the network look? Vanilla-gradient saliency and Grad-CAM for the small CNN.

Both return a heat map the size of the input image (numpy, no batch/channel axes) that can be
laid over the image. A heat map shows what changed the output, not why: it is a clue for a
human to check (for example, that the model looks at the lesion and not at the background).
Imports torch; use ``from toolkit.imaging.dl import grad_cam``.
"""
from __future__ import annotations

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

__all__ = ["saliency_map", "grad_cam"]


def _single(x) -> torch.Tensor:
    x = torch.as_tensor(x, dtype=torch.float32)
    if x.ndim not in (3, 4):
        raise ValueError(f"x must be one image with a channel axis, (C, H, W) or (C, D, H, W); "
                         f"got shape {tuple(x.shape)}. Use dataset[i][0] for item i.")
    return x.unsqueeze(0)


def saliency_map(model: nn.Module, x) -> np.ndarray:
    """Vanilla-gradient saliency: |d logit / d pixel|, the pixels whose change moves the output most.

    Parameters
    ----------
    model : SmallCNN (one logit per image)
    x : tensor, shape (C, H, W) or (C, D, H, W): one image

    Returns
    -------
    ndarray of float, shape (H, W) or (D, H, W), >= 0 (maximum over channels).

    Notes
    -----
    Simonyan K, Vedaldi A, Zisserman A (2014). Deep inside convolutional networks. ICLR
    workshop. arXiv:1312.6034

    Examples
    --------
    >>> from toolkit.imaging.dl import SmallCNN
    >>> saliency_map(SmallCNN(width=2), torch.zeros(1, 16, 16)).shape
    (16, 16)

    Taught in lesson 09.
    """
    model.eval()
    device = next(model.parameters()).device
    x = _single(x).to(device).requires_grad_(True)
    model(x).sum().backward()
    return x.grad.abs().amax(1)[0].cpu().numpy()


def grad_cam(model: nn.Module, x, layer: nn.Module | None = None) -> np.ndarray:
    """Grad-CAM heat map: the last convolutional maps weighted by how much they raise the logit.

    Coarser than `saliency_map` but less noisy; regions that push towards the positive class.

    Parameters
    ----------
    model : SmallCNN
    x : tensor, shape (C, H, W) or (C, D, H, W): one image
    layer : nn.Module, optional
        The convolutional layer to explain; default ``model.features``.

    Returns
    -------
    ndarray of float, shape (H, W) or (D, H, W), values in [0, 1] (upsampled to the input size).

    Notes
    -----
    Selvaraju RR et al. (2017). Grad-CAM: visual explanations from deep networks via
    gradient-based localization. ICCV. doi:10.1109/ICCV.2017.74

    Examples
    --------
    >>> from toolkit.imaging.dl import SmallCNN
    >>> cam = grad_cam(SmallCNN(width=2), torch.randn(1, 16, 16))
    >>> cam.shape, bool(cam.min() >= 0 and cam.max() <= 1)
    ((16, 16), True)

    Taught in lesson 09.
    """
    model.eval()
    layer = model.features if layer is None else layer
    device = next(model.parameters()).device
    x = _single(x).to(device)
    store = {}
    hook = layer.register_forward_hook(lambda m, i, out: store.update(maps=out))
    try:
        logit = model(x).sum()
    finally:
        hook.remove()
    maps = store["maps"]
    grads, = torch.autograd.grad(logit, maps)
    weights = grads.mean(dim=tuple(range(2, maps.ndim)), keepdim=True)
    cam = F.relu((weights * maps).sum(1, keepdim=True))
    mode = "bilinear" if x.ndim == 4 else "trilinear"
    cam = F.interpolate(cam, size=x.shape[2:], mode=mode, align_corners=False)[0, 0].detach()
    return (cam / cam.max().clamp_min(1e-12)).cpu().numpy()
