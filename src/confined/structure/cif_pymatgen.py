"""The pymatgen CIF reader (``CifParser``): the reference, and what ``reader="auto"`` uses.

Before pymatgen builds a structure, the raw values of the data block it will
read go through the checks of :mod:`confined.structure.cif_checks` (cell,
symmetry operations, species, coordinates, occupancies), the same checks and in
the same order as the gemmi reader's, so both refuse the same files with the
same message. Two null values are then rewritten the way gemmi reads them, so
that both readers agree: a null occupancy is 1 and a null type symbol falls
back to the label.

Occupancies over 1 are kept as written (``check_occu=False``) and judged per
site by :func:`~confined.structure.crystal.resolve_site`. pymatgen's warnings
are silenced; those that say something about the result (a space group taken
from a symbol, P1 assumed, a block without a structure...) are kept in
``Crystal.warnings`` with the prefix ``"pymatgen: "``.
"""

from __future__ import annotations

import dataclasses
import re
import warnings
from typing import Any

from confined.errors import StructureInputError
from confined.structure.cif_checks import (
    CELL_ITEMS,
    NULL_VALUES,
    check_atom_sites,
    check_cell,
    check_listed_ops,
    formula_note,
)
from confined.structure.crystal import Crystal
from confined.structure.files import Limits, check_atoms
from confined.structure.messages import one_line

__all__ = ["read_cif_pymatgen"]

#: pymatgen CifParser warnings worth keeping in Crystal.warnings (matched as substrings).
_KEEP_PMG_WARNINGS = (
    "parsed as",
    "Defaulting to P1",
    "Spacegroup from",
    "implicit hydrogens",
    "No structure parsed for section",
    "Pauling file corrections",
)

_DATA_BLOCK = re.compile(r"^[ \t]*data_(\S*)", re.IGNORECASE | re.MULTILINE)
_FORMULA_SUM = re.compile(
    r"^[ \t]*_chemical_formula_sum[ \t]+(?:'([^'\n]*)'|\"([^\"\n]*)\"|([^\s'\"]\S*))",
    re.IGNORECASE | re.MULTILINE,
)


def _truncation_reason(exc: BaseException) -> str:
    """Explain pymatgen's errors from a CIF whose loops do not add up."""
    msg = one_line(exc)
    if isinstance(exc, ZeroDivisionError | IndexError) or "zip()" in msg or "multiple" in msg:
        return "a loop ends with an incomplete row"
    return msg


def _explain_pymatgen(reason: str, text: str) -> str:
    """Turn pymatgen's terse reasons (a bare key, a numpy reshape error) into words."""
    if not all(re.search(rf"^\s*_cell_length_{x}\s", text, re.M | re.I) for x in "abc"):
        return "missing cell parameters (_cell_length_a/b/c)"
    reason = reason.strip()
    if re.fullmatch(r"'_[\w.\-]+'", reason):
        return f"missing CIF item {reason}"
    return reason


def _check_pymatgen_block(parser: Any, label: str, limits: Limits) -> None:
    """Run the shared raw-value checks on the block pymatgen will read, and align it.

    The raw values are those of pymatgen's parsed ``CifBlock`` (a private
    attribute, the only place they are kept). Two null values are rewritten the
    way the gemmi reader reads them, so both readers agree: a null occupancy is 1
    (pymatgen would take ``.`` as 0), and a null type symbol falls back to the
    label (pymatgen would drop the site).
    """
    for block in parser._cif.data.values():
        data = block.data
        keys = {k.lower(): k for k in data}
        if "_atom_site_fract_x" in keys:
            break
    else:
        return

    def get(tag: str) -> Any:
        key = keys.get(tag)
        return None if key is None else data[key]

    def column(tag: str) -> list[str] | None:
        value = get(tag)
        if value is None:
            return None
        return [value] if isinstance(value, str) else [str(v) for v in value]

    cell = []
    for tag in CELL_ITEMS:
        value = get(tag)
        cell.append(value if value is None or isinstance(value, str) else " ".join(value))
    check_cell(label, cell)

    def find(tags: tuple[str, ...]) -> list[str] | None:
        for tag in tags:
            values = column(tag)
            if values:
                return values
        return None

    check_listed_ops(find, label)
    labels = column("_atom_site_label")
    fract = [column(f"_atom_site_fract_{x}") for x in "xyz"]
    if labels is None or any(f is None for f in fract):
        return  # pymatgen reports the missing column
    check_atoms(len(labels), limits, label, "atom-site rows")
    types = column("_atom_site_type_symbol")
    occs = column("_atom_site_occupancy")
    columns = [labels, types, occs, *fract]
    if len({len(c) for c in columns if c is not None}) != 1:
        return  # columns from different loops: pymatgen reports it
    check_atom_sites(label, labels, types, fract, occs)  # type: ignore[arg-type]
    for tag, values, fill in (
        ("_atom_site_occupancy", occs, lambda i: "1"),
        ("_atom_site_type_symbol", types, lambda i: labels[i]),
    ):
        if values is not None and any(v.strip() in NULL_VALUES for v in values):
            fixed = [fill(i) if v.strip() in NULL_VALUES else v for i, v in enumerate(values)]
            key = keys[tag]
            data[key] = fixed if isinstance(data[key], list) else fixed[0]


def read_cif_pymatgen(text: str, label: str, min_occupancy: float, limits: Limits) -> Crystal:
    """Read the text of a CIF with pymatgen's ``CifParser`` (the first structure of several).

    Args:
        text: the CIF text.
        label: the source, first in messages and the crystal's ``source``.
        min_occupancy: sites whose total occupancy is below this are dropped.
        limits: the size guards of this load.

    Returns:
        The ordered crystal; warnings for resolved disorder, extra data blocks, a
        formula that the sites do not add up to, and pymatgen's notes.

    Raises:
        StructureInputError: no data block, a bad raw value, no structure, too
            many atoms, or a site that cannot be resolved.
        NotImplementedError: pymatgen refuses the CIF (a disordered magnetic CIF);
            :func:`confined.structure.cif.read_cif` hands it to gemmi.
    """
    from pymatgen.io.cif import CifParser

    blocks = _DATA_BLOCK.findall(text)
    if not blocks:
        raise StructureInputError(f"{label}: not a CIF file (no data_ block)")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            parser = CifParser.from_str(text)
        except Exception as exc:
            raise StructureInputError(
                f"{label}: no structure could be read (truncated or malformed CIF?): "
                f"{_truncation_reason(exc)}"
            ) from None
        _check_pymatgen_block(parser, label, limits)
        try:
            # check_occu=False keeps occupancies over 1 as they are (pymatgen would
            # otherwise drop or rescale the block); resolve_site judges them.
            structures = parser.parse_structures(
                primitive=False, check_occu=False, on_error="ignore"
            )
        except ValueError as exc:
            if "no structures" not in str(exc):
                raise
            why = [w.split("\n", 1)[-1] for w in parser.warnings if "No structure parsed" in w]
            reason = _explain_pymatgen(why[0] if why else "", text)
            reason = f": {one_line(reason, 100)}" if reason.strip() else ""
            raise StructureInputError(
                f"{label}: no structure could be read (truncated or malformed CIF?){reason}"
            ) from None
    notes = [
        "pymatgen: " + one_line(w, 200)
        for w in dict.fromkeys(parser.warnings)
        if any(k in w for k in _KEEP_PMG_WARNINGS)
    ]
    structure = structures[0]
    check_atoms(len(structure), limits, label)
    if len(blocks) > 1:
        notes.append(
            f"the CIF has {len(blocks)} data blocks ({len(structures)} with a structure); "
            "the first structure was used"
        )
    elif match := _FORMULA_SUM.search(text):
        composition: dict[str, float] = {}
        for el, amount in structure.composition.element_composition.items():
            composition[str(el)] = composition.get(str(el), 0.0) + float(amount)
        declared = next(g for g in match.groups() if g is not None)
        if note := formula_note(declared, composition):
            notes.append(note)
    crystal = Crystal.from_structure(structure, source=label, min_occupancy=min_occupancy)
    if notes:
        crystal = dataclasses.replace(crystal, warnings=crystal.warnings + tuple(notes))
    return crystal
