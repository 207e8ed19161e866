"""The datasets of ``confined validate``, each a tuple of :class:`~.dataset.Compound`.

Fixed before any result was seen (docs/theory.md, "Validation"):

* **catalog**: every catalog entry of a validated family (cuprate, iron-based) with
  a measured structure (quality label ``experimental``), one row per entry, on its
  best measured file, with the entry's measured Tc. Where that file is the undoped
  parent of the superconductor (most measured files are: LaFeAsO for
  LaFeAsO1-xFx, BaFe2As2 for Ba1-xKxFe2As2), the row keeps the entry's Tc (doping is
  not modelled, as in the paper) and says so in ``note``; each such parent file is
  also a row of its own with Tc = 0 K (it does not superconduct), for the
  separation of superconductors from non-superconductors.
* **3DSC-MP** (``../shared/datasets/3dsc-mp``, screened with ``confined screen``):
  the rows the cage finder classifies as cuprate or iron-based, joined to
  ``tc.csv`` by file name. ``"3dsc-mp"``: one row per distinct Materials Project
  structure (``mp_id``), with the median of its files' measured Tc and the heights of
  its undoped file (the first by name when every file is doped); ``"3dsc-mp
  files"``: one row per file. The structures are DFT-relaxed, and 3DSC assigns the
  Tc of doped samples to undoped structures (``synth_doped`` files carry the doping
  as partial occupancies, resolved by the disorder rule): both are said in every
  report. Tc = 0 rows (measured not to superconduct) are kept as non-superconductors.
* **user**: a CSV ``structure_path, tc_K`` and optionally ``gap_meV`` (the measured
  gap Delta, compared with the theory's Delta = ratio·k_B·Tc_pred), each structure
  analysed; other columns (a pressure, a resonance) are ignored: no model uses them yet.
"""

from __future__ import annotations

import csv
import dataclasses
import math
import os
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from confined.errors import ParameterError
from confined.validate.dataset import PHASE_ORDER, Compound

__all__ = [
    "VALIDATED_FAMILIES",
    "catalog_dataset",
    "corpus_dataset",
    "user_dataset",
    "compound_from_row",
    "dft_shifts",
    "DftShift",
    "table_heights",
]

#: The families with a lambda in the paper: the ones validated.
VALIDATED_FAMILIES: tuple[str, ...] = ("cuprate", "iron-based")
_DESCRIPTORS = ("anion_height_A", "x_fe_x_angle_deg", "cuo2_planes_per_block", "apical_cu_o_A")


def _ordered(phases: dict[str, float]) -> tuple[tuple[str, float], ...]:
    rank = {p: i for i, p in enumerate(PHASE_ORDER)}
    return tuple(
        sorted(((p, float(h)) for p, h in phases.items()), key=lambda t: rank.get(t[0], 99))
    )


def _analyse_file(path: str | os.PathLike[str]) -> tuple[Any, Any]:
    """(AnalysisResult, Descriptors) of a structure file (gemmi when installed)."""
    from confined.analysis import analyze_crystal
    from confined.cages.descriptors import structure_descriptors
    from confined.screen.task import default_reader
    from confined.structure.readers import read_file

    crystal = read_file(path, reader=default_reader())
    res = analyze_crystal(crystal)
    desc = structure_descriptors(crystal.lattice, crystal.frac, crystal.symbols, res.cages)
    return res, desc


def _compound(
    id_: str, family: str, tc: float, res: Any, desc: Any, dataset: str, dft: bool, note: str | None
) -> Compound:
    return Compound(
        id=id_,
        family=family,
        tc_K=float(tc),
        heights_A=_ordered(res.cages.phases()),
        dataset=dataset,
        dft=dft,
        note=note,
        **{k: getattr(desc, k) for k in _DESCRIPTORS},
    )


def catalog_dataset() -> tuple[tuple[Compound, ...], tuple[Compound, ...]]:
    """The catalog's measured structures: (superconductors, undoped parents at 0 K).

    Returns:
        The entries' rows (measured Tc) and the parent files' rows (Tc 0 K), each in
        catalog order.
    """
    from confined.structure.catalog import list_entries

    rows: list[Compound] = []
    parents: dict[str, Compound] = {}
    for entry in list_entries():
        if entry.family not in VALIDATED_FAMILIES:
            continue
        measured = [r for r in entry.structures if r.quality == "experimental"]
        if not measured:
            continue
        best = entry.best_structure if entry.best_structure in measured else measured[0]
        res, desc = _analyse_file(best.path)
        if res.cages.family != entry.family:
            continue  # the cage finder does not see the family: nothing to validate
        note = (
            f"structure {best.file}: the undoped parent ({best.doping}); doping not modelled"
            if best.undoped_parent
            else None
        )
        rows.append(
            _compound(entry.id, entry.family, entry.tc_K, res, desc, "catalog", False, note)
        )
        for rec in measured:
            if rec.undoped_parent and rec.file not in parents:
                pres, pdesc = (res, desc) if rec is best else _analyse_file(rec.path)
                if pres.cages.family == entry.family:
                    parents[rec.file] = _compound(
                        f"parent {Path(rec.file).stem}", entry.family, 0.0, pres, pdesc,
                        "catalog", False, f"{rec.file}: undoped parent of {entry.id}, Tc 0 K",
                    )  # fmt: skip
    return tuple(rows), tuple(parents.values())


def compound_from_row(row: dict[str, Any], tc: float, dataset: str, note: str | None) -> Compound:
    """A Compound from a ``confined screen`` row (status ok) and a measured Tc."""
    phases = {p: row[f"h_{p}_A"] for p in ("alpha", "beta", "gamma") if row.get(f"h_{p}_A")}
    # phases beyond gamma are only in the cage list
    for c in row.get("cages") or []:
        if c["phase"] not in phases and c["phase"] in PHASE_ORDER:
            same = [x["h_A"] for x in row["cages"] if x["phase"] == c["phase"]]
            phases[c["phase"]] = sum(same) / len(same)
    return Compound(
        id=str(row["source"]).rpartition("::")[2].rpartition("/")[2],
        family=row["family"],
        tc_K=float(tc),
        heights_A=_ordered(phases),
        dataset=dataset,
        dft=True,
        note=note,
        **{k: _none_if_nan(row.get(k)) for k in _DESCRIPTORS},
    )


def _none_if_nan(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def _read_tc_csv(path: str | os.PathLike[str]) -> dict[str, dict[str, str]]:
    """The rows of a tc.csv by file name.

    Raises:
        ParameterError: the table cannot be read or lacks file, mp_id, tc_median.
    """
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            missing = {"file", "mp_id", "tc_median"} - set(reader.fieldnames or ())
            if missing:
                raise ParameterError(
                    f"{path}: expected the columns file, mp_id, tc_median (missing "
                    f"{', '.join(sorted(missing))})"
                )
            return {r["file"]: r for r in reader}
    except OSError as exc:
        raise ParameterError(f"{path}: cannot read: {exc.strerror or exc}") from None


def corpus_dataset(
    results: str | os.PathLike[str], tc_csv: str | os.PathLike[str]
) -> tuple[tuple[Compound, ...], tuple[Compound, ...]]:
    """The 3DSC-MP cuprates and iron-based compounds: (per structure, per file).

    Args:
        results: a ``confined screen`` result folder of the corpus.
        tc_csv: the corpus's ``tc.csv`` (file, formula_sc, mp_id, synth_doped,
            tc_median, tc_n).

    Raises:
        ParameterError: no result folder, or a tc.csv without the columns.
    """
    from confined.screen.results import query

    table = _read_tc_csv(tc_csv)
    rows = query(
        results,
        "select * from results where status = 'ok' and family in ('cuprate', 'iron-based') "
        "order by source",
    ).to_pylist()
    per_file: list[Compound] = []
    groups: dict[str, list[tuple[str, dict[str, Any], float]]] = {}
    for row in rows:
        name = str(row["source"]).rpartition("::")[2].rpartition("/")[2]
        meta = table.get(name)
        if meta is None or not (meta.get("tc_median") or "").strip():
            continue  # no measured Tc for this file (22 corpus files)
        tc = float(meta["tc_median"])
        doped = str(meta.get("synth_doped", "")).lower() == "true"
        note = "DFT-relaxed (Materials Project)" + (
            "; doped in 3DSC (partial occupancies, disorder rule applied)" if doped else ""
        )
        per_file.append(compound_from_row(row, tc, "3dsc-mp files", note))
        groups.setdefault(meta.get("mp_id") or name, []).append((name, row, tc))
    per_structure: list[Compound] = []
    for mp_id, files in sorted(groups.items()):
        undoped = [f for f in files if "synth_doped" not in f[0]]
        name, row, _ = sorted(undoped or files, key=lambda f: f[0])[0]
        tc = statistics.median(f[2] for f in files)
        note = (
            f"DFT-relaxed (Materials Project {mp_id}); Tc the median of {len(files)} files "
            "whose measured Tc 3DSC assigns to this structure"
        )
        c = compound_from_row(row, tc, "3dsc-mp", note)
        per_structure.append(dataclasses.replace(c, id=mp_id, n_files=len(files)))
    return tuple(per_structure), tuple(per_file)


def user_dataset(path: str | os.PathLike[str]) -> tuple[tuple[Compound, ...], tuple[str, ...]]:
    """A user's CSV ``structure_path, tc_K``: the validated rows and one line per row left out.

    Relative paths are relative to the CSV's folder. A structure that cannot be read,
    or whose family is not validated, is left out with its reason (never an error).

    Raises:
        ParameterError: the CSV cannot be read or lacks the columns.
    """
    base = Path(path).parent
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            cols = set(reader.fieldnames or ())
            if not {"structure_path", "tc_K"} <= cols:
                raise ParameterError(
                    f"{path}: expected the columns structure_path, tc_K (found "
                    f"{', '.join(sorted(cols)) or 'none'})"
                )
            lines = list(reader)
    except OSError as exc:
        raise ParameterError(f"{path}: cannot read: {exc.strerror or exc}") from None
    from confined.errors import ConfinedError

    rows: list[Compound] = []
    skipped: list[str] = []
    for i, line in enumerate(lines, start=2):
        sp = (line.get("structure_path") or "").strip()
        try:
            tc = float(line.get("tc_K") or "nan")
        except ValueError:
            tc = math.nan
        if not sp or not math.isfinite(tc) or tc < 0:
            skipped.append(f"{path}:{i}: needs a structure_path and a tc_K >= 0")
            continue
        full = Path(sp) if Path(sp).is_absolute() else base / sp
        try:
            res, desc = _analyse_file(full)
        except ConfinedError as exc:
            skipped.append(f"{path}:{i}: {exc}")
            continue
        if res.cages.family not in VALIDATED_FAMILIES:
            skipped.append(f"{path}:{i}: {sp}: family {res.cages.family} is not validated")
            continue
        row = _compound(sp, res.cages.family, tc, res, desc, "user", False, None)
        gap = _positive(line.get("gap_meV"))
        rows.append(dataclasses.replace(row, gap_meV=gap) if gap is not None else row)
    return tuple(rows), tuple(skipped)


def _positive(text: str | None) -> float | None:
    """A positive finite number from a table cell, else None (blank or not a number)."""
    try:
        v = float(text) if text not in (None, "") else math.nan
    except ValueError:
        return None
    return v if math.isfinite(v) and v > 0 else None


def table_heights(table: str) -> tuple[list[list[float]], list[float], str]:
    """The paper's own Table I or II: heights per compound, measured Tc, family.

    Returns:
        ``(heights per row, Tc per row, family)`` with the heights the paper gives.
    """
    from confined.validate.tables import reproduce_tables

    t = reproduce_tables()
    rows = t.table1 if table == "I" else t.table2
    heights = [[h for _, h in _ordered(r.h_paper_A)] for r in rows if r.h_paper_A]
    tcs = [r.tc_K for r in rows if r.h_paper_A]
    return heights, tcs, rows[0].family


@dataclass(frozen=True)
class DftShift:
    """One catalog compound with both a measured and a DFT-relaxed structure."""

    id: str
    family: str
    measured_file: str
    dft_file: str
    h_measured_A: dict[str, float]
    h_dft_A: dict[str, float]

    def rows(self, lam: float) -> list[dict[str, Any]]:
        """Per phase present in both: heights, shift, and the predicted Tc on each."""
        out = []
        for p, hm in self.h_measured_A.items():
            hd = self.h_dft_A.get(p)
            if hd is None:
                continue
            out.append(
                {
                    "id": self.id,
                    "phase": p,
                    "h_measured_A": hm,
                    "h_dft_A": hd,
                    "shift_A": hd - hm,
                    "tc_measured_structure_K": lam / hm**2,
                    "tc_dft_structure_K": lam / hd**2,
                    "tc_shift_K": lam / hd**2 - lam / hm**2,
                }
            )
        return out


def dft_shifts() -> tuple[DftShift, ...]:
    """Every catalog entry with a measured and a DFT-relaxed (Materials Project) structure."""
    from confined.structure.catalog import list_entries

    out = []
    for entry in list_entries():
        if entry.family not in VALIDATED_FAMILIES:
            continue
        meas = [r for r in entry.structures if r.quality == "experimental"]
        dft = [r for r in entry.structures if r.quality == "DFT-relaxed"]
        if not meas or not dft:
            continue
        rm, rd = meas[0], dft[0]
        am, _ = _analyse_file(rm.path)
        ad, _ = _analyse_file(rd.path)
        out.append(
            DftShift(entry.id, entry.family, rm.file, rd.file, am.cages.phases(), ad.cages.phases())
        )
    return tuple(out)
