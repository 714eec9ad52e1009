"""Parameter validation with the course's error wording ("must be one of …; got …")."""
from __future__ import annotations

from typing import Any, Iterable

__all__ = ["check_one_of"]


def check_one_of(name: str, value: Any, choices: Iterable[Any], hint: str = "") -> Any:
    """Return ``value`` if it is one of ``choices``, else raise a ValueError that names them.

    Parameters
    ----------
    name : str
        The parameter's name as the learner typed it, e.g. ``"method"``.
    value : object
        The value received.
    choices : iterable
        The allowed values, listed in the message in the order given.
    hint : str, optional
        One sentence on what to do next, appended to the message.

    Raises
    ------
    ValueError
        ``"<name> must be one of [...]; got <value>."`` followed by ``hint``.

    Examples
    --------
    >>> check_one_of("method", "mean", ("mean", "median"))
    'mean'
    >>> check_one_of("method", "mode", ("mean", "median"))
    Traceback (most recent call last):
    ...
    ValueError: method must be one of ['mean', 'median']; got 'mode'.
    """
    choices = list(choices)
    if value not in choices:
        message = f"{name} must be one of {choices}; got {value!r}."
        raise ValueError(f"{message} {hint}".rstrip())
    return value
