"""Issue #30: GSE7390 as clinical + expression blocks, and the numbers lesson 13 section 4 quotes."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from toolkit.datasets import load_gse7390, load_gse7390_blocks


def test_blocks_encode_the_clinical_columns_faithfully():
    b = load_gse7390_blocks()
    raw = load_gse7390().data
    f = b.frame
    assert len(f) == 198 and {k: len(v) for k, v in b.modalities.items()} == {"clinical": 5,
                                                                            "expression": 76}
    assert (f["er_positive"] == (raw["er"] == "positive")).all() and f["er_positive"].sum() == 134
    grade = raw["grade"].astype(str)
    assert f["grade_poor"].sum() == (grade == "poorly differentiated").sum() == 83
    assert f["grade_intermediate"].sum() == (grade == "intermediate").sum() == 83
    assert f["grade_poor"].isna().sum() == 2 and (grade == "well differentiated").sum() == 30
    within = f["metastasis_within_horizon"]
    assert int(within.notna().sum()) == 189 and int(within.sum()) == 35
    late = (f["time_to_metastasis_days"] > 5 * 365.25)
    assert (within[late] == 0).all()


def test_lesson13_real_section_quotes_these_numbers():
    from lifelines import CoxPHFitter

    from toolkit.evaluation import bootstrap_indices, c_index
    from toolkit.fusion import compare_models

    b = load_gse7390_blocks()
    table, risk = compare_models(b.frame.drop(columns="metastasis_within_horizon"), b.modalities,
                                 outcome=b.outcome, strategies=("early", "late"), n_boot=500,
                                 random_state=0, return_predictions=True)
    c = table.set_index(["modalities", "strategy"])["c_index"].round(2)
    assert (c[("expression", "single")], c[("clinical", "single")],
            c[("clinical+expression", "early")], c[("clinical+expression", "late")]) == (0.67, 0.60,
                                                                                        0.67, 0.63)
    t = b.frame["time_to_metastasis_days"].to_numpy()
    e = b.frame["metastasis"].to_numpy().astype(bool)
    fused, alone = risk["clinical+expression (early)"].to_numpy(), risk["clinical (single)"].to_numpy()
    gains = [c_index(e[i], t[i], fused[i]) - c_index(e[i], t[i], alone[i])
             for i in bootstrap_indices(len(t), 500, random_state=0)]
    assert 0 < np.percentile(gains, 2.5) < 0.01 and round(np.percentile(gains, 97.5), 2) == 0.15
    high = (risk["expression (single)"] > risk["expression (single)"].median()).astype(int).to_numpy()
    clin = (risk["clinical (single)"] > risk["clinical (single)"].median()).astype(int).to_numpy()
    for years, quoted in ((5, 3.35), (10, 3.57)):
        limit = years * 365.25
        d = pd.DataFrame({"days": np.minimum(t, limit), "event": (e & (t <= limit)).astype(int),
                          "genomic_high": high, "clinical_high": clin})
        hr = CoxPHFitter().fit(d, "days", "event").summary.loc["genomic_high"]
        assert hr["exp(coef)"] == pytest.approx(quoted, abs=0.005)
        assert hr["exp(coef) lower 95%"] > 1
