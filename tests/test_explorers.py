"""toolkit.explorers: the apps build, show correct numbers, and a control change updates the figure.

No browser here (tests/test_explorers_browser.py drives them in Chromium); the kernel-free
website version (`toolkit.explorers.static`) is tested in tests/test_book.py.
"""
from __future__ import annotations

import numpy as np
import pytest


from toolkit.evaluation import test_characteristics, threshold_table  # noqa: E402
from toolkit import explorers  # noqa: E402
from toolkit.explorers import bias, dicom_viewer, fusion  # noqa: E402
from toolkit.explorers import diagnostic_test  # noqa: E402


def _bars(fig, i=0):
    return np.asarray(fig.data[i].y, dtype=float)


def test_static_fallbacks_are_plain_figures():
    import plotly.graph_objects as go

    fig = explorers.test_characteristics_app(interactive=False)
    assert type(fig) is go.Figure and len(fig.data) == 5
    assert "PPV" in fig.layout.annotations[-1].text  # the summary travels with the static figure
    assert type(explorers.bias_explorer_app(interactive=False)) is go.Figure
    assert type(explorers.risk_communicator_app(interactive=False)) is go.Figure


def test_test_characteristics_numbers_and_update():
    app = explorers.test_characteristics_app(interactive=True)
    y, score = diagnostic_test._test_scores()
    row = threshold_table(y, score, [0.5], prevalence=0.01).iloc[0]
    ppv = test_characteristics(row["sensitivity"], row["specificity"], 0.01).ppv
    assert f"PPV {100 * ppv:.1f} %" in app.summary.value
    point = (app.figure.data[1].x[0], app.figure.data[1].y[0])
    app.controls["threshold"].value = 0.7
    assert "Threshold 0.70" in app.summary.value
    new_point = (app.figure.data[1].x[0], app.figure.data[1].y[0])
    assert new_point[1] < point[1] and new_point[0] < point[0]  # higher cut-off: fewer positives
    before = app.figure.data[4].y[0]
    app.controls["prevalence"].value = 0.3
    assert app.figure.data[4].y[0] > before  # PPV rises with prevalence


def test_risk_communicator_deciles_average_to_baseline():
    app = explorers.risk_communicator_app(interactive=True)
    absolute = _bars(app.figure, 0)
    assert absolute.mean() == pytest.approx(10.0, rel=1e-3)  # mean of decile risks = average risk
    assert np.all(np.diff(absolute) > 0)
    np.testing.assert_allclose(_bars(app.figure, 1), absolute / 10.0)
    top_ceu = absolute[-1]
    app.controls["ancestry"].value = "YRI"
    assert "YRI" in app.summary.value
    assert _bars(app.figure, 0)[-1] < top_ceu  # the score separates risk less in YRI
    app.controls["baseline_pct"].value = 30.0
    assert _bars(app.figure, 0).mean() == pytest.approx(30.0, rel=1e-3)


def test_bias_explorer_grid_and_update():
    table, curves = bias._bias_grid()
    auc = table.set_index(["share", "test_group"])["auc"]
    assert auc[0.9, "YRI"] < auc[0.9, "CEU"]
    assert auc[0.1, "YRI"] > auc[0.9, "YRI"]  # more YRI training data helps YRI
    assert table["ece"].between(0, 1).all() and len(curves) == 9 * 3
    yri = curves[0.9, "YRI"]
    assert (yri["observed_rate"] > yri["mean_predicted"]).mean() >= 0.8  # YRI risk under-predicted
    app = explorers.bias_explorer_app(interactive=True)
    before = list(_bars(app.figure, 0))
    app.controls["ceu_share"].value = 0.3
    assert "30.0 % CEU</b> (270 of 900 patients; CHB and YRI share the other 630" in app.summary.value
    after = list(_bars(app.figure, 0))
    assert after != before
    assert after == pytest.approx([auc[0.3, g] for g in bias.ANCESTRIES])
    np.testing.assert_allclose(app.figure.data[3].y, curves[0.3, "YRI"]["observed_rate"])


def test_bias_explorer_numbers_are_lesson_16s_function():
    """The grid is performance_by_training_share (rest="equal") on one simulated pool."""
    import pandas as pd
    from sklearn.linear_model import LogisticRegression

    from toolkit.evaluation import performance_by_training_share

    X, y, groups = bias._simulate_patients(bias.N_TEST + bias.N_TRAIN)
    assert X.shape == (3 * 1500, 4) and list(np.unique(groups)) == list(bias.ANCESTRIES)
    expected = performance_by_training_share(X, y, groups, "CEU", shares=bias.MIXES, n_train=900,
                                             n_test_per_group=600, n_repeats=1,
                                             model=LogisticRegression(), rest="equal")
    table, _ = bias._bias_grid()
    pd.testing.assert_frame_equal(table, expected)
    assert sorted(set(table["n_train_group"])) == list(range(90, 811, 90))


def test_fusion_contributions_add_up_to_prediction():
    X, y, modalities, table = fusion._fusion_data()
    assert len(table) == 7
    contrib, prob = fusion._contributions(X, y, modalities, ("genomic", "imaging"), 3)
    from toolkit.fusion import EarlyFusion

    train = np.arange(len(X)) % 2 == 0
    cols = modalities["genomic"] + modalities["imaging"]
    model = EarlyFusion(modalities={m: modalities[m] for m in ("genomic", "imaging")})
    model.fit(X.loc[train, cols], y[train])
    logit = sum(contrib.values()) + model.estimator_.intercept_[0]
    assert 1 / (1 + np.exp(-logit)) == pytest.approx(prob)
    app = explorers.fusion_explorer_app(interactive=True)
    assert app.summary.value.startswith("<b>genomic+imaging</b>")
    app.controls["clinical"].value = True
    assert app.summary.value.startswith("<b>genomic+imaging+clinical</b>")
    assert app.figure.data[1].text[2] != "off"
    for name in ("genomic", "imaging", "clinical"):
        app.controls[name].value = False
    assert "at least one" in app.summary.value


def test_dicom_viewer_deidentifies_and_browses():
    app = explorers.dicom_viewer_app(interactive=True)
    original = dict(zip(*app.figure.data[1].cells.values))
    assert original["PatientName"] not in ("(empty)", "(removed)")
    image = np.asarray(app.figure.data[0].z)
    app.controls["header"].value = "de-identified"
    deid = dict(zip(*app.figure.data[1].cells.values))
    assert deid["PatientName"] in ("(empty)", "(removed)")
    assert deid["StudyInstanceUID"] != original["StudyInstanceUID"]
    np.testing.assert_array_equal(np.asarray(app.figure.data[0].z), image)  # pixels unchanged
    app.controls["slice_index"].value = 2
    assert "Slice <b>2</b>" in app.summary.value
    assert not np.array_equal(np.asarray(app.figure.data[0].z), image)
    app.controls["preset"].value = "full range"
    assert "full range" in app.summary.value


def test_dicom_viewer_missing_folder_and_no_leftovers(tmp_path, monkeypatch):
    with pytest.raises(FileNotFoundError, match="DICOM series folder not found"):
        explorers.dicom_viewer_app(series=tmp_path / "nope", interactive=False)
    monkeypatch.setattr(dicom_viewer.tempfile, "tempdir", str(tmp_path))
    fig = explorers.dicom_viewer_app(interactive=False)
    assert [type(t).__name__ for t in fig.data] == ["Heatmap", "Table"]
    assert list(tmp_path.iterdir()) == []  # demo series and de-identified copy were deleted


def test_falls_back_to_static_figure_without_widgets(monkeypatch):
    import plotly.graph_objects as go

    from toolkit._utils import widgets

    monkeypatch.setattr(widgets, "in_kernel", lambda: True)
    monkeypatch.setattr(widgets, "widgets_available", lambda: False)
    assert type(explorers.risk_communicator_app()) is go.Figure
    monkeypatch.setattr(widgets, "widgets_available", lambda: True)
    assert not isinstance(explorers.risk_communicator_app(), go.Figure)
