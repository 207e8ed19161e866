"""The stored reference of the cage finder's output, and the script that regenerates it.

Why a stored reference: the cage finder was rewritten for speed (issue 8), and its
output must not change. The reference is the finder's complete output (every field
of :class:`~confined.cages.model.CageAnalysis` at full precision: family, reason,
stacking, layers, every cage with its polyhedron, faces, height atoms, ...) on

* a fixed sample of 300 real CIFs of the 3DSC-MP corpus (tests/data/corpus_sample/,
  made by benchmarks/make_corpus_sample.py),
* every structure shipped with the catalog and under tests/data/<Material>/,
* supercells of YBa2Cu3O7 (10x10x2, 2,600 atoms), Hg-1223, BKFA, LaFeAsO and Nb.

It was produced by the finder as it stood before the speed work, after the
determinism fixes of the same issue (canonical representative, vertex and face
order), whose geometry the other tests check against the paper's numbers and hand
calculations (tests/test_cages.py, test_unseen_types.py, test_catalog.py). The
inputs are stored as crystals (lattice, fractional coordinates, symbols), so the
reference tests the cage finder alone, not the readers.

Deliberate changes since it was made (each also covered by a test of its own):

* Nb 8x8x8: multiplicity 3397 -> 3072, i.e. 3 octahedral holes per BCC atom. The
  old finder merged candidate sites by rounding fractional coordinates to three
  decimals, which split the sites at 1/16 = 0.0625 (tests/test_determinism.py).
* 9 outputs (doped 122 supercells, one cuprate): another member reported for a cage
  type whose members have two heights equally far from the median. The tie went to
  the centre first in fractional coordinates, which depends on the cell setting; it
  now goes to the lower height, then the smaller shape. Only the reported member's
  geometry (vertices, volume, height atoms) changed; h, multiplicity and spread not.

Regenerate only for a deliberate change of output, and say why in the commit:

    python tests/cage_reference.py
"""

from __future__ import annotations

import dataclasses
import json
import lzma
import sys
import tarfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OUT = HERE / "data" / "cage_reference" / "reference.json.xz"
SAMPLE = HERE / "data" / "corpus_sample" / "cifs.tar.xz"
STRUCTURES = REPO / "src" / "confined" / "structure" / "data" / "structures"

#: (name of the base input, supercell diagonal)
SUPERCELLS = [
    ("structures/cuprate/YBa2Cu3O7_COD1008483.cif", (10, 10, 2)),
    ("structures/cuprate/HgBa2Ca2Cu3O8_AFLOW-A2B2C3DE8_tP16_123_h_h_bg_a_egi-001.cif", (5, 5, 2)),
    ("structures/iron-based/Ba0.6K0.4Fe2As2_Rotter2008_RECALLED-PARAMS.cif", (6, 6, 2)),
    ("structures/iron-based/LaFeAsO_Nomura2008_300K_RECALLED-PARAMS.cif", (8, 8, 2)),
    ("structures/elemental/Nb_bcc_textbook.cif", (8, 8, 8)),
]


def dump(obj: Any) -> Any:
    """Any result dataclass as plain JSON types at full precision (arrays as lists)."""
    if dataclasses.is_dataclass(obj):
        return {f.name: dump(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, np.ndarray):
        return dump(obj.tolist())
    if isinstance(obj, list | tuple):
        return [dump(x) for x in obj]
    if isinstance(obj, dict):
        return {str(k): dump(v) for k, v in obj.items()}
    if isinstance(obj, np.generic):
        return obj.item()
    return obj


def supercell(crystal: Any, diag: tuple[int, int, int]) -> Any:
    """The crystal repeated ``diag`` times along a, b, c (atoms in a fixed order)."""
    from confined.structure.crystal import Crystal

    n = np.asarray(diag)
    shifts = np.stack(np.meshgrid(*[np.arange(k) for k in diag], indexing="ij"), -1).reshape(-1, 3)
    frac = ((crystal.frac[None, :, :] + shifts[:, None, :]) / n).reshape(-1, 3)
    return Crystal(
        lattice=crystal.lattice * n[:, None],
        frac=frac,
        symbols=tuple(crystal.symbols) * len(shifts),
        source=f"{crystal.source} x{'x'.join(map(str, diag))}",
    )


def crystal_to_json(c: Any) -> dict[str, Any]:
    """A crystal as exact JSON (floats round-trip through repr)."""
    return {"lattice": c.lattice.tolist(), "frac": c.frac.tolist(), "symbols": list(c.symbols)}


def crystal_from_json(d: dict[str, Any], source: str) -> Any:
    """The inverse of :func:`crystal_to_json`."""
    from confined.structure.crystal import Crystal

    return Crystal(
        lattice=np.array(d["lattice"]), frac=np.array(d["frac"]), symbols=d["symbols"],
        source=source,
    )  # fmt: skip


def _inputs() -> dict[str, Any]:
    from confined.structure.io import load_crystal

    out: dict[str, Any] = {}
    with tarfile.open(SAMPLE) as tar:
        for m in tar:
            data = tar.extractfile(m).read()  # type: ignore[union-attr]
            tmp = HERE / "data" / "cage_reference" / ".tmp.cif"
            tmp.write_bytes(data)
            try:
                out[f"corpus/{m.name}"] = load_crystal(tmp, reader="pymatgen")
            finally:
                tmp.unlink()
    for path in sorted(STRUCTURES.rglob("*")):
        if path.suffix in {".cif", ".vasp"}:
            out[f"structures/{path.relative_to(STRUCTURES)}"] = load_crystal(path)
    for path in sorted((HERE / "data").glob("*/*")):
        if path.parent.name[0].isupper() and (
            path.suffix in {".cif", ".vasp"} or path.name == "POSCAR"
        ):
            out[f"tests/{path.relative_to(HERE / 'data')}"] = load_crystal(path)
    return out


def main() -> int:
    from confined.cages import find_cages

    warnings.simplefilter("ignore")
    inputs = _inputs()
    ref: dict[str, Any] = {"inputs": {}, "supercells": [], "outputs": {}}
    for name, crystal in inputs.items():
        ref["inputs"][name] = crystal_to_json(crystal)
        ref["outputs"][name] = dump(find_cages(crystal))
    for base, diag in SUPERCELLS:
        name = f"{base} x{'x'.join(map(str, diag))}"
        ref["supercells"].append([base, list(diag)])
        ref["outputs"][name] = dump(find_cages(supercell(inputs[base], diag)))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(lzma.compress(json.dumps(ref, sort_keys=True).encode()))
    print(f"wrote {OUT}: {len(ref['outputs'])} outputs, {OUT.stat().st_size / 1024:.0f} kB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
