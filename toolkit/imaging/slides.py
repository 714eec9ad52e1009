"""Whole-slide pathology images as data: the pyramid, a tissue mask, tiles and stain amounts.

A scanned glass slide (H&E) is one very large RGB image stored with smaller copies of itself
(the *pyramid*) so that a viewer can zoom without reading every pixel. This module reads such
files with :mod:`tifffile` (imported only when a slide is opened; JPEG tiles need
``imagecodecs``), rebuilds the coarser levels a region file lacks, finds tissue on the glass
(Otsu threshold on a coarse level), cuts the tissue into tiles, and measures the haematoxylin
and eosin in each tile by colour deconvolution (:func:`skimage.color.rgb2hed`).

Taught in lesson 07.
"""
from __future__ import annotations

import logging
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["SlideReadError", "slide_info", "read_slide", "build_pyramid", "pyramid_table",
           "tissue_mask", "tile_grid", "stain_per_tile", "simulate_stain_shift"]


class SlideReadError(ValueError):
    """A slide file could not be read (not a TIFF/SVS file, truncated or damaged)."""


def _open(path: str | os.PathLike):
    """Open ``path`` with tifffile; every failure names the file and what to do."""
    import tifffile

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"slide file {path} does not exist; check the path (or reinstall "
                                "the toolkit if it is a shipped file)")
    logger = logging.getLogger("tifffile")
    level = logger.level
    logger.setLevel(logging.ERROR)  # its warnings would repeat the message below
    tif = None
    try:
        tif = tifffile.TiffFile(path)
        if not tif.series:
            raise IndexError("no image series")
        return tif
    except (tifffile.TiffFileError, IndexError, ValueError, OSError) as exc:
        if tif is not None:
            tif.close()
        raise SlideReadError(
            f"{path} ({path.stat().st_size:,} bytes) is not a readable TIFF/SVS slide ({exc}); "
            "the file looks truncated or damaged (interrupted copy?). Copy it again or "
            "reinstall the toolkit (pip install -e .).") from None
    finally:
        logger.setLevel(level)


def _names(tif) -> list[str]:
    """The images' names ("Baseline", "Thumbnail", ...), or "series N" where a file has none."""
    return [s.name or f"series {i}" for i, s in enumerate(tif.series)]


def slide_info(path: str | os.PathLike) -> pd.DataFrame:
    """The images stored in a slide file: name, width and height in pixels, µm per pixel.

    Aperio SVS files hold the full-resolution image ("Baseline", with its pyramid levels if any)
    and small associated images (thumbnail, slide label, macro photograph). ``mpp`` (µm per
    pixel) and ``magnification`` come from the Aperio description of the baseline image.

    Examples
    --------
    >>> from toolkit.datasets import load_cmu_small_region
    >>> slide_info(load_cmu_small_region().path)[["image", "width_px", "height_px"]].values.tolist()
    [['Baseline', 2220, 2967], ['Thumbnail', 574, 768], ['Label', 387, 463], ['Macro', 1280, 431]]

    Taught in lesson 07.
    """
    with _open(path) as tif:
        text = tif.pages[0].description or ""
        mpp = re.search(r"MPP\s*=\s*([\d.]+)", text)  # Aperio "key = value" pairs
        mag = re.search(r"AppMag\s*=\s*([\d.]+)", text)
        rows = [{"image": name, "width_px": s.shape[1], "height_px": s.shape[0],
                 "levels": len(s.levels)} for name, s in zip(_names(tif), tif.series)]
    table = pd.DataFrame(rows)
    table.attrs.update(mpp=float(mpp.group(1)) if mpp else None,
                       magnification=float(mag.group(1)) if mag else None, description=text)
    return table


def read_slide(path: str | os.PathLike, image: str = "Baseline", level: int = 0) -> np.ndarray:
    """The RGB pixels (height, width, 3; uint8) of one image and pyramid level of a slide file.

    Examples
    --------
    >>> from toolkit.datasets import load_cmu_small_region
    >>> read_slide(load_cmu_small_region().path).shape
    (2967, 2220, 3)

    Taught in lesson 07.
    """
    with _open(path) as tif:
        names = _names(tif)
        if image not in names:
            raise ValueError(f"image must be one of {names}; got {image!r}")
        series = tif.series[names.index(image)]
        if not 0 <= level < len(series.levels):
            raise ValueError(f"level must be 0 to {len(series.levels) - 1} for {image!r}; "
                             f"got {level}")
        try:
            rgb = series.levels[level].asarray()
        except ValueError as exc:
            if "imagecodecs" not in str(exc):
                raise SlideReadError(f"{path}: the pixels of {image!r} level {level} cannot be "
                                     f"decoded ({exc}); the file looks damaged. Copy it "
                                     "again.") from None
            raise ImportError(f"reading {path} needs the imagecodecs package for its compressed "
                              "tiles; install it with: pip install imagecodecs") from None
        except Exception as exc:  # a codec error on a damaged tile, whatever its type
            raise SlideReadError(f"{path}: the pixels of {image!r} level {level} cannot be "
                                 f"decoded ({type(exc).__name__}: {exc}); the file looks "
                                 "damaged. Copy it again.") from None
    if rgb.ndim != 3 or rgb.shape[2] < 3:
        raise ValueError(f"{path}: expected an RGB image (height, width, 3) for {image!r}; found "
                         f"shape {rgb.shape}. This reader handles brightfield (H&E) slides only.")
    return np.ascontiguousarray(rgb[..., :3])


def build_pyramid(rgb: np.ndarray, downsamples: tuple[int, ...] = (1, 4, 16)) -> list[np.ndarray]:
    """Coarser copies of ``rgb`` made by averaging blocks of d x d pixels, one per downsample d.

    Roughly how a scanner builds the pyramid it stores; a region cut from a slide often keeps
    only the full-resolution level, so the lesson rebuilds the others. Edge pixels that do not
    fill a whole block are dropped.

    Examples
    --------
    >>> [level.shape for level in build_pyramid(np.zeros((64, 40, 3), np.uint8), (1, 4))]
    [(64, 40, 3), (16, 10, 3)]

    Taught in lesson 07.
    """
    from skimage.transform import downscale_local_mean

    levels = []
    for d in downsamples:
        if d == 1:
            levels.append(rgb)
            continue
        h, w = (rgb.shape[0] // d) * d, (rgb.shape[1] // d) * d
        block = downscale_local_mean(rgb[:h, :w], (d, d, 1))
        levels.append(np.rint(block).astype(np.uint8))
    return levels


def pyramid_table(levels: list[np.ndarray], mpp: float) -> pd.DataFrame:
    """One row per pyramid level: size, downsample factor, µm per pixel and megapixels.

    The downsample is the width ratio to level 0, rounded to a whole number (edge pixels that
    did not fill a block make the exact ratio slightly larger).

    Examples
    --------
    >>> pyramid_table([np.zeros((400, 200, 3)), np.zeros((100, 50, 3))], mpp=0.5)
       level  width_px  height_px  downsample  um_per_px  megapixels
    0      0       200        400         1.0        0.5      0.0800
    1      1        50        100         4.0        2.0      0.0050

    Taught in lesson 07.
    """
    width0 = levels[0].shape[1]
    factors = [float(round(width0 / lv.shape[1])) for lv in levels]
    rows = [{"level": i, "width_px": lv.shape[1], "height_px": lv.shape[0],
             "downsample": factors[i], "um_per_px": mpp * factors[i],
             "megapixels": round(lv.shape[0] * lv.shape[1] / 1e6, 4)}
            for i, lv in enumerate(levels)]
    return pd.DataFrame(rows)


def tissue_mask(rgb: np.ndarray) -> tuple[np.ndarray, float]:
    """Tissue (True) versus bright empty glass: Otsu's threshold on the grey level of ``rgb``.

    Run it on a coarse level: glass is nearly white, stained tissue absorbs light. Returns the
    mask and the threshold (grey level 0-1). Ink, dust and folds darker than the threshold
    count as tissue; very pale tissue (fat) can be missed.

    Examples
    --------
    >>> rgb = np.full((4, 4, 3), 240, np.uint8); rgb[:2] = 120     # top half "tissue"
    >>> mask, threshold = tissue_mask(rgb)
    >>> int(mask.sum()), round(threshold, 2)
    (8, 0.47)

    Taught in lesson 07.
    """
    from skimage.color import rgb2gray
    from skimage.filters import threshold_otsu

    grey = rgb2gray(rgb[..., :3])
    threshold = float(threshold_otsu(grey))
    return grey < threshold, threshold


def tile_grid(mask: np.ndarray, tile_px: int, downsample: int, min_tissue: float = 0.5
              ) -> pd.DataFrame:
    """Cut a slide into square tiles and say which hold enough tissue to keep.

    Parameters
    ----------
    mask : (h, w) bool array
        Tissue mask computed on a level ``downsample`` times smaller than full resolution.
    tile_px : int
        Tile side in full-resolution pixels; must be a multiple of ``downsample``.
    downsample : int
    min_tissue : float, default 0.5
        Keep tiles whose tissue fraction is at least this (0-1).

    Returns
    -------
    DataFrame
        One row per whole tile: ``row``, ``col``, ``y0_px``, ``x0_px`` (top-left corner at full
        resolution), ``tissue_fraction`` and ``keep``.

    Examples
    --------
    >>> mask = np.zeros((8, 8), bool); mask[:4, :4] = True
    >>> grid = tile_grid(mask, tile_px=16, downsample=4)
    >>> len(grid), int(grid["keep"].sum())
    (4, 1)

    Taught in lesson 07.
    """
    if tile_px % downsample:
        raise ValueError(f"tile_px must be a multiple of downsample ({downsample}); got {tile_px}")
    side = tile_px // downsample
    rows = []
    for r in range(mask.shape[0] // side):
        for c in range(mask.shape[1] // side):
            fraction = float(mask[r * side:(r + 1) * side, c * side:(c + 1) * side].mean())
            rows.append({"row": r, "col": c, "y0_px": r * tile_px, "x0_px": c * tile_px,
                         "tissue_fraction": fraction, "keep": fraction >= min_tissue})
    return pd.DataFrame(rows)


def stain_per_tile(rgb: np.ndarray, tiles: pd.DataFrame, tile_px: int,
                   downsample: int = 1, mask: np.ndarray | None = None) -> pd.DataFrame:
    """Mean haematoxylin and eosin (optical density) in each tile, by colour deconvolution.

    ``rgb`` is a level ``downsample`` times smaller than full resolution; ``tiles`` comes from
    :func:`tile_grid` (full-resolution corners). With ``mask`` (tissue, same shape as ``rgb``'s
    first two axes) only tissue pixels are averaged, so glass does not dilute a tile. Haematoxylin stains nuclei blue-purple, eosin
    stains cytoplasm and collagen pink; their amounts per tile vary with tissue, section
    thickness, staining protocol and scanner (Ruifrok & Johnston 2001).

    Examples
    --------
    >>> rgb = np.full((8, 8, 3), 200, np.uint8)
    >>> tiles = pd.DataFrame({"y0_px": [0], "x0_px": [0]})
    >>> stain_per_tile(rgb, tiles, tile_px=8).columns.tolist()
    ['y0_px', 'x0_px', 'haematoxylin', 'eosin']

    Taught in lesson 07.
    """
    from skimage.color import rgb2hed

    hed = rgb2hed(rgb[..., :3])
    side = tile_px // downsample
    h_mean, e_mean = [], []
    if mask is not None and mask.shape != hed.shape[:2]:
        raise ValueError(f"mask must have the shape of rgb's first two axes {hed.shape[:2]}; "
                         f"got {mask.shape}")
    keep = np.ones(hed.shape[:2], bool) if mask is None else mask.astype(bool)
    for y0, x0 in zip(tiles["y0_px"] // downsample, tiles["x0_px"] // downsample):
        block = hed[y0:y0 + side, x0:x0 + side][keep[y0:y0 + side, x0:x0 + side]]
        h_mean.append(float(block[:, 0].mean()) if len(block) else float("nan"))
        e_mean.append(float(block[:, 1].mean()) if len(block) else float("nan"))
    out = tiles.copy()
    out["haematoxylin"], out["eosin"] = h_mean, e_mean
    return out


def simulate_stain_shift(rgb: np.ndarray, haematoxylin: float = 1.0, eosin: float = 1.0
                         ) -> np.ndarray:
    """SIMULATED restaining: the same tissue with its haematoxylin and eosin amounts scaled.

    Colour deconvolution (the stain vectors of :func:`skimage.color.rgb2hed`) splits each pixel's
    optical density into stain amounts, which are multiplied by the two factors and recombined: a crude model of another lab's staining protocol (stronger or
    weaker dye, longer or shorter staining). Real inter-lab differences also change the hues
    and the scanner's colour response; this changes amounts only.

    Examples
    --------
    >>> rgb = np.full((2, 2, 3), (150, 80, 160), np.uint8)
    >>> bool(simulate_stain_shift(rgb, haematoxylin=1.5).mean() < rgb.mean())  # darker
    True

    Taught in lesson 07.
    """
    from skimage.color import hed_from_rgb, rgb_from_hed

    # Beer-Lambert: optical density OD = -log(I / I0) is linear in the stain amounts. Unlike
    # rgb2hed/hed2rgb (which clip negative amounts), this round trip is exact for factors of 1.
    od = -np.log(np.maximum(rgb[..., :3].astype(float), 1.0) / 255.0)
    amounts = od @ hed_from_rgb * np.array([haematoxylin, eosin, 1.0])
    out = 255.0 * np.exp(-(amounts @ rgb_from_hed))
    return np.rint(np.clip(out, 0, 255)).astype(np.uint8)
