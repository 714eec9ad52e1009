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

Modules: `pdb_files` (shipped model, parser, residue table, download), `confidence` (pLDDT bands),
`variants` (missense variants on residues), `burial` (distances, `neighbouring_residues`, contacts,
accessibility), `figures` (plotly, imported lazily).
"""
from __future__ import annotations

from .pdb_files import (
    SHIPPED_MODEL, AFDB_FILES, THREE_TO_ONE, ONE_TO_THREE, shipped_model_path, load_alphafold_pten,
    read_atoms, residue_table, fetch_alphafold)
from .confidence import PLDDT_BANDS, BAND_COLOURS, plddt_band, plddt_band_summary
from .variants import parse_missense, map_variants
from .burial import MAX_ASA, residue_distance, neighbouring_residues, count_contacts, relative_accessibility
from .figures import view_plddt, view_structure_3d

__all__ = ["SHIPPED_MODEL", "AFDB_FILES", "THREE_TO_ONE", "ONE_TO_THREE", "shipped_model_path",
           "load_alphafold_pten", "read_atoms", "residue_table", "fetch_alphafold", "PLDDT_BANDS",
           "BAND_COLOURS", "plddt_band", "plddt_band_summary", "parse_missense", "map_variants", "MAX_ASA",
           "residue_distance", "neighbouring_residues", "count_contacts", "relative_accessibility",
           "view_plddt", "view_structure_3d"]
