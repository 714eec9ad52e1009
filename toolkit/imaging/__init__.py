"""Imaging: medical images as data (DICOM, NIfTI), de-identification, and deep learning on them."""

__all__: list[str] = []
