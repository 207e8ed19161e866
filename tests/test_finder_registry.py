"""The family-finder registry: order, registration, replacement (issue 9)."""

from __future__ import annotations

import pytest

import confined.cages.finder as finder_module
from confined.cages import CageAnalysis, find_cages, finders, register_finder
from confined.errors import ParameterError
from confined.structure.crystal import Crystal
from confined.structure.io import load_crystal


@pytest.fixture()
def registry():
    saved = list(finder_module._REGISTRY)
    yield
    finder_module._REGISTRY[:] = saved


def test_default_order() -> None:
    assert finders() == ("cuprate", "iron-based", "elemental")


def test_a_registered_finder_is_tried_in_its_place(registry) -> None:
    seen = []

    def toy(cell, params):
        seen.append(cell.species.names)
        return "no toy cage"

    register_finder("toy", toy, before="iron-based")
    assert finders() == ("cuprate", "toy", "iron-based", "elemental")
    res = find_cages(load_crystal("nb"))  # cuprate and toy say no, then iron, then elemental
    assert res.family == "elemental" and seen == [("Nb",)]
    salt = Crystal(lattice=[[4, 0, 0], [0, 4, 0], [0, 0, 4]], frac=[[0, 0, 0]], symbols=("Na",))
    none = find_cages(salt)
    assert none.family == "none" and "no toy cage" in none.reason.split("; ")


def test_replacing_a_family(registry) -> None:
    register_finder("cuprate", lambda cell, params: CageAnalysis(family="cuprate", reason="toy"))
    assert finders()[-1] == "cuprate"  # the replacement is appended
    assert find_cages(load_crystal("bkfa")).family == "iron-based"
    assert find_cages(load_crystal("nb")).family == "elemental"


def test_bad_registration(registry) -> None:
    with pytest.raises(ParameterError, match="before"):
        register_finder("toy", lambda c, p: "x", before="cuprates")
    with pytest.raises(ParameterError, match="finder"):
        register_finder("toy", 42)  # type: ignore[arg-type]
