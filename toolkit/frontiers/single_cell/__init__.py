"""Single-cell and spatial expression: clusters, marker genes, spot mixtures, deconvolution.

Real data: 700 peripheral blood mononuclear cells (PBMC) from 10x Genomics' 68k PBMC
experiment (Zheng et al. 2017), in the reduced form that scanpy ships (`load_pbmc68k`,
card ``datasets/pbmc68k_reduced.md``). Spatial data: a *synthetic* tissue section
(`simulate_tissue`) and a *synthetic* bulk cohort (`simulate_bulk_cohort`) whose immune
profiles are mean profiles of the real PBMC cells. Taught in lesson 23.

Vocabulary: a *profile* is a cell type's mean expression over genes; a *spot* is one
measurement of a spatial array, which holds several cells; *deconvolution* estimates
the cell-type fractions behind a mixed (spot or bulk) profile.

Modules: `data` (the PBMC cells), `clustering` (`scale_genes`, `pca_cells`, k-means), `markers` (Wilcoxon
marker genes), `simulation` (synthetic tissue and bulk cohort), `deconvolution`
(`deconvolve_cell_types`), `spatial` (neighbours, Moran's I), `figures` (plotly, imported lazily).
"""
from __future__ import annotations

from .data import (
    PBMC_FILE, PBMC_SHA256, IMMUNE_GROUPS, TUMOUR_MARKERS, STROMA_MARKERS, SingleCellData,
    load_pbmc68k)
from .clustering import scale_genes, pca_cells, cluster_kmeans, cluster_agreement
from .markers import rank_genes_wilcoxon, top_markers, mean_profiles
from .simulation import tissue_profiles, Tissue, simulate_tissue, simulate_bulk_cohort
from .deconvolution import deconvolve_cell_types, signature_score, pearson_ci
from .spatial import spatial_neighbours, neighbourhood_mean, morans_i
from .figures import view_embedding, view_markers, view_tissue, view_mixing

__all__ = ["PBMC_FILE", "PBMC_SHA256", "IMMUNE_GROUPS", "TUMOUR_MARKERS", "STROMA_MARKERS", "SingleCellData",
           "load_pbmc68k", "scale_genes", "pca_cells", "cluster_kmeans", "cluster_agreement",
           "rank_genes_wilcoxon", "top_markers", "mean_profiles", "tissue_profiles", "Tissue",
           "simulate_tissue", "simulate_bulk_cohort", "deconvolve_cell_types", "signature_score",
           "pearson_ci", "spatial_neighbours", "neighbourhood_mean", "morans_i", "view_embedding",
           "view_markers", "view_tissue", "view_mixing"]
