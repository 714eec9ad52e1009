"""Two small networks: a CNN classifier and a U-Net segmenter, each in 2D or 3D.

Deliberately tiny (a few thousand weights) so they train on a laptop CPU in seconds.
Imports torch; use ``from toolkit.imaging.dl import SmallCNN, UNet``.
"""
from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from ..._utils.validation import check_one_of

__all__ = ["SmallCNN", "UNet", "count_parameters"]


def _layers(dims: int):
    check_one_of("dims", dims, (2, 3))
    return (nn.Conv2d, nn.BatchNorm2d, nn.MaxPool2d, nn.ConvTranspose2d) if dims == 2 else \
        (nn.Conv3d, nn.BatchNorm3d, nn.MaxPool3d, nn.ConvTranspose3d)


def _double_conv(c_in: int, c_out: int, dims: int) -> nn.Sequential:
    conv, norm, _, _ = _layers(dims)
    return nn.Sequential(conv(c_in, c_out, 3, padding=1), norm(c_out), nn.ReLU(inplace=True),
                         conv(c_out, c_out, 3, padding=1), norm(c_out), nn.ReLU(inplace=True))


def count_parameters(model: nn.Module) -> int:
    """Number of trainable weights in a model.

    Examples
    --------
    >>> count_parameters(nn.Linear(3, 1))   # 3 weights + 1 bias
    4

    Taught in lesson 09.
    """
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


class SmallCNN(nn.Module):
    """A small convolutional classifier: conv blocks, global average pooling, one logit.

    Outputs the logit (log-odds) of the positive class; ``torch.sigmoid`` turns it into a
    probability. ``features`` is the last convolutional map, the layer Grad-CAM explains.

    Parameters
    ----------
    in_channels : int, default 1
    width : int, default 8
        Channels of the first block; each next block doubles them.
    n_blocks : int, default 3
        Conv blocks, each followed by 2x max-pooling.
    dims : int, default 2
        2 for slices (N, C, H, W), 3 for volumes (N, C, D, H, W).
    dropout : float, default 0.2
    random_state : int, default 0
        Seeds the initial weights (the global torch random state is left untouched).

    Examples
    --------
    >>> model = SmallCNN(width=4)
    >>> tuple(model(torch.zeros(2, 1, 32, 32)).shape)
    (2,)

    Taught in lesson 09.
    """

    def __init__(self, in_channels: int = 1, width: int = 8, n_blocks: int = 3, dims: int = 2,
                 dropout: float = 0.2, random_state: int = 0):
        super().__init__()
        _, _, pool, _ = _layers(dims)
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(random_state)
            blocks, c = [], in_channels
            for b in range(n_blocks):
                blocks += [_double_conv(c, width * 2 ** b, dims)] + ([pool(2)] if b < n_blocks - 1 else [])
                c = width * 2 ** b
            self.features = nn.Sequential(*blocks)
            self.head = nn.Sequential(nn.Dropout(dropout), nn.Linear(c, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        f = self.features(x)
        return self.head(f.flatten(2).mean(2)).squeeze(1)


class UNet(nn.Module):
    """A small U-Net: an encoder that shrinks the image, a decoder that grows it back, with
    skip connections that carry fine detail across. Outputs one logit per voxel.

    Parameters
    ----------
    in_channels : int, default 1
    out_channels : int, default 1
    width : int, default 8
        Channels at full resolution; doubled at each level down.
    depth : int, default 2
        Number of 2x down-sampling steps. Any input size works (padded inside, cropped back).
    dims : int, default 2
    random_state : int, default 0

    Examples
    --------
    >>> net = UNet(width=4, dims=3)
    >>> tuple(net(torch.zeros(1, 1, 10, 12, 9)).shape)
    (1, 1, 10, 12, 9)

    Taught in lesson 10.
    """

    def __init__(self, in_channels: int = 1, out_channels: int = 1, width: int = 8, depth: int = 2,
                 dims: int = 2, random_state: int = 0):
        super().__init__()
        conv, _, pool, up = _layers(dims)
        self.depth = depth
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(random_state)
            ch = [width * 2 ** i for i in range(depth + 1)]
            self.down = nn.ModuleList([_double_conv(in_channels, ch[0], dims)] +
                                      [_double_conv(ch[i], ch[i + 1], dims) for i in range(depth)])
            self.pool = pool(2)
            self.up = nn.ModuleList([up(ch[i + 1], ch[i], 2, stride=2) for i in reversed(range(depth))])
            self.merge = nn.ModuleList([_double_conv(2 * ch[i], ch[i], dims) for i in reversed(range(depth))])
            self.out = conv(ch[0], out_channels, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        size, k = x.shape[2:], 2 ** self.depth
        pad = []
        for s in reversed(size):   # F.pad wants the last axis first
            pad += [0, (-s) % k]
        h = F.pad(x, pad)
        skips = []
        for i, block in enumerate(self.down):
            h = block(h if i == 0 else self.pool(h))
            skips.append(h)
        for up, merge, skip in zip(self.up, self.merge, reversed(skips[:-1])):
            h = merge(torch.cat([up(h), skip], 1))
        out = self.out(h)
        return out[(...,) + tuple(slice(0, s) for s in size)]
