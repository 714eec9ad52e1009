"""Federated averaging (FedAvg): train one model across hospitals without pooling their data.

Each site trains the shared model on its own patients for a few epochs; only the model
weights travel to a server, which averages them weighted by site size (McMahan et al. 2017).
The model here is logistic regression in plain numpy, so every step can be read.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from .._utils.validation import check_one_of

__all__ = ["split_sites", "fedavg", "train_logistic", "predict_proba", "compare_federated"]

SPLITS = ("iid", "non_iid")


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def predict_proba(weights: np.ndarray, X) -> np.ndarray:
    """Predicted probability of the positive class; ``weights[0]`` is the intercept.

    Examples
    --------
    >>> predict_proba(np.array([0.0, 1.0]), [[0.0], [2.0]]).round(2).tolist()
    [0.5, 0.88]

    Taught in lesson 17.
    """
    X = np.asarray(X, dtype=float)
    return _sigmoid(weights[0] + X @ weights[1:])


def train_logistic(X, y, weights: np.ndarray | None = None, epochs: int = 1, lr: float = 0.1,
                   batch_size: int = 16, random_state: int | None = 0) -> np.ndarray:
    """Logistic regression by mini-batch stochastic gradient descent (one site's local training).

    Parameters
    ----------
    X : array, shape (n_samples, n_features)
        Standardised features.
    y : array of 0/1, shape (n_samples,)
    weights : array, shape (n_features + 1,), optional
        Starting weights (intercept first); zeros by default.
    epochs : int, default 1
        Passes over the data.
    lr : float, default 0.1
        Learning rate (step size).
    batch_size : int, default 16
    random_state : int or None, default 0
        Seed for the order of the mini-batches (None: fresh randomness).

    Returns
    -------
    ndarray, shape (n_features + 1,)

    Examples
    --------
    >>> w = train_logistic([[-1.0], [1.0]] * 10, [0, 1] * 10, epochs=20)
    >>> bool(w[1] > 1)
    True

    Taught in lesson 17.
    """
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    w = np.zeros(X.shape[1] + 1) if weights is None else np.array(weights, dtype=float)
    rng = np.random.default_rng(random_state)
    for _ in range(epochs):
        order = rng.permutation(len(y))
        for start in range(0, len(y), batch_size):
            b = order[start:start + batch_size]
            error = predict_proba(w, X[b]) - y[b]  # gradient of the log-loss
            w[0] -= lr * error.mean()
            w[1:] -= lr * X[b].T @ error / len(b)
    return w


def fedavg(site_datasets: Sequence[tuple], rounds: int = 20, local_epochs: int = 1,
           lr: float = 0.1, random_state: int | None = 0) -> np.ndarray:
    """Federated averaging of logistic-regression weights across sites.

    Parameters
    ----------
    site_datasets : list of (X, y)
        One (features, labels) pair per site; the data never leave the site.
    rounds : int, default 20
        Communication rounds (server sends weights, sites train, server averages).
    local_epochs : int, default 1
        Epochs each site trains per round; more epochs let sites drift apart.
    lr : float, default 0.1
    random_state : int or None, default 0
        The same integer gives the same weights; None gives fresh randomness.

    Returns
    -------
    ndarray, shape (n_features + 1,)
        The global model's weights (intercept first).

    Raises
    ------
    ValueError
        No sites, an empty site, or sites with different numbers of features.

    Notes
    -----
    McMahan et al. (2017) AISTATS, Algorithm 1 with every site taking part in every round:
    w <- sum_k (n_k / n) * LocalSGD_k(w).

    Examples
    --------
    >>> sites = [([[-1.0], [1.0]] * 5, [0, 1] * 5), ([[-2.0], [2.0]] * 5, [0, 1] * 5)]
    >>> bool(fedavg(sites, rounds=5)[1] > 0)
    True

    Taught in lesson 17.
    """
    if not site_datasets:
        raise ValueError("site_datasets must hold at least one (X, y) pair; got none")
    sizes = np.array([len(y) for _, y in site_datasets], dtype=float)
    if sizes.min() < 1:
        raise ValueError(f"every site needs at least one patient; found sizes {sizes.astype(int).tolist()}")
    n_features = {np.asarray(X).shape[1] for X, _ in site_datasets}
    if len(n_features) != 1:
        raise ValueError(f"expected the same features at every site; found {sorted(n_features)} columns")
    w = np.zeros(n_features.pop() + 1)
    seed = np.random.default_rng().integers(2**31) if random_state is None else random_state
    for r in range(rounds):
        local = [train_logistic(X, y, w, local_epochs, lr, random_state=seed * 100_003 + r * 101 + k)
                 for k, (X, y) in enumerate(site_datasets)]
        w = np.average(local, axis=0, weights=sizes)
    return w


def split_sites(X, y, n_sites: int = 3, split: str = "iid", alpha: float = 0.3,
                random_state: int | None = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """Share patients among simulated hospitals, at random (IID) or with skewed case mixes.

    Parameters
    ----------
    X : array, shape (n_samples, n_features)
    y : array of 0/1, shape (n_samples,)
    n_sites : int, default 3
    split : {"iid", "non_iid"} or array of site labels, default "iid"
        ``"iid"``: every site a random sample of equal size. ``"non_iid"``: each class is
        spread over sites by Dirichlet(alpha) proportions, so one site sees mostly cases and
        another mostly controls (label skew; Hsu et al. 2019). An array (one label per
        patient, e.g. the cohort's ``site`` column) uses the real sites; ``n_sites`` is ignored.
    alpha : float, default 0.3
        Dirichlet concentration for ``"non_iid"``; smaller = more skewed.
    random_state : int or None, default 0
        The same integer gives the same split; None gives fresh randomness.

    Returns
    -------
    list of (X, y)

    Examples
    --------
    >>> sites = split_sites(np.zeros((90, 2)), np.r_[np.zeros(45), np.ones(45)], split="non_iid")
    >>> len(sites), sum(len(s[1]) for s in sites)
    (3, 90)

    Taught in lesson 17.
    """
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    if not isinstance(split, str):  # the sites patients really came from
        labels = np.asarray(split)
        if labels.shape != y.shape:
            raise ValueError(f"expected one site label per patient ({len(y)}); found {labels.shape}")
        return [(X[labels == s], y[labels == s]) for s in np.unique(labels)]
    check_one_of("split", split, SPLITS, hint="Or pass an array of site labels, one per patient.")
    rng = np.random.default_rng(random_state)
    if split == "iid":
        site_of = rng.permutation(np.arange(len(y)) % n_sites)
    else:
        for _ in range(100):  # redraw until every site has at least 10 patients
            site_of = np.empty(len(y), dtype=int)
            for label in np.unique(y):
                idx = rng.permutation(np.flatnonzero(y == label))
                cuts = (np.cumsum(rng.dirichlet([alpha] * n_sites))[:-1] * len(idx)).astype(int)
                for k, part in enumerate(np.split(idx, cuts)):
                    site_of[part] = k
            if np.bincount(site_of, minlength=n_sites).min() >= 10:
                break
    return [(X[site_of == k], y[site_of == k]) for k in range(n_sites)]


def compare_federated(X, y, n_sites: int = 3, split: str = "iid", rounds: int = 20,
                      local_epochs: int = 1, lr: float = 0.1, test_size: float = 0.3,
                      alpha: float = 0.3, random_state: int | None = 0) -> pd.DataFrame:
    """Test-set AUC of centralised, federated (FedAvg) and single-site training on the same split.

    A held-out test set (stratified, ``test_size``) is set aside first; the rest is shared
    among ``n_sites`` sites by `split_sites` (``split`` as there: "iid", "non_iid" or one
    site label per patient). The test set pools all sites. Features are standardised with the training
    mean and SD (in a real federation these come from summed site statistics).
    ``random_state`` (int or None) seeds the split, the sites and every model: the same
    integer gives the same table.

    Returns
    -------
    DataFrame
        One row per approach (``centralised``, ``fedavg``, ``site_1`` ... ``site_K``), columns
        ``approach``, ``auc``, ``n_train`` (patients the model learnt from) and ``split``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(300, 3)); y = (X[:, 0] + rng.normal(size=300) > 0).astype(int)
    >>> table = compare_federated(X, y, rounds=5)
    >>> table["approach"].tolist()
    ['centralised', 'fedavg', 'site_1', 'site_2', 'site_3']

    Taught in lesson 17.
    """
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import train_test_split

    X, y = np.asarray(X, dtype=float), np.asarray(y).astype(int)
    by_site = not isinstance(split, str)
    labels = np.asarray(split) if by_site else np.zeros(len(y))
    X_tr, X_te, y_tr, y_te, l_tr, _ = train_test_split(X, y, labels, test_size=test_size,
                                                       stratify=y, random_state=random_state)
    mean, sd = X_tr.mean(axis=0), X_tr.std(axis=0) + 1e-12
    X_tr, X_te = (X_tr - mean) / sd, (X_te - mean) / sd
    sites = split_sites(X_tr, y_tr, n_sites, l_tr if by_site else split, alpha,
                        random_state=random_state)
    names = [str(s) for s in np.unique(l_tr)] if by_site else [f"site_{k}" for k in range(1, n_sites + 1)]
    epochs = rounds * local_epochs  # every approach sees each patient equally often
    models = {"centralised": (train_logistic(X_tr, y_tr, None, epochs, lr, random_state=random_state),
                              len(y_tr)),
              "fedavg": (fedavg(sites, rounds, local_epochs, lr, random_state), len(y_tr))}
    for name, (Xk, yk) in zip(names, sites):
        models[name] = (train_logistic(Xk, yk, None, epochs, lr, random_state=random_state), len(yk))
    return pd.DataFrame([{"approach": name, "auc": float(roc_auc_score(y_te, predict_proba(w, X_te))),
                          "n_train": n, "split": "by_site" if by_site else split}
                         for name, (w, n) in models.items()])
