"""The gemmi CIF reader: gemmi parses the CIF, numpy expands the asymmetric unit.

gemmi (``pip install confined[fast]``) reads the CIF text (``gemmi.cif``: the
syntax, the data blocks, ``Block.find``, ``as_number``), the symmetry
operations (``gemmi.Op``, via :func:`~confined.structure.cif_checks.symop_matrices`)
and, for a CIF that lists no operations, the space group of its H-M symbol, Hall
symbol or number (``gemmi.find_spacegroup_by_name`` / ``_by_ops`` /
``_by_number``, the operations read off ``gemmi.Op.rot``/``tran``). numpy then
expands the asymmetric unit and merges sites by pymatgen's rules, so that this
reader gives the crystal pymatgen's ``CifParser`` gives, 10 to 200 times faster
(about 0.25 ms a corpus CIF; 0.4 s for a 20,800-atom P1 cell, where the merge
looks images up in a periodic k-d tree, :func:`_image_partners`).

Why the expansion is not gemmi's own (measured for issue 9, gemmi 0.7.5,
pymatgen 2026.10). Candidate "library" reader: ``make_small_structure_from_block``
(gemmi's space-group determination, order ``"S.H2"``; ``"1HN"`` without listed
operations; magnetic operations composed with ``gemmi.Op`` and set as ``symops``
with ``"S."``), then ``SmallStructure.get_all_unit_cell_sites``, then the same
mixed-site merge and disorder resolution as here. Agreement with the pymatgen
reader (same lattice, same multiset of species and fractional positions modulo
1 to 1e-6, same disorder warnings) and speed:

* this module: 10,904 of the 10,904 3DSC-MP corpus CIFs; median 0.243 ms a file;
* the library candidate: 10,818 of 10,904 (86 differ, causes (a) and (b)
  below); median 0.466 ms;
* gemmi's images with the numpy merge of this module: the same 86 differ;
  median 0.617 ms;
* on the 164 CIF/mCIF files shipped, in ../shared/structures and tests/data,
  both candidates differ on one file more than this module
  (As1Fe1La1O1-MP-mp-20287, cause (a)).

Times: median over corpus files of the best of 3, the readers interleaved file
by file in one process (the candidates on every tenth file). Against the
issue-8 ``io._cif_gemmi`` this module replaced: 0.243-0.255 ms against
0.243-0.257 ms in three full-corpus runs, and bit-identical crystals (and
messages) on all 13,590 file x reader pairs tried.

What differs, and so what stays hand-written here:

(a) Image order (73 corpus files). gemmi generates the images of a tabulated
    group in its table's order; pymatgen in the order the file lists them. Two
    images of a site near a special position (less than 1e-4 apart, e.g. y =
    0.7499975 and 0.7500025) are one site, and the copy kept is the first: the
    positions then differ by up to 1e-4, beyond the 1e-6 agreement. Here the
    listed operations are used as listed.
(b) Translations gemmi.Op cannot hold (13 corpus files: ``-y+333/1000``,
    ``-z+1/10``; gemmi's denominator is 24). gemmi drops the listed operations
    and takes the group from the H-M symbol, in another setting (Cu3As,
    mp-1245680: 16 atoms instead of 8) or P1 (SN, mp-1173453: 18 instead of 36).
    :func:`~confined.structure.cif_checks.symop_matrices` tries ``gemmi.Op``
    first and parses such triplets itself.
(c) The merge tolerance. ``get_all_unit_cell_sites`` merges images closer than
    0.4 Å (Cartesian); pymatgen merges positions closer than 1e-4 in every
    fractional coordinate (:data:`SITE_TOL`). No corpus file has images between
    the two, but a split site does: O at (0.03, 0, 0) in P-1 with a = 4 Å (0.24 Å
    from its image) is 2 atoms to pymatgen and here, 1 to gemmi; so are images
    0.05 Å apart. 3e-5 off a special position is one site to all three.
(d) Mixed sites. gemmi keeps two rows on one position (La 0.85 + Sr 0.15) as
    two sites; the merge of rows that sit on an image of an earlier row is ours.
(e) Magnetic CIFs. ``make_small_structure_from_block`` reads no magnetic
    operations (``_space_group_symop_magn_operation.xyz``): on each of the 29
    MAGNDATA .mcif files of ../shared/structures that gemmi parses it reads 0
    operations and expands nothing. The magnetic operations x centerings are
    composed here, on the matrices (which also hold the translations of (b));
    all 32 .mcif files give the crystal of their ``*_DERIVED.cif``.
(f) No listed operations. gemmi's default (``"S.H2"``) takes origin choice 2;
    pymatgen choice 1 (P n n n with one general site: 7 of 8 atoms elsewhere), so
    ``find_spacegroup_by_name(..., "1")`` is called here. Listed operations that
    are no complete group (``x,y,z`` and ``-y,x,z``) are replaced by gemmi with
    the H-M group (4 atoms); pymatgen and this reader use them as listed (2).
(g) Speed. ``make_small_structure_from_block`` alone takes 179 us a corpus
    file (median), against 24 us for ``Block.find`` and ``as_number`` here: it
    determines the space group on every call by searching gemmi's table.

Kept from pymatgen's conventions too: the lattice orientation of
``Lattice.from_parameters`` (c along z; gemmi's ``UnitCell.orth`` puts a along
x), and 0.3333/0.6667 snapped to 1/3 and 2/3 (:func:`_round_thirds`). Known
difference, unchanged: a CIF with only a Hall symbol is expanded in that group
here, while pymatgen ignores the symbol and reads P1 (the note says
``"gemmi: ... from the Hall symbol"``).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from confined.errors import StructureInputError
from confined.structure.cif_checks import (
    CELL_ITEMS,
    COORD_LIMIT,
    MAGN_CENTERING_TAGS,
    MAGN_OP_TAGS,
    SYMOP_TAGS,
    cell_ok,
    check_atom_sites,
    check_cell,
    checked_symops,
    element_of,
    formula_note,
)
from confined.structure.crystal import Crystal, _summarise_disorder, resolve_site
from confined.structure.files import Limits, check_atoms
from confined.structure.messages import one_line

__all__ = [
    "SITE_TOL",
    "GEMMI_HINT",
    "GemmiSyntaxError",
    "import_gemmi",
    "read_cif_gemmi",
]

#: Two positions closer than this in every fractional coordinate (modulo 1) are one
#: site; the value of pymatgen's ``CifParser(site_tolerance=...)``.
SITE_TOL: float = 1e-4

#: The ImportError message when gemmi is needed and missing.
GEMMI_HINT = "gemmi is not installed: pip install confined[fast]"


def import_gemmi() -> Any:
    """Import gemmi, or say how to install it.

    Returns:
        The gemmi module.

    Raises:
        ImportError: gemmi is not installed (the message is :data:`GEMMI_HINT`).
    """
    try:
        import gemmi
    except ImportError:
        raise ImportError(GEMMI_HINT) from None
    return gemmi


def _lattice_from_parameters(
    a: float, b: float, c: float, alpha: float, beta: float, gamma: float
) -> np.ndarray:
    """Lattice rows exactly as pymatgen's ``Lattice.from_parameters`` builds them (c along z)."""
    al, be, ga = math.radians(alpha), math.radians(beta), math.radians(gamma)
    cos_a, cos_b, cos_g = math.cos(al), math.cos(be), math.cos(ga)
    sin_a, sin_b = math.sin(al), math.sin(be)
    val = min(1.0, max(-1.0, (cos_a * cos_b - cos_g) / (sin_a * sin_b)))
    gamma_star = math.acos(val)
    return np.array(
        [
            [a * sin_b, 0.0, a * cos_b],
            [-b * sin_a * math.cos(gamma_star), b * sin_a * math.sin(gamma_star), b * cos_a],
            [0.0, 0.0, float(c)],
        ]
    )


def _find_strings(gemmi: Any, block: Any, tags: tuple[str, ...]) -> list[str] | None:
    for tag in tags:
        col = block.find_values(tag)
        if col:
            return [gemmi.cif.as_string(v) for v in col]
    return None


def _find_text(gemmi: Any, block: Any, tags: tuple[str, ...]) -> str:
    for tag in tags:
        value = block.find_value(tag)
        if value is not None and not gemmi.cif.is_null(value):
            return gemmi.cif.as_string(value).strip()
    return ""


def _gemmi_ops(
    gemmi: Any, block: Any, cell: tuple[float, ...], label: str
) -> tuple[np.ndarray, str | None]:
    """Symmetry operations of a block as (K, 3, 4), plus a note when they were inferred.

    Explicit operations win (magnetic operations x centerings for magCIF). Without
    them the space group comes from the H-M symbol (origin choice 1 preferred,
    as pymatgen does), the Hall symbol or the number; without any, P1.
    """
    magn = _find_strings(gemmi, block, MAGN_OP_TAGS)
    if magn:
        ops = checked_symops(magn, label)
        centerings = _find_strings(gemmi, block, MAGN_CENTERING_TAGS)
        if centerings:
            cen = checked_symops(centerings, label)
            rot = np.einsum("cij,kjl->ckil", cen[:, :, :3], ops[:, :, :3])
            tran = np.einsum("cij,kj->cki", cen[:, :, :3], ops[:, :, 3]) + cen[:, None, :, 3]
            ops = np.concatenate([rot, tran[..., None]], axis=-1).reshape(-1, 3, 4)
        return ops, None
    triplets = _find_strings(gemmi, block, SYMOP_TAGS)
    if triplets:
        return checked_symops(triplets, label), None
    sg = None
    hm = _find_text(gemmi, block, ("_symmetry_space_group_name_H-M", "_space_group_name_H-M_alt"))
    hall = _find_text(gemmi, block, ("_space_group_name_Hall", "_symmetry_space_group_name_Hall"))
    number = _find_text(gemmi, block, ("_space_group_IT_number", "_symmetry_Int_Tables_number"))
    how = ""
    try:
        if hm:
            sg = gemmi.find_spacegroup_by_name(hm, cell[3], cell[5], "1")
            how = f"H-M symbol {hm!r}"
        if sg is None and hall:
            sg = gemmi.find_spacegroup_by_ops(gemmi.symops_from_hall(hall))
            how = f"Hall symbol {hall!r}"
        if sg is None and number:
            sg = gemmi.find_spacegroup_by_number(int(float(number)))
            how = f"space-group number {number}"
    except (RuntimeError, ValueError):
        sg = None
    if sg is None:
        return np.array([np.eye(3, 4)]), "gemmi: no symmetry operations in the CIF; P1 assumed"
    note = f"gemmi: no symmetry operations in the CIF; {sg.xhm()} from the {how}"
    return _group_matrices(gemmi, sg), note


def _group_matrices(gemmi: Any, sg: Any) -> np.ndarray:
    """The operations of a tabulated space group as (K, 3, 4), in gemmi's order.

    Read off ``gemmi.Op.rot`` and ``tran`` directly (no round trip through
    triplet text); the same numbers, bit for bit, as parsing ``op.triplet()``
    for all 564 settings of gemmi's table.
    """
    ops = list(sg.operations())
    out = np.empty((len(ops), 3, 4))
    out[:, :, :3] = np.array([op.rot for op in ops], dtype=float) / gemmi.Op.DEN
    out[:, :, 3] = np.array([op.tran for op in ops], dtype=float) / gemmi.Op.DEN
    return out


def _pbc_close(a: np.ndarray, b: np.ndarray, tol: float = SITE_TOL) -> np.ndarray:
    """Boolean array: positions a[..., i, :] and b[..., j, :] coincide modulo 1."""
    d = a[..., :, None, :] - b[..., None, :, :]
    d -= np.round(d)
    return np.all(np.abs(d) < tol, axis=-1)


#: Above this many position pairs the gemmi reader compares them in chunks.
_CHUNK = 250_000


def _on_image(xyz: np.ndarray, images: np.ndarray) -> np.ndarray:
    """[i, j] is True when position xyz[i] is one of the symmetry images of site j."""
    n, k = images.shape[:2]
    if n * n * k <= _CHUNK:
        d = xyz[:, None, None, :] - images[None, :, :, :]  # (i, j, K, 3)
        d -= np.round(d)
        return np.all(np.abs(d) < SITE_TOL, axis=-1).any(axis=-1)
    out = np.empty((n, n), dtype=bool)
    for i in range(n):  # large cell: one row at a time, to bound memory
        d = xyz[i] - images
        d -= np.round(d)
        out[i] = np.all(np.abs(d) < SITE_TOL, axis=-1).any(axis=-1)
    return out


def _image_partners(xyz: np.ndarray, images: np.ndarray) -> list[list[int]]:
    """For every site i, the sites j whose position is one of the symmetry images of i.

    Small cells compare all pairs (:func:`_on_image`); large ones (a P1 supercell of
    10^4 sites) look the images up in a periodic k-d tree of the positions, so the
    cost grows as n log n, not n².
    """
    n, k = images.shape[:2]
    if n * n * k <= _CHUNK:
        hits = _on_image(xyz, images)  # [j, i]: xyz[j] is an image of site i
        return [np.nonzero(hits[:, i])[0].tolist() for i in range(n)]
    from scipy.spatial import cKDTree

    home = np.mod(xyz, 1.0)
    home[home >= 1.0] = 0.0
    imgs = np.mod(images.reshape(-1, 3), 1.0)
    imgs[imgs >= 1.0] = 0.0
    tree = cKDTree(home, boxsize=1.0)
    found = tree.query_ball_point(imgs, SITE_TOL, p=np.inf)
    out: list[set[int]] = [set() for _ in range(n)]
    for flat, js in enumerate(found):
        if js:
            i = flat // k
            d = xyz[js] - images[i, flat % k]
            d -= np.round(d)
            close = np.all(np.abs(d) < SITE_TOL, axis=-1)
            out[i].update(int(j) for j, c in zip(js, close, strict=True) if c)
    return [sorted(x) for x in out]


def _round_thirds(x: np.ndarray, tol: float = SITE_TOL) -> np.ndarray:
    """Snap 0.3333/0.6667-style coordinates to 1/3 and 2/3, as pymatgen's CifParser does."""
    x = np.where(np.abs(x * 3.0 - 1.0) <= tol, 1.0 / 3.0, x)
    return np.where(np.abs(x * 1.5 - 1.0) <= tol, 2.0 / 3.0, x)


class GemmiSyntaxError(StructureInputError):
    """gemmi rejected the CIF syntax (pymatgen, more lenient, may still read it)."""

    reason: str = ""


def _gemmi_block(gemmi: Any, text: str, label: str) -> tuple[Any, str | None]:
    """Parse the text; return the first block with atom sites and a note on extra blocks."""
    try:
        doc = gemmi.cif.read_string(text, check_level=0)  # lenient, like pymatgen
    except Exception as exc:
        msg = str(exc)
        reason = one_line(msg.split(": ", 1)[-1] if msg.startswith("string:") else msg)
        if "block header" in reason:
            raise StructureInputError(f"{label}: not a CIF file (no data_ block)") from None
        error = GemmiSyntaxError(
            f"{label}: no structure could be read (truncated or malformed CIF?): {reason}"
        )
        error.reason = reason
        raise error from None
    if len(doc) == 0:
        raise StructureInputError(f"{label}: not a CIF file (no data_ block)")
    blocks = [b for b in doc if b.find_values("_atom_site_fract_x")]
    if not blocks:
        raise StructureInputError(
            f"{label}: no structure could be read (truncated or malformed CIF?): "
            "no _atom_site_fract_x loop"
        )
    note = None
    if len(doc) > 1:
        note = (
            f"the CIF has {len(doc)} data blocks ({len(blocks)} with a structure); "
            "the first structure was used"
        )
    return blocks[0], note


def read_cif_gemmi(text: str, label: str, min_occupancy: float, limits: Limits) -> Crystal:
    """Read the text of a CIF with gemmi and expand its asymmetric unit with numpy.

    Follows pymatgen's conventions, so that both readers give the same crystal:
    the listed operations in the file's order (the first image of a special
    position is the one kept), sites within :data:`SITE_TOL` in fractional
    coordinates are one, 0.3333/0.6667 snap to 1/3 and 2/3, and the lattice is
    oriented as ``Lattice.from_parameters`` orients it.

    Args:
        text: the CIF text.
        label: the source, first in messages and the crystal's ``source``.
        min_occupancy: sites whose total occupancy is below this are dropped.
        limits: the size guards of this load.

    Returns:
        The ordered crystal; warnings for resolved disorder, extra data blocks, a
        space group inferred from a symbol, and a formula the sites do not add up to.

    Raises:
        GemmiSyntaxError: gemmi rejects the CIF syntax (pymatgen may still read it).
        StructureInputError: no data block or atom sites, a bad raw value, too
            many atoms, or a site that cannot be resolved.
        ImportError: gemmi is not installed.
    """
    gemmi = import_gemmi()
    block, blocks_note = _gemmi_block(gemmi, text, label)
    notes = [blocks_note] if blocks_note else []
    as_number, as_string, is_null = gemmi.cif.as_number, gemmi.cif.as_string, gemmi.cif.is_null

    def raw(value: str) -> str:  # the value as written, unquoted ('?' stays '?', not '')
        return value if is_null(value) else as_string(value)

    cell_raw = [block.find_value(tag) for tag in CELL_ITEMS]
    cell = tuple(as_number(v) if v is not None else math.nan for v in cell_raw)
    if not cell_ok(cell):  # the shared check names the problem (or reads '3.9' in quotes)
        checked = check_cell(label, [None if v is None else raw(v) for v in cell_raw])
        if checked is None:
            raise StructureInputError(
                f"{label}: no structure could be read (truncated or malformed CIF?): "
                "missing or invalid cell parameters (_cell_length_*, _cell_angle_*)"
            )
        cell = checked
    ops, note = _gemmi_ops(gemmi, block, cell, label)
    if note:
        notes.append(note)

    # asymmetric unit: coordinates, element symbols and occupancies
    table = block.find("_atom_site_", ["label", "?type_symbol", "fract_x", "fract_y", "fract_z",
                                       "?occupancy"])  # fmt: skip
    if len(table) == 0:
        raise StructureInputError(
            f"{label}: no structure could be read (truncated or malformed CIF?): "
            "the _atom_site_ loop has no label or fract_x/y/z column"
        )
    check_atoms(len(table), limits, label, "atom-site rows")
    labels = [as_string(v) for v in table.column(0)]
    if table.has_column(1):
        types = [as_string(v) for v in table.column(1)]
        types = [t if t and t not in "?." else lab for t, lab in zip(types, labels, strict=True)]
    else:
        types = labels
    xyz = np.array([[as_number(v) for v in table.column(c)] for c in (2, 3, 4)]).T
    has_occ = table.has_column(5)
    occs = np.array([as_number(v) for v in table.column(5)]) if has_occ else np.ones(len(labels))
    try:
        elements = [element_of(t) for t in types]
        fine = bool(
            (np.abs(xyz) <= COORD_LIMIT).all()  # False for nan
            and (occs >= 0).all()  # False for nan: null, quoted or no number
        )
    except ValueError:
        fine = False
    if not fine:  # the shared check finds the first bad value, or reads ?, . and '0.5'
        elements, xyz, occs = check_atom_sites(
            label,
            labels,
            [raw(v) for v in table.column(1)] if table.has_column(1) else None,
            [[raw(v) for v in table.column(c)] for c in (2, 3, 4)],
            [raw(v) for v in table.column(5)] if has_occ else None,
        )
    xyz = _round_thirds(xyz)
    n = len(elements)

    rot, tran = ops[:, :, :3], ops[:, :, 3]
    images = np.einsum("kij,nj->nki", rot, xyz) + tran  # (n, K, 3), not wrapped

    # merge asymmetric-unit sites that sit on a symmetry image of an earlier one (mixed sites)
    partners = _image_partners(xyz, images)
    reps: list[int] = []
    rep_of: dict[int, int] = {}
    comps: list[dict[str, float]] = []
    for i in range(n):
        hit = min((rep_of[j] for j in partners[i] if j in rep_of), default=None)
        if hit is None:
            rep_of[i] = len(reps)
            reps.append(i)
            comps.append({elements[i]: float(occs[i])})
        else:
            comps[hit][elements[i]] = comps[hit].get(elements[i], 0.0) + float(occs[i])

    # expand the representatives; drop images that repeat an earlier one (special positions)
    wrapped = images[reps]
    wrapped = wrapped - np.floor(wrapped)
    if wrapped.shape[0] * wrapped.shape[1] ** 2 <= _CHUNK:
        repeat = np.tril(_pbc_close(wrapped, wrapped), -1).any(axis=-1)  # (reps, K)
    else:  # large cell: one representative at a time, to bound memory
        repeat = np.stack([np.tril(_pbc_close(w, w), -1).any(axis=-1) for w in wrapped])
    check_atoms(int(np.count_nonzero(~repeat)), limits, label)
    frac_parts: list[np.ndarray] = []
    symbols: list[str] = []
    disorder: list[str] = []
    composition: dict[str, float] = {}
    for r, comp in enumerate(comps):
        try:
            sym, site_note = resolve_site(comp, min_occupancy=min_occupancy)
        except StructureInputError as exc:
            raise StructureInputError(f"{label}: {exc}") from None
        unique = wrapped[r][~repeat[r]]
        for el, occ in comp.items():
            composition[el] = composition.get(el, 0.0) + occ * len(unique)
        if site_note:
            disorder.extend([site_note] * len(unique))
        if sym is not None:
            frac_parts.append(unique)
            symbols.extend([sym] * len(unique))
    if blocks_note is None:  # one data block: its formula describes this structure
        declared = block.find_value("_chemical_formula_sum")
        if declared is not None and not gemmi.cif.is_null(declared):
            if note := formula_note(gemmi.cif.as_string(declared), composition):
                notes.append(note)
    frac = np.concatenate(frac_parts) if frac_parts else np.zeros((0, 3))
    return Crystal(
        lattice=_lattice_from_parameters(*cell),
        frac=frac,
        symbols=tuple(symbols),
        source=label,
        warnings=_summarise_disorder(disorder) + tuple(notes),
    )
