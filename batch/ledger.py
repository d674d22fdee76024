"""The ledger: an SQLite file remembering every row put in an upload file, and what
became of it.

Each upload row is *written* (in an upload file of a run), then *confirmed* (a later export
shows that tracking number on the order, or Qoo10 accepted it through `send`) or *not
confirmed* (an export downloaded after the file was written still shows the order waiting:
the file was not uploaded, or QSM refused it; the order is offered again). A later run skips
orders recorded with the same tracking number and holds those recorded with another. A run
holds a write transaction from the moment it reads the ledger until its outputs are in
place, so two runs on one ledger cannot both upload the same order.

pandas is imported by the two reads that return tables: the command line imports this
module (its default path) before it knows whether a command needs pandas at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from batch.errors import DispatchError, Phrase

if TYPE_CHECKING:
    import pandas as pd

APP = "qoo10-dispatch"
SCHEMA_VERSION = 3
DEFAULT_NAME = "qoo10-dispatch-ledger.sqlite3"
BUSY_SECONDS = 15.0

# The newest schema, for a new ledger. An older ledger is brought up to it by MIGRATIONS.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    started_at TEXT NOT NULL,
    today TEXT NOT NULL,
    inputs TEXT NOT NULL,          -- JSON: [{"path", "sha256"}]
    out_dir TEXT NOT NULL,
    rows INTEGER NOT NULL,
    undone_at TEXT,
    command TEXT NOT NULL DEFAULT 'run',
    seq INTEGER,                   -- the order runs were recorded in (times may tie)
    files_dir TEXT,                -- where its files are now, when --replace moved them
    exported_at TEXT               -- when the orders export it read was downloaded
);
CREATE TABLE IF NOT EXISTS dispatched (
    run_id TEXT NOT NULL REFERENCES runs(run_id),
    order_no TEXT NOT NULL,
    cart_no TEXT NOT NULL,
    carrier TEXT NOT NULL,
    tracking_no TEXT NOT NULL,
    upload_file TEXT NOT NULL,
    ship_date TEXT,                -- YYYY-MM-DD written into the upload file
    confirmed_at TEXT,             -- seen on the order in a later export, or accepted by Qoo10
    confirmed_by TEXT,
    not_confirmed_at TEXT,         -- a later export still showed the order waiting
    not_confirmed_by TEXT,         -- the run that found it so and offered it again
    PRIMARY KEY (order_no, run_id)
);
CREATE INDEX IF NOT EXISTS dispatched_order ON dispatched(order_no);
CREATE TABLE IF NOT EXISTS dated (
    run_id TEXT NOT NULL REFERENCES runs(run_id),
    order_no TEXT NOT NULL,
    cart_no TEXT NOT NULL,
    est_ship_date TEXT NOT NULL,
    upload_file TEXT NOT NULL,
    PRIMARY KEY (order_no, run_id)
);
CREATE INDEX IF NOT EXISTS dated_order ON dated(order_no);
"""
# MIGRATIONS[v] takes a ledger from version v to v + 1.
MIGRATIONS = {
    1: """
        ALTER TABLE runs ADD COLUMN command TEXT NOT NULL DEFAULT 'run';
        CREATE TABLE dated (
            run_id TEXT NOT NULL REFERENCES runs(run_id),
            order_no TEXT NOT NULL,
            cart_no TEXT NOT NULL,
            est_ship_date TEXT NOT NULL,
            upload_file TEXT NOT NULL,
            PRIMARY KEY (order_no, run_id)
        );
        CREATE INDEX dated_order ON dated(order_no);
    """,
    2: """
        ALTER TABLE runs ADD COLUMN seq INTEGER;
        ALTER TABLE runs ADD COLUMN files_dir TEXT;
        ALTER TABLE runs ADD COLUMN exported_at TEXT;
        UPDATE runs SET seq = rowid;
        ALTER TABLE dispatched ADD COLUMN ship_date TEXT;
        ALTER TABLE dispatched ADD COLUMN confirmed_at TEXT;
        ALTER TABLE dispatched ADD COLUMN confirmed_by TEXT;
        ALTER TABLE dispatched ADD COLUMN not_confirmed_at TEXT;
        ALTER TABLE dispatched ADD COLUMN not_confirmed_by TEXT;
    """,
}


class LedgerError(DispatchError):
    """The ledger cannot be used: corrupt, foreign, newer, busy, or its disk refuses."""


def default_path(out: Path) -> Path:
    return Path(out).resolve().parent / DEFAULT_NAME


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def utc_now() -> str:
    # To the microsecond: an export saved in the same second as a run's files must still
    # compare as older or newer than them.
    return dt.datetime.now(dt.timezone.utc).isoformat()


class Ledger:
    """An open ledger. Use as a context manager; ``begin`` takes the write lock."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        with self._errors("opened"):
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                folder, problem = self.path.parent, exc.strerror
                raise LedgerError(
                    Phrase("error.ledger.folder", folder=folder, problem=problem)
                ) from None
            self.db = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None)
            # Only an empty database becomes a ledger; anything else must already be one.
            if self.db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0:
                self._create()
            self._check()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        """SQLite's errors as one message naming the file and the fix (exit 2, never 1)."""
        try:
            yield
        except LedgerError:
            raise
        except sqlite3.DatabaseError as exc:
            text = str(exc)
            if isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text):
                raise LedgerError(Phrase("error.ledger.busy", path=self.path)) from None
            machine = ("disk I/O", "readonly", "read-only", "unable to open", "full")
            if isinstance(exc, sqlite3.OperationalError) and any(m in text for m in machine):
                doing = Phrase(f"error.ledger.doing.{doing}")
                raise LedgerError(
                    Phrase("error.ledger.machine", path=self.path, doing=doing, problem=text)
                ) from None
            raise LedgerError(
                Phrase("error.ledger.damaged", path=self.path, problem=text)
            ) from None

    def close(self) -> None:
        db = getattr(self, "db", None)
        if db is None:
            return
        try:
            if db.in_transaction:
                db.execute("ROLLBACK")
        except sqlite3.Error:
            pass  # the rollback happens anyway when the connection closes
        db.close()

    def _create(self) -> None:
        self.db.executescript(
            "BEGIN IMMEDIATE;" + _SCHEMA + f"INSERT OR IGNORE INTO meta VALUES ('app', '{APP}'), "
            f"('schema_version', '{SCHEMA_VERSION}');"
            "COMMIT;"
        )

    def _check(self) -> None:
        try:
            meta = dict(self.db.execute("SELECT key, value FROM meta"))
        except sqlite3.OperationalError:
            meta = {}
        if meta.get("app") != APP:
            raise LedgerError(Phrase("error.ledger.foreign", path=self.path))
        try:
            version = int(meta.get("schema_version", 0))
        except ValueError:
            version = repr(meta["schema_version"])
            raise LedgerError(
                Phrase("error.ledger.bad_version", path=self.path, version=version)
            ) from None
        if version > SCHEMA_VERSION:
            raise LedgerError(Phrase("error.ledger.newer", path=self.path, version=version))
        if version < 1:
            raise LedgerError(Phrase("error.ledger.bad_version", path=self.path, version=version))
        if version < SCHEMA_VERSION:
            self._migrate(version)

    def _migrate(self, version: int) -> None:
        """Bring an older ledger up to date, one version at a time, all or nothing."""
        script = "".join(MIGRATIONS[v] + ";" for v in range(version, SCHEMA_VERSION))
        try:
            self.db.executescript(
                "BEGIN IMMEDIATE;"
                + script
                + f"UPDATE meta SET value = '{SCHEMA_VERSION}' WHERE key = 'schema_version';"
                "COMMIT;"
            )
        except sqlite3.OperationalError:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            # Another process may have migrated it while this one waited for the lock.
            current = self.db.execute("SELECT value FROM meta WHERE key = 'schema_version'")
            if int(current.fetchone()[0]) != SCHEMA_VERSION:
                raise

    # --- a run ---------------------------------------------------------------------------

    def begin(self) -> None:
        """Take the write lock for a whole run; a second run waits, then stops clearly."""
        with self._errors("locked"):
            self.db.execute("BEGIN IMMEDIATE")

    def _newest(self, table: str, columns: str, order_nos: Iterable[str]) -> pd.DataFrame:
        """order_no -> ``columns`` and run facts of the newest record in ``table`` of a run
        not undone."""
        query = f"""
            SELECT t.order_no, {columns}, t.run_id, r.started_at AS written_at,
                   coalesce(r.files_dir, r.out_dir) AS files_dir
            FROM {table} t
            JOIN runs r ON r.run_id = t.run_id AND r.undone_at IS NULL
            ORDER BY r.seq
        """
        import pandas as pd

        with self._errors("read"):
            rows = pd.read_sql_query(query, self.db, dtype=object)
        rows = rows[rows["order_no"].isin(set(order_nos))]
        return rows.drop_duplicates("order_no", keep="last").set_index("order_no")

    def recorded(self, order_nos: Iterable[str]) -> pd.DataFrame:
        """order_no -> the newest upload row an earlier run wrote for it, with its life:
        tracking_no, carrier, cart_no, upload_file, ship_date, confirmed_at,
        not_confirmed_at, run_id, written_at (UTC ISO), files_dir."""
        return self._newest(
            "dispatched",
            "t.tracking_no, t.carrier, t.cart_no, t.upload_file, t.ship_date, t.confirmed_at, "
            "t.not_confirmed_at",
            order_nos,
        )

    def dated(self, order_nos: Iterable[str]) -> pd.DataFrame:
        """order_no -> est_ship_date, run_id of the orders an earlier plan dated."""
        return self._newest("dated", "t.est_ship_date", order_nos)

    def _add_run(self, run_id, today, inputs, out_dir, rows: int, command: str,
                 exported_at: str | None = None) -> None:  # fmt: skip
        meta = [{"path": str(p), "sha256": file_sha256(p)} for p in inputs]
        self.db.execute(
            "INSERT INTO runs (run_id, started_at, today, inputs, out_dir, rows, command, seq, "
            "exported_at) VALUES (?, ?, ?, ?, ?, ?, ?, "
            "(SELECT coalesce(max(seq), 0) + 1 FROM runs), ?)",
            (
                run_id,
                utc_now(),
                today.isoformat(),
                json.dumps(meta, ensure_ascii=False),
                str(out_dir),
                rows,
                command,
                exported_at,
            ),
        )

    def record(
        self,
        run_id: str,
        today: dt.date,
        inputs: list[Path],
        out_dir: Path,
        uploaded: pd.DataFrame,
        exported_at: str | None = None,
    ) -> None:
        """Record a run's upload rows (columns order_no, cart_no, carrier, tracking_no, file,
        and ship_date as YYYY-MM-DD when known)."""
        ship = uploaded["ship_date"] if "ship_date" in uploaded else [None] * len(uploaded)
        with self._errors("written"):
            self._add_run(run_id, today, inputs, out_dir, len(uploaded), "run", exported_at)
            self.db.executemany(
                "INSERT INTO dispatched (run_id, order_no, cart_no, carrier, tracking_no, "
                "upload_file, ship_date) VALUES (?, ?, ?, ?, ?, ?, ?)",
                zip(
                    [run_id] * len(uploaded),
                    uploaded["order_no"],
                    uploaded["cart_no"],
                    uploaded["carrier"],
                    uploaded["tracking_no"],
                    uploaded["file"],
                    ship,
                    strict=True,
                ),
            )

    def record_dates(
        self, run_id: str, today: dt.date, inputs: list[Path], out_dir: Path, dated: pd.DataFrame
    ) -> None:
        """Record a plan's dated orders (columns order_no, cart_no, est_ship_date, file)."""
        with self._errors("written"):
            self._add_run(run_id, today, inputs, out_dir, len(dated), "plan")
            self.db.executemany(
                "INSERT INTO dated VALUES (?, ?, ?, ?, ?)",
                zip(
                    [run_id] * len(dated),
                    dated["order_no"],
                    dated["cart_no"],
                    dated["est_ship_date"],
                    dated["file"],
                    strict=True,
                ),
            )

    def _mark(self, rows: pd.DataFrame, columns: tuple[str, str], by: str) -> None:
        at, who = columns
        keys = zip(rows["order_no"], rows["run_id"], strict=True)
        with self._errors("written"):
            self.db.executemany(
                f"UPDATE dispatched SET {at} = ?, {who} = ? "
                f"WHERE order_no = ? AND run_id = ? AND {at} IS NULL",
                ((utc_now(), by, order_no, run_id) for order_no, run_id in keys),
            )

    def confirm(self, rows: pd.DataFrame, by: str) -> None:
        """Mark upload rows (columns order_no, run_id) as confirmed ``by`` (what showed it)."""
        self._mark(rows, ("confirmed_at", "confirmed_by"), by)

    def not_confirmed(self, rows: pd.DataFrame, by_run: str) -> None:
        """Mark upload rows (order_no, run_id) as not confirmed, found so by run ``by_run``."""
        self._mark(rows, ("not_confirmed_at", "not_confirmed_by"), by_run)

    def moved(self, run_id: str, files_dir: Path) -> None:
        """The files of ``run_id`` now live in ``files_dir`` (moved aside by --replace)."""
        with self._errors("written"):
            self.db.execute("UPDATE runs SET files_dir = ? WHERE run_id = ?",
                            (str(files_dir), run_id))  # fmt: skip

    def commit(self) -> None:
        with self._errors("written"):
            self.db.execute("COMMIT")

    def rollback(self) -> None:
        with self._errors("written"):
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")

    # --- the ledger commands -------------------------------------------------------------

    def runs(self) -> pd.DataFrame:
        """Every run, newest first, with what became of its rows: written, confirmed,
        not_confirmed (offered again by a later run) and pending (neither yet)."""
        query = """
            SELECT r.seq, r.run_id, r.command, r.started_at, r.today, r.rows, r.out_dir,
                   r.files_dir, r.undone_at,
                   (SELECT count(*) FROM dispatched d WHERE d.run_id = r.run_id
                      AND d.confirmed_at IS NOT NULL) AS confirmed,
                   (SELECT count(*) FROM dispatched d WHERE d.run_id = r.run_id
                      AND d.confirmed_at IS NULL AND d.not_confirmed_at IS NOT NULL)
                      AS not_confirmed
            FROM runs r ORDER BY r.seq DESC
        """
        import pandas as pd

        with self._errors("read"):
            runs = pd.read_sql_query(query, self.db, dtype=object)
        runs = runs.astype(object).where(runs.notna(), None)  # absent stays None, not NaN
        for col in ("seq", "rows", "confirmed", "not_confirmed"):
            runs[col] = runs[col].astype("int64")
        is_run = runs["command"].eq("run")
        pending = runs["rows"] - runs["confirmed"] - runs["not_confirmed"]
        return runs.assign(pending=pending.where(is_run, 0))

    def run_state(self, run_id: str) -> dict | None:
        """What the ledger says of one run (None: it never recorded it)."""
        runs = self.runs()
        row = runs[runs["run_id"].eq(run_id)]
        return None if row.empty else row.iloc[0].to_dict()

    def undo(self, run_id: str) -> int:
        """Forget a run (its QSM upload failed): its orders are uploaded again next time."""
        self.begin()
        with self._errors("written"):
            row = self.db.execute(
                "SELECT rows, undone_at FROM runs WHERE run_id = ?", (run_id,)
            ).fetchone()
            if row is None:
                self.db.execute("ROLLBACK")
                raise LedgerError(Phrase("error.ledger.no_run", path=self.path, run=repr(run_id)))
            if row[1] is not None:
                self.db.execute("ROLLBACK")
                undone = Phrase("error.ledger.undone", path=self.path, run=repr(run_id), on=row[1])
                raise LedgerError(undone)
            self.db.execute("UPDATE runs SET undone_at = ? WHERE run_id = ?", (utc_now(), run_id))
            self.db.execute("COMMIT")
        return int(row[0])


def has_run(path: str | Path | None, run_id: str) -> bool | None:
    """Did the ledger at ``path`` record ``run_id``? None: no ledger there to ask (moved,
    renamed, on a disk not plugged in), so it cannot be told."""
    if not path or not Path(path).is_file():
        return None
    with Ledger(Path(path)) as book, book._errors("read"):
        found = book.db.execute("SELECT 1 FROM runs WHERE run_id = ?", (run_id,)).fetchone()
    return found is not None


def record_move(path: str | Path, run_id: str, files_dir: Path) -> None:
    """Note, for a command that records nothing itself (labels), that --replace moved the
    files of ``run_id`` into ``files_dir``: later messages must name where they are."""
    if not Path(path).is_file():
        return
    with Ledger(Path(path)) as book:
        if book.run_state(run_id) is None:
            return
        book.begin()
        book.moved(run_id, files_dir)
        book.commit()
