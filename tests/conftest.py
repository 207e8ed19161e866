"""Shared test helpers: where ../shared is, and the 3DSC-MP corpus tar.

``SHARED`` is the ``shared`` folder next to the repository (``/work/main/../shared``).
Tests that need it skip cleanly when it is absent (e.g. on a fresh clone).
"""

from __future__ import annotations

import tarfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS_TAR = SHARED / "datasets" / "3dsc-mp" / "cifs.tar.xz"
DATA = Path(__file__).resolve().parent / "data"


def shared_dir() -> Path | None:
    """The ../shared folder, or None when it is not there."""
    return SHARED if SHARED.is_dir() else None


def corpus_sample(tar_path: Path, dest: Path, n: int = 200) -> list[Path]:
    """Extract an evenly spaced, deterministic sample of ``n`` CIFs of the corpus tar.

    Members are sorted by name and every k-th one is taken, so the sample mixes
    ordered and ``synth_doped`` files of all chemistries; it is the same on
    every run.
    """
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(tar_path) as tar:
        members = [m for m in tar.getmembers() if m.isfile() and m.name.endswith(".cif")]
        names = sorted(m.name for m in members)
        chosen = set(names[:: max(1, len(names) // n)][:n])
        out = []
        for member in members:  # archive order: an xz stream cannot seek back cheaply
            if member.name in chosen:
                fileobj = tar.extractfile(member)
                assert fileobj is not None
                path = dest / Path(member.name).name
                path.write_bytes(fileobj.read())
                out.append(path)
    return sorted(out)


def corpus_member(tar_path: Path, dest: Path, name: str) -> Path:
    """Extract one corpus member by its file name (without the folder)."""
    with tarfile.open(tar_path) as tar:
        fileobj = tar.extractfile(f"3dsc-mp-cifs/{name}")
        assert fileobj is not None
        path = dest / name
        path.write_bytes(fileobj.read())
    return path


@pytest.fixture(scope="session")
def shared() -> Path:
    """The ../shared folder; skips the test when it is absent."""
    path = shared_dir()
    if path is None:
        pytest.skip("../shared not present")
    return path


@pytest.fixture(scope="session")
def corpus_tar() -> Path:
    """Path of ../shared/datasets/3dsc-mp/cifs.tar.xz; skips the test when it is absent."""
    if not CORPUS_TAR.is_file():
        pytest.skip("../shared/datasets/3dsc-mp/cifs.tar.xz not present")
    return CORPUS_TAR


@pytest.fixture(scope="session")
def corpus_cifs(corpus_tar: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """About 200 CIFs of the 3DSC-MP corpus, extracted once per session."""
    return corpus_sample(corpus_tar, tmp_path_factory.mktemp("corpus"), n=200)
