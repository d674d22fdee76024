"""The --out folder: a run adds its own files and never deletes, moves or changes another's.

A run writes its outputs into a staging folder inside DIR (same file system, so every move
is a rename), then publishes them: each file is hard-linked into DIR, which fails instead
of overwriting, with summary.json last, so a reader that trusts summary.json sees the old
set or the new one, never a mix. The ledger commits after the publish. A journal in the
staging folder lets the next run take back the work of a run killed half-way: what it
published without the ledger committing is removed again, and what its --replace moved
aside is moved back. Shared by run, plan and labels.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import re
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from filelock import FileLock, Timeout

from batch.errors import DispatchError, UsageError
from batch.inputs import Loaded

STAGING_PREFIX = ".qoo10-dispatch-"
STAGING_SUFFIX = ".partial"
_RUN_ID = r"\d{8}-\d{6}-[0-9a-f]{6}"
_STAGING = re.compile(re.escape(STAGING_PREFIX) + f"({_RUN_ID})" + re.escape(STAGING_SUFFIX))
JOURNAL = "journal.json"
LOCK = ".lock"
SUMMARY = "summary.json"
# The files each command writes besides those its summary.json lists.
FIXED = {
    "run": ("exceptions.xlsx", "exceptions.jsonl"),
    "plan": ("plan.xlsx",),
    "labels": (),
}
# Files `send` adds to a run's folder; they belong to that run.
SEND_FILES = ("send-results.csv", "send-summary.json")
# Names only qoo10-dispatch writes: a file so named that no summary.json accounts for is
# not overwritten, and not taken for the seller's either.
OWN_NAME = re.compile(
    r"(qsm-upload-\d{3}\.csv|qsm-shipdate-\d{3}\.csv|exceptions\.xlsx|exceptions\.jsonl"
    r"|plan\.xlsx|summary\.json|send-results\.csv|send-summary\.json"
    r"|yamato-b2-import\.csv|sagawa-ehiden-import\.csv|japanpost-yupri-import\.csv)"
)
TOKYO = ZoneInfo("Asia/Tokyo")


class OutputError(DispatchError):
    """--out cannot be used as it is (exit 2): earlier outputs, a file, no permission..."""


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


def machine_problem(path: Path | str, exc: OSError, doing: str) -> OutputError:
    """An OSError around the run (permissions, a full disk, a read-only or busy folder) as
    a message that names the path and the fix."""
    where = exc.filename or path
    fixes = {
        errno.ENOSPC: "free some disk space and run again",
        errno.EROFS: "the disk is read-only: choose an --out on a writable disk",
        errno.EACCES: "you may not write there: choose another --out, or fix its permissions",
        errno.EPERM: "the folder does not allow it (read-only or immutable): choose another --out",
        errno.EBUSY: "the file is in use (open in Excel?): close it and run again",
    }
    fix = fixes.get(exc.errno, "check the folder and run again")
    return OutputError(f"cannot {doing} {where}: {exc.strerror or exc}.\n  {fix.capitalize()}.")


# --- what DIR holds ------------------------------------------------------------------------


@dataclass
class Earlier:
    """The outputs of an earlier run found in DIR."""

    folder: Path
    run_id: str | None  # None: files of ours that no summary.json accounts for
    command: str
    dry_run: bool
    files: list[str]  # names in DIR, summary.json first
    upload_rows: int  # rows in its upload (or ship-date) files

    def describe(self) -> str:
        if self.run_id is None:
            return f"files named like qoo10-dispatch outputs ({', '.join(self.files)})"
        kind = "a dry run of " if self.dry_run else ""
        return f"the outputs of {kind}{self.command} {self.run_id}"

    @property
    def replaced_folder(self) -> Path:
        stamp = self.run_id or dt.datetime.now(TOKYO).strftime("%Y%m%d-%H%M%S")
        return self.folder / f"replaced-{stamp}"


def _read_summary(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _listed(summary: dict) -> list[tuple[str, int]]:
    """(file name, rows) of the data files a summary.json lists."""
    files = []
    for key in ("upload_files", "shipdate_files"):
        for entry in summary.get(key) or []:
            if isinstance(entry, dict) and isinstance(entry.get("path"), str):
                files.append((entry["path"], int(entry.get("rows") or 0)))
    labels = summary.get("labels")
    if isinstance(labels, dict) and isinstance(labels.get("path"), str):
        files.append((labels["path"], int(labels.get("rows") or 0)))
    return [(Path(name).name, rows) for name, rows in files]


def earlier_outputs(folder: Path) -> Earlier | None:
    """The earlier run whose outputs DIR holds, or our files no summary accounts for."""
    if not folder.is_dir():
        return None
    present = {p.name for p in folder.iterdir() if p.is_file() or p.is_symlink()}
    summary = _read_summary(folder / SUMMARY) if SUMMARY in present else None
    if summary is not None and isinstance(summary.get("run_id"), str):
        command = summary.get("command") or "run"
        listed = _listed(summary)
        names = [n for n, _ in listed] + list(FIXED.get(command, ())) + list(SEND_FILES)
        files = [SUMMARY] + sorted(n for n in set(names) if n in present and n != SUMMARY)
        rows = sum(r for n, r in listed if n in present and n.startswith("qsm-"))
        return Earlier(folder, summary["run_id"], command, bool(summary.get("dry_run")),
                       files, rows)  # fmt: skip
    orphans = sorted(n for n in present if OWN_NAME.fullmatch(n))
    if orphans:
        return Earlier(folder, None, "unknown", False, orphans, 0)
    return None


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
        raise OutputError(f"--out {out} is a file; give a folder for the outputs.")
    if out.is_symlink() and not out.exists():
        raise OutputError(f"--out {out} is a link to a folder that does not exist; fix the link.")
    return Path(os.path.realpath(out))


# --- recovery of killed runs ---------------------------------------------------------------


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _journal(staging: Path) -> dict:
    try:
        data = json.loads((staging / JOURNAL).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def recover(folder: Path, committed: Callable[[str | None, str], bool]) -> list[str]:
    """Take back what runs killed while writing into ``folder`` left; returns their ids.

    ``committed(ledger_path, run_id)`` says whether the ledger recorded that run: then its
    published outputs stay; otherwise they are removed and what it moved aside comes back.
    A staging folder whose run is still alive (its lock is held) is left alone.
    """
    recovered = []
    if not folder.is_dir():
        return recovered
    for staging in sorted(folder.iterdir()):
        m = _STAGING.fullmatch(staging.name)
        if not m or not staging.is_dir():
            continue
        lock = FileLock(staging / LOCK)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            continue  # a live run
        except OSError:
            continue
        try:
            journal = _journal(staging)
            _take_back(folder, staging, journal, _finished(folder, staging, journal, committed))
        except (OSError, DispatchError):
            continue  # cannot tell (the ledger is busy or damaged): left for a later run
        finally:
            lock.release()
        shutil.rmtree(staging, ignore_errors=True)
        recovered.append(m.group(1))
    return recovered


def _take_back(folder: Path, staging: Path, journal: dict, keep: bool) -> None:
    """Undo a killed run's publish unless ``keep``: its files out of DIR, the files its
    --replace moved aside back in."""
    if keep:
        return
    for name in journal.get("files", []):
        if isinstance(name, str) and (folder / name).exists() and _published(folder, staging, name):
            (folder / name).unlink()
    _move_back(folder, journal.get("replaced"))


def _move_back(folder: Path, replaced: dict | None) -> None:
    if not replaced or not replaced.get("folder"):
        return
    aside = folder / str(replaced["folder"])
    if not aside.is_dir():
        return
    for name in replaced.get("files", []):
        if (aside / name).exists() and not (folder / name).exists():
            os.replace(aside / name, folder / name)
    if not any(aside.iterdir()):
        aside.rmdir()


def _finished(folder: Path, staging: Path, journal: dict, committed) -> bool:
    """Did the killed run get as far as it promises to keep? With a ledger: its commit.
    Without one: the publish of its summary.json (the last file)."""
    if journal.get("record"):
        return bool(committed(journal.get("ledger"), journal.get("run_id", "")))
    return (
        SUMMARY in journal.get("files", [])
        and (folder / SUMMARY).exists()
        and _published(folder, staging, SUMMARY)
    )


def _published(folder: Path, staging: Path, name: str) -> bool:
    """Is DIR's ``name`` the file this staging folder published (a link to it, or the file
    itself when the file system has no links and it was moved)?"""
    staged = staging / name
    if staged.exists():
        return _same(staged, folder / name)
    return True  # moved out of staging by the run: DIR had no such file before (checked)


def remove_legacy_staging(out: Path) -> None:
    """Staging folders versions before 0.2 left beside DIR when killed (``.NAME.ID.partial``);
    they only ever held staged outputs."""
    parent = out.parent
    pattern = re.compile(re.escape(f".{out.name}.") + _RUN_ID + re.escape(".partial"))
    if not out.name or not parent.is_dir():
        return
    for p in parent.iterdir():
        if pattern.fullmatch(p.name) and p.is_dir():
            shutil.rmtree(p, ignore_errors=True)


# --- one run's outputs ---------------------------------------------------------------------


@dataclass
class Staging:
    """One run's outputs on their way into DIR."""

    folder: Path  # DIR, resolved
    path: Path  # the staging folder inside it
    journal: dict
    lock: FileLock
    created: list[Path] = field(default_factory=list)  # folders this run made
    published: bool = False

    def _save(self) -> None:
        write_json(self.path / JOURNAL, self.journal)

    def _outputs(self) -> list[str]:
        names = [p.name for p in self.path.iterdir() if p.name not in (JOURNAL, LOCK)]
        return sorted(n for n in names if n != SUMMARY) + ([SUMMARY] if SUMMARY in names else [])

    def publish(self, replace: Earlier | None) -> Path | None:
        """Put the staged files into DIR (summary.json last), after moving ``replace``'s
        files aside; returns where they went."""
        names = self._outputs()
        aside = None
        self.journal["files"] = names
        if replace is not None:
            aside = replace.replaced_folder
            self.journal["replaced"] = {"folder": aside.name, "files": replace.files}
        self._save()
        try:
            if replace is not None:
                aside.mkdir(exist_ok=True)
                for name in replace.files:  # summary.json first: it never names moved files
                    if (self.folder / name).exists():
                        os.replace(self.folder / name, aside / name)
            for name in names:
                _place(self.path / name, self.folder / name)
        except FileExistsError as exc:
            self._undo_publish(names)
            raise OutputError(
                f"{exc.filename}: another run wrote into {self.folder} at the same time; "
                "nothing of this run was kept. Run again (one run at a time per folder)."
            ) from None
        except OSError as exc:
            self._undo_publish(names)
            raise machine_problem(self.folder, exc, "write into") from None
        except BaseException:
            self._undo_publish(names)
            raise
        self.published = True
        return aside

    def _undo_publish(self, names: list[str]) -> None:
        for name in names:
            if (self.folder / name).exists() and _same(self.path / name, self.folder / name):
                (self.folder / name).unlink()
        _move_back(self.folder, self.journal.get("replaced"))

    def close(self) -> None:
        # The journal goes first: a staging folder without one is only ever removed, so a
        # cleanup cut short can never make a later run take back finished outputs.
        (self.path / JOURNAL).unlink(missing_ok=True)
        self.lock.release()
        shutil.rmtree(self.path, ignore_errors=True)
        if not self.published:
            for folder in reversed(self.created):  # DIR made by this run, left empty
                try:
                    folder.rmdir()
                except OSError:
                    break


def _place(src: Path, dst: Path) -> None:
    """src into dst without ever overwriting dst: a hard link (fails if dst exists); on a
    file system without links, a check then a rename."""
    try:
        os.link(src, dst)
        return
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV,
                             errno.EMLINK, errno.ENOSYS, errno.EACCES):  # fmt: skip
            raise
    if os.path.lexists(dst):
        raise FileExistsError(errno.EEXIST, "exists", str(dst))
    os.rename(src, dst)


def _make_folder(folder: Path) -> list[Path]:
    """Create ``folder`` and its missing parents; returns the ones created, outermost first."""
    missing = []
    p = folder
    while not p.exists():
        missing.append(p)
        if p.parent == p:
            break
        p = p.parent
    for p in reversed(missing):
        p.mkdir()
    return list(reversed(missing))


@contextmanager
def staged(folder: Path, run_id: str, ledger: Path | None, record: bool) -> Iterator[Staging]:
    """A staging folder in DIR for one run. Removed when the run ends; when it fails before
    publishing, DIR is left as it was (a folder it created is removed again)."""
    try:
        created = _make_folder(folder)
        path = folder / f"{STAGING_PREFIX}{run_id}{STAGING_SUFFIX}"
        path.mkdir()
        lock = FileLock(path / LOCK)
        lock.acquire(timeout=0)
    except OSError as exc:
        raise machine_problem(folder, exc, "write into") from None
    journal = {"run_id": run_id, "ledger": str(ledger) if ledger else None, "record": record}
    stage = Staging(folder, path, journal, lock, created)
    try:
        stage._save()
        yield stage
    except OSError as exc:
        raise machine_problem(path, exc, "write into") from None
    finally:
        stage.close()


def publish_and_commit(stage: Staging, earlier: Earlier | None, replace: bool, book) -> Path | None:
    """Publish the staged outputs (moving ``earlier`` aside with --replace), then commit the
    ledger's transaction (``book`` None: nothing to record), Ctrl-C held from here on: a run
    killed in between is taken back by the next one. Returns where --replace moved files."""
    from batch import interrupts

    with interrupts.finishing():
        aside = stage.publish(earlier if replace else None)
        if book is not None:
            if aside is not None and earlier.run_id:
                book.moved(earlier.run_id, aside)
            book.commit()
    return aside


def refuse_earlier(earlier: Earlier, out: Path, ledger_says: str, dry_run: bool) -> UsageError:
    """The message for a DIR that already holds an earlier run's outputs."""
    aside = earlier.replaced_folder
    if dry_run and earlier.run_id and not earlier.dry_run:
        way = "a dry run never moves a real run's files: give the preview another --out."
    else:
        way = f"give another --out, or add --replace to move them into {aside}/ first."
    rows = f"its upload files hold {earlier.upload_rows} rows" if earlier.run_id else ""
    facts = "; ".join(x for x in (rows, ledger_says) if x)
    return OutputError(
        f"--out {out} already holds {earlier.describe()}"
        + (f" ({facts})" if facts else "")
        + ". Nothing was changed.\n  "
        + way[0].upper()
        + way[1:]
    )


# The names each command writes: a file so named that the earlier run does not account for
# would be overwritten, so the run stops first.
WRITES = {
    "run": re.compile(r"qsm-upload-\d{3}\.csv|exceptions\.xlsx|exceptions\.jsonl|summary\.json"),
    "plan": re.compile(r"qsm-shipdate-\d{3}\.csv|plan\.xlsx|summary\.json"),
    "labels": re.compile(r"[a-z0-9-]+-import\.csv|summary\.json"),
}


def _ledger_says(earlier: Earlier, ledger_path: Path | None) -> str:
    """Whether the ledger still counts the earlier run's rows as awaiting upload."""
    from batch.ledger import Ledger

    if earlier.run_id is None:
        return ""
    if earlier.dry_run:
        return "a dry run: the ledger counts none of its rows"
    if ledger_path is None or not Path(ledger_path).is_file():
        return "no ledger records that run"
    with Ledger(Path(ledger_path)) as book:
        state = book.run_state(earlier.run_id)
    if state is None:
        return f"the ledger {ledger_path} does not record that run"
    if state["undone_at"]:
        return "the ledger no longer counts them (the run was undone)"
    if state["command"] != "run":
        return f"the ledger records its {state['rows']} rows"
    return (
        f"the ledger counts {state['pending']} of them as written and awaiting upload, "
        f"{state['confirmed']} confirmed, {state['not_confirmed']} offered again since"
    )


def prepare(
    out: Path, command: str, ledger_path: Path | None, replace: bool, dry_run: bool
) -> tuple[Path, Earlier | None]:
    """Check --out before any work: the real folder, what killed runs left taken back, and
    the earlier run whose files --replace will move aside (an error without --replace)."""
    from batch.ledger import has_run

    folder = resolve_out(out)
    try:
        recover(folder, has_run)
        remove_legacy_staging(Path(os.path.abspath(out)))
    except OSError as exc:
        raise machine_problem(folder, exc, "tidy") from None
    earlier = earlier_outputs(folder)
    if earlier is not None:
        real = earlier.run_id is not None and not earlier.dry_run
        if not replace or (dry_run and real):
            raise refuse_earlier(earlier, Path(out), _ledger_says(earlier, ledger_path), dry_run)
    writes = WRITES[command]
    clashes = [n for n in foreign_clashes(folder, earlier) if writes.fullmatch(n)]
    if clashes:
        raise OutputError(
            f"--out {out} holds {', '.join(clashes)}, named like this command's outputs but "
            "not listed by any summary.json there; it was left untouched.\n  Move it away or "
            "give another --out."
        )
    return folder, earlier
