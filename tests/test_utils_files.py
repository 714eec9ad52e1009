"""toolkit._utils.files.atomic_write: a file is complete or absent, and it is the one such helper."""
from __future__ import annotations

import re

import numpy as np
import pytest
from helpers import ROOT

from toolkit._utils.files import atomic_write

# Renames that are not the write-then-rename pattern, or that belong to another change:
_OTHER_RENAMES = {
    "toolkit/_utils/files.py": "the helper itself",
    "toolkit/datasets/bundle.py": "a resumable download keeps <file>.part across runs (HTTP Range)",
    "toolkit/genomics/zarr_store.py": "a whole Zarr folder swapped in place (issue #34: bio2zarr rewrite)",
}


def test_writes_the_file_and_leaves_no_temporary(tmp_path):
    out = atomic_write(tmp_path / "a.txt", lambda tmp: tmp.write_text("hello"))
    assert out == tmp_path / "a.txt" and out.read_text() == "hello"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_a_failing_writer_keeps_the_old_file_and_removes_the_temporary(tmp_path):
    out = tmp_path / "a.txt"
    out.write_text("old")

    def half_then_fail(tmp):
        tmp.write_text("half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic_write(out, half_then_fail)
    assert out.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_the_temporary_name_keeps_the_extension_writers_look_at(tmp_path):
    import nibabel as nib

    seen = []

    def save(tmp):
        seen.append(tmp.name)
        nib.save(nib.Nifti1Image(np.zeros((2, 2, 2), np.int16), np.eye(4)), tmp)

    out = atomic_write(tmp_path / "cube.nii.gz", save)
    assert seen[0].startswith(".") and seen[0].endswith("cube.nii.gz")
    assert nib.load(out).shape == (2, 2, 2) and out.read_bytes()[:2] == b"\x1f\x8b"  # gzip, as named


def test_toolkit_writers_use_the_helper_not_their_own_rename():
    pattern = re.compile(r"os\.replace\(|os\.rename\(|\.replace\(dest\)|\.rename\(tmp|\.replace\(tmp")
    own = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "toolkit").rglob("*.py")
                 if pattern.search(p.read_text(encoding="utf-8"))
                 and str(p.relative_to(ROOT)) not in _OTHER_RENAMES)
    assert own == [], f"write through toolkit._utils.files.atomic_write instead of renaming by hand in {own}"
