"""DICOM viewer explorer: slices, window presets, identifiers before/after de-identification.

Like every explorer: a *spec* of controls, a module-level ``_draw(**values) -> (figure,
summary_html)`` for one state, and `toolkit._utils.widgets.wire_app` joining the two. The series
is read (and de-identified) once; `_draw` gets it as a `_Series`.
"""
from __future__ import annotations

import functools
import html
import shutil
import tempfile
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from .._utils.widgets import wire_app

__all__ = ["dicom_viewer_app", "deidentification_summary"]

TITLE = "DICOM viewer and de-identification"
IDENTIFIERS = ("PatientName", "PatientID", "PatientBirthDate", "PatientSex", "StudyDate",
               "AccessionNumber", "InstitutionName", "ReferringPhysicianName", "StudyInstanceUID")


class _Series(NamedTuple):
    """What the viewer shows: the volume, two header tables, window presets, change counts."""
    volume: Any
    headers: dict[str, dict[str, str]]
    presets: dict[str, tuple[float, float]]
    n_changes: int
    n_files: int
    changes: dict[str, int]
    shift_days: int | None


def dicom_viewer_app(series: str | None = None, interactive: bool | None = None,
                     salt: str = "explorer-demo", random_state: int = 0):
    """Browse a DICOM series: slices, window presets, identifiers before/after de-identification.

    What a research export changes (names, IDs, dates, UIDs) and what it does not (pixels).

    Parameters
    ----------
    series : path, optional
        Folder holding one DICOM series. Default: a synthetic MR series of the tiny
        radiogenomic cohort written to a temporary folder (fake but realistic identifiers).
    interactive : bool, optional
        True: slice slider, window and header drop-downs; False: a static figure.
    salt : str, default "explorer-demo"
        Passed to `toolkit.imaging.deidentify` (the de-identified copy goes to a temp folder).
    random_state : int, default 0

    Returns
    -------
    ipywidgets.VBox or plotly.graph_objects.Figure

    Raises
    ------
    FileNotFoundError
        ``series`` is given but is not a folder.

    Notes
    -----
    Window presets for MR are relative to the image (percentiles: MR has no fixed units);
    for CT the HU presets of `toolkit.imaging.WINDOW_PRESETS` are added. Only the first
    file's header is tabulated; the change count covers every file. Temporary copies (demo
    series, de-identified copy) are deleted once read.

    Examples
    --------
    >>> fig = dicom_viewer_app(interactive=False)  # doctest: +SKIP
    >>> [type(t).__name__ for t in fig.data]  # doctest: +SKIP
    ['Heatmap', 'Table']

    Taught in lesson 08.
    """
    if series is not None and not Path(series).is_dir():
        raise FileNotFoundError(f"DICOM series folder not found: {series}; expected a folder "
                                "holding one series of .dcm files (or pass series=None for a demo)")
    shown = _read_and_deidentify(series, salt, random_state)
    n_slices = shown.volume.shape[2]
    spec = {"slice_index": ("IntSlider", dict(value=n_slices // 2, min=0, max=n_slices - 1,
                                              description="slice")),
            "preset": ("Dropdown", dict(value=next(iter(shown.presets)),
                                        options=list(shown.presets), description="window")),
            "header": ("Dropdown", dict(value="original", options=list(shown.headers),
                                        description="header"))}
    return wire_app(functools.partial(_draw, shown=shown), spec, interactive, TITLE)


def deidentification_summary(series: str | None = None, salt: str = "explorer-demo",
                             random_state: int = 0) -> dict:
    """What the viewer's de-identification did: changes by kind and the date shift in days.

    Parameters
    ----------
    series, salt, random_state
        As in `dicom_viewer_app` (default: the synthetic demo series).

    Returns
    -------
    dict
        ``n_changes``, ``n_files``, ``changes`` ({kind: count}, largest first) and
        ``shift_days`` (de-identified minus original StudyDate; None if either is missing).

    Examples
    --------
    >>> d = deidentification_summary()  # doctest: +SKIP
    >>> sum(d["changes"].values()) == d["n_changes"]  # doctest: +SKIP
    True

    Taught in lesson 08.
    """
    shown = _read_and_deidentify(series, salt, random_state)
    return {"n_changes": shown.n_changes, "n_files": shown.n_files, "changes": shown.changes,
            "shift_days": shown.shift_days}


def _date_shift(original: dict[str, str], deidentified: dict[str, str]) -> int | None:
    """Days between the de-identified and the original StudyDate (None if one is missing)."""
    from datetime import datetime

    try:
        before, after = (datetime.strptime(h["StudyDate"], "%Y%m%d")
                         for h in (original, deidentified))
    except (KeyError, ValueError):
        return None
    return (after - before).days


def _changes_text(shown: _Series) -> str:
    """'1,508 changes in 26 files (910 removed, ...)'; dates shifted by N days."""
    kinds = ", ".join(f"{n:,} {kind}" for kind, n in shown.changes.items())
    text = (f"De-identification made {shown.n_changes:,} changes in {shown.n_files} files "
            f"({kinds}); pixels are unchanged.")
    if shown.shift_days is not None:
        text += (f" All dates were shifted by {shown.shift_days:+,} days (one shift per "
                 "patient, so intervals between dates stay true): the birth date in the de-identified header "
                 "is shifted too, not the real one.")
    return text


def _draw(slice_index: int, preset: str, header: str, shown: _Series):
    """One slice in the chosen window next to the chosen header table, and the summary."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    from toolkit.imaging import window

    center, width = shown.presets[preset]
    plane = window(shown.volume.array[:, :, slice_index], float(center), float(width)).T
    table = shown.headers[header]
    fig = make_subplots(1, 2, column_widths=[0.45, 0.55], horizontal_spacing=0.06,
                        specs=[[{"type": "heatmap"}, {"type": "table"}]],
                        subplot_titles=(f"slice {slice_index}", f"{header} header"))
    fig.add_trace(go.Heatmap(z=plane, colorscale="gray", zmin=0, zmax=1, showscale=False), 1, 1)
    fig.add_trace(go.Table(header=dict(values=["attribute", "value"]),
                           cells=dict(values=[list(table), list(table.values())])), 1, 2)
    fig.update_xaxes(autorange="reversed", showticklabels=False, row=1, col=1)
    fig.update_yaxes(scaleanchor="x", showticklabels=False, row=1, col=1)
    fig.update_layout(height=460, width=980)
    summary = (f"Slice <b>{slice_index}</b> of {shown.volume.shape[2] - 1}; window "
               f"<b>{preset}</b> (centre {center:.4g}, width {width:.4g}); showing the "
               f"<b>{header}</b> header: PatientName = {html.escape(table['PatientName'])}. "
               + _changes_text(shown))
    return fig, summary


def _read_and_deidentify(series, salt: str, random_state: int) -> _Series:
    """Read a series (or write the demo one), de-identify a copy; return what the viewer shows."""
    import pydicom

    from toolkit.imaging import deidentify, read_dicom_series, to_canonical

    work = Path(tempfile.mkdtemp(prefix="dicom_explorer_"))
    try:  # everything is read into memory; the temporary copies are deleted straight away
        source = Path(series) if series is not None else _demo_dicom(work / "cohort", random_state)
        report = deidentify(source, work / "deid", salt=salt)
        volume = to_canonical(read_dicom_series(source))
        first = sorted(p for p in source.rglob("*") if p.is_file())[0]
        headers = {"original": _header_table(first),
                   "de-identified": _header_table(work / "deid" / first.relative_to(source))}
        is_ct = pydicom.dcmread(first, stop_before_pixels=True).get("Modality") == "CT"
    finally:
        shutil.rmtree(work, ignore_errors=True)
    changes = {str(k): int(v) for k, v in report["change"].value_counts().items()}
    return _Series(volume, headers, _viewer_presets(volume.array, is_ct), len(report),
                   report["file"].nunique(), changes,
                   _date_shift(headers["original"], headers["de-identified"]))


def _header_table(path: Path) -> dict[str, str]:
    """The identifying attributes of one file, shortened to 44 characters."""
    import pydicom

    ds = pydicom.dcmread(path, stop_before_pixels=True)
    return {k: str(ds.get(k, "(removed)"))[:44] or "(empty)" for k in IDENTIFIERS}


def _demo_dicom(folder: Path, random_state: int) -> Path:
    """Write the tiny synthetic cohort's DICOM series; return the first patient's folder."""
    from toolkit.datasets import make_radiogenomic_cohort

    make_radiogenomic_cohort(n_patients=2, random_state=random_state, size="tiny", out_dir=folder,
                             write_dicom=True)
    return sorted((folder / "dicom").iterdir())[0]


def _viewer_presets(array: np.ndarray, is_ct: bool) -> dict[str, tuple[float, float]]:
    """Window (centre, width) presets: relative to the image for MR, plus HU presets for CT."""
    from toolkit.imaging import WINDOW_PRESETS

    p1, p50, p99, lo, hi = np.nanpercentile(array, [1, 50, 99.5, 0, 100])
    presets = {"auto (1st-99.5th percentile)": ((p1 + p99) / 2, p99 - p1),
               "full range": ((lo + hi) / 2, hi - lo),
               "bright tissue (median-99.5th)": ((p50 + p99) / 2, p99 - p50)}
    if is_ct:  # CT: the standard HU presets too
        presets.update({f"CT {k}": v for k, v in WINDOW_PRESETS.items()})
    return presets
