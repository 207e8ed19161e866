"""The normalised, ordered crystal that every higher layer works on.

A :class:`Crystal` is plain arrays (lattice, fractional coordinates, element
symbols) plus where it came from and what was changed on the way in. Disordered
sites are resolved here, by one documented rule (docs/theory.md, "Disorder").

Every symbol of a crystal is a chemical element, H to Og (:data:`ELEMENTS`):
dummy atoms (``X``, ``Q``), isotope symbols (``D``, ``T``) and legacy systematic
names (``Uuo``) are refused by :class:`Crystal` itself, so no reader can put one
into the cage finder.

The warnings of a crystal do not depend on the order in which a reader lists
its sites: the disorder summary lists its notes sorted, and each note lists a
site's species by decreasing occupancy (then by symbol).
"""

from __future__ import annotations

import math
import warnings as _warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from confined.defaults import MIN_OCCUPANCY
from confined.errors import StructureInputError
from confined.serialize import serializable, spec
from confined.structure.messages import short_label

if TYPE_CHECKING:
    from pymatgen.core import Structure

__all__ = ["Crystal", "resolve_site", "OCCUPANCY_TOL", "ELEMENTS"]

#: Total occupancies up to 1 + OCCUPANCY_TOL are accepted as 1 (rounding in CIFs).
OCCUPANCY_TOL: float = 0.05

#: The chemical elements, H (Z = 1) to Og (Z = 118), in order of atomic number.
ELEMENTS: tuple[str, ...] = tuple(
    """H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga Ge
    As Se Br Kr Rb Sr Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd Pm Sm
    Eu Gd Tb Dy Ho Er Tm Yb Lu Hf Ta W Re Os Ir Pt Au Hg Tl Pb Bi Po At Rn Fr Ra Ac Th Pa U
    Np Pu Am Cm Bk Cf Es Fm Md No Lr Rf Db Sg Bh Hs Mt Ds Rg Cn Nh Fl Mc Lv Ts Og""".split()
)
_ELEMENT_SET = frozenset(ELEMENTS)
_Z = {symbol: z for z, symbol in enumerate(ELEMENTS, start=1)}


def _describe(occupancies: Mapping[str, float]) -> str:
    """``"La:0.85, Sr:0.15"``: species by decreasing occupancy, then by symbol."""
    items = sorted(occupancies.items(), key=lambda kv: (-kv[1], kv[0]))
    return ", ".join(f"{k}:{v:.3g}" for k, v in items)


def resolve_site(
    occupancies: Mapping[str, float], *, min_occupancy: float = MIN_OCCUPANCY
) -> tuple[str | None, str | None]:
    """Resolve one possibly disordered site to a single element.

    The rule: a site whose total occupancy is below ``min_occupancy`` is empty;
    otherwise it holds its majority element (ties broken by the heavier element).

    Args:
        occupancies: element symbol -> occupancy of that element on the site.
        min_occupancy: total occupancy below which the site is dropped.

    Returns:
        ``(symbol or None, note or None)``: the element kept (None for an empty
        site) and a short note when the site was disordered.

    Raises:
        StructureInputError: when the total occupancy exceeds 1 (beyond rounding),
            or an occupancy is negative or not a finite number.
    """
    try:
        values = [float(v) for v in occupancies.values()]
    except (TypeError, ValueError):
        values = [math.nan]
    if not all(math.isfinite(v) for v in values):
        raise StructureInputError(f"occupancy is not a finite number ({dict(occupancies)})")
    if any(v < 0 for v in values):
        raise StructureInputError(f"negative occupancy ({_describe(occupancies)})")
    total = sum(values)
    if total > 1.0 + OCCUPANCY_TOL:
        raise StructureInputError(
            f"site occupancy {total:.3f} is over 1 ({_describe(occupancies)})"
        )
    if len(occupancies) == 1 and total >= 1.0 - 1e-6:
        return next(iter(occupancies)), None
    desc = _describe(occupancies)
    if total < min_occupancy:
        return None, f"site ({desc}) dropped: total occupancy {total:.3g} < {min_occupancy}"

    def key(item: tuple[str, float]) -> tuple[float, int]:
        sym, occ = item
        return (round(occ, 6), _Z.get(sym, 0))  # a tie goes to the heavier element

    symbol = max(occupancies.items(), key=key)[0]
    return symbol, f"site ({desc}) taken as {symbol}"


@serializable(
    derived={"formula": "formula"},
    order=("source", "formula", "lattice_A", "symbols", "frac", "warnings"),
)
@dataclass(frozen=True)
class Crystal:
    """An ordered periodic crystal as plain arrays.

    Crystals compare by value (``==``, ``hash()``: lattice and coordinates exactly,
    symbols, source and warnings). ``to_dict()`` writes ``source``, ``formula`` (for
    readers), ``lattice_A``, ``symbols``, ``frac`` and ``warnings`` at full precision,
    and ``Crystal.from_dict`` reads it back (checked like any new crystal); the
    loader also reads such a dictionary from a ``.json`` file.

    Attributes:
        lattice: (3, 3) float array, rows are the lattice vectors a, b, c in Å.
        frac: (N, 3) float array of fractional coordinates.
        symbols: N element symbols.
        source: where the structure came from (a path, a catalog id, "<Structure>").
        warnings: what was changed on the way in (disorder resolved, sites dropped).
    """

    lattice: np.ndarray = field(metadata=spec(key="lattice_A", shape=(3, 3)))
    frac: np.ndarray = field(metadata=spec(shape=(-1, 3)))
    symbols: tuple[str, ...]
    source: str = "<arrays>"
    warnings: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        def fail(problem: str) -> StructureInputError:
            return StructureInputError(f"{short_label(self.source)}: {problem}")

        try:
            lat = np.asarray(self.lattice, dtype=float).reshape(3, 3)
            frac = np.asarray(self.frac, dtype=float).reshape(-1, 3)
        except (TypeError, ValueError):
            raise fail(
                "the lattice must be 3 x 3 numbers and the coordinates N x 3 numbers"
            ) from None
        try:
            if isinstance(self.symbols, str):  # "CuO" would silently become ('C', 'u', 'O')
                raise TypeError
            symbols = tuple(str(s) for s in self.symbols)
        except TypeError:
            raise fail("symbols must be a sequence of element symbols") from None
        if len(symbols) != len(frac):
            raise fail(f"{len(frac)} positions but {len(symbols)} symbols")
        if len(frac) == 0:
            raise fail("the structure has no atoms")
        if not _ELEMENT_SET.issuperset(symbols):
            i, bad = next((i, s) for i, s in enumerate(symbols) if s not in _ELEMENT_SET)
            raise fail(
                f"atom {i + 1} has the symbol {short_label(bad, 20)!r}, "
                "which is no chemical element (H to Og)"
            )
        if not np.all(np.isfinite(lat)) or not np.all(np.isfinite(frac)):
            raise fail("non-finite lattice or coordinates")
        vol = abs(np.linalg.det(lat))
        if vol < 1.0:
            raise fail(f"degenerate cell (volume {vol:.3g} Å^3)")
        lat.setflags(write=False)
        frac.setflags(write=False)
        object.__setattr__(self, "lattice", lat)
        object.__setattr__(self, "frac", frac)
        object.__setattr__(self, "symbols", symbols)
        object.__setattr__(self, "warnings", tuple(self.warnings))

    @property
    def n_atoms(self) -> int:
        """Number of atoms in the cell."""
        return len(self.symbols)

    @property
    def cart(self) -> np.ndarray:
        """(N, 3) Cartesian coordinates in Å."""
        return self.frac @ self.lattice

    @property
    def volume_A3(self) -> float:
        """Cell volume in Å³."""
        return float(abs(np.linalg.det(self.lattice)))

    @property
    def formula(self) -> str:
        """Reduced formula of the ordered crystal."""
        from pymatgen.core import Composition

        counts: dict[str, float] = {}
        for s in self.symbols:
            counts[s] = counts.get(s, 0) + 1
        with _warnings.catch_warnings():
            _warnings.simplefilter("ignore")  # e.g. "no Pauling electronegativity for He"
            return Composition(counts).reduced_formula

    @classmethod
    def from_structure(
        cls,
        structure: Structure,
        *,
        source: str = "<Structure>",
        min_occupancy: float = MIN_OCCUPANCY,
    ) -> Crystal:
        """Build an ordered crystal from a pymatgen ``Structure`` (ordered or not).

        Args:
            structure: any pymatgen Structure; disordered sites are resolved with
                :func:`resolve_site`.
            source: label used in messages.
            min_occupancy: see :func:`resolve_site`.

        Returns:
            The ordered crystal, with one warning summarising the disorder rule.
        """
        occupancies = []
        for site in structure:
            occ: dict[str, float] = {}
            for sp, amt in site.species.items():
                el = getattr(sp, "symbol", None) or getattr(sp, "element", sp)
                name = str(getattr(el, "symbol", el))
                occ[name] = occ.get(name, 0.0) + float(amt)
            occupancies.append(occ)
        return cls.from_sites(
            structure.lattice.matrix,
            structure.frac_coords,
            occupancies,
            source=source,
            min_occupancy=min_occupancy,
        )

    @classmethod
    def from_sites(
        cls,
        lattice: np.ndarray,
        frac: np.ndarray,
        occupancies: Sequence[Mapping[str, float]],
        *,
        source: str,
        min_occupancy: float = MIN_OCCUPANCY,
        notes: Sequence[str] = (),
    ) -> Crystal:
        """Build an ordered crystal from possibly disordered sites.

        Args:
            lattice: (3, 3) lattice vectors (rows) in Å.
            frac: (N, 3) fractional coordinates of the sites.
            occupancies: N mappings element -> occupancy, resolved by
                :func:`resolve_site`.
            source: label used in messages.
            min_occupancy: see :func:`resolve_site`.
            notes: further warnings to keep with the crystal.

        Raises:
            StructureInputError: when a site's occupancy is over 1 or negative.
        """
        symbols: list[str] = []
        keep: list[int] = []
        disorder: list[str] = []
        for i, occ in enumerate(occupancies):
            try:
                sym, note = resolve_site(occ, min_occupancy=min_occupancy)
            except StructureInputError as exc:
                raise StructureInputError(f"{short_label(source)}: {exc}") from None
            if note:
                disorder.append(note)
            if sym is not None:
                symbols.append(sym)
                keep.append(i)
        frac = np.asarray(frac, dtype=float).reshape(-1, 3)
        return cls(
            lattice=np.array(lattice, dtype=float),
            frac=frac[keep] if keep else np.zeros((0, 3)),
            symbols=tuple(symbols),
            source=source,
            warnings=_summarise_disorder(disorder) + tuple(notes),
        )

    def to_structure(self) -> Structure:
        """Return the ordered crystal as a pymatgen ``Structure``."""
        from pymatgen.core import Lattice, Structure

        return Structure(Lattice(self.lattice), list(self.symbols), self.frac)


def _summarise_disorder(notes: list[str]) -> tuple[str, ...]:
    """One warning for all resolved sites; the notes sorted, so reader order does not matter."""
    if not notes:
        return ()
    unique = sorted(set(notes))
    head = "; ".join(unique[:3]) + (f"; ... ({len(unique) - 3} more)" if len(unique) > 3 else "")
    return (f"disorder resolved by the majority-species rule on {len(notes)} site(s): {head}",)
