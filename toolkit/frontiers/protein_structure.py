"""Protein structures for lesson 22: read a model, pLDDT, burial, missense variants, 3D view.

The toolkit ships one real, unmodified AlphaFold DB model: human PTEN (UniProt P60484,
``AF-P60484-F1-model_v6.pdb``, CC BY 4.0; data card ``datasets/alphafold_pten.md``). Its
B-factor column holds pLDDT, AlphaFold's per-residue confidence (0-100). Other proteins
can be downloaded with :func:`fetch_alphafold` (cached, clear message when offline).

PDB files are read by a short teaching parser of the fixed-column ``ATOM`` records
(:func:`read_atoms`); the tests check it against biotite. Burial is measured two ways:
:func:`count_contacts` (number of C-alpha atoms within 10 angstrom, a proxy that needs only
the backbone) and :func:`relative_accessibility` (Shrake-Rupley solvent accessible surface
via biotite, divided by the residue's maximum, Tien et al. 2013).

Examples
--------
>>> table = residue_table(read_atoms(shipped_model_path()))
>>> len(table), "".join(table["aa"].head(6))
(403, 'MTAIIK')
>>> map_variants(table, ["p.Arg130Gly"])[["variant", "ref", "plddt", "band"]].to_dict("records")
[{'variant': 'p.Arg130Gly', 'ref': 'R', 'plddt': 98.38, 'band': 'very high'}]

Taught in lesson 22.
"""
from __future__ import annotations

import gzip
import os
import re
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

__all__ = ["SHIPPED_MODEL", "PLDDT_BANDS", "shipped_model_path", "load_alphafold_pten",
           "read_atoms", "residue_table", "plddt_band", "band_summary", "parse_missense",
           "map_variants", "residue_distance", "neighbours", "count_contacts",
           "relative_accessibility", "view_plddt", "view_structure_3d", "fetch_alphafold",
           "BAND_COLOURS"]

SHIPPED_MODEL = "AF-P60484-F1-model_v6.pdb"
AFDB_FILES = "https://alphafold.ebi.ac.uk/files/"
# AlphaFold DB confidence bands (Jumper et al. 2021; AlphaFold DB FAQ): lower bound, label.
PLDDT_BANDS = ((90.0, "very high"), (70.0, "confident"), (50.0, "low"), (-np.inf, "very low"))
BAND_COLOURS = {"very high": "#0053D6", "confident": "#65CBF3", "low": "#FFDB13",
                "very low": "#FF7D45"}  # the AlphaFold DB colour scheme
THREE_TO_ONE = {"ALA": "A", "ARG": "R", "ASN": "N", "ASP": "D", "CYS": "C", "GLN": "Q",
                "GLU": "E", "GLY": "G", "HIS": "H", "ILE": "I", "LEU": "L", "LYS": "K",
                "MET": "M", "PHE": "F", "PRO": "P", "SER": "S", "THR": "T", "TRP": "W",
                "TYR": "Y", "VAL": "V"}
ONE_TO_THREE = {one: three.capitalize() for three, one in THREE_TO_ONE.items()}
# Theoretical maximum accessible surface area (angstrom^2), Tien et al. 2013, PLoS ONE 8:e80635.
MAX_ASA = {"ALA": 129.0, "ARG": 274.0, "ASN": 195.0, "ASP": 193.0, "CYS": 167.0, "GLN": 225.0,
           "GLU": 223.0, "GLY": 104.0, "HIS": 224.0, "ILE": 197.0, "LEU": 201.0, "LYS": 236.0,
           "MET": 224.0, "PHE": 240.0, "PRO": 159.0, "SER": 155.0, "THR": 172.0, "TRP": 285.0,
           "TYR": 263.0, "VAL": 174.0}
_UNIPROT = re.compile(r"^([OPQ][0-9][A-Z0-9]{3}[0-9]|[A-NR-Z][0-9]([A-Z][A-Z0-9]{2}[0-9]){1,2})$")


def shipped_model_path() -> Path:
    """Path of the shipped AlphaFold DB model of human PTEN (offline, package data).

    Examples
    --------
    >>> shipped_model_path().name
    'AF-P60484-F1-model_v6.pdb'
    """
    return Path(__file__).resolve().parent / "data" / SHIPPED_MODEL


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


def plddt_band(plddt: float | Iterable[float]) -> str | np.ndarray:
    """AlphaFold DB confidence band: >90 very high, 70-90 confident, 50-70 low, <=50 very low.

    Examples
    --------
    >>> plddt_band(95.0), plddt_band(70.0), plddt_band(70.01)
    ('very high', 'low', 'confident')
    >>> plddt_band([30, 60]).tolist()
    ['very low', 'low']
    """
    values = np.asarray(plddt, dtype=float)
    labels = np.select([values > 90, values > 70, values > 50],
                       ["very high", "confident", "low"], default="very low")
    return str(labels) if labels.ndim == 0 else labels.astype(object)


def band_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Number and fraction of residues in each pLDDT band (all four bands, in order).

    Examples
    --------
    >>> band_summary(load_alphafold_pten())["residues"].tolist()
    [277, 36, 21, 69]
    """
    order = [label for _, label in PLDDT_BANDS]
    counts = table["band"].value_counts().reindex(order, fill_value=0)
    return pd.DataFrame({"band": order, "residues": counts.to_numpy(),
                         "fraction": (counts / counts.sum()).round(3).to_numpy()})


def parse_missense(hgvs: str) -> tuple[str, int, str]:
    """Split a protein missense variant into (reference, position, alternative) one-letter codes.

    Accepts HGVS (``p.Arg130Gly``, ``p.(Arg130Gly)``) and short (``R130G``) notation.

    Raises
    ------
    ValueError
        Not a single amino-acid substitution (e.g. a stop ``p.Arg130Ter``, a frameshift,
        a synonymous change), with the reason and the expected format.

    Examples
    --------
    >>> parse_missense("p.Arg130Gly"), parse_missense("C124S")
    (('R', 130, 'G'), ('C', 124, 'S'))
    """
    text = str(hgvs).strip()
    three = re.fullmatch(r"(?:p\.)?\(?([A-Z][a-z]{2})(\d+)([A-Z][a-z]{2})\)?", text)
    one = re.fullmatch(r"(?:p\.)?([A-Z])(\d+)([A-Z])", text)
    if three:
        codes = [THREE_TO_ONE.get(three.group(i).upper()) for i in (1, 3)]
        ref, pos, alt = codes[0], int(three.group(2)), codes[1]
    elif one:
        ref, pos, alt = one.group(1), int(one.group(2)), one.group(3)
    else:
        raise ValueError(f"{hgvs!r} is not a protein missense variant; write it like "
                         "'p.Arg130Gly' or 'R130G' (stops, frameshifts and indels are not "
                         "missense).")
    if ref not in ONE_TO_THREE or alt not in ONE_TO_THREE:
        raise ValueError(f"{hgvs!r}: unknown amino acid (use the 20 standard ones; "
                         "'Ter'/'*' is a stop, not a missense change).")
    if ref == alt:
        raise ValueError(f"{hgvs!r} does not change the amino acid (synonymous), not missense.")
    return ref, pos, alt


def map_variants(table: pd.DataFrame, variants: Iterable[str],
                 radius: float = 10.0) -> pd.DataFrame:
    """Place missense variants on the structure: pLDDT, band and burial at each position.

    Raises
    ------
    ValueError
        A position outside the model, or a reference amino acid that differs from the
        model's (usually a different transcript or isoform numbering).

    Examples
    --------
    >>> table = load_alphafold_pten()
    >>> map_variants(table, ["C124S"])[["position", "ref", "alt", "band"]].values.tolist()
    [[124, 'C', 'S', 'very high']]
    >>> map_variants(table, ["p.Arg124Ser"])
    Traceback (most recent call last):
    ...
    ValueError: p.Arg124Ser: the model has Cys (C) at position 124, not Arg. Check the transcript/isoform: this model uses UniProt numbering (residues 1-403).
    """
    contacts = pd.Series(count_contacts(table, radius), index=table.index)
    rows = []
    for variant in variants:
        ref, pos, alt = parse_missense(variant)
        first, last = int(table.index.min()), int(table.index.max())
        if pos not in table.index:
            raise ValueError(f"{variant}: position {pos} is outside the model (residues "
                             f"{first}-{last}).")
        model_aa = table.at[pos, "aa"]
        if model_aa != ref:
            raise ValueError(f"{variant}: the model has {ONE_TO_THREE.get(model_aa, model_aa)} "
                             f"({model_aa}) at position {pos}, not {ONE_TO_THREE[ref]}. Check the "
                             "transcript/isoform: this model uses UniProt numbering (residues "
                             f"{first}-{last}).")
        rows.append({"variant": variant, "position": pos, "ref": ref, "alt": alt,
                     "plddt": table.at[pos, "plddt"], "band": table.at[pos, "band"],
                     "contacts": int(contacts[pos])})
    return pd.DataFrame(rows)


def _coords(table: pd.DataFrame) -> np.ndarray:
    return table[["x", "y", "z"]].to_numpy(dtype=float)


def residue_distance(table: pd.DataFrame, first: int, second: int) -> float:
    """Distance in angstrom between the C-alpha atoms of two residues.

    Examples
    --------
    >>> round(residue_distance(load_alphafold_pten(), 124, 130), 1)
    6.3
    """
    a, b = _coords(table.loc[[first]]), _coords(table.loc[[second]])
    return float(np.linalg.norm(a - b))


def neighbours(table: pd.DataFrame, position: int, radius: float = 8.0) -> pd.DataFrame:
    """Residues whose C-alpha lies within ``radius`` angstrom of ``position`` (itself excluded).

    Examples
    --------
    >>> near = neighbours(load_alphafold_pten(), 130, radius=8.0)
    >>> 124 in near.index, bool(near["distance"].max() <= 8.0)
    (True, True)
    """
    centre = _coords(table.loc[[position]])
    distance = np.linalg.norm(_coords(table) - centre, axis=1)
    near = table.assign(distance=distance.round(2))
    return near[(distance <= radius) & (table.index != position)].sort_values("distance")


def count_contacts(table: pd.DataFrame, radius: float = 10.0) -> np.ndarray:
    """Burial proxy: for each residue, the number of other C-alpha atoms within ``radius``.

    Buried core residues have many neighbours (often 20 or more within 10 angstrom); residues
    on the surface or in floppy tails have few. Needs only C-alpha coordinates.

    Examples
    --------
    >>> counts = count_contacts(load_alphafold_pten())
    >>> int(counts[123]) > int(counts[402])     # catalytic Cys124 vs the C-terminal Val403
    True
    """
    xyz = _coords(table)
    distance = np.linalg.norm(xyz[:, None, :] - xyz[None, :, :], axis=-1)
    return (distance <= radius).sum(axis=1) - 1


def relative_accessibility(path: str | os.PathLike, chain: str | None = None) -> pd.Series:
    """Relative solvent accessibility per residue (0 buried - 1 exposed), via biotite.

    Shrake-Rupley surface (biotite, ProtOr radii, 1.4 angstrom probe) summed per residue and
    divided by the residue type's maximum (Tien et al. 2013). Values can exceed 1 for
    residues at chain ends. Lesson 04's ``rsa`` feature is this number.

    Examples
    --------
    >>> rsa = relative_accessibility(shipped_model_path())
    >>> bool(rsa[124] < 0.1), bool(rsa[403] > 0.5)    # catalytic Cys124 buried, C-terminus exposed
    (True, True)
    """
    import biotite.structure as struc
    import biotite.structure.io.pdb as pdbio

    atoms = pdbio.PDBFile.read(str(path)).get_structure(model=1)
    atoms = atoms[struc.filter_amino_acids(atoms) & (atoms.element != "H")]
    chain = atoms.chain_id[0] if chain is None else chain
    atoms = atoms[atoms.chain_id == chain]
    area = struc.apply_residue_wise(atoms, struc.sasa(atoms, vdw_radii="ProtOr"), np.nansum)
    resnum, resname = struc.get_residues(atoms)
    maximum = np.array([MAX_ASA.get(name, np.nan) for name in resname])
    return pd.Series(area / maximum, index=resnum, name="rsa").round(3)


def _variant_positions(table: pd.DataFrame, variants: Iterable[str] | None) -> pd.DataFrame:
    return map_variants(table, variants) if variants else pd.DataFrame(columns=["variant",
                                                                                "position"])


def view_plddt(table: pd.DataFrame, variants: Iterable[str] | None = None,
               title: str = "pLDDT along the sequence"):
    """Plotly line of pLDDT by residue, band thresholds as dashed lines, variants marked.

    Examples
    --------
    >>> fig = view_plddt(load_alphafold_pten(), ["p.Arg130Gly"])
    >>> [trace.name for trace in fig.data]
    ['pLDDT', 'variants']
    """
    import plotly.graph_objects as go

    fig = go.Figure(go.Scatter(x=table["resnum"], y=table["plddt"], mode="lines",
                               name="pLDDT", line={"color": "#444"}))
    marked = _variant_positions(table, variants)
    fig.add_trace(go.Scatter(x=marked["position"], y=table.loc[marked["position"], "plddt"],
                             mode="markers+text", text=marked["variant"], name="variants",
                             textposition="top center", marker={"size": 10, "color": "red"}))
    for level in (90, 70, 50):
        fig.add_hline(y=level, line_dash="dash", line_color="grey")
    fig.update_layout(title=title, xaxis_title="residue number", yaxis_title="pLDDT",
                      yaxis_range=[0, 105], height=350, template="plotly_white")
    return fig


def view_structure_3d(table: pd.DataFrame, variants: Iterable[str] | None = None,
                      title: str = "C-alpha trace coloured by pLDDT"):
    """Plotly 3D C-alpha trace coloured by pLDDT band; variant residues as large red spheres.

    Plotly ships its JavaScript with the Python package, so the view works offline in
    JupyterLab, Voila and exported HTML (no web viewer library is fetched).

    Examples
    --------
    >>> fig = view_structure_3d(load_alphafold_pten(), ["C124S"])
    >>> fig.data[0].type, len(fig.data)
    ('scatter3d', 6)
    """
    import plotly.graph_objects as go

    fig = go.Figure(go.Scatter3d(x=table["x"], y=table["y"], z=table["z"], mode="lines",
                                 line={"color": "lightgrey", "width": 3}, name="backbone",
                                 hoverinfo="skip"))
    for _, label in PLDDT_BANDS:
        part = table[table["band"] == label]
        fig.add_trace(go.Scatter3d(
            x=part["x"], y=part["y"], z=part["z"], mode="markers", name=f"pLDDT {label}",
            marker={"size": 4, "color": BAND_COLOURS[label]},
            text=[f"{r.resname}{r.resnum} pLDDT {r.plddt:.0f}" for r in part.itertuples()],
            hoverinfo="text"))
    marked = _variant_positions(table, variants)
    spots = table.loc[marked["position"]]
    fig.add_trace(go.Scatter3d(x=spots["x"], y=spots["y"], z=spots["z"], mode="markers+text",
                               text=marked["variant"], name="variants",
                               marker={"size": 10, "color": "red"}))
    fig.update_layout(title=title, height=550, scene={"aspectmode": "data"},
                      margin={"l": 0, "r": 0, "b": 0, "t": 40})
    return fig


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
