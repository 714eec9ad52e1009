"""A wheel carries the full data card of every registered dataset (issue #34, item 1).

The test copies the files a build reads into a temporary folder, builds a wheel there (pip,
offline, no build isolation), installs it into another folder outside the checkout and asks
that installed toolkit for ``card(name)`` of every registry entry, in a child Python whose
``toolkit`` must come from the install. Each card must equal datasets/<card>.md in the checkout.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile

import pytest

from helpers import ROOT

_BUILD_INPUTS = ["pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "LICENSE", "toolkit", "datasets"]
_READ_CARDS = """
import json, sys, toolkit
from toolkit.datasets import card
from toolkit.datasets.registry import REGISTRY
print(json.dumps({"toolkit": toolkit.__file__,
                  "cards": {e.name: [e.card_file, card(e.name)] for e in REGISTRY}}))
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(folder the wheel was installed into, path of the wheel)."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", ".ipynb_checkpoints")
    for name in _BUILD_INPUTS:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=ignore)
        else:
            src.mkdir(exist_ok=True)
            shutil.copy2(path, src / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    build = subprocess.run([*pip, "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q",
                            "-w", str(tmp / "dist"), str(src)], capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    wheel = next((tmp / "dist").glob("toolkit-*.whl"))
    install = subprocess.run([*pip, "install", "--no-deps", "--no-index", "-q", "--target", str(tmp / "site"),
                              str(wheel)], capture_output=True, text=True, timeout=300)
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
    return tmp / "site", wheel


def test_wheel_ships_every_card_in_datasets(installed):
    _, wheel = installed
    shipped = {n.rsplit("/", 1)[1] for n in zipfile.ZipFile(wheel).namelist()
               if n.startswith("toolkit/datasets/cards/")}
    expected = {p.name for p in (ROOT / "datasets").glob("*.md")}
    assert expected and shipped == expected, (
        f"missing from the wheel: {sorted(expected - shipped)}; extra: {sorted(shipped - expected)} "
        "(setup.py copies datasets/*.md into toolkit/datasets/cards/)")


def test_installed_wheel_gives_the_full_card_of_every_registered_dataset(installed):
    site, _ = installed
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONSAFEPATH")}
    env["PYTHONPATH"] = str(site)
    out = subprocess.run([sys.executable, "-c", _READ_CARDS], cwd=site.parent, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["toolkit"].startswith(str(site)), f"imported {result['toolkit']}, not the installed wheel"
    assert len(result["cards"]) >= 20
    wrong = [name for name, (card_file, text) in result["cards"].items()
             if text != (ROOT / "datasets" / card_file).read_text(encoding="utf-8")]
    assert not wrong, f"the installed card() differs from datasets/<card>.md for {wrong}"
