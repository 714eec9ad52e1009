"""Synthetic spatial data: cell-type profiles from the real PBMC cells, a simulated tissue section
of spots, a simulated bulk cohort.

Taught in lesson 23.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .data import IMMUNE_GROUPS, STROMA_MARKERS, SingleCellData, TUMOUR_MARKERS, load_pbmc68k
from .markers import mean_profiles

__all__ = ["tissue_profiles", "Tissue", "simulate_tissue", "simulate_bulk_cohort"]


def tissue_profiles(data: SingleCellData | None = None, random_state: int = 0) -> pd.DataFrame:
    """Reference profiles (rows sum to 1) of 6 cell types for the synthetic tissue.

    Immune rows (T, B, NK cell, Monocyte) are mean PBMC profiles (`IMMUNE_GROUPS`). Tumour
    and Stroma are *synthetic*: every PBMC gene at its lowest immune mean times a
    log-normal factor (SD 0.5 on the log scale), plus four made-up-level marker genes each
    (`TUMOUR_MARKERS`, `STROMA_MARKERS`) holding 10 % of the profile; immune cells get 0 there.

    Examples
    --------
    >>> P = tissue_profiles()
    >>> P.shape, P.index.tolist()[:2], bool(np.allclose(P.sum(axis=1), 1))
    ((6, 773), ['Tumour', 'Stroma'], True)
    """
    data = data if data is not None else load_pbmc68k()
    label_to_type = {lab: kind for kind, labs in IMMUNE_GROUPS.items() for lab in labs}
    types = data.obs["bulk_labels"].map(label_to_type)
    keep = types.notna().to_numpy()
    immune = mean_profiles(data.X[keep], types[keep], data.genes).loc[list(IMMUNE_GROUPS)]
    rng = np.random.default_rng(random_state)
    markers = list(TUMOUR_MARKERS + STROMA_MARKERS)
    rows = {}
    for name, own in (("Tumour", TUMOUR_MARKERS), ("Stroma", STROMA_MARKERS)):
        base = immune.min(axis=0) * rng.lognormal(0.0, 0.5, immune.shape[1])
        extra = pd.Series([0.025 if m in own else 0.0 for m in markers], index=markers)
        rows[name] = pd.concat([0.9 * base / base.sum(), extra])
    immune = immune.div(immune.sum(axis=1), axis=0).reindex(columns=rows["Tumour"].index,
                                                            fill_value=0.0)
    return pd.concat([pd.DataFrame(rows).T, immune])


@dataclass(frozen=True)
class Tissue:
    """A *synthetic* spatial section: one row per spot in every table.

    Attributes
    ----------
    coords : DataFrame with ``x_um``, ``y_um`` (spot centres, micrometres)
    fractions : DataFrame spots × cell types (true cell fractions, rows sum to 1)
    counts : DataFrame spots × genes (integer counts)
    profiles : DataFrame cell types × genes used to generate the counts
    region : Series, "tumour" or "stroma" (where the tumour field is above 0.5)
    """

    coords: pd.DataFrame
    fractions: pd.DataFrame
    counts: pd.DataFrame
    profiles: pd.DataFrame
    region: pd.Series


def _tissue_fields(n_side: int, infiltration: float) -> tuple[np.ndarray, np.ndarray]:
    """Tumour field (a disc, soft edge) and immune field (a ring at the tumour margin)."""
    yy, xx = np.mgrid[0:n_side, 0:n_side]
    centre, radius = (n_side - 1) / 2, 0.3 * n_side
    d = np.hypot(xx - centre, yy - centre).ravel()
    tumour = 1 / (1 + np.exp(-(radius - d) / 1.5))
    immune = infiltration * np.exp(-((d - radius) / (0.12 * n_side)) ** 2)
    return tumour, immune


def simulate_tissue(n_side: int = 30, infiltration: float = 0.6, cells_per_spot: int = 10,
                    depth: float = 3000.0, spacing_um: float = 100.0, random_state: int = 0,
                    profiles: pd.DataFrame | None = None) -> Tissue:
    """Simulate a *synthetic* tumour section measured by a grid of spots.

    Generating model: spots on an ``n_side`` × ``n_side`` grid. A tumour field (disc of
    radius 0.3 × n_side with a soft edge) and an immune field (a ring at the tumour margin,
    height ``infiltration``) set each spot's expected mix: tumour share = tumour field × (1 −
    immune), stroma the rest, immune split T 50 %, Monocyte 25 %, B 15 %, NK 10 %. Each spot
    then holds ``cells_per_spot`` cells drawn from that mix (multinomial), and its counts are
    Poisson with mean ``depth`` × the average profile of its cells.

    Examples
    --------
    >>> t = simulate_tissue(n_side=10, random_state=1)
    >>> t.counts.shape, bool(np.allclose(t.fractions.sum(axis=1), 1))
    ((100, 773), True)
    """
    if n_side < 5 or cells_per_spot < 1 or depth <= 0 or not 0 <= infiltration <= 1:
        raise ValueError("need n_side >= 5, cells_per_spot >= 1, depth > 0 and 0 <= infiltration "
                         f"<= 1; got {n_side}, {cells_per_spot}, {depth}, {infiltration}")
    profiles = profiles if profiles is not None else tissue_profiles()
    tumour, immune = _tissue_fields(n_side, infiltration)
    share = {"T cell": 0.5, "Monocyte": 0.25, "B cell": 0.15, "NK cell": 0.1}
    expected = pd.DataFrame({"Tumour": tumour * (1 - immune), "Stroma": (1 - tumour) * (1 - immune),
                             **{k: immune * v for k, v in share.items()}})[profiles.index]
    rng = np.random.default_rng(random_state)
    cells = np.array([rng.multinomial(cells_per_spot, p / p.sum()) for p in expected.to_numpy()])
    fractions = pd.DataFrame(cells / cells_per_spot, columns=profiles.index)
    counts = rng.poisson(depth * fractions.to_numpy() @ profiles.to_numpy())
    yy, xx = np.mgrid[0:n_side, 0:n_side]
    coords = pd.DataFrame({"x_um": xx.ravel() * spacing_um, "y_um": yy.ravel() * spacing_um})
    region = pd.Series(np.where(tumour > 0.5, "tumour", "stroma"), name="region")
    return Tissue(coords, fractions, pd.DataFrame(counts, columns=profiles.columns), profiles, region)


def simulate_bulk_cohort(n_samples: int = 150, profiles: pd.DataFrame | None = None,
                         depth: float = 2e6, random_state: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A *synthetic* bulk cohort: each tumour sample is a weighted sum of cell-type profiles.

    Tumour purity ~ Uniform(0.3, 0.9); of the rest, an immune share ~ Beta(2, 2), split among
    immune types by Dirichlet(5, 2.5, 1.5, 1) (T, Monocyte, B, NK); stroma takes the remainder.
    Counts are Poisson with mean ``depth`` × mixture profile.

    Returns
    -------
    counts : DataFrame samples × genes
    fractions : DataFrame samples × cell types (true)

    Examples
    --------
    >>> counts, fractions = simulate_bulk_cohort(n_samples=5, random_state=2)
    >>> counts.shape, bool(np.allclose(fractions.sum(axis=1), 1))
    ((5, 773), True)
    """
    if n_samples < 2:
        raise ValueError(f"n_samples must be at least 2; got {n_samples}")
    profiles = profiles if profiles is not None else tissue_profiles()
    rng = np.random.default_rng(random_state)
    purity = rng.uniform(0.3, 0.9, n_samples)
    immune = (1 - purity) * rng.beta(2, 2, n_samples)
    split = rng.dirichlet([5, 2.5, 1.5, 1], n_samples) * immune[:, None]
    fractions = pd.DataFrame({"Tumour": purity, "Stroma": 1 - purity - immune, "T cell": split[:, 0],
                              "Monocyte": split[:, 1], "B cell": split[:, 2], "NK cell": split[:, 3]}
                             )[profiles.index]
    fractions.index = pd.Index([f"S{i:03d}" for i in range(n_samples)], name="sample")
    counts = rng.poisson(depth * fractions.to_numpy() @ profiles.to_numpy())
    return pd.DataFrame(counts, columns=profiles.columns, index=fractions.index), fractions
