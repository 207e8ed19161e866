"""Tc under pressure against measurement: HgBa2Ca2Cu3O8 (C4).

C4 says pressure shrinks h and raises Tc = lambda/h². Hg-1223 is the test against
data the theory was not tuned to: the measured Tc(P) up to 30 GPa and the apical
Cu–O bond under pressure (the catalog's text values, each with its source). The
prediction comes from :mod:`confined.predict.pressure` and
:mod:`confined.theory.eos`; this module compares it with the measurements.

Pressures in GPa, heights in Å, temperatures in K, lambda in K·Å².
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from confined.errors import ConfinedError, ParameterError
from confined.predict.phases import resolve_phases
from confined.predict.pressure import measured_tc_points
from confined.serialize import serializable, spec
from confined.theory.eos import EosParameters, eos_for_family, heights_under_pressure, volume_ratio
from confined.theory.relations import lambda_for_family, tc_from_height

__all__ = ["HG1223_ID", "Hg1223Check", "hg1223_pressure_check"]

#: The catalog entry of the check (its text values hold the measured Tc(P) points and
#: the apical Cu–O distances).
HG1223_ID: str = "hg1223"


@serializable(
    # the grouped layout of the output before the serialiser, for readers (with the
    # rises and errors); the fields themselves follow
    derived={
        "measured_rise_K": "measured_rise_K",
        "eos_default": lambda c: {
            "h_A": c.eos_h_A,
            "tc_K": c.eos_tc_K,
            "rise_K": c.eos_rise_K,
            "error_K": c.eos_error_K,
            "error_pct": c.eos_error_pct,
            "tc_at_apical_gpa_K": c.eos_tc_at_apical_gpa_K,
        },
        "what_if_h_follows_apical_cu_o": lambda c: {
            "apical_gpa": c.apical_gpa,
            "apical_ratio": c.apical_ratio,
            "tc_at_apical_gpa_K": c.whatif_tc_at_apical_gpa_K,
            "equivalent_c_share": c.whatif_c_share,
            "tc_K": c.whatif_tc_K,
            "rise_K": c.whatif_rise_K,
            "error_K": c.whatif_error_K,
            "error_pct": c.whatif_error_pct,
        },
    },
    order=(
        "phase", "height_source", "h0_A", "lambda_K_A2", "eos", "tc0_K", "measured_tc0_K",
        "measured_gpa", "measured_tc_K", "measured_rise_K", "eos_default",
        "what_if_h_follows_apical_cu_o", "comparisons", "sources",
    ),
)  # fmt: skip
@dataclass(frozen=True)
class Hg1223Check:
    """HgBa2Ca2Cu3O8 under pressure: the theory against data it was not tuned to.

    ``to_dict()`` writes, for readers, ``measured_rise_K`` and the groups
    ``eos_default`` (a) and ``what_if_h_follows_apical_cu_o`` (b) with their rises and
    errors, and every comparison as ``{"gpa", "measured_tc_K", "eos_tc_K",
    "whatif_tc_K"}``; then the other fields.

    Attributes:
        phase: the phase used (alpha, the one Table I uses).
        height_source: "structure" or "table".
        h0_A: ambient height of that phase, Å.
        lambda_K_A2: lambda_Cu.
        eos: the family-default EOS used in (a).
        tc0_K: lambda/h0², K (theory at ambient pressure).
        measured_tc0_K: measured ambient Tc, K.
        measured_gpa: pressure of the high-pressure measurement, GPa.
        measured_tc_K: measured Tc there, K.
        eos_h_A: (a) height at ``measured_gpa`` with the EOS defaults, Å.
        eos_tc_K: (a) predicted Tc at ``measured_gpa``, K.
        apical_gpa: pressure of the apical Cu–O measurement, GPa.
        apical_ratio: d(apical_gpa)/d(0) of the apical Cu–O bond.
        eos_tc_at_apical_gpa_K: (a) predicted Tc at ``apical_gpa``, K.
        whatif_tc_at_apical_gpa_K: (b) Tc if h shrank like the apical bond, at ``apical_gpa``, K.
        whatif_c_share: (b) the c-axis share that makes h follow the apical bond
            with the default EOS at ``apical_gpa``.
        whatif_tc_K: (b) predicted Tc at ``measured_gpa`` with that share, K.
        comparisons: (gpa, measured Tc, (a) Tc, (b) Tc) at every measured pressure, K.
        sources: where the measured numbers come from.
    """

    phase: str
    height_source: str
    h0_A: float
    lambda_K_A2: float
    eos: EosParameters
    tc0_K: float
    measured_tc0_K: float
    measured_gpa: float
    measured_tc_K: float
    eos_h_A: float
    eos_tc_K: float
    apical_gpa: float
    apical_ratio: float
    eos_tc_at_apical_gpa_K: float
    whatif_tc_at_apical_gpa_K: float
    whatif_c_share: float
    whatif_tc_K: float
    comparisons: tuple[tuple[float, float, float, float], ...] = field(
        default=(), metadata=spec(row_keys=("gpa", "measured_tc_K", "eos_tc_K", "whatif_tc_K"))
    )
    sources: tuple[str, ...] = ()

    @property
    def eos_error_K(self) -> float:
        """(a) predicted − measured Tc at ``measured_gpa``, K."""
        return self.eos_tc_K - self.measured_tc_K

    @property
    def eos_error_pct(self) -> float:
        """(a) relative error, %."""
        return 100.0 * self.eos_error_K / self.measured_tc_K

    @property
    def whatif_error_K(self) -> float:
        """(b) predicted − measured Tc at ``measured_gpa``, K."""
        return self.whatif_tc_K - self.measured_tc_K

    @property
    def whatif_error_pct(self) -> float:
        """(b) relative error, %."""
        return 100.0 * self.whatif_error_K / self.measured_tc_K

    @property
    def measured_rise_K(self) -> float:
        """Measured Tc(measured_gpa) − Tc(0), K."""
        return self.measured_tc_K - self.measured_tc0_K

    @property
    def eos_rise_K(self) -> float:
        """(a) predicted Tc(measured_gpa) − Tc(0), K."""
        return self.eos_tc_K - self.tc0_K

    @property
    def whatif_rise_K(self) -> float:
        """(b) predicted Tc(measured_gpa) − Tc(0), K."""
        return self.whatif_tc_K - self.tc0_K


def hg1223_pressure_check(heights: str = "structure") -> Hg1223Check:
    """Predict Hg-1223's Tc at its highest measured pressure and compare.

    (a) The alpha height of the catalog structure (or Table I with
    ``heights="table"``) shrunk with the cuprate EOS defaults. (b) What-if: the
    height shrinks by the same fraction as the apical Cu–O bond (2.75 -> 2.48 Å at
    11 GPa), carried to the higher pressure with the equivalent c-axis share.
    Nothing here is fitted to the measured Tc.

    Args:
        heights: "structure" or "table".

    Returns:
        The check: both predictions beside every measured Tc(P) point.

    Raises:
        ParameterError: another height source.
        ConfinedError: the catalog entry lacks the measured data.
    """
    from confined.structure.catalog import get_entry

    if heights not in ("structure", "table"):
        raise ParameterError(f"heights must be 'structure' or 'table', got {heights!r}")
    entry = get_entry(HG1223_ID)
    tv = entry.text_values
    points = measured_tc_points(tv)
    if not points or not tv.get("apical_cu_o_A"):
        raise ConfinedError("hg1223: the catalog has no Tc(P) or apical Cu-O data")
    amb = min(points, key=lambda m: m["gpa"])
    top = max(points, key=lambda m: m["gpa"])
    apical = sorted(tv["apical_cu_o_A"], key=lambda a: a["gpa"])
    d0, d1 = float(apical[0]["d_A"]), float(apical[-1]["d_A"])
    p_ap = float(apical[-1]["gpa"])

    ps = resolve_phases(HG1223_ID, heights=heights)
    phase = "alpha"
    h0 = ps.heights()[phase]
    lam = float(lambda_for_family("cuprate"))  # type: ignore[arg-type]
    eos = eos_for_family("cuprate")
    p_hi = float(top["gpa"])
    x_hi, x_ap = (float(v) for v in volume_ratio(np.array([p_hi, p_ap]), eos.b0_gpa, eos.b0p))
    h_hi = float(heights_under_pressure(h0, x_hi, eos.c_share))
    h_ap = float(heights_under_pressure(h0, x_ap, eos.c_share))
    ratio = d1 / d0
    s_whatif = math.log(ratio) / math.log(x_ap)
    h_whatif_hi = h0 * x_hi**s_whatif
    p_meas = np.array([m["gpa"] for m in points])
    x_meas = np.atleast_1d(volume_ratio(p_meas, eos.b0_gpa, eos.b0p))
    comparisons = tuple(
        (
            float(m["gpa"]),
            float(m["tc_K"]),
            float(tc_from_height(h0 * xm**eos.c_share, lam)),
            float(tc_from_height(h0 * xm**s_whatif, lam)),
        )
        for m, xm in zip(points, x_meas, strict=True)
    )
    sources = tuple(str(m["source"]) for m in points) + (str(tv.get("apical_cu_o_source", "")),)
    return Hg1223Check(
        phase=phase,
        height_source=heights,
        h0_A=h0,
        lambda_K_A2=lam,
        eos=eos,
        tc0_K=float(tc_from_height(h0, lam)),
        measured_tc0_K=float(amb["tc_K"]),
        measured_gpa=p_hi,
        measured_tc_K=float(top["tc_K"]),
        eos_h_A=h_hi,
        eos_tc_K=float(tc_from_height(h_hi, lam)),
        apical_gpa=p_ap,
        apical_ratio=ratio,
        eos_tc_at_apical_gpa_K=float(tc_from_height(h_ap, lam)),
        whatif_tc_at_apical_gpa_K=float(tc_from_height(h0 * ratio, lam)),
        whatif_c_share=s_whatif,
        whatif_tc_K=float(tc_from_height(h_whatif_hi, lam)),
        comparisons=comparisons,
        sources=sources,
    )
