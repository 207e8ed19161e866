"""Human-readable terminal output (rich tables) for the CLI."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from confined.analysis import AnalysisResult
    from confined.structure.catalog import CatalogEntry
    from confined.validate.tables import Tables

__all__ = [
    "make_console",
    "print_analysis",
    "print_catalog",
    "print_catalog_entry",
    "print_tables",
    "write_tables_report",
]


def make_console(width_when_piped: int = 120) -> Console:
    """A rich console for command output; piped output is not cut to 80 columns."""
    return Console(
        highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else width_when_piped
    )


def _console() -> Console:
    return make_console()


def print_analysis(res: AnalysisResult, console: Console | None = None) -> None:
    """Print one analysis: family, stacking, layers and the cage table."""
    con = console or _console()
    ca = res.cages
    assert ca is not None
    lattice = f" ({ca.lattice_type})" if ca.lattice_type else ""
    con.print(
        f"[bold]{res.source}[/bold]  {res.formula}  family: [bold]{ca.family}[/bold]{lattice}"
    )
    if ca.family == "none":
        con.print(f"  reason: {ca.reason}")
        return
    if ca.normal is not None:
        con.print(
            f"  stacking normal {tuple(round(float(x), 4) + 0.0 for x in ca.normal)}, "
            f"planes {ca.hkl}, period {ca.period_A:.4f} Å"
        )
    for i, layer in enumerate(ca.layers):
        extra = f", depth {layer.depth}" if layer.depth is not None else ""
        con.print(
            f"  layer {i}: {layer.kind} at {layer.height_A:.3f} Å "
            f"({layer.n_cations} {layer.kind[:2]}{extra})"
        )
    t = Table(box=None, pad_edge=False)
    for col in ("phase", "polyhedron", "faces", "h (Å)", "apices", "Tc pred (K)", "gap (meV)", "n"):
        t.add_column(
            col, justify="right" if col not in ("phase", "polyhedron", "apices") else "left"
        )
    for c, p in zip(ca.cages, res.predictions, strict=True):
        t.add_row(
            c.label,
            c.polyhedron.kind,
            str(c.polyhedron.n_faces),
            f"{c.h_A:.4f}",
            "|".join(c.apex_species),
            "–" if p.tc_pred_K is None else f"{p.tc_pred_K:.1f}",
            "–" if p.gap_meV is None else f"{p.gap_meV:.2f}",
            str(c.multiplicity),
        )
    con.print(t)
    where = f" ({res.catalog_id}: {res.structure_file})" if res.catalog_id else ""
    con.print(f"  heights: structure{where}")
    if res.lambda_K_A2 is not None:
        con.print(f"  lambda = {res.lambda_K_A2:g} K·Å², gap ratio Δ/kTc = {res.gap_ratio:g}")
    if res.measured_tc_K is not None:
        preds = ", ".join(
            f"{p.label} {p.tc_pred_K:.1f} K" for p in res.predictions if p.tc_pred_K is not None
        )
        con.print(
            f"  measured Tc = {res.measured_tc_K:g} K ({res.measured_tc_source})"
            + (f"; predicted: {preds}" if preds else "")
        )
    if res.undoped_parent:
        con.print(f"  [yellow]undoped parent:[/yellow] {res.structure_note}")
    elif res.structure_note:
        con.print(f"  structure: {res.structure_note}")
    for w in res.warnings:
        con.print(f"  [yellow]warning:[/yellow] {w}")


def print_catalog(entries: Sequence[CatalogEntry], console: Console | None = None) -> None:
    """Print the catalog, one line per compound (``confined catalog ID`` for the details)."""
    con = console or _console()
    t = Table(title="confined catalog", box=box.SIMPLE_HEAD, padding=(0, 1))
    t.add_column("id", no_wrap=True)
    t.add_column("formula", no_wrap=True, overflow="ellipsis", max_width=22)
    t.add_column("family", no_wrap=True)
    t.add_column("table", justify="center", no_wrap=True)
    t.add_column("Tc (K)", justify="right", no_wrap=True)
    t.add_column("structures", no_wrap=True, overflow="ellipsis")
    for e in entries:
        best = e.best_structure
        shipped = f"{len(e.structures)} (best: {best.quality})" if best else "none"
        t.add_row(e.id, e.formula, e.family, e.table or "–", f"{e.tc_K:g}", shipped)
    con.print(t)
    con.print("details, provenance and notes of one entry: confined catalog ID", style="dim")


def print_catalog_entry(entry: CatalogEntry, console: Console | None = None) -> None:
    """Print everything the catalog holds of one compound."""
    con = console or _console()
    con.print(f"[bold]{entry.id}[/bold]: {entry.name} ({entry.family})")
    where = f"Table {entry.table}, row {entry.row}" if entry.table else "paper text"
    con.print(f"  Tc = {entry.tc_K:g} K ({entry.tc_source}); {where}")
    heights = {k: v for k, v in (entry.paper.get("h_A") or {}).items() if v is not None}
    if heights:
        con.print("  paper's heights: " + ", ".join(f"{k} {v:.4f} Å" for k, v in heights.items()))
    if entry.text_values:
        con.print(f"  paper's text: {dict(entry.text_values)}")
    if entry.aliases:
        con.print("  aliases: " + ", ".join(entry.aliases))
    if entry.structures:
        t = Table(box=box.SIMPLE_HEAD, padding=(0, 1), show_edge=False)
        for col in ("file", "quality", "undoped parent", "reference"):
            t.add_column(col, overflow="fold")
        for rec in entry.structures:
            t.add_row(
                rec.file, rec.quality, "yes" if rec.undoped_parent else "", rec.reference or ""
            )
        con.print(t)
        for rec in entry.structures:
            if rec.provenance:
                con.print(f"  {rec.file}: {rec.provenance}", soft_wrap=False)
            for line in (rec.note, rec.doping):
                if line:
                    con.print(f"  {rec.file}: {line}", soft_wrap=False)
    else:
        con.print(f"  no structure: {entry.no_structure_reason}")
    if entry.notes:
        con.print(f"  notes: {entry.notes}")


def print_tables(tables: Tables, console: Console | None = None) -> None:
    """Print Tables I and II side by side with the paper.

    The "best" column is post hoc (it knows the measured Tc, and the family lambda
    is the mean of the paper's picks): it is labelled so, with the chance that a
    phase drawn at random per row matches the paper's pick.
    """
    con = console or _console()
    for title, rows, key in (
        ("Table I (cuprates)", tables.table1, "table1"),
        ("Table II (iron-based)", tables.table2, "table2"),
    ):
        t = Table(title=title, box=box.SIMPLE_HEAD, padding=(0, 1))
        for col in (
            "id",
            "Tc",
            "phase",
            "h paper",
            "h struct",
            "Δh",
            "λ(h paper)",
            "λ(h struct)",
            "used",
            "best (post hoc)",
        ):
            t.add_column(col, justify="left" if col in ("id", "phase") else "right")
        for r in rows:
            hs = r.h_structure_A
            best = r.best_phase(r.h_paper_A)
            for phase, hp in r.h_paper_A.items():
                hst = hs.get(phase)
                t.add_row(
                    r.id if phase == next(iter(r.h_paper_A)) else "",
                    f"{r.tc_K:g}",
                    phase,
                    f"{hp:.3f}",
                    "none" if not hs else ("–" if hst is None else f"{hst:.3f}"),
                    "" if hst is None else f"{hst - hp:+.3f}",
                    f"{r.tc_K * hp**2:.0f}",
                    "" if hst is None else f"{r.tc_K * hst**2:.0f}",
                    "✔" if phase == r.phase_used else "",
                    "✔" if phase == best else "",
                )
        con.print(t)
        s = tables.summary[key]["paper_h"]
        con.print(
            f"  mean λ, paper picks: {s['paper']['mean']} ± {s['paper']['std']}; "
            f"inner throughout {s['inner']['mean']} ± {s['inner']['std']}; "
            f"outer throughout {s['outer']['mean']} ± {s['outer']['std']}"
        )
        s = tables.summary[key]["structure_h"]
        con.print(
            f"  from structures, paper picks: {s['paper']['mean']} ± {s['paper']['std']} "
            f"(n = {s['paper']['n']})"
        )
        for src, what in (("paper_h", "paper h"), ("structure_h", "structure h")):
            block = tables.summary[key][src]
            c = block.get("chance_of_matching_paper_pick")
            if not c or not c["n_rows"]:
                continue
            con.print(
                f"  best (post hoc, knows Tc; {what}) = the paper's pick in "
                f"{block['best_phase_equals_paper_pick']} rows"
                + (
                    " (by construction: λ_family is the mean of those picks)"
                    if src == "paper_h"
                    else ""
                )
                + "; chance level "
                f"(a phase drawn at random per row, {c['phases_per_row']} phases): all "
                f"{c['n_rows']} match with p = {c['p_all_match_exact']} = {c['p_all_match']:.3g}, "
                f"{c['expected_matches']:.2f} matches expected, "
                f"P(>= {c['observed']}) = {c['p_at_least_observed']:.3g}"
            )


def write_tables_report(tables: Tables, out_dir: str | Path, *, figure: bool = True) -> list[Path]:
    """Write tables.md, tables.csv, tables.json and the figure into ``out_dir``.

    The tables are written by :func:`confined.validate.tables.write_tables`; the
    figure (Tc against 1/h², ``tc_vs_inverse_h2.png``) is drawn by
    :mod:`confined.plot.tables`. This is the report ``confined reproduce`` writes.

    Returns:
        The paths written.

    Raises:
        ParameterError: ``out_dir`` is not a path.
        OutputError: the folder cannot be made or a file cannot be written.
    """
    from confined.plot._figure import save_figure
    from confined.plot.tables import render_tc_vs_inverse_h2, tc_vs_inverse_h2_data
    from confined.validate.tables import write_tables

    paths = write_tables(tables, out_dir)
    if figure:
        fig = render_tc_vs_inverse_h2(tc_vs_inverse_h2_data(tables))
        paths.append(save_figure(fig, paths[0].parent / "tc_vs_inverse_h2.png", dpi=150))
    return paths
