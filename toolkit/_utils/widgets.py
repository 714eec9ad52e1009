"""The wiring every no-code explorer shares: controls from a spec, redrawn by a pure ``build``.

An explorer is a *spec* of controls ({name: (ipywidgets class name, kwargs with ``value``)}) and a
pure ``build(**values) -> (plotly figure, summary_html)``. `wire_app` joins them with
ipywidgets inside a kernel, or returns the figure for the starting values (static fallback).
"""
from __future__ import annotations

import importlib.util
import re

from .display import in_kernel

__all__ = ["widgets_available", "widget", "wire_app", "label_widget_sliders"]


def widgets_available() -> bool:
    """ipywidgets and anywidget (which plotly's FigureWidget needs) are both installed."""
    return all(importlib.util.find_spec(m) is not None for m in ("ipywidgets", "anywidget"))


def widget(kind: str, **kwargs):
    import ipywidgets as w

    style = {"description_width": "initial"}
    layout = w.Layout(width="auto" if kind == "Checkbox" else "340px")
    return getattr(w, kind)(style=style, layout=layout, **kwargs)


def wire_app(build, spec: dict, interactive: bool | None, title: str):
    """Wire controls from ``spec`` ({name: (widget kind, kwargs)}) to ``build``.

    Returns an ``ipywidgets.VBox`` (controls, summary, figure) with attributes ``controls``
    (dict of widgets), ``summary`` (HTML widget) and ``figure`` (plotly FigureWidget), or,
    when not interactive, the plain plotly figure for the starting values.
    """
    values = {name: kwargs["value"] for name, (_, kwargs) in spec.items()}
    fig, summary = build(**values)
    fig.update_layout(title=title)
    if interactive is None:
        interactive = in_kernel() and widgets_available()
    if not interactive:
        text = re.sub(r"<[^>]+>", " ", summary)
        return fig.add_annotation(text=" ".join(text.split())[:160], showarrow=False,
                                  xref="paper", yref="paper", x=0, y=-0.18, xanchor="left")
    import ipywidgets as w
    import plotly.graph_objects as go

    label_widget_sliders()   # slider handles get their description as accessible name
    controls = {name: widget(kind, **kwargs) for name, (kind, kwargs) in spec.items()}
    figure, text = go.FigureWidget(fig), w.HTML(summary)

    def redraw(*_):
        new, html_text = build(**{name: c.value for name, c in controls.items()})
        with figure.batch_update():
            for old, trace in zip(figure.data, new.data):
                old.update({k: v for k, v in trace.to_plotly_json().items() if k != "type"})
            figure.layout.update(annotations=new.layout.annotations, shapes=new.layout.shapes)
        text.value = html_text

    for control in controls.values():
        control.observe(redraw, names="value")
    box = w.VBox([w.HBox(list(controls.values()), layout=w.Layout(flex_flow="row wrap")),
                  text, figure])
    box.controls, box.summary, box.figure = controls, text, figure
    return box


WIDGET_LABELS_JS = """
(function () {
  function name() {
    document.querySelectorAll('.widget-slider, .jupyter-widget-slider, .widget-hslider').forEach(function (w) {
      var label = w.querySelector('.widget-label, label');
      var text = label ? label.textContent.trim() : '';
      w.querySelectorAll('[role="slider"]').forEach(function (h) {
        if (!h.getAttribute('aria-label') && text) { h.setAttribute('aria-label', text); }
      });
    });
  }
  name();
  new MutationObserver(name).observe(document.body, {childList: true, subtree: true});
})();
"""


def label_widget_sliders() -> None:
    """Give every ipywidgets slider handle on the page an accessible name (its description).

    Call once in a notebook (the explorers do): it displays a tiny script, so screen readers
    announce "threshold, slider, 0.5" instead of an unnamed slider (axe rule
    aria-input-field-name). Outside a kernel it does nothing.

    Examples
    --------
    >>> label_widget_sliders()  # no kernel here: nothing shown
    """
    try:
        from IPython import get_ipython
        from IPython.display import HTML, display
    except ImportError:
        return
    if getattr(get_ipython(), "kernel", None) is None:
        return
    display(HTML(f"<script>{WIDGET_LABELS_JS}</script>"))
