"""The package's layers, checked from the code (issue 9).

Every ``import`` statement of the package (at module level or inside a function;
not the ones under ``if TYPE_CHECKING:``, which never run) is read with ``ast``.
Lower layers never import higher ones, two packages of one layer do not import
each other, and no set of modules imports itself round in a cycle.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"

#: The layers, lowest first (docs/architecture.md). A module may import modules of
#: a lower layer and of its own package.
LAYERS: list[tuple[str, ...]] = [
    ("errors",),
    ("defaults",),
    ("checks",),
    ("serialize", "confined"),
    ("structure",),
    ("cages",),
    ("theory",),
    ("analysis",),
    ("predict", "mechanism"),
    ("validate",),
    ("plot",),
    ("report",),
    ("screen",),
    ("evaluation",),
    ("web",),
    ("commands",),
    ("cli",),
    ("__main__",),
]
RANK = {name: i for i, names in enumerate(LAYERS) for name in names}


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted((SRC / "confined").rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _type_checking_lines(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for sub in node.body:
                lines.update(range(sub.lineno, (sub.end_lineno or sub.lineno) + 1))
    return lines


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """The package modules one file imports (resolved to existing modules)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_lines(tree)
    found: set[str] = set()
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in skip:
            continue
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        for name in names:
            if not name.startswith("confined"):
                continue
            while name not in modules and "." in name:  # "pkg.mod.func" -> "pkg.mod"
                name = name.rsplit(".", 1)[0]
            if name in modules:
                found.add(name)
    return found


def _layer_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "confined"


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    modules = _modules()
    return {m: _imports(p, modules) - {m} for m, p in modules.items()}


def test_every_package_has_a_layer(graph) -> None:
    unknown = {_layer_of(m) for m in graph} - set(RANK)
    assert not unknown, f"add {sorted(unknown)} to LAYERS (and docs/architecture.md)"


def test_lower_layers_never_import_higher_ones(graph) -> None:
    bad = []
    for module, deps in graph.items():
        mine = _layer_of(module)
        for dep in deps:
            theirs = _layer_of(dep)
            if theirs == mine:
                continue
            if RANK[theirs] >= RANK[mine]:
                bad.append(f"{module} -> {dep}")
    assert not bad, "imports against the layers: " + ", ".join(sorted(bad))


def test_no_import_cycles(graph) -> None:
    # Tarjan's strongly connected components over the module graph
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = [0]
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    for v in graph:
        if v not in index:
            visit(v)
    assert not cycles, f"import cycles: {cycles}"


def test_import_confined_is_cheap_and_exports_the_entry_points() -> None:
    code = (
        "import sys, confined\n"
        "heavy = [m for m in ('numpy', 'pymatgen', 'scipy', 'matplotlib') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "for name in confined.__all__:\n"
        "    getattr(confined, name)\n"
        "print(len(confined.__all__))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert int(out.stdout) >= 20
