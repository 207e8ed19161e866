"""``confined gap``: gap symmetry from the electrostatics of the cages (C5, C7, C8)."""

from __future__ import annotations

from typing import Any

import click

from confined import defaults
from confined.commands.options import (
    WHOLE,
    HintedChoice,
    api_names,
    echo_json,
    json_option,
    max_atoms_option,
    max_atoms_value,
    out_option,
    parse_pairs,
    terminal_status,
    write_output,
)
from confined.plot._figure import check_figure_path

__all__ = ["command", "MAP_ARRAY_KEYS", "READINGS"]

#: The grid of each cage's potential map (n² numbers per cage): in ``--json`` only
#: with ``--arrays``, as the time series of ``mechanism fdtd``.
MAP_ARRAY_KEYS = ("u_A", "v_A", "energy_eV")

#: The readings of the gap the command offers, option -> (choices, default), spelled
#: out here so that ``confined --help`` imports no numpy; tests/test_gap_readings.py
#: checks them against confined.predict.gap and confined.validate.claims.
READINGS: dict[str, tuple[tuple[str, ...], str]] = {
    "rho_reference": (("nearest-ion", "in-plane-ion", "pocket"), "nearest-ion"),
    "ion_set": (("all", "active-plane"), "all"),
    "gap_definition": (("circle", "ray"), "circle"),
    "element_average": (("equivalent-cages", "own-octahedron"), "equivalent-cages"),
    "metal_model": (("jellium", "hole-electrons"), "jellium"),
    "c8_reading": (("label", "symmetry-class"), "label"),
}


def _reading(name: str, help_text: str) -> Any:
    choices, default = READINGS[name]
    return click.option(
        "--" + name.replace("_", "-"),
        name,
        type=HintedChoice(list(choices)),
        default=default,
        show_default=True,
        help=help_text,
    )


@click.command("gap")
@click.argument("source")
@out_option("Write the potential map and the polar gap plot to this file.", dest="out")
@json_option
@click.option(
    "--grid",
    type=WHOLE,
    default=defaults.GAP_GRID,
    show_default=True,
    metavar="N",
    help=f"Points per side of each cage's in-plane potential map (5 to {defaults.GAP_MAX_GRID}).",
)
@click.option(
    "--tol",
    type=float,
    default=defaults.GAP_TOL_EV,
    show_default=True,
    metavar="EV",
    help="Ewald accuracy of the electron's potential energy, eV (0 < EV < 1).",
)
@click.option(
    "--charges",
    multiple=True,
    metavar="EL=Q",
    help="Set an element's ion charge in e, e.g. --charges Cu=2 (repeatable).",
)
@click.option(
    "--charge-model",
    type=HintedChoice(list(defaults.GAP_CHARGE_MODELS)),
    default=defaults.GAP_CHARGE_MODEL,
    show_default=True,
    help="Charges of the other elements: pymatgen's oxidation-state guess or bond valences.",
)
@click.option(
    "--rho-fraction",
    type=float,
    default=defaults.GAP_RHO_FRACTION,
    show_default=True,
    metavar="F",
    help="Radius of the barrier circle as a fraction of the nearest-ion distance (0 < F < 1).",
)
@click.option(
    "--cage",
    default=None,
    metavar="LABEL",
    help="Cage drawn in the figure (default: the representative cage).",
)
@click.option(
    "--gap-ratio",
    type=float,
    default=defaults.GAP_RATIO,
    show_default=True,
    help="Δ/(k_B Tc) for Δ0 (positive).",
)
@click.option(
    "--arrays",
    is_flag=True,
    help="With --json: also each cage's map grid (u_A, v_A, energy_eV), the whole result.",
)
@_reading(
    "rho_reference",
    "What --rho-fraction is a fraction of: the 3D nearest ion, the nearest in-plane ion "
    "(O of a CuO2 plaquette) or the Fig. 1b pocket (where U peaks along the valley).",
)
@_reading(
    "ion_set",
    "Ions of the potential: all, or only those of each cage's active plane (the CuO2 plane).",
)
@_reading(
    "gap_definition",
    "Barrier on a circle of radius rho, or per ray: the lowest U − U(centre) from rho to "
    "where the ray enters an ion core (a node where U drops below U(centre)).",
)
@_reading(
    "element_average",
    "Elements (C7): average over the symmetry-equivalent cages, or over the vertex axes of "
    "the electron's own octahedron (the rule before).",
)
@_reading(
    "metal_model",
    "Elements: ions in a uniform electron background (jellium), or an electron on every "
    "octahedral hole (rock-salt-like).",
)
@_reading(
    "c8_reading",
    "C8's 'neither s nor d': not the label s or d_x2-y2, or no s-type label at all.",
)
@max_atoms_option
@api_names(
    charges="--charges",
    charge_model="--charge-model",
    tol_eV="--tol",
    rho_fraction="--rho-fraction",
    grid="--grid",
    gap_ratio="--gap-ratio",
    cage="--cage",
    max_atoms="--max-atoms",
    rho_reference="--rho-reference",
    ion_set="--ion-set",
    gap_definition="--gap-definition",
    element_average="--element-average",
    metal_model="--metal-model",
    c8_reading="--c8-reading",
)
def command(
    source: str,
    out: str | None,
    as_json: bool,
    grid: int,
    tol: float,
    charges: tuple[str, ...],
    charge_model: str,
    rho_fraction: float,
    cage: str | None,
    gap_ratio: float,
    arrays: bool = False,
    max_atoms: int = defaults.MAX_ATOMS,
    rho_reference: str = READINGS["rho_reference"][1],
    ion_set: str = READINGS["ion_set"][1],
    gap_definition: str = READINGS["gap_definition"][1],
    element_average: str = READINGS["element_average"][1],
    metal_model: str = READINGS["metal_model"][1],
    c8_reading: str = READINGS["c8_reading"][1],
) -> None:
    """Gap symmetry of every cage of SOURCE from the Ewald potential of its ions."""
    if out is not None:
        check_figure_path(out, f"--out {out}")
    q = parse_pairs(charges, "--charges")

    from confined.predict.gap import predict_gap
    from confined.validate.claims import judge_gap

    with terminal_status() as stage:
        prediction = predict_gap(
            source,
            charges=q or None,
            charge_model=charge_model,
            tol_eV=tol,
            rho_fraction=rho_fraction,
            grid=grid,
            gap_ratio=gap_ratio,
            max_atoms=max_atoms_value(max_atoms),
            stage=stage,
            rho_reference=rho_reference,
            ion_set=ion_set,
            gap_definition=gap_definition,
            element_average=element_average,
            metal_model=metal_model,
        )
    # the paper's claim (C5, C7, C8) and the verdict, every cage at every radius
    result = judge_gap(prediction, c8_reading=c8_reading)
    if cage is not None:
        result.cage(cage)  # ParameterError for an unknown label, before any output
    failed = None
    if out is not None:
        from confined.plot.gap import write_gap_figure

        _, failed = write_output(lambda: write_gap_figure(result, out, cage=cage))
    if as_json:
        echo_json(_document(result, arrays=arrays))
    else:
        _print(result)
    if failed is not None:
        raise failed  # after the results: nothing computed is lost
    if out is not None:
        click.echo(f"wrote {out}", err=True)


def _document(result: Any, *, arrays: bool) -> dict[str, Any]:
    """``result.to_dict()``; without ``arrays`` the maps' grids are left out.

    With ``arrays`` it is the whole :class:`~confined.predict.gap.GapAnalysis`
    (``GapAnalysis.from_dict`` reads it back), about 0.3 MB per cage at the default grid.
    """
    doc = result.to_dict()
    if not arrays:
        for c in doc["cages"]:
            if c["map"] is not None:
                c["map"] = {k: v for k, v in c["map"].items() if k not in MAP_ARRAY_KEYS}
    return doc


def _num(x: float) -> str:
    text = f"{x:.3f}"
    return "0.000" if text == "-0.000" else text


def _runs_text(fractions: Any, labels: tuple[str, ...]) -> str:
    """The label along the scan: "0.05–0.25 s | 0.3–0.9 anisotropic s | 0.95–1 d_x2-y2"."""
    parts: list[str] = []
    start = 0
    for k in range(1, len(labels) + 1):
        if k == len(labels) or labels[k] != labels[start]:
            a, b = float(fractions[start]), float(fractions[k - 1])
            span = f"{a:g}" if a == b else f"{a:g}–{b:g}"
            parts.append(f"{span} {labels[start]}")
            start = k
    return " | ".join(parts)


def _holds_text(runs: tuple[tuple[float, float], ...]) -> str:
    if not runs:
        return "at no scanned rho"
    return "at rho " + ", ".join(f"{a:.3g} Å" if a == b else f"{a:.3g}–{b:.3g} Å" for a, b in runs)


def _print(result: Any) -> None:

    from rich.table import Table

    from confined.report import make_console

    con = make_console()
    claim, says = result.paper_claim
    opts = result.options
    ref = opts.rho_reference if opts is not None else "nearest-ion"
    frac = opts.rho_fraction if opts is not None else float("nan")
    con.print(
        f"[bold]{result.source}[/bold] ({result.formula})  family: [bold]{result.family}[/bold]"
        f"  gap symmetry: [bold]{result.symmetry}[/bold] (at rho = {frac:g} × {ref})"
    )
    v = result.verdict
    if claim and v is not None:
        agrees = {True: "agrees", False: "disagrees", None: "no verdict"}[v.agrees]
        runs = []
        start = None
        for k, h in enumerate(list(v.holds) + [None]):
            if h is True and start is None:
                start = k
            elif h is not True and start is not None:
                runs.append((float(v.fractions[start]), float(v.fractions[k - 1])))
                start = None
        where = (
            "at no scanned rho"
            if not runs
            else "at rho = "
            + ", ".join(f"{a:g}" if a == b else f"{a:g}–{b:g}" for a, b in runs)
            + f" × {ref}"
        )
        scanned = (
            f" (scanned {float(v.fractions[0]):g}–{float(v.fractions[-1]):g})"
            if len(v.fractions)
            else ""
        )
        con.print(
            f"  paper ({claim}): {says}  ->  {agrees} at rho = {frac:g} × {ref}; "
            f"holds {where}{scanned}"
        )
        if v.superconducting_phase:
            con.print(f"  superconducting phase (the paper's): {v.superconducting_phase}")
    if opts is not None:
        text = (
            f"  readings: rho reference {opts.rho_reference}, ions {opts.ion_set}, "
            f"gap {opts.gap_definition}"
        )
        if result.family == "elemental":
            text += f", average {opts.element_average}, metal {opts.metal_model}"
        if v is not None and result.family == "iron-based":
            text += f", C8 reading {v.reading}"
        con.print(text)
    qs = ", ".join(f"{k} {v_:+.3g}" for k, v_ in result.charges.by_element.items())
    ew = result.ewald
    con.print(
        f"  charges ({result.charges.model}): {qs};  Ewald: eta {ew.eta_per_A:.3f}/Å, "
        f"r_cut {ew.r_cut_A:.2f} Å, g_cut {ew.g_cut_per_A:.2f}/Å, tol {ew.tol_eV:g} eV"
    )
    t = Table(box=None, pad_edge=False)
    for col in (
        "cage",
        "h (Å)",
        "rho (Å)",
        "symmetry",
        "anisotropy",
        "nodes (°)",
        "valleys (°)",
        "B min/max (eV)",
        "s",
        "d_x2-y2",
        "g_cos4",
        "pockets",
    ):
        t.add_column(col, justify="left" if col in ("cage", "symmetry") else "right")
    for c in result.cages:
        t.add_row(
            c.label,
            f"{c.h_A:.4f}",
            f"{c.rho_A:.3f}",
            c.symmetry,
            f"{c.anisotropy:.3f}",
            ", ".join(f"{x:.1f}" for x in c.nodes_deg) or "–",
            ", ".join(f"{x:.0f}" for x in c.valleys_deg) or "–",
            f"{c.barrier_eV.min():.3f} / {c.barrier_eV.max():.3f}",
            _num(c.harmonics["s"]),
            _num(c.harmonics["d_x2-y2"]),
            _num(c.harmonics["g_cos4"]),
            "–" if c.map is None else str(len(c.map.pockets)),
        )
    con.print(t)
    if v is not None:
        con.print(f"  verdict per cage ({claim}, at rho = {frac:g} × {ref}):")
        for cv in v.cages:
            head = cv.status if cv.agrees is None else f"{cv.symmetry}, {cv.status}"
            con.print(f"    {cv.cage}: {head}; the claim holds {_holds_text(cv.holds_ranges_A)}")
    con.print(f"  label against rho / {ref} (the primary result; the headline is one point):")
    for c in result.cages:
        sc = c.scan
        if sc is None:
            continue
        onset = (
            "no node up to the end"
            if sc.node_onset_A is None
            else f"first node at rho = {sc.node_onset_A:.3g} Å ({sc.node_onset_fraction:g} ×)"
        )
        refs = ", ".join(f"{k} {x:.3g} Å" for k, x in sc.references_A.items() if x == x)
        con.print(f"    {c.label}: {_runs_text(sc.fractions, sc.labels)}")
        con.print(
            f"      {onset}; rho → 0 (the rho² term alone): {sc.harmonic_limit_symmetry}; "
            f"references: {refs}"
        )
        if not sc.end.startswith("rho = "):
            con.print(f"      scan end: {sc.end}")
    for c in result.cages:
        if c.unconfined_reason:
            con.print(f"  {c.label}: [yellow]{c.unconfined_reason}[/yellow]")
    for c in result.cages:
        if c.orientation_average is not None:
            oa = c.orientation_average
            con.print(
                f"  {c.label}: {oa.n_orientations}-fold average ({oa.rule}), anisotropy "
                f"{oa.anisotropy_single:.3f} (one orientation) -> {oa.anisotropy_averaged:.3f} "
                f"(plane), {oa.anisotropy_sphere:.3f} (sphere)"
            )
            con.print(f"    {oa.explanation}")
    for w in result.warnings:
        con.print(f"  [yellow]note:[/yellow] {w}")
