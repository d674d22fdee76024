import datetime as dt
import sqlite3
import threading

import pandas as pd
import pytest

from batch.ledger import Ledger, LedgerError

TODAY = dt.date(2026, 11, 26)


def _rows(*pairs):
    return pd.DataFrame(
        {
            "order_no": [o for o, _ in pairs],
            "cart_no": ["900" + o for o, _ in pairs],
            "carrier": ["ヤマト宅急便"] * len(pairs),
            "tracking_no": [t for _, t in pairs],
            "file": ["qsm-upload-001.csv"] * len(pairs),
        }
    )


def _record(book, run_id, *pairs, inputs=()):
    book.begin()
    book.record(run_id, TODAY, list(inputs), "out", _rows(*pairs))
    book.commit()


def test_records_and_reads_back(tmp_path):
    inp = tmp_path / "orders.csv"
    inp.write_text("x")
    with Ledger(tmp_path / "l.sqlite3") as book:
        _record(book, "r1", ("1001", "389711074012"), ("1002", "444413758703"), inputs=[inp])
        got = book.recorded(["1001", "1003"])
    assert list(got.index) == ["1001"]
    row = got.loc["1001"]
    assert (row["tracking_no"], row["run_id"], row["upload_file"]) == (
        "389711074012",
        "r1",
        "qsm-upload-001.csv",
    )
    assert row["confirmed_at"] is None and row["not_confirmed_at"] is None


def test_undo_forgets_a_run(tmp_path):
    path = tmp_path / "l.sqlite3"
    with Ledger(path) as book:
        _record(book, "r1", ("1001", "389711074012"))
        assert book.undo("r1") == 1
        assert book.recorded(["1001"]).empty
        with pytest.raises(LedgerError, match="already undone"):
            book.undo("r1")
        with pytest.raises(LedgerError, match="no run"):
            book.undo("nope")
        assert book.runs()["undone_at"].notna().tolist() == [True]


def test_uncommitted_run_leaves_nothing(tmp_path):
    path = tmp_path / "l.sqlite3"
    book = Ledger(path)
    book.begin()
    book.record("r1", TODAY, [], "out", _rows(("1001", "389711074012")))
    book.close()  # killed before commit
    with Ledger(path) as again:
        assert again.recorded(["1001"]).empty
        assert again.runs().empty


def test_foreign_sqlite_file_is_refused_and_untouched(tmp_path):
    path = tmp_path / "other.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE t (x)")
    before = path.read_bytes()
    with pytest.raises(LedgerError, match="not a qoo10-dispatch ledger"):
        Ledger(path)
    assert path.read_bytes() == before


def test_corrupt_file_is_refused_and_untouched(tmp_path):
    path = tmp_path / "l.sqlite3"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(LedgerError, match="damaged"):
        Ledger(path)
    assert path.read_bytes() == b"this is not sqlite at all" * 100


def test_newer_ledger_is_refused(tmp_path):
    path = tmp_path / "l.sqlite3"
    Ledger(path).close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(LedgerError, match="newer"):
        Ledger(path)


def test_second_run_waits_for_the_first(tmp_path, monkeypatch):
    import batch.ledger as mod

    monkeypatch.setattr(mod, "BUSY_SECONDS", 0.2)
    path = tmp_path / "l.sqlite3"
    first = Ledger(path)
    first.begin()
    second = Ledger(path)
    with pytest.raises(LedgerError, match="another qoo10-dispatch run"):
        second.begin()
    first.close()
    second.begin()  # free again
    second.close()


def test_waiting_run_sees_what_the_first_recorded(tmp_path):
    path = tmp_path / "l.sqlite3"
    first = Ledger(path)
    first.begin()
    seen = {}

    def later():
        with Ledger(path) as second:
            second.begin()
            seen["rows"] = second.recorded(["1001"])

    t = threading.Thread(target=later)
    t.start()
    first.record("r1", TODAY, [], "out", _rows(("1001", "389711074012")))
    first.commit()
    first.close()
    t.join(10)
    assert seen["rows"]["tracking_no"].tolist() == ["389711074012"]


# The first released ledger layout, frozen here: a newer program must open it.
V1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE runs (run_id TEXT PRIMARY KEY, started_at TEXT NOT NULL, today TEXT NOT NULL,
    inputs TEXT NOT NULL, out_dir TEXT NOT NULL, rows INTEGER NOT NULL, undone_at TEXT);
CREATE TABLE dispatched (run_id TEXT NOT NULL REFERENCES runs(run_id), order_no TEXT NOT NULL,
    cart_no TEXT NOT NULL, carrier TEXT NOT NULL, tracking_no TEXT NOT NULL,
    upload_file TEXT NOT NULL, PRIMARY KEY (order_no, run_id));
CREATE INDEX dispatched_order ON dispatched(order_no);
INSERT INTO meta VALUES ('app', 'qoo10-dispatch'), ('schema_version', '1');
INSERT INTO runs VALUES ('r0', '2026-11-01T00:00:00+00:00', '2026-11-01', '[]', 'out', 1, NULL);
INSERT INTO dispatched VALUES ('r0', '1001', '9001', 'ネコポス', '389711074012', 'f.csv');
"""


def test_an_older_ledger_is_migrated_and_keeps_its_rows(tmp_path):
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript(V1)
    with Ledger(path) as book:
        assert book.recorded(["1001"])["tracking_no"].tolist() == ["389711074012"]
        assert book.runs()["command"].tolist() == ["run"]
        book.begin()
        book.record_dates(
            "p1",
            TODAY,
            [],
            "out",
            pd.DataFrame(
                {"order_no": ["1002"], "cart_no": ["9002"], "est_ship_date": ["2026-11-30"],
                 "file": ["qsm-shipdate-001.csv"]}
            ),
        )  # fmt: skip
        book.commit()
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == ("3",)
    with Ledger(path) as book:
        dated = book.dated(["1002", "1001"])
        assert dated[["est_ship_date", "run_id"]].to_dict("index") == {
            "1002": {"est_ship_date": "2026-11-30", "run_id": "p1"}
        }
        assert book.runs()["command"].tolist() == ["plan", "run"]  # newest first
