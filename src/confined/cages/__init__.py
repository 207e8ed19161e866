"""Cages: layers, plaquettes, polyhedral cages and their heights (pure geometry)."""

from __future__ import annotations

from confined.cages.common import CageParams
from confined.cages.finder import find_cages, finders, register_finder
from confined.cages.model import Cage, CageAnalysis, HeightAtom, Layer
from confined.cages.polyhedron import Polyhedron

__all__ = [
    "CageParams",
    "find_cages",
    "finders",
    "register_finder",
    "Cage",
    "CageAnalysis",
    "HeightAtom",
    "Layer",
    "Polyhedron",
]
