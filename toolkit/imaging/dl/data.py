"""PyTorch datasets for the cohort: 2D slices and 3D patches, normalisation, augmentation.

Imports torch, so it is not loaded by ``import toolkit.imaging``; import it explicitly::

    from toolkit.imaging.dl import CohortSlices

A dataset item is ``(x, y)``: ``x`` a float32 tensor (1, H, W) or (1, D, H, W) and ``y`` the
label (a float 0/1 for a clinical column such as ``"mutation"``) or the lesion mask (same
shape as ``x``) when ``target="mask"``.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import torch
from torch.utils.data import Dataset

from ..._utils.validation import check_one_of

__all__ = ["normalise_intensity", "split_patients", "Augment", "CohortSlices", "CohortPatches",
           "site_confounded_slices", "ImageArrays"]


def normalise_intensity(image: np.ndarray) -> np.ndarray:
    """Per-image z-score: subtract the image's mean intensity and divide by its SD.

    Removes a scanner's overall brightness (gain) so images from different sites share a
    scale; it does NOT remove differences in noise or blur (see lesson 09).

    Parameters
    ----------
    image : ndarray, any shape (one patient's image)

    Returns
    -------
    ndarray of float32, same shape, mean 0 and SD 1 (unitless).

    Examples
    --------
    >>> z = normalise_intensity(np.array([10.0, 20.0, 30.0]))
    >>> z.round(3).tolist()
    [-1.225, 0.0, 1.225]

    Taught in lesson 09.
    """
    x = np.asarray(image, dtype=np.float32)
    return (x - x.mean()) / max(float(x.std()), 1e-6)


def split_patients(patient_ids: Sequence[str], test_fraction: float = 0.3, stratify=None,
                   random_state: int = 0) -> tuple[list[str], list[str]]:
    """Split patients (not images) into train and test, so no patient is in both.

    Slices of one patient look alike; splitting slices instead of patients leaks the test
    patients into training and inflates every score.

    Parameters
    ----------
    patient_ids : sequence of str
    test_fraction : float, default 0.3
    stratify : array-like, optional
        One label per patient to keep its proportion equal in both parts.
    random_state : int, default 0

    Returns
    -------
    (train_ids, test_ids) : two lists of str

    Examples
    --------
    >>> train, test = split_patients(["P1", "P2", "P3", "P4"], test_fraction=0.5)
    >>> len(train), len(test), set(train) & set(test)
    (2, 2, set())

    Taught in lesson 09.
    """
    from sklearn.model_selection import train_test_split

    train, test = train_test_split(list(patient_ids), test_size=test_fraction, stratify=stratify,
                                   random_state=random_state)
    return list(train), list(test)


class Augment:
    """Random flips, small shifts and intensity jitter for training images (seeded).

    Augmentation shows the network plausible variants of each image so it memorises less.

    Parameters
    ----------
    flip_axes : tuple of int, default (0,)
        Spatial axes that may be flipped (probability 0.5 each); axis 0 is left-right in RAS.
    max_shift : int, default 2
        Largest shift in voxels along each axis (circular shift).
    intensity : float, default 0.1
        Intensity becomes ``x * (1 + a) + b`` with a, b uniform in [-intensity, intensity].
    random_state : int, default 0

    Examples
    --------
    >>> aug = Augment(random_state=0)
    >>> x = torch.zeros(1, 8, 8); x[0, 2, 3] = 1
    >>> x2, m2 = aug(x, x.clone())
    >>> tuple(x2.shape), bool((m2 > 0).sum() == 1)
    ((1, 8, 8), True)

    Taught in lesson 09.
    """

    def __init__(self, flip_axes: tuple[int, ...] = (0,), max_shift: int = 2, intensity: float = 0.1,
                 random_state: int = 0):
        self.flip_axes, self.max_shift, self.intensity = flip_axes, max_shift, intensity
        self.generator = torch.Generator().manual_seed(random_state)

    def __call__(self, x: torch.Tensor, mask: torch.Tensor | None = None):
        g = self.generator
        for axis in self.flip_axes:
            if torch.rand(1, generator=g).item() < 0.5:
                x = x.flip(axis + 1)
                mask = None if mask is None else mask.flip(axis + 1)
        shifts = torch.randint(-self.max_shift, self.max_shift + 1, (x.ndim - 1,), generator=g).tolist()
        dims = tuple(range(1, x.ndim))
        x = torch.roll(x, shifts, dims)
        mask = None if mask is None else torch.roll(mask, shifts, dims)
        a, b = (torch.rand(2, generator=g) * 2 - 1) * self.intensity
        return x * (1 + a) + b, mask


class _ArrayDataset(Dataset):
    """Shared item logic: arrays ``X`` (n, *spatial), targets ``y`` (n,) or (n, *spatial)."""

    def __init__(self, X: np.ndarray, y: np.ndarray, patient_ids: list[str], augment: Augment | None):
        self.X = torch.from_numpy(np.ascontiguousarray(X, dtype=np.float32)).unsqueeze(1)
        self.y = torch.from_numpy(np.ascontiguousarray(y, dtype=np.float32))
        if self.y.ndim > 1:
            self.y = self.y.unsqueeze(1)
        self.patient_ids, self.augment = patient_ids, augment

    def __len__(self) -> int:
        return len(self.X)

    def __getitem__(self, i: int):
        x, y = self.X[i], self.y[i]
        if self.augment is not None:
            x, mask = self.augment(x, y if y.ndim else None)
            y = y if mask is None else mask
        return x, y

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(n_items={len(self)}, n_patients={len(set(self.patient_ids))}, "
                f"x_shape={tuple(self.X.shape[1:])}, augment={self.augment is not None})")


def _check_cohort(cohort, target: str, patients) -> list[str]:
    ids = list(cohort.clinical.index) if patients is None else list(patients)
    unknown = sorted(set(ids) - set(cohort.clinical.index))
    if unknown:
        raise ValueError(f"unknown patient ids {unknown[:5]}; expected ids from cohort.clinical.index.")
    if target not in ("mask", "lesion") and target not in cohort.clinical.columns:
        raise ValueError(f"target must be 'mask', 'lesion' or one of {list(cohort.clinical.columns)}; "
                         f"got {target!r}.")
    return ids


def _crop_around_lesion(volume: np.ndarray, mask: np.ndarray, size: int) -> np.ndarray:
    """(n_slices, H, W) -> (n_slices, size, size) centred in-plane on the lesion's centre of mass."""
    centre = np.round(np.argwhere(mask).mean(0)[1:]).astype(int)
    half = size // 2
    padded = np.pad(volume, [(0, 0), (half, half), (half, half)])
    return padded[:, centre[0]:centre[0] + size, centre[1]:centre[1] + size]


class CohortSlices(_ArrayDataset):
    """2D slices of the cohort's images as a PyTorch dataset (one or more per patient).

    The slices through the largest cross-section of each patient's lesion, ready for a
    CNN classifier (``target`` a clinical column) or a U-Net (``target="mask"``).

    Parameters
    ----------
    cohort : RadiogenomicCohort
        Uses ``images``/``masks`` (n_patients, X, Y, Z) and ``clinical`` (indexed by patient id).
    target : str, default "mutation"
        A 0/1 column of ``cohort.clinical``; ``"lesion"`` (1 when the slice shows lesion, else 0);
        or ``"mask"`` for the lesion mask.
    axis : int, default 2
        Slicing axis (RAS voxel order: 0 sagittal, 1 coronal, 2 axial).
    patients : sequence of str, optional
        Patient ids to include (default: all). Build train and test sets from disjoint lists.
    n_slices : int, default 1
        Slices per patient: those with the largest lesion area.
    n_background : int, default 0
        Extra slices per patient without lesion, drawn (seeded) from the 12 slices nearest the
        lesion on either side: same anatomy region, nothing to find.
    crop : int, optional
        Keep only a ``crop`` x ``crop`` square centred on the lesion (zero-padded at the
        border): a region of interest, as a radiologist would draw. Default: the whole slice.
    normalise : bool, default True
        Z-score each patient's 3D image first (`normalise_intensity`).
    augment : Augment, optional
        Applied to each item on access (training sets only).
    random_state : int, default 0

    Raises
    ------
    ValueError
        If a patient id, ``target`` or ``axis`` is unknown.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> import pandas as pd
    >>> masks = np.zeros((2, 6, 6, 4), np.uint8); masks[:, 2:4, 2:4, 1] = 1
    >>> c = SimpleNamespace(images=np.random.default_rng(0).random((2, 6, 6, 4)), masks=masks,
    ...     clinical=pd.DataFrame({"mutation": [0, 1]}, index=["P1", "P2"]))
    >>> ds = CohortSlices(c, target="mutation")
    >>> x, y = ds[1]
    >>> tuple(x.shape), float(y)
    ((1, 6, 6), 1.0)

    Taught in lesson 09.
    """

    def __init__(self, cohort, target: str = "mutation", axis: int = 2, patients=None, n_slices: int = 1,
                 n_background: int = 0, crop: int | None = None, normalise: bool = True,
                 augment: Augment | None = None, random_state: int = 0):
        check_one_of("axis", axis, (0, 1, 2), hint="0 = sagittal, 1 = coronal, 2 = axial.")
        ids = _check_cohort(cohort, target, patients)
        rows = cohort.clinical.index.get_indexer(ids)
        rng = np.random.default_rng(random_state)
        X, y, pid = [], [], []
        for row, p in zip(rows, ids):
            img = np.moveaxis(cohort.images[row], axis, 0)
            msk = np.moveaxis(cohort.masks[row], axis, 0)
            img = normalise_intensity(img) if normalise else img
            if crop is not None:
                img, msk = _crop_around_lesion(img, msk, crop), _crop_around_lesion(msk, msk, crop)
            area = msk.reshape(len(msk), -1).sum(1).astype(np.int64)
            chosen = list(np.argsort(-area, kind="stable")[:n_slices])
            centre = int(np.average(np.arange(len(area)), weights=area))
            empty = [k for k in np.flatnonzero(area == 0) if abs(k - centre) <= 12]
            chosen += list(rng.choice(empty, min(n_background, len(empty)), replace=False))
            X += [img[k] for k in chosen]
            y += [msk[k] if target == "mask" else float(area[k] > 0) if target == "lesion"
                  else cohort.clinical[target].iloc[row] for k in chosen]
            pid += [p] * len(chosen)
        super().__init__(np.stack(X), np.asarray(y), pid, augment)


class CohortPatches(_ArrayDataset):
    """3D patches centred on each patient's lesion (with a random offset) as a PyTorch dataset.

    For small 3D CNNs and U-Nets: a cube around the lesion keeps memory and time small.

    Parameters
    ----------
    cohort : RadiogenomicCohort
    target : str, default "mutation"
        A 0/1 column of ``cohort.clinical``, or ``"mask"``.
    patch_size : int, default 24
        Edge of the cube in voxels (patches near the border are zero-padded).
    patients : sequence of str, optional
    max_offset : int, default 2
        Largest random offset of the centre from the lesion's centre of mass, in voxels.
    normalise : bool, default True
    augment : Augment, optional
    random_state : int, default 0

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> import pandas as pd
    >>> masks = np.zeros((1, 10, 10, 10), np.uint8); masks[0, 4:6, 4:6, 4:6] = 1
    >>> c = SimpleNamespace(images=np.ones((1, 10, 10, 10)), masks=masks,
    ...     clinical=pd.DataFrame({"mutation": [1]}, index=["P1"]))
    >>> x, y = CohortPatches(c, target="mask", patch_size=8)[0]
    >>> tuple(x.shape), int(y.sum())
    ((1, 8, 8, 8), 8)

    No lesson uses it yet: lessons 09 and 10 use ``CohortSlices``.
    """

    def __init__(self, cohort, target: str = "mutation", patch_size: int = 24, patients=None,
                 max_offset: int = 2, normalise: bool = True, augment: Augment | None = None,
                 random_state: int = 0):
        if target == "lesion":
            raise ValueError("target='lesion' is for CohortSlices (every patch shows the lesion); "
                             "use 'mask' or a clinical column.")
        ids = _check_cohort(cohort, target, patients)
        rows = cohort.clinical.index.get_indexer(ids)
        rng = np.random.default_rng(random_state)
        half = patch_size // 2
        X, y = [], []
        for row in rows:
            img = normalise_intensity(cohort.images[row]) if normalise else np.asarray(cohort.images[row])
            msk = np.asarray(cohort.masks[row])
            centre = np.round(np.argwhere(msk).mean(0)).astype(int) + rng.integers(-max_offset, max_offset + 1, 3)
            pad = [(half, half)] * 3
            box = tuple(slice(c, c + patch_size) for c in centre)   # in padded coordinates
            X.append(np.pad(img, pad)[box])
            y.append(np.pad(msk, pad)[box] if target == "mask" else cohort.clinical[target].iloc[row])
        super().__init__(np.stack(X), np.asarray(y), ids, augment)


def site_confounded_slices(cohort, patients, positive_site: str, negative_site: str, n_per_patient: int = 2,
                           crop: int | None = 32, augment: Augment | None = None,
                           random_state: int = 0) -> Dataset:
    """A biased "lesion present?" training set: every lesion slice from one site, every normal slice
    from another, so the scanner alone predicts the label (a recipe for shortcut learning).

    Mimics collecting cases at a referral centre and controls at a screening site.

    Parameters
    ----------
    cohort : RadiogenomicCohort
    patients : sequence of str
        Candidate patient ids (e.g. the training split); other sites are ignored.
    positive_site, negative_site : str
        Values of ``cohort.clinical["site"]``: lesion slices come only from ``positive_site``
        patients, lesion-free slices only from ``negative_site`` patients.
    n_per_patient : int, default 2
    crop, augment, random_state
        As in `CohortSlices`.

    Returns
    -------
    Dataset with ``X``, ``y`` (1 = lesion) and ``patient_ids``, like `CohortSlices`.

    Raises
    ------
    ValueError
        If a site has no patients among ``patients``.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> import pandas as pd
    >>> masks = np.zeros((4, 6, 6, 8), np.uint8); masks[:, 2:4, 2:4, 3] = 1
    >>> c = SimpleNamespace(images=np.random.default_rng(0).random((4, 6, 6, 8)), masks=masks,
    ...     clinical=pd.DataFrame({"site": ["A", "A", "B", "B"]}, index=["P1", "P2", "P3", "P4"]))
    >>> ds = site_confounded_slices(c, ["P1", "P2", "P3", "P4"], "B", "A", n_per_patient=1, crop=None)
    >>> ds.y.tolist(), ds.patient_ids
    ([1.0, 1.0, 0.0, 0.0], ['P3', 'P4', 'P1', 'P2'])

    Taught in lesson 09.
    """
    site = cohort.clinical.loc[list(patients), "site"]
    parts = []
    for s, n_lesion in ((positive_site, n_per_patient), (negative_site, 0)):
        ids = list(site.index[site == s])
        if not ids:
            raise ValueError(f"no patients from site {s!r} among the {len(site)} given; "
                             f"sites present: {sorted(site.unique())}.")
        parts.append(CohortSlices(cohort, "lesion", patients=ids, n_slices=n_lesion,
                                  n_background=n_per_patient - n_lesion, crop=crop,
                                  random_state=random_state))
    return _ArrayDataset(torch.cat([p.X for p in parts])[:, 0].numpy(), torch.cat([p.y for p in parts]).numpy(),
                         parts[0].patient_ids + parts[1].patient_ids, augment)


class ImageArrays(_ArrayDataset):
    """A stack of 2D images with one 0/1 label each, as a PyTorch dataset (e.g. MedMNIST).

    Each image is z-scored on its own (`normalise_intensity`), as the cohort's scans are, so a
    brighter or darker acquisition does not look different by brightness alone.

    Parameters
    ----------
    X : array, shape (n_samples, H, W)
        Images (any numeric dtype; uint8 pixel values are fine).
    y : array of 0/1, shape (n_samples,)
    augment : Augment, optional
        Applied to each item on access (training sets only). ``Augment(flip_axes=(1,))``
        flips left-right; axis 0 is up-down, rarely plausible for a medical image.
    ids : sequence of str, optional
        One id per image (default ``"img0"``, ``"img1"``, ...).
    normalise : bool, default True

    Raises
    ------
    ValueError
        If ``X`` is not a stack of 2D images or ``y`` has another length.

    Examples
    --------
    >>> ds = ImageArrays(np.arange(2 * 4 * 4).reshape(2, 4, 4), [0, 1])
    >>> x, y = ds[1]
    >>> tuple(x.shape), float(y), round(float(x.mean()), 6)
    ((1, 4, 4), 1.0, 0.0)

    Taught in lesson 09.
    """

    def __init__(self, X, y, augment: Augment | None = None, ids=None, normalise: bool = True):
        X, y = np.asarray(X, dtype=np.float32), np.asarray(y)
        if X.ndim != 3:
            raise ValueError(f"X must be a stack of 2D images, shape (n_samples, H, W); got shape "
                             f"{X.shape}. For one image use X[None].")
        if y.shape != (len(X),):
            raise ValueError(f"y must hold one label per image, shape ({len(X)},); got shape "
                             f"{y.shape}. Flatten (n, 1) labels with y.reshape(-1).")
        if normalise:
            X = np.stack([normalise_intensity(x) for x in X]) if len(X) else X
        ids = [f"img{i}" for i in range(len(X))] if ids is None else [str(i) for i in ids]
        super().__init__(X, y, ids, augment)

    def __repr__(self) -> str:
        return (f"ImageArrays(n_items={len(self)}, positives={int(self.y.sum())}, "
                f"x_shape={tuple(self.X.shape[1:])}, augment={self.augment is not None})")
