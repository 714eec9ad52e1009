"""Privacy: beacon re-identification, k-anonymity and federated learning (no torch needed).

Taught in lesson 17.
"""
from .beacon import build_beacon, beacon_attack, attack_power

__all__ = ["build_beacon", "beacon_attack", "attack_power"]
