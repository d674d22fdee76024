"""One run's outputs on their way into --out, and taking back what a killed run left.

A run writes its outputs into a staging folder inside DIR (same file system, so nothing is
copied), then publishes them: each file is hard-linked into DIR, which fails instead of
overwriting, with summary.json last, so a reader that trusts summary.json sees the old set
or the new one, never a mix. A journal in the staging folder lets the next run take back
the work of a run killed half-way: what it published without the ledger committing is
removed again, and what its --replace moved aside is moved back. A journal is data: only
the file names this program writes are ever acted on.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock, Timeout

from batch import i18n
from batch.errors import DispatchError, Phrase
from batch.job import RUN_ID

STAGING_PREFIX = ".qoo10-dispatch-"
STAGING_SUFFIX = ".partial"
_STAGING = re.compile(
    re.escape(STAGING_PREFIX) + f"({RUN_ID.pattern})" + re.escape(STAGING_SUFFIX) + r"(\.new)?"
)
_REPLACED = re.compile(f"replaced-{RUN_ID.pattern}" + r"(-[0-9]+)?")
JOURNAL = "journal.json"
LOCK = ".lock"
SUMMARY = "summary.json"
# How long a run waits for another one publishing into the same folder.
FOLDER_LOCK_SECONDS = 60
# A staging folder with no journal yet may belong to a run that is just starting.
YOUNG_SECONDS = 60
# Names only qoo10-dispatch writes. Nothing else is ever moved or removed, whatever a
# summary.json or a journal says.
OWN_NAME = re.compile(
    r"(qsm-upload-\d{3,}\.csv|qsm-shipdate-\d{3,}\.csv|exceptions\.xlsx|exceptions\.jsonl"
    r"|plan\.xlsx|summary\.json|send-results\.csv|send-summary\.json"
    r"|yamato-b2-import\.csv|sagawa-ehiden-import\.csv|japanpost-yupri-import\.csv)"
)
# Windows reports a file open in another program (Excel) as a sharing violation.
_WINDOWS_IN_USE = (32, 33)


class OutputError(DispatchError):
    """--out cannot be used as it is (exit 2): earlier outputs, a file, no permission..."""


def write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def machine_problem(path: Path | str, exc: OSError, doing: str) -> OutputError:
    """An OSError around the run (permissions, a full disk, a read-only or busy folder) as
    a message that names the path and the fix."""
    where = exc.filename or path
    fixes = {
        errno.ENOSPC: "no_space",
        errno.EROFS: "read_only",
        errno.EACCES: "denied",
        errno.EPERM: "not_allowed",
        errno.EBUSY: "in_use",
    }
    fix = fixes.get(exc.errno, "other")
    if getattr(exc, "winerror", None) in _WINDOWS_IN_USE:
        fix = fixes[errno.EBUSY]
    return OutputError(
        Phrase(
            "error.out.machine",
            doing=Phrase(key) if i18n.has(key := f"error.out.doing.{doing}") else doing,
            where=where,
            problem=exc.strerror or exc,
            fix=Phrase(f"error.out.fix.{fix}"),
        )
    )


@contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """One run at a time publishes into (or tidies) a folder. The lock file lives in the
    system's temporary folder, keyed by the folder's real path, so DIR gets no file of it."""
    key = hashlib.sha256(os.path.normcase(str(folder)).encode("utf-8")).hexdigest()[:24]
    lock = FileLock(os.path.join(tempfile.gettempdir(), f"qoo10-dispatch-{key}.lock"), mode=0o666)
    try:
        lock.acquire(timeout=FOLDER_LOCK_SECONDS)
    except Timeout:
        raise OutputError(Phrase("error.out.busy", folder=folder)) from None
    try:
        yield
    finally:
        lock.release()


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


def _names(values) -> list[str]:
    """Our file names among ``values`` (a journal is data: nothing else is acted on)."""
    return [v for v in values if isinstance(v, str) and OWN_NAME.fullmatch(v)] if isinstance(
        values, list
    ) else []  # fmt: skip


def _published(folder: Path, staging: Path, journal: dict, name: str) -> bool:
    """Is DIR's ``name`` the file this staging folder published: a link to its staged copy,
    or (on a file system without links) a file it recorded as moved in?"""
    if not (folder / name).exists():
        return False
    staged = staging / name
    if staged.exists():
        return _same(staged, folder / name)
    return name in _names(journal.get("renamed"))


def _move_back(folder: Path, replaced: dict | None) -> None:
    """Move the files a --replace put aside back into DIR (each only where DIR has none)."""
    if not isinstance(replaced, dict) or not isinstance(replaced.get("folder"), str):
        return
    if not _REPLACED.fullmatch(replaced["folder"]):
        return
    aside = folder / replaced["folder"]
    if not aside.is_dir() or aside.is_symlink():
        return
    for name in _names(replaced.get("files")):
        if (aside / name).exists() and not os.path.lexists(folder / name):
            os.rename(aside / name, folder / name)
    if not any(aside.iterdir()):
        aside.rmdir()


def _take_back(folder: Path, staging: Path, journal: dict) -> None:
    """Undo a publish: its files out of DIR, the files its --replace moved aside back in."""
    for name in _names(journal.get("files")):
        if _published(folder, staging, journal, name):
            (folder / name).unlink()
    _move_back(folder, journal.get("replaced"))


def _keep(folder: Path, staging: Path, journal: dict, committed) -> bool:
    """Did the killed run get as far as it promises to keep, or can that not be told? With
    a ledger: its commit; a ledger that cannot be found or read tells nothing, and then the
    files stay (a run recorded but unwritten is the one outcome never allowed). Without one:
    the publish of its summary.json, the last file."""
    if journal.get("record"):
        return committed(journal.get("ledger"), journal.get("run_id", "")) is not False
    return SUMMARY in _names(journal.get("files")) and _published(folder, staging, journal, SUMMARY)


def recover(folder: Path, committed: Callable[[str | None, str], bool | None]) -> list[str]:
    """Take back what runs killed while writing into ``folder`` left; returns their ids.

    ``committed(ledger_path, run_id)`` says whether the ledger recorded that run (None: it
    cannot tell). A staging folder whose run is still alive (its lock is held), or that is
    new and has neither lock file nor journal yet, is left alone. Call it holding ``folder_lock``.
    """
    recovered = []
    if not folder.is_dir():
        return recovered
    for staging in sorted(folder.iterdir()):
        m = _STAGING.fullmatch(staging.name)
        if not m or not staging.is_dir() or staging.is_symlink():
            continue
        try:
            age = time.time() - staging.stat().st_mtime  # before the lock file touches it
            # A run locks its folder before anything else: a lock file nobody holds is a
            # dead run's, however young. Without one the run may be just starting.
            dead = (staging / LOCK).exists()
        except OSError:
            continue
        lock = FileLock(staging / LOCK)
        try:
            lock.acquire(timeout=0)
        except (Timeout, OSError):
            continue  # a live run, or not ours to open
        try:
            journal = _journal(staging)
            if journal.get("run_id") != m.group(1):
                if age < YOUNG_SECONDS and not dead:
                    continue  # a run just starting
                journal = {}  # no journal of its own: it published nothing
            if not _keep(folder, staging, journal, committed):
                _take_back(folder, staging, journal)
            (staging / JOURNAL).unlink(missing_ok=True)
        except (OSError, DispatchError):
            continue  # cannot tell (the ledger is busy or damaged): left for a later run
        finally:
            lock.release()
        shutil.rmtree(staging, ignore_errors=True)
        recovered.append(m.group(1))
    return recovered


def remove_legacy_staging(out: Path) -> None:
    """Staging folders versions before 0.2 left beside DIR when killed (``.NAME.ID.partial``);
    they only ever held staged outputs."""
    parent = out.parent
    prefix = f".{out.name}."
    pattern = re.compile(re.escape(prefix) + RUN_ID.pattern + re.escape(".partial"))
    if not out.name or not parent.is_dir():
        return
    # Names, not Paths: the parent may be /tmp with tens of thousands of entries.
    for name in os.listdir(parent):
        if name.startswith(prefix) and pattern.fullmatch(name):
            p = parent / name
            if p.is_dir() and not p.is_symlink():
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

    def publish(self, replace) -> Path | None:
        """Put the staged files into DIR (summary.json last), after moving ``replace``'s
        files aside into a new replaced-<RUN_ID> folder; returns that folder. ``replace`` is an
        outputs.Earlier (its ``files`` and ``replaced_folder``). Call it holding
        ``folder_lock``."""
        names = self._outputs()
        aside = None
        self.journal.update(files=names, renamed=[])
        if replace is not None:
            aside = replace.replaced_folder
            self.journal["replaced"] = {"folder": aside.name, "files": replace.files}
        self._save()
        try:
            if replace is not None:
                aside.mkdir()
                for name in replace.files:  # summary.json first: it never names moved files
                    if (self.folder / name).exists():
                        _move_into_new(self.folder / name, aside / name)
            for name in names:
                self._place(name)
        except FileExistsError as exc:
            self.undo()
            appeared = Phrase("error.out.appeared", file=exc.filename, folder=self.folder)
            raise OutputError(appeared) from None
        except OSError as exc:
            self.undo()
            raise machine_problem(self.folder, exc, "write_into") from None
        except BaseException:
            self.undo()
            raise
        self.published = True
        return aside

    def _place(self, name: str) -> None:
        """One staged file into DIR without ever overwriting: a hard link (fails if the
        name is taken); on a file system without links (FAT, exFAT), a check then a move,
        recorded in the journal first so that a recovery knows the file is ours."""
        src, dst = self.path / name, self.folder / name
        try:
            os.link(src, dst)
            return
        except FileExistsError:
            raise
        except OSError as exc:
            no_links = (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK,
                        errno.ENOSYS, errno.EACCES, errno.EINVAL)  # fmt: skip
            if exc.errno not in no_links:
                raise
        if os.path.lexists(dst):
            raise FileExistsError(errno.EEXIST, "exists", str(dst))
        self.journal["renamed"].append(name)
        self._save()
        os.rename(src, dst)

    def undo(self) -> None:
        """Take this run's files out of DIR again and put back what it moved aside."""
        _take_back(self.folder, self.path, self.journal)
        self.published = False

    def close(self) -> None:
        # The journal goes first: a staging folder without one is only ever removed, so a
        # cleanup cut short can never make a later run take back finished outputs.
        (self.path / JOURNAL).unlink(missing_ok=True)
        self.lock.release()
        shutil.rmtree(self.path, ignore_errors=True)
        if not self.published:
            _remove_created(self.created)


def _move_into_new(src: Path, dst: Path) -> None:
    """src into a folder this run just made (so nothing there to overwrite; checked anyway)."""
    if os.path.lexists(dst):
        raise FileExistsError(errno.EEXIST, "exists", str(dst))
    os.rename(src, dst)


def _make_folder(folder: Path, created: list[Path]) -> None:
    """Create ``folder`` and its missing parents, adding each to ``created`` (outermost
    first) as soon as it exists, so an interrupted call still says what it made."""
    missing = []
    p = folder
    while not p.exists():
        missing.append(p)
        if p.parent == p:
            break
        p = p.parent
    for p in reversed(missing):
        p.mkdir()
        created.append(p)


def _remove_created(created: list[Path]) -> None:
    for folder in reversed(created):  # DIR made by this run, left empty
        try:
            folder.rmdir()
        except OSError:
            break


@contextmanager
def staged(folder: Path, run_id: str, ledger: Path | None, record: bool) -> Iterator[Staging]:
    """A staging folder in DIR for one run. Removed when the run ends; when it fails before
    publishing, DIR is left as it was (a folder it created is removed again).

    It is made under a name recovery leaves alone (``.new``), locked, given its journal, and
    only then renamed into place: a recovery never sees it unlocked and without a journal."""
    path = folder / f"{STAGING_PREFIX}{run_id}{STAGING_SUFFIX}"
    new = path.with_name(path.name + ".new")
    created: list[Path] = []
    ledger_path = str(Path(ledger).resolve()) if ledger else None
    journal = {"run_id": run_id, "ledger": ledger_path, "record": record}
    lock = None
    try:
        _make_folder(folder, created)
        new.mkdir()
        lock = FileLock(new / LOCK)
        lock.acquire(timeout=0)
        write_json(new / JOURNAL, journal)
        os.rename(new, path)
        stage = Staging(folder, path, journal, lock, created)
    except BaseException as exc:
        # Ctrl-C (or an OSError) before the stage exists would leave the staging folder,
        # and a DIR made for this run, behind although the run says nothing was written.
        if lock is not None:
            lock.release()
        for p in (new, path):
            shutil.rmtree(p, ignore_errors=True)
        _remove_created(created)
        if isinstance(exc, OSError):
            raise machine_problem(folder, exc, "write_into") from None
        raise
    try:
        yield stage
    except OSError as exc:
        raise machine_problem(path, exc, "write_into") from None
    finally:
        stage.close()
