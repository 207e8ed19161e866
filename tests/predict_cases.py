"""Real prediction, validation and catalog results, for the round-trip tests (issue 9).

:func:`predict_results` runs every predictor of ``confined.predict`` and every check
of ``confined.validate`` on the catalog at small sizes (gap maps of 32 points per
side), once per test session; tests/test_serialize_predict.py round-trips each of
them and tests/test_serialize.py's guard checks that every result type of these
modules is among them.
"""

from __future__ import annotations

import functools
import warnings
from typing import Any

import numpy as np

#: The catalog ids the results are made from (cakfe4as4: text values, no structure).
IDS = ["ybco", "hg1201", "hg1223", "bi2212", "bkfa", "kfe2se2", "fese-monolayer", "cakfe4as4", "nb"]

#: The modules whose result types the results must cover.
PREDICT_MODULES = [
    "confined.predict.charges",
    "confined.predict.ewald",
    "confined.predict.fermi",
    "confined.predict.gap",
    "confined.predict.gap_frame",
    "confined.predict.gap_map",
    "confined.predict.phases",
    "confined.predict.pressure",
    "confined.predict.resonance",
    "confined.validate.claims",
    "confined.validate.pressure",
    "confined.validate.tables",
    "confined.theory.eos",
    "confined.structure.catalog",
]

#: Charges of K0.8Fe2Se2, for which pymatgen finds no charge-balanced guess.
KFE2SE2_CHARGES = {"K": 1.0, "Fe": 2.0, "Se": -2.0}


@functools.cache
def predict_results() -> dict[str, Any]:
    """Name -> a real result of every predictor and check (built once, then cached)."""
    from confined.predict.charges import assign_charges
    from confined.predict.ewald import ewald_cell
    from confined.predict.fermi import fermi_image
    from confined.predict.gap import predict_gap
    from confined.predict.phases import resolve_phases
    from confined.predict.pressure import predict_pressure, pressure_curve
    from confined.predict.resonance import predict_resonance
    from confined.structure.catalog import get_entry, list_entries
    from confined.structure.io import load_crystal
    from confined.theory.eos import FAMILY_EOS
    from confined.validate.claims import (
        alpha_ceiling,
        alpha_prediction,
        check_claims,
        judge_gap,
    )
    from confined.validate.pressure import hg1223_pressure_check
    from confined.validate.tables import reproduce_tables

    out: dict[str, Any] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i in IDS:
            out[f"phases {i}"] = resolve_phases(i)
            out[f"catalog {i}"] = get_entry(i)
            # kfe2se2's structure (the default heights, issue 10) has only an alpha phase
            calibrate = {"beta": 13.0} if i in ("hg1223", "bkfa", "cakfe4as4") else None
            out[f"resonance {i}"] = predict_resonance(i, calibrate=calibrate or {"alpha": 41.0})
            if i != "nb":
                out[f"fermi {i}"] = fermi_image(i)
                out[f"pressure {i}"] = predict_pressure(i, [0.0, 2.5, 10.0])
            if i != "cakfe4as4":
                charges = KFE2SE2_CHARGES if i == "kfe2se2" else None
                out[f"gap {i}"] = judge_gap(predict_gap(i, grid=32, charges=charges))
        out["resonance bkfa ratio"] = predict_resonance("bkfa", ratio=0.64)
        out["fermi bi2212 split"] = fermi_image("bi2212", split=0.1)
        out["fermi bkfa kf"] = fermi_image("bkfa", kf={"alpha": 0.3})
        out["phases cakfe4as4 table"] = resolve_phases("cakfe4as4", heights="table")
        out["phases bkfa override"] = resolve_phases("bkfa", overrides={"alpha": 2.7})
        out["pressure kfe2se2 transition"] = pressure_curve(
            "kfe2se2", np.arange(0.0, 12.5, 2.0), transition_gpa=10.0
        )
        out["pressure hg1223 eos"] = pressure_curve("hg1223", [0.0, 30.0], b0_gpa=80.0, b0p=5.0)
        out["gap hg1201 no map"] = predict_gap("hg1201", grid=None)
        out["gap ybco bond valence"] = predict_gap("ybco", grid=16, charge_model="bond-valence")
        ybco = load_crystal("ybco")
        q = assign_charges(ybco)
        out["ewald ybco"] = ewald_cell(ybco.lattice, ybco.cart, q.values_e, ybco.symbols)
        nb = load_crystal("nb")
        qnb = assign_charges(nb)  # jellium: a charged cell with its background
        out["ewald nb"] = ewald_cell(nb.lattice, nb.cart, qnb.values_e, nb.symbols, tol_eV=1e-2)
        out["charges ybco"] = q
        out["charges ybco bond valence"] = assign_charges(ybco, model="bond-valence")
        for claim in check_claims():
            out[f"claim {claim.claim}"] = claim
        out["alpha prediction"] = alpha_prediction()
        out["alpha ceiling"] = alpha_ceiling()
        out["hg1223 structure"] = hg1223_pressure_check("structure")
        out["hg1223 table"] = hg1223_pressure_check("table")
        out["tables"] = reproduce_tables()
        for family, eos in FAMILY_EOS.items():
            out[f"eos {family}"] = eos
        for e in list_entries():
            out.setdefault(f"catalog {e.id}", e)
    return out
