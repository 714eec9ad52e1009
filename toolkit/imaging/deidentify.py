"""De-identify DICOM files with the DICOM Basic Application Level Confidentiality Profile.

DICOM PS3.15 Annex E, Table E.1-1 (2026c edition) lists every standard attribute that can
identify a patient and what to do with it. The table ships with the toolkit as data
(``data/ps315_basic_profile.csv``) and `load_basic_profile` reads it. Action codes:

========  ==================================================================================
X         remove the attribute
Z         keep it, empty (zero length)
D         replace with a dummy value of the right kind (dates: shifted, see below)
U         replace the UID with a new one, the same new UID everywhere it appears
X/Z       Z here (valid whatever the attribute's Type)
X/D, Z/D  D here
X/Z/D     D here
X/Z/U*    keep the sequence; its items are cleaned with the same table (UIDs remapped)
========  ==================================================================================

The composite codes mean "X, Z or D depending on the attribute's Type in this object";
without the IOD tables we choose the option that is valid for every Type.

With ``dates="shift"`` (the profile's "Retain Longitudinal Temporal Information with Modified
Dates" option) every date (DA) and date-time (DT) the table lists, except those to remove (X),
is moved back by the same number of days for all files of one patient, so intervals survive.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import os
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from .._utils.files import atomic_write
from .._utils.validation import check_one_of

if TYPE_CHECKING:  # for the annotations only; imported inside the functions
    import pandas

__all__ = ["load_basic_profile", "deidentify", "deidentify_dataset", "new_uid"]

PROFILE_CSV = Path(__file__).parent / "data" / "ps315_basic_profile.csv"
PROFILE_EDITION = "2026c"
RESOLVE = {"X": "X", "Z": "Z", "D": "D", "U": "U", "X/Z": "Z", "X/D": "D", "Z/D": "D",
           "X/Z/D": "D", "X/Z/U*": "U*"}
DUMMY_TEXT = "ANONYMIZED"
TEXT_VRS = {"AE", "AS", "CS", "DA", "DS", "DT", "IS", "LO", "LT", "PN", "SH", "ST", "TM", "UC",
            "UI", "UR", "UT"}
FLAG_MODALITIES = {"US", "SC", "OT", "XC", "ES"}  # often carry burned-in text


def load_basic_profile() -> "pandas.DataFrame":
    """The Basic Profile table (PS3.15 Table E.1-1): one row per attribute with its action.

    Returns
    -------
    DataFrame
        Columns ``tag`` ("0010,0010"; "60xx,3000" stands for a repeating group), ``keyword``,
        ``name``, ``action`` (X, Z, D, U or a composite such as X/Z/D).

    Examples
    --------
    >>> profile = load_basic_profile()
    >>> profile.set_index("keyword").loc["PatientName", "action"]
    'Z'
    >>> len(profile) > 600
    True

    Taught in lesson 08.
    """
    import pandas as pd

    return pd.read_csv(PROFILE_CSV, comment="#", dtype=str, keep_default_na=False)


@lru_cache(maxsize=1)
def _rules() -> tuple[dict, list]:
    """Exact tags -> (code, keyword), and masked rules for repeating groups (50xx, 60xx)."""
    exact, masked = {}, []
    for tag, keyword, name, code in load_basic_profile().itertuples(index=False):
        group, element = tag.split(",")
        if "x" in tag:
            value = int(group.replace("x", "0"), 16) << 16 | int(element.replace("x", "0"), 16)
            mask = (0xFF00 if "x" in group else 0xFFFF) << 16 | (0 if "x" in element else 0xFFFF)
            masked.append((value, mask, code, keyword or name))
        else:
            exact[int(group, 16) << 16 | int(element, 16)] = (code, keyword or name)
    return exact, masked


def _rule(tag: int) -> tuple[str, str] | None:
    exact, masked = _rules()
    if tag in exact:
        return exact[tag]
    for value, mask, code, name in masked:
        if tag & mask == value:
            return code, name
    return None


def new_uid(uid: str, salt: str) -> str:
    """A new UID for ``uid``: ``2.25.`` + the first 128 bits of SHA-256(salt, uid) as a number.

    The same ``uid`` and ``salt`` always give the same answer, so references between files
    still match after de-identification; without the salt it cannot be reversed.

    Examples
    --------
    >>> new_uid("1.2.3", salt="course")[:5], len(new_uid("1.2.3", salt="course")) <= 64
    ('2.25.', True)
    >>> new_uid("1.2.3", salt="course") == new_uid("1.2.3", salt="course")
    True

    Used by ``deidentify`` (lesson 08) for every UID it replaces.
    """
    digest = hashlib.sha256(f"{salt}|uid|{uid}".encode()).digest()[:16]
    return "2.25." + str(int.from_bytes(digest, "big"))


@dataclass
class _Context:
    """What one file's cleaning needs: the salt, the patient's date shift, the change log."""

    salt: str
    shift_days: int | None
    remove_private: bool
    file: str
    rows: list = field(default_factory=list)

    def log(self, path: str, tag: int, keyword: str, rule: str, change: str, new="") -> None:
        new = "" if new is None else str(new)
        self.rows.append({"file": self.file, "path": path, "tag": _tag_text(tag),
                          "keyword": keyword, "rule": rule, "change": change,
                          "new_value": new if len(new) <= 64 else new[:61] + "..."})


def _tag_text(tag: int) -> str:
    return f"({tag >> 16:04X},{tag & 0xFFFF:04X})"


def _shift_date(value: str, days: int) -> str | None:
    """YYYYMMDD[...] moved by ``days``; None when the value is not a full date."""
    try:
        date = _dt.datetime.strptime(value[:8], "%Y%m%d").date() + _dt.timedelta(days=days)
    except ValueError:
        return None
    return date.strftime("%Y%m%d") + value[8:]


def _dummy(elem, ctx: _Context):
    """A non-empty replacement of the right VR (dates shifted when asked)."""
    vr, value = elem.VR, elem.value
    if vr in ("DA", "DT"):
        shifted = [_shift_date(str(v), ctx.shift_days) if ctx.shift_days is not None else None
                   for v in (value if elem.VM > 1 else [value])]
        if shifted and all(shifted):
            return shifted if len(shifted) > 1 else shifted[0]
        return "19000101" if vr == "DA" else "19000101000000"
    if vr == "TM":
        return "000000.00"
    if vr == "UI":
        return new_uid(str(value), ctx.salt)
    if vr in ("IS", "DS"):
        return "0"
    if vr == "AS":
        return "000Y"
    if vr in ("US", "UL", "SS", "SL", "FL", "FD", "SV", "UV", "AT"):
        return 0
    if vr in ("OB", "OW", "OD", "OF", "OL", "OV", "UN"):
        return b"\x00\x00"
    if elem.keyword == "PatientID":
        return "ANON-" + hashlib.sha256(f"{ctx.salt}|pid|{value}".encode()).hexdigest()[:10].upper()
    return DUMMY_TEXT


def _apply(ds, elem, code: str, keyword: str, path: str, ctx: _Context) -> None:
    """Carry out one profile action on one element of ``ds``."""
    action = RESOLVE[code]
    if action != "X" and elem.VR in ("DA", "DT") and ctx.shift_days is not None:
        action = "D"  # modified-dates option: shift rather than empty
    if action == "X":
        del ds[elem.tag]
        ctx.log(path, elem.tag, keyword, code, "removed")
    elif elem.VR == "SQ":  # Z empties a sequence; D, U and U* clean its items
        if action == "Z":
            elem.value = []
            ctx.log(path, elem.tag, keyword, code, "emptied")
        else:
            _clean_items(elem, path, ctx)
    elif action == "Z":
        if elem.value not in (None, "", b"", []):
            elem.value = "" if elem.VR in TEXT_VRS else None
            ctx.log(path, elem.tag, keyword, code, "emptied")
    elif elem.value not in (None, "", b"", []):
        new = [new_uid(str(v), ctx.salt) for v in elem.value] if (
            elem.VR == "UI" and elem.VM > 1) else _dummy(elem, ctx)
        change = ("uid remapped" if elem.VR == "UI" else "date shifted"
                  if elem.VR in ("DA", "DT") and ctx.shift_days is not None else "replaced")
        elem.value = new
        ctx.log(path, elem.tag, keyword, code, change, new)


def _clean_items(seq_elem, path: str, ctx: _Context) -> None:
    for n, item in enumerate(seq_elem.value):
        _clean(item, f"{path}[{n}].", ctx)


def _clean(ds, prefix: str, ctx: _Context) -> None:
    """Apply the profile to every element of ``ds``, recursing into sequences."""
    for elem in list(ds):
        tag, path = int(elem.tag), prefix + _tag_text(int(elem.tag))
        if elem.tag.is_private and ctx.remove_private:
            del ds[elem.tag]
            ctx.log(path, tag, "(private)", "private", "removed")
            continue
        rule = _rule(tag)
        if rule is not None:
            _apply(ds, elem, rule[0], rule[1], path, ctx)
        elif elem.VR == "SQ":
            _clean_items(elem, path, ctx)


def _shift_for(patient_id: str, salt: str) -> int:
    """Days to move this patient's dates: 365 to 3650 days back, fixed by salt and patient ID."""
    digest = hashlib.sha256(f"{salt}|dates|{patient_id}".encode()).digest()
    return -(365 + int.from_bytes(digest[:4], "big") % 3286)


def _mark(ds, dates: str) -> None:
    """Say in the file itself that, and how, it was de-identified (PS3.15 E.1.1, PS3.16 CID 7050)."""
    from pydicom.dataset import Dataset

    codes = [("113100", "Basic Application Confidentiality Profile")]
    if dates == "shift":
        codes.append(("113107", "Retain Longitudinal Temporal Information Modified Dates Option"))
        ds.LongitudinalTemporalInformationModified = "MODIFIED"
    ds.PatientIdentityRemoved = "YES"
    ds.DeidentificationMethod = [f"PS3.15 E.1-1 Basic Profile ({PROFILE_EDITION} table)",
                                 "toolkit.imaging.deidentify"]
    items = []
    for value, meaning in codes:
        item = Dataset()
        item.CodeValue, item.CodingSchemeDesignator, item.CodeMeaning = value, "DCM", meaning
        items.append(item)
    ds.DeidentificationMethodCodeSequence = items


def _burned_in(ds, ctx: _Context) -> None:
    """Flag pixel data that may show names or dates as text (this function does not clean pixels)."""
    stated = str(ds.get("BurnedInAnnotation", "")).upper()
    if stated == "YES":
        ctx.log("(0028,0301)", 0x00280301, "BurnedInAnnotation", "flag",
                "FLAG: burned-in annotation in pixels; not removed, check and mask by hand")
    elif not stated and "PixelData" in ds and ds.get("Modality", "") in FLAG_MODALITIES:
        ctx.log("(0028,0301)", 0x00280301, "BurnedInAnnotation", "flag",
                f"FLAG: {ds.Modality} image without BurnedInAnnotation; look at the pixels")


def deidentify_dataset(ds, salt: str, dates: str = "shift", remove_private: bool = True,
                       file: str = "") -> list[dict]:
    """De-identify one pydicom ``Dataset`` in place; return the change log (one dict per change).

    `deidentify` calls it for each file; see there for the rules and the parameters.

    Examples
    --------
    >>> from pydicom.data import get_testdata_file
    >>> import pydicom
    >>> ds = pydicom.dcmread(get_testdata_file("MR_small.dcm"))
    >>> changes = deidentify_dataset(ds, salt="demo")
    >>> str(ds.PatientName), ds.PatientIdentityRemoved, ds.StudyInstanceUID[:5]
    ('', 'YES', '2.25.')

    Taught in lesson 08.
    """
    check_one_of("dates", dates, ("shift", "profile"))
    shift = _shift_for(str(ds.get("PatientID", "")), salt) if dates == "shift" else None
    ctx = _Context(salt, shift, remove_private, file)
    _burned_in(ds, ctx)
    if getattr(ds, "file_meta", None) is not None:
        _clean(ds.file_meta, "", ctx)
    _clean(ds, "", ctx)
    _mark(ds, dates)
    for keyword in ("PatientIdentityRemoved", "DeidentificationMethod",
                    "LongitudinalTemporalInformationModified"):
        if keyword in ds:
            elem = ds[keyword]
            ctx.log(_tag_text(int(elem.tag)), int(elem.tag), keyword, "", "added", elem.value)
    return ctx.rows


def _read_any(path: Path):
    """A full DICOM dataset, also for files without the 'DICM' preamble; None if not DICOM."""
    import pydicom
    from pydicom.errors import InvalidDicomError

    try:
        return pydicom.dcmread(path)
    except InvalidDicomError:
        try:
            ds = pydicom.dcmread(path, force=True)
        except Exception:
            return None
        return ds if "SOPClassUID" in ds else None


def _pairs(src: Path, dst: Path) -> list[tuple[Path, Path]]:
    """(input, output) file pairs; refuses to write into or over the source."""
    src, dst = src.resolve(), dst.resolve()
    if not src.exists():
        raise FileNotFoundError(f"source {str(src)!r} is missing; expected a DICOM file or folder")
    if src.is_file():
        out = dst / src.name if dst.is_dir() else dst
        if out == src:
            raise ValueError(f"dst must differ from src; got {str(dst)!r} for both. "
                             "De-identification never overwrites the original.")
        return [(src, out)]
    if dst == src or src in dst.parents:
        raise ValueError(f"dst must be outside the source folder; got {str(dst)!r} inside "
                         f"{str(src)!r}. Choose a new folder, e.g. {str(src)}_deid.")
    return [(p, dst / p.relative_to(src)) for p in sorted(src.rglob("*")) if p.is_file()]


def _safe_name(ds, keyword: str) -> str:
    """A (de-identified) attribute value usable as a file name."""
    value = str(ds.get(keyword, "") or "unknown")
    return "".join(c if c.isalnum() or c in ".-_" else "_" for c in value)


def _write(ds, out: Path) -> None:
    """Write to a temporary name beside ``out``, then rename: never a half-written file."""
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(out, ds.save_as)


def deidentify(src: str | os.PathLike, dst: str | os.PathLike, *, salt: str,
               dates: str = "shift", remove_private: bool = True,
               rename: bool = False) -> "pandas.DataFrame":
    """De-identify a DICOM file or a folder of them with the PS3.15 Basic Profile.

    Before images leave the hospital for research, every attribute that could name the
    patient is removed, emptied or replaced; this function does it and lists each change.

    Parameters
    ----------
    src : path
        A DICOM file or a folder (searched recursively). Never modified.
    dst : path
        Output file, or folder (the source's sub-folders and file names are kept; file
        names can themselves identify: check them). Must not be inside ``src``.
    salt : str
        Project secret. UIDs (``2.25.`` + hash), pseudonymous Patient IDs and date shifts are
        derived from it, so the same salt maps the same patient and study the same way in
        every batch, and references between files (e.g. a segmentation pointing at its CT)
        still resolve. Keep it private: with it, the mapping can be recomputed.
    dates : {"shift", "profile"}, default "shift"
        "shift": move all listed dates back by 1-9 years, the same shift for every file of a
        patient (the Modified Dates option); "profile": the table's action (mostly empty).
    remove_private : bool, default True
        Remove all private (vendor) attributes, which can hold names and IDs.
    rename : bool, default False
        For a source folder: name outputs ``<new PatientID>/<new SeriesInstanceUID>/<new
        SOPInstanceUID>.dcm`` instead of copying the source's folder and file names, which
        often contain names or hospital numbers.

    Returns
    -------
    DataFrame
        One row per change: ``file``, ``path`` (tag path through sequences), ``tag``,
        ``keyword``, ``rule`` (profile code), ``change`` (removed, emptied, replaced, uid
        remapped, date shifted, added, FLAG ..., skipped ...), ``new_value``. Original values
        are never shown. Rows whose ``change`` starts with "FLAG" need a person to look at the
        pixels: this function does not remove text burned into the image.

    Raises
    ------
    FileNotFoundError
        ``src`` is missing.
    ValueError
        ``dst`` equals ``src`` or lies inside it; empty ``salt``; unknown ``dates``.

    Notes
    -----
    DICOM PS3.15 (2026c) Annex E, Table E.1-1; the action codes are explained in the module
    docstring. The profile removes identifying *attributes*; faces in head scans, text in
    pixels and rare diagnoses can still identify a person (Schwarz et al., NEJM 2019).

    Examples
    --------
    >>> from pydicom.data import get_testdata_file
    >>> report = deidentify(get_testdata_file("CT_small.dcm"), "ct_deid.dcm",
    ...                     salt="my-project")  # doctest: +SKIP
    >>> report.set_index("keyword").loc["PatientName", "change"]  # doctest: +SKIP
    'emptied'

    Taught in lesson 08.
    """
    import pandas as pd

    if not isinstance(salt, str) or not salt:
        raise ValueError("salt must be a non-empty string (a project secret); got "
                         f"{salt!r}. Example: salt='trial-042-secret'")
    rows = []
    for path, out in _pairs(Path(src), Path(dst)):
        ds = _read_any(path)
        if ds is None:
            rows.append({"file": str(out), "change": "skipped: not a DICOM file (not copied)"})
            continue
        changes = deidentify_dataset(ds, salt, dates, remove_private, file=str(out))
        if rename and Path(src).is_dir():
            out = Path(dst).resolve() / _safe_name(ds, "PatientID") / _safe_name(
                ds, "SeriesInstanceUID") / f"{_safe_name(ds, 'SOPInstanceUID')}.dcm"
            changes = [dict(row, file=str(out)) for row in changes]
        rows += changes
        _write(ds, out)
    report = pd.DataFrame(rows, columns=["file", "path", "tag", "keyword", "rule", "change",
                                         "new_value"]).fillna("")
    flagged = report.loc[report["change"].str.startswith("FLAG"), "file"].unique()
    if len(flagged):
        warnings.warn(f"{len(flagged)} file(s) may show identifying text in the pixels "
                      f"(e.g. {Path(flagged[0]).name}); see rows whose change starts with FLAG",
                      UserWarning, stacklevel=2)
    return report
