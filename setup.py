"""Build hook: the data cards in datasets/*.md go into the wheel as toolkit/datasets/cards/*.md.

datasets/ stays the one source of truth, where people look for the cards; nothing is copied in
the checkout. Everything else about the package is in pyproject.toml. ``toolkit.datasets.card``
reads the installed copies with importlib.resources (tests/test_wheel_cards.py builds a wheel).
"""
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

CARDS = Path(__file__).resolve().parent / "datasets"


class BuildPyWithCards(build_py):
    """build_py that also copies every datasets/*.md card into the built package."""

    def run(self):
        super().run()
        if self.editable_mode:  # an editable install reads datasets/ from the checkout itself
            return
        target = Path(self.build_lib) / "toolkit" / "datasets" / "cards"
        self.mkpath(str(target))
        for card in sorted(CARDS.glob("*.md")):
            self.copy_file(str(card), str(target / card.name))


setup(cmdclass={"build_py": BuildPyWithCards})
