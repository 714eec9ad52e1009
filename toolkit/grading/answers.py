"""A safe way to carry a student's answers between processes: JSON only, never pickle.

Numbers, strings, lists, tuples, sets, dicts, numpy arrays and pandas tables survive the trip;
anything else (functions, models, open files) arrives as an `Unsupported` marker, so a test
that needs it fails instead of running code from the submission.
"""
from __future__ import annotations

import json
from typing import Any

__all__ = ["Unsupported", "encode", "decode", "dumps", "loads"]


class Unsupported:
    """Stands in for a value that could not be carried over safely."""

    def __init__(self, type_name: str):
        self.type_name = type_name

    def __repr__(self) -> str:
        return f"<unsupported answer of type {self.type_name}>"


def encode(value: Any) -> Any:
    """Turn a value into plain JSON data (see module docstring for what is kept)."""
    import numpy as np

    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray) and value.dtype.kind in "biufcUS":
        data = value.astype(str) if value.dtype.kind in "US" else value
        return {"__ndarray__": data.tolist(), "dtype": str(value.dtype)}
    if isinstance(value, (list, tuple, set)):
        tag = {list: "__list__", tuple: "__tuple__", set: "__set__"}[type(value)]
        return {tag: [encode(v) for v in value]}
    if isinstance(value, dict):
        return {"__dict__": [[encode(k), encode(v)] for k, v in value.items()]}
    pandas_kind = type(value).__name__ if type(value).__module__.startswith("pandas") else None
    if pandas_kind in ("DataFrame", "Series"):
        return {"__pandas__": pandas_kind, "json": value.to_json(orient="split", double_precision=15)}
    return {"__unsupported__": type(value).__name__}


def decode(data: Any) -> Any:
    """Inverse of `encode`."""
    if not isinstance(data, dict):
        return data
    if "__ndarray__" in data:
        import numpy as np

        return np.asarray(data["__ndarray__"], dtype=data["dtype"])
    if "__list__" in data:
        return [decode(v) for v in data["__list__"]]
    if "__tuple__" in data:
        return tuple(decode(v) for v in data["__tuple__"])
    if "__set__" in data:
        return {decode(v) for v in data["__set__"]}
    if "__dict__" in data:
        return {decode(k): decode(v) for k, v in data["__dict__"]}
    if "__pandas__" in data:
        import io

        import pandas as pd

        reader = pd.read_json if data["__pandas__"] == "DataFrame" else (
            lambda s, **kw: pd.read_json(s, typ="series", **kw))
        return reader(io.StringIO(data["json"]), orient="split")
    return Unsupported(str(data.get("__unsupported__", "unknown")))


def dumps(answers: dict[str, Any]) -> str:
    """Encode a dict of answers to a JSON string.

    Examples
    --------
    >>> import numpy as np
    >>> loads(dumps({"freq": np.array([0.5, 0.25]), "n": 3}))["freq"]
    array([0.5 , 0.25])
    """
    return json.dumps({name: encode(value) for name, value in answers.items()})


def loads(text: str) -> dict[str, Any]:
    """Decode answers written by `dumps`."""
    return {name: decode(value) for name, value in json.loads(text).items()}
