"""What several explorers share: how a fraction is shown in a summary."""
from __future__ import annotations


def pct(x: float) -> str:
    """A fraction as a percentage with one decimal, e.g. 0.0123 -> '1.2 %'."""
    return f"{100 * x:.1f} %"
