"""Fusion: models that join genomic, imaging and clinical data for the same patients."""

__all__: list[str] = []
