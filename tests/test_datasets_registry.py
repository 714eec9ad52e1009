"""The static dataset registry, name errors, and data cards (every dataset has a complete one)."""
from __future__ import annotations

import dataclasses
import importlib
import re
from pathlib import Path

import pytest

from toolkit import datasets
from toolkit.datasets import registry
from toolkit.datasets.registry import CARD_HEADINGS, REGISTRY, card, get_entry, list_datasets

CARDS = Path(__file__).resolve().parents[1] / "datasets"
NAMES = [e.name for e in REGISTRY]


def test_table_columns_and_values():
    table = list_datasets()
    assert list(table.columns) == ["name", "modality", "source", "licence", "size",
                                   "availability", "synthetic"]
    assert table["name"].is_unique and len(table) == len(REGISTRY)
    assert set(table["availability"]) == {"offline", "download"}
    assert table["synthetic"].dtype == bool
    synthetic = set(table.loc[table["synthetic"], "name"])
    assert synthetic == {"simulated_population", "radiogenomic_cohort", "variant_table",
                         "neuro_cohort", "cardio_cohort", "synthetic_tissue",
                         "literature_corpus", "three_hospitals"}
    offline = set(table.loc[table["availability"] == "offline", "name"])  # as doctor reads it
    assert {"gse7390", "wdbc", "dicom_examples", "mni152"} <= offline


def test_registry_is_static():
    assert isinstance(REGISTRY, tuple)
    with pytest.raises(dataclasses.FrozenInstanceError):
        REGISTRY[0].name = "other"
    with pytest.raises(dataclasses.FrozenInstanceError):
        get_entry("clinvar").files[0].url = "http://example.org"


def test_unknown_name_suggests_the_closest():
    with pytest.raises(ValueError, match=r"unknown dataset 'gse7930'\. Did you mean 'gse7390'\?"):
        get_entry("gse7930")
    with pytest.raises(ValueError, match=r"Must be one of \[.*'wdbc'.*\]"):
        datasets.load("no_such_thing")
    with pytest.raises(ValueError, match="Did you mean 'clinvar'"):
        datasets.fetch("clinvr")
    with pytest.raises(ValueError, match="Did you mean 'mni152'"):
        card("mni125")


def test_download_entries_are_pinned():
    for entry in REGISTRY:
        if entry.availability == "offline":
            # an offline entry may pin the publisher's original (a shipped copy's source)
            assert not entry.manual_steps, entry.name
            if not entry.files:
                continue
        assert entry.files or entry.manual_steps, entry.name
        for f in entry.files:
            assert f.url.startswith("https://"), f.url
            assert f.known_hash is None or re.fullmatch(r"md5:[0-9a-f]{32}", f.known_hash)
            assert f.known_hash is None or f.checksum_url is None
    # the value pinned from the medmnist 3.0.2 INFO table
    assert get_entry("breastmnist").files[0].known_hash == "md5:750601b1f35ba3300ea97c75c52ff8f6"


@pytest.mark.parametrize("name", NAMES)
def test_loader_is_importable(name):
    module, function = get_entry(name).loader.split(":")
    assert callable(getattr(importlib.import_module(module), function))


def _sections(text: str) -> dict[str, str]:
    parts = re.split(r"^## (.+)$", text, flags=re.M)
    return {parts[i].strip(): parts[i + 1].strip() for i in range(1, len(parts), 2)}


@pytest.mark.parametrize("name", NAMES)
def test_every_dataset_has_a_complete_card(name):
    path = CARDS / get_entry(name).card_file
    assert path.is_file(), f"datasets/{path.name} is missing"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# ")
    sections = _sections(text)
    required = CARD_HEADINGS + (("Generating model",) if get_entry(name).synthetic else ())
    missing = [h for h in required if h not in sections]
    assert not missing, f"datasets/{path.name} lacks ## {missing}"
    empty = [h for h in required if len(sections[h]) < 10]
    assert not empty, f"datasets/{path.name} has empty sections {empty}"
    assert card(name) == text
    for f in get_entry(name).files:  # the card states every pinned checksum
        if f.known_hash:
            assert f.known_hash.split(":")[1] in sections["Checksum"]


def test_card_without_files_falls_back_to_registry_summary(monkeypatch):
    monkeypatch.setattr(registry, "_card_path", lambda name: None)
    text = card("wdbc")
    assert "datasets/wdbc.md" in text and "## Licence\n\nCC BY 4.0" in text
    assert datasets.load_wdbc().description == text  # loaders still work in a wheel install


def test_every_card_in_datasets_belongs_to_a_registry_entry():
    cards = {p.name for p in CARDS.glob("*.md") if p.name != "README.md"}
    assert cards == {get_entry(n).card_file for n in NAMES}


def test_load_dispatches_to_simulators():
    g = datasets.load("simulated_population", n_per_population=3, sequence_length_mb=0.05,
                      random_state=1)
    assert g.n_samples == 9
    table = datasets.load("variant_table", n_variants=40, random_state=0)
    assert len(table.frame) == 40
    assert len(datasets.load("neuro_cohort", n_patients=30)) == 30


def test_make_population_accepts_numpy_int_and_rejects_empty():
    import numpy as np

    g = datasets.make_population(np.int64(2), sequence_length_mb=0.02, random_state=3)
    assert g.n_samples == 6
    with pytest.raises(ValueError, match="at least 1 for some population"):
        datasets.make_population(0)
    with pytest.raises(ValueError, match="population must be one of"):
        datasets.make_population({"XYZ": 3})
