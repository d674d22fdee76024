"""The orders export's date columns are read once: the real-date check and the loader share
that reading, and the loaded dates are what reading the valid rows alone would give."""

from __future__ import annotations

import csv
import gc
import io

import pandas as pd

from batch import inputs, normalize
from schemas import checks

HEADER = ["配送状態", "注文番号", "カート番号", "配送会社", "送り状番号", "発送日", "注文日",
          "入金日", "発送予定日", "受取人名", "受取人電話番号", "住所", "郵便番号",
          "注文金額の合計"]  # fmt: skip


def row(order_no: str, ordered: str, paid: str, est: str = "") -> list[str]:
    return ["配送要請", order_no, "78400001", "ヤマト宅急便", "", "", ordered, paid, est,
            "山田 太郎", "090-1111-2222", "東京都渋谷区神南1-1-1", "'150-0041",
            "1,980"]  # fmt: skip


def write(tmp_path, rows: list[list[str]]):
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows([HEADER, *rows])
    path = tmp_path / "orders.csv"
    path.write_bytes(buf.getvalue().encode("cp932"))
    return path


def test_each_date_column_is_read_once(tmp_path, monkeypatch):
    rows = [row("104700001", "2026/11/24 09:58:12", "2026/02/30 10:00:00"),
            row("104700002", "2026/11/24 09:58:13", "2026/11/24 10:00:00")]  # fmt: skip
    path = write(tmp_path, rows)
    read = []
    dates = normalize.dates
    monkeypatch.setattr(normalize, "dates", lambda s: read.append(len(s)) or dates(s))
    loaded = inputs.load_orders(path)
    assert read == [2, 2, 2]  # 注文日, 入金日, 発送予定日: every row, once
    assert loaded.invalid_rows == 1 and "2026/02/30" in loaded.invalid["message"].iloc[0]
    assert loaded.frame["paid_at"].tolist() == [pd.Timestamp("2026-11-24 10:00:00")]


def test_loaded_dates_are_the_valid_rows_own_reading(tmp_path):
    # Only the invalid row (its order number is no number) has an 入金日 or a 発送予定日.
    rows = [row("x104700001", "2026/11/24 09:58:12", "2026/11/24 10:00:00", "2026/11/25"),
            row("104700002", "2026/11/24 09:58:13", ""),
            row("104700003", "45000.5", "")]  # fmt: skip
    loaded = inputs.load_orders(write(tmp_path, rows))
    assert loaded.invalid_rows == 1
    for column, at in (("order_date", 6), ("paid_at", 7), ("est_ship_date", 8)):
        own = normalize.dates(pd.Series([r[at] for r in rows[1:]], dtype=str))
        name = {"order_date": "ordered_at"}.get(column, column)
        got = loaded.frame[name].reset_index(drop=True)
        pd.testing.assert_series_equal(got, own, check_names=False)  # dtype too: [s] when blank


def test_a_reading_is_dropped_with_its_cells():
    text = pd.Series(["2026/11/24", ""], dtype=str)
    before = len(checks._read)
    assert checks.read_dates(text).notna().tolist() == [True, False]
    assert len(checks._read) == before + 1
    del text
    gc.collect()
    assert len(checks._read) == before
