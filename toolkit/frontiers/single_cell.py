"""Single-cell and spatial expression: clusters, marker genes, spot mixtures, deconvolution.

Real data: 700 peripheral blood mononuclear cells (PBMC) from 10x Genomics' 68k PBMC
experiment (Zheng et al. 2017), in the reduced form that scanpy ships (`load_pbmc68k`,
card ``datasets/pbmc68k_reduced.md``). Spatial data: a *synthetic* tissue section
(`simulate_tissue`) and a *synthetic* bulk cohort (`simulate_bulk_cohort`) whose immune
profiles are mean profiles of the real PBMC cells. Taught in lesson 23.

Vocabulary: a *profile* is a cell type's mean expression over genes; a *spot* is one
measurement of a spatial array, which holds several cells; *deconvolution* estimates
the cell-type fractions behind a mixed (spot or bulk) profile.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["PBMC_FILE", "PBMC_SHA256", "IMMUNE_GROUPS", "SingleCellData", "load_pbmc68k",
           "scale", "pca", "cluster_kmeans", "cluster_agreement", "rank_genes_wilcoxon",
           "top_markers", "mean_profiles", "tissue_profiles", "Tissue", "simulate_tissue",
           "deconvolve", "simulate_bulk_cohort", "signature_score", "pearson_ci",
           "spatial_neighbours", "neighbourhood_mean", "morans_i",
           "view_embedding", "view_markers", "view_tissue", "view_mixing"]

PBMC_FILE = Path(__file__).parent / "data" / "pbmc68k_reduced.npz"
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


# ------------------------------------------------------------------ real data
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
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


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


# ------------------------------------------------------- clusters and markers
def _matrix(X, name: str = "X") -> np.ndarray:
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or min(X.shape) < 2:
        raise ValueError(f"{name} must be a 2-D cells × genes matrix with at least 2 rows and "
                         f"2 columns; got shape {X.shape}")
    if not np.isfinite(X).all():
        raise ValueError(f"{name} contains NaN or infinite values: fill or drop them first")
    return X


def _one_thread():
    """Run BLAS/OpenMP on one thread: for matrices this small, extra threads only contend for
    the cores (measured 4.5 s vs 0.55 s for the PCA on a busy 2-core machine)."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1)


def scale(X, max_value: float = 10.0) -> np.ndarray:
    """Centre every gene to mean 0 and unit variance, then clip at ±max_value (as scanpy.pp.scale).

    Genes with zero variance become 0.

    Examples
    --------
    >>> scale([[0, 1.0], [2, 1.0], [4, 1.0]]).round(3).tolist()
    [[-1.225, 0.0], [0.0, 0.0], [1.225, 0.0]]
    """
    X = _matrix(X)
    sd = X.std(axis=0)
    Z = (X - X.mean(axis=0)) / np.where(sd > 0, sd, 1.0)
    return np.clip(Z, -max_value, max_value)


def pca(X, n_components: int = 20, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Principal components of a (scaled) cells × genes matrix.

    Returns
    -------
    scores : ndarray (n_cells, n_components)
    explained_variance_ratio : ndarray (n_components,)

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> scores, ratio = pca(rng.normal(size=(50, 8)), n_components=3)
    >>> scores.shape, bool(ratio[0] >= ratio[1] >= ratio[2])
    ((50, 3), True)
    """
    from sklearn.decomposition import PCA

    X = _matrix(X)
    if not 1 <= n_components <= min(X.shape):
        raise ValueError(f"n_components must be between 1 and {min(X.shape)}; got {n_components}")
    model = PCA(n_components=n_components, svd_solver="covariance_eigh", random_state=seed)
    with _one_thread():
        return model.fit_transform(X), model.explained_variance_ratio_


def cluster_kmeans(scores, n_clusters: int = 8, seed: int = 0) -> np.ndarray:
    """k-means clusters (labels 0..n_clusters-1) of cells in PCA space; deterministic per seed.

    Examples
    --------
    >>> pts = np.r_[np.zeros((5, 2)), np.full((5, 2), 10.0)]
    >>> labels = cluster_kmeans(pts, n_clusters=2)
    >>> len(set(labels[:5])), len(set(labels)), bool(labels[0] != labels[-1])
    (1, 2, True)
    """
    from sklearn.cluster import KMeans

    scores = _matrix(scores, "scores")
    if not 2 <= n_clusters < len(scores):
        raise ValueError(f"n_clusters must be between 2 and {len(scores) - 1}; got {n_clusters}")
    with _one_thread():
        return KMeans(n_clusters, n_init=10, random_state=seed).fit_predict(scores)


def cluster_agreement(labels, reference) -> float:
    """Adjusted Rand index (1 = same partition, about 0 = chance) between two labelings.

    Examples
    --------
    >>> cluster_agreement([0, 0, 1, 1], ["b", "b", "a", "a"])
    1.0
    """
    from sklearn.metrics import adjusted_rand_score

    if len(labels) != len(reference):
        raise ValueError(f"labels ({len(labels)}) and reference ({len(reference)}) differ in length")
    return float(adjusted_rand_score(np.asarray(reference), np.asarray(labels)))


def _wilcoxon_columns(X: np.ndarray, inside: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mann-Whitney U of the ``inside`` rows vs the rest for every column, and its tie-corrected SD."""
    from scipy.stats import rankdata

    rmin, rmax = rankdata(X, method="min", axis=0), rankdata(X, method="max", axis=0)
    n1, n2 = int(inside.sum()), int((~inside).sum())
    u = ((rmin + rmax) / 2)[inside].sum(axis=0) - n1 * (n1 + 1) / 2
    n = n1 + n2
    ties = ((rmax - rmin + 1) ** 2 - 1).sum(axis=0)          # = sum over tie groups of t^3 - t
    sigma = np.sqrt(n1 * n2 / 12 * ((n + 1) - ties / (n * (n - 1))))
    return u, sigma


def rank_genes_wilcoxon(X, groups, group, genes=None, continuity: bool = True) -> pd.DataFrame:
    """Marker genes of one group vs all other cells by the Wilcoxon rank-sum test (vectorised).

    Same U statistic and two-sided normal-approximation p-value (tie-corrected, with
    continuity correction by default) as ``scipy.stats.mannwhitneyu(method="asymptotic")``.

    Parameters
    ----------
    X : array (n_cells, n_genes)
        log(1 + normalised expression).
    groups : array of n_cells labels
    group : the label to test
    genes : names of the columns (default: "g0", "g1", ...)
    continuity : apply the continuity correction (scipy's default)

    Returns
    -------
    DataFrame sorted by ``z`` (largest first): gene, u, z, pvalue, padj (Benjamini-Hochberg),
    log2fc (of mean expm1(X) + 0.01, group vs rest), pct_in, pct_out (fraction of cells with X > 0).

    Examples
    --------
    >>> X = np.array([[5.0, 1], [6, 0], [7, 1], [1, 1], [0, 0], [2, 1]])
    >>> rank_genes_wilcoxon(X, list("aaabbb"), "a", genes=["MS4A1", "ACTB"])["gene"].tolist()
    ['MS4A1', 'ACTB']
    """
    from scipy.stats import false_discovery_control, norm

    X, groups = _matrix(X), np.asarray(groups)
    inside = groups == group
    if len(groups) != len(X) or not 0 < inside.sum() < len(X):
        raise ValueError(f"groups must label each of the {len(X)} cells, and group {group!r} must "
                         "hold some but not all cells")
    u, sigma = _wilcoxon_columns(X, inside)
    mu, safe = inside.sum() * (~inside).sum() / 2, np.where(sigma > 0, sigma, np.inf)
    z = (u - mu) / safe                                       # 0 for a constant gene
    shift = np.maximum(np.abs(u - mu) - (0.5 if continuity else 0.0), 0)
    p = np.minimum(2 * norm.sf(shift / safe), 1.0)
    lin = np.expm1(X)
    table = pd.DataFrame({
        "gene": genes if genes is not None else [f"g{j}" for j in range(X.shape[1])],
        "u": u, "z": z, "pvalue": p, "padj": false_discovery_control(p),
        "log2fc": np.log2((lin[inside].mean(0) + 0.01) / (lin[~inside].mean(0) + 0.01)),
        "pct_in": (X[inside] > 0).mean(0), "pct_out": (X[~inside] > 0).mean(0)})
    return table.sort_values("z", ascending=False, kind="stable").reset_index(drop=True)


def top_markers(X, groups, genes, n: int = 3) -> pd.DataFrame:
    """The ``n`` highest-scoring Wilcoxon markers of every group (one row per group and gene).

    Examples
    --------
    >>> X = np.array([[5.0, 0], [6, 1], [0, 4], [1, 5]])
    >>> top_markers(X, ["B", "B", "T", "T"], ["MS4A1", "CD3D"], n=1)[["group", "gene"]].values.tolist()
    [['B', 'MS4A1'], ['T', 'CD3D']]
    """
    groups = np.asarray(groups)
    parts = [rank_genes_wilcoxon(X, groups, g, genes).head(n).assign(group=str(g))
             for g in pd.unique(groups)]
    out = pd.concat(parts, ignore_index=True)
    return out[["group"] + [c for c in out.columns if c != "group"]]


def mean_profiles(X, groups, genes) -> pd.DataFrame:
    """Mean linear expression, expm1(X), of each group: a cell-types × genes reference.

    Examples
    --------
    >>> mean_profiles(np.log1p([[1.0, 3], [3, 1], [0, 8]]), ["a", "a", "b"], ["x", "y"])
         x    y
    a  2.0  2.0
    b  0.0  8.0
    """
    X = _matrix(X)
    lin = pd.DataFrame(np.expm1(X), columns=list(genes))
    return lin.groupby(np.asarray(groups), sort=False).mean()


# --------------------------------------------------- synthetic tissue and bulk
def tissue_profiles(data: SingleCellData | None = None, seed: int = 0) -> pd.DataFrame:
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
    rng = np.random.default_rng(seed)
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
                    depth: float = 3000.0, spacing_um: float = 100.0, seed: int = 0,
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
    >>> t = simulate_tissue(n_side=10, seed=1)
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
    rng = np.random.default_rng(seed)
    cells = np.array([rng.multinomial(cells_per_spot, p / p.sum()) for p in expected.to_numpy()])
    fractions = pd.DataFrame(cells / cells_per_spot, columns=profiles.index)
    counts = rng.poisson(depth * fractions.to_numpy() @ profiles.to_numpy())
    yy, xx = np.mgrid[0:n_side, 0:n_side]
    coords = pd.DataFrame({"x_um": xx.ravel() * spacing_um, "y_um": yy.ravel() * spacing_um})
    region = pd.Series(np.where(tumour > 0.5, "tumour", "stroma"), name="region")
    return Tissue(coords, fractions, pd.DataFrame(counts, columns=profiles.columns), profiles, region)


def deconvolve(mixtures, profiles: pd.DataFrame) -> pd.DataFrame:
    """Cell-type fractions of mixed samples by non-negative least squares (scipy.optimize.nnls).

    Solves ``mixture ≈ Σ_k c_k · profile_k`` with every c_k ≥ 0 for each sample (row), then
    rescales the c_k to sum to 1. Genes are matched by name when both inputs are DataFrames.

    Parameters
    ----------
    mixtures : DataFrame or array (n_samples, n_genes), linear scale (counts, not logs)
    profiles : DataFrame (n_cell_types, n_genes), linear scale

    Examples
    --------
    >>> P = pd.DataFrame([[1.0, 0, 1], [0, 1, 1]], index=["A", "B"], columns=list("xyz"))
    >>> deconvolve(np.array([[3.0, 1, 4]]), P).round(2).values.tolist()
    [[0.75, 0.25]]
    """
    from scipy.optimize import nnls

    if isinstance(mixtures, pd.DataFrame):
        shared = profiles.columns.intersection(mixtures.columns)
        if shared.empty:
            raise ValueError("mixtures and profiles share no gene names: check the column names")
        mixtures, profiles = mixtures[shared], profiles[shared]
    M = np.atleast_2d(np.asarray(mixtures, dtype=float))
    if M.shape[1] != profiles.shape[1] or (M < 0).any() or not np.isfinite(M).all():
        raise ValueError(f"mixtures need {profiles.shape[1]} non-negative finite values per sample "
                         f"(one per profile gene, linear scale); got shape {M.shape}")
    coef = np.array([nnls(profiles.to_numpy().T, m)[0] for m in M])
    total = coef.sum(axis=1, keepdims=True)
    index = mixtures.index if isinstance(mixtures, pd.DataFrame) else None
    return pd.DataFrame(coef / np.where(total > 0, total, 1), columns=profiles.index, index=index)


def simulate_bulk_cohort(n_samples: int = 150, profiles: pd.DataFrame | None = None,
                         depth: float = 2e6, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
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
    >>> counts, fractions = simulate_bulk_cohort(n_samples=5, seed=2)
    >>> counts.shape, bool(np.allclose(fractions.sum(axis=1), 1))
    ((5, 773), True)
    """
    if n_samples < 2:
        raise ValueError(f"n_samples must be at least 2; got {n_samples}")
    profiles = profiles if profiles is not None else tissue_profiles()
    rng = np.random.default_rng(seed)
    purity = rng.uniform(0.3, 0.9, n_samples)
    immune = (1 - purity) * rng.beta(2, 2, n_samples)
    split = rng.dirichlet([5, 2.5, 1.5, 1], n_samples) * immune[:, None]
    fractions = pd.DataFrame({"Tumour": purity, "Stroma": 1 - purity - immune, "T cell": split[:, 0],
                              "Monocyte": split[:, 1], "B cell": split[:, 2], "NK cell": split[:, 3]}
                             )[profiles.index]
    fractions.index = pd.Index([f"S{i:03d}" for i in range(n_samples)], name="sample")
    counts = rng.poisson(depth * fractions.to_numpy() @ profiles.to_numpy())
    return pd.DataFrame(counts, columns=profiles.columns, index=fractions.index), fractions


def signature_score(counts: pd.DataFrame, genes) -> pd.Series:
    """Mean z-score of log2(1 + counts per million) over a gene signature, per sample.

    Examples
    --------
    >>> c = pd.DataFrame({"CD3D": [10, 20, 30], "MS4A1": [5, 5, 50], "ACTB": [900, 900, 900]})
    >>> signature_score(c, ["CD3D", "MS4A1"]).round(2).tolist()
    [-1.02, -0.23, 1.24]
    """
    missing = [g for g in genes if g not in counts.columns]
    if missing:
        raise KeyError(f"signature genes not in the counts table: {missing}")
    cpm = counts.div(counts.sum(axis=1), axis=0) * 1e6
    logged = np.log2(1 + cpm[list(genes)])
    z = (logged - logged.mean()) / logged.std(ddof=0).replace(0, 1)
    return z.mean(axis=1).rename("signature_score")


def pearson_ci(x, y, level: float = 0.95) -> tuple[float, float, float]:
    """Pearson correlation with a Fisher-z confidence interval: (r, lower, upper).

    Examples
    --------
    >>> r, lo, hi = pearson_ci([1, 2, 3, 4, 5, 6], [1.1, 1.9, 3.2, 3.9, 5.1, 6.2])
    >>> round(r, 3), bool(lo < r < hi <= 1)
    (0.998, True)
    """
    from scipy.stats import norm

    x, y = np.asarray(x, float), np.asarray(y, float)
    if len(x) != len(y) or len(x) < 4:
        raise ValueError(f"x and y need the same length, at least 4; got {len(x)} and {len(y)}")
    r = float(np.corrcoef(x, y)[0, 1])
    half = norm.ppf(0.5 + level / 2) / np.sqrt(len(x) - 3)
    z = np.arctanh(np.clip(r, -0.999999, 0.999999))
    return r, float(np.tanh(z - half)), float(np.tanh(z + half))


# ---------------------------------------------------------- spatial statistics
def spatial_neighbours(coords, radius: float | None = None):
    """Symmetric 0/1 adjacency (scipy sparse) linking spots closer than ``radius``.

    The default radius is 1.01 × the median nearest-neighbour distance: on a square grid each
    spot is linked to the 4 spots beside it (fewer at the border).

    Examples
    --------
    >>> W = spatial_neighbours([[0, 0], [1, 0], [5, 0]], radius=2)
    >>> W.toarray().astype(int).tolist()
    [[0, 1, 0], [1, 0, 0], [0, 0, 0]]
    """
    from sklearn.neighbors import NearestNeighbors

    xy = np.asarray(coords, dtype=float)
    if xy.ndim != 2 or xy.shape[1] != 2 or len(xy) < 2 or not np.isfinite(xy).all():
        raise ValueError(f"coords must be a finite (n_spots, 2) array with n_spots >= 2; got {xy.shape}")
    nn = NearestNeighbors().fit(xy)
    if radius is None:
        radius = 1.01 * float(np.median(nn.kneighbors(n_neighbors=1)[0]))
    if not radius > 0:
        raise ValueError(f"radius must be positive; got {radius}")
    A = nn.radius_neighbors_graph(radius=radius, mode="connectivity")   # excludes the spot itself
    return ((A + A.T) > 0).astype(float)


def neighbourhood_mean(values, coords, radius: float | None = None) -> np.ndarray:
    """Average of each spot's neighbours (the spot itself excluded; NaN for an isolated spot).

    Examples
    --------
    >>> neighbourhood_mean([1.0, 3.0, 10.0], [[0, 0], [1, 0], [2, 0]]).tolist()
    [3.0, 5.5, 3.0]
    """
    W = spatial_neighbours(coords, radius)
    v = np.asarray(values, dtype=float)
    if v.shape != (W.shape[0],):
        raise ValueError(f"values must hold one number per spot ({W.shape[0]}); got shape {v.shape}")
    degree = np.asarray(W.sum(axis=1)).ravel()
    return np.asarray(W @ v).ravel() / np.where(degree > 0, degree, np.nan)


def morans_i(values, coords, radius: float | None = None) -> float:
    """Moran's I spatial autocorrelation: near +1 clustered, about −1/(n−1) random, −1 checkerboard.

    Examples
    --------
    >>> yy, xx = np.mgrid[0:6, 0:6]
    >>> round(morans_i(((xx + yy) % 2).ravel(), np.c_[xx.ravel(), yy.ravel()]), 3)
    -1.0
    """
    W = spatial_neighbours(coords, radius)
    z = np.asarray(values, dtype=float) - np.mean(values)
    if z.shape != (W.shape[0],):
        raise ValueError(f"values must hold one number per spot ({W.shape[0]}); got shape {z.shape}")
    if not (z ** 2).sum() > 0:
        raise ValueError("values are constant: Moran's I is undefined")
    return float(len(z) / W.sum() * (z @ (W @ z)) / (z @ z))


# ------------------------------------------------------------------- figures
def view_embedding(xy, colour, title: str = "Cells", hover=None):
    """Scatter (plotly) of a 2-D embedding, one colour per label.

    Examples
    --------
    >>> fig = view_embedding(np.zeros((4, 2)), ["a", "a", "b", "b"])
    >>> [trace.name for trace in fig.data]
    ['a', 'b']
    """
    import plotly.graph_objects as go

    xy, colour = np.asarray(xy, dtype=float), np.asarray(colour).astype(str)
    hover = np.asarray(hover if hover is not None else colour).astype(str)
    fig = go.Figure()
    for label in sorted(set(colour)):
        keep = colour == label
        fig.add_scatter(x=xy[keep, 0], y=xy[keep, 1], mode="markers", name=str(label),
                        marker={"size": 5}, text=hover[keep], hoverinfo="text+name")
    return fig.update_layout(title=title, xaxis_title="dimension 1", yaxis_title="dimension 2",
                             height=480, legend={"font": {"size": 10}})


def view_markers(X, groups, genes, markers, title: str = "Marker genes"):
    """Dot plot (plotly): dot size = % of cells expressing, colour = mean log expression.

    Examples
    --------
    >>> fig = view_markers(np.log1p([[3.0, 0], [0, 2]]), ["B", "T"], ["MS4A1", "CD3D"],
    ...                    ["MS4A1", "CD3D"])
    >>> len(fig.data[0].x)
    4
    """
    import plotly.graph_objects as go

    X, groups, genes = _matrix(X), np.asarray(groups).astype(str), list(genes)
    cols = [genes.index(g) for g in markers]
    labels = sorted({str(g) for g in groups})
    rows = [(g, m, X[groups == g][:, c]) for g in labels for m, c in zip(markers, cols)]
    pct = np.array([(v > 0).mean() for _, _, v in rows])
    fig = go.Figure(go.Scatter(
        x=[m for _, m, _ in rows], y=[g for g, _, _ in rows], mode="markers",
        marker={"size": 4 + 22 * pct, "color": [v.mean() for _, _, v in rows],
                "colorscale": "Viridis", "colorbar": {"title": "mean log expr."}},
        text=[f"{100 * p:.0f} % of cells" for p in pct], hoverinfo="x+y+text"))
    return fig.update_layout(title=title, height=120 + 28 * len(labels), xaxis_tickangle=-45)


def view_tissue(tissue: Tissue, values, title: str = "Synthetic tissue", colour_label: str = ""):
    """Spatial map (plotly): one square per spot, coloured by ``values``.

    Examples
    --------
    >>> t = simulate_tissue(n_side=6, seed=0)
    >>> len(view_tissue(t, t.fractions["Tumour"]).data[0].x)
    36
    """
    import plotly.graph_objects as go

    fig = go.Figure(go.Scatter(
        x=tissue.coords["x_um"], y=tissue.coords["y_um"], mode="markers",
        marker={"symbol": "square", "size": 9, "color": np.asarray(values, dtype=float),
                "colorscale": "Viridis", "colorbar": {"title": colour_label}},
        hovertemplate="x %{x} µm, y %{y} µm: %{marker.color:.2f}<extra></extra>"))
    fig.update_yaxes(scaleanchor="x", title="y (µm)")
    return fig.update_layout(title=title, xaxis_title="x (µm)", height=460, width=520)


def view_mixing(profiles: pd.DataFrame, immune_fractions=(0.0, 0.1, 0.2, 0.3, 0.4, 0.5),
                purity: float = 0.5, depth: float = 2e6, seed: int = 0):
    """Slider (plotly, works without a kernel): true vs NNLS-estimated fractions of a bulk
    sample as its immune fraction grows (tumour purity fixed, stroma takes the rest).

    Examples
    --------
    >>> fig = view_mixing(tissue_profiles(), immune_fractions=(0.0, 0.2))
    >>> len(fig.data), len(fig.layout.sliders[0].steps)
    (4, 2)
    """
    import plotly.graph_objects as go

    rng, fig = np.random.default_rng(seed), go.Figure()
    share = pd.Series({"T cell": 0.5, "Monocyte": 0.25, "B cell": 0.15, "NK cell": 0.1})
    for i, f in enumerate(immune_fractions):
        true = pd.concat([pd.Series({"Tumour": purity, "Stroma": 1 - purity - f}), f * share])
        true = true[profiles.index]
        est = deconvolve(rng.poisson(depth * true.to_numpy() @ profiles.to_numpy())[None], profiles)
        for name, vals in (("true", true.to_numpy()), ("NNLS estimate", est.to_numpy()[0])):
            fig.add_bar(x=list(profiles.index), y=vals, name=name, visible=i == 0)
    steps = [{"method": "update", "label": f"{100 * f:.0f} %",
              "args": [{"visible": [j // 2 == i for j in range(2 * len(immune_fractions))]}]}
             for i, f in enumerate(immune_fractions)]
    return fig.update_layout(
        sliders=[{"steps": steps, "currentvalue": {"prefix": "immune fraction: "}}],
        title=f"Bulk sample, tumour purity {100 * purity:.0f} %: who is in the tube?",
        yaxis_title="fraction of cells", yaxis_range=[0, 1], barmode="group", height=420)
