"""Where a residue sits: distances, neighbours, contact counts and relative solvent accessibility.

Taught in lesson 22.
"""
from __future__ import annotations

import os

import numpy as np
import pandas as pd

__all__ = ["MAX_ASA", "residue_distance", "neighbouring_residues", "count_contacts", "relative_accessibility"]


# Theoretical maximum accessible surface area (angstrom^2), Tien et al. 2013, PLoS ONE 8:e80635.
MAX_ASA = {"ALA": 129.0, "ARG": 274.0, "ASN": 195.0, "ASP": 193.0, "CYS": 167.0, "GLN": 225.0,
           "GLU": 223.0, "GLY": 104.0, "HIS": 224.0, "ILE": 197.0, "LEU": 201.0, "LYS": 236.0,
           "MET": 224.0, "PHE": 240.0, "PRO": 159.0, "SER": 155.0, "THR": 172.0, "TRP": 285.0,
           "TYR": 263.0, "VAL": 174.0}


def _coords(table: pd.DataFrame) -> np.ndarray:
    return table[["x", "y", "z"]].to_numpy(dtype=float)


def residue_distance(table: pd.DataFrame, first: int, second: int) -> float:
    """Distance in angstrom between the C-alpha atoms of two residues.

    Examples
    --------
    >>> from toolkit.frontiers.protein_structure import load_alphafold_pten
    >>> round(residue_distance(load_alphafold_pten(), 124, 130), 1)
    6.3
    """
    a, b = _coords(table.loc[[first]]), _coords(table.loc[[second]])
    return float(np.linalg.norm(a - b))


def neighbouring_residues(table: pd.DataFrame, position: int, radius: float = 8.0) -> pd.DataFrame:
    """Residues whose C-alpha lies within ``radius`` angstrom of ``position`` (itself excluded).

    Examples
    --------
    >>> from toolkit.frontiers.protein_structure import load_alphafold_pten
    >>> near = neighbouring_residues(load_alphafold_pten(), 130, radius=8.0)
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
    >>> from toolkit.frontiers.protein_structure import load_alphafold_pten
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
    >>> from toolkit.frontiers.protein_structure import shipped_model_path
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
