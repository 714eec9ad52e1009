"""Real CT patches with expert tumour masks for lesson 10: MSD Task06 Lung, shipped offline.

``data/msd_lung_patches.npz`` holds 260 two-dimensional 48 x 48 patches (2 mm pixels) of 26 lung
cancer CT scans of the Medical Segmentation Decathlon, with the experts' tumour masks, as
published under CC BY-SA 4.0 by a public copy (card ``datasets/msd_lung_patches.md``).
"""
from __future__ import annotations

import numpy as np

from .real_imaging import _DATA, _bunch, _missing
from .registry import card

__all__ = ["load_msd_lung_patches", "MSD_LUNG_PATCHES_SHA256"]

MSD_LUNG_PATCHES_SHA256 = "b091c91afd02fdbb490a76f6b47e9e5dfcacef730336a2dac66488147c772b02"
_KEYS = ("train_images", "train_masks", "test_images", "test_masks", "train_patients", "test_patients")


def load_msd_lung_patches(verify: bool = False):
    """CT patches of 26 lung cancer patients with expert tumour masks (MSD Task06 Lung, real data).

    ========================  =====================================================
    Patches                   260 (130 train, 130 test), 48 x 48 pixels of 2 mm
    Patients                  13 train, 13 test, none in both (the copy's split)
    Images                    float32 in [0, 1] (CT intensities rescaled by the copy)
    Masks                     uint8, 1 = tumour (expert outline), 0 = background
    ========================  =====================================================

    Which patient each patch comes from is not recorded in the source copy: only which
    *set* of 13 patients. Cite Antonelli et al. (2022) and Simpson et al. (2019); see the card.

    Parameters
    ----------
    verify : bool, default False
        Also check the file's SHA-256 against ``MSD_LUNG_PATCHES_SHA256``.

    Returns
    -------
    Bunch
        ``train_images``, ``test_images`` (n, 48, 48) float32; ``train_masks``,
        ``test_masks`` (n, 48, 48) uint8; ``train_patients``, ``test_patients`` (case ids,
        e.g. ``"lung_018"``); ``spacing_mm`` (2.0, 2.0); ``description`` (the data card).

    Raises
    ------
    FileNotFoundError
        If the shipped file is missing (reinstall the toolkit).
    ValueError
        If ``verify`` and the file's checksum differs.

    Examples
    --------
    >>> lung = load_msd_lung_patches()
    >>> lung.train_images.shape, lung.test_masks.dtype, len(lung.test_patients)
    ((130, 48, 48), dtype('uint8'), 13)

    Taught in lesson 10.
    """
    path = _DATA / "msd_lung_patches.npz"
    if not path.is_file():
        raise _missing(path)
    if verify:
        import pooch

        digest = pooch.file_hash(str(path), alg="sha256")
        if digest != MSD_LUNG_PATCHES_SHA256:
            raise ValueError(f"{path}: sha256 {digest}, expected {MSD_LUNG_PATCHES_SHA256}; the file "
                             "was changed or truncated: reinstall the toolkit")
    with np.load(path) as npz:
        arrays = {k: npz[k] for k in _KEYS}
    arrays["train_patients"] = [str(p) for p in arrays["train_patients"]]
    arrays["test_patients"] = [str(p) for p in arrays["test_patients"]]
    return _bunch(**arrays, spacing_mm=(2.0, 2.0), description=card("msd_lung_patches"))
