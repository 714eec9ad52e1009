"""Lesson 22 toolkit: the shipped AlphaFold model, the teaching PDB parser (checked against
biotite), pLDDT bands, HGVS missense parsing, burial measures and the AlphaFold download route."""
from __future__ import annotations

import gzip
import hashlib
import re

import numpy as np
import pandas as pd
import pytest

from toolkit.datasets import DatasetDownloadError
from toolkit.frontiers import protein_structure as ps

from helpers import ROOT
CARD = ROOT / "datasets" / "alphafold_pten.md"
# UniProt P60484 (PTEN_HUMAN), canonical isoform, 403 residues.
PTEN = ("MTAIIKEIVSRNKRRYQEDGFDLDLTYIYPNIIAMGFPAERLEGVYRNNIDDVVRFLDSKHKNHYKIYNLCAERHYDTAKFNCR"
        "VAQYPFEDHNPPQLELIKPFCEDLDQWLSEDDNHVAAIHCKAGKGRTGVMICAYLLHRGKFLKAQEALDFYGEVRTRDKKGVTI"
        "PSQRRYVYYYSYLLKNHLDYRPVALLFHKMMFETIPMFSGGTCNPQFVVCQLKVKIYSSNSGPTRREDKFMYFEFPQPLPVCGD"
        "IKVEFFHKQNKMLKKDKMFHFWVNTFFIPGPEETSEKVENGSLCDQEIDSICSIERADNDKEYLVLTLTKNDLDKANKDKANRY"
        "FSPNFKVKLYFTKTVEEPSNPEASSSTSVTPDVSDNEPDHYRYSDTTDSDPENEPFDEDQHTQITKV")


@pytest.fixture(scope="module")
def atoms():
    return ps.read_atoms(ps.shipped_model_path())


@pytest.fixture(scope="module")
def table(atoms):
    return ps.residue_table(atoms)


@pytest.fixture(scope="module")
def rsa():
    return ps.relative_accessibility(ps.shipped_model_path())


def _toy_table(xyz, aa="GA"):
    xyz = np.asarray(xyz, dtype=float)
    n = len(xyz)
    table = pd.DataFrame({"chain": "A", "resnum": np.arange(1, n + 1), "resname": "GLY",
                          "aa": list((aa * n)[:n]), "x": xyz[:, 0], "y": xyz[:, 1],
                          "z": xyz[:, 2], "plddt": 95.0})
    table["band"] = ps.plddt_band(table["plddt"])
    return table.set_index("resnum", drop=False).rename_axis(None)


# --- the shipped file -------------------------------------------------------------------

def test_checksum_matches_data_card():
    digest = hashlib.sha256(ps.shipped_model_path().read_bytes()).hexdigest()
    card = CARD.read_text()
    assert re.search(r"\b[0-9a-f]{64}\b", card).group(0) == digest


def test_shipped_file_is_an_alphafold_db_model_of_pten():
    text = ps.shipped_model_path().read_text()
    assert "ALPHAFOLD MONOMER V2.0 PREDICTION FOR PHOSPHATIDYLINOSITOL" in text
    assert re.search(r"DBREF  XXXX A    1   403  UNP    P60484   PTEN_HUMAN", text)
    assert "CC-BY 4.0" in text
    assert all(len(line) == 80 for line in text.splitlines())  # unmodified fixed-width records


def test_sequence_and_length_match_uniprot(table):
    assert len(table) == 403 and "".join(table["aa"]) == PTEN
    assert table["resnum"].tolist() == list(range(1, 404))


def test_each_residue_has_one_plddt(atoms):
    assert atoms.groupby("resnum")["b_factor"].nunique().max() == 1
    assert atoms["b_factor"].between(0, 100).all()


# --- the teaching parser against biotite -------------------------------------------------

def test_parser_matches_biotite(atoms):
    import biotite.structure.io.pdb as pdbio

    pdb = pdbio.PDBFile.read(str(ps.shipped_model_path()))
    reference = pdb.get_structure(model=1, extra_fields=["b_factor", "occupancy"])
    assert len(atoms) == reference.array_length() == 3323
    np.testing.assert_allclose(atoms[["x", "y", "z"]].to_numpy(), reference.coord, atol=1e-3)
    np.testing.assert_allclose(atoms["b_factor"], reference.b_factor, atol=1e-6)
    assert atoms["atom"].tolist() == reference.atom_name.tolist()
    assert atoms["resname"].tolist() == reference.res_name.tolist()
    assert atoms["resnum"].tolist() == reference.res_id.tolist()


def test_parser_reads_gzip_and_explains_bad_files(tmp_path, atoms):
    packed = tmp_path / "model.pdb.gz"
    packed.write_bytes(gzip.compress(ps.shipped_model_path().read_bytes()))
    pd.testing.assert_frame_equal(ps.read_atoms(packed), atoms)
    cif = tmp_path / "model.cif"
    cif.write_text("data_model\n_atom_site.id 1\n")
    with pytest.raises(ValueError, match="no ATOM records"):
        ps.read_atoms(cif)
    with pytest.raises(FileNotFoundError, match="no such structure file"):
        ps.read_atoms(tmp_path / "missing.pdb")


def test_parser_keeps_first_alternate_location_and_first_model(tmp_path):
    def atom(serial, name, alt, resnum, x, b):
        return (f"ATOM  {serial:5d} {name:<4}{alt}GLY A{resnum:4d}    {x:8.3f}{0:8.3f}{0:8.3f}"
                f"{1.0:6.2f}{b:6.2f}           C  ")
    text = "\n".join(["MODEL        1", atom(1, "CA", "A", 1, 1.0, 10.0),
                      atom(2, "CA", "B", 1, 9.0, 20.0), atom(3, "CA", " ", 2, 4.8, 30.0),
                      "ENDMDL", "MODEL        2", atom(1, "CA", " ", 1, 5.0, 40.0), "ENDMDL"])
    (tmp_path / "alt.pdb").write_text(text + "\n")
    parsed = ps.read_atoms(tmp_path / "alt.pdb")
    assert parsed["x"].tolist() == [1.0, 4.8] and parsed["b_factor"].tolist() == [10.0, 30.0]
    assert ps.residue_distance(ps.residue_table(parsed), 1, 2) == pytest.approx(3.8)


def test_residue_table_uses_c_alpha_and_rejects_unknown_chain(atoms, table):
    ca = atoms[(atoms["atom"] == "CA") & (atoms["resnum"] == 130)].iloc[0]
    assert table.loc[130, ["x", "y", "z", "plddt"]].tolist() == [ca.x, ca.y, ca.z, ca.b_factor]
    with pytest.raises(ValueError, match="chain 'B' not in this structure"):
        ps.residue_table(atoms, chain="B")


# --- pLDDT bands ---------------------------------------------------------------------

@pytest.mark.parametrize("value, band", [(100, "very high"), (90.01, "very high"), (90, "confident"),
                                         (70.01, "confident"), (70, "low"), (50.01, "low"),
                                         (50, "very low"), (0, "very low")])
def test_plddt_band_thresholds(value, band):
    assert ps.plddt_band(value) == band


def test_plddt_band_summary_covers_every_residue(table):
    summary = ps.plddt_band_summary(table)
    assert summary["band"].tolist() == ["very high", "confident", "low", "very low"]
    assert summary["residues"].sum() == 403
    assert summary["fraction"].sum() == pytest.approx(1.0, abs=0.002)
    # the C-terminal tail (352-403) is predicted with very low confidence, the core is not
    assert table.loc[352:403, "plddt"].mean() < 50 < 90 < table.loc[14:280, "plddt"].mean()


# --- missense variants ---------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [("p.Arg130Gly", ("R", 130, "G")),
                                            ("p.(Arg130Gln)", ("R", 130, "Q")),
                                            ("Arg130Gly", ("R", 130, "G")),
                                            ("R130G", ("R", 130, "G")),
                                            ("p.C124S", ("C", 124, "S"))])
def test_parse_missense_accepts_hgvs_and_short_forms(text, expected):
    assert ps.parse_missense(text) == expected


@pytest.mark.parametrize("text, reason", [("p.Arg130Ter", "stop"), ("R130*", "not a protein"),
                                          ("c.388C>T", "not a protein"), ("p.Arg130Arg", "synonymous"),
                                          ("p.Xyz130Gly", "unknown amino acid"),
                                          ("p.Arg130fs", "not a protein"), ("R130", "not a protein")])
def test_parse_missense_rejects_other_changes(text, reason):
    with pytest.raises(ValueError, match=reason):
        ps.parse_missense(text)


def test_map_variants_reports_confidence_and_burial(table):
    mapped = ps.map_variants(table, ["p.Cys124Ser", "p.Arg130Gly", "p.Asp375Asn"])
    assert mapped["position"].tolist() == [124, 130, 375]
    assert mapped["band"].tolist() == ["very high", "very high", "very low"]
    assert mapped["plddt"].tolist() == [94.25, 98.38, 34.44]
    assert (mapped["contacts"] == ps.count_contacts(table)[[123, 129, 374]]).all()


def test_map_variants_checks_reference_and_range(table):
    with pytest.raises(ValueError, match=r"model has Arg \(R\) at position 130, not Cys"):
        ps.map_variants(table, ["p.Cys130Ser"])
    with pytest.raises(ValueError, match="position 404 is outside the model"):
        ps.map_variants(table, ["p.Val404Ala"])


# --- distances and burial -------------------------------------------------------------

def test_distances_and_neighbours_on_a_toy_chain():
    toy = _toy_table([[0, 0, 0], [3.8, 0, 0], [7.6, 0, 0], [11.4, 0, 0]])
    assert ps.residue_distance(toy, 1, 3) == pytest.approx(7.6)
    assert ps.count_contacts(toy, radius=4.0).tolist() == [1, 2, 2, 1]
    assert ps.neighbouring_residues(toy, 2, radius=4.0).index.tolist() == [1, 3]


def test_burial_measures_agree_on_known_buried_and_exposed_residues(table, rsa):
    counts = pd.Series(ps.count_contacts(table), index=table.index)
    core = [124, 130, 135]  # catalytic cysteine, P-loop arginine, buried isoleucine
    tail = [375, 380, 403]  # disordered C-terminal tail
    assert (counts[core] >= 20).all() and (rsa[core] < 0.1).all()
    assert (counts[tail] <= 8).all() and (rsa[tail] > 0.4).all()
    rho = pd.Series(counts).corr(rsa, method="spearman")
    assert rho < -0.8  # many neighbours <=> little surface: the proxy tracks Shrake-Rupley


def test_relative_accessibility_is_sasa_over_tien_maximum(rsa):
    import biotite.structure as struc
    import biotite.structure.io.pdb as pdbio

    atoms = pdbio.PDBFile.read(str(ps.shipped_model_path())).get_structure(model=1)
    area = struc.sasa(atoms[atoms.res_id == 130], vdw_radii="ProtOr")  # an isolated residue
    assert len(rsa) == 403 and rsa.index.tolist() == list(range(1, 404))
    assert 0.8 < np.nansum(area) / ps.MAX_ASA["ARG"] < 1.3  # alone, a residue is ~fully exposed


# --- plots ------------------------------------------------------------------------------

def test_plots_mark_variants_at_their_c_alpha(table):
    fig3d = ps.view_structure_3d(table, ["p.Arg130Gly"])
    spot = fig3d.data[-1]
    assert (spot.x[0], spot.y[0], spot.z[0]) == tuple(table.loc[130, ["x", "y", "z"]])
    assert sum(len(t.x) for t in fig3d.data[1:5]) == 403  # every residue in one band
    fig = ps.view_plddt(table)
    assert list(fig.data[0].y) == table["plddt"].tolist() and len(fig.data[1].x) == 0


# --- downloads ----------------------------------------------------------------------------

def test_fetch_alphafold_offline_gives_a_clear_message(tmp_path):
    with pytest.raises(DatasetDownloadError, match="AF-P04637-F1-model_v6.pdb") as info:
        ps.fetch_alphafold("P04637", data_dir=tmp_path)
    assert "Download it by hand" in str(info.value)
    assert str(tmp_path / "alphafold") in str(info.value)


def test_fetch_alphafold_rejects_gene_names(tmp_path):
    with pytest.raises(ValueError, match="not a UniProt accession"):
        ps.fetch_alphafold("TP53", data_dir=tmp_path)


def test_fetch_alphafold_downloads_once_and_verifies(tmp_path, monkeypatch, http_server):
    payload = ps.shipped_model_path().read_bytes()
    base, handler = http_server
    handler.files["/files/AF-P60484-F1-model_v6.pdb"] = payload
    monkeypatch.setattr(ps.pdb_files, "AFDB_FILES", base + "/files/")
    known = "sha256:" + hashlib.sha256(payload).hexdigest()
    path = ps.fetch_alphafold("p60484", data_dir=tmp_path, known_hash=known)
    again = ps.fetch_alphafold("P60484", data_dir=tmp_path, known_hash=known)
    assert path == again == tmp_path / "alphafold" / "AF-P60484-F1-model_v6.pdb"
    assert handler.hits == {"/files/AF-P60484-F1-model_v6.pdb": 1}
    assert len(ps.residue_table(ps.read_atoms(path))) == 403
