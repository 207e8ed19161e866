"""The viewer's task, run in a screen worker process: one structure in, its ViewResponse out.

The server never analyses in its own process: each request becomes one
:class:`~confined.screen.inputs.Item` for a :class:`~confined.screen.pool.WorkerPool`
worker running :func:`view_task` (``"confined.web.tasks:view_task"``), so that a
structure past the time cap is stopped by killing its worker, and one that exhausts
the memory cap fails alone. Items:

* ``kind="upload"``: ``data`` holds the uploaded bytes, ``source`` the file name
  (which says the format); read with :func:`~confined.structure.readers.read_data`.
* ``kind="catalog"``: ``source`` is a catalog id; its best structure is used, and the
  catalog's measured Tc is set beside the prediction.
* ``kind="file"``: ``source`` is a path (a row of a screen); a file the catalog ships
  gets the catalog's measured Tc, as ``confined analyze`` gives it.
* ``kind="member"``: ``source`` is ``archive::member`` (a row of a screen over a tar
  archive); the member is read from the archive with :mod:`tarfile`, in memory.

The task returns ``{"status": "ok", "response": {...}}`` or raises
:class:`~confined.errors.ConfinedError` (the worker turns it into an error row whose
message is the error's one line).

This module is imported by the worker at start-up (before its memory cap): the
libraries it imports here (numpy, matplotlib's Agg canvas) are loaded once, not on
the first request.
"""

from __future__ import annotations

import base64
import dataclasses
import io
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np  # noqa: F401 - loaded at worker start-up, not on the first request
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: F401 - the same

from confined.defaults import MAX_FILE_MB
from confined.errors import ConfinedError, StructureInputError
from confined.web.scene import build_scene, json_safe

if TYPE_CHECKING:
    from confined.analysis import AnalysisResult
    from confined.screen.inputs import Item
    from confined.screen.task import ScreenConfig
    from confined.structure.crystal import Crystal

__all__ = [
    "TASK",
    "KINDS",
    "FERMI_DPI",
    "FERMI_COMPUTED_MAX_ATOMS",
    "GAP_GRID",
    "GAP_MAX_ATOMS",
    "view_task",
    "view_response",
    "read_member",
]

#: The task name given to the worker pool.
TASK = "confined.web.tasks:view_task"
#: The item kinds :func:`view_task` reads.
KINDS: tuple[str, ...] = ("upload", "catalog", "file", "member")
#: Resolution of the Fermi-surface PNG.
FERMI_DPI: int = 100
#: Largest cell (atoms) whose cuprate Fermi image gets the computed gap shape; larger
#: ones get C5's imposed d-wave shape, said in a note (the Ewald sums grow fast).
FERMI_COMPUTED_MAX_ATOMS: int = 300
#: The gap map's grid in the viewer (coarser than confined gap's default, for speed).
GAP_GRID: int = 48
#: The viewer computes the gap map only for cells up to this many atoms.
GAP_MAX_ATOMS: int = 120
#: Families with confinement cages, whose phases have predictions.
_PREDICTED = ("cuprate", "iron-based")


def read_member(source: str, max_bytes: int) -> bytes:
    """The bytes of ``archive::member`` from a tar archive (compressed ones are scanned).

    Args:
        source: ``archive::member`` as a screen wrote it.
        max_bytes: refuse a member larger than this.

    Raises:
        StructureInputError: no such archive or member, an unreadable archive, or a
            member over the cap.
    """
    archive, sep, member = source.partition("::")
    if not sep or not member:
        raise StructureInputError(f"{source}: not an archive::member source")
    try:
        with tarfile.open(archive, mode="r:*") as tar:
            try:
                info = tar.getmember(member)
            except KeyError:
                raise StructureInputError(f"{source}: no member {member!r} in {archive}") from None
            if not info.isfile():
                raise StructureInputError(f"{source}: the member is not a regular file")
            if info.size > max_bytes:
                raise StructureInputError(
                    f"{source}: the member ({info.size / 1e6:.3g} MB) is over the cap of "
                    f"{max_bytes / 1e6:.3g} MB"
                )
            handle = tar.extractfile(info)
            if handle is None:
                raise StructureInputError(f"{source}: the member cannot be read")
            return handle.read()
    except (OSError, tarfile.TarError, EOFError) as exc:
        raise StructureInputError(f"{source}: cannot read the archive: {exc}") from None


def _load(item: Item, config: ScreenConfig) -> tuple[Crystal, AnalysisResult, Any]:
    """(crystal, analysis, catalog entry or None) of one item."""
    from confined.analysis import analyze, analyze_crystal
    from confined.structure.files import make_limits
    from confined.structure.readers import read_data
    from confined.structure.sources import resolve_source

    limits = make_limits(config.max_atoms, MAX_FILE_MB)
    lambdas = dict(config.lambdas) or None
    if item.kind == "catalog":
        # the crystal by the same resolver analyze() uses: atoms and cages agree exactly
        resolved = resolve_source(
            item.source, min_occupancy=config.min_occupancy, max_atoms=config.max_atoms
        )
        assert resolved.crystal is not None and resolved.entry is not None
        result = analyze(resolved.entry.id, lambdas=lambdas, max_atoms=config.max_atoms)
        return resolved.crystal, result, resolved.entry
    if item.kind == "upload":
        if item.data is None:
            raise StructureInputError(f"{item.source}: no data")
        crystal = read_data(
            item.data, item.source, min_occupancy=config.min_occupancy, limits=limits
        )
        return crystal, _analysed(crystal, item.data, item.source, lambdas, config), None
    if item.kind == "member":
        data = read_member(item.source, limits.max_bytes or int(MAX_FILE_MB * 1e6))
        crystal = read_data(data, item.source, min_occupancy=config.min_occupancy, limits=limits)
        return crystal, _analysed(crystal, data, item.source, lambdas, config), None
    if item.kind == "file":
        from confined.structure.catalog import find_record

        crystal = resolve_source(
            item.source, min_occupancy=config.min_occupancy, max_atoms=config.max_atoms
        ).crystal
        assert crystal is not None
        if find_record(item.source) is not None:
            # a file the catalog ships: the catalog's measured Tc, as confined analyze gives it
            result = analyze(item.source, lambdas=lambdas, max_atoms=config.max_atoms)
        else:
            result = analyze_crystal(crystal, lambdas=lambdas)
        return crystal, result, None
    raise ConfinedError(f"{item.source}: unknown item kind {item.kind!r}")


def _analysed(
    crystal: Crystal, data: bytes, source: str, lambdas: Any, config: ScreenConfig
) -> AnalysisResult:
    """The analysis of a file's bytes, with the catalog's knowledge of a shipped copy.

    A byte-identical copy of a file the catalog ships gets the catalog's measured Tc
    and parent flag, as ``confined analyze`` gives them for that file.
    """
    from confined.analysis import analyze, analyze_crystal
    from confined.structure.catalog import find_record_by_content

    found = find_record_by_content(data)
    if found is None:
        return analyze_crystal(crystal, lambdas=lambdas)
    result = analyze(found[1].path, lambdas=lambdas, max_atoms=config.max_atoms)
    return dataclasses.replace(result, source=source)


def _resonance(result: AnalysisResult, entry: Any, notes: list[str]) -> list[dict[str, Any]] | None:
    """Resonance modes when the package can fix w without an arbitrary choice, else None.

    The package has no default E_R/2Δ ratio (docs/theory.md, C10: the user chooses
    it), so ratio mode is never used here; a catalog entry with a measured mode of a
    phase its structure has is calibrated on that mode.
    """
    family = result.family
    if family not in _PREDICTED:
        notes.append(f"resonance: not computed (family {family}: no confinement phases to predict)")
        return None
    measured = {}
    if entry is not None:
        measured = dict(entry.text_values.get("measured_resonance_meV") or {})
    phases = result.cages.phases() if result.cages is not None else {}
    usable = [(p, float(e)) for p, e in measured.items() if p in phases and e is not None]
    if not usable:
        notes.append(
            "resonance: not computed: the package has no default E_R/2Δ ratio (docs/theory.md, "
            "C10: the user chooses it) and no measured mode of this compound to calibrate on; "
            "run confined resonance SOURCE --ratio R or --calibrate PHASE=meV"
        )
        return None
    from confined.predict.resonance import predict_resonance

    phase, energy = usable[0]
    res = _guarded(
        "resonance", "not computed", lambda: predict_resonance(entry.id, calibrate=(phase, energy)),
        notes,
    )  # fmt: skip
    if res is None:
        return None
    notes.append(
        f"resonance: E_R = w/h² with w calibrated on the measured {phase} mode, "
        f"{energy:g} meV (catalog {entry.id}; an input, not a prediction); parity from "
        "the cage geometry where a structure cage exists"
    )
    return [
        {
            "phase": m.phase,
            "E_R_meV": float(m.energy_meV),
            "parity": m.parity,
            "h_A": float(m.h_A),
            "energy_role": m.energy_role,
            "parity_basis": m.parity_basis,
            "measured_meV": m.measured_meV,
        }
        for m in res.modes
    ]


def _drawn(
    what: str, compute: Callable[[], tuple[Any, Any]], notes: list[str]
) -> tuple[Any, str] | None:
    """Run a prediction and draw it: (its result, a PNG data URL), or None with a note.

    ``compute`` returns (result, matplotlib Figure). A failed picture never hides the
    analysis: any error becomes a note, MemoryError excepted (the worker's cap).
    """

    def draw() -> tuple[Any, str]:
        result, fig = compute()
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=FERMI_DPI)
        return result, "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()

    return _guarded(what, "not drawn", draw, notes)


def _guarded(what: str, failed: str, compute: Callable[[], Any], notes: list[str]) -> Any:
    """``compute()``, or None with a note: a failed prediction never hides the analysis.

    Any error becomes the note ``"<what>: <failed>: <reason>"``; MemoryError is let
    through (the worker's cap reports it).
    """
    try:
        return compute()
    except ConfinedError as exc:
        notes.append(f"{what}: {failed}: {exc}")
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - a failed prediction never hides the analysis
        notes.append(f"{what}: {failed}: internal error: {type(exc).__name__}: {exc}")
    return None


def _gap_png(source: Any, result: AnalysisResult, n_atoms: int, notes: list[str]) -> str | None:
    """The gap map of the representative cage (C5, C7, C8) as a PNG data URL, or None.

    On a coarse grid (:data:`GAP_GRID`) and only for cells up to
    :data:`GAP_MAX_ATOMS` atoms: the Ewald sums of every cage take seconds (YBa2Cu3O7:
    3 s) and grow with the cell.
    """
    if result.family not in _PREDICTED or not result.predictions:
        notes.append(f"gap map: not drawn (family {result.family}: no cages)")
        return None
    if n_atoms > GAP_MAX_ATOMS:
        notes.append(
            f"gap map: not computed in the viewer ({n_atoms} atoms is over its "
            f"{GAP_MAX_ATOMS}); run confined gap SOURCE --out gap.png"
        )
        return None
    from confined.plot.gap import gap_plot_data, render_gap_figure
    from confined.predict.gap import predict_gap
    from confined.validate.claims import judge_gap

    def compute() -> tuple[Any, Any]:
        analysis = judge_gap(predict_gap(source, grid=GAP_GRID))
        return analysis, render_gap_figure(gap_plot_data(analysis, None))

    drawn = _drawn("gap map", compute, notes)
    if drawn is None:
        return None
    analysis, url = drawn
    shown = analysis.representative_result()
    label = "" if shown is None else f" of cage {shown.label}"
    notes.append(
        f"gap map{label}: Ewald potential of formal point charges on a {GAP_GRID}² grid "
        "(the package's default readings; confined gap SOURCE prints every cage's verdict "
        "against the probing radius)"
    )
    return url


def _fermi_png(source: Any, result: AnalysisResult, n_atoms: int, notes: list[str]) -> str | None:
    """The Fermi-surface image as a PNG data URL, or None (with a note) when it does not apply."""
    family = result.family
    if family not in _PREDICTED:
        notes.append(f"Fermi image: not drawn (family {family}: no confined electron states)")
        return None

    from confined.plot.fermi import fermi_plot_data, render_fermi_image
    from confined.predict.fermi import fermi_image

    shape = None
    if result.family == "cuprate" and n_atoms > FERMI_COMPUTED_MAX_ATOMS:
        # the computed shape's Ewald sums grow fast with the cell (624 atoms: 14 s)
        shape = "dwave"
        notes.append(
            f"Fermi image: the d-wave gap shape of C5 is imposed ({n_atoms} atoms is over "
            f"the viewer's {FERMI_COMPUTED_MAX_ATOMS} for the computed shape; confined fermi "
            "SOURCE computes it)"
        )

    def compute() -> tuple[Any, Any]:
        image = fermi_image(source, gap_shape=shape)
        return image, render_fermi_image(fermi_plot_data(image))

    drawn = _drawn("Fermi image", compute, notes)
    if drawn is None:
        return None
    image, url = drawn
    shape_text = f", gap shape {image.gap_shape}" if image.arcs else ""
    notes.append(
        f"Fermi image: zone {image.zone}, a = {image.a_A:.3f} Å ({image.a_origin}), "
        f"κ = {image.kappa_A2:.4g} Å² ({image.kappa_origin}){shape_text}; "
        f"heights: {image.height_source}"
    )
    notes.extend(f"Fermi image: {w}" for w in image.warnings)
    return url


def view_response(
    crystal: Crystal,
    result: AnalysisResult,
    *,
    source: str,
    prediction_source: Any,
    entry: Any = None,
    max_atoms: int | None = None,
) -> dict[str, Any]:
    """The ViewResponse of one structure: analysis, scene, predictions, measured Tc.

    Args:
        crystal: the ordered crystal.
        result: its analysis.
        source: the name shown (file name, catalog id, path, ``archive::member``).
        prediction_source: what the predictors read again (the crystal, a catalog id
            or a path: the Fermi image's computed gap shape needs the structure).
        entry: the catalog entry, when the source is one.
        max_atoms: most atoms in the scene.

    Returns:
        Plain JSON: ``source``, ``analysis``, ``scene``, ``predictions``
        (``resonance``, ``fermi_png``, ``gap_png``, ``notes``), ``measured_tc_K``.
    """
    notes: list[str] = []
    if result.lambda_K_A2 is not None:
        notes.append(
            f"Tc = λ/h² per cage with λ = {result.lambda_K_A2:g} K·Å² ({result.family}); "
            f"Δ = {result.gap_ratio:g}·k_B·Tc; heights measured on this structure"
        )
    elif result.family not in (None, "none"):
        notes.append(f"Tc: not predicted (no λ for the {result.family} family)")
    else:
        reason = None if result.cages is None else result.cages.reason
        notes.append(f"no confinement cages: {reason}")
    scene = build_scene(crystal, result, max_atoms=max_atoms)
    if scene["atoms_truncated"]:
        notes.append(f"scene: the atom list stops at {max_atoms} atoms (face images left out)")
    resonance = _resonance(result, entry, notes)
    fermi = _fermi_png(prediction_source, result, crystal.n_atoms, notes)
    gap = _gap_png(prediction_source, result, crystal.n_atoms, notes)
    return json_safe(
        {
            "source": source,
            "analysis": result.to_dict(),
            "scene": scene,
            "predictions": {
                "resonance": resonance,
                "fermi_png": fermi,
                "gap_png": gap,
                "notes": notes,
            },
            "measured_tc_K": result.measured_tc_K,
        }
    )


def view_task(index: int, item: Item, config: ScreenConfig) -> dict[str, Any]:
    """The worker task: read and analyse one item, build its ViewResponse.

    Args:
        index: the item's number (unused: one item per request).
        item: what to show (see the module docstring for the kinds).
        config: the caps (``max_atoms``) and reading options.

    Returns:
        ``{"status": "ok", "response": ViewResponse}``.

    Raises:
        ConfinedError: unreadable, over a cap, or no such catalog id or file.
    """
    crystal, result, entry = _load(item, config)
    if item.kind == "upload" or item.kind == "member":
        prediction_source: Any = crystal
    elif item.kind == "catalog":
        prediction_source = entry.id
    else:
        prediction_source = str(Path(item.source))
    response = view_response(
        crystal,
        result,
        source=item.source,
        prediction_source=prediction_source,
        entry=entry,
        max_atoms=config.max_atoms,
    )
    return {"status": "ok", "response": response}
