"""Write a file so that it is either complete or absent: never half-written.

Used by every toolkit writer (DICOM, de-identified DICOM, VCF, the cohort's files). The data go
to a hidden temporary name in the same folder, which ends with the final name (so writers that
look at the extension, like nibabel's ``.nii.gz``, still see it), then ``os.replace`` renames
it in one step; an error removes the temporary file and re-raises.
"""
from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path

__all__ = ["atomic_write"]


def atomic_write(path: str | os.PathLike, write: Callable[[Path], object]) -> Path:
    """Call ``write(tmp)`` with a temporary path beside ``path``, then rename it to ``path``.

    If ``write`` raises (or the process is interrupted), ``path`` keeps its old content or stays
    absent; the temporary file is removed on an exception. The folder must exist.

    Parameters
    ----------
    path : path
        The final file name.
    write : callable
        Writes the whole file to the path it receives (e.g. ``ds.save_as`` or ``frame.to_csv``).

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp()) / "table.csv"
    >>> atomic_write(out, lambda tmp: tmp.write_text("a,b\\n1,2\\n")).read_text()
    'a,b\\n1,2\\n'
    >>> sorted(p.name for p in out.parent.iterdir())  # no temporary file left
    ['table.csv']
    """
    path = Path(path)
    tmp = path.with_name(f".tmp-{secrets.token_hex(4)}-{path.name}")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path
