"""Genomics: genotypes as data, from VCF files to association and polygenic scores."""
from .genotypes import Genotypes
from .vcf_write import write_vcf
from .vcf_read import VCFFormatError, read_vcf
from .stats import (allele_frequencies, call_rate, filter_variants, genotype_counts, hwe_exact,
                    minor_allele_frequencies)
from .structure import pca, standardized_dosage
from .zarr_store import ChunkedGenotypes, open_zarr, vcf_to_zarr, write_zarr
from .association import align_to_samples, genomic_inflation, gwas
from .prs import (clump_and_threshold, make_trait, odds_ratio_top_vs_rest, polygenic_score,
                  r2_by_group, risk_by_quantile)
from .plots import view_manhattan, view_pca, view_qq
from . import pharmacogenomics
from .pharmacogenomics import diplotype_to_phenotype, recommend_clopidogrel, simulate_star_alleles

__all__ = ["Genotypes", "write_vcf", "read_vcf", "VCFFormatError", "allele_frequencies",
           "call_rate", "filter_variants", "genotype_counts", "hwe_exact",
           "minor_allele_frequencies", "pca", "standardized_dosage", "align_to_samples",
           "genomic_inflation", "gwas", "clump_and_threshold", "make_trait", "polygenic_score",
           "risk_by_quantile", "odds_ratio_top_vs_rest", "r2_by_group",
           "view_manhattan", "view_pca", "view_qq"]
__all__ += ["ChunkedGenotypes", "open_zarr", "vcf_to_zarr", "write_zarr"]
__all__ += ["pharmacogenomics", "diplotype_to_phenotype", "recommend_clopidogrel",
            "simulate_star_alleles"]
