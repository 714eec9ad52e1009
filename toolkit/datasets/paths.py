"""Where downloaded data lives: one folder per user, plus an optional shared classroom folder."""
from __future__ import annotations

import os
from pathlib import Path

__all__ = ["get_data_dir", "get_shared_data_dir"]

DATA_ENV = "TOOLKIT_DATA"
SHARED_ENV = "TOOLKIT_SHARED_DATA"


def get_data_dir(data_dir: str | os.PathLike | None = None) -> Path:
    """The folder downloads are cached in: ``data_dir``, else ``$TOOLKIT_DATA``, else the
    user's cache folder (e.g. ``~/.cache/toolkit`` on Linux).

    Examples
    --------
    >>> get_data_dir("/tmp/course-data")
    PosixPath('/tmp/course-data')
    """
    if data_dir is not None:
        return Path(data_dir).expanduser()
    if os.environ.get(DATA_ENV):
        return Path(os.environ[DATA_ENV]).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("toolkit"))


def get_shared_data_dir() -> Path | None:
    """A read-only classroom cache checked before downloading (``$TOOLKIT_SHARED_DATA``), or None."""
    value = os.environ.get(SHARED_ENV)
    return Path(value).expanduser() if value else None
