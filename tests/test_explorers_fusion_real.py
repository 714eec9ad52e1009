"""Issue #30: the fusion explorer's real-cohort view (110 TCGA-LGG patients, overall survival).

The view must name its outcome, show clinical as the strongest block (unlike the synthetic view,
where clinical is noise), and its per-patient shares must add up to the model's score.
"""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from toolkit import explorers
from toolkit.explorers import fusion
from toolkit.fusion import SurvivalFusion


def test_real_view_ranks_clinical_first_and_names_the_outcome():
    X, y, modalities, table = fusion._real_data()
    assert len(X) == 110 and len(table) == 7
    singles = table[table["strategy"] == "single"].set_index("modalities")["c_index"]
    assert singles.idxmax() == "clinical" and singles["clinical"] > 0.7
    synthetic = fusion._fusion_data()[3].set_index("modalities")["auc"]
    assert synthetic["clinical"] < 0.6          # the simulation's noise block
    app = explorers.fusion_explorer_app(interactive=True)
    app.controls["cohort"].value = "real"
    app.controls["clinical"].value = True
    text = app.summary.value
    assert "c-index" in text and "overall survival" in text and "REAL" in text
    assert app.figure.data[1].text[2] != "off"


def test_real_view_contributions_add_up_to_the_cox_score():
    X, y, modalities, _ = fusion._real_data()
    chosen = ("genomic", "imaging", "clinical")
    contrib, score = fusion._survival_contributions(X, y, modalities, chosen, 7)
    assert sum(contrib.values()) == pytest.approx(score)
    train = [i % 2 == 0 for i in range(len(X))]
    cols = [c for m in chosen for c in modalities[m]]
    model = SurvivalFusion({m: modalities[m] for m in chosen}, "early").fit(X.loc[train, cols],
                                                                           y[train])
    held = X.loc[[not t for t in train], cols].iloc[[7]]
    average = held.copy()
    average.iloc[0] = model.mean_
    assert model.predict(held)[0] - model.predict(average)[0] == pytest.approx(score)


def test_explorer_text_says_which_view_shows_what():
    root = Path(__file__).resolve().parents[1]
    nb = nbformat.read(root / "notebooks" / "explorers" / "fusion_explorer.ipynb", 4)
    text = nb.cells[0].source
    assert "property *of this simulation*" in text and "overall survival" in text
    assert "clinical block is the *strongest*" in text
