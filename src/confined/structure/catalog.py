"""The built-in catalog of the paper's compounds.

Every row of Tables I (cuprates) and II (iron-based) of "Superconducting theory
of confined electrons" is one :class:`CatalogEntry`, plus the compounds the text
and figures discuss (Bi-2212, K0.8Fe2Se2, monolayer FeSe, elemental metals).
An entry carries the paper's numbers (Tc, the cage heights h, lambda = Tc*h^2,
the phase the paper uses), the numbers quoted in the text, and the structures
shipped with the package, best first, each with its quality label and
provenance (``data/structures/PROVENANCE.md``). Where no structure of a compound
exists, ``structures`` is empty and ``no_structure_reason`` says why; no
structure is ever invented.

The catalog is read from ``data/catalog.json`` on first use (nothing happens at
import time) and works from an installed wheel (:mod:`importlib.resources`).
Its structure files are read by :func:`confined.structure.readers.read_file`;
turning a catalog id given by a user into a crystal is the job of
:func:`confined.structure.sources.resolve_source`.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources import as_file
from importlib.resources.abc import Traversable
from pathlib import Path
from types import MappingProxyType
from typing import Any

from confined.checks import check_real
from confined.defaults import MIN_OCCUPANCY
from confined.errors import CatalogError
from confined.serialize import serializable
from confined.structure.crystal import Crystal
from confined.structure.readers import read_file

__all__ = [
    "QUALITY_LABELS",
    "FAMILIES",
    "StructureRecord",
    "CatalogEntry",
    "list_entries",
    "get_entry",
    "catalog_ids",
    "find_record",
    "find_record_by_content",
    "freeze",
]

#: Quality labels of shipped structures, best evidence first.
QUALITY_LABELS: tuple[str, ...] = (
    "experimental",
    "literature-parameters",
    "DFT-relaxed",
    "textbook-lattice",
)

#: Compound families of the catalog.
FAMILIES: tuple[str, ...] = ("cuprate", "iron-based", "elemental")

_PACKAGE = "confined.structure"
_DATA_DIR = "data"
_STRUCTURE_DIR = "structures"
_CATALOG_FILE = "catalog.json"


def _data_root() -> Traversable:
    return resources.files(_PACKAGE).joinpath(_DATA_DIR)


def freeze(value: Any) -> Any:
    """A read-only deep copy of JSON-like data: mappings become mapping proxies, lists tuples.

    The form of the catalog's ``paper`` and ``text_values``; data read back from JSON
    (dicts and lists) is frozen to it again, so that it compares equal.
    """
    if isinstance(value, Mapping):
        return MappingProxyType({str(k): freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    return value


@serializable(
    order=(
        "file", "quality", "formula", "reference", "provenance", "note", "undoped_parent",
        "doping",
    ),
)  # fmt: skip
@dataclass(frozen=True)
class StructureRecord:
    """One shipped structure file of a catalog entry.

    Attributes:
        file: path relative to ``data/structures`` (``"<family>/<name>.cif"``).
        quality: one of :data:`QUALITY_LABELS`.
        reference: the publication or database the structure comes from.
        provenance: repository, commit and original path (or corpus member) it was copied from.
        note: caveats (temperature, pressure, doping, idealised positions...).
        formula: nominal formula of the structure in the file (may differ from the
            entry's compound, e.g. a parent structure of a doped compound).
        entry_id: id of the catalog entry the record belongs to (used in messages).
        undoped_parent: True when the file is the undoped (carrier-free) parent of the
            entry's superconductor: it does not superconduct itself, and the entry's
            Tc is that of the doped compound (``data/structures/PROVENANCE.md`` gives
            the rule).
        doping: one line on the doping of the file against the superconductor ("" when
            the file is the superconducting composition or nothing is known).
    """

    file: str
    quality: str
    reference: str
    provenance: str
    note: str = ""
    formula: str = ""
    entry_id: str = ""
    undoped_parent: bool = False
    doping: str = ""

    @property
    def resource(self) -> Traversable:
        """The file as an :mod:`importlib.resources` traversable (works from any install)."""
        node = _data_root().joinpath(_STRUCTURE_DIR)
        for part in self.file.split("/"):
            node = node.joinpath(part)
        return node

    @property
    def path(self) -> Path:
        """Filesystem path of the shipped file (package installed as files, the normal case)."""
        return Path(str(self.resource))

    @property
    def source(self) -> str:
        """Label used in messages and in :attr:`Crystal.source`: ``"<entry id>:<file>"``."""
        return f"{self.entry_id}:{self.file}"

    def load_crystal(self, *, min_occupancy: float = MIN_OCCUPANCY) -> Crystal:
        """Read the shipped CIF with the package reader and return the ordered crystal.

        The same reader as for user files (:func:`confined.structure.readers.read_file`,
        pymatgen's CIF reader), so disorder and occupancy are judged by one rule.

        Args:
            min_occupancy: sites whose total occupancy is below this are dropped; 0 to 1.

        Returns:
            The crystal, with ``source`` ``"<entry id>:<file>"``.

        Raises:
            StructureInputError: when the file is missing or cannot be parsed.
            ParameterError: ``min_occupancy`` is not a number from 0 to 1.
        """
        min_occupancy = check_real("min_occupancy", min_occupancy, low=0.0, high=1.0)  # type: ignore[assignment]
        with as_file(self.resource) as path:
            crystal = read_file(path, min_occupancy=min_occupancy, reader="pymatgen")
        return dataclasses.replace(crystal, source=self.source)


@serializable(
    derived={"structure": "best_structure"},
    # the layout before the serialiser: "structure" (the best one) before "structures"
    order=(
        "id", "name", "formula", "family", "table", "row", "tc_K", "tc_source", "paper",
        "text_values", "structure", "structures", "no_structure_reason", "notes", "aliases",
    ),
)  # fmt: skip
@dataclass(frozen=True)
class CatalogEntry:
    """One compound of the catalog.

    ``to_dict()`` writes ``"structure"``, the best structure (or None), for readers;
    ``paper`` and ``text_values`` are kept read-only (:func:`freeze`).

    Attributes:
        id: short, lowercase, unique, stable identifier (``"ybco"``, ``"sm1111-55"``...).
        name: the compound as the paper writes it (uncertainties kept).
        formula: nominal formula (the parent's where the paper gives no doping level).
        family: one of :data:`FAMILIES`.
        table: ``"I"``, ``"II"`` or None (text/figure compounds).
        row: 1-based row in that table, or None.
        tc_K: the Tc the paper uses (table) or the measured/literature value (others), in K.
        tc_source: where ``tc_K`` comes from.
        paper: the table values: ``h_A`` (phase -> h in Å, None where the table has
            none; empty for non-table entries), ``lambda_K_A2`` (the printed lambda),
            ``phase_used`` (the phase whose h the paper uses), ``note``.
        text_values: numbers the paper quotes in its text for this compound (keys carry units).
        structures: shipped structures, best first.
        no_structure_reason: why ``structures`` is empty (None when it is not).
        notes: caveats (doping not modelled, parent structure used, OCR uncertainty...).
        aliases: other ids accepted by :func:`get_entry`.
    """

    id: str
    name: str
    formula: str
    family: str
    table: str | None
    row: int | None
    tc_K: float
    tc_source: str
    paper: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    text_values: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    structures: tuple[StructureRecord, ...] = ()
    no_structure_reason: str | None = None
    notes: str = ""
    aliases: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("paper", "text_values"):
            object.__setattr__(self, name, freeze(getattr(self, name)))

    @property
    def best_structure(self) -> StructureRecord | None:
        """The first (best) structure, or None when the compound has none."""
        return self.structures[0] if self.structures else None

    @property
    def phase_used(self) -> str | None:
        """The phase whose height the paper uses for lambda (None outside the tables)."""
        return self.paper.get("phase_used")

    @property
    def h_used_A(self) -> float | None:
        """The table height the paper uses for lambda (Å), or None outside the tables."""
        phase = self.phase_used
        if phase is None:
            return None
        return self.paper.get("h_A", {}).get(phase)

    def load_crystal(self, *, min_occupancy: float = MIN_OCCUPANCY) -> Crystal:
        """Load the best structure of the entry.

        Args:
            min_occupancy: see :meth:`StructureRecord.load_crystal`.

        Returns:
            The ordered crystal of :attr:`best_structure`.

        Raises:
            CatalogError: when the entry has no structure.
            StructureInputError: when the shipped file cannot be read.
        """
        best = self.best_structure
        if best is None:
            raise CatalogError(f"{self.id}: no structure: {self.no_structure_reason}")
        return best.load_crystal(min_occupancy=min_occupancy)


def _entry_from_json(raw: Mapping[str, Any]) -> CatalogEntry:
    try:
        entry_id = str(raw["id"])
        records = tuple(
            StructureRecord(
                file=str(s["file"]),
                quality=str(s["quality"]),
                reference=str(s.get("reference", "")),
                provenance=str(s.get("provenance", "")),
                note=str(s.get("note", "")),
                formula=str(s.get("formula", "")),
                entry_id=entry_id,
                undoped_parent=_flag(s.get("undoped_parent", False), entry_id, s),
                doping=str(s.get("doping", "")),
            )
            for s in raw.get("structures", [])
        )
        row = raw.get("row")
        return CatalogEntry(
            id=entry_id,
            name=str(raw["name"]),
            formula=str(raw["formula"]),
            family=str(raw["family"]),
            table=raw.get("table"),
            row=None if row is None else int(row),
            tc_K=float(raw["tc_K"]),
            tc_source=str(raw.get("tc_source", "")),
            paper=raw.get("paper") or {},
            text_values=raw.get("text_values") or {},
            structures=records,
            no_structure_reason=raw.get("no_structure_reason"),
            notes=str(raw.get("notes", "")),
            aliases=tuple(str(a).lower() for a in raw.get("aliases", [])),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise CatalogError(f"malformed catalog entry {raw.get('id', '?')!r}: {exc}") from None


def _flag(value: Any, entry_id: str, raw: Mapping[str, Any]) -> bool:
    """A record's ``undoped_parent``: a JSON boolean, nothing else."""
    if not isinstance(value, bool):
        raise TypeError(f"{raw.get('file', '?')}: undoped_parent must be true or false")
    return value


def _check(entries: tuple[CatalogEntry, ...]) -> None:
    seen: set[str] = set()
    for e in entries:
        keys = (e.id, *e.aliases)
        for key in keys:
            if key != key.lower() or key in seen:
                raise CatalogError(f"catalog id {key!r} is duplicated or not lowercase")
            seen.add(key)
        if e.family not in FAMILIES:
            raise CatalogError(f"{e.id}: unknown family {e.family!r}")
        for rec in e.structures:
            if rec.quality not in QUALITY_LABELS:
                raise CatalogError(f"{e.id}: {rec.file}: unknown quality label {rec.quality!r}")
        if not e.structures and not e.no_structure_reason:
            raise CatalogError(f"{e.id}: no structure and no reason given")


@functools.cache
def _load() -> tuple[tuple[CatalogEntry, ...], Mapping[str, CatalogEntry]]:
    text = _data_root().joinpath(_CATALOG_FILE).read_text(encoding="utf-8")
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CatalogError(f"{_CATALOG_FILE}: invalid JSON ({exc})") from None
    entries = tuple(_entry_from_json(r) for r in raw.get("entries", []))
    _check(entries)
    index: dict[str, CatalogEntry] = {}
    for e in entries:
        index[e.id] = e
        for alias in e.aliases:
            index[alias] = e
    return entries, MappingProxyType(index)


def list_entries(family: str | None = None) -> tuple[CatalogEntry, ...]:
    """All catalog entries in catalog order (Table I, Bi-2212, Table II, text compounds, elements).

    Args:
        family: keep only this family (``"cuprate"``, ``"iron-based"``, ``"elemental"``).

    Returns:
        The entries.

    Raises:
        CatalogError: for an unknown family.
    """
    entries, _ = _load()
    if family is None:
        return entries
    fam = family.strip().lower()
    if fam not in FAMILIES:
        raise CatalogError(f"unknown family {family!r}; known families: {', '.join(FAMILIES)}")
    return tuple(e for e in entries if e.family == fam)


def catalog_ids() -> tuple[str, ...]:
    """The ids of all entries, in catalog order (aliases not included)."""
    return tuple(e.id for e in _load()[0])


def get_entry(entry_id: str) -> CatalogEntry:
    """Look up an entry by id or alias (case-insensitive).

    Args:
        entry_id: e.g. ``"ybco"``, ``"HG1223"``, ``"sm1111-55"``.

    Returns:
        The entry.

    Raises:
        CatalogError: for an unknown id; the one-line message suggests close matches.
    """
    _, index = _load()
    key = str(entry_id).strip().lower()
    if key in index:
        return index[key]
    close = difflib.get_close_matches(key, list(index), n=3, cutoff=0.5)
    hint = f"did you mean {', '.join(close)}?" if close else "see catalog_ids() for the known ids"
    raise CatalogError(f"unknown catalog id {entry_id!r}; {hint}")


@functools.cache
def _record_index() -> tuple[
    Mapping[str, tuple[CatalogEntry, StructureRecord]],
    Mapping[tuple[int, str], tuple[CatalogEntry, StructureRecord]],
]:
    """The shipped files by real path, and by (size, sha256); the first entry using a file wins."""
    by_path: dict[str, tuple[CatalogEntry, StructureRecord]] = {}
    by_hash: dict[tuple[int, str], tuple[CatalogEntry, StructureRecord]] = {}
    for entry in _load()[0]:
        for rec in entry.structures:
            try:
                data = rec.path.read_bytes()
                real = str(rec.path.resolve())
            except OSError:
                continue  # a missing file is the reader's error to report, not this one's
            by_path.setdefault(real, (entry, rec))
            by_hash.setdefault((len(data), hashlib.sha256(data).hexdigest()), (entry, rec))
    return MappingProxyType(by_path), MappingProxyType(by_hash)


def find_record_by_content(data: bytes) -> tuple[CatalogEntry, StructureRecord] | None:
    """The catalog entry and record of a file's content (an upload, an archive member).

    The same rule as :func:`find_record` for a copy: same size and SHA-256 as a file
    the catalog ships; anything else is a user's.

    Args:
        data: the bytes of the file, as stored.

    Returns:
        (entry, record), or None.
    """
    _, by_hash = _record_index()
    key = (len(data), hashlib.sha256(data).hexdigest())
    return by_hash.get(key) if any(len(data) == s for s, _ in by_hash) else None


def find_record(path: str | Path) -> tuple[CatalogEntry, StructureRecord] | None:
    """The catalog entry and record of a structure file the catalog ships, else None.

    A file is the catalog's when it is a shipped file (same real path) or a
    byte-identical copy of one (same size and SHA-256). Any other file is a user's:
    the catalog knows nothing of it, and nothing is guessed (no match by formula or
    name). A file shipped by two entries (LaFeAsO, SmFeAsO) belongs to the first in
    catalog order.

    Args:
        path: a file path.

    Returns:
        (entry, record), or None.
    """
    by_path, by_hash = _record_index()
    p = Path(path)
    try:
        real = str(p.resolve())
        if real in by_path:
            return by_path[real]
        size = p.stat().st_size
    except (OSError, RuntimeError, ValueError):
        return None
    if not any(size == s for s, _ in by_hash):
        return None  # only a file of a shipped size is read
    try:
        digest = hashlib.sha256(p.read_bytes()).hexdigest()
    except OSError:
        return None
    return by_hash.get((size, digest))
