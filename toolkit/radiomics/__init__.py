"""Radiomics: IBSI-compliant quantitative features from an image and a region of interest."""

__all__: list[str] = []
