"""IBSI chapter 1 compliance: every reference value for the digital phantom and CT configuration A.

The digital phantom (CC BY 4.0) and the reference-value table are copied into tests/data/ibsi/
(attribution and checksums in its README.md), so those checks run on a clone. The CT phantom
(CC BY-NC 3.0) stays outside the project: its checks read ../shared/reference/ibsi/ct_phantom
and skip without it. Matching rule of the IBSI: round the computed value to
3 significant digits, then |rounded - reference| <= tolerance (no tolerance means exact).
"""
from __future__ import annotations

import csv
import hashlib
import math
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest

from toolkit.radiomics import AGGREGATIONS, extract, preset

IBSI = "reference/ibsi"
HERE = Path(__file__).resolve().parent / "data" / "ibsi"   # the copied digital phantom + table
TABLE = HERE / "ibsi1_reference_values.csv"
SHA256 = {"ibsi1_reference_values.csv": "0746f03475a82ce0d717b5575bd9aba8398f6e7c7c9a67e265fd35c38c8b68fc",
          "digital_phantom/image/phantom.nii.gz": "83773ac2a288aa93cf819a98eaf301c18d35d5876182ec9c18733184e2b7a83a",
          "digital_phantom/mask/mask.nii.gz": "3032d340944b577b83bc559ea7ae9a6034b84633a840eff39570ec17aa1d6281"}
_NAMELESS = {"10th intensity percentile": "stat.P10", "90th intensity percentile": "stat.P90",
             "10th discretised intensity percentile": "ih.P10"}
_TYPOS = {"ntg.complexity": "ngt.complexity"}
# The reference table writes V10/V90 and I10/I90 both as ivh.V10 / ivh.I10, in this order.
_SECOND = {"ivh.V10": "ivh.V90", "ivh.I10": "ivh.I90"}


def reference_rows(csv_path, data_set: str) -> list[dict]:
    """Rows of the IBSI table for one data set, each with the key `extract` uses."""
    rows, seen = [], set()
    with open(csv_path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["data_set"] != data_set:
                continue
            symbol = row["ibsi_symbol"] or _NAMELESS[row["feature"]]
            symbol = _TYPOS.get(symbol, symbol)
            if symbol in _SECOND:
                symbol = _SECOND[symbol] if symbol in seen else (seen.add(symbol) or symbol)
            key = symbol + ("." + AGGREGATIONS[row["aggregation"]] if row["aggregation"] else "")
            rows.append({"key": key, "family": row["family"], "value": float(row["value"]),
                         "tolerance": float(row["tolerance"] or 0.0)})
    return rows


def round_sig(x: float, digits: int = 3) -> float:
    """Round to ``digits`` significant digits (the IBSI reporting rule)."""
    if x == 0 or not math.isfinite(x):
        return x
    return round(x, digits - 1 - math.floor(math.log10(abs(x))))


def matches(value: float, reference: float, tolerance: float) -> bool:
    """The IBSI matching rule, with a little room for binary floating point."""
    return abs(round_sig(value) - reference) <= tolerance + 1e-9 * max(1.0, abs(reference))


def _load(shared: Path | None, data_set: str):
    """Image, mask and spacing: the digital phantom from tests/data, the CT phantom from ../shared."""
    import nibabel as nib
    folder = HERE / "digital_phantom" if data_set == "digital_phantom" else shared / IBSI / "ct_phantom"
    image = nib.load(folder / "image" / "phantom.nii.gz")
    mask = nib.load(folder / "mask" / "mask.nii.gz")
    array = np.asarray(image.dataobj, dtype=np.float32).astype(float)
    if data_set != "digital_phantom":
        array = np.rint(array)                      # SOURCE.md: cast to float32, round
    spacing = tuple(float(z) for z in image.header.get_zooms()[:3])
    return array, np.asarray(mask.dataobj), spacing


@lru_cache(maxsize=2)
def _features(shared: str | None, data_set: str):
    image, mask, spacing = _load(None if shared is None else Path(shared), data_set)
    return extract(image, mask, spacing, preset(data_set))


def _cases(data_set: str) -> list:
    rows = reference_rows(TABLE, data_set)
    return [pytest.param(r, id=f"{r['key']}-{k}") for k, r in enumerate(rows)]


def _check(shared_dir, data_set, row):
    features = _features(None if shared_dir is None else str(shared_dir), data_set)
    assert row["key"] in features.index, f"{row['key']} not computed"
    value = features[row["key"]]
    assert matches(value, row["value"], row["tolerance"]), (
        f"{row['key']}: computed {value:.6g} (rounded {round_sig(value)}), "
        f"reference {row['value']} +/- {row['tolerance']}")


@pytest.mark.parametrize("row", _cases("digital_phantom"))
def test_digital_phantom(row):
    _check(None, "digital_phantom", row)


@pytest.mark.parametrize("row", _cases("config_A"))
def test_config_a(shared_dir, row):
    _check(shared_dir, "config_A", row)


def test_copied_reference_files_are_unchanged():
    """tests/data/ibsi holds byte-identical copies of the IBSI files (sha256 as in its README.md)."""
    found = {name: hashlib.sha256((HERE / name).read_bytes()).hexdigest() for name in SHA256}
    assert found == SHA256, "tests/data/ibsi differs from the IBSI originals: restore it from git"


def test_reference_table_is_complete():
    """Both data sets have their full set of rows, and every key is one `extract` produces."""
    phantom, config_a = reference_rows(TABLE, "digital_phantom"), reference_rows(TABLE, "config_A")
    assert len(phantom) == 482 and len(config_a) == 346
    assert len({r["key"] for r in phantom}) == len(phantom)


_MIRP_CONFIGS = {
    "config_B": dict(by_slice=True, new_spacing=2.0, spline_order=1, resegmentation_intensity_range=[-500.0, 400.0],
                     base_discretisation_method="fixed_bin_number", base_discretisation_n_bins=32,
                     ivh_discretisation_method="none", tag="fbn_n32", dims="2D"),
    "config_C": dict(new_spacing=2.0, spline_order=1, resegmentation_intensity_range=[-1000.0, 400.0],
                     base_discretisation_method="fixed_bin_size", base_discretisation_bin_width=25.0,
                     ivh_discretisation_method="fixed_bin_size", ivh_discretisation_bin_width=2.5,
                     tag="fbs_w25.0", dims="3D"),
    "config_D": dict(new_spacing=2.0, spline_order=1, resegmentation_sigma=3.0,
                     base_discretisation_method="fixed_bin_number", base_discretisation_n_bins=32,
                     ivh_discretisation_method="none", tag="fbn_n32", dims="3D"),
    "config_E": dict(new_spacing=2.0, spline_order=3, resegmentation_intensity_range=[-1000.0, 400.0],
                     resegmentation_sigma=3.0, base_discretisation_method="fixed_bin_number",
                     base_discretisation_n_bins=32, ivh_discretisation_method="fixed_bin_number",
                     ivh_discretisation_n_bins=1000, tag="fbn_n32", dims="3D"),
}


@pytest.mark.slow
@pytest.mark.parametrize("config", sorted(_MIRP_CONFIGS))
def test_resampling_configs_agree_with_mirp(shared_dir, tmp_path, config):
    """IBSI configurations B (2D bilinear), C and D (3D trilinear) and E (3D tricubic) on the CT
    phantom: every feature equals mirp's within 0.1 %, except Moran's I and Geary's C, which mirp
    estimates from randomly sampled voxel pairs (its values change between runs).
    (The reference table holds no values for B-E, so mirp is the reference here.)"""
    import nibabel as nib
    import mirp
    from test_radiomics import _mirp_name

    image, mask, spacing = _load(shared_dir, "config_A")
    folder = shared_dir / IBSI / "ct_phantom"
    nib.save(nib.Nifti1Image(image.astype(np.float32), nib.load(folder / "image" / "phantom.nii.gz").affine),
             tmp_path / "image.nii.gz")
    kw = dict(_MIRP_CONFIGS[config])
    tag, dims = kw.pop("tag"), kw.pop("dims")
    methods = {m: ["2d_average", "2d_slice_merge", "2.5d_direction_merge", "2.5d_volume_merge"]
               if dims == "2D" else ["3d_average", "3d_volume_merge"] for m in ("glcm", "glrlm")}
    methods.update({m: ["2d", "2.5d"] if dims == "2D" else ["3d"] for m in ("glszm", "gldzm", "ngtdm", "ngldm")})
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = mirp.extract_features(
            image=str(tmp_path / "image.nii.gz"), mask=str(folder / "mask" / "mask.nii.gz"),
            image_modality="CT", base_feature_families="all", anti_aliasing=False,
            **{f"{m}_spatial_method": v for m, v in methods.items()}, **kw)[0].iloc[0]
    ours = extract(image, mask, spacing, preset(config))
    pairs = {k: _mirp_name(k, tag) for k in ours.index if k not in ("morph.moran.i", "morph.geary.c")}
    pairs = {k: v for k, v in pairs.items() if v in ref.index}
    assert len(pairs) >= 190
    differ = {k: (ours[k], float(ref[v])) for k, v in pairs.items()
              if not np.isclose(ours[k], float(ref[v]), rtol=1e-3, atol=1e-9)}
    assert not differ, differ
