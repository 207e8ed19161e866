"""Results that round-trip (issue 9): one field-driven serialiser for every result type.

``T.from_dict(x.to_dict()) == x`` for every result type, on real structures and real
mechanism runs, through JSON text and through a file; ``==`` and ``hash()`` work on
results that hold arrays; ``to_dict`` is plain JSON at full precision.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import math
import tarfile
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from predict_cases import PREDICT_MODULES, predict_results

from confined.analysis import AnalysisResult, CagePrediction, analyze, analyze_many
from confined.cages import Cage, CageAnalysis, HeightAtom, Layer, Polyhedron
from confined.errors import ParameterError, StructureInputError
from confined.mechanism.fdtd import FdtdResult, FdtdSetup, run_fdtd, yee_coefficients
from confined.mechanism.fields import pair_summary
from confined.mechanism.meissner import meissner_balance
from confined.mechanism.monopole import dirac_charge
from confined.mechanism.order import order_report
from confined.mechanism.states import (
    StateSample,
    StatesReport,
    cage_lattice,
    sample_state,
    states_report,
)
from confined.serialize import from_dict, serializable, spec, to_dict
from confined.structure.crystal import Crystal
from confined.structure.io import load_crystal

HERE = Path(__file__).resolve().parent
STRUCTURES = HERE.parent / "src" / "confined" / "structure" / "data" / "structures"
SAMPLE = HERE / "data" / "corpus_sample" / "cifs.tar.xz"

CATALOG = ["ybco", "hg1223", "bkfa", "bi2212", "kfe2se2", "fese-monolayer", "nb", "pb", "re"]

#: The modules whose result types this file must cover.
RESULT_MODULES = [
    "confined.structure.crystal",
    "confined.cages.model",
    "confined.cages.polyhedron",
    "confined.analysis",
    "confined.mechanism.fdtd",
    "confined.mechanism.fields",
    "confined.mechanism.meissner",
    "confined.mechanism.monopole",
    "confined.mechanism.order",
    "confined.mechanism.states",
    # predictions, checks, the equation of state and the catalog: tests/predict_cases.py,
    # round-tripped in tests/test_serialize_predict.py
    *PREDICT_MODULES,
]


def _files() -> list[Path]:
    """Every structure shipped with the catalog and under tests/data/<Material>/."""
    shipped = sorted(STRUCTURES.rglob("*.cif"))
    material = sorted(
        p
        for p in HERE.glob("data/*/*")
        if p.parent.name[0].isupper() and (p.suffix == ".cif" or p.name == "POSCAR")
    )
    return shipped + material


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every 10th file of the committed 3DSC-MP sample (all families, doped ones too)."""
    dest = tmp_path_factory.mktemp("sample")
    with tarfile.open(SAMPLE) as tar:
        members = sorted((m for m in tar if m.isfile()), key=lambda m: m.name)
        for m in members[::10]:
            (dest / m.name).write_bytes(tar.extractfile(m).read())  # type: ignore[union-attr]
    return dest


@pytest.fixture(scope="module")
def results(sample_dir: Path) -> list[AnalysisResult]:
    """Real analyses: catalog ids, shipped and test structures, a corpus sample, errors."""
    sources: list[Any] = CATALOG + [str(p) for p in _files()]
    sources += [str(p) for p in sorted(sample_dir.glob("*.cif"))]
    sources += [str(HERE / "data" / "bad" / "cell_angle_180.cif"), "/no/such/file.cif"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return analyze_many(sources)


@pytest.fixture(scope="module")
def mechanism() -> dict[str, Any]:
    """Real mechanism runs at small sizes, one per result type and the edge cases."""
    lat = cage_lattice(64)
    return {
        "fdtd": run_fdtd(FdtdSetup(), n_steps=200),
        "fdtd lossy": run_fdtd(replace(FdtdSetup(), leakage_S_per_m=1e4), n_steps=120),
        "fdtd no probes or snapshots": run_fdtd(
            FdtdSetup(), n_steps=40, n_snapshots=0, probe_gap_cells=None
        ),
        "yee": yee_coefficients(FdtdSetup()),
        "pair": pair_summary(grid_n=21),
        "pair d=0": pair_summary(separation_A=0, grid_n=5),
        "meissner": meissner_balance(0.01, 0.1, gap_m=5e-3),
        "meissner zfc": meissner_balance(0.01, 0.1, cooling_height_m=math.inf),
        "monopole": dirac_charge(2),
        "order": order_report(100, samples=3),
        "order one sample": order_report(10, samples=1),
        "states": states_report(64, sweep=True, sweep_points=3),
        "states good conductor": states_report(64, temperature_K=10, good_conductor=True),
        "states float64": states_report(64, dtype="float64"),
        "sample": sample_state(lat, 10.0, 1e8, 0),
        "sample hot": sample_state(lat, 2.0 * lat.tc_K, 1e8, 1),
    }


def _parts(obj: Any) -> list[Any]:
    """``obj`` and every dataclass inside it (fields, tuples), depth first."""
    out = [obj]
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        for v in value if isinstance(value, tuple) else (value,):
            if dataclasses.is_dataclass(v) and not isinstance(v, type):
                out += _parts(v)
    return out


def not_plain(value: Any, path: str = "$") -> list[str]:
    """Paths in ``value`` that are not plain JSON (dict/list/str/int/float/bool/None)."""
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in not_plain(v, f"{path}.{k}")] + [
            f"{path} key {k!r}" for k in value if not isinstance(k, str)
        ]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in not_plain(v, f"{path}[{i}]")]
    if type(value) is float:
        return [] if math.isfinite(value) else [f"{path} = {value}"]
    if value is None or type(value) in (str, int, bool):
        return []
    return [f"{path}: {type(value).__name__}"]


def roundtrip(obj: Any) -> Any:
    """Through JSON text: equal, same hash, plain types, and nothing lost a second time."""
    d = obj.to_dict()
    assert not_plain(d) == [], type(obj).__name__
    text = json.dumps(d, allow_nan=False)
    back = type(obj).from_dict(json.loads(text))
    assert type(back) is type(obj)
    assert back == obj, type(obj).__name__
    assert hash(back) == hash(obj), type(obj).__name__
    assert json.dumps(back.to_dict(), allow_nan=False) == text, type(obj).__name__
    return back


# ------------------------------------------------------------------ round trips


def test_every_result_type_is_covered(results, mechanism) -> None:
    declared = set()
    for name in RESULT_MODULES:
        module = importlib.import_module(name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and value.__module__ == name
                and "__serial_options__" in vars(value)
            ):
                declared.add(value)
    made = {type(p) for r in results for p in _parts(r)}
    made |= {type(p) for m in mechanism.values() for p in _parts(m)}
    made |= {type(p) for m in predict_results().values() for p in _parts(m)}
    made |= {Crystal}
    assert declared - made == set(), "result types without a round-trip test"
    # every dataclass of those modules that is a result is serialisable
    assert {Crystal, Polyhedron, HeightAtom, Layer, Cage, CageAnalysis} <= declared
    assert {CagePrediction, AnalysisResult, FdtdResult, StatesReport, StateSample} <= declared


def test_crystals_round_trip(tmp_path: Path) -> None:
    sources: list[Any] = CATALOG + _files()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        crystals = [load_crystal(s) for s in sources]
    assert len(crystals) > 50
    for c in crystals:
        back = roundtrip(c)
        assert back.frac.flags.writeable is False and back.lattice.shape == (3, 3)
    # the keys of Crystal.to_dict before the serialiser, in that order
    assert list(crystals[0].to_dict()) == [
        "source", "formula", "lattice_A", "symbols", "frac", "warnings"
    ]  # fmt: skip
    # the loader reads the dictionary back from a .json file, exactly
    path = tmp_path / "ybco.json"
    path.write_text(json.dumps(crystals[0].to_dict(), allow_nan=False), encoding="utf-8")
    again = load_crystal(path)
    assert np.array_equal(again.frac, crystals[0].frac)
    assert np.array_equal(again.lattice, crystals[0].lattice)
    assert again.symbols == crystals[0].symbols


def test_analysis_results_and_every_part_round_trip(results) -> None:
    families = {r.family for r in results}
    assert families == {"cuprate", "iron-based", "elemental", "none", None}
    assert sum(r.error is not None for r in results) == 2
    seen: set[type] = set()
    for r in results:
        back = roundtrip(r)
        assert back.tc_by_phase() == r.tc_by_phase()
        for part in _parts(r):
            roundtrip(part)
            seen.add(type(part))
    assert {Polyhedron, HeightAtom, Layer, Cage, CageAnalysis, CagePrediction} <= seen


def test_mechanism_results_round_trip(mechanism) -> None:
    for name, obj in mechanism.items():
        for part in _parts(obj):
            roundtrip(part)
        assert roundtrip(obj) == obj, name


def test_round_trip_through_a_file(tmp_path: Path, results, mechanism) -> None:
    path = tmp_path / "results.json"
    docs = [r.to_dict() for r in results[:12]] + [results[-1].to_dict()]
    path.write_text(json.dumps({"results": docs}, allow_nan=False), encoding="utf-8")
    read = json.loads(path.read_text(encoding="utf-8"))["results"]
    assert [AnalysisResult.from_dict(d) for d in read] == results[:12] + [results[-1]]
    for name, obj in mechanism.items():
        p = tmp_path / f"{name}.json"
        p.write_text(json.dumps(to_dict(obj), allow_nan=False), encoding="utf-8")
        assert from_dict(type(obj), json.loads(p.read_text(encoding="utf-8"))) == obj, name


# --------------------------------------------------------- full precision, keys


def test_to_dict_keeps_full_precision(results) -> None:
    r = next(x for x in results if x.source == "hg1223")
    d = r.to_dict()
    for c, p, cd in zip(r.cages.cages, r.predictions, d["cages"], strict=True):
        assert cd["h_A"] == c.h_A and cd["tc_pred_K"] == p.tc_pred_K  # not rounded
        assert cd["geometry"]["vertices_A"] == c.polyhedron.vertices_A.tolist()
        assert cd["volume_A3"] == cd["geometry"]["volume_A3"] == c.polyhedron.volume_A3
    assert d["layers"][0]["height_A"] == r.cages.layers[0].height_A
    assert d["stacking"]["normal"] == r.cages.normal.tolist()


def test_analysis_keys_are_a_superset_of_the_old_ones(results) -> None:
    old_top = {
        "source", "formula", "family", "reason", "lattice_type", "stacking", "layers",
        "cages", "lambda_K_A2", "gap_ratio", "warnings", "error",
    }  # fmt: skip
    old_cage = {
        "phase", "sign", "label", "polyhedron", "n_faces", "h_A", "h_spread_A",
        "apex_species", "height_atoms", "layer_index", "multiplicity", "in_active_plane",
        "degeneracy", "volume_A3", "geometry", "tc_pred_K", "gap_meV",
    }  # fmt: skip
    old_geometry = {"kind", "n_faces", "n_vertices", "volume_A3", "centre_A", "vertices", "faces"}
    for r in results:
        d = r.to_dict()
        assert old_top <= d.keys() and d["schema_version"] == AnalysisResult.SCHEMA_VERSION
        for c in d["cages"]:
            assert old_cage <= c.keys() and old_geometry <= c["geometry"].keys()
            assert c["polyhedron"] == c["geometry"]["kind"]
            assert [v["xyz_A"] for v in c["geometry"]["vertices"]] == c["geometry"]["vertices_A"]


def test_derived_and_unknown_keys_are_ignored_when_read(results) -> None:
    r = next(x for x in results if x.source == "bkfa")
    d = r.to_dict()
    d["a key of a later version"] = {"anything": [1, 2]}
    d["cages"][0]["label"] = "not read back: derived"
    d["cages"][0]["geometry"]["kind"] = "not read back either"
    assert AnalysisResult.from_dict(d) == r


def test_non_finite_values(results, mechanism) -> None:
    zfc = mechanism["meissner zfc"]
    d = zfc.to_dict()
    assert d["cooling_height_m"] is None and d["zero_field_cooled"] is True
    assert type(zfc).from_dict(d).cooling_height_m == math.inf  # spec(null=math.inf)
    # a NaN in a float field is written as null and reads back as NaN, equal to itself
    layer = Layer("FeAs", 1.0, 2, (math.nan, 1.3))
    assert layer.to_dict()["anion_heights_A"] == [None, 1.3]
    assert Layer.from_dict(layer.to_dict()) == layer
    assert hash(Layer.from_dict(layer.to_dict())) == hash(layer)
    # a NaN in a "float | None" field reads back as None (JSON has no NaN)
    odd = AnalysisResult(source="x", lambda_K_A2=math.nan)
    assert AnalysisResult.from_dict(odd.to_dict()).lambda_K_A2 is None


def test_arrays_come_back_with_shape_and_dtype(mechanism) -> None:
    bare = roundtrip(mechanism["fdtd no probes or snapshots"])
    assert bare.probe_forward_V_per_m.shape == (0, 40)
    assert bare.snapshots_V_per_m.shape == (0, FdtdSetup().n_cells)
    assert bare.snapshot_steps.dtype == np.int64
    sample = roundtrip(mechanism["sample"])
    assert sample.displacement_A.dtype == np.float32
    assert sample.displacement_A.shape == mechanism["sample"].displacement_A.shape
    wide = roundtrip(mechanism["states float64"])
    assert wide.lattice.dtype == "float64"
    assert not sample.displacement_A.flags.writeable


def test_transient_fields_are_neither_written_nor_compared(mechanism) -> None:
    report = mechanism["states"]
    assert report.samples and "samples" not in report.to_dict()
    back = StatesReport.from_dict(report.to_dict())
    assert back.samples == () and back == report
    assert report.to_dict()["reference"] == report.reference.to_dict()


# ------------------------------------------------------------------ ==, hash()


def test_crystals_compare_and_hash_by_value() -> None:
    a, b = load_crystal("ybco"), load_crystal("ybco")
    assert a is not b and a == b and hash(a) == hash(b)
    assert len({a, b, load_crystal("hg1223")}) == 2
    frac = a.frac.copy()
    frac[3, 2] += 1e-12
    moved = Crystal(a.lattice, frac, a.symbols, a.source, a.warnings)
    assert moved != a and not (moved == a)
    assert replace(a, source="elsewhere") != a
    assert a != "ybco" and a != a.to_dict()


def test_results_compare_by_value(results) -> None:
    r = next(x for x in results if x.source == "ybco")
    again = analyze("ybco")
    assert again == r and hash(again) == hash(r)
    cage = r.cages.cages[0]
    atom = cage.height_atoms[0]
    moved = replace(atom, xyz_A=atom.xyz_A + np.array([0.0, 0.0, 1e-9]))
    assert moved != atom
    other = replace(cage, height_atoms=(moved,) + cage.height_atoms[1:])
    assert other != cage
    assert replace(r, cages=replace(r.cages, cages=(other,) + r.cages.cages[1:])) != r
    assert replace(r, gap_ratio=2.0) != r
    # a number is a number: 1 == 1.0, and equal objects hash alike
    assert Layer("CuO2", 1, 2) == Layer("CuO2", 1.0, 2)
    assert HeightAtom("O", np.array([1, 2, 3]), "apex") == HeightAtom("O", (1.0, 2.0, 3.0), "apex")
    assert hash(HeightAtom("O", np.array([1, 2, 3]), "apex")) == hash(
        HeightAtom("O", (1.0, 2.0, 3.0), "apex")
    )


# ------------------------------------------------------------------ bad input


def test_from_dict_names_the_bad_value(results) -> None:
    r = next(x for x in results if x.source == "ybco")
    d = r.to_dict()
    d["cages"][1]["geometry"]["vertices_A"][2] = [0.0, "x", 1.0]
    with pytest.raises(ParameterError, match=r"AnalysisResult\.cages\[1\]\.geometry\.vertices_A"):
        AnalysisResult.from_dict(d)
    d = r.to_dict()
    del d["cages"][0]["h_A"]
    with pytest.raises(ParameterError, match=r"cages\[0\]: missing key 'h_A'"):
        AnalysisResult.from_dict(d)
    d = r.to_dict()
    d["cages"][0]["tc_pred_K"] = "warm"
    with pytest.raises(ParameterError, match=r"cages\[0\]\.tc_pred_K: expected a number"):
        AnalysisResult.from_dict(d)
    d = r.to_dict()
    d["stacking"]["normal"] = [0.0, 1.0]
    with pytest.raises(ParameterError, match=r"stacking\.normal: expected shape \(3,\)"):
        AnalysisResult.from_dict(d)
    with pytest.raises(ParameterError, match="expected an object"):
        AnalysisResult.from_dict([1, 2])
    with pytest.raises(ParameterError, match=r"Layer\.n_cations: expected an integer"):
        Layer.from_dict({"kind": "CuO2", "height_A": 1.0, "n_cations": True})
    # the constructor's own checks still apply
    c = load_crystal("nb").to_dict()
    c["symbols"] = ["Xx"] * len(c["symbols"])
    with pytest.raises(StructureInputError, match="no chemical element"):
        Crystal.from_dict(c)


# ---------------------------------------------------------- the decorator itself


@serializable(derived={"norm": lambda v: abs(v.z)}, order=("norm",))
@dataclass(frozen=True)
class _Toy:
    name: str
    z: complex
    weights: dict[str, float]
    pair: tuple[int, str] | None = None
    values: np.ndarray | None = field(default=None, metadata=spec(shape=(-1, 2)))
    note: str = field(default="", compare=False)
    scratch: tuple[float, ...] = field(default=(), compare=False, metadata=spec(transient=True))


def test_a_toy_result_round_trips() -> None:
    toy = _Toy("t", 1 - 2j, {"a": 0.5, "b": math.nan}, (3, "x"), np.zeros((0, 2)), "n", (1.0,))
    d = toy.to_dict()
    assert list(d)[0] == "norm" and d["norm"] == abs(1 - 2j)
    assert d["z"] == {"re": 1.0, "im": -2.0, "abs": abs(1 - 2j)}
    assert d["weights"] == {"a": 0.5, "b": None} and "scratch" not in d
    back = _Toy.from_dict(json.loads(json.dumps(d, allow_nan=False)))
    assert back == toy and hash(back) == hash(toy)
    assert back.values.shape == (0, 2) and back.pair == (3, "x") and back.scratch == ()
    assert _Toy.from_dict({"name": "u", "z": {"re": 0, "im": 1}, "weights": {}}).values is None
    with pytest.raises(ParameterError, match=r"_Toy\.pair\[0\]: expected an integer"):
        _Toy.from_dict({**d, "pair": ["3", "x"]})
    with pytest.raises(ParameterError, match=r"_Toy: missing key 'name'"):
        _Toy.from_dict({"z": 0})


def test_bad_declarations_are_refused_when_used() -> None:
    @serializable
    @dataclass(frozen=True)
    class Transient:
        x: float
        y: float = field(default=0.0, metadata=spec(transient=True))  # compared: refused

    with pytest.raises(TypeError, match="compare=False"):
        Transient(1.0).to_dict()

    @serializable(order=("nope",))
    @dataclass(frozen=True)
    class Ordered:
        x: float

    with pytest.raises(TypeError, match="unknown keys"):
        Ordered(1.0).to_dict()
    with pytest.raises(TypeError, match="needs a dataclass"):
        serializable(int)


def test_a_class_keeps_its_own_layout() -> None:
    @serializable
    @dataclass(frozen=True)
    class Own:
        x: float

        def to_dict(self) -> dict[str, Any]:
            return {"value": self.x}

        @classmethod
        def from_dict(cls, d: dict[str, Any]) -> Own:
            return cls(d["value"])

    assert Own(2.0).to_dict() == {"value": 2.0}
    assert from_dict(Own, to_dict(Own(2.0))) == Own(2.0)
