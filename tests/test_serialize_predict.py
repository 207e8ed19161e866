"""The prediction, validation and catalog results round-trip too (issue 9).

``T.from_dict(x.to_dict()) == x`` for every result of ``confined.predict``,
``confined.validate``, ``confined.theory.eos`` and the catalog, on real runs
(tests/predict_cases.py), through JSON text and through a file; ``to_dict`` keeps
every key of the hand-written methods it replaced, in their order, at full precision.
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from predict_cases import IDS, predict_results
from test_serialize import not_plain, roundtrip

from confined.cli import main
from confined.errors import ParameterError
from confined.predict.ewald import EwaldCell
from confined.predict.fermi import FermiArc, FermiImage, FermiRing
from confined.predict.gap import GapAnalysis, GapResult, OrientationAverage
from confined.predict.gap_frame import CageFrame
from confined.predict.gap_map import MapIon, Pocket, PotentialMap
from confined.predict.phases import PhaseSet, PhaseSite
from confined.predict.pressure import PressureCurve, PressurePhase, PressurePoint
from confined.predict.resonance import ResonanceMode, ResonanceResult
from confined.serialize import from_dict, serializable, spec, to_dict
from confined.structure.catalog import CatalogEntry, StructureRecord
from confined.validate.claims import AlphaCeiling, ClaimCheck
from confined.validate.pressure import Hg1223Check
from confined.validate.tables import StructureHeights, TableRow, Tables

ENVELOPE = ("schema", "schema_version", "confined_version")


@pytest.fixture(scope="module")
def made() -> dict[str, Any]:
    return predict_results()


def _parts(obj: Any) -> list[Any]:
    """``obj`` and every dataclass inside it (fields, tuples, mappings), depth first."""
    out = [obj]
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        values = value.values() if isinstance(value, dict) else value
        for v in values if isinstance(value, tuple | dict) else (value,):
            if dataclasses.is_dataclass(v) and not isinstance(v, type):
                out += _parts(v)
    return out


# ------------------------------------------------------------------ round trips


def test_every_result_and_every_part_round_trips(made) -> None:
    seen: set[type] = set()
    for name, obj in made.items():
        for part in _parts(obj):
            roundtrip(part)
            seen.add(type(part))
        assert roundtrip(obj) == obj, name
    assert {GapAnalysis, GapResult, PotentialMap, CageFrame, Pocket, MapIon} <= seen
    assert {OrientationAverage, EwaldCell, PhaseSet, PhaseSite, StructureRecord} <= seen
    assert {PressureCurve, PressurePoint, PressurePhase, ResonanceResult, ResonanceMode} <= seen
    assert {FermiImage, FermiRing, FermiArc, ClaimCheck, Tables, TableRow} <= seen
    assert {StructureHeights, CatalogEntry, Hg1223Check, AlphaCeiling} <= seen


def test_round_trip_through_a_file(tmp_path: Path, made) -> None:
    path = tmp_path / "results.json"
    path.write_text(
        json.dumps({k: to_dict(v) for k, v in made.items()}, allow_nan=False), encoding="utf-8"
    )
    read = json.loads(path.read_text(encoding="utf-8"))
    assert read.keys() == made.keys()
    for name, obj in made.items():
        assert from_dict(type(obj), read[name]) == obj, name


def test_round_trips_keep_what_the_results_compute(made) -> None:
    # a cell read back evaluates the same potentials; a PhaseSet keeps its analysis
    cell = made["ewald ybco"]
    back = EwaldCell.from_dict(json.loads(json.dumps(cell.to_dict())))
    assert back.recip_amplitude.dtype.kind == "c" and not back.recip_amplitude.flags.writeable
    assert back.hkl.dtype == np.int64 and back.lattice.shape == (3, 3)
    points = np.array([[0.1, 0.2, 0.3], [1.0, 2.0, 3.0]])
    assert np.array_equal(back.potential_V(points), cell.potential_V(points))
    ps = made["phases ybco"]
    again = PhaseSet.from_dict(json.loads(json.dumps(ps.to_dict())))
    assert again.analysis == ps.analysis and again.analysis is not None
    assert again.text_values == ps.text_values
    gap = made["gap ybco"]
    g = GapAnalysis.from_dict(json.loads(json.dumps(gap.to_dict())))
    assert g.cages[0].map is not None and g.cages[0].map.energy_eV.shape == (32, 32)
    assert np.isnan(g.cages[0].map.energy_eV).any()  # the cores, written as null
    assert g.agrees_with_paper is gap.agrees_with_paper and g.paper_claim == ("C5", "d_x2-y2")
    assert made["gap hg1201 no map"].cages[0].map is None
    # a cage with s = 0 has an infinite harmonic ratio: written as null, read back as inf
    r = dataclasses.replace(gap.cages[0], harmonic_ratio=math.inf)
    assert r.to_dict()["harmonic_ratio"] is None
    assert GapResult.from_dict(r.to_dict()).harmonic_ratio == math.inf


# --------------------------------------------------------- full precision, keys

#: The keys (in order) of the hand-written to_dict methods the serialiser replaced.
OLD_KEYS: dict[str, list[str]] = {
    "Charges": ["model", "by_element_e", "net_e", "notes"],
    "EwaldParameters": [
        "eta_per_A", "r_cut_A", "g_cut_per_A", "tol_eV", "real_error_eV", "recip_error_eV"
    ],
    "EwaldCell": ["params", "n_ions", "n_g_vectors", "net_charge_e", "background_V", "warnings"],
    "FermiRing": [
        "phase", "sign", "kind", "center", "k_center", "radius_pi_over_a", "gap_meV", "h_A",
        "degeneracy", "x_set",
    ],
    "FermiArc": [
        "phase", "sign", "role", "center", "k_center", "radius_pi_over_a", "gap_max_meV",
        "arc_fraction", "nodal_angles_deg", "arc_ranges_deg", "k_node", "h_A",
    ],
    "FermiImage": [
        "source", "family", "a_A", "a_origin", "k_unit_inv_A", "kappa_A2", "kappa_origin",
        "split", "gap_ratio", "lambda_K_A2", "rings", "arcs", "warnings",
    ],
    "OrientationAverage": [
        "n_orientations", "normals", "anisotropy_single", "anisotropy_averaged",
        "anisotropy_sphere", "barrier_max_eV",
    ],
    "GapResult": [
        "label", "polyhedron", "h_A", "symmetry", "harmonics", "harmonics_magnitude",
        "nodes_deg", "node_intervals_deg", "anisotropy", "harmonic_ratio", "valleys_deg",
        "ridges_deg", "delta0_meV", "rho_A", "frame", "energy_centre_eV", "curvature_eV_per_A2",
        "node_onset_fraction", "barrier_eV", "curve", "pockets", "map", "orientation_average",
    ],
    "GapAnalysis": [
        "source", "formula", "family", "lattice_type", "symmetry", "representative_cage",
        "harmonics", "nodes_deg", "anisotropy", "paper", "charges", "ewald", "cages", "warnings",
    ],
    "CageFrame": ["label", "centre_A", "e1", "normal", "d_nn_A"],
    "Pocket": ["u_A", "v_A", "energy_eV", "r_A", "phi_deg"],
    "MapIon": ["species", "u_A", "v_A", "offset_A"],
    "PotentialMap": ["n", "half_width_A", "core_radius_A", "energy_range_eV", "ions", "pockets"],
    "PhaseSite": ["phase", "h_A", "origin", "in_active_plane", "parity_basis", "signs"],
    "PhaseSet": ["source", "family", "entry_id", "phases", "net_spacing_A", "warnings"],
    "PressurePhase": ["phase", "h0_A", "tc0_K"],
    "PressurePoint": ["gpa", "h_A", "tc_K", "occupied"],
    "PressureCurve": [
        "source", "family", "eos", "lambda_K_A2", "transition_gpa", "ambient_phase",
        "ambient_rule", "phases", "curve", "measured", "warnings",
    ],
    "ResonanceMode": [
        "phase", "h_A", "energy_meV", "parity", "measured_meV", "parity_basis", "h_origin"
    ],
    "ResonanceResult": ["source", "family", "calibration", "modes", "warnings"],
    "ClaimValue": ["quantity", "computed", "paper", "measured", "agrees"],
    "ClaimCheck": ["claim", "says", "compares", "values", "agrees", "notes"],
    "AlphaPrediction": [
        "entry_id", "h_alpha_A", "lambda_K_A2", "tc_K", "paper_tc_K", "measured_tc_K",
        "measured_phase",
    ],
    "AlphaCeiling": [
        "tc_K", "entry_id", "h_alpha_A", "lambda_K_A2", "candidates", "catalog_tc_K",
        "all_rows_tc_K", "all_rows_entry_id", "definition",
    ],
    "Hg1223Check": [
        "phase", "height_source", "h0_A", "lambda_K_A2", "eos", "tc0_K", "measured_tc0_K",
        "measured_gpa", "measured_tc_K", "measured_rise_K", "eos_default",
        "what_if_h_follows_apical_cu_o", "comparisons", "sources",
    ],
    "StructureHeights": ["file", "quality", "provenance", "h_A", "error"],
    "TableRow": [
        "table", "id", "compound", "family", "tc_K", "h_paper_A", "h_structure_A", "h_diff_A",
        "lambda_K_A2", "lambda_structure_K_A2", "lambda_paper_K_A2", "phase_used",
        "best_phase_paper_h", "best_phase_structure_h", "structure", "structures",
        "h_spread_A", "no_structure_reason",
    ],
    "Tables": ["table1", "table2", "summary"],
    "EosParameters": ["b0_gpa", "b0p", "c_share", "basis"],
    "StructureRecord": ["file", "quality", "formula", "reference", "provenance", "note"],
    "CatalogEntry": [
        "id", "name", "formula", "family", "table", "row", "tc_K", "tc_source", "paper",
        "text_values", "structure", "structures", "no_structure_reason", "notes", "aliases",
    ],
}  # fmt: skip


def test_the_old_keys_come_first_in_their_order(made) -> None:
    seen = set()
    for obj in made.values():
        for part in _parts(obj):
            name = type(part).__name__
            if name in OLD_KEYS:
                keys = list(part.to_dict())
                assert keys[: len(OLD_KEYS[name])] == OLD_KEYS[name], name
                seen.add(name)
    assert seen == set(OLD_KEYS)


def test_nested_layouts_are_kept(made) -> None:
    d = made["gap nb"].to_dict()
    c = d["cages"][0]
    assert set(c["curve"]) == {"phi_deg", "barrier_eV", "delta_rel"}
    assert set(c["barrier_eV"]) == {"min", "max", "mean"}
    assert list(c["curvature_eV_per_A2"]) == ["uu", "vv", "nn", "uv", "matrix"]
    assert d["paper"] == {"claim": "C7", "says": "s", "agrees": d["agrees_with_paper"]}
    assert c["pockets"] == c["map"]["pockets"]
    h = made["hg1223 table"].to_dict()
    assert set(h["comparisons"][0]) == {"gpa", "measured_tc_K", "eos_tc_K", "whatif_tc_K"}
    assert h["eos_default"]["tc_K"] == h["eos_tc_K"]
    a = made["alpha ceiling"].to_dict()
    assert set(a["candidates"][0]) == {"entry_id", "h_alpha_A", "tc_K"}
    row = made["tables"].to_dict()["table2"][0]
    assert set(row["structure"]) == {"file", "quality", "provenance"}
    e = made["catalog ybco"].to_dict()
    assert e["structure"] == e["structures"][0] and e["structure"]["entry_id"] == "ybco"
    assert made["catalog cakfe4as4"].to_dict()["structure"] is None


def test_to_dict_keeps_full_precision(made) -> None:
    gap = made["gap ybco"]
    c = gap.cages[0]
    d = gap.to_dict()["cages"][0]
    assert d["curve"]["barrier_eV"] == c.barrier_eV.tolist()
    assert d["curvature_eV_per_A2"]["matrix"] == c.curvature_eV_per_A2.tolist()
    assert d["h_A"] == c.h_A and d["anisotropy"] == c.anisotropy
    assert d["frame"]["centre_A"] == c.frame.centre_A.tolist()
    mode = made["resonance cakfe4as4"].modes[0]
    assert mode.to_dict()["energy_meV"] == mode.energy_meV
    pt = made["pressure hg1223"].curve[-1]
    assert pt.to_dict()["tc_K"] == dict(pt.tc_K)
    row = made["tables"].table1[0]
    assert row.to_dict()["lambda_K_A2"] == row.lambdas(row.h_paper_A)
    for obj in made.values():
        assert not_plain(obj.to_dict()) == []


def test_derived_keys_are_not_read(made) -> None:
    d = made["gap bkfa"].to_dict()
    d["harmonics"] = {"s": "not read: derived"}
    d["paper"] = None
    d["cages"][0]["barrier_eV"] = {"min": "not read either"}
    d["cages"][0]["pockets"] = "nor this"
    assert GapAnalysis.from_dict(d) == made["gap bkfa"]
    e = made["catalog bkfa"].to_dict()
    e["structure"] = {"anything": 1}
    assert CatalogEntry.from_dict(e) == made["catalog bkfa"]


def test_from_dict_names_the_bad_value(made) -> None:
    d = made["gap ybco"].to_dict()
    d["cages"][1]["curve"]["barrier_eV"][3] = "x"
    with pytest.raises(ParameterError, match=r"GapAnalysis\.cages\[1\]: .*barrier_eV"):
        GapAnalysis.from_dict(d)
    h = made["hg1223 structure"].to_dict()
    del h["comparisons"][1]["eos_tc_K"]
    with pytest.raises(ParameterError, match=r"Hg1223Check\.comparisons\[1\]: missing key"):
        Hg1223Check.from_dict(h)
    cell = made["ewald nb"].to_dict()
    cell["recip_amplitude"][0] = {"re": 1.0}
    with pytest.raises(ParameterError, match=r"EwaldCell\.recip_amplitude: expected"):
        EwaldCell.from_dict(cell)


def test_every_catalog_id_of_the_brief_is_made(made) -> None:
    for i in IDS:
        assert f"phases {i}" in made and f"catalog {i}" in made and f"resonance {i}" in made
    assert made["phases cakfe4as4"].analysis is None  # text values, no structure


# --------------------------------------------------------------- the commands


def test_gap_json_is_the_result_with_arrays(capsys) -> None:
    assert main(["gap", "hg1201", "--grid", "12", "--json", "--arrays"]) == 0
    doc = json.loads(capsys.readouterr().out)
    back = GapAnalysis.from_dict({k: v for k, v in doc.items() if k not in ENVELOPE})
    assert back.cages[0].map is not None and back.cages[0].map.energy_eV.shape == (12, 12)
    assert main(["gap", "hg1201", "--grid", "12", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert "energy_eV" not in summary["cages"][0]["map"]
    assert summary["cages"][0]["map"]["n"] == 12
    assert {k: v for k, v in doc.items() if k != "cages"} == {
        k: v for k, v in summary.items() if k != "cages"
    }


# ------------------------------------- what the serialiser learnt for these results


@serializable
@dataclass(frozen=True)
class _Rows:
    amplitudes: np.ndarray = field(metadata=spec(shape=(-1,), dtype=complex))
    pairs: tuple[tuple[str, float], ...] = field(
        default=(), metadata=spec(row_keys=("name", "value"))
    )


def test_complex_arrays_and_rows_round_trip() -> None:
    x = _Rows(np.array([1 - 2j, complex(math.nan, 1.0), 0j]), (("a", 1.5), ("b", math.nan)))
    d = x.to_dict()
    assert d["amplitudes"][0] == {"re": 1.0, "im": -2.0, "abs": abs(1 - 2j)}
    assert d["pairs"] == [{"name": "a", "value": 1.5}, {"name": "b", "value": None}]
    back = _Rows.from_dict(json.loads(json.dumps(d, allow_nan=False)))
    assert back == x and hash(back) == hash(x) and back.amplitudes.dtype == np.complex128
    empty = _Rows.from_dict({"amplitudes": []})
    assert empty.amplitudes.dtype.kind == "c" and empty.pairs == ()
    with pytest.raises(ParameterError, match=r"_Rows\.pairs\[1\]: missing key 'value'"):
        _Rows.from_dict({**d, "pairs": [{"name": "a", "value": 1}, {"name": "b"}]})
    with pytest.raises(ParameterError, match=r"_Rows\.amplitudes: expected"):
        _Rows.from_dict({"amplitudes": [{"re": 1.0, "im": "x"}]})
