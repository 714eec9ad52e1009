"""Kernel-free explorers: every widget explorer as a self-contained interactive web figure.

The course website has no Python kernel. `explorer_states` drives the widget version of an
explorer (the same ``*_app`` a learner uses in Voila) through a grid of control values and
records, for each state, the figure's traces, annotations and shapes and the summary text.
`explorer_html` turns the states into native, labelled HTML controls (``<select>``,
``<input type=range>``, checkboxes; keyboard and screen-reader friendly) that redraw the
plotly figure with ``Plotly.react`` and read the summary out through an ``aria-live`` region.
The numbers are therefore the widget's own numbers, state by state (a test compares them).
"""
from __future__ import annotations

import html
import itertools
import json
from typing import Any, Callable

import numpy as np

from toolkit.viz.a11y import PHONE_LAYOUT_JS

__all__ = ["EXPLORERS", "explorer_states", "explorer_html", "slider_values", "value_label"]

#: notebook stem (in notebooks/explorers/) -> name of the ``toolkit.explorers`` function building its app.
EXPLORERS = {
    "test_characteristics": "test_characteristics_app",
    "dicom_viewer": "dicom_viewer_app",
    "risk_communicator": "risk_communicator_app",
    "fusion_explorer": "fusion_explorer_app",
    "bias_explorer": "bias_explorer_app",
    "harmonisation_explorer": "harmonisation_explorer_app",
}
MAX_STATES = 48
#: fewer states where one state costs seconds (harmonisation refits ComBat and models).
MAX_STATES_FOR = {"harmonisation_explorer_app": 9}


def slider_values(control: Any, k: int) -> list:
    """Up to ``k`` evenly spaced values a slider can take, always including its current value.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> slider_values(SimpleNamespace(min=0, max=10, step=1, value=3), 3)
    [0, 3, 5, 10]
    """
    if hasattr(control, "options"):
        return [o[1] if isinstance(o, tuple) else o for o in control.options]
    if isinstance(control.value, bool):
        return [False, True]
    if k <= 1:
        return [control.value]
    if hasattr(control, "base"):           # FloatLogSlider: exponent grid
        exps = np.linspace(control.min, control.max, k)
        values = [float(control.base ** e) for e in exps]
    else:
        n_steps = int(round((control.max - control.min) / control.step))
        idx = np.unique(np.round(np.linspace(0, n_steps, min(k, n_steps + 1))).astype(int))
        values = [control.min + i * control.step for i in idx]
        if isinstance(control.value, int):
            values = [int(v) for v in values]
        else:
            values = [round(float(v), 10) for v in values]
    if control.value not in values:
        values.append(control.value)
    return sorted(values)


def _grid(controls: dict, max_states: int) -> dict[str, list]:
    """Values per control with at most ``max_states`` combinations (sliders thinned first)."""
    for k in range(12, 0, -1):
        grid = {name: slider_values(c, k) for name, c in controls.items()}
        if np.prod([len(v) for v in grid.values()]) <= max_states:
            return grid
    return {name: [c.value] for name, c in controls.items()}


def _state(app: Any) -> dict:
    """The figure traces, annotations, shapes and summary an app shows now (JSON-ready)."""
    fig = json.loads(app.figure.to_json())
    layout = fig.get("layout", {})
    return {"data": fig["data"], "annotations": layout.get("annotations", []),
            "shapes": layout.get("shapes", []), "summary": app.summary.value}


def value_label(control: Any, value: Any) -> str:
    """How a control value reads on the page: shares, rates and prevalences as rounded percentages.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> value_label(SimpleNamespace(description="prevalence"), 0.022360679774997897)
    '2.24 %'
    >>> value_label(SimpleNamespace(description="threshold (score ≥)"), 0.5)
    '0.5'
    >>> value_label(SimpleNamespace(description="average lifetime risk (%)"), 10.0)
    '10'
    """
    for option in getattr(control, "options", ()) or ():
        if isinstance(option, tuple) and option[1] == value:
            return str(option[0])
    description = str(getattr(control, "description", "")).lower()
    fraction = (any(w in description for w in ("share", "prevalence", " rate"))
                or "%" in str(getattr(control, "readout_format", "")))
    if isinstance(value, float) and fraction and "(%)" not in description and 0 <= value <= 1:
        return f"{100 * value:.3g} %"
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)


def _key(indices: tuple) -> str:
    """A state's key: each control's position in its list of values, e.g. "2,0,1" (the page's
    script builds the same key, so no number formatting has to agree between Python and JS)."""
    return ",".join(str(i) for i in indices)


def explorer_states(app_fn: Callable | str, max_states: int | None = None) -> dict:
    """Drive an explorer's widget app through a grid of control values; record each state.

    Parameters
    ----------
    app_fn : callable or str
        A ``toolkit.explorers`` app function (or its name), called with ``interactive=True``.
    max_states : int, optional
        Most combinations of control values recorded (slider grids are thinned to fit);
        default `MAX_STATES_FOR` or 48.

    Returns
    -------
    dict
        ``controls`` (name, kind, description, values, start value), ``layout`` (the starting
        figure's layout), ``states`` ({key: state}, the key listing each control's index in
        its values, e.g. "2,0") and ``start`` (the starting state's key).

    Examples
    --------
    >>> spec = explorer_states("bias_explorer_app", max_states=3)
    >>> spec["controls"][0]["name"], spec["controls"][0]["values"], len(spec["states"])
    ('ceu_share', [0.1, 0.8, 0.9], 3)
    """
    import toolkit.explorers

    app_fn = getattr(toolkit.explorers, app_fn) if isinstance(app_fn, str) else app_fn
    app = app_fn(interactive=True)
    max_states = max_states or MAX_STATES_FOR.get(app_fn.__name__, MAX_STATES)
    controls = app.controls
    start_values = tuple(c.value for c in controls.values())
    layout = json.loads(app.figure.to_json()).get("layout", {})
    grid = _grid(controls, max_states)
    states = {}
    for indices in itertools.product(*(range(len(v)) for v in grid.values())):
        for control, values, i in zip(controls.values(), grid.values(), indices):
            if control.value != values[i]:
                control.value = values[i]
        states[_key(indices)] = _state(app)
    for control, value in zip(controls.values(), start_values):
        control.value = value
    described = [{"name": name, "kind": type(c).__name__, "description": c.description or name,
                  "values": grid[name], "value": c.value,
                  "labels": [value_label(c, v) for v in grid[name]]}
                 for name, c in controls.items()]
    start = tuple(grid[name].index(value) for name, value in zip(grid, start_values))
    return {"controls": described, "layout": layout, "states": states, "start": _key(start)}


def _control_html(uid: str, i: int, control: dict) -> str:
    cid, label = f"{uid}-c{i}", html.escape(control["description"].rstrip(": "))
    values, start = control["values"], control["value"]
    labels = control.get("labels") or [str(v) for v in values]
    if control["kind"] == "Checkbox":
        checked = " checked" if start else ""
        return (f'<label for="{cid}"><input type="checkbox" id="{cid}" data-i="{i}"{checked}> '
                f"{label}</label>")
    if control["kind"] in ("Dropdown", "ToggleButtons", "RadioButtons"):
        options = "".join(f'<option value="{j}"{" selected" if v == start else ""}>'
                          f"{html.escape(labels[j])}</option>" for j, v in enumerate(values))
        return f'<label for="{cid}">{label}</label> <select id="{cid}" data-i="{i}">{options}</select>'
    j = values.index(start)
    return (f'<label for="{cid}">{label}</label> <input type="range" id="{cid}" data-i="{i}" '
            f'min="0" max="{len(values) - 1}" step="1" value="{j}" '
            f'aria-valuetext="{html.escape(labels[j])}"> '
            f'<output for="{cid}" id="{cid}-out">{html.escape(labels[j])}</output>')


_SCRIPT = """
(function () {
  var spec = JSON.parse(document.getElementById("%(uid)s-spec").textContent);
  var div = document.getElementById("%(uid)s-plot"), live = document.getElementById("%(uid)s-summary");
  function current() {
    return spec.controls.map(function (c, i) {
      var el = document.getElementById("%(uid)s-c" + i);
      if (c.kind === "Checkbox") return c.values.indexOf(el.checked);
      return Number(el.value);
    });
  }
  function draw() {
    var idx = current(), state = spec.states[idx.join(",")];
    var values = idx.map(function (j, i) { var c = spec.controls[i];
                                           return c.labels ? c.labels[j] : c.values[j]; });
    spec.controls.forEach(function (c, i) {
      var out = document.getElementById("%(uid)s-c" + i + "-out");
      if (out) { out.textContent = String(values[i]);
                 document.getElementById("%(uid)s-c" + i).setAttribute("aria-valuetext", String(values[i])); }
    });
    if (!state) { live.textContent = "This combination was not precomputed; use the live explorer."; return; }
    var layout = Object.assign({}, spec.layout, {annotations: state.annotations, shapes: state.shapes,
                                                 autosize: true});
    delete layout.width;                         // fit the page column
    layout = toolkitPhoneLayout(layout);         // phones: legend below, stacked subplots
    Plotly.react(div, state.data, layout, {displaylogo: false, responsive: true});
    live.innerHTML = state.summary;
  }
  spec.controls.forEach(function (c, i) {
    var el = document.getElementById("%(uid)s-c" + i);
    el.addEventListener(c.kind === "Checkbox" || el.tagName === "SELECT" ? "change" : "input", draw);
  });
  function start() { if (window.Plotly) { draw(); } else { setTimeout(start, 50); } }
  start();
})();
"""


def explorer_html(spec: dict, uid: str, title: str, live_url: str | None = None) -> str:
    """A self-contained HTML block (plotly.js loaded by the page) for recorded explorer states.

    Parameters
    ----------
    spec : dict
        From `explorer_states`.
    uid : str
        A page-unique id prefix (letters, digits, hyphens).
    title : str
        Accessible name of the figure.
    live_url : str, optional
        Link to the live (Voila) version.

    Returns
    -------
    str

    Examples
    --------
    >>> spec = {"controls": [{"name": "k", "kind": "IntSlider", "description": "k",
    ...          "values": [1, 2], "value": 1}], "layout": {}, "start": "0",
    ...         "states": {"0": {"data": [], "annotations": [], "shapes": [], "summary": "one"},
    ...                    "1": {"data": [], "annotations": [], "shapes": [], "summary": "two"}}}
    >>> block = explorer_html(spec, "ex", "Demo")
    >>> 'type="range"' in block and 'aria-live="polite"' in block
    True
    """
    controls = "".join(f'<div class="explorer-control">{_control_html(uid, i, c)}</div>'
                       for i, c in enumerate(spec["controls"]))
    n = len(spec["states"])
    note = (f"Kernel-free version: {n} precomputed combinations of the controls, the numbers "
            "of the widget explorer itself.")
    if live_url:
        note += f' <a href="{html.escape(live_url)}">Open the live explorer (Voila)</a>.'
    payload = json.dumps(spec, separators=(",", ":")).replace("</", "<\\/")
    return (f'<section class="static-explorer" aria-label="{html.escape(title)} (kernel-free)">'
            f'<div class="explorer-controls">{controls}</div>'
            f'<div id="{uid}-summary" class="explorer-summary" aria-live="polite"></div>'
            f'<div id="{uid}-plot" class="plotly-graph-div" aria-describedby="{uid}-summary">'
            '</div>'
            f'<p class="explorer-note">{note}</p>'
            f'<script type="application/json" id="{uid}-spec">{payload}</script>'
            f'<script>{PHONE_LAYOUT_JS}{_SCRIPT % {"uid": uid}}</script></section>')
