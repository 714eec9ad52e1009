"""The real PBMC cells (10x Genomics 68k PBMC, scanpy's reduced copy) and the marker panels.

Taught in lesson 23.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["PBMC_FILE", "PBMC_SHA256", "IMMUNE_GROUPS", "TUMOUR_MARKERS", "STROMA_MARKERS", "SingleCellData",
           "load_pbmc68k"]

PBMC_FILE = Path(__file__).resolve().parent.parent / "data" / "pbmc68k_reduced.npz"

PBMC_SHA256 = "41dc8f7d99d821767707ca475bfdbc29363d29823726a875896d778d42178241"


#: PBMC ``bulk_labels`` pooled into the four immune types of the synthetic tissue.
IMMUNE_GROUPS = {
    "T cell": ("CD4+/CD25 T Reg", "CD4+/CD45RA+/CD25- Naive T", "CD4+/CD45RO+ Memory",
               "CD8+ Cytotoxic T", "CD8+/CD45RA+ Naive Cytotoxic"),
    "B cell": ("CD19+ B",),
    "NK cell": ("CD56+ NK",),
    "Monocyte": ("CD14+ Monocyte",),
}


#: Synthetic marker genes added for the non-immune cells (absent from the PBMC panel).
TUMOUR_MARKERS = ("EPCAM", "KRT8", "KRT18", "MKI67")

STROMA_MARKERS = ("COL1A1", "COL1A2", "DCN", "LUM")


@dataclass(frozen=True)
class SingleCellData:
    """Cells × genes expression with per-cell annotations.

    Attributes
    ----------
    X : ndarray, float32, shape (n_cells, n_genes)
        log(1 + normalised expression), as stored in scanpy's ``.raw``.
    genes : ndarray of str
    obs : DataFrame, one row per cell (index: cell barcode): ``bulk_labels`` (published cell
        type), ``louvain`` (published clusters), ``phase``, ``n_genes``, ``n_counts``,
        ``percent_mito``, ``umap_1``, ``umap_2`` (scanpy's UMAP coordinates).
    """

    X: np.ndarray
    genes: np.ndarray
    obs: pd.DataFrame

    @property
    def shape(self) -> tuple[int, int]:
        return self.X.shape

    def expression(self, gene: str) -> np.ndarray:
        """One gene's log expression in every cell; a clear error for an unknown gene."""
        hits = np.flatnonzero(self.genes == gene)
        if hits.size == 0:
            raise KeyError(f"gene {gene!r} is not among the {len(self.genes)} genes of this "
                           "dataset; see data.genes for the list")
        return self.X[:, hits[0]]


def _sha256(path: Path) -> str:
    import pooch

    return pooch.file_hash(str(path), alg="sha256")


def load_pbmc68k(path: str | Path | None = None, verify: bool = True) -> SingleCellData:
    """Load the 700 × 765 PBMC data shipped with the toolkit (no network).

    Parameters
    ----------
    path : str or Path, optional
        Another copy of ``pbmc68k_reduced.npz`` (default: the packaged file).
    verify : bool
        Check the file's SHA-256 against the data card first.

    Returns
    -------
    SingleCellData

    Examples
    --------
    >>> data = load_pbmc68k()
    >>> data.shape
    (700, 765)
    >>> int((data.obs["bulk_labels"] == "CD19+ B").sum())   # published label: B cells
    95
    """
    import scipy.sparse as sp

    path = Path(path) if path is not None else PBMC_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: reinstall the toolkit (the file ships in "
                                "toolkit/frontiers/data/) or pass path= to a copy")
    if verify and (digest := _sha256(path)) != PBMC_SHA256:
        raise ValueError(f"{path} has SHA-256 {digest}, expected {PBMC_SHA256} "
                         "(datasets/pbmc68k_reduced.md): the file is damaged or a different version")
    with np.load(path, allow_pickle=False) as npz:
        z = {key: npz[key] for key in npz.files}
    X = sp.csr_matrix((z["data"], z["indices"], z["indptr"]), shape=tuple(z["shape"])).toarray()
    obs = pd.DataFrame({key: z[key] for key in ("bulk_labels", "louvain", "phase", "n_genes",
                                                "n_counts", "percent_mito")},
                       index=pd.Index(z["barcodes"].astype(str), name="barcode"))
    obs["umap_1"], obs["umap_2"] = z["umap"][:, 0], z["umap"][:, 1]
    return SingleCellData(X=X, genes=z["genes"].astype(str), obs=obs)
