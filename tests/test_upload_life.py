"""An upload row's life in the ledger: written, then confirmed by a later export, pending
while the export predates the file, or not confirmed and offered again (items 6 and 9)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
from cli_outcome import SAMPLES, invoke

from batch import upload_life
from batch.ledger import Ledger

TOKYO = ZoneInfo("Asia/Tokyo")


def qsm_name(minutes_from_now: int) -> str:
    """The name QSM gives a download made ``minutes_from_now`` (Japan time)."""
    when = dt.datetime.now(TOKYO) + dt.timedelta(minutes=minutes_from_now)
    return f"DeliveryManagement_detail_{when:%Y%m%d_%H%M}.csv"


def export(folder: Path, name: str, numbers: dict[str, str] | None = None) -> Path:
    """The sample export under QSM's name, with 送り状番号 filled for ``numbers``
    (order -> tracking number), as QSM shows orders whose dispatch it took."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if not numbers:
        shutil.copy(SAMPLES / "qsm-detail-ja.csv", path)
        return path
    text = (SAMPLES / "qsm-detail-ja.csv").read_bytes().decode("cp932")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    col_order, col_tracking = rows[0].index("注文番号"), rows[0].index("送り状番号")
    col_status = rows[0].index("配送状態")
    for row in rows[1:]:
        if row and row[col_order] in numbers:
            row[col_tracking] = numbers[row[col_order]]
            row[col_status] = "配送中"
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode("cp932"))
    return path


def run(orders: Path, out: Path, book: Path, *extra) -> dict:
    args = ["run", "--orders", str(orders), "--dispatch", str(SAMPLES / "yamato-b2.csv"),
            "--out", str(out), "--ledger", str(book), "--today", "2026-11-26", "--quiet",
            *extra]  # fmt: skip
    code, _, err = invoke(args)
    assert code == 0, err
    return json.loads((out / "summary.json").read_text("utf-8"))


def uploaded_orders(out: Path, summary: dict) -> dict[str, str]:
    """order -> tracking number in the run's upload files."""
    got = {}
    for f in summary["upload_files"]:
        text = (out / f["path"]).read_bytes().decode("cp932")
        rows = list(csv.reader(io.StringIO(text, newline="")))
        o, t = rows[0].index("注文番号"), rows[0].index("送り状番号")
        got.update({r[o]: r[t] for r in rows[1:] if r})
    return got


def test_the_export_download_time_comes_from_qsms_file_name(tmp_path):
    path = tmp_path / "DeliveryManagement_detail_20261126_0930 (1).csv"
    path.write_text("x")
    when, source = upload_life.exported_at(path)
    assert when == dt.datetime(2026, 11, 26, 9, 30, tzinfo=TOKYO)
    assert source == "file name"
    other = tmp_path / "orders.csv"
    other.write_text("x")
    os.utime(other, (1_700_000_000, 1_700_000_000))
    when, source = upload_life.exported_at(other)
    assert when.timestamp() == 1_700_000_000 and source == "file modified time"
    bad = tmp_path / "DeliveryManagement_detail_20261340_2561.csv"  # not a real time
    bad.write_text("x")
    assert upload_life.exported_at(bad)[1] == "file modified time"


def test_a_file_never_uploaded_is_offered_again_by_a_newer_export(tmp_path):
    book = tmp_path / "ledger.sqlite3"
    day1 = run(export(tmp_path / "in1", qsm_name(-60)), tmp_path / "day1", book)
    written = uploaded_orders(tmp_path / "day1", day1)
    assert len(written) == 11
    assert day1["inputs"]["orders"]["downloaded_at_from"] == "file name"

    # The seller never uploaded day1's file: tomorrow's export still shows them waiting.
    day2 = run(export(tmp_path / "in2", qsm_name(+5)), tmp_path / "day2", book)
    assert uploaded_orders(tmp_path / "day2", day2) == written
    assert day2["exceptions"]["UPLOAD_NOT_CONFIRMED"] == 11
    assert (
        "ALREADY_DISPATCHED" not in day2["exceptions"]
        or day2["exceptions"]["ALREADY_DISPATCHED"] == day1["exceptions"]["ALREADY_DISPATCHED"]
    )  # only the order QSM already had
    assert day2["reconciled"] and day2["ledger"]["not_confirmed"] == 11
    rows = [json.loads(x) for x in (tmp_path / "day2/exceptions.jsonl").open(encoding="utf-8")]
    again = [r for r in rows if r["code"] == "UPLOAD_NOT_CONFIRMED"]
    assert all(day1["run_id"] in r["message"] and "qsm-upload-001.csv" in r["message"]
               for r in again)  # fmt: skip


def test_an_export_older_than_the_file_leaves_the_orders_pending(tmp_path):
    book = tmp_path / "ledger.sqlite3"
    orders = export(tmp_path / "in", qsm_name(-60))
    day1 = run(orders, tmp_path / "day1", book)
    again = run(orders, tmp_path / "again", book)
    assert again["orders"]["uploaded"] == 0 and again["upload_files"] == []
    assert again["orders"]["pending"] == day1["orders"]["uploaded"]
    assert again["exceptions"]["UPLOAD_PENDING"] == day1["orders"]["uploaded"]
    assert again["reconciled"]
    rows = [json.loads(x) for x in (tmp_path / "again/exceptions.jsonl").open(encoding="utf-8")]
    pending = [r for r in rows if r["code"] == "UPLOAD_PENDING"]
    assert all(str(tmp_path / "day1" / "qsm-upload-001.csv") in r["message"] for r in pending)


def test_an_export_showing_the_numbers_confirms_them(tmp_path):
    book = tmp_path / "ledger.sqlite3"
    day1 = run(export(tmp_path / "in1", qsm_name(-60)), tmp_path / "day1", book)
    written = uploaded_orders(tmp_path / "day1", day1)
    shown = dict(list(written.items())[:4])  # QSM took these four
    day2 = run(export(tmp_path / "in2", qsm_name(+5), shown), tmp_path / "day2", book)
    assert day2["ledger"]["confirmed"] == 4
    assert day2["ledger"]["not_confirmed"] == 7  # the other seven are offered again
    assert set(uploaded_orders(tmp_path / "day2", day2)) == set(written) - set(shown)
    code, out, _ = invoke(["ledger", "list", "--ledger", str(book)])
    header, newest, oldest = out.splitlines()
    cols = header.split()
    assert cols[6:10] == ["WRITTEN", "CONFIRMED", "PENDING", "OFFERED"]
    assert oldest.split()[7:11] == ["11", "4", "0", "7"]  # written, confirmed, pending, again
    assert newest.split()[7:11] == ["7", "0", "7", "0"]
    with Ledger(book) as b:
        assert set(b.recorded(list(shown))["confirmed_at"].notna()) == {True}


def test_a_dry_run_and_a_strict_stop_confirm_nothing(tmp_path):
    book = tmp_path / "ledger.sqlite3"
    day1 = run(export(tmp_path / "in1", qsm_name(-60)), tmp_path / "day1", book)
    later = export(tmp_path / "in2", qsm_name(+5), dict(list(uploaded_orders(
        tmp_path / "day1", day1).items())[:2]))  # fmt: skip
    run(later, tmp_path / "preview", book, "--dry-run")
    with Ledger(book) as b:
        runs = b.runs()
    assert runs["run_id"].tolist() == [day1["run_id"]]
    assert runs["confirmed"].tolist() == [0] and runs["not_confirmed"].tolist() == [0]


def test_ledger_list_after_an_undo_and_runs_in_the_same_second(tmp_path):
    book = tmp_path / "ledger.sqlite3"
    rows = pd.DataFrame({"order_no": ["1"], "cart_no": ["2"], "carrier": ["x"],
                         "tracking_no": ["3"], "file": ["qsm-upload-001.csv"]})  # fmt: skip
    with Ledger(book) as b:
        for run_id in ("20261126-093000-aaaaaa", "20261126-093000-000000"):  # one second
            b.begin()
            b.record(run_id, dt.date(2026, 11, 26), [], tmp_path, rows)
            b.commit()
        b.undo("20261126-093000-aaaaaa")
    code, out, _ = invoke(["ledger", "list", "--ledger", str(book)])
    assert code == 0 and "nan" not in out and "None" not in out
    header, newest, oldest = out.splitlines()
    assert newest.split()[1] == "20261126-093000-000000"  # recorded last: shown first
    assert oldest.split()[1] == "20261126-093000-aaaaaa" and "JST" in oldest
    assert header.index("UNDONE") < len(oldest) and "JST" in oldest[header.index("UNDONE") :]


def test_a_time_in_the_name_that_has_not_come_yet_is_not_believed(tmp_path):
    path = tmp_path / "DeliveryManagement_detail_20991231_2359.csv"
    path.write_text("x")
    os.utime(path, (1_700_000_000, 1_700_000_000))
    when, source = upload_life.exported_at(path)
    assert when.timestamp() == 1_700_000_000 and source.startswith("file modified time")
