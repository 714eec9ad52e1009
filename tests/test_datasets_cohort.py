"""The SYNTHETIC radiogenomic cohort: contract, determinism, true effects, and real file formats
checked by reference tools (bcftools, plink2, dciodvfy, nibabel, pydicom)."""
from __future__ import annotations

import json
import subprocess
import time

import numpy as np
import pandas as pd
import pytest
from helpers import need_tool

from toolkit.datasets import load_radiogenomic_cohort, make_radiogenomic_cohort
from toolkit.datasets._cohort_dicom import RESCALE_SLOPE


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("cohort")
    cohort = make_radiogenomic_cohort(n_patients=4, size="tiny", random_state=5, out_dir=out,
                                      write_dicom=True)
    return cohort, out


@pytest.fixture(scope="module")
def medium():
    """Enough patients (6 mm images) for the true effects to show through the noise."""
    return make_radiogenomic_cohort(n_patients=600, size="tiny", random_state=11)


def _need(tool):
    need_tool(tool)


# --- contract ---------------------------------------------------------------------------------

def test_contract_shapes_columns_and_types(tiny_cohort):
    c = tiny_cohort
    assert c.n_patients == 20 and c.clinical.index[0] == "RG0001"
    assert c.clinical.index.name == "patient_id"
    for col in ["ancestry", "sex", "age_years", "site", "grade", "mutation", "treatment",
                "survival_months", "event", "prs"]:
        assert col in c.clinical.columns
    assert set(c.clinical["ancestry"]) <= {"YRI", "CEU", "CHB"}
    assert set(c.clinical["sex"]) <= {"F", "M"}
    assert set(c.clinical["site"]) <= {"site_A", "site_B", "site_C"}
    assert set(c.clinical["grade"]) <= {2, 3, 4}
    assert set(c.clinical["mutation"]) <= {0, 1} and set(c.clinical["event"]) <= {0, 1}
    assert (c.clinical["survival_months"] > 0).all()
    assert abs(c.clinical["prs"].mean()) < 1e-3 and abs(c.clinical["prs"].std(ddof=0) - 1) < 1e-3
    assert list(c.genotypes.samples) == list(c.clinical.index)
    assert (c.genotypes.sample_info["population"] == c.clinical["ancestry"]).all()
    assert c.images.dtype == np.float32 and c.masks.dtype == np.uint8
    assert c.images.shape == c.masks.shape == (20, 34, 40, 33)
    assert c.spacing_mm == (6.0, 6.0, 6.0) and c.affine.shape == (4, 4)
    assert "SYNTHETIC" in repr(c) and c.files == {}


def test_every_patient_has_one_lesion_inside_the_brain(tiny_cohort):
    from nilearn.datasets import load_mni152_brain_mask
    from scipy import ndimage

    brain = load_mni152_brain_mask(resolution=6).get_fdata() > 0.5
    assert np.allclose(load_mni152_brain_mask(resolution=6).affine, tiny_cohort.affine)
    for m in tiny_cohort.masks:
        assert m.sum() > 0 and not (m.astype(bool) & ~brain).any()
        assert ndimage.label(m)[1] == 1


def test_same_seed_same_data_different_seed_different():
    a = make_radiogenomic_cohort(n_patients=5, size="tiny", random_state=3)
    b = make_radiogenomic_cohort(n_patients=5, size="tiny", random_state=3)
    c = make_radiogenomic_cohort(n_patients=5, size="tiny", random_state=4)
    pd.testing.assert_frame_equal(a.clinical, b.clinical)
    assert np.array_equal(a.images, b.images) and np.array_equal(a.masks, b.masks)
    assert np.array_equal(a.genotypes.calls, b.genotypes.calls)
    assert json.dumps(a.ground_truth) == json.dumps(b.ground_truth)
    assert not np.array_equal(a.images, c.images)
    assert not a.clinical["age_years"].equals(c.clinical["age_years"])


def test_random_state_none_draws_a_recorded_seed_and_rejects_other_types():
    fresh = make_radiogenomic_cohort(n_patients=3, size="tiny", random_state=None)
    again = make_radiogenomic_cohort(n_patients=3, size="tiny",
                                     random_state=np.int64(fresh.ground_truth["seed"]))
    pd.testing.assert_frame_equal(fresh.clinical, again.clinical)
    assert np.array_equal(fresh.images, again.images)
    with pytest.raises(TypeError, match="random_state"):
        make_radiogenomic_cohort(n_patients=3, size="tiny", random_state=1.5)


def test_default_imaging_signal_is_unchanged_from_version_1_0():
    """Numbers recorded with the generator before ``imaging_signal`` existed (same seed)."""
    c = make_radiogenomic_cohort(n_patients=3, size="tiny", random_state=2)
    s = make_radiogenomic_cohort(n_patients=3, size="tiny", random_state=2, imaging_signal=1.0)
    assert np.array_equal(c.images, s.images) and np.array_equal(c.masks, s.masks)
    im = c.images.astype(np.float64)
    assert int(c.masks.sum()) == 231
    assert im.sum() == pytest.approx(2583571.0481225178, rel=1e-6)
    assert (im ** 2).sum() == pytest.approx(172924464.63604578, rel=1e-6)
    assert im[1, 17, 20, 16] == pytest.approx(76.33479309082031, abs=1e-4)
    lesions = c.ground_truth["per_patient"]["lesion"]
    assert {(p["texture_sd"], p["margin_width"]) for p in lesions.values()} <= {(4.0, 0.04),
                                                                              (12.0, 0.2)}
    assert c.ground_truth["imaging_signal"] == {"name": "strong", "strength": 1.0,
                                                "overlap_lognormal_sd": 0.0}


def _imaging_only_auc(cohort) -> float:
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from toolkit.fusion import cohort_features

    X, modalities = cohort_features(cohort)
    y = cohort.clinical["mutation"].to_numpy()
    model = make_pipeline(StandardScaler(), LogisticRegression())
    p = cross_val_predict(model, X[modalities["imaging"]], y, method="predict_proba",
                          cv=StratifiedKFold(5, shuffle=True, random_state=0))[:, 1]
    return roc_auc_score(y, p)


def test_subtle_imaging_signal_gives_a_moderate_auc():
    subtle = make_radiogenomic_cohort(n_patients=300, size="tiny", random_state=1,
                                      imaging_signal="subtle")
    strong = make_radiogenomic_cohort(n_patients=300, size="tiny", random_state=1)
    assert 0.65 <= _imaging_only_auc(subtle) <= 0.88  # measured 0.80
    assert _imaging_only_auc(strong) > 0.95  # measured 0.99
    pd.testing.assert_frame_equal(subtle.clinical, strong.clinical)  # only images change
    truth = subtle.ground_truth
    assert truth["imaging_signal"]["strength"] == 0.25
    assert truth["true_effects"]["lesion_texture_sd_au"] == {"mutation_0": 4.0, "mutation_1": 6.0}
    textures = pd.Series({k: v["texture_sd"] for k, v in truth["per_patient"]["lesion"].items()})
    carriers = subtle.clinical["mutation"] == 1
    assert textures[carriers].median() > textures[~carriers].median()
    assert textures[carriers].min() < textures[~carriers].max()  # the groups overlap


def test_single_patient_works():
    c = make_radiogenomic_cohort(n_patients=1, size="tiny")
    assert c.images.shape[0] == 1 and np.isfinite(c.clinical["prs"]).all()


def test_ancestry_mix_is_respected():
    c = make_radiogenomic_cohort(n_patients=10, size="tiny", ancestry_mix={"YRI": 0.7, "CHB": 0.3})
    assert c.clinical["ancestry"].value_counts().to_dict() == {"YRI": 7, "CHB": 3}


def test_prs_is_the_true_weighted_sum_of_standardised_dosages(tiny_cohort):
    g, truth = tiny_cohort.genotypes, tiny_cohort.ground_truth["genetics"]
    rows = np.array([list(g.variant_ids).index(v) for v in truth["causal_variants"]])
    p = np.array(truth["causal_allele_freq"])
    z = (g.dosage()[rows] - 2 * p[:, None]) / np.sqrt(2 * p * (1 - p))[:, None]
    genetic = np.array(truth["causal_weights"]) @ z
    prs = (genetic - truth["prs_centre"]) / truth["prs_scale"]
    assert np.allclose(prs, tiny_cohort.clinical["prs"], atol=1e-4)


def test_ground_truth_is_json_and_complete(tiny_cohort):
    gt = json.loads(json.dumps(tiny_cohort.ground_truth))
    assert "SYNTHETIC" in gt["label"]
    for key in ["model", "genetics", "scanners", "lesion_model", "causal_graph", "per_patient"]:
        assert key in gt
    assert ["treatment_x_mutation", "survival"] in gt["causal_graph"]
    assert ["ancestry", "site"] in gt["causal_graph"]
    effects = gt["true_effects"]
    assert effects["hazard_ratio_treatment_in_non_carriers"] == 1.0
    assert effects["hazard_ratio_treatment_in_carriers"] == pytest.approx(np.exp(-0.8))
    assert set(gt["per_patient"]["liability"]) == set(tiny_cohort.clinical.index)


@pytest.mark.parametrize("kwargs, match", [
    ({"size": "huge"}, "size must be one of"),
    ({"ancestry_mix": {"XXX": 1.0}}, "ancestry_mix must map"),
    ({"ancestry_mix": {"CEU": -1.0}}, "ancestry_mix must map"),
    ({"imaging_signal": "weak"}, "imaging_signal must be one of"),
    ({"imaging_signal": 1.5}, "imaging_signal must be a number in"),
    ({"n_patients": 0, "size": "tiny"}, "at least 1"),
    ({"n_patients": 2, "size": "tiny", "write_dicom": True}, "needs out_dir"),
    ({"tumour_expression_effect": -1.0}, "tumour_expression_effect must be None or a number"),
    ({"tumour_expression_effect": "strong"}, "tumour_expression_effect must be None or a number"),
    ({"tumour_expression_effect": 1, "biopsy_missing": 1.0}, "biopsy_missing must be a fraction"),
    ({"biopsy_missing": 0.2}, "biopsy_missing needs tumour_expression_effect"),
])
def test_bad_arguments_raise(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_radiogenomic_cohort(**kwargs)


def test_tiny_preset_is_fast():
    make_radiogenomic_cohort(n_patients=3, size="tiny")  # imports and template cache warm
    start = time.process_time()  # CPU seconds: robust to other jobs sharing the machine
    make_radiogenomic_cohort(size="tiny", random_state=1)
    assert time.process_time() - start < 3.0


# --- true effects visible -----------------------------------------------------------------------

def test_mutation_carriers_have_more_heterogeneous_lesions(medium):
    from toolkit.datasets._cohort_images import SCANNERS

    c = medium
    scale = c.clinical["site"].map(lambda s: SCANNERS[s]["scale"]).to_numpy()
    cv = np.array([c.images[i][c.masks[i] == 1].std() for i in range(c.n_patients)]) / scale
    mut = c.clinical["mutation"].to_numpy() == 1
    assert np.median(cv[mut]) > 1.3 * np.median(cv[~mut])


def test_site_scale_and_noise_differ(medium):
    c = medium
    brain_mean = c.images.mean(axis=(1, 2, 3))
    by_site = pd.Series(brain_mean, index=c.clinical.index).groupby(c.clinical["site"]).mean()
    assert by_site["site_B"] > by_site["site_A"] > by_site["site_C"]
    background = c.images[:, :3, :3, :3].std(axis=(1, 2, 3))  # corner = air: noise only
    noise = pd.Series(background, index=c.clinical.index).groupby(c.clinical["site"]).mean()
    assert noise["site_C"] > noise["site_A"]


def test_site_depends_on_ancestry_and_grade_sets_lesion_size(medium):
    c = medium
    share_a = pd.crosstab(c.clinical["ancestry"], c.clinical["site"], normalize="index")["site_A"]
    assert share_a["CEU"] > 2 * share_a["YRI"]
    volume = c.masks.sum(axis=(1, 2, 3))
    by_grade = pd.Series(volume).groupby(c.clinical["grade"].to_numpy()).median()
    assert by_grade[2] < by_grade[3] < by_grade[4]


def test_treatment_helps_only_mutation_carriers(medium):
    from lifelines import CoxPHFitter

    df = medium.clinical[["survival_months", "event", "grade", "age_years", "mutation",
                          "treatment"]].copy()
    df["treatment_x_mutation"] = df["treatment"] * df["mutation"]
    cph = CoxPHFitter().fit(df, "survival_months", "event")
    ci = cph.confidence_intervals_
    assert ci.loc["treatment_x_mutation"].max() < 0  # interaction clearly protective
    assert ci.loc["treatment"].min() < 0 < ci.loc["treatment"].max()  # no effect without it
    assert ci.loc["grade"].min() > 0


def test_liability_raises_mutation_probability(medium):
    gt = medium.ground_truth["per_patient"]
    liability = pd.Series(gt["liability"])[medium.clinical.index]
    high = liability > liability.median()
    rate = medium.clinical["mutation"].groupby(high.to_numpy()).mean()
    assert rate[True] > rate[False] + 0.05  # weak germline effect, visible in 600 patients
    assert 0.2 < medium.clinical["mutation"].mean() < 0.5
    assert np.corrcoef(medium.clinical["prs"], liability)[0, 1] == pytest.approx(0.5 ** 0.5, abs=0.1)


# --- files --------------------------------------------------------------------------------------

def test_files_round_trip(written):
    cohort, out = written
    for name in ["clinical.csv", "genotypes.vcf.gz", "ground_truth.json"]:
        assert (out / name).is_file()
    assert len(list((out / "images").glob("*.nii.gz"))) == 4
    assert not list(out.rglob(".*"))  # no temporary files left
    back = load_radiogenomic_cohort(out)
    pd.testing.assert_frame_equal(back.clinical, cohort.clinical)
    assert np.array_equal(back.images, cohort.images) and np.array_equal(back.masks, cohort.masks)
    assert np.array_equal(back.genotypes.calls, cohort.genotypes.calls)
    assert list(back.genotypes.variant_ids) == list(cohort.genotypes.variant_ids)
    assert np.allclose(back.affine, cohort.affine)
    assert back.ground_truth == json.loads(json.dumps(cohort.ground_truth))
    assert back.files["images"] == cohort.files["images"]
    assert back.files["dicom"]["RG0001"] == cohort.files["dicom"]["RG0001"]


def test_load_reports_missing_parts(tmp_path, written):
    with pytest.raises(FileNotFoundError, match="is missing"):
        load_radiogenomic_cohort(tmp_path / "nowhere")
    (tmp_path / "clinical.csv").write_text("patient_id\n")
    with pytest.raises(FileNotFoundError, match="ground_truth.json is missing"):
        load_radiogenomic_cohort(tmp_path)


def test_nifti_is_labelled_synthetic_and_in_mni_space(written):
    import nibabel as nib

    cohort, out = written
    img = nib.load(out / "images" / "RG0001.nii.gz")
    assert b"SYNTHETIC" in img.header["descrip"].tobytes()
    assert int(img.header["sform_code"]) == 4
    assert np.allclose(img.affine, cohort.affine)
    assert np.array_equal(img.get_fdata(dtype=np.float32), cohort.images[0])


def test_vcf_passes_bcftools(written):
    _need("bcftools")
    cohort, out = written
    res = subprocess.run(["bcftools", "view", "-H", str(out / "genotypes.vcf.gz")],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert len(res.stdout.splitlines()) == cohort.genotypes.n_variants
    res = subprocess.run(["bcftools", "query", "-l", str(out / "genotypes.vcf.gz")],
                         capture_output=True, text=True)
    assert res.stdout.split() == list(cohort.clinical.index)


def test_vcf_loads_in_plink2(written, tmp_path):
    _need("plink2")
    cohort, out = written
    res = subprocess.run(["plink2", "--vcf", str(out / "genotypes.vcf.gz"), "--freq",
                          "--out", str(tmp_path / "p")], capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr
    freq = pd.read_csv(tmp_path / "p.afreq", sep="\t")
    assert len(freq) == cohort.genotypes.n_variants
    ours = np.nanmean(cohort.genotypes.dosage(), axis=1) / 2
    assert np.allclose(freq["ALT_FREQS"], ours, atol=1e-6)


def test_dicom_passes_dciodvfy(written):
    _need("dciodvfy")
    _, out = written
    files = sorted((out / "dicom" / "RG0002").glob("*.dcm"))
    for path in [files[0], files[len(files) // 2], files[-1]]:
        res = subprocess.run(["dciodvfy", str(path)], capture_output=True, text=True)
        lines = (res.stdout + res.stderr).splitlines()
        errors = [ln for ln in lines if ln.startswith("Error")]
        assert errors == [], errors
        assert any("MRImage" in ln for ln in lines)


def test_dicom_identifiers_are_fake_and_labelled_and_uids_deterministic(written, tmp_path):
    import pydicom

    cohort, out = written
    ds = pydicom.dcmread(sorted((out / "dicom" / "RG0001").glob("*.dcm"))[0])
    assert ds.SOPClassUID == "1.2.840.10008.5.1.4.1.1.4" and ds.Modality == "MR"
    assert ds.PatientComments == "SYNTHETIC - not a real patient" == ds.ImageComments
    for kw in ["PatientName", "PatientID", "PatientBirthDate", "InstitutionName",
               "InstitutionAddress", "ReferringPhysicianName", "OperatorsName", "StationName",
               "AccessionNumber", "StudyDate"]:
        assert str(ds.data_element(kw).value) != ""
    block = ds.private_block(0x0011, "TOOLKIT SYNTHETIC COHORT")
    assert block[0x01].value == cohort.clinical.loc["RG0001", "site"]
    again = make_radiogenomic_cohort(n_patients=4, size="tiny", random_state=5, out_dir=tmp_path,
                                     write_dicom=True)
    ds2 = pydicom.dcmread(again.files["dicom"]["RG0001"][0])
    assert ds2.SOPInstanceUID == ds.SOPInstanceUID and ds2.PatientName == ds.PatientName
    assert len(ds.SOPInstanceUID) <= 64


def test_nifti_and_dicom_geometry_agree(written):
    """Same voxel -> same patient position: NIfTI affine (RAS) vs DICOM tags (LPS)."""
    import nibabel as nib
    import pydicom

    cohort, out = written
    nii = nib.load(out / "images" / "RG0003.nii.gz")
    vol = nii.get_fdata(dtype=np.float32)
    slices = [pydicom.dcmread(p) for p in sorted((out / "dicom" / "RG0003").glob("*.dcm"))]
    slices.sort(key=lambda d: float(d.ImagePositionPatient[2]))
    assert len(slices) == vol.shape[2]
    X, Y, _ = vol.shape
    rng = np.random.default_rng(0)
    for i, j, k in zip(rng.integers(0, X, 25), rng.integers(0, Y, 25), rng.integers(0, len(slices), 25)):
        ds = slices[k]
        row_dir, col_dir = np.array(ds.ImageOrientationPatient[:3]), np.array(ds.ImageOrientationPatient[3:])
        dr, dc = (float(v) for v in ds.PixelSpacing)  # between rows, between columns
        r, c = Y - 1 - j, X - 1 - i  # the pixel that holds voxel (i, j, k)
        lps = np.array(ds.ImagePositionPatient, dtype=float) + c * dc * row_dir + r * dr * col_dir
        ras = nii.affine @ np.array([i, j, k, 1.0])
        assert np.allclose(lps, [-ras[0], -ras[1], ras[2]], atol=1e-3)
        value = float(ds.pixel_array[r, c]) * float(ds.RescaleSlope) + float(ds.RescaleIntercept)
        assert abs(value - vol[i, j, k]) <= RESCALE_SLOPE / 2 + 1e-4
        assert float(ds.SliceThickness) == pytest.approx(cohort.spacing_mm[2])
    normal = np.cross(row_dir, col_dir)
    gaps = np.diff([np.dot(normal, np.array(s.ImagePositionPatient, dtype=float)) for s in slices])
    assert np.allclose(gaps, cohort.spacing_mm[2])


def test_simpleitk_reads_dicom_series_like_the_nifti(written):
    """Reference reader: SimpleITK (GDCM) reorders the slices and applies RescaleSlope itself."""
    import SimpleITK as sitk
    cohort, out = written
    reader = sitk.ImageSeriesReader()
    reader.SetFileNames(reader.GetGDCMSeriesFileNames(str(out / "dicom" / "RG0004")))
    image = reader.Execute()
    array = sitk.GetArrayFromImage(image)  # (slices, rows, columns)
    as_ras = array.transpose(2, 1, 0)[::-1, ::-1, :]  # columns -> patient left = -x_RAS
    np.testing.assert_allclose(as_ras, cohort.images[3], atol=RESCALE_SLOPE / 2 + 1e-4)
    X, Y, _ = as_ras.shape
    for i, j, k in [(0, 0, 0), (5, 7, 3), (X - 1, Y - 1, as_ras.shape[2] - 1)]:
        lps = image.TransformIndexToPhysicalPoint((X - 1 - i, Y - 1 - j, k))
        ras = cohort.affine @ np.array([i, j, k, 1.0])
        np.testing.assert_allclose(lps, [-ras[0], -ras[1], ras[2]], atol=1e-3)


# --- optional tumour biopsy expression panel ---------------------------------------------------

def test_tumour_panel_is_optional_and_leaves_the_rest_unchanged():
    plain = make_radiogenomic_cohort(n_patients=40, size="tiny", random_state=4)
    kw = {"n_patients": 40, "size": "tiny", "random_state": 4, "biopsy_missing": 0.25}
    one = make_radiogenomic_cohort(tumour_expression_effect=1.0, **kw)
    zero = make_radiogenomic_cohort(tumour_expression_effect=0.0, **kw)
    assert plain.tumour_expression is None and "tumour_expression" not in plain.ground_truth
    assert "tumour_expression" not in json.dumps(plain.ground_truth["causal_graph"])
    for c in (one, zero):  # the panel has its own random stream: nothing else changes
        pd.testing.assert_frame_equal(c.clinical, plain.clinical)
        assert np.array_equal(c.images, plain.images) and np.array_equal(c.masks, plain.masks)
    again = make_radiogenomic_cohort(tumour_expression_effect=1.0, **kw)
    pd.testing.assert_frame_equal(again.tumour_expression, one.tumour_expression)
    assert ["mutation", "tumour_expression"] in one.ground_truth["causal_graph"]
    assert list(one.tumour_expression.columns) == [f"TX0{i}" for i in range(1, 9)]
    assert list(one.tumour_expression.index) == list(one.clinical.index)
    missing = one.tumour_expression.isna().all(axis=1)
    available = one.ground_truth["per_patient"]["biopsy_available"]
    assert missing.tolist() == [available[p] == 0.0 for p in one.clinical.index]
    assert missing.equals(zero.tumour_expression.isna().all(axis=1)) and 0 < missing.sum() < 40


def test_tumour_panel_follows_its_documented_model():
    """x = baseline + sd * (effect * loading * purity * mutation + noise), checked via the truth."""
    effect = 1.5
    c = make_radiogenomic_cohort(n_patients=60, size="tiny", random_state=6,
                                 tumour_expression_effect=effect)
    z = make_radiogenomic_cohort(n_patients=60, size="tiny", random_state=6, tumour_expression_effect=0.0)
    m = c.ground_truth["tumour_expression"]
    assert m["effect_sd"] == effect and z.ground_truth["tumour_expression"]["effect_sd"] == 0.0
    purity = pd.Series(c.ground_truth["per_patient"]["tumour_purity"])[c.clinical.index]
    assert purity.between(0, 1).all() and purity.mean() == pytest.approx(0.7, abs=0.06)
    mutation = c.clinical["mutation"].to_numpy()
    shift = effect * np.outer(purity * mutation, m["loadings"]) * m["noise_sd_log2"]
    np.testing.assert_allclose(c.tumour_expression - z.tumour_expression, shift, atol=2e-4)
    noise = (z.tumour_expression - np.array(m["baseline_log2"])) / m["noise_sd_log2"]
    noise = noise.to_numpy()
    assert abs(noise.mean()) < 0.1 and noise.std() == pytest.approx(1, abs=0.1)
    effects = c.ground_truth["true_effects"]["tumour_expression"]
    assert effects["log2_shift_pure_tumour"]["TX01"] == pytest.approx(effect * 0.6)
    assert effects["log2_shift_pure_tumour"]["TX08"] == 0.0
    carriers = c.tumour_expression[mutation == 1]["TX01"].mean()
    assert carriers > c.tumour_expression[mutation == 0]["TX01"].mean() + 0.3


def test_tumour_panel_round_trips_through_files(tmp_path):
    c = make_radiogenomic_cohort(n_patients=3, size="tiny", random_state=8, out_dir=tmp_path,
                                 tumour_expression_effect=1.0)
    back = load_radiogenomic_cohort(tmp_path)
    assert c.files["tumour_expression"] == back.files["tumour_expression"]
    pd.testing.assert_frame_equal(back.tumour_expression, c.tumour_expression)
    assert back.ground_truth["tumour_expression"] == c.ground_truth["tumour_expression"]
