"""ComBat: remove additive and multiplicative site (scanner) effects from a feature table.

Model for feature g of patient j at site i (Johnson et al. 2007; Fortin et al. 2017, 2018):

    y_ijg = alpha_g + x_ij . beta_g + gamma_ig + delta_ig * eps_ijg

``alpha`` is the feature's overall mean, ``x . beta`` the covariates to keep (age, sex...),
``gamma`` the site's shift and ``delta`` its scale. ComBat estimates gamma and delta per site and
feature, shrinks them towards the site's average over all features (empirical Bayes: features
borrow strength from each other, which helps small sites), then removes them.

This is a readable re-implementation; ``tests/test_harmonisation.py`` checks it against the
``neuroCombat`` package (Fortin's reference implementation).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

__all__ = ["ComBat", "combat"]


def _design(covariates, n_samples: int) -> np.ndarray:
    """Covariate matrix (n_samples, n_cov): numbers as they are, categories one-hot (first dropped)."""
    if covariates is None:
        return np.zeros((n_samples, 0))
    frame = pd.DataFrame(covariates).reset_index(drop=True)
    frame = pd.get_dummies(frame, drop_first=True, dtype=float)
    C = frame.to_numpy(dtype=float)
    if C.shape[0] != n_samples:
        raise ValueError(f"covariates must have one row per sample: expected {n_samples}; "
                         f"found {C.shape[0]}")
    return C


def _check(X, site) -> tuple[np.ndarray, np.ndarray]:
    X = np.asarray(X, dtype=float)
    site = np.asarray(site)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (n_samples, n_features); got shape {X.shape}")
    if len(site) != X.shape[0]:
        raise ValueError(f"site must have one label per sample: expected {X.shape[0]}; "
                         f"found {len(site)}")
    if not np.isfinite(X).all():
        raise ValueError("X contains NaN or infinite values; impute or drop them before ComBat")
    return X, site


def _shrink(z: np.ndarray, g_hat, d_hat, g_bar, t2, a, b, tol: float = 1e-4,
            max_iter: int = 1000):
    """Empirical-Bayes posterior site shift and scale for one site (iterate to convergence)."""
    n = z.shape[0]
    g_old, d_old = g_hat.copy(), d_hat.copy()
    for _ in range(max_iter):
        g_new = (t2 * n * g_hat + d_old * g_bar) / (t2 * n + d_old)
        d_new = (0.5 * ((z - g_new) ** 2).sum(axis=0) + b) / (n / 2.0 + a - 1.0)
        with np.errstate(divide="ignore", invalid="ignore"):  # a shift of exactly 0 stays 0
            change = np.nanmax(np.r_[np.abs(g_new - g_old) / np.abs(g_old),
                                     np.abs(d_new - d_old) / d_old, 0.0])
        g_old, d_old = g_new, d_new
        if change <= tol:
            return g_new, d_new
    raise RuntimeError(f"ComBat's empirical-Bayes estimates did not converge in {max_iter} "
                       "iterations; try empirical_bayes=False")


def _inverse_gamma_prior(d_hat: np.ndarray) -> tuple[float, float]:
    """Method-of-moments shape a and scale b of the inverse-gamma prior of the site variances."""
    m, s2 = d_hat.mean(), d_hat.var(ddof=1)
    return (2 * s2 + m ** 2) / s2, (m * s2 + m ** 3) / s2


class ComBat(TransformerMixin, BaseEstimator):
    """Harmonise features across sites (scanners, hospitals) with empirical-Bayes ComBat.

    Radiomics features and regional brain measures shift and stretch from one scanner to the
    next; ComBat removes those site effects so that pooled models learn biology, not hospital.

    A scikit-learn transformer: it can sit in a ``Pipeline`` before a model, so that
    ``cross_val_score`` fits it on each training fold only (lesson 26, section 4).

    **How the site is given.** In a Pipeline, as a column of ``X`` (``ComBat(site="site")``, or
    a column position for an array). We chose a column over a fit parameter (metadata routing)
    because ComBat needs the site in ``transform`` as well as in ``fit``: a column travels with
    its rows through every splitter, ``Pipeline.predict`` and scorer, whereas a routed parameter
    must be switched on globally, requested on each step and passed by hand to each call, and
    ``cross_val_score``'s scorer does not pass it to ``transform`` at all. A new patient's
    hospital is known when the model is used, so keeping it in ``X`` hides nothing. Outside a
    Pipeline the site may instead be a keyword: ``fit(X, site=labels)``,
    ``transform(X, site=labels)`` (never positional: a Pipeline passes ``y`` there, and
    harmonising across outcome classes would be a silent leak).

    Parameters
    ----------
    site : str, int or None, default None
        The column of ``X`` holding each row's site: a name (DataFrame ``X``) or a position.
        None: the site labels are given to ``fit`` and ``transform`` as ``site=``.
    covariates : list of str or int, optional
        Columns of ``X`` (names or positions) whose biological effects are KEPT (age, sex);
        only with ``site`` given as a column. Never the outcome a model will predict: that
        leaks the label into the features (lesson 26, section 3).
    empirical_bayes : bool, default True
        Shrink each site's per-feature shift and scale towards the site's average over features
        (Johnson et al. 2007). False uses the raw per-site means and variances.
    mean_only : bool, default False
        Remove only the shift (gamma), keep each site's spread.

    ``transform`` returns the harmonised feature columns only: the site and covariate columns
    are left out (wrap ComBat in a ``ColumnTransformer`` to pass age on to the model).

    Attributes
    ----------
    sites_ : array of site labels seen in ``fit`` (sorted)
    grand_mean_ : array (n_features,)
        Sample-size weighted mean of the site intercepts (alpha).
    var_pooled_ : array (n_features,)
        Residual variance (divided by n, as in neuroCombat).
    beta_ : array (n_covariates, n_features)
        Effects of the covariates that are preserved.
    gamma_star_, delta_star_ : arrays (n_sites, n_features)
        Site shift (in pooled SD units) and scale (variance ratio) that ``transform`` removes.
    n_features_in_, feature_names_in_ : as in scikit-learn (all columns of ``X``, site included)

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> site = np.repeat(["A", "B"], 50)
    >>> X = rng.normal(size=(100, 5)) + np.where(site == "B", 3.0, 0.0)[:, None]
    >>> Xh = ComBat().fit(X, site=site).transform(X, site=site)
    >>> bool(abs(Xh[site == "B"].mean() - Xh[site == "A"].mean()) < 0.1)
    True

    In a Pipeline, with the site as a column of a DataFrame:

    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.pipeline import make_pipeline
    >>> frame = pd.DataFrame(X, columns=list("abcde")).assign(hospital=site)
    >>> y = (X[:, 0] > np.where(site == "B", 3.0, 0.0)).astype(int)
    >>> model = make_pipeline(ComBat(site="hospital"), LogisticRegression()).fit(frame, y)
    >>> model[0].get_feature_names_out().tolist()
    ['a', 'b', 'c', 'd', 'e']

    Taught in lesson 26.
    """

    def __init__(self, site: str | int | None = None, covariates: list | None = None,
                 empirical_bayes: bool = True, mean_only: bool = False):
        self.site = site
        self.covariates = covariates
        self.empirical_bayes = empirical_bayes
        self.mean_only = mean_only

    def fit(self, X, y=None, *, site=None, covariates=None) -> "ComBat":
        """Estimate site effects from ``X`` (n_samples, n_columns); ``y`` is ignored.

        The site comes from ``X``'s column ``self.site``, or from the keyword ``site`` (one label
        per row), with the covariates to keep from ``self.covariates`` or the keyword.
        """
        X, site, C = self._split(X, site, covariates, reset=True)
        self.sites_, counts = np.unique(site, return_counts=True)
        if len(self.sites_) < 2:
            raise ValueError(f"ComBat needs at least 2 sites; got {self.sites_.tolist()}")
        if counts.min() < 2:
            small = self.sites_[counts < 2].tolist()
            raise ValueError(f"every site needs at least 2 samples to estimate its scale; "
                             f"sites {small} have fewer. Merge or drop them.")
        onehot = (site[:, None] == self.sites_[None, :]).astype(float)
        coef = np.linalg.lstsq(np.hstack([onehot, C]), X, rcond=None)[0]
        k = len(self.sites_)
        self.grand_mean_ = (counts / len(X)) @ coef[:k]
        self.beta_ = coef[k:]
        self.var_pooled_ = ((X - np.hstack([onehot, C]) @ coef) ** 2).mean(axis=0)
        if np.any(self.var_pooled_ == 0):
            bad = np.flatnonzero(self.var_pooled_ == 0).tolist()
            raise ValueError(f"features {bad} have zero residual variance; drop constant features")
        z = self._standardise(X, C)
        self.gamma_star_, self.delta_star_ = self._site_effects(z, site)
        return self

    def _split(self, X, site, covariates, reset: bool):
        """(features, site labels, covariate design) from ``X`` and the keywords, checked."""
        if (self.site is None) == (site is None):
            given = "both" if site is not None else "neither"
            raise ValueError(f"ComBat got {given} a site column (ComBat(site=...)) and a site= "
                             "keyword; give exactly one (a Pipeline needs the column)")
        if self.covariates is not None and site is not None:
            raise ValueError("ComBat(covariates=...) names columns of X: use it with "
                             "ComBat(site=...), or pass covariates= with site=")
        X = validate_data(self, X, dtype=None, ensure_all_finite=False, reset=reset)
        if self.site is None:
            return (*_check(X, site), _design(covariates, len(X)))
        columns = self._site_covariate_columns()
        kept = np.delete(np.arange(X.shape[1]), columns)
        features, labels = _check(X[:, kept], X[:, columns[0]])
        cov = None if len(columns) == 1 else pd.DataFrame(X[:, columns[1:]]).infer_objects()
        return features, labels, _design(cov, len(X))

    def _column(self, name) -> int:
        """Position of column ``name`` (a name needs a DataFrame ``X``; a position is kept)."""
        if isinstance(name, (int, np.integer)):
            if not 0 <= name < self.n_features_in_:
                raise ValueError(f"column {name} is out of range: X has {self.n_features_in_} columns")
            return int(name)
        names = list(getattr(self, "feature_names_in_", []))
        if name not in names:
            found = names or "none named: X is an array, so give a position"
            raise ValueError(f"column {name!r} is not in X (columns: {found})")
        return names.index(name)

    def _site_covariate_columns(self) -> list[int]:
        """Positions of the site column, then of the covariate columns (``ComBat(site=...)``)."""
        return [self._column(c) for c in [self.site, *(self.covariates or [])]]

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Names of the harmonised columns ``transform`` returns (site and covariates left out)."""
        check_is_fitted(self, "gamma_star_")
        default = getattr(self, "feature_names_in_", [f"x{i}" for i in range(self.n_features_in_)])
        names = np.asarray(default if input_features is None else input_features, dtype=object)
        if len(names) != self.n_features_in_:
            raise ValueError(f"input_features has {len(names)} names; X had {self.n_features_in_} columns")
        if self.site is None:
            return names
        return np.delete(names, self._site_covariate_columns())

    def _standardise(self, X: np.ndarray, C: np.ndarray) -> np.ndarray:
        return (X - self.grand_mean_ - C @ self.beta_) / np.sqrt(self.var_pooled_)

    def _site_effects(self, z: np.ndarray, site: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        gammas, deltas = [], []
        for s in self.sites_:
            zs = z[site == s]
            g_hat = zs.mean(axis=0)
            d_hat = np.ones(z.shape[1]) if self.mean_only else zs.var(axis=0, ddof=1)
            if self.empirical_bayes and self.mean_only:
                t2 = g_hat.var(ddof=1)
                g_hat = (t2 * g_hat + g_hat.mean()) / (t2 + 1)  # neuroCombat's mean-only posterior
            elif self.empirical_bayes:
                a, b = _inverse_gamma_prior(d_hat)
                g_hat, d_hat = _shrink(zs, g_hat, d_hat, g_hat.mean(), g_hat.var(ddof=1), a, b)
            gammas.append(g_hat)
            deltas.append(d_hat)
        return np.array(gammas), np.array(deltas)

    def transform(self, X, *, site=None, covariates=None) -> np.ndarray:
        """Remove the fitted site effects from ``X``; its sites must have been seen in ``fit``."""
        if not hasattr(self, "gamma_star_"):
            raise RuntimeError("this ComBat is not fitted yet: call fit first")
        X, site, C = self._split(X, site, covariates, reset=False)
        unknown = sorted(set(site.tolist()) - set(self.sites_.tolist()))
        if unknown:
            raise ValueError(f"sites {unknown} were not in the data ComBat was fitted on "
                             f"({self.sites_.tolist()}); refit including them")
        if C.shape[1] != self.beta_.shape[0]:
            raise ValueError(f"expected {self.beta_.shape[0]} covariate columns (as in fit); "
                             f"found {C.shape[1]}")
        z = self._standardise(X, C)
        idx = np.searchsorted(self.sites_, site)
        z = (z - self.gamma_star_[idx]) / np.sqrt(self.delta_star_[idx])
        return z * np.sqrt(self.var_pooled_) + self.grand_mean_ + C @ self.beta_

    def fit_transform(self, X, y=None, *, site=None, covariates=None) -> np.ndarray:
        """``fit`` then ``transform`` on the same data (``y`` is ignored)."""
        return self.fit(X, y, site=site, covariates=covariates).transform(
            X, site=site, covariates=covariates)


def combat(X, site, covariates=None, empirical_bayes: bool = True,
           mean_only: bool = False) -> tuple[np.ndarray, ComBat]:
    """Harmonise a feature table across sites in one call; return ``(X_harmonised, model)``.

    Parameters
    ----------
    X : array or DataFrame, shape (n_samples, n_features)
        Feature values (e.g. radiomics features), one row per patient.
    site : array, shape (n_samples,)
        Site (hospital, scanner) of each row; every site needs at least 2 rows.
    covariates : DataFrame or array, shape (n_samples, n_covariates), optional
        Biological variables whose effects are KEPT (age, sex). Never the outcome you will
        predict: that leaks the label into the features (lesson 26, section 4).
    empirical_bayes, mean_only : bool
        As in :class:`ComBat`.

    Returns
    -------
    X_harmonised : ndarray, shape (n_samples, n_features)
    model : ComBat
        Fitted; ``model.transform`` applies the same correction to new patients of these sites.

    Raises
    ------
    ValueError
        Fewer than 2 sites, a site with fewer than 2 samples, NaN values, constant features,
        or lengths that do not match.

    Notes
    -----
    Johnson WE, Li C, Rabinovic A (2007) Biostatistics 8(1):118-127. Fortin J-P et al. (2018)
    NeuroImage 167:104-120.

    Examples
    --------
    >>> X = [[1.0, 2.0], [1.2, 2.5], [0.9, 1.9], [3.1, 4.0], [2.9, 4.4], [3.3, 4.1]]
    >>> Xh, model = combat(X, ["A", "A", "A", "B", "B", "B"])
    >>> Xh.shape, model.sites_.tolist()
    ((6, 2), ['A', 'B'])

    Taught in lesson 26.
    """
    model = ComBat(empirical_bayes=empirical_bayes, mean_only=mean_only)
    return model.fit_transform(X, site=site, covariates=covariates), model
