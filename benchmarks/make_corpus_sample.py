"""Build the small, fixed sample of the 3DSC-MP corpus that the tests ship.

Usage:
    python benchmarks/make_corpus_sample.py [--corpus ../shared/datasets/3dsc-mp]

Writes tests/data/corpus_sample/cifs.tar.xz (and tc.csv, the corpus's measured Tc
rows of those files): 150 files evenly spaced over the
whole corpus (sorted by name) and 150 evenly spaced over the files whose formula
has Cu and O, or Fe and a pnictogen or chalcogen (the layered candidates), without
repeats. The choice depends only on the file names, so it is the same on every
run. The files are the corpus's own (3DSC, Sommer et al., Sci. Data 10, 816
(2023), CC-BY 4.0); see tests/data/corpus_sample/README.md.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import tarfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "tests" / "data" / "corpus_sample" / "cifs.tar.xz"
TC_OUT = OUT.with_name("tc.csv")


def _elements(name: str) -> set[str]:
    formula = name.split("-MP-")[0]
    return set(re.findall(r"([A-Z][a-z]?)[0-9.]*", formula))


def _layered(name: str) -> bool:
    el = _elements(name)
    return {"Cu", "O"} <= el or ("Fe" in el and bool(el & {"As", "P", "Sb", "S", "Se", "Te"}))


def choose(names: list[str], n_all: int = 150, n_layered: int = 150) -> list[str]:
    """The sample: ``n_all`` evenly spaced names plus ``n_layered`` layered candidates."""
    names = sorted(names)
    picked = names[:: max(1, len(names) // n_all)][:n_all]
    rest = [n for n in names if _layered(n) and n not in set(picked)]
    picked += rest[:: max(1, len(rest) // n_layered)][:n_layered]
    return sorted(picked)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "datasets" / "3dsc-mp")
    args = ap.parse_args()
    tar_path = args.corpus / "cifs.tar.xz"
    if not tar_path.is_file():
        print(f"{tar_path}: not found", file=sys.stderr)
        return 2
    with tarfile.open(tar_path) as tar:
        data = {
            Path(m.name).name: tar.extractfile(m).read()  # type: ignore[union-attr]
            for m in tar
            if m.isfile() and m.name.endswith(".cif")
        }
    chosen = choose(list(data))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(OUT, "w:xz") as out:
        for name in chosen:
            info = tarfile.TarInfo(name)
            info.size = len(data[name])
            info.mtime = 0  # reproducible archive
            out.addfile(info, io.BytesIO(data[name]))
    print(f"wrote {OUT} ({len(chosen)} files, {OUT.stat().st_size / 1024:.0f} kB)")
    # the measured Tc of the sample's files: the rows of the corpus's tc.csv, unchanged
    table = args.corpus / "tc.csv"
    with open(table, newline="", encoding="utf-8") as fh:
        lines = fh.read().splitlines()
    keep = set(chosen)
    rows = [lines[0]] + [ln for ln in lines[1:] if ln.split(",", 1)[0] in keep]
    TC_OUT.write_text("\n".join(rows) + "\n", encoding="utf-8")
    print(f"wrote {TC_OUT} ({len(rows) - 1} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
