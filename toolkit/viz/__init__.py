"""Accessible figures: text alternatives, data tables and the colour-blind-safe course style.

`a11y` describes a plotly figure in words, renders it as accessible HTML (used by the course
website, ``book/build.py``) and sets the Okabe-Ito palette; `with_finding` gives a figure the
sentence of what to notice that its caption leads with. The no-code explorer apps are in
`toolkit.explorers`.
"""
from . import a11y
from .a11y import with_finding

__all__ = ["a11y", "with_finding"]
