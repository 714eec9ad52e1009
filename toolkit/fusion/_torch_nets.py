"""The small PyTorch network behind `IntermediateFusion` (imported only when it is fitted)."""
from __future__ import annotations

from contextlib import contextmanager

import torch
from torch import nn


class ModalityFusionNet(nn.Module):
    """One encoder per modality -> weighted mean of the available embeddings -> linear head.

    ``fusion="mean"`` weighs available modalities equally; ``"gated"`` learns a score per
    embedding and weighs modalities by a softmax over the available ones (attention gate).
    """

    def __init__(self, block_sizes, hidden, embed_dim, n_classes, fusion):
        super().__init__()
        self.encoders = nn.ModuleList(
            nn.Sequential(nn.Linear(p, hidden), nn.ReLU(), nn.Linear(hidden, embed_dim))
            for p in block_sizes)
        self.gate = nn.Linear(embed_dim, 1) if fusion == "gated" else None
        self.head = nn.Linear(embed_dim, n_classes)

    def embed(self, blocks, present):
        """Joint embedding (n, embed_dim) and modality weights (n, n_modalities)."""
        E = torch.stack([enc(x) for enc, x in zip(self.encoders, blocks)], dim=1)
        if self.gate is None:
            w = present.to(E.dtype)
        else:
            score = self.gate(E).squeeze(-1).masked_fill(~present, -1e9)
            w = torch.softmax(score, dim=1) * present
        w = w / w.sum(dim=1, keepdim=True).clamp_min(1e-12)
        return (w.unsqueeze(-1) * E).sum(dim=1), w

    def forward(self, blocks, present):
        return self.head(self.embed(blocks, present)[0])


@contextmanager
def single_thread():
    """Run torch on one CPU thread, then restore the caller's setting.

    For networks this small, thread start-up costs more than it saves: on a busy 2-core
    machine one thread was 10x faster than two.
    """
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)
