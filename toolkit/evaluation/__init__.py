"""Evaluation: honest metrics with confidence intervals, calibration, decision curves and subgroups."""

__all__: list[str] = []
