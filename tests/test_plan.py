"""`plan`: proposed ship dates across weekends, holidays and the cutoff; carts; the ledger;
the QSM file round-trips the export byte for byte apart from 発送予定日."""

import csv
import datetime as dt
import io
import json

import openpyxl
import pytest
from cli_outcome import invoke

from batch.plan import PlanOptions, plan

HEADER = [
    "配送状態", "注文番号", "カート番号", "配送会社", "送り状番号", "発送日", "入金日",
    "発送予定日", "受取人名", "受取人電話番号", "住所", "郵便番号", "注文金額の合計",
    "配送要請事項",
]  # fmt: skip
TODAY = dt.date(2026, 11, 26)  # Thursday; Mon 11/23 was 勤労感謝の日


def row(order, cart, paid, status="配送要請", est="", tracking="", note=""):
    return [status, order, cart, "ヤマト宅急便", tracking, "", paid, est, "山田 太郎",
            "03-1234-5678", "東京都", "'150-0001", "1,980", note]  # fmt: skip


def export(tmp_path, rows, encoding="cp932", name="orders.csv", quoting=csv.QUOTE_MINIMAL):
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n", quoting=quoting).writerows([HEADER, *rows])
    path = tmp_path / name
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def dates_of(result):
    return {
        r.order_no: r.est_ship_date.date().isoformat() for r in result.dated.itertuples(index=False)
    }


def run_plan(tmp_path, rows, **options):
    options.setdefault("ledger", None)
    return plan(export(tmp_path, rows), tmp_path / "out", PlanOptions(today=TODAY, **options))


def test_dates_across_a_weekend_a_holiday_and_today(tmp_path):
    result = run_plan(
        tmp_path,
        [
            row("104700001", "78400001", "2026/11/25 09:00:00"),  # Wed + 2 = Fri 11/27
            row("104700002", "78400002", "2026/11/26 10:00:00"),  # Thu + 2 = Mon 11/30
            row("104700003", "78400003", "2026/11/24 10:00:00"),  # Tue + 2 = today: too early
            row("104700004", "78400004", "2026/11/20 10:00:00"),  # Fri: 3 business days, urgent
            row("104700005", "78400005", "2026/11/21 10:00:00"),  # Sat: 11/24 is +1, 11/25 +2
        ],
    )
    assert dates_of(result) == {
        "104700001": "2026-11-27",
        "104700002": "2026-11-30",
        "104700003": "2026-11-27",
        "104700004": "2026-11-27",
        "104700005": "2026-11-27",
    }
    first = result.dated.iloc[0]
    assert first["order_no"] == "104700004"  # past the penalty line: listed first
    assert first["why"] == "urgent"
    assert result.summary["dates"] == {"2026-11-27": 4, "2026-11-30": 1}


def test_cutoff_moves_late_payments_to_the_next_business_day(tmp_path):
    rows = [row("104700001", "78400001", "2026/11/26 16:30:00")]
    assert dates_of(run_plan(tmp_path, rows)) == {"104700001": "2026-11-30"}
    late = run_plan(tmp_path, rows, cutoff=dt.time(15, 0), replace=True)
    assert dates_of(late) == {"104700001": "2026-12-01"}  # from Fri 11/27: Mon +1, Tue +2
    assert late.dated.iloc[0]["why"] == "cutoff"


def test_golden_week(tmp_path):
    rows = [row("104700001", "78400001", "2026/04/30 10:00:00")]
    options = PlanOptions(today=dt.date(2026, 4, 30), ledger=None)
    result = plan(export(tmp_path, rows), tmp_path / "out", options)
    assert dates_of(result) == {"104700001": "2026-05-07"}  # Fri 5/1 +1, Thu 5/7 +2


def test_a_cart_gets_one_date(tmp_path):
    result = run_plan(
        tmp_path,
        [
            row("104700001", "78400001", "2026/11/25 09:00:00"),
            row("104700002", "78400001", "2026/11/26 10:00:00"),
        ],
    )
    assert dates_of(result) == {"104700001": "2026-11-30", "104700002": "2026-11-30"}


def test_the_latest_date_is_capped(tmp_path):
    result = run_plan(tmp_path, [row("104700001", "78400001", "2026/11/26 10:00:00")],
                      lead_days=20, max_ahead_days=10)  # fmt: skip
    assert dates_of(result) == {"104700001": "2026-12-06"}


def test_dated_shipped_and_unpaid_orders_are_left_alone(tmp_path):
    result = run_plan(
        tmp_path,
        [
            row("104700001", "78400001", "2026/11/25 09:00:00", est="2026/11/28"),
            row("104700002", "78400002", "2026/11/25 09:00:00", tracking="389711074012"),
            row("104700003", "78400003", "", status="入金待ち"),
            row("104700004", "78400004", "", status="キャンセル"),
            row("X", "78400005", "2026/11/25 09:00:00"),
            row("104700006", "78400006", "2026/11/25 09:00:00"),
        ],
    )
    orders = result.summary["orders"]
    assert orders == {"total": 6, "dated": 1, "already_dated": 1, "already_dispatched": 1,
                      "not_eligible": 2, "invalid": 1}  # fmt: skip
    assert result.summary["reconciled"] is True
    assert list(result.dated["order_no"]) == ["104700006"]


def test_an_unknown_status_is_not_dated_and_is_listed(tmp_path):
    # 未入金 is no status QSM is known to show: dating it could promise a date for an order
    # that may not be paid. It is left alone and named in the summary.
    result = run_plan(
        tmp_path,
        [
            row("104700001", "78400001", "2026/11/25 09:00:00", status="未入金"),
            row("104700002", "78400002", "2026/11/25 09:00:00", status="取引完了"),
            row("104700003", "78400002", "2026/11/25 09:00:00", status="取引完了"),
            row("104700004", "78400004", "2026/11/25 09:00:00"),
        ],
    )
    assert list(result.dated["order_no"]) == ["104700004"]
    assert result.summary["orders"]["not_eligible"] == 3
    assert result.summary["warnings"] == [
        {"kind": "unknown_status", "status": "未入金", "orders": ["104700001"],
         "message": "配送状態 '未入金' is not a status the tool knows: not dated"},
        {"kind": "unknown_status", "status": "取引完了", "orders": ["104700002", "104700003"],
         "message": "配送状態 '取引完了' is not a status the tool knows: not dated"},
    ]  # fmt: skip
    left = dict(zip(result.left["order_no"], result.left["bucket"], strict=True))
    assert left == {"104700001": "not_eligible", "104700002": "not_eligible",
                    "104700003": "not_eligible"}  # fmt: skip
    # plan.xlsx says why: not "awaiting payment or cancelled", which would be a guess.
    book = openpyxl.load_workbook(tmp_path / "out" / "plan.xlsx", read_only=True)
    rows = list(book["対象外"].iter_rows(values_only=True))
    assert rows[0] == ("注文番号", "カート番号", "配送状態", "結果")
    assert rows[1] == ("104700001", "78400001", "未入金", "配送状態が不明のため対象外")


@pytest.mark.parametrize(
    "encoding, quoting", [("cp932", csv.QUOTE_MINIMAL), ("utf-8-sig", csv.QUOTE_ALL)]
)
def test_file_round_trips_the_export_apart_from_the_filled_cells(tmp_path, encoding, quoting):
    rows = [
        row("104700001", "78400001", "2026/11/25 09:00:00", note="髙橋様宛, 置き配\r\n玄関前"),
        row("104700002", "78400002", "2026/11/25 09:00:00", est="2026/11/28"),
        row("104700003", "78400003", "2026/11/26 10:00:00"),
    ]
    path = export(tmp_path, rows, encoding, quoting=quoting)
    plan(path, tmp_path / "out", PlanOptions(today=TODAY, ledger=None))
    data = (tmp_path / "out" / "qsm-shipdate-001.csv").read_bytes()
    source = path.read_bytes()
    header_end = source.index(b"\r\n") + 2
    assert data[:header_end] == source[:header_end]  # header and BOM byte for byte
    got = list(csv.reader(io.StringIO(data.decode(encoding))))
    proposed = {"104700001": "2026/11/27", "104700003": "2026/11/30"}
    expected = [HEADER] + [[*r[:7], proposed[r[1]], *r[8:]] for r in rows if r[1] in proposed]
    assert got == expected
    assert data.count(b"\r\n") == source.count(b"\r\n") - 1  # one row fewer, same endings


def test_the_ledger_remembers_dated_orders(tmp_path):
    path = export(tmp_path, [row("104700001", "78400001", "2026/11/25 09:00:00")])
    ledger = tmp_path / "ledger.sqlite3"
    args = ["plan", "--orders", str(path), "--today", "2026-11-26", "--ledger", str(ledger),
            "--lang", "en"]  # fmt: skip

    def plan(out):
        code, printed, err = invoke([*args, "--out", str(tmp_path / out)])
        assert code == 0, err
        return json.loads((tmp_path / out / "summary.json").read_text("utf-8")), printed

    first, printed = plan("a")
    assert first["orders"]["dated"] == 1
    assert "2026-11-27 (Fri): 1 order" in printed and "cannot be changed" in printed
    second, _ = plan("b")
    assert second["orders"]["dated"] == 0 and second["orders"]["already_dated"] == 1
    assert second["shipdate_files"] == []


def test_a_ship_date_file_never_uploaded_is_proposed_again_by_a_newer_export(tmp_path):
    """The ledger's memory of a dated order holds only until an export downloaded after the
    ship-date file still shows no 発送予定日: then that file was not uploaded (or refused),
    and the order must not drop out of planning for good."""
    from batch.upload_life import TOKYO

    rows = [row("104700001", "78400001", "2026/11/25 09:00:00")]
    ledger = tmp_path / "ledger.sqlite3"
    older = export(tmp_path, rows, name="DeliveryManagement_detail_20261126_0700.csv")
    first = plan(older, tmp_path / "a", PlanOptions(today=TODAY, ledger=ledger))
    assert first.summary["orders"]["dated"] == 1
    # The same download again: the file may still be on its way to QSM.
    again = plan(older, tmp_path / "b", PlanOptions(today=TODAY, ledger=ledger))
    assert again.summary["orders"]["already_dated"] == 1
    # A download made after the file, still without the date: propose it again.
    later = dt.datetime.now(TOKYO) + dt.timedelta(minutes=5)
    newer = export(tmp_path, rows, name=f"DeliveryManagement_detail_{later:%Y%m%d_%H%M}.csv")
    third = plan(newer, tmp_path / "c", PlanOptions(today=TODAY, ledger=ledger))
    assert third.summary["orders"]["dated"] == 1
    assert third.summary["shipdate_files"][0]["rows"] == 1
    assert third.summary["proposed_again"] == 1 and again.summary["proposed_again"] == 0
