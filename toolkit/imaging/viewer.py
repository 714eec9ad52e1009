"""Browse a volume slice by slice: sliders for axis, slice and display window, optional mask."""
from __future__ import annotations

import numpy as np

from .._utils.validation import check_one_of
from .._utils.display import in_kernel
from .volume import Volume

__all__ = ["show_slices"]

_AXIS_NAMES = {0: "sagittal (x)", 1: "coronal (y)", 2: "axial (z)"}
_MASK_COLOURS = [[0.0, "rgba(0,0,0,0)"], [0.5, "rgba(0,0,0,0)"], [0.5, "rgba(255,40,40,0.45)"],
                 [1.0, "rgba(255,40,40,0.45)"]]


def _plane(array: np.ndarray, axis: int, index: int) -> np.ndarray:
    """The 2-D slice at ``index`` along ``axis``, transposed so that screen rows = the later axis."""
    return np.take(array, index, axis=axis).T


def _default_window(array: np.ndarray) -> tuple[float, float]:
    low, high = np.nanpercentile(array, [1, 99])
    return float((low + high) / 2), float(max(high - low, 1e-6))


def _traces(volume: Volume, mask, axis: int, index: int, center: float, width: float) -> list:
    import plotly.graph_objects as go

    traces = [go.Heatmap(z=_plane(volume.array, axis, index), colorscale="gray",
                         zmin=center - width / 2, zmax=center + width / 2, showscale=False,
                         hovertemplate="value %{z:.4g}<extra></extra>")]
    if mask is not None:
        traces.append(go.Heatmap(z=(_plane(mask, axis, index) > 0).astype(float), zmin=0, zmax=1,
                                 colorscale=_MASK_COLOURS, showscale=False, hoverinfo="skip"))
    return traces


def _layout(fig, volume: Volume, axis: int, title: str) -> None:
    cols, rows = [a for a in range(3) if a != axis]  # screen x = first remaining axis
    spacing = volume.spacing
    fig.update_layout(title=title, width=520, height=520, margin=dict(l=10, r=10, t=40, b=10),
                      plot_bgcolor="black")
    label = "anterior ← → posterior" if axis == 0 else "patient's right ← → left"
    fig.update_xaxes(autorange="reversed", showticklabels=False, showgrid=False, zeroline=False,
                     title_text=label)
    fig.update_yaxes(scaleanchor="x", scaleratio=spacing[rows] / spacing[cols], showticklabels=False,
                     showgrid=False, zeroline=False)


def show_slices(volume: Volume, mask=None, axis: int = 2, center: float | None = None,
                width: float | None = None, interactive: bool | None = None, max_frames: int = 40):
    """Show a volume slice by slice, with an optional mask drawn in red on top.

    The quickest way to look at a scan before computing on it: is the lesion where the mask
    says, is the orientation right, is the window sensible? Slices are shown as radiologists
    read them: the volume is first reordered to the closest RAS+ orientation (`to_canonical`,
    no interpolation), then drawn with the patient's right on the screen's left, anterior
    (sagittal: also on the left) and superior at the top.

    Parameters
    ----------
    volume : Volume
    mask : array, shape like ``volume.array``, optional
        Non-zero voxels are overlaid in translucent red.
    axis : {0, 1, 2}, default 2
        Axis to step through after reordering: 0 sagittal, 1 coronal, 2 axial.
    center, width : float, optional
        Display window in the volume's units (HU for CT); default: the 1st-99th percentiles.
    interactive : bool, optional
        True: ipywidgets sliders (axis, slice, window centre and width, mask on/off) around a
        plotly FigureWidget; False: a plain plotly figure with its own slice slider, which also
        works in rendered HTML. Default: True inside a running Jupyter kernel.
    max_frames : int, default 40
        The static figure shows at most this many evenly spaced slices.

    Returns
    -------
    ipywidgets.VBox or plotly.graph_objects.Figure

    Examples
    --------
    >>> vol = Volume(np.random.default_rng(0).normal(size=(8, 8, 4)), np.eye(4))
    >>> fig = show_slices(vol, interactive=False)
    >>> len(fig.data), len(fig.layout.sliders[0].steps)
    (4, 4)

    Taught in lesson 07.
    """
    check_one_of("axis", axis, (0, 1, 2))
    if mask is not None and np.shape(mask) != volume.shape:
        raise ValueError(f"mask must have the volume's shape {volume.shape}; got {np.shape(mask)}")
    if center is None or width is None:
        center, width = _default_window(volume.array)
    from .geometry import to_canonical

    if mask is not None:
        mask = to_canonical(Volume(np.asarray(mask, dtype=np.uint8), volume.affine)).array
    volume = to_canonical(volume)
    if interactive is None:
        interactive = in_kernel()
    if interactive:
        return _widget(volume, mask, axis, center, width)
    return _static(volume, mask, axis, center, width, max_frames)


def _static(volume, mask, axis, center, width, max_frames):
    import plotly.graph_objects as go

    n = volume.shape[axis]
    indices = np.unique(np.linspace(0, n - 1, min(n, max_frames)).round().astype(int))
    fig = go.Figure()
    per = 1 if mask is None else 2
    for index in indices:
        for trace in _traces(volume, mask, axis, int(index), center, width):
            trace.visible = bool(index == indices[len(indices) // 2])
            fig.add_trace(trace)
    steps = [dict(method="update", label=str(index),
                  args=[{"visible": [t // per == s for t in range(len(fig.data))]}])
             for s, index in enumerate(indices)]
    fig.update_layout(sliders=[dict(active=len(indices) // 2, steps=steps,
                                    currentvalue=dict(prefix=f"slice along {_AXIS_NAMES[axis]}: "))])
    _layout(fig, volume, axis, f"window {center:.4g} / {width:.4g}")
    return fig


def _widget(volume, mask, axis, center, width):
    import ipywidgets as w
    import plotly.graph_objects as go

    lo, hi = float(np.nanmin(volume.array)), float(np.nanmax(volume.array))
    axis_w = w.Dropdown(options=[(v, k) for k, v in _AXIS_NAMES.items()], value=axis, description="axis")
    index_w = w.IntSlider(value=volume.shape[axis] // 2, min=0, max=volume.shape[axis] - 1,
                          description="slice")
    center_w = w.FloatSlider(value=center, min=lo, max=hi, description="centre")
    width_w = w.FloatSlider(value=width, min=1e-3, max=max(hi - lo, 1e-3), description="width")
    mask_w = w.Checkbox(value=mask is not None, description="show mask", disabled=mask is None)
    fig = go.FigureWidget()

    def redraw(*_):
        index_w.max = volume.shape[axis_w.value] - 1
        shown = mask if mask_w.value else None
        traces = _traces(volume, shown, axis_w.value, index_w.value, center_w.value, width_w.value)
        with fig.batch_update():
            fig.data = []
            for trace in traces:
                fig.add_trace(trace)
            _layout(fig, volume, axis_w.value, f"{_AXIS_NAMES[axis_w.value]} = {index_w.value}")

    for control in (axis_w, index_w, center_w, width_w, mask_w):
        control.observe(redraw, names="value")
    redraw()
    return w.VBox([w.HBox([axis_w, index_w]), w.HBox([center_w, width_w, mask_w]), fig])
