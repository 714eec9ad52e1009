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

__all__ = ["OKABE_ITO", "with_finding", "figure_finding", "describe_figure", "figure_table",
           "readable_hover", "fit_small_screens", "accessible_html", "use_course_style", "okabe_ito_template",
           "label_widget_sliders"]

#: Okabe & Ito (2008) colour-blind-safe qualitative palette (black moved last, as it reads as text).
OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
             "#000000")
#: Marker symbols paired with the palette, so no meaning rests on colour alone.
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "cross", "star", "triangle-down")
MAX_TABLE_ROWS = 60
#: significant figures of the numbers in data tables and hover boxes.
SIGNIFICANT = 3


def with_finding(fig: Any, finding: str) -> Any:
    """Give a figure its finding: one sentence of what to notice, in the lesson's own words.

    The sentence goes to ``fig.layout.meta["finding"]`` (other meta keys are kept); the course
    website shows it first in the figure's caption ("What to notice: ...") and its text
    alternative. Build it from computed variables (an f-string) when it quotes a number.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
    finding : str
        What a reader should notice (not how the chart is drawn).

    Returns
    -------
    plotly.graph_objects.Figure
        The same figure, so that ``with_finding(fig, "...").show()`` chains.

    Examples
    --------
    >>> import plotly.graph_objects as go
    >>> fig = with_finding(go.Figure(go.Bar(x=["A", "B"], y=[3, 5])), "Site B has the most cases.")
    >>> figure_finding(fig)
    'Site B has the most cases.'

    Taught in lesson 16.
    """
    finding = " ".join(str(finding or "").split())
    if not finding:
        raise ValueError("with_finding: the finding is empty; write one sentence of what to "
                         "notice in the figure (e.g. 'YRI patients are served worst').")
    meta = fig.layout.meta
    meta = dict(meta) if isinstance(meta, dict) else {}
    fig.update_layout(meta={**meta, "finding": finding})
    return fig


def figure_finding(fig: Any) -> str | None:
    """The finding set with `with_finding` (``layout.meta["finding"]``), or None.

    Examples
    --------
    >>> figure_finding({"data": [], "layout": {"meta": {"finding": "B is largest."}}})
    'B is largest.'
    >>> figure_finding({"data": [], "layout": {}}) is None
    True
    """
    layout = fig.get("layout", {}) if isinstance(fig, dict) else fig.to_plotly_json()["layout"]
    meta = (layout or {}).get("meta")
    finding = meta.get("finding") if isinstance(meta, dict) else None
    return _strip_tags(str(finding)) if finding else None


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
    return _describe(_as_dict(fig), with_finding=True)


def _describe(spec: dict, with_finding: bool) -> str:
    """`describe_figure` of a figure dictionary, with or without its "Main finding" sentence."""
    layout, traces = spec.get("layout", {}) or {}, spec.get("data", []) or []
    title = _strip_tags(_text(layout.get("title"))) or "untitled chart"
    shown = [_trace_phrase(t) for t in traces[:6]]
    if len(traces) > 6:
        shown.append(f"and {len(traces) - 6} more traces")
    parts = [f"Figure: {title}.", f"Shows {', '.join(shown) or 'no data'}."]
    axes = _axis_titles(layout)
    if axes:
        parts.append("; ".join(axes) + ".")
    finding = figure_finding(spec) if with_finding else None
    if finding:
        parts.append(f"Main finding: {finding}")
    return " ".join(parts)


def _axis_title(layout: dict, key: str) -> str:
    axis = layout.get(key) or {}
    return _strip_tags(_text(axis.get("title"))) if isinstance(axis, dict) else ""


def _round(value: Any) -> Any:
    """A number to `SIGNIFICANT` significant figures (whole numbers and text unchanged)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    if isinstance(value, int) or float(value).is_integer():
        return int(value) if abs(value) < 1e15 else value
    return float(f"{value:.{SIGNIFICANT}g}")


def figure_table(fig: Any):
    """The table behind a chart of a table (bars, lines, markers), or None for other charts.

    Columns are named after the traces (or the y axis title when a trace has no name), the
    index after the x axis title; numbers are rounded to 3 significant figures.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure or dict

    Returns
    -------
    pandas.DataFrame or None
        One column per trace, indexed by x; None when a trace has no x/y pair, is an
        image/heatmap/3-D trace, or has more than 60 points.

    Examples
    --------
    >>> fig = {"data": [{"type": "bar", "x": ["A", "B"], "y": [3.14159, 5], "name": "cases"}],
    ...        "layout": {"xaxis": {"title": {"text": "site"}}}}
    >>> figure_table(fig)
          cases
    site...
    A      3.14
    B      5.00
    """
    import pandas as pd

    spec = _as_dict(fig)
    layout, traces = spec.get("layout", {}) or {}, spec.get("data", []) or []
    columns = {}
    index_name = "x"
    for i, trace in enumerate(traces):
        if trace.get("type", "scatter") not in ("bar", "scatter") or trace.get("z") is not None:
            return None
        x, y = trace.get("x"), trace.get("y")
        if x is None or y is None or len(x) != len(y) or len(y) > MAX_TABLE_ROWS:
            return None
        axes = ("xaxis" + str(trace.get("xaxis", "x"))[1:], "yaxis" + str(trace.get("yaxis", "y"))[1:])
        if trace.get("orientation") == "h" or (_is_numeric(x) and not _is_numeric(y)):
            x, y, axes = y, x, axes[::-1]       # horizontal bars, forest plots: labels on y
        if i == 0:
            index_name = _axis_title(layout, axes[0]) or "x"
        name = _strip_tags(str(trace.get("name") or _axis_title(layout, axes[1])
                               or f"series {i + 1}"))
        series = pd.Series([_round(v) for v in y],
                           index=pd.Index([_round(v) for v in x], name=index_name), name=name)
        if series.index.has_duplicates:
            return None
        columns[name if name not in columns else f"{name} ({i + 1})"] = series
    if not columns:
        return None
    return pd.concat(columns.values(), axis=1, keys=list(columns))


def _is_numeric(values: Any) -> bool:
    return (hasattr(values, "__len__") and not isinstance(values, str) and len(values) > 0
            and all(isinstance(v, (int, float)) and not isinstance(v, bool)
                    for v in list(values)[:50]))


def readable_hover(fig: Any) -> dict:
    """The figure (as a dict) with hover boxes in its own terms and rounded numbers.

    A bar or scatter trace without a hover template gets "x title: value / y title: value"
    (3 significant figures) instead of plotly's bare "(0.03425414, 0.9393939)"; existing
    templates keep their words and get rounded numbers.

    Examples
    --------
    >>> fig = {"data": [{"type": "scatter", "x": [0.1234567], "y": [0.9393939], "name": "ROC"}],
    ...        "layout": {"xaxis": {"title": {"text": "threshold"}},
    ...                   "yaxis": {"title": {"text": "sensitivity"}}}}
    >>> readable_hover(fig)["data"][0]["hovertemplate"]
    'threshold: %{x:.3~g}<br>sensitivity: %{y:.3~g}<extra>ROC</extra>'
    """
    spec = _as_dict(fig)
    layout = spec.get("layout", {}) or {}
    data = []
    for trace in spec.get("data", []):
        trace = dict(trace)
        if trace.get("type", "scatter") in ("bar", "scatter") and trace.get("hoverinfo") != "skip":
            fmt = {k: (f"%{{{k}:.{SIGNIFICANT}~g}}" if _is_numeric(trace.get(k)) else f"%{{{k}}}")
                   for k in ("x", "y")}
            template = trace.get("hovertemplate")
            if template:
                for k in ("x", "y"):
                    template = template.replace(f"%{{{k}}}", fmt[k])
            elif trace.get("x") is not None and trace.get("y") is not None:
                xt = _axis_title(layout, "xaxis" + str(trace.get("xaxis", "x"))[1:]) or "x"
                yt = _axis_title(layout, "yaxis" + str(trace.get("yaxis", "y"))[1:]) or "y"
                name = html.escape(_strip_tags(str(trace.get("name") or "")))
                template = f"{xt}: {fmt['x']}<br>{yt}: {fmt['y']}<extra>{name}</extra>"
            if template:
                trace["hovertemplate"] = template
        data.append(trace)
    return {**spec, "data": data}


#: A JavaScript function ``toolkitPhoneLayout(layout)`` -> the layout for a screen narrower than
#: 600 px (phones): legend below the plot, at most 5 ticks per axis, smaller titles, and two
#: side-by-side subplots stacked one above the other (their titles moved with them). Used by
#: every figure of the website and by the kernel-free explorers (`toolkit.explorers.static`).
PHONE_LAYOUT_JS = """function toolkitPhoneLayout(layout){
if(window.innerWidth>=600)return layout;var l=JSON.parse(JSON.stringify(layout||{}));
l.legend=Object.assign({},l.legend,{orientation:"h",x:0,xanchor:"left",yref:"container",y:0,
yanchor:"bottom"});l.margin={l:48,r:12,t:56,b:130};l.height=(l.height||450)+70;
if(l.title){var t=typeof l.title==="string"?{text:l.title}:Object.assign({},l.title);
var words=String(t.text||"").split(" "),lines=[""];words.forEach(function(w){
if((lines[lines.length-1]+" "+w).length>38&&lines[lines.length-1])lines.push(w);
else lines[lines.length-1]=(lines[lines.length-1]+" "+w).trim();});
t.text=lines.join("<br>");t.font={size:14};l.title=t;l.margin.t=40+18*lines.length;}
Object.keys(l).forEach(function(k){if(/^[xy]axis[0-9]*$/.test(k)){l[k].nticks=5;l[k].automargin=true;}});
var x1=l.xaxis,x2=l.xaxis2;
if(x1&&x2&&!l.xaxis3&&x1.domain&&x2.domain&&x1.domain[1]<=x2.domain[0]&&l.yaxis&&l.yaxis2){
l.height=Math.round((l.height||450)*1.8);x1.domain=[0,1];x2.domain=[0,1];
l.yaxis.domain=[0.64,1];l.yaxis2.domain=[0,0.34];
(l.annotations||[]).forEach(function(a){if(a.xref==="paper"&&a.yref==="paper"&&a.y>=0.99){
var right=a.x>0.5;a.x=0.5;a.y=right?0.34:1;a.yanchor="bottom";a.xanchor="center";}});}
(l.annotations||[]).forEach(function(a){a.font=Object.assign({},a.font,{size:12});});
return l;}"""
#: Runs `PHONE_LAYOUT_JS` on one figure of a page once plotly has drawn it.
PHONE_SCRIPT = ("<script>" + PHONE_LAYOUT_JS + """
window.addEventListener("load",function(){var d=document.getElementById("%s");
if(!d||!window.Plotly||window.innerWidth>=600)return;
var l=toolkitPhoneLayout(d.layout);l.autosize=false;l.width=d.clientWidth;
l.height=l.height||450;d.style.height=l.height+"px";
if(d.parentElement&&d.parentElement.style.height){d.parentElement.style.height="auto";}
Plotly.react(d,d.data,l);});</script>""")


def fit_small_screens(fig: Any) -> dict:
    """The figure (as a dict) without a fixed pixel width, so it fits a phone's screen.

    Examples
    --------
    >>> fit_small_screens({"data": [], "layout": {"width": 900, "height": 300}})["layout"]
    {'height': 300, 'autosize': True}
    """
    spec = _as_dict(fig)
    layout = {k: v for k, v in (spec.get("layout") or {}).items() if k != "width"}
    layout["autosize"] = True
    return {**spec, "layout": layout}


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
        ``<figcaption>`` with the finding (`with_finding`) as "What to notice: ..." and
        `describe_figure`, and, for charts of a table, a ``<details>`` with the table.
        Hover boxes are made readable (`readable_hover`); the figure has no fixed width
        (`fit_small_screens`) and rearranges itself on phones (`PHONE_SCRIPT`).

    Examples
    --------
    >>> fig = {"data": [{"type": "bar", "x": ["A", "B"], "y": [3, 5]}], "layout": {}}
    >>> page = accessible_html(fig, div_id="f1")
    >>> ("<figcaption" in page, "<table" in page, 'aria-describedby="f1-alt"' in page)
    (True, True, True)
    """
    import plotly.io as pio

    fig = fit_small_screens(readable_hover(fig))
    div_id = div_id or f"fig-{abs(hash(str(fig))) % 10**10}"
    plot = pio.to_html(fig, include_plotlyjs=False, full_html=False, div_id=div_id,
                       config={"displaylogo": False, "responsive": True})
    finding = figure_finding(fig)
    alt = html.escape(_describe(_as_dict(fig), with_finding=False))   # the finding is said first, not twice
    lead = (f'<p class="figure-finding"><strong>What to notice:</strong> {html.escape(finding)}</p>'
            if finding else "")
    table = figure_table(fig)
    details = ""
    if table is not None:
        details = ("<details><summary>Data table for this figure</summary>"
                   + table.to_html(border=0, classes="figure-table") + "</details>")
    return (f'<figure class="toolkit-figure" aria-describedby="{div_id}-alt">'
            f'{plot}{PHONE_SCRIPT % div_id}'
            f'<figcaption id="{div_id}-alt">{lead}<p class="figure-alt">{alt}</p></figcaption>'
            f'{details}</figure>')


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
