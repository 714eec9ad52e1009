"""Loaders of real offline data, checked against the packages that ship them."""
from __future__ import annotations

import hashlib

import numpy as np
import pytest

from toolkit.datasets import (DatasetNotDownloadedError, load, load_clinvar, load_dicom_examples,
                              load_gse7390, load_mni152, load_thousand_genomes_chr22, load_wdbc)
from toolkit.datasets.paths import get_data_dir


def test_gse7390_matches_scikit_survival():
    from sksurv.datasets import load_breast_cancer

    X_ref, y_ref = load_breast_cancer()
    b = load_gse7390()
    assert b.data.shape == (198, 80) and len(b.feature_names) == 80
    assert {"age_years", "tumour_size_cm", "er", "grade"} <= set(b.data.columns)
    assert int(b.target["metastasis"].sum()) == 51  # 25.8 % as documented
    np.testing.assert_array_equal(b.target["time_to_metastasis_days"], y_ref["t.tdm"])
    np.testing.assert_array_equal(b.data["age_years"], X_ref["age"])
    assert b.frame.shape == (198, 82) and "## Licence" in b.description
    X, y = load_gse7390(return_X_y=True)
    assert X.shape == (198, 80) and list(y.columns) == ["metastasis", "time_to_metastasis_days"]


def test_wdbc_matches_scikit_learn():
    from sklearn.datasets import load_breast_cancer

    ref = load_breast_cancer()
    b = load("wdbc")
    assert b.data.shape == (569, 30) and int((b.target == 0).sum()) == 212
    np.testing.assert_array_equal(b.data.to_numpy(), ref.data)
    assert b.target_names == ["malignant", "benign"]
    X, y = load_wdbc(as_frame=False, return_X_y=True)
    assert isinstance(X, np.ndarray) and X.shape == (569, 30) and y.shape == (569,)


def test_dicom_examples_are_real_objects():
    b = load_dicom_examples(read=True)
    modalities = {k: ds.Modality for k, ds in b.files.items()}
    assert modalities == {"ct": "CT", "mr": "MR", "seg_liver": "SEG", "rt_struct": "RTSTRUCT",
                          "rt_dose": "RTDOSE", "rt_plan": "RTPLAN", "us_rgb": "US",
                          "mr_overlay": "MR", "ecg": "ECG"}
    ct = b.files["ct"]
    assert ct.pixel_array.shape == (128, 128)
    assert [float(v) for v in ct.PixelSpacing] == pytest.approx([0.661468, 0.661468])
    paths = load_dicom_examples().files
    assert all(str(p).endswith(".dcm") for p in paths.values())


def test_mni152_offline_template_and_masks():
    b = load_mni152(resolution_mm=2)
    assert b.template.shape == (99, 117, 95)
    brain = b.brain_mask.get_fdata() > 0
    gm, wm = b.gm_mask.get_fdata() > 0, b.wm_mask.get_fdata() > 0
    assert set(np.unique(b.brain_mask.get_fdata())) <= {0.0, 1.0}
    np.testing.assert_allclose(b.template.affine, b.gm_mask.affine)
    assert (gm & ~brain).sum() / gm.sum() < 0.05 and (wm & ~brain).sum() / wm.sum() < 0.05
    brain_ml = brain.sum() * 8 / 1000  # 2 mm voxels = 8 mm^3
    assert 1000 < brain_ml < 2500  # an adult brain mask: about 1.1-1.9 litres


def test_download_only_datasets_never_download_in_load():
    with pytest.raises(DatasetNotDownloadedError, match=r"run fetch\('clinvar'\)"):
        load_clinvar()
    with pytest.raises(FileNotFoundError, match="thousand_genomes_chr22"):
        load("thousand_genomes_chr22")


def test_hand_placed_copy_is_used(tmp_path):
    folder = get_data_dir(tmp_path) / "thousand_genomes_chr22"
    folder.mkdir(parents=True)
    vcf = "ALL.chr22.phase3_shapeit2_mvncall_integrated_v5b.20130502.genotypes.vcf.gz"
    (folder / vcf).write_bytes(b"not really a vcf")
    (folder / (vcf + ".tbi")).write_bytes(b"index")
    (folder / "integrated_call_samples_v3.20130502.ALL.panel").write_text(
        "sample\tpop\tsuper_pop\tgender\t\t\nHG00096\tGBR\tEUR\tmale\t\t\n")
    b = load_thousand_genomes_chr22(data_dir=tmp_path)
    assert b.vcf == folder / vcf
    assert b.panel.to_dict("records") == [{"sample": "HG00096", "pop": "GBR", "super_pop": "EUR",
                                           "gender": "male"}]


def test_hand_placed_clinvar_with_wrong_md5_is_deleted(tmp_path):
    folder = tmp_path / "clinvar"
    folder.mkdir()
    (folder / "clinvar_20240107.vcf.gz").write_bytes(b"truncated")
    (folder / "clinvar_20240107.vcf.gz.md5").write_text(
        hashlib.md5(b"the real file").hexdigest() + "  clinvar_20240107.vcf.gz\n")
    with pytest.warns(UserWarning, match="deleted"), pytest.raises(DatasetNotDownloadedError):
        load_clinvar(data_dir=tmp_path)
    assert not (folder / "clinvar_20240107.vcf.gz").exists()
    (folder / "clinvar_20240107.vcf.gz").write_bytes(b"the real file")
    assert load_clinvar(data_dir=tmp_path).vcf == folder / "clinvar_20240107.vcf.gz"
