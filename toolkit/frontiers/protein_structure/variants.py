"""Missense variants (HGVS protein, e.g. ``p.Arg130Gly``) placed on a structure's residues.

Taught in lesson 22.
"""
from __future__ import annotations

import re
from typing import Iterable

import pandas as pd

from .burial import count_contacts
from .pdb_files import ONE_TO_THREE, THREE_TO_ONE

__all__ = ["parse_missense", "map_variants"]


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
    >>> from toolkit.frontiers.protein_structure import load_alphafold_pten
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
