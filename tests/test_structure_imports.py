"""The modules of confined.structure import each other in one direction only (issue 9).

Every ``import`` of a ``confined.structure`` module inside the package (at module
level or in a function; not under ``if TYPE_CHECKING:``, which never runs) is read
with ``ast``. A module may import only modules above it in :data:`ORDER`, and only
at module level: an import inside a function is how a cycle is dodged at run time.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "confined" / "structure"
PREFIX = "confined.structure"

#: The modules of the package, lowest first (the table in confined/structure/io.py).
ORDER: tuple[str, ...] = (
    "messages",
    "crystal",
    "cif_checks",
    "files",
    "objects",
    "poscar",
    "json_file",
    "ase_file",
    "cif_pymatgen",
    "cif_gemmi",
    "cif",
    "readers",
    "catalog",
    "sources",
    "io",
)
RANK = {name: i for i, name in enumerate(ORDER)}


def _type_checking_lines(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for sub in node.body:
                lines.update(range(sub.lineno, (sub.end_lineno or sub.lineno) + 1))
    return lines


def _structure_imports(path: Path) -> list[tuple[str, bool, int]]:
    """(imported structure module, imported at module level, line) for one file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_lines(tree)
    top = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in skip:
            continue
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from . import x / from .x import y
                base = node.module or ""
                names = [f"{PREFIX}.{base}" if base else f"{PREFIX}.{a.name}" for a in node.names]
            elif node.module == PREFIX:  # from confined.structure import io
                names = [f"{PREFIX}.{a.name}" for a in node.names]
            elif node.module:
                names = [node.module]
        for name in names:
            if name.startswith(PREFIX + "."):
                module = name[len(PREFIX) + 1 :].split(".")[0]
                found.append((module, id(node) in top, node.lineno))
    return found


def _modules() -> list[str]:
    return sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__")


def test_every_module_has_a_place_in_the_order() -> None:
    missing = set(_modules()) - set(ORDER)
    assert not missing, f"add {sorted(missing)} to ORDER (and the table in structure/io.py)"
    assert not set(ORDER) - set(_modules()), "ORDER names a module that does not exist"


def test_modules_import_only_earlier_modules_at_module_level() -> None:
    bad = []
    for module in _modules():
        for dep, at_top, line in _structure_imports(PACKAGE / f"{module}.py"):
            if dep not in RANK:
                bad.append(f"{module}.py:{line} imports unknown {dep}")
            elif RANK[dep] >= RANK[module]:
                bad.append(f"{module}.py:{line} imports {dep}, which comes later")
            elif not at_top:
                bad.append(f"{module}.py:{line} imports {dep} inside a function")
    assert not bad, "; ".join(bad)


def test_each_module_imports_first_in_a_fresh_interpreter() -> None:
    # the static order says no cycles; this checks that every module can be the
    # first one imported (a cycle shows as an ImportError of a partial module)
    code = (
        "import importlib, sys\n"
        f"for name in {ORDER!r}:\n"
        "    for key in [k for k in sys.modules if k.startswith('confined')]:\n"
        "        del sys.modules[key]\n"
        "    importlib.import_module('confined.structure.' + name)\n"
        "print('ok')\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == "ok"


def test_the_table_in_io_lists_the_order() -> None:
    from confined.structure import io

    rows = re.findall(r"^``(\w+)``  +\S", io.__doc__ or "", flags=re.M)  # the table's rows
    assert tuple(rows) == ORDER


def test_the_facade_keeps_its_names() -> None:
    from confined.structure import io

    assert set(io.__all__) == {"load_crystal", "load_structure", "write_structure", "Reader"} | {
        "SITE_TOL"
    }
    for name in io.__all__:
        assert getattr(io, name) is not None
    assert io.SITE_TOL == 1e-4


def test_the_order_helper_sees_relative_and_function_imports(tmp_path: Path) -> None:
    # the checker itself: a function-level import and a relative import are found
    path = tmp_path / "probe.py"
    path.write_text(
        "from __future__ import annotations\n"
        "from typing import TYPE_CHECKING\n"
        "from .files import Limits\n"
        "from confined.structure import catalog\n"
        "if TYPE_CHECKING:\n"
        "    from confined.structure.io import load_crystal\n"
        "def f():\n"
        "    from confined.structure.sources import resolve_source\n"
    )
    found = {(m, top) for m, top, _ in _structure_imports(path)}
    assert found == {("files", True), ("catalog", True), ("sources", False)}
