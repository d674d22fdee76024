"""The ledger: an SQLite file remembering every row put in an upload file.

A later run skips orders recorded with the same tracking number and holds those recorded
with another, so running the same inputs twice uploads nothing the second time. A run
holds a write transaction from the moment it reads the ledger until its outputs are in
place, so two runs on one ledger cannot both upload the same order.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from batch.errors import DispatchError

APP = "qoo10-dispatch"
SCHEMA_VERSION = 2
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
    command TEXT NOT NULL DEFAULT 'run'
);
CREATE TABLE IF NOT EXISTS dispatched (
    run_id TEXT NOT NULL REFERENCES runs(run_id),
    order_no TEXT NOT NULL,
    cart_no TEXT NOT NULL,
    carrier TEXT NOT NULL,
    tracking_no TEXT NOT NULL,
    upload_file TEXT NOT NULL,
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
}


class LedgerError(DispatchError):
    """The ledger cannot be used: corrupt, foreign, newer, or busy."""


def default_path(out: Path) -> Path:
    return Path(out).resolve().parent / DEFAULT_NAME


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class Ledger:
    """An open ledger. Use as a context manager; ``begin`` takes the write lock."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None)
            # Only an empty database becomes a ledger; anything else must already be one.
            if self.db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0:
                self._create()
            self._check()
        except sqlite3.DatabaseError as exc:
            raise LedgerError(
                f"{self.path}: not a qoo10-dispatch ledger or damaged ({exc}). It was left "
                "untouched; move it away or pass another --ledger."
            ) from None

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")
        self.db.close()

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
            raise LedgerError(
                f"{self.path}: this SQLite file is not a qoo10-dispatch ledger. It was left "
                "untouched; pass another --ledger path."
            )
        version = int(meta.get("schema_version", 0))
        if version > SCHEMA_VERSION:
            raise LedgerError(
                f"{self.path}: made by a newer qoo10-dispatch (ledger version {version}); "
                "upgrade qoo10-dispatch to use it."
            )
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
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise LedgerError(
                    f"{self.path}: another qoo10-dispatch run is using this ledger. Wait for it "
                    "to finish and run again."
                ) from None
            raise

    def _newest(self, table: str, value: str, order_nos: Iterable[str]) -> pd.DataFrame:
        """order_no -> value, run_id of the newest record in ``table`` of a run not undone."""
        query = f"""
            SELECT t.order_no, t.{value}, t.run_id FROM {table} t
            JOIN runs r ON r.run_id = t.run_id AND r.undone_at IS NULL
            ORDER BY r.started_at
        """
        rows = pd.read_sql_query(query, self.db, dtype=str)
        rows = rows[rows["order_no"].isin(set(order_nos))]
        return rows.drop_duplicates("order_no", keep="last").set_index("order_no")

    def recorded(self, order_nos: Iterable[str]) -> pd.DataFrame:
        """order_no -> tracking_no, run_id of the orders an earlier run uploaded."""
        return self._newest("dispatched", "tracking_no", order_nos)

    def dated(self, order_nos: Iterable[str]) -> pd.DataFrame:
        """order_no -> est_ship_date, run_id of the orders an earlier plan dated."""
        return self._newest("dated", "est_ship_date", order_nos)

    def _add_run(self, run_id, today, inputs, out_dir, rows: int, command: str) -> None:
        meta = [{"path": str(p), "sha256": file_sha256(p)} for p in inputs]
        self.db.execute(
            "INSERT INTO runs (run_id, started_at, today, inputs, out_dir, rows, command) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                run_id,
                dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                today.isoformat(),
                json.dumps(meta, ensure_ascii=False),
                str(out_dir),
                rows,
                command,
            ),
        )

    def record(
        self, run_id: str, today: dt.date, inputs: list[Path], out_dir: Path, uploaded: pd.DataFrame
    ) -> None:
        """Record a run's upload rows (columns order_no, cart_no, carrier, tracking_no, file)."""
        self._add_run(run_id, today, inputs, out_dir, len(uploaded), "run")
        self.db.executemany(
            "INSERT INTO dispatched VALUES (?, ?, ?, ?, ?, ?)",
            zip(
                [run_id] * len(uploaded),
                uploaded["order_no"],
                uploaded["cart_no"],
                uploaded["carrier"],
                uploaded["tracking_no"],
                uploaded["file"],
                strict=True,
            ),
        )

    def record_dates(
        self, run_id: str, today: dt.date, inputs: list[Path], out_dir: Path, dated: pd.DataFrame
    ) -> None:
        """Record a plan's dated orders (columns order_no, cart_no, est_ship_date, file)."""
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

    def commit(self) -> None:
        self.db.execute("COMMIT")

    # --- the ledger commands -------------------------------------------------------------

    def runs(self) -> pd.DataFrame:
        return pd.read_sql_query(
            "SELECT run_id, command, started_at, today, rows, out_dir, undone_at FROM runs "
            "ORDER BY started_at, run_id",
            self.db,
        )

    def undo(self, run_id: str) -> int:
        """Forget a run (its QSM upload failed): its orders are uploaded again next time."""
        self.begin()
        row = self.db.execute(
            "SELECT rows, undone_at FROM runs WHERE run_id = ?", (run_id,)
        ).fetchone()
        if row is None:
            self.db.execute("ROLLBACK")
            raise LedgerError(f"{self.path}: no run {run_id!r}; see `qoo10-dispatch ledger list`.")
        if row[1] is not None:
            self.db.execute("ROLLBACK")
            raise LedgerError(f"{self.path}: run {run_id!r} was already undone on {row[1]}.")
        self.db.execute(
            "UPDATE runs SET undone_at = ? WHERE run_id = ?",
            (dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), run_id),
        )
        self.db.execute("COMMIT")
        return int(row[0])
