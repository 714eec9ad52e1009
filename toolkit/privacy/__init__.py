"""Privacy: beacon re-identification, k-anonymity and federated learning (no torch needed).

Taught in lesson 17.
"""
from .beacon import build_beacon, beacon_attack, attack_power
from .kanonymity import k_anonymity, equivalence_classes, generalise, make_patient_register
from .federated import split_sites, fedavg, train_logistic, predict_proba, compare_federated

__all__ = ["build_beacon", "beacon_attack", "attack_power"]
__all__ += ["k_anonymity", "equivalence_classes", "generalise", "make_patient_register"]
__all__ += ["split_sites", "fedavg", "train_logistic", "predict_proba", "compare_federated"]
