"""Genome-wide association: one regression per variant, all variants at once."""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from .genotypes import Genotypes
from .stats import _as_genotypes, _imputed_dosage

__all__ = ["gwas", "genomic_inflation", "align_to_samples"]


def align_to_samples(values, g: Genotypes, name: str = "phenotype") -> np.ndarray:
    """Reorder a per-person Series/DataFrame to ``g.samples`` (arrays must already match).

    Raises
    ------
    ValueError
        Sample ids missing from ``values``, or an array of the wrong length.

    Examples
    --------
    >>> g = Genotypes([[[0, 1], [1, 1]]], ["p1", "p2"], ["rs1"], ["22"], [1], ["A"], ["G"])
    >>> align_to_samples(pd.Series({"p2": 5.0, "p1": 3.0}), g).tolist()
    [3.0, 5.0]

    Taught in lesson 03.
    """
    if isinstance(values, (pd.Series, pd.DataFrame)):
        missing = [str(s) for s in g.samples if s not in values.index]
        if missing:
            extra = [str(s) for s in values.index if s not in set(g.samples)]
            raise ValueError(f"{len(missing)} sample id(s) of the genotypes are not in the {name} "
                             f"table, e.g. {missing[:3]} (table has e.g. {extra[:3]}); index the "
                             "table by the same sample ids as g.samples.")
        return values.loc[g.samples].to_numpy(dtype=float)
    arr = np.asarray(values, dtype=float)
    if arr.shape[0] != g.n_samples:
        raise ValueError(f"expected {g.n_samples} {name} values (one per sample); found {arr.shape[0]}")
    return arr


def _design(g, phenotype, covariates):
    """Phenotype vector and covariate matrix (with intercept) of the people with no NaN, and who they are."""
    y = align_to_samples(phenotype, g, "phenotype")
    C = np.ones((g.n_samples, 1))
    if covariates is not None:
        cov = align_to_samples(covariates, g, "covariates")
        C = np.column_stack([C, cov.reshape(g.n_samples, -1)])
    keep = ~np.isnan(y) & ~np.isnan(C).any(axis=1)
    return y[keep], C[keep], keep


def _linear(y, C, d):
    """Closed-form OLS of y on [C, x_j] for every variant j, via projection off C."""
    Q, _ = np.linalg.qr(C)
    y_r = y - Q @ (Q.T @ y)
    X_r = d - (d @ Q) @ Q.T
    sxx = (X_r ** 2).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        beta = X_r @ y_r / sxx
        df = len(y) - C.shape[1] - 1
        sigma2 = (y_r @ y_r - beta ** 2 * sxx) / df
        se = np.sqrt(sigma2 / sxx)
        p = 2 * stats.t.sf(np.abs(beta / se), df)
    return beta, se, p


def _logistic(y, C, d, n_iter: int = 25):
    """Newton-Raphson logistic regression of y on [C, x_j], all variants in one batch."""
    n_var, k = d.shape[0], C.shape[1] + 1
    if n_var == 0:
        return np.empty(0), np.empty(0), np.empty(0)
    Z = np.concatenate([np.broadcast_to(C, (n_var,) + C.shape), d[:, :, None]], axis=2)
    b = np.zeros((n_var, k))
    for _ in range(n_iter):
        mu = 1 / (1 + np.exp(-np.einsum("vnk,vk->vn", Z, b)))
        w = mu * (1 - mu)
        H = np.einsum("vnk,vn,vnl->vkl", Z, w, Z) + 1e-10 * np.eye(k)
        step = np.linalg.solve(H, np.einsum("vnk,vn->vk", Z, y - mu)[..., None])[..., 0]
        b += step
        if np.abs(step).max() < 1e-8:
            break
    with np.errstate(invalid="ignore"):
        se = np.sqrt(np.linalg.inv(H)[:, -1, -1])
        p = 2 * stats.norm.sf(np.abs(b[:, -1] / se))
    return b[:, -1], se, p


def gwas(g, phenotype, covariates=None, model: str = "linear") -> pd.DataFrame:
    """Test every variant for association with a trait: effect size, standard error, p-value.

    A genome-wide association study (GWAS) finds variants whose allele count tracks a trait
    or disease; its effect sizes are the raw material of polygenic scores.

    Parameters
    ----------
    g : Genotypes
    phenotype : Series indexed by sample id, or array (n_samples,)
        The trait (``model="linear"``) or 0/1 case status (``model="logistic"``). NaN = unknown.
    covariates : DataFrame indexed by sample id, or array (n_samples, n_covariates), optional
        Adjusted for in every test, e.g. age, sex and the first principal components.
    model : {"linear", "logistic"}, default "linear"

    Returns
    -------
    DataFrame indexed by variant id with ``chrom``, ``pos``, ``ref``, ``alt``, ``alt_freq``,
    ``beta`` (per ALT allele: trait units, or log odds ratio), ``se``, ``p`` and ``n``.

    Raises
    ------
    ValueError
        Unknown ``model``, sample ids that do not match, or a logistic phenotype not 0/1.

    Notes
    -----
    Missing genotypes are replaced by the variant's mean dosage. ``linear``: ordinary least
    squares of the trait on covariates + dosage, computed for all variants at once by
    projecting the covariates out of trait and dosages (Frisch-Waugh-Lovell); t-test with
    n - k - 2 degrees of freedom (k covariates). ``logistic``: a Wald test after Newton-Raphson
    maximum likelihood, run for a batch of variants at once (as plink2 ``--glm``, without
    Firth correction, so rare variants in small samples can give unstable estimates).

    Examples
    --------
    >>> g = Genotypes([[[0, 0], [0, 1], [1, 1], [0, 1]]], list("abcd"), ["rs1"], ["22"], [1],
    ...               ["A"], ["G"])
    >>> gwas(g, [1.0, 2.0, 3.1, 2.0])["beta"].round(2).tolist()
    [1.05]

    Taught in lesson 03.
    """
    if model not in ("linear", "logistic"):
        raise ValueError(f"model must be one of ['linear', 'logistic']; got {model!r}")
    g = _as_genotypes(g)
    y, C, keep = _design(g, phenotype, covariates)
    if model == "logistic" and not np.isin(y, (0, 1)).all():
        raise ValueError(f"a logistic GWAS needs a 0/1 phenotype (1 = case); found values "
                         f"{np.unique(y)[:5].tolist()}")
    test, step = (_linear, 20_000) if model == "linear" else (_logistic, 500)
    parts = []
    for start in range(0, max(g.n_variants, 1), step):  # in chunks, to keep memory small
        d = _imputed_dosage(g.subset(variants=slice(start, start + step), samples=keep))
        beta, se, p = test(y, C, d)
        constant = d.std(axis=1) == 0  # monomorphic among the people tested: no test possible
        beta[constant], se[constant], p[constant] = np.nan, np.nan, np.nan
        parts.append((d.mean(axis=1) / 2, beta, se, p))
    freq, beta, se, p = (np.concatenate(x) for x in zip(*parts))
    return pd.DataFrame({"chrom": g.chrom, "pos": g.positions, "ref": g.ref, "alt": g.alt,
                         "alt_freq": freq, "beta": beta, "se": se, "p": p,
                         "n": len(y)}, index=pd.Index(g.variant_ids, name="id"))


def genomic_inflation(p) -> float:
    """Genomic inflation factor lambda_GC: median observed chi-square / its expected median (0.455).

    About 1 when test statistics behave as expected under no association; clearly above 1
    (e.g. 1.2) signals confounding such as population structure.

    Examples
    --------
    >>> round(genomic_inflation([0.5, 0.5, 0.5]), 3)
    1.0

    Taught in lesson 02.
    """
    p = np.asarray(p, dtype=float)
    p = p[~np.isnan(p)]
    if p.size == 0:
        raise ValueError("genomic_inflation needs at least one non-missing p-value; got none")
    return float(np.median(stats.chi2.isf(p, 1)) / stats.chi2.ppf(0.5, 1))
