"""Genomics: genotypes as data, from VCF files to association and polygenic scores."""
from .genotypes import Genotypes
from .vcf_write import write_vcf

__all__ = ["Genotypes", "write_vcf"]
