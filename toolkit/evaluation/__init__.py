"""Evaluation: honest metrics with confidence intervals, calibration, decision curves and subgroups."""

from .calibration import calibration_table, expected_calibration_error, view_calibration
from .decision import (PredictiveValues, decision_curve, net_benefit, test_characteristics,
                       threshold_table, view_decision_curve)
from .metrics import MetricCI, auc_ci, bootstrap_ci, bootstrap_indices, roc_auc
from .model_card import model_card
from .representation import performance_by_training_share
from .subgroups import subgroup_report
from .survival import (CoxScoreSelector, c_index, c_index_ci, cox_score_z, kaplan_meier,
                       view_kaplan_meier)

__all__: list[str] = []
__all__ += ["MetricCI", "auc_ci", "bootstrap_ci", "bootstrap_indices", "roc_auc"]
__all__ += ["calibration_table", "expected_calibration_error", "view_calibration"]
__all__ += ["PredictiveValues", "decision_curve", "net_benefit", "view_decision_curve",
            "test_characteristics", "threshold_table"]
__all__ += ["subgroup_report", "model_card"]
__all__ += ["c_index", "c_index_ci", "cox_score_z", "CoxScoreSelector", "kaplan_meier",
            "view_kaplan_meier"]
__all__ += ["performance_by_training_share"]
