"""Load the course datasets: real data shipped inside installed packages, or already downloaded.

``load_*`` never uses the network: download-only datasets must be fetched first
(:func:`toolkit.datasets.fetch`) or loaded with ``download=True``. Tables come back as a
scikit-learn ``Bunch`` (``data``, ``target``, ``frame``, ``feature_names``, ``description``).
"""
from __future__ import annotations

import importlib
import os
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pandas as pd

from .._utils.validation import check_one_of
from .downloads import locate
from .registry import card, get_entry

__all__ = ["load", "load_gse7390", "load_wdbc", "load_dicom_examples", "load_mni152",
           "load_thousand_genomes_chr22", "load_thousand_genomes_regions", "load_clinvar",
           "load_clinvar_missense", "load_alphamissense_brca1", "CLINVAR_MISSENSE_GENES",
           "load_medmnist", "load_nsclc_radiogenomics", "load_pneumoniamnist", "load_breastmnist",
           "load_dermamnist", "load_pathmnist", "DICOM_EXAMPLES"]

DICOM_EXAMPLES = MappingProxyType({  # short name -> file in pydicom's wheel (data/test_files)
    "ct": "CT_small.dcm", "mr": "MR_small.dcm", "seg_liver": "liver_1frame.dcm",
    "rt_struct": "rtstruct.dcm", "rt_dose": "rtdose.dcm", "rt_plan": "rtplan.dcm",
    "us_rgb": "examples_rgb_color.dcm", "mr_overlay": "examples_overlay.dcm",
    "ecg": "waveform_ecg.dcm",
})


def _bunch(**kwargs):
    from sklearn.utils import Bunch

    return Bunch(**kwargs)


def load(name: str, **kwargs):
    """Load dataset ``name`` with its own loader (``load_<name>``, or ``make_*`` if SYNTHETIC).

    Parameters
    ----------
    name : str
        A name from :func:`list_datasets`; a typo gets a "did you mean" suggestion.
    **kwargs
        Passed to the loader, e.g. ``return_X_y=True`` or ``resolution_mm=2``.

    Examples
    --------
    >>> load("wdbc").data.shape
    (569, 30)

    Used by exercise 09; the lessons call the ``load_*`` functions themselves.
    """
    entry = get_entry(name)
    module, function = entry.loader.split(":")
    loader = getattr(importlib.import_module(module), function)
    if function == "load_medmnist":
        return loader(name, **kwargs)
    return loader(**kwargs)


def load_gse7390(return_X_y: bool = False):
    """Breast cancer gene expression (76 genes) and time to distant metastasis (GSE7390).

    ==================  ==========================================================
    Patients            198 (node-negative, untreated; TRANSBIG validation series)
    Features            76 genes (log2 expression, Affymetrix probe ids) + age_years,
                        er, grade, tumour_size_cm
    Target              metastasis (bool, 51 events) and time_to_metastasis_days
    ==================  ==========================================================

    Real data (Desmedt et al. 2007, Clin Cancer Res 13:3207), shipped with scikit-survival.

    Parameters
    ----------
    return_X_y : bool, default False
        Return ``(data, target)`` instead of the Bunch.

    Examples
    --------
    >>> b = load_gse7390()
    >>> b.data.shape, int(b.target["metastasis"].sum())
    ((198, 80), 51)

    No lesson calls it yet: lesson 05 reads the same GSE7390 data with scikit-survival's
    ``load_breast_cancer``.
    """
    from sksurv.datasets import load_breast_cancer

    X, y = load_breast_cancer()
    X = X.rename(columns={"age": "age_years", "size": "tumour_size_cm"})
    target = pd.DataFrame({"metastasis": y["e.tdm"].astype(bool),
                           "time_to_metastasis_days": y["t.tdm"].astype(float)}, index=X.index)
    if return_X_y:
        return X, target
    return _bunch(data=X, target=target, frame=pd.concat([X, target], axis=1),
                  feature_names=list(X.columns), description=card("gse7390"))


def load_wdbc(as_frame: bool = True, return_X_y: bool = False):
    """Wisconsin Diagnostic Breast Cancer: 30 nuclear features from fine-needle aspirates.

    ==================  ==========================================
    Samples             569 (212 malignant, 357 benign)
    Features            30 (mean, SE and worst of 10 nuclear features)
    Target              0 = malignant, 1 = benign (scikit-learn's coding)
    ==================  ==========================================

    Real data (Street, Wolberg & Mangasarian 1993), shipped with scikit-learn.

    Examples
    --------
    >>> X, y = load_wdbc(return_X_y=True)
    >>> X.shape, int((y == 0).sum())
    ((569, 30), 212)

    No lesson calls it yet: lesson 11 reads the same WDBC data with scikit-learn's
    ``load_breast_cancer``.
    """
    from sklearn.datasets import load_breast_cancer

    bunch = load_breast_cancer(as_frame=as_frame)
    if return_X_y:
        return bunch.data, bunch.target
    return _bunch(data=bunch.data, target=bunch.target, frame=bunch.frame,
                  feature_names=list(bunch.feature_names), target_names=list(bunch.target_names),
                  description=card("wdbc"))


def load_dicom_examples(read: bool = False):
    """Real DICOM files shipped with pydicom: CT, MR, segmentation, RT, ultrasound, ECG.

    Parameters
    ----------
    read : bool, default False
        If True, ``files`` maps each name to a ``pydicom.Dataset`` instead of a path.

    Returns
    -------
    Bunch
        ``files`` (short name -> path or Dataset, see ``DICOM_EXAMPLES``) and ``description``.

    Examples
    --------
    >>> ex = load_dicom_examples(read=True)
    >>> ex.files["ct"].Modality, ex.files["ct"].Rows
    ('CT', 128)

    No lesson calls it yet: lesson 07 opens pydicom's test files with ``get_testdata_file``.
    """
    import pydicom
    from pydicom.data import get_testdata_file

    files = {}
    for short, filename in DICOM_EXAMPLES.items():
        path = get_testdata_file(filename, download=False)
        if path is None:
            raise FileNotFoundError(f"{filename} is missing from pydicom's package data; reinstall "
                                    "pydicom>=3.0 (pip install --force-reinstall pydicom)")
        # rtstruct.dcm has no File Meta header (a legacy, non-conformant file): force=True
        files[short] = pydicom.dcmread(path, force=short == "rt_struct") if read else path
    return _bunch(files=files, description=card("dicom_examples"))


def load_mni152(resolution_mm: int = 2):
    """The MNI152 (ICBM 2009a) T1 brain template and brain, grey- and white-matter masks.

    Parameters
    ----------
    resolution_mm : int, default 2
        Isotropic voxel size in mm (1 is the native template: 197 x 233 x 189 voxels).

    Returns
    -------
    Bunch
        ``template``, ``brain_mask``, ``gm_mask``, ``wm_mask`` (nibabel images in MNI space,
        RAS+ mm) and ``description``.

    Examples
    --------
    >>> mni = load_mni152(resolution_mm=2)
    >>> mni.template.shape
    (99, 117, 95)

    Taught in lesson 15.
    """
    from nilearn import datasets as nd

    return _bunch(template=nd.load_mni152_template(resolution=resolution_mm),
                  brain_mask=nd.load_mni152_brain_mask(resolution=resolution_mm),
                  gm_mask=nd.load_mni152_gm_mask(resolution=resolution_mm),
                  wm_mask=nd.load_mni152_wm_mask(resolution=resolution_mm),
                  description=card("mni152"))


def load_thousand_genomes_chr22(data_dir: str | os.PathLike | None = None,
                                download: bool = False):
    """1000 Genomes phase 3 chromosome 22: VCF path and the 2,504-person sample panel.

    Returns a Bunch with ``vcf`` (path; read a region with the genomics tools),
    ``panel`` (DataFrame: sample, pop, super_pop, gender) and ``description``.

    Examples
    --------
    >>> kg = load_thousand_genomes_chr22(download=True)  # doctest: +SKIP

    No lesson calls it yet: lessons 01-03 use ``load_thousand_genomes_regions``.
    """
    paths = locate("thousand_genomes_chr22", data_dir, download)
    vcf = next(p for n, p in paths.items() if n.endswith(".vcf.gz"))
    panel_path = next(p for n, p in paths.items() if n.endswith(".panel"))
    panel = pd.read_csv(panel_path, sep="\t", usecols=range(4))
    return _bunch(vcf=vcf, panel=panel, description=card("thousand_genomes_chr22"))


THOUSAND_GENOMES_SHA256 = MappingProxyType({  # of the shipped files; see the data card
    "thousand_genomes_regions.vcf.gz":
        "40e48228b3547ec5ee18b6f070bb7cf2bec4436d054cb9745ac2e0e7d2f239f8",
    "thousand_genomes_panel.txt": "b4023dc6ee2d62ee89c8d4d347db4d348e65518d66d346574cdae7a4bbd76858",
})


def load_thousand_genomes_regions(read: bool = True, verify: bool = False):
    """Real genotypes of all 2,504 people of 1000 Genomes phase 3 in 20 regions (shipped, offline).

    Real human genomes for QC, PCA and HWE next to the simulated ones: 6,270 common biallelic
    SNPs (every 8th SNP with MAF >= 0.05 in 20 regions of 1 Mb on 14 autosomes, GRCh37, plus
    the APOE SNPs rs429358 and rs7412).

    =================  ==========================================================
    Samples            2,504 (AFR 661, AMR 347, EAS 504, EUR 503, SAS 489)
    Variants           6,270 biallelic SNPs, no missing calls (imputed, phased)
    Sample columns     ``population`` (26 codes), ``superpopulation``, ``sex``
    =================  ==========================================================

    Parameters
    ----------
    read : bool, default True
        Read the VCF into ``genotypes`` (about 1 s); False returns only paths and the panel.
    verify : bool, default False
        Compare both files' SHA-256 with the data card's first.

    Returns
    -------
    Bunch
        ``genotypes`` (`toolkit.genomics.Genotypes` with ``sample_info``; None if not read),
        ``panel`` (DataFrame: sample, pop, super_pop, gender), ``vcf`` (path) and
        ``description`` (the data card). Cite: The 1000 Genomes Project Consortium (2015)
        Nature 526:68-74 (card ``thousand_genomes_regions``).

    Raises
    ------
    ValueError
        ``verify=True`` and a file's SHA-256 differs from the card's.

    Examples
    --------
    >>> kg = load_thousand_genomes_regions(read=False)
    >>> kg.panel["super_pop"].value_counts().sort_index().to_dict()
    {'AFR': 661, 'AMR': 347, 'EAS': 504, 'EUR': 503, 'SAS': 489}

    Taught in lessons 01, 02 and 03.
    """
    import pooch

    paths = {name: _shipped_file(name) for name in THOUSAND_GENOMES_SHA256}
    for name, path in paths.items():
        if verify and (digest := pooch.file_hash(str(path), alg="sha256")) != THOUSAND_GENOMES_SHA256[name]:
            raise ValueError(f"{path} has SHA-256 {digest}; expected {THOUSAND_GENOMES_SHA256[name]} "
                             "(datasets/thousand_genomes_regions.md): the file is damaged or was "
                             "changed. Reinstall the toolkit (pip install -e .).")
    panel = pd.read_csv(paths["thousand_genomes_panel.txt"], sep="\t", usecols=range(4))
    genotypes = None
    if read:
        from ..genomics import read_vcf

        genotypes = read_vcf(paths["thousand_genomes_regions.vcf.gz"])
        info = panel.set_index("sample").loc[genotypes.samples]
        genotypes.sample_info = pd.DataFrame(
            {"population": info["pop"], "superpopulation": info["super_pop"],
             "sex": info["gender"]}, index=pd.Index(genotypes.samples, name="sample"))
    return _bunch(genotypes=genotypes, panel=panel, vcf=paths["thousand_genomes_regions.vcf.gz"],
                  description=card("thousand_genomes_regions"))


def load_clinvar(data_dir: str | os.PathLike | None = None, download: bool = False):
    """The pinned ClinVar GRCh38 VCF (release 2024-01-07): a Bunch with ``vcf`` (path).

    Examples
    --------
    >>> cv = load_clinvar(download=True)  # doctest: +SKIP

    No lesson calls it yet: lesson 04 uses the smaller ``load_clinvar_missense``.
    """
    paths = locate("clinvar", data_dir, download)
    return _bunch(vcf=next(iter(paths.values())), description=card("clinvar"))


CLINVAR_MISSENSE_GENES = ("APC", "BRCA1", "BRCA2", "TP53")


def load_clinvar_missense(genes=None, min_stars: int = 0):
    """Real ClinVar labels of missense SNVs in APC, BRCA1, BRCA2 and TP53 (shipped, offline).

    Pathogenic/likely pathogenic (``label`` 1) and benign/likely benign (``label`` 0) germline
    classifications, with the review status behind each: the real counterpart of the synthetic
    variant table, for label imbalance and the review-star effect.

    =================  ==========================================================
    Variants           1,680 (APC 98, BRCA1 523, BRCA2 674, TP53 385); 565 labelled 1
    Columns            gene, chrom, pos_grch38, ref, alt, variation_id,
                       clinical_significance, review_status, stars (0-3), label
    Release            ClinVar GRCh38 VCF with fileDate 2026-02-26
    =================  ==========================================================

    Parameters
    ----------
    genes : str or sequence of str, optional
        Keep these genes only (from ``CLINVAR_MISSENSE_GENES``); default all four.
    min_stars : int, default 0
        Keep variants whose review status has at least this many stars (0-4).

    Returns
    -------
    Bunch
        ``frame`` (DataFrame, one row per variant), ``target`` (the ``label`` Series) and
        ``description`` (the data card ``clinvar_missense``). Cite Landrum et al. 2018 (NAR
        46:D1062) and the release.

    Raises
    ------
    ValueError
        An unknown gene or ``min_stars`` outside 0-4.

    Examples
    --------
    >>> cv = load_clinvar_missense(genes="TP53", min_stars=3)
    >>> cv.frame["review_status"].unique().tolist()
    ['reviewed by expert panel']

    Taught in lesson 04.
    """
    genes = [genes] if isinstance(genes, str) else list(genes or CLINVAR_MISSENSE_GENES)
    unknown = sorted(set(genes) - set(CLINVAR_MISSENSE_GENES))
    if unknown:
        raise ValueError(f"genes must be among {list(CLINVAR_MISSENSE_GENES)}; got {unknown}. "
                         "Only these four genes are shipped (datasets/clinvar_missense.md).")
    if not 0 <= min_stars <= 4:
        raise ValueError(f"min_stars must be between 0 and 4; got {min_stars}.")
    frame = pd.read_csv(_shipped_file("clinvar_missense_4genes.tsv.gz"), sep="\t",
                        dtype={"chrom": str})
    frame = frame[frame["gene"].isin(genes) & (frame["stars"] >= min_stars)].reset_index(drop=True)
    return _bunch(frame=frame, target=frame["label"], description=card("clinvar_missense"))


def load_alphamissense_brca1():
    """AlphaMissense scores of every possible BRCA1 missense SNV on GRCh38 (shipped, offline).

    A real, redistributable predictor (CC BY 4.0) to compare with ClinVar labels and with
    ClinGen's calibrated PP3/BP4 score thresholds.

    =================  ==========================================================
    Variants           12,463 (all SNVs changing an amino acid of P38398, 1,863 aa)
    Columns            chrom, pos_grch38, ref, alt, uniprot_id, transcript_id,
                       protein_variant (e.g. C61G), am_pathogenicity (0-1), am_class
    =================  ==========================================================

    Returns
    -------
    Bunch
        ``frame`` (DataFrame) and ``description`` (data card ``alphamissense_brca1``). Cite
        Cheng et al. 2023, Science 381:eadg7492.

    Examples
    --------
    >>> am = load_alphamissense_brca1().frame
    >>> am.loc[am["protein_variant"] == "C61G", "am_pathogenicity"].round(2).tolist()
    [0.99]

    Taught in lesson 04.
    """
    frame = pd.read_csv(_shipped_file("alphamissense_brca1.tsv.gz"), sep="\t", dtype={"chrom": str})
    return _bunch(frame=frame, description=card("alphamissense_brca1"))


def _shipped_file(filename: str) -> Path:
    """A data file shipped inside the toolkit (``toolkit/datasets/data/``)."""
    from importlib.resources import files

    path = Path(os.fspath(files("toolkit.datasets").joinpath("data", filename)))
    if not path.is_file():
        raise FileNotFoundError(f"{filename} is missing from toolkit/datasets/data/ (an incomplete "
                                "install?); reinstall the toolkit (pip install -e .) or fetch the "
                                "original with download=True.")
    return path


def load_medmnist(name: str = "pneumoniamnist", split: str = "train",
                  data_dir: str | os.PathLike | None = None, download: bool = False,
                  return_X_y: bool = False):
    """A MedMNIST subset (28 x 28 pixel images, uint8): the shipped copy or a downloaded one.

    ==============  ========================  ============================  ====================
    name            images (train/val/test)   classes                      availability
    ==============  ========================  ============================  ====================
    breastmnist     546 / 78 / 156            0 malignant, 1 benign/normal  offline (shipped)
    pneumoniamnist  4,708 / 524 / 624         0 normal, 1 pneumonia         download
    dermamnist      7,007 / 1,003 / 2,005     7 skin lesion types           download (CC BY-NC)
    pathmnist       89,996 / 10,004 / 7,180   9 colorectal tissue types     download (RGB H&E)
    ==============  ========================  ============================  ====================

    Cite Yang et al. 2023 (Sci Data 10:41) and the source collection named in ``card(name)``.

    Parameters
    ----------
    name : {"pneumoniamnist", "breastmnist", "dermamnist", "pathmnist"}
    split : {"train", "val", "test"}
    data_dir : str or path, optional
        Read the downloaded original from this cache folder. For a dataset that ships a copy
        (``breastmnist``) the copy is used unless ``data_dir`` or ``download=True`` is given.
    download : bool, default False
        Fetch the publisher's original (MD5-checked) if it is not in the cache yet.
    return_X_y : bool, default False

    Returns
    -------
    Bunch
        ``data`` (n_samples, 28, 28[, 3]) uint8, ``target`` (n_samples,) int, ``split``,
        ``source`` (path of the file read) and ``description``.

    Raises
    ------
    ValueError
        Unknown split, or a dataset that is not a MedMNIST subset.
    DatasetNotDownloadedError
        A download-only subset that is not in the cache (run ``fetch(name)``).

    Examples
    --------
    >>> b = load_medmnist("breastmnist", "test")
    >>> b.data.shape, int((b.target == 0).sum())
    ((156, 28, 28), 42)

    Taught in lesson 09.
    """
    check_one_of("split", split, ("train", "val", "test"))
    entry = get_entry(name)
    if not entry.loader.endswith(":load_medmnist"):
        raise ValueError(f"{name!r} is not a MedMNIST subset; use load({name!r})")
    if entry.availability == "offline" and data_dir is None and not download:
        path = _shipped_file(f"{name}.npz")
    else:
        path = next(iter(locate(name, data_dir, download).values()))
    with np.load(path) as npz:
        X, y = npz[f"{split}_images"], npz[f"{split}_labels"]
    y = y.reshape(-1) if y.ndim > 1 and y.shape[1:] == (1,) * (y.ndim - 1) else y
    if return_X_y:
        return X, y
    return _bunch(data=X, target=y, split=split, source=Path(path), description=card(name))


def load_nsclc_radiogenomics(data_dir: str | os.PathLike | None = None):
    """The NSCLC Radiogenomics collection downloaded by hand from TCIA (see its card).

    Returns a Bunch with ``folder`` (path), ``files`` (sorted list of files in it) and
    ``description``; raises DatasetDownloadError with the manual steps when absent.

    Examples
    --------
    >>> load_nsclc_radiogenomics()  # doctest: +SKIP

    No lesson calls it yet (a manual download; see its data card).
    """
    folder = locate("nsclc_radiogenomics", data_dir)["nsclc_radiogenomics"]
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return _bunch(folder=folder, files=files, description=card("nsclc_radiogenomics"))


def load_pneumoniamnist(split: str = "train", data_dir=None, download: bool = False,
                        return_X_y: bool = False):
    """PneumoniaMNIST (paediatric chest X-rays, 0 = normal, 1 = pneumonia). Lesson 09."""
    return load_medmnist("pneumoniamnist", split, data_dir, download, return_X_y)


def load_breastmnist(split: str = "train", data_dir=None, download: bool = False,
                     return_X_y: bool = False):
    """BreastMNIST (breast ultrasound, 0 = malignant, 1 = normal or benign). Lesson 09."""
    return load_medmnist("breastmnist", split, data_dir, download, return_X_y)


def load_dermamnist(split: str = "train", data_dir=None, download: bool = False,
                    return_X_y: bool = False):
    """DermaMNIST (dermatoscopy, 7 classes, CC BY-NC 4.0). Lesson 16."""
    return load_medmnist("dermamnist", split, data_dir, download, return_X_y)


def load_pathmnist(split: str = "train", data_dir=None, download: bool = False,
                   return_X_y: bool = False):
    """PathMNIST (H&E colorectal tiles, 9 tissue classes; its test split is from another centre).

    Labels: 0 adipose, 1 background, 2 debris, 3 lymphocytes, 4 mucus, 5 smooth muscle,
    6 normal colon mucosa, 7 cancer-associated stroma, 8 colorectal adenocarcinoma epithelium.
    Download-only (``fetch("pathmnist")``); the card is ``card("pathmnist")``.

    Examples
    --------
    >>> load_pathmnist("test", download=True).data.shape  # doctest: +SKIP
    (7180, 28, 28, 3)

    Named in lesson 07 (section 5) as the on-demand tile set; the lesson runs offline without it.
    """
    return load_medmnist("pathmnist", split, data_dir, download, return_X_y)
