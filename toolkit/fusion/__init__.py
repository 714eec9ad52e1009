"""Fusion: models that join genomic, imaging and clinical data for the same patients."""

from .compare import (STRATEGIES, SURVIVAL_STRATEGIES, compare_models, make_fusion_model,
                      view_comparison)
from .early import EarlyFusion
from .features import cohort_features
from .intermediate import IntermediateFusion
from .late import LateFusion
from .survival import SurvivalFusion, survival_target
from .synthetic import make_multimodal
from .treatment import (t_learner_benefit, treatment_effect_by_group, treatment_interaction,
                        true_treatment_benefit, view_treatment_effects)

__all__: list[str] = ["EarlyFusion", "LateFusion", "IntermediateFusion", "STRATEGIES",
                      "compare_models", "make_fusion_model", "cohort_features",
                      "make_multimodal", "SurvivalFusion", "survival_target",
                      "SURVIVAL_STRATEGIES", "view_comparison"]
__all__ += ["treatment_effect_by_group", "treatment_interaction", "t_learner_benefit",
            "true_treatment_benefit", "view_treatment_effects"]
