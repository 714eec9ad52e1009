"""Datasets: real public data available offline, downloads on demand, and simulators.

SYNTHETIC data is labelled as such wherever it appears.
"""
from .population import make_population
from .variants import make_variant_table
from .cohort import make_radiogenomic_cohort, load_radiogenomic_cohort
from .hospitals import make_three_hospitals
from .applied import (make_neuro_cohort, make_cardio_cohort, atrophy_mask, NEURO_MODEL,
                      CARDIO_MODEL)
from .registry import list_datasets, card
from .downloads import (fetch, fetch_thousand_genomes_chr22, fetch_clinvar, fetch_pneumoniamnist,
                    fetch_breastmnist, fetch_dermamnist, fetch_pathmnist, fetch_nsclc_radiogenomics,
                    DatasetDownloadError, DatasetChecksumError, DatasetNotDownloadedError)
from .loaders import (load, load_gse7390, load_wdbc, load_dicom_examples, load_mni152,
                      load_thousand_genomes_chr22, load_thousand_genomes_regions, load_clinvar,
                      load_medmnist, load_nsclc_radiogenomics, load_pneumoniamnist, load_breastmnist,
                      load_dermamnist, load_pathmnist, load_clinvar_missense,
                      load_alphamissense_brca1)

from .real_imaging import load_pseudo_phi_mr, load_lgg_radiogenomics, load_cmu_small_region
from .real_outcomes import load_lgg_survival, load_gse7390_blocks
from .msd import load_msd_hippocampus
from .msd_lung import load_msd_lung_patches

__all__ = ["make_population", "make_radiogenomic_cohort", "load_radiogenomic_cohort"]
__all__ += ["list_datasets", "card", "load", "fetch", "load_gse7390", "load_wdbc",
            "load_dicom_examples", "load_mni152", "load_thousand_genomes_chr22", "load_clinvar",
            "load_thousand_genomes_regions",
            "load_medmnist", "load_nsclc_radiogenomics", "load_pneumoniamnist",
            "load_breastmnist", "load_dermamnist", "fetch_thousand_genomes_chr22",
            "fetch_clinvar", "fetch_pneumoniamnist", "fetch_breastmnist", "fetch_dermamnist",
            "fetch_nsclc_radiogenomics", "DatasetDownloadError", "DatasetChecksumError",
            "DatasetNotDownloadedError"]
__all__ += ["make_variant_table"]
__all__ += ["load_clinvar_missense", "load_alphamissense_brca1"]
__all__ += ["make_neuro_cohort", "make_cardio_cohort", "atrophy_mask", "NEURO_MODEL",
            "CARDIO_MODEL"]
__all__ += ["load_pseudo_phi_mr", "load_lgg_radiogenomics", "load_lgg_survival",
           "load_gse7390_blocks", "load_cmu_small_region", "load_msd_hippocampus",
           "load_msd_lung_patches"]
__all__ += ["load_pathmnist", "fetch_pathmnist"]
__all__ += ["make_three_hospitals"]
