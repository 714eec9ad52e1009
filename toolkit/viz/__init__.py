"""Accessible figures: text alternatives, data tables and the colour-blind-safe course style.

`a11y` describes a plotly figure in words, renders it as accessible HTML (used by the course
website, ``book/build.py``) and sets the Okabe-Ito palette. The no-code explorer apps are in
`toolkit.explorers`.
"""
from . import a11y

__all__ = ["a11y"]
