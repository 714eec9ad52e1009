"""The headless runner does not stall after `ipywidgets.interact` cells (issue #21, item 6).

With stock nbclient a cell whose output lands in an Output widget (every `interact`) could
wait one full cell timeout with the kernel idle, then carry on without an error: a raw send
on the shell socket swallowed the wake-up for the cell's reply (see `toolkit.nbexec`).
Measured on this machine: 8 of 480 and 37 of 1,000 such cells stalled with stock nbclient (two
runs), 0 of 1,000 with `toolkit.nbexec.notebook_client`; this test, pointed at stock nbclient, failed
3 runs out of 3, at cells 42, 22 and 6.

This test executes a notebook of 250 `interact` cells (the lesson 17/20 pattern: sliders,
a function that prints) with a short per-cell timeout. A stalled cell shows up as a cell
that takes the whole timeout, and the test stops at the first one: a regression fails
within about 10 s of the stall. At the measured stock rates (1.7 to 3.7 % of cells), 250 cells
contain a stall with probability above 98 %.
"""
from __future__ import annotations

import time

import nbformat
import pytest

from toolkit.nbexec import notebook_client

CELL_TIMEOUT_S = 10
STALL_S = 8          # a stall costs the whole timeout; a healthy cell here takes ~0.05 s
N_CELLS = 250
INTERACT = '''import ipywidgets as widgets

def show_memory(n_samples: int = 500_000, n_variants: int = 800_000) -> None:
    for rep, b in {"int8": 1, "2-bit": 0.25}.items():
        print(f"{rep:8s} {n_samples * n_variants * b / 1e9:12,.1f} GB")

widgets.interact(show_memory,
                 n_samples=widgets.IntSlider(value=500_000, min=1_000, max=1_000_000, step=1_000),
                 n_variants=widgets.IntSlider(value=800_000, min=10_000, max=10_000_000, step=10_000));
'''


class Stalled(AssertionError):
    """A cell waited (about) a whole cell timeout."""


def test_interact_cells_never_wait_a_cell_timeout():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(INTERACT) for _ in range(N_CELLS)])
    client = notebook_client(nb, timeout=CELL_TIMEOUT_S, kernel_name="python3")
    started: dict[int, float] = {}
    seconds: list[float] = []

    def on_start(cell, cell_index):
        started[cell_index] = time.perf_counter()

    def on_done(cell, cell_index, execute_reply):
        seconds.append(time.perf_counter() - started[cell_index])
        if seconds[-1] > STALL_S:
            raise Stalled(f"cell {cell_index} took {seconds[-1]:.1f} s (timeout {CELL_TIMEOUT_S} s): "
                          "the runner missed the kernel's reply (see toolkit/nbexec.py)")

    client.on_cell_execute, client.on_cell_executed = on_start, on_done
    client.execute()
    assert len(seconds) == N_CELLS
    # every cell really ran interact: its printed output was captured in the Output widget
    outputs = [o for cell in nb.cells for o in cell.outputs]
    assert len(outputs) == N_CELLS and all("application/vnd.jupyter.widget-view+json" in o.get("data", {})
                                           for o in outputs)
    state = client.widget_state
    texts = [o.get("text", "") for s in state.values() for o in s.get("outputs", [])]
    assert sum("GB" in t for t in texts) == N_CELLS


def test_notebook_client_uses_the_rearming_output_widget():
    client = notebook_client(nbformat.v4.new_notebook())
    widget = client.widget_registry["@jupyter-widgets/output"]["OutputModel"]
    from nbclient.output_widget import OutputWidget
    assert issubclass(widget, OutputWidget) and widget is not OutputWidget


if __name__ == "__main__":   # pragma: no cover
    pytest.main([__file__, "-q"])
