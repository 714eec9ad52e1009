"""Structure files: the shipped AlphaFold PTEN model, a short PDB ``ATOM`` parser, one row per residue,
and downloads from AlphaFold DB.

Taught in lesson 22.
"""
from __future__ import annotations

import gzip
import os
from pathlib import Path
import re

import pandas as pd

from .confidence import plddt_band

__all__ = ["SHIPPED_MODEL", "AFDB_FILES", "THREE_TO_ONE", "ONE_TO_THREE", "shipped_model_path",
           "load_alphafold_pten", "read_atoms", "residue_table", "fetch_alphafold"]

SHIPPED_MODEL = "AF-P60484-F1-model_v6.pdb"

AFDB_FILES = "https://alphafold.ebi.ac.uk/files/"

THREE_TO_ONE = {"ALA": "A", "ARG": "R", "ASN": "N", "ASP": "D", "CYS": "C", "GLN": "Q",
                "GLU": "E", "GLY": "G", "HIS": "H", "ILE": "I", "LEU": "L", "LYS": "K",
                "MET": "M", "PHE": "F", "PRO": "P", "SER": "S", "THR": "T", "TRP": "W",
                "TYR": "Y", "VAL": "V"}

ONE_TO_THREE = {one: three.capitalize() for three, one in THREE_TO_ONE.items()}

_UNIPROT = re.compile(r"^([OPQ][0-9][A-Z0-9]{3}[0-9]|[A-NR-Z][0-9]([A-Z][A-Z0-9]{2}[0-9]){1,2})$")


def shipped_model_path() -> Path:
    """Path of the shipped AlphaFold DB model of human PTEN (offline, package data).

    Examples
    --------
    >>> shipped_model_path().name
    'AF-P60484-F1-model_v6.pdb'
    """
    return Path(__file__).resolve().parent.parent / "data" / SHIPPED_MODEL


def load_alphafold_pten() -> pd.DataFrame:
    """Per-residue table (:func:`residue_table`) of the shipped PTEN model; the registry loader.

    Examples
    --------
    >>> load_alphafold_pten().loc[124, ["resname", "band"]].tolist()
    ['CYS', 'very high']
    """
    return residue_table(read_atoms(shipped_model_path()))


def _open_text(path: Path) -> list[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="ascii", errors="replace") as handle:
        return handle.read().splitlines()


def read_atoms(path: str | os.PathLike) -> pd.DataFrame:
    """Read the ``ATOM`` records of the first model of a PDB file (plain or ``.gz``).

    A teaching parser: PDB is a fixed-column format, so each field is a slice of the line
    (serial 7-11, atom name 13-16, residue 18-20, chain 22, number 23-26, x/y/z 31-54,
    occupancy 55-60, B-factor 61-66; 1-based columns). Ligands (``HETATM``) are skipped, and
    of atoms with alternate locations (column 17) only the first (blank or ``A``) is kept.

    Returns
    -------
    pandas.DataFrame
        One row per atom: serial, atom, resname, chain, resnum, x, y, z, occupancy, b_factor.

    Raises
    ------
    FileNotFoundError, ValueError
        Missing file, or a file without ATOM records (e.g. an mmCIF file).

    Examples
    --------
    >>> atoms = read_atoms(shipped_model_path())
    >>> row = atoms.iloc[1]
    >>> row["atom"], row["resname"], int(row["resnum"]), float(row["b_factor"])
    ('CA', 'MET', 1, 54.94)
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such structure file; pass the path of a .pdb file.")
    rows = []
    for line in _open_text(path):
        if line.startswith("ENDMDL"):
            break
        if line.startswith("ATOM  ") and line[16] in " A":
            rows.append((int(line[6:11]), line[12:16].strip(), line[17:20], line[21],
                         int(line[22:26]), float(line[30:38]), float(line[38:46]),
                         float(line[46:54]), float(line[54:60]), float(line[60:66])))
    if not rows:
        raise ValueError(f"{path}: no ATOM records; is it a PDB-format file (not mmCIF)?")
    return pd.DataFrame(rows, columns=["serial", "atom", "resname", "chain", "resnum", "x", "y",
                                       "z", "occupancy", "b_factor"])


def residue_table(atoms: pd.DataFrame, chain: str | None = None) -> pd.DataFrame:
    """One row per residue (its C-alpha atom): chain, resnum, resname, aa, x, y, z, plddt, band.

    ``plddt`` is the C-alpha B-factor: in an AlphaFold model it is the confidence, in an
    experimental structure it is a B-factor (atomic mobility) and the band is meaningless.
    The index is the residue number.

    Examples
    --------
    >>> table = residue_table(read_atoms(shipped_model_path()))
    >>> table.at[130, "aa"], float(table.at[130, "plddt"]), table.at[130, "band"]
    ('R', 98.38, 'very high')
    """
    ca = atoms[atoms["atom"] == "CA"]
    chains = ca["chain"].unique()
    chain = chains[0] if chain is None else chain
    if chain not in chains:
        raise ValueError(f"chain {chain!r} not in this structure; it has {list(chains)}.")
    ca = ca[ca["chain"] == chain]
    table = pd.DataFrame({"chain": ca["chain"].to_numpy(), "resnum": ca["resnum"].to_numpy(),
                          "resname": ca["resname"].to_numpy(),
                          "aa": ca["resname"].map(THREE_TO_ONE).fillna("X").to_numpy(),
                          "x": ca["x"].to_numpy(), "y": ca["y"].to_numpy(),
                          "z": ca["z"].to_numpy(), "plddt": ca["b_factor"].to_numpy()})
    table["band"] = plddt_band(table["plddt"])
    return table.set_index("resnum", drop=False).rename_axis(None)


def fetch_alphafold(uniprot_id: str, version: int = 6,
                    data_dir: str | os.PathLike | None = None,
                    known_hash: str | None = None) -> Path:
    """Download the AlphaFold DB model (PDB format) of one UniProt accession, once, into the cache.

    Uses :func:`toolkit.datasets.downloads.fetch_file` (cache folder ``<data dir>/alphafold``,
    classroom copy in ``$TOOLKIT_SHARED_DATA/alphafold`` first). AlphaFold DB publishes no
    checksums: pass ``known_hash="sha256:..."`` to pin a file; without it a warning prints
    the file's SHA-256 so you can record it.

    Raises
    ------
    ValueError
        Not a UniProt accession (e.g. a gene name).
    toolkit.datasets.DatasetDownloadError
        Offline or not found; the message says where to put a hand-downloaded copy.

    Examples
    --------
    >>> fetch_alphafold("P04637")  # doctest: +SKIP
    PosixPath('.../alphafold/AF-P04637-F1-model_v6.pdb')
    """
    from toolkit.datasets.downloads import fetch_file
    from toolkit.datasets.registry import RemoteFile

    accession = str(uniprot_id).strip().upper()
    if not _UNIPROT.match(accession):
        raise ValueError(f"{uniprot_id!r} is not a UniProt accession (like 'P60484' for PTEN); "
                         "look the protein up on https://www.uniprot.org first.")
    name = f"AF-{accession}-F1-model_v{int(version)}.pdb"
    return fetch_file(RemoteFile(name, AFDB_FILES + name, known_hash), "alphafold", data_dir)
