"""No-code explorers for clinicians: each ``*_app()`` builds one small interactive app.

Every app returns an ipywidgets container inside a running Jupyter kernel (or with
``interactive=True``) and a plain plotly figure otherwise (``interactive=False``), so the
same call also works in rendered HTML. ``make explore`` serves ``notebooks/explorers/`` with
Voila; the detection explorer lives in lesson 21. plotly, ipywidgets and scikit-learn are
imported only when an app is built.

One module per app, all built the same way, so reading one teaches all of them:

1. a *spec* of controls ({name: (ipywidgets class name, kwargs with the starting ``value``)});
2. a module-level ``_draw(**values) -> (plotly figure, summary_html)`` that draws one state
   (data it needs are computed once and cached, or bound with `functools.partial`);
3. `toolkit._utils.widgets.wire_app`, which joins the two with ipywidgets, or returns the
   figure for the starting values (static fallback).

All data are SYNTHETIC and seeded, so the same control values always show the same numbers.

Modules: `diagnostic_test` (test characteristics, lesson 18), `dicom_viewer` (08),
`risk_communicator` (03), `fusion` (13), `bias` (16), `harmonisation` (26), `liquid_biopsy` (21);
`static` turns an app into a kernel-free web figure for the course website (``book/build.py``;
import it directly).
"""
from .bias import bias_explorer_app
from .diagnostic_test import test_characteristics_app
from .dicom_viewer import dicom_viewer_app
from .fusion import fusion_explorer_app
from .harmonisation import harmonisation_explorer_app
from .liquid_biopsy import detection_explorer_app
from .risk_communicator import risk_communicator_app

__all__ = ["test_characteristics_app", "dicom_viewer_app", "risk_communicator_app",
           "fusion_explorer_app", "bias_explorer_app", "harmonisation_explorer_app",
           "detection_explorer_app"]
