"""No-code explorers for clinicians: each ``*_app()`` builds one small interactive app.

Every app returns an ipywidgets container inside a running Jupyter kernel (or with
``interactive=True``) and a plain plotly figure otherwise (``interactive=False``), so the
same call also works in rendered HTML. ``make explore`` serves ``notebooks/explorers/`` with
Voila. plotly and ipywidgets are imported only when an app is built.
"""
from . import explorers
from .explorers import (bias_explorer_app, dicom_viewer_app, fusion_explorer_app,
                        risk_communicator_app, test_characteristics_app)

__all__ = ["explorers", "bias_explorer_app", "dicom_viewer_app", "fusion_explorer_app",
           "risk_communicator_app", "test_characteristics_app"]
from .harmonisation_explorer import harmonisation_explorer_app

__all__ += ["harmonisation_explorer_app"]
