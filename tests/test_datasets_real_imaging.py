"""Real imaging data of issue #16 (B2): the Pseudo-PHI MR series and the LGG radiogenomic table.

Checksums, counts and UIDs of the shipped copies; dciodvfy on the originals; de-identification
leaves none of the fake identifiers; the lesson-12 association and its weak prediction.
"""
from __future__ import annotations

import hashlib
import subprocess

import numpy as np
import pandas as pd
import pydicom
import pytest

from toolkit import imaging
from toolkit.datasets import list_datasets
from toolkit.datasets.real_imaging import (LGG_FEATURES, load_lgg_radiogenomics,
                                           load_pseudo_phi_mr)

ALL_FILES_SHA256 = "c737a908c187d6df51c5f0abe7f0b4a2e87f7a5f0f46c96fe727fe4c2dd9e591"
LGG_SHA256 = "d543d0f89ce0dc6d34b46f018188e68f434f0077d301649259110faed1656e34"
FAKE_PHI = ("MILLER^BEVERLY", "9894340694", "19310227", "56 Walnut Drive", "555-225-5887",
            "597B9256", "SMITH^MICHELE", "WADE^MEGAN", "87009668")


@pytest.fixture(scope="module")
def mr():
    return load_pseudo_phi_mr(read=True)


def test_pseudo_phi_files_match_their_checksums(mr):
    listed = dict(line.split()[::-1] for line in
                  (mr.folder.parent / "pseudo_phi_mr.sha256").read_text().splitlines())
    assert sorted(listed) == [f.name for f in mr.files]
    for f in mr.files:
        assert hashlib.sha256(f.read_bytes()).hexdigest() == listed[f.name], f.name
    joined = hashlib.sha256(b"".join(f.read_bytes() for f in mr.files)).hexdigest()
    assert joined == ALL_FILES_SHA256


def test_pseudo_phi_is_one_series_with_26_distinct_instances(mr):
    ds = mr.datasets
    assert {d.StudyInstanceUID for d in ds} == {"2.25.250849867305193796630300506298189987318"}
    assert len({d.SeriesInstanceUID for d in ds}) == 1
    assert len({d.SOPInstanceUID for d in ds}) == 26
    assert sorted(int(d.InstanceNumber) for d in ds) == list(range(238, 264))
    assert {d.Modality for d in ds} == {"MR"} and {str(d.PatientName) for d in ds} == {"MILLER^BEVERLY"}
    z = np.array([float(d.ImagePositionPatient[2]) for d in ds])
    assert np.allclose(np.diff(z), -9.6, atol=1e-3)          # 1-01 is the top slice
    assert float(ds[0].SpacingBetweenSlices) == pytest.approx(1.6, abs=1e-3)  # the header trap


def test_series_reads_with_the_spacing_from_positions(mr):
    vol = imaging.read_dicom_series(mr.folder)
    assert vol.array.shape == (256, 256, 26)
    assert vol.spacing == pytest.approx((1.367188, 1.367188, 9.6), abs=1e-4)
    assert vol.metadata["files"][0].endswith("1-26.dcm")        # lowest slice first


@pytest.mark.requires_tool("dciodvfy")
def test_dciodvfy_reports_only_the_known_laterality_error(mr):
    out = subprocess.run(["dciodvfy", str(mr.files[0])], capture_output=True, text=True)
    errors = [line for line in (out.stdout + out.stderr).splitlines() if line.startswith("Error")]
    assert len(errors) == 1 and "Laterality" in errors[0]


@pytest.mark.requires_tool("dciodvfy")
def test_deidentified_file_adds_no_dciodvfy_error(mr, tmp_path):
    imaging.deidentify(mr.files[0], tmp_path / "one.dcm", salt="test-salt")

    def errors(path):
        out = subprocess.run(["dciodvfy", str(path)], capture_output=True, text=True)
        return {line for line in (out.stdout + out.stderr).splitlines() if line.startswith("Error")}
    assert errors(tmp_path / "one.dcm") <= errors(mr.files[0])


def test_deidentify_removes_every_fake_identifier(mr, tmp_path):
    report = imaging.deidentify(mr.folder, tmp_path / "out", salt="test-salt")
    outs = sorted((tmp_path / "out").rglob("*.dcm"))
    assert len(outs) == 26 and set(report["change"]) >= {"removed", "uid remapped"}
    for path in outs:
        data = path.read_bytes()
        assert not [v for v in FAKE_PHI if v.encode() in data], path.name
    clean = pydicom.dcmread(outs[0])
    assert clean.PatientIdentityRemoved == "YES"
    assert clean.LongitudinalTemporalInformationModified == "MODIFIED"
    before = imaging.read_dicom_series(mr.folder)
    after = imaging.read_dicom_series(tmp_path / "out")
    assert np.array_equal(before.array, after.array) and np.allclose(before.affine, after.affine)


def test_lgg_table_checksum_and_counts():
    lgg = load_lgg_radiogenomics()
    from toolkit.datasets import real_imaging
    path = real_imaging._DATA / "lgg_radiogenomics_features.csv"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == LGG_SHA256
    f = lgg.frame
    assert f.shape == (110, 29) and f.index.is_unique and (f["voxels"] > 0).all()
    assert f["RNASeqCluster"].value_counts().sort_index().tolist() == [25, 28, 12, 27]
    assert f[list(LGG_FEATURES)].notna().all().all()


def test_lgg_shape_associates_with_rnaseq_cluster_but_predicts_weakly():
    """Lesson 12 section 5 quotes both numbers: a strong association, a weak prediction."""
    from scipy import stats
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    f = load_lgg_radiogenomics().frame.dropna(subset=["RNASeqCluster"])
    y = f["RNASeqCluster"].astype(int)
    high = f["shape3d_v_dens_aee"] > f["shape3d_v_dens_aee"].median()
    assert stats.chi2_contingency(pd.crosstab(high, y))[1] < 0.001
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
    p = cross_val_predict(model, f[list(LGG_FEATURES)], y,
                          cv=StratifiedKFold(5, shuffle=True, random_state=0), method="predict_proba")
    auc = roc_auc_score(y, p, multi_class="ovr", average="macro")
    assert 0.5 < auc < 0.75
    per_cluster = [roc_auc_score(y == k + 1, p[:, k]) for k in range(4)]
    assert per_cluster[2] < 0.5 and int(np.argmax(per_cluster)) == 0   # lesson text: 3 worst, 1 best
    size = cross_val_predict(model, f[["voxels"]], y, cv=StratifiedKFold(5, shuffle=True, random_state=0),
                             method="predict_proba")
    assert roc_auc_score(y, size, multi_class="ovr", average="macro") < 0.55  # "size alone: nothing"


def test_registry_lists_both_as_real_offline():
    t = list_datasets().set_index("name")
    for name in ("pseudo_phi_mr", "lgg_radiogenomics"):
        assert t.loc[name, "availability"] == "offline" and not t.loc[name, "synthetic"]
