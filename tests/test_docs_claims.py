"""docs/theory.md has a "computed / assumed / imposed" row for every claim (issue 10).

The claims are READING.md's C1–C25; the table's code column must name files that
exist, and every CLI flag it cites must be an option of some ``confined`` command.
"""

from __future__ import annotations

import re
from pathlib import Path

import click

from confined.cli import cli

ROOT = Path(__file__).resolve().parents[1]
THEORY = ROOT / "docs" / "theory.md"
HEADING = "## Computed, assumed, imposed: every claim at a glance"


def _rows() -> list[list[str]]:
    text = THEORY.read_text(encoding="utf-8")
    assert HEADING in text
    section = text.split(HEADING, 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        if line.startswith("| ") and not line.startswith("| claim") and not line.startswith("|---"):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
            rows.append(cells)
    return rows


def _claims(cell: str) -> set[int]:
    out: set[int] = set()
    for a, b in re.findall(r"C(\d+)(?:–C(\d+))?", cell):
        out.update(range(int(a), int(b or a) + 1))
    return out


def test_every_claim_has_a_row_with_all_four_columns() -> None:
    rows = _rows()
    covered: set[int] = set()
    for cells in rows:
        assert len(cells) == 5, cells
        assert all(cells), cells  # "–" where nothing applies, never empty
        covered |= _claims(cells[0])
    assert covered == set(range(1, 26))


def test_the_code_column_names_existing_files() -> None:
    src = ROOT / "src" / "confined"
    for cells in _rows():
        refs = [r for r in re.findall(r"`([a-z_/*]+(?:\.py)?)`", cells[4]) if "/" in r]
        assert refs, cells[0]
        for ref in refs:
            hits = list(src.glob(ref.rstrip("/"))) if "*" in ref else [src / ref]
            assert hits and all(h.exists() for h in hits), (cells[0], ref)


def _all_options() -> set[str]:
    seen: set[str] = set()

    def walk(cmd: click.Command) -> None:
        for p in cmd.params:
            seen.update(o for o in p.opts if o.startswith("--"))
        if isinstance(cmd, click.Group):
            for sub in cmd.commands.values():
                walk(sub)

    walk(cli)
    return seen


def test_the_flags_cited_are_real_options() -> None:
    options = _all_options()
    cited = {f for cells in _rows() for f in re.findall(r"`(--[a-zA-Z0-9-]+)", " ".join(cells))}
    assert len(cited) > 15
    assert cited <= options, sorted(cited - options)
