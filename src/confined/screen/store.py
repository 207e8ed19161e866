"""The result folder of a screen: a manifest and one Parquet part per committed chunk.

The exactly-once protocol (it holds through ``kill -9`` at any moment):

* the inputs are enumerated in one deterministic order and cut into chunks
  numbered in that order; the manifest (``_manifest.json``: inputs, chunk size,
  options, versions, and the SHA-256 of the enumerated sources) is written to a
  temporary name, fsynced and renamed before any chunk runs;
* the driver is the only writer: a chunk's rows go to ``.part-<chunk>.tmp``
  (a name that does not end in ``.parquet``, so ``read_parquet('RESULTS/*.parquet')``
  never sees it), which is fsynced, renamed to ``part-<chunk>.parquet``, and the
  folder fsynced;
* a chunk is done if and only if its part file exists; every input of a chunk
  has exactly one row in it, failures included;
* ``--resume`` checks the manifest (same inputs, same options), deletes the
  temporary files a kill left behind and skips the done chunks.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from confined.errors import OutputError, ParameterError
from confined.screen.schema import SCHEMA, SCHEMA_VERSION

__all__ = ["MANIFEST", "SUMMARY", "ResultStore", "part_name"]

#: The manifest of a result folder.
MANIFEST = "_manifest.json"
#: The summary of the last run over a result folder.
SUMMARY = "_summary.json"
_PART = re.compile(r"^part-(\d+)\.parquet$")
#: Manifest keys that must match for --resume, with what a mismatch means.
_MUST_MATCH = {
    "enumeration_sha256": "the inputs differ (other files, or in another order)",
    "n_inputs": "the number of inputs differs",
    "chunk_size": "--chunk-size differs",
    "config": "the options differ",
    "schema_version": "the row schema of this confined version differs",
}


def part_name(chunk: int) -> str:
    """The file name of a chunk's part (``part-000012.parquet``)."""
    return f"part-{chunk:06d}.parquet"


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2, sort_keys=True)
        fh.write("\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


class ResultStore:
    """A result folder opened for writing (see the module docstring).

    Use :meth:`open`; :meth:`done` lists the committed chunks and :meth:`write`
    commits one.
    """

    def __init__(self, out: Path, manifest: dict[str, Any]) -> None:
        self.out = out
        self.manifest = manifest

    @classmethod
    def open(
        cls,
        out: str | os.PathLike[str],
        manifest: dict[str, Any],
        resume: bool,
        *,
        write: bool = True,
    ) -> ResultStore:
        """Create the folder with its manifest, or reopen it to resume.

        Args:
            out: the result folder.
            manifest: what this job is (the keys of ``_MUST_MATCH`` and more).
            resume: reopen an existing folder of the same job.
            write: False to check only (nothing created or deleted), so that a job
                refuses a wrong folder before it starts its workers.

        Raises:
            ParameterError: the folder holds another job's results, or results
                without ``resume``, or is not a result folder.
            OutputError: the folder cannot be created or written.
        """
        path = Path(out)
        man = path / MANIFEST
        manifest = {**manifest, "schema_version": SCHEMA_VERSION}
        try:
            if man.exists():
                old = json.loads(man.read_text(encoding="utf-8"))
                if not resume:
                    raise ParameterError(
                        f"{path}: holds a screen's results already: --resume to finish "
                        "that job, or choose another --out"
                    )
                for key, meaning in _MUST_MATCH.items():
                    if old.get(key) != manifest.get(key):
                        raise ParameterError(
                            f"{path}: cannot resume: {meaning} from the job that wrote it "
                            f"({key}); rerun with the same inputs and options, or another --out"
                        )
                for tmp in path.iterdir() if write else ():
                    if tmp.name.startswith(".") and tmp.name.endswith(".tmp"):
                        tmp.unlink()  # what a kill left half written
                return cls(path, old)
            if path.exists() and (not path.is_dir() or any(path.iterdir())):
                raise ParameterError(
                    f"{path}: exists and is not a screen result folder (no {MANIFEST}); "
                    "choose another --out"
                )
            if write:
                path.mkdir(parents=True, exist_ok=True)
                _write_json_atomic(man, manifest)
        except (ParameterError, OutputError):
            raise
        except json.JSONDecodeError as exc:
            raise ParameterError(f"{man}: not a readable manifest: {exc}") from None
        except OSError as exc:
            raise OutputError(f"{path}: cannot write the results: {exc.strerror or exc}") from None
        return cls(path, manifest)

    def done(self) -> set[int]:
        """The chunks committed (their part file exists)."""
        out = set()
        for entry in os.scandir(self.out):
            m = _PART.match(entry.name)
            if m:
                out.add(int(m.group(1)))
        return out

    def write(self, chunk: int, rows: list[dict[str, Any]]) -> Path:
        """Commit a chunk's rows atomically (temp file, fsync, rename, folder fsync).

        Raises:
            OutputError: the part cannot be written (disk full, permission).
        """
        final = self.out / part_name(chunk)
        tmp = self.out / f".part-{chunk:06d}.tmp"
        try:
            table = pa.Table.from_pylist(rows, schema=SCHEMA)
            with open(tmp, "wb") as fh:
                pq.write_table(table, fh, compression="zstd")
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, final)
            _fsync_dir(self.out)
        except OSError as exc:
            raise OutputError(f"{final}: cannot write: {exc.strerror or exc}") from None
        return final

    def write_summary(self, summary: dict[str, Any]) -> None:
        """Write ``_summary.json`` (atomically)."""
        try:
            _write_json_atomic(self.out / SUMMARY, summary)
        except OSError as exc:
            raise OutputError(
                f"{self.out / SUMMARY}: cannot write: {exc.strerror or exc}"
            ) from None
