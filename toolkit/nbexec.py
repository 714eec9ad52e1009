"""Run notebooks headless (tests, grading, the class test) without the widget hang.

Why this module exists
----------------------
nbclient mimics a front end's ``Output`` widget (``ipywidgets.interact`` puts its output in
one). Each time output lands in that widget, nbclient syncs the widget state back to the
kernel with ``jupyter_client.Session.send`` on the *shell* socket. For an asyncio socket
``Session.send`` writes through a raw shadow of the socket (jupyter_client ``session.py``:
``zmq.Socket.shadow(stream.underlying)``), bypassing pyzmq's asyncio bookkeeping. A raw
send runs libzmq's command processing, which consumes the socket's edge-triggered
``ZMQ_FD`` wake-up. If the cell's ``execute_reply`` reached the socket just before that send,
the pending ``await shell_channel.get_msg(timeout)`` is never woken: it sleeps the whole
cell timeout, then finds the reply and carries on (no error, just a silent gap of one
timeout, with the kernel idle). Measured here (6 s cell timeout, 40 ``interact`` cells per
notebook): 8 of 480 and 37 of 1,000 cells stalled in two runs with stock nbclient 0.11 /
jupyter_client 8.10 / pyzmq 27.3; 0 of 1,000 with this fix.
Same mechanism as jupyter/jupyter_client#1059 (client side) and ipython/ipykernel#1529
(the kernel-side twin, already fixed in the ipykernel 7.4 installed here).

The fix: after each such send, read ``zmq.EVENTS`` through the asyncio socket. pyzmq's
asyncio socket re-checks its events whenever ``EVENTS`` is read and wakes any waiting
receive, so a reply that arrived in the window is delivered at once.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=None)
def _rearming_output_widget() -> type:
    """The nbclient Output-widget mimic that re-arms the shell socket after each send."""
    import zmq
    from nbclient.output_widget import OutputWidget

    class RearmingOutputWidget(OutputWidget):
        """nbclient's Output widget mimic; wakes the shell socket's waiters after a send."""

        def send(self, data: dict | None = None, metadata: dict | None = None,
                 buffers: list | None = None) -> None:
            super().send(data, metadata, buffers)
            socket = self.kernel_client.shell_channel.socket
            if socket is not None and not socket.closed:
                socket.get(zmq.EVENTS)   # asyncio socket: re-checks events, wakes get_msg

    return RearmingOutputWidget


def notebook_client(nb: Any, **kwargs: Any) -> Any:
    """An ``nbclient.NotebookClient`` for ``nb`` that cannot stall on widget output.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The notebook to execute (modified in place by ``execute()``).
    **kwargs
        Passed to ``NotebookClient`` (``timeout``, ``kernel_name``, ``resources``...).

    Returns
    -------
    nbclient.NotebookClient
        Ready to ``execute()``; its Output-widget mimic re-arms the shell socket.

    Examples
    --------
    >>> import nbformat
    >>> client = notebook_client(nbformat.v4.new_notebook(), timeout=30)
    >>> client.widget_registry["@jupyter-widgets/output"]["OutputModel"].__name__
    'RearmingOutputWidget'
    """
    from nbclient import NotebookClient

    client = NotebookClient(nb, **kwargs)
    client.widget_registry = {**client.widget_registry,
                              "@jupyter-widgets/output": {"OutputModel": _rearming_output_widget()}}
    return client
