"""Writing outputs: all at once into --out, and the JSON files. Shared by run and plan."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from batch.errors import UsageError
from batch.inputs import Loaded


def input_entry(loaded: Loaded) -> dict:
    sheet = loaded.table.sheet
    return {
        "path": str(sheet.path),
        "format": loaded.table.profile.name,
        "encoding": sheet.encoding or "xlsx",
        "rows": loaded.rows,
    }


def write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def staging_dir(out: Path, run_id: str) -> Path:
    """A new folder beside ``out`` to write into; moved into place by ``publish``."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is a file; give a folder for the outputs.")
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.parent / f".{out.name}.{run_id}.partial"
    staging.mkdir()
    return staging


def publish(staging: Path, out: Path) -> None:
    """Replace ``out`` by the staged outputs, never mixing old and new files."""
    old = None
    if out.exists():
        old = out.parent / f".{out.name}.{staging.name}.old"
        os.replace(out, old)
    os.replace(staging, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


@contextmanager
def staged(out: Path, run_id: str) -> Iterator[Path]:
    """A staging folder for one run's outputs; removed when the run fails before publishing."""
    staging = staging_dir(out, run_id)
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def publish_and_commit(staging: Path, out: Path, book) -> None:
    """Outputs first, then the ledger's commit (``book`` None: nothing to record): a run
    killed in between leaves its rows unrecorded (produced again next time), never recorded
    but unwritten."""
    publish(staging, out)
    if book is not None:
        book.commit()
