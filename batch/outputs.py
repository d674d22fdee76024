"""The --out folder: a run adds its own files and never deletes, moves or changes another's.

Before any work, ``prepare`` finds the real folder, takes back what killed runs left, and
looks at what DIR already holds: an earlier run's outputs stop the run unless --replace,
which moves them aside (never a real run's for a dry run); files it cannot prove are its
own (a summary.json it did not write, our names with no summary) are never moved. At the
end, ``publish_and_commit`` puts the staged outputs in place (batch/staging.py) and commits
the ledger, under a lock per folder, re-reading DIR first. Shared by run, plan and labels.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from batch.errors import Phrase
from batch.inputs import Loaded
from batch.job import RUN_ID
from batch.staging import (  # noqa: F401 - what the commands stage with
    OWN_NAME,
    SUMMARY,
    OutputError,
    Staging,
    folder_lock,
    machine_problem,
    recover,
    remove_legacy_staging,
    staged,
    write_json,
)

# The files each command writes besides those its summary.json lists.
FIXED = {
    "run": ("exceptions.xlsx", "exceptions.jsonl"),
    "plan": ("plan.xlsx",),
    "labels": (),
}
# Files `send` adds to a run's folder; they belong to that run.
SEND_FILES = ("send-results.csv", "send-summary.json")
# The names each command writes: a file so named that the earlier run does not account for
# would be overwritten, so the run stops first.
WRITES = {
    "run": re.compile(r"qsm-upload-\d{3,}\.csv|exceptions\.xlsx|exceptions\.jsonl|summary\.json"),
    "plan": re.compile(r"qsm-shipdate-\d{3,}\.csv|plan\.xlsx|summary\.json"),
    "labels": re.compile(r"[a-z0-9-]+-import\.csv|summary\.json"),
}


def input_entry(loaded: Loaded) -> dict:
    sheet = loaded.table.sheet
    entry = {
        "path": str(sheet.path),
        "format": loaded.table.profile.name,
        "encoding": sheet.encoding or "xlsx",
        "rows": loaded.rows,
    }
    if sheet.by_position:  # a file without its header row: say how it was read
        entry["read_by_position"] = True
    if loaded.carrier_from_listing:  # rows that named no carrier took the listing's
        entry["carrier_from_listing"] = loaded.carrier_from_listing
    return entry


# --- what DIR holds ------------------------------------------------------------------------


@dataclass
class Earlier:
    """What of ours DIR already holds: a run's outputs, or files no summary accounts for."""

    folder: Path
    run_id: str | None  # None: not a run this program can name (see ``kind``)
    command: str
    dry_run: bool
    files: list[str]  # names in DIR, summary.json first
    upload_rows: int  # rows in its upload (or ship-date) files
    kind: str = "run"  # "run", "orphans" (our names, no summary.json), "foreign" summary.json

    def describe(self) -> Phrase:
        if self.kind == "orphans":
            return Phrase("error.out.orphans", files=", ".join(self.files))
        if self.dry_run:
            return Phrase("error.out.dry_run_of", command=self.command, run=self.run_id)
        return Phrase("error.out.outputs_of", command=self.command, run=self.run_id)

    @property
    def replaced_folder(self) -> Path:
        """The first free ``replaced-<RUN_ID>`` folder name (never merged into another)."""
        base = self.folder / f"replaced-{self.run_id}"
        n, candidate = 1, base
        while os.path.lexists(candidate):
            n += 1
            candidate = base.with_name(f"{base.name}-{n}")
        return candidate


def _read_summary(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _ours(summary: dict | None) -> bool:
    """A summary.json this program wrote: version 1 and a run id of its form."""
    return (
        summary is not None
        and summary.get("version") == 1
        and isinstance(summary.get("run_id"), str)
        and RUN_ID.fullmatch(summary["run_id"]) is not None
        and isinstance(summary.get("command", "run"), str)
    )


def _rows(value) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _listed(summary: dict) -> list[tuple[str, int]]:
    """(file name, rows) of the data files a summary.json lists, of our names only."""
    entries = []
    for key in ("upload_files", "shipdate_files"):
        listed = summary.get(key)
        entries += listed if isinstance(listed, list) else []
    labels = summary.get("labels")
    entries += [labels] if isinstance(labels, dict) else []
    files = []
    for entry in entries:
        name = entry.get("path") if isinstance(entry, dict) else None
        if isinstance(name, str) and OWN_NAME.fullmatch(name):
            files.append((name, _rows(entry.get("rows"))))
    return files


def earlier_outputs(folder: Path) -> Earlier | None:
    """The earlier run whose outputs DIR holds, or our files no summary accounts for."""
    if not folder.is_dir():
        return None
    present = {p.name for p in folder.iterdir() if p.is_file() or p.is_symlink()}
    if SUMMARY in present:
        summary = _read_summary(folder / SUMMARY)
        if not _ours(summary):
            return Earlier(folder, None, "unknown", False, [SUMMARY], 0, kind="foreign")
        command = summary.get("command") or "run"
        listed = _listed(summary)
        names = [n for n, _ in listed] + list(FIXED.get(command, ())) + list(SEND_FILES)
        files = [SUMMARY] + sorted(n for n in set(names) if n in present and n != SUMMARY)
        rows = sum(r for n, r in listed if n in present and n.startswith("qsm-"))
        return Earlier(folder, summary["run_id"], command, summary.get("dry_run") is True,
                       files, rows)  # fmt: skip
    orphans = sorted(n for n in present if OWN_NAME.fullmatch(n))
    if orphans:
        return Earlier(folder, None, "unknown", False, orphans, 0, kind="orphans")
    return None


def _same_earlier(a: Earlier | None, b: Earlier | None) -> bool:
    if a is None or b is None:
        return a is b
    return (a.kind, a.run_id, a.files) == (b.kind, b.run_id, b.files)


def foreign_clashes(folder: Path, earlier: Earlier | None) -> list[str]:
    """Files in DIR named like ours that the earlier run does not account for."""
    if not folder.is_dir():
        return []
    mine = set(earlier.files) if earlier else set()
    return sorted(
        p.name for p in folder.iterdir() if OWN_NAME.fullmatch(p.name) and p.name not in mine
    )


def resolve_out(out: Path) -> Path:
    """The real folder DIR names (a symbolic link is written through, never replaced)."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise OutputError(Phrase("error.out.a_file", out=out))
    if out.is_symlink() and not out.exists():
        raise OutputError(Phrase("error.out.dead_link", out=out))
    return Path(os.path.realpath(out))


def publish_and_commit(
    stage: Staging,
    earlier: Earlier | None,
    replace: bool,
    book,
    ledger_path: Path | None = None,
    record: bool = True,
) -> Path | None:
    """Publish the staged outputs, moving the earlier run's aside with --replace, then
    commit the ledger's transaction (``book`` None: no ledger). A run that records nothing
    (a dry run, a --strict stop) has added nothing to that transaction, but a move of a
    recorded run's files is still written to it. DIR is checked again
    under the folder lock: another run may have published since this one looked. If the
    ledger cannot commit, the publish is undone. Ctrl-C is held from here on. Returns where
    --replace moved files."""
    from batch import interrupts
    from batch.ledger import record_move

    with folder_lock(stage.folder), interrupts.finishing():
        now = earlier_outputs(stage.folder)
        if not _same_earlier(now, earlier):
            raise OutputError(Phrase("error.out.raced", folder=stage.folder))
        aside = stage.publish(now if replace else None)
        try:
            moved = aside is not None and now is not None and now.run_id
            if book is not None and moved and not record:
                moved = book.run_state(now.run_id) is not None  # only a recorded run's
            if book is not None and (record or moved):
                if moved:
                    book.moved(now.run_id, aside)
                book.commit()
            elif book is not None:
                book.rollback()  # a preview or a --strict stop: nothing of it is kept
            elif moved and ledger_path is not None:
                record_move(ledger_path, now.run_id, aside)
        except BaseException:
            if not _committed(book, stage.journal["run_id"], record):
                stage.undo()
            raise
    return aside


def _committed(book, run_id: str, record: bool) -> bool:
    """After a failure around the commit: did the ledger keep this run anyway? Then its files
    must stay (a run recorded but unwritten is the outcome never allowed); so must they when
    the ledger cannot be asked."""
    if book is None:
        return False
    try:
        if book.db.in_transaction:
            return False
        if not record:
            return True
        found = book.db.execute("SELECT 1 FROM runs WHERE run_id = ?", (run_id,)).fetchone()
        return found is not None
    except sqlite3.Error:
        return True


def refuse_earlier(earlier: Earlier, out: Path, ledger_says: str, dry_run: bool) -> OutputError:
    """The message for a DIR that already holds an earlier run's outputs."""
    if dry_run and not earlier.dry_run:
        way = Phrase("error.out.preview_elsewhere")
    else:
        way = Phrase("error.out.replace_hint", aside=earlier.replaced_folder)
    rows = Phrase("error.out.upload_rows", n=earlier.upload_rows)
    facts = [x for x in (rows, ledger_says) if x]
    what = earlier.describe()
    return OutputError(Phrase("error.out.earlier", out=out, what=what, facts=facts, way=way))


def _ledger_says(earlier: Earlier, ledger_path: Path | None) -> Phrase:
    """Whether the ledger still counts the earlier run's rows as awaiting upload."""
    from batch.ledger import Ledger

    if earlier.dry_run:
        return Phrase("error.out.ledger.dry_run")
    if ledger_path is None or not Path(ledger_path).is_file():
        return Phrase("error.out.ledger.none")
    with Ledger(Path(ledger_path)) as book:
        state = book.run_state(earlier.run_id)
    if state is None:
        return Phrase("error.out.ledger.unknown", ledger=ledger_path)
    if state["undone_at"]:
        return Phrase("error.out.ledger.undone")
    if state["command"] != "run":
        return Phrase("error.out.ledger.rows", n=state["rows"])
    return Phrase(
        "error.out.ledger.counts",
        pending=state["pending"],
        confirmed=state["confirmed"],
        offered=state["not_confirmed"],
    )


def prepare(
    out: Path, command: str, ledger_path: Path | None, replace: bool, dry_run: bool
) -> tuple[Path, Earlier | None]:
    """Check --out before any work: the real folder, what killed runs left taken back, and
    the earlier run whose files --replace will move aside (an error without --replace)."""
    from batch.ledger import has_run

    folder = resolve_out(out)
    try:
        if folder.is_dir():
            with folder_lock(folder):
                recover(folder, has_run)
        remove_legacy_staging(Path(os.path.abspath(out)))
    except OSError as exc:
        raise machine_problem(folder, exc, "tidy") from None
    earlier = earlier_outputs(folder)
    if earlier is not None and earlier.kind == "foreign":
        raise OutputError(Phrase("error.out.foreign_summary", out=out))
    if earlier is not None and earlier.kind == "orphans":
        raise OutputError(Phrase("error.out.orphan_files", out=out, files=", ".join(earlier.files)))
    if earlier is not None and (not replace or (dry_run and not earlier.dry_run)):
        raise refuse_earlier(earlier, Path(out), _ledger_says(earlier, ledger_path), dry_run)
    writes = WRITES[command]
    clashes = [n for n in foreign_clashes(folder, earlier) if writes.fullmatch(n)]
    if clashes:
        raise OutputError(Phrase("error.out.clashes", out=out, files=", ".join(clashes)))
    return folder, earlier
