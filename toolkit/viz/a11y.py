"""Accessible figures: a colour-blind-safe course palette and text alternatives for plotly figures.

One mechanism serves the whole course. `describe_figure` writes a text alternative for any
plotly figure from its own layout and traces (what it shows, its axes, and the main finding,
taken from ``layout.meta["finding"]`` when the author set one, else from the title);
`figure_table` turns a chart of a table (bars, lines, markers with up to 60 points) back into
that table; `accessible_html` wraps a figure in ``<figure>`` with the text alternative as its
caption and the table beside it. The course website (``make book``) passes every plotly
output of every lesson through `accessible_html`; `use_course_style` makes the Okabe–Ito
palette plotly's default in a kernel. plotly and pandas are imported only inside functions.
"""
from __future__ import annotations

import html
from typing import Any

from toolkit._utils.widgets import label_widget_sliders  # noqa: F401  (public here too)

__all__ = ["OKABE_ITO", "describe_figure", "figure_table", "accessible_html",
           "use_course_style", "okabe_ito_template", "label_widget_sliders"]

#: Okabe & Ito (2008) colour-blind-safe qualitative palette (black moved last, as it reads as text).
OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
             "#000000")
#: Marker symbols paired with the palette, so no meaning rests on colour alone.
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "cross", "star", "triangle-down")
MAX_TABLE_ROWS = 60


def _decode(value: Any) -> Any:
    """plotly >= 6 stores arrays as {"dtype", "bdata"(base64)[, "shape"]}: back to a list."""
    if isinstance(value, dict) and "bdata" in value and "dtype" in value:
        import base64

        import numpy as np

        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        shape = value.get("shape")
        if shape:
            array = array.reshape([int(n) for n in str(shape).split(",")])
        return array.tolist()
    return value


def _as_dict(fig: Any) -> dict:
    """The figure as a dictionary, with the data arrays of its traces decoded to lists."""
    import json

    spec = fig if isinstance(fig, dict) else json.loads(fig.to_json())
    data = [{k: _decode(v) for k, v in trace.items()} for trace in spec.get("data", []) or []]
    return {**spec, "data": data}


def _text(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("text", "")
    return " ".join(str(value or "").replace("<br>", " ").split())


def _strip_tags(text: str) -> str:
    import re

    return " ".join(re.sub(r"<[^>]+>", " ", text).split())


def _axis_titles(layout: dict) -> list[str]:
    out = []
    for key in sorted(k for k in layout if k.startswith(("xaxis", "yaxis"))):
        title = _strip_tags(_text(layout[key].get("title")))
        if title:
            out.append(f"{key[0]} axis: {title}")
    return out


def _trace_phrase(trace: dict) -> str:
    kind = trace.get("type", "scatter")
    if kind == "scatter":
        mode = trace.get("mode", "lines+markers")
        kind = "line" if mode == "lines" else "scatter"
    name = _strip_tags(str(trace.get("name") or ""))
    n = next((len(trace[k]) for k in ("x", "y", "z", "values", "labels")
              if hasattr(trace.get(k), "__len__") and not isinstance(trace.get(k), str)), 0)
    phrase = f"{kind}{' ' + repr(name) if name else ''}"
    return phrase + (f" ({n} values)" if n else "")


def describe_figure(fig: Any) -> str:
    """A text alternative for a plotly figure: title, chart types, axes and main finding.

    Used as the caption a screen reader reads instead of the picture; the course website adds
    it under every figure.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure or dict
        The figure (or its ``to_plotly_json()`` dictionary).

    Returns
    -------
    str
        One paragraph. The main finding comes from ``fig.layout.meta["finding"]`` when set.

    Examples
    --------
    >>> fig = {"data": [{"type": "bar", "x": ["A", "B"], "y": [3, 5], "name": "cases"}],
    ...        "layout": {"title": {"text": "Cases by site"}, "xaxis": {"title": {"text": "site"}},
    ...                   "meta": {"finding": "Site B has the most cases."}}}
    >>> describe_figure(fig)
    "Figure: Cases by site. Shows bar 'cases' (2 values). x axis: site. Main finding: Site B has the most cases."
    """
    spec = _as_dict(fig)
    layout, traces = spec.get("layout", {}) or {}, spec.get("data", []) or []
    title = _strip_tags(_text(layout.get("title"))) or "untitled chart"
    shown = [_trace_phrase(t) for t in traces[:6]]
    if len(traces) > 6:
        shown.append(f"and {len(traces) - 6} more traces")
    parts = [f"Figure: {title}.", f"Shows {', '.join(shown) or 'no data'}."]
    axes = _axis_titles(layout)
    if axes:
        parts.append("; ".join(axes) + ".")
    meta = layout.get("meta")
    finding = meta.get("finding") if isinstance(meta, dict) else None
    if finding:
        parts.append(f"Main finding: {_strip_tags(str(finding))}")
    return " ".join(parts)


def figure_table(fig: Any):
    """The table behind a chart of a table (bars, lines, markers), or None for other charts.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure or dict

    Returns
    -------
    pandas.DataFrame or None
        One column per trace (named after it), indexed by x; None when a trace has no x/y
        pair, is an image/heatmap/3-D trace, or has more than 60 points.

    Examples
    --------
    >>> fig = {"data": [{"type": "bar", "x": ["A", "B"], "y": [3, 5], "name": "cases"}]}
    >>> figure_table(fig)
       cases
    x...
    A      3
    B      5
    """
    import pandas as pd

    traces = _as_dict(fig).get("data", []) or []
    columns = {}
    for i, trace in enumerate(traces):
        if trace.get("type", "scatter") not in ("bar", "scatter") or trace.get("z") is not None:
            return None
        x, y = trace.get("x"), trace.get("y")
        if x is None or y is None or len(x) != len(y) or len(y) > MAX_TABLE_ROWS:
            return None
        if trace.get("orientation") == "h":
            x, y = y, x
        name = _strip_tags(str(trace.get("name") or f"trace {i + 1}"))
        series = pd.Series(list(y), index=pd.Index(list(x), name="x"), name=name)
        if series.index.has_duplicates:
            return None
        columns[name if name not in columns else f"{name} ({i + 1})"] = series
    if not columns:
        return None
    return pd.concat(columns.values(), axis=1, keys=list(columns))


def accessible_html(fig: Any, div_id: str | None = None) -> str:
    """HTML for a figure with its text alternative as caption and its data table beside it.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure or dict
    div_id : str, optional
        The id of the plotly ``<div>`` (random when None).

    Returns
    -------
    str
        ``<figure>`` holding the interactive plot (plotly.js loaded by the page), a
        ``<figcaption>`` with `describe_figure` and, for charts of a table, a ``<details>``
        with the table.

    Examples
    --------
    >>> fig = {"data": [{"type": "bar", "x": ["A", "B"], "y": [3, 5]}], "layout": {}}
    >>> page = accessible_html(fig, div_id="f1")
    >>> ("<figcaption" in page, "<table" in page, 'aria-describedby="f1-alt"' in page)
    (True, True, True)
    """
    import plotly.io as pio

    div_id = div_id or f"fig-{abs(hash(str(_as_dict(fig)))) % 10**10}"
    plot = pio.to_html(fig, include_plotlyjs=False, full_html=False, div_id=div_id,
                       config={"displaylogo": False, "responsive": True})
    alt = html.escape(describe_figure(fig))
    table = figure_table(fig)
    details = ""
    if table is not None:
        details = ("<details><summary>Data table for this figure</summary>"
                   + table.to_html(border=0, classes="figure-table") + "</details>")
    return (f'<figure class="toolkit-figure" aria-describedby="{div_id}-alt">'
            f'{plot}'
            f'<figcaption id="{div_id}-alt">{alt}</figcaption>{details}</figure>')


def okabe_ito_template():
    """The course's plotly template: plotly_white with the Okabe–Ito colours and symbols.

    Examples
    --------
    >>> okabe_ito_template().layout.colorway[0]
    '#E69F00'
    """
    import plotly.graph_objects as go
    import plotly.io as pio

    template = go.layout.Template(pio.templates["plotly_white"])
    template.layout.colorway = list(OKABE_ITO)
    template.layout.colorscale.sequential = "Cividis"
    template.data.scatter = [go.Scatter(marker_symbol=s) for s in SYMBOLS]
    return template


def use_course_style() -> str:
    """Make the Okabe–Ito template plotly's default in this Python session; return its name.

    Examples
    --------
    >>> import plotly.io as pio
    >>> use_course_style() == pio.templates.default
    True
    """
    import plotly.io as pio

    if "toolkit" not in pio.templates:
        pio.templates["toolkit"] = okabe_ito_template()
    pio.templates.default = "toolkit"
    return "toolkit"


#: Names each ipywidgets slider handle (role="slider", no accessible name in ipywidgets 8)
#: after its visible description, and keeps doing so as widgets appear (MutationObserver).
