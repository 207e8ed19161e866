"""The gemmi reader follows pymatgen where gemmi's own expansion would not (issue 9).

Each case is one of the measured reasons in the docstring of
confined.structure.cif_gemmi for expanding the asymmetric unit here rather than
with ``SmallStructure.get_all_unit_cell_sites``: both readers must give the same
crystal, to 1e-6 in fractional coordinates.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from confined.structure.crystal import Crystal
from confined.structure.io import load_crystal

pytest.importorskip("gemmi")


def cif(
    sites: list[tuple[str, str, float, float, float, float]],
    symops: tuple[str, ...] | None,
    *,
    hm: str = "P 1",
    cell: tuple[float, ...] = (4.0, 4.0, 12.0, 90, 90, 90),
) -> str:
    a, b, c, al, be, ga = cell
    lines = [
        "data_t",
        f"_symmetry_space_group_name_H-M '{hm}'",
        f"_cell_length_a {a}",
        f"_cell_length_b {b}",
        f"_cell_length_c {c}",
        f"_cell_angle_alpha {al}",
        f"_cell_angle_beta {be}",
        f"_cell_angle_gamma {ga}",
    ]
    if symops:
        lines += ["loop_", "_symmetry_equiv_pos_as_xyz", *(f"'{op}'" for op in symops)]
    lines += [
        "loop_",
        "_atom_site_label",
        "_atom_site_type_symbol",
        "_atom_site_fract_x",
        "_atom_site_fract_y",
        "_atom_site_fract_z",
        "_atom_site_occupancy",
        *(f"{lab} {el} {x} {y} {z} {occ}" for lab, el, x, y, z, occ in sites),
    ]
    return "\n".join(lines) + "\n"


def sites(crystal: Crystal) -> list[tuple[str, tuple[float, ...]]]:
    frac = np.round(np.mod(crystal.frac, 1.0), 6) % 1.0
    return sorted(zip(crystal.symbols, map(tuple, frac.tolist()), strict=True))


def both(tmp_path, text: str) -> tuple[Crystal, Crystal]:
    path = tmp_path / "t.cif"
    path.write_text(text)
    return load_crystal(path, reader="pymatgen"), load_crystal(path, reader="gemmi")


INVERSION = ("x,y,z", "-x,-y,-z")


@pytest.mark.parametrize("x", [0.03, 0.00625])  # 0.24 Å and 0.05 Å from the image
def test_images_closer_than_gemmis_merge_distance_stay_two_atoms(tmp_path, x: float) -> None:
    # get_all_unit_cell_sites merges images within 0.4 Å; pymatgen only within 1e-4
    ref, fast = both(tmp_path, cif([("O1", "O", x, 0, 0, 1)], INVERSION, hm="P -1"))
    assert ref.n_atoms == fast.n_atoms == 2
    assert sites(ref) == sites(fast)


def test_near_special_position_keeps_the_copy_of_the_first_listed_operation(tmp_path) -> None:
    # y = 0.7499975 and its image 0.7500025 are one site; the file's operation order
    # (not gemmi's table order) decides which copy is kept, as in pymatgen
    ops = ("x, y, z", "-x, -y, -z", "-x, y+1/2, -z", "x, -y+1/2, z")
    ref, fast = both(tmp_path, cif([("La0", "La", 0.2514825, 0.7499975, 0.8695395, 1)], ops))
    assert ref.n_atoms == fast.n_atoms == 2
    assert sites(ref) == sites(fast)
    assert sorted(np.mod(fast.frac[:, 1], 1.0).round(7)) == [0.2500025, 0.7499975]


def test_translations_gemmi_op_cannot_hold(tmp_path) -> None:
    # Cu3As (mp-1245680) lists -y+333/1000; gemmi.Op's denominator is 24
    ops = (
        "x, y, z",
        "-x, y, -z",
        "x+1/2, -y+333/1000, -z+1/2",
        "-x+1/2, -y+333/1000, z+1/2",
        "-x+1/2, -y+333/1000, -z+1/2",
        "x+1/2, -y+333/1000, z+1/2",
        "-x, y, z",
        "x, y, -z",
    )
    text = cif([("Cu1", "Cu", 0.1, 0.2, 0.3, 1)], ops, hm="Pmmn", cell=(4.3, 4.6, 5.3, 90, 90, 90))
    ref, fast = both(tmp_path, text)
    assert ref.n_atoms == fast.n_atoms == 8
    assert 0.133 in np.mod(fast.frac[:, 1], 1.0).round(6)  # -0.2 + 333/1000
    assert sites(ref) == sites(fast)


def test_symbol_only_uses_origin_choice_1(tmp_path) -> None:
    text = cif([("Cu1", "Cu", 0.1, 0.2, 0.3, 1)], None, hm="P n n n", cell=(5, 6, 7, 90, 90, 90))
    ref, fast = both(tmp_path, text)
    assert ref.n_atoms == fast.n_atoms == 8
    assert sites(ref) == sites(fast)


def test_listed_operations_are_used_as_listed(tmp_path) -> None:
    # no complete group (a 4-fold rotation without its square): gemmi would take P4's
    # four operations from the symbol instead
    text = cif([("Cu1", "Cu", 0.1, 0.2, 0.3, 1)], ("x,y,z", "-y,x,z"), hm="P 4")
    ref, fast = both(tmp_path, text)
    assert ref.n_atoms == fast.n_atoms == 2
    assert sites(ref) == sites(fast)


def test_rows_on_one_position_are_one_site(tmp_path) -> None:
    # gemmi keeps two rows on one position as two sites; here they are one mixed site,
    # also when the second row is written at a symmetry image of the first
    rows = [("La1", "La", 0.1, 0.1, 0.36, 0.85), ("Sr1", "Sr", -0.1, -0.1, -0.36, 0.15)]
    ref, fast = both(tmp_path, cif(rows, INVERSION, hm="P -1"))
    assert Counter(ref.symbols) == Counter(fast.symbols) == {"La": 2}
    assert sites(ref) == sites(fast)
    assert ref.warnings == fast.warnings
