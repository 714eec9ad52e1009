"""Kernel detection and the one-line feedback printer."""
from __future__ import annotations

__all__ = ["in_kernel", "show_line"]


def in_kernel() -> bool:
    """True inside a running Jupyter kernel (where Markdown display and widgets work).

    Examples
    --------
    >>> in_kernel()
    False
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    return getattr(get_ipython(), "kernel", None) is not None


def show_line(line: str, data: dict | None = None) -> None:
    """Show one feedback line: rendered Markdown in a kernel, plain ``print`` elsewhere.

    ``data`` adds more representations to the kernel's display (mime type -> value), e.g. a
    checkpoint's question for the course website; JupyterLab shows the Markdown line.

    Examples
    --------
    >>> show_line("✅ Checkpoint 1.1: correct.")
    ✅ Checkpoint 1.1: correct.
    """
    if in_kernel():
        from IPython.display import display

        display({"text/markdown": line, "text/plain": line, **(data or {})}, raw=True)
    else:
        print(line)
