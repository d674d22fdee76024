"""What a run does with what it cannot fully trust: it holds the order with a code that says
why, never uploads it on a guess and never fills in a default.

Each test writes a small QSM detail export (CP932, as the Japanese screen gives it) and a
courier sheet (UTF-8 with BOM, as Excel's 「CSV UTF-8」 saves it), runs the pipeline and looks
at the buckets, the exceptions and the upload rows. Today is Thu 2026-11-26.

The second half tests each rule of batch/rules on its own, on a table of a few rows built by
hand, so that a rule that breaks fails its own test, not only a count of a whole run.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from batch import carriers, codes, pipeline, watch
from batch.normalize import keys, positions
from batch.rules import cart, engine, match, row, unshipped
from batch.rules import order as order_rules
from batch.rules.registry import Rules

TODAY = dt.date(2026, 11, 26)
ORDER_HEADER = [
    "配送状態", "注文番号", "カート番号", "配送会社", "送り状番号", "発送日", "注文日", "入金日",
    "発送予定日", "受取人名", "受取人電話番号", "受取人携帯電話番号", "住所", "郵便番号",
    "注文金額の合計",
]  # fmt: skip
DISPATCH_HEADER = ["注文番号", "送り状番号", "配送会社", "発送日"]


def mod7(body: str) -> str:
    """A 12-digit Yamato / Sagawa / Japan Post number with its check digit."""
    return body + str(int(body) % 7)


def order(
    order_no: str,
    cart_no: str,
    status: str = "配送要請",
    *,
    carrier: str = "ヤマト宅急便",
    ordered: str = "2026/11/24 09:58:12",
    paid: str = "2026/11/24 09:58:40",
    est: str = "",
    tracking: str = "",
    name: str = "山田 太郎",
    phone: str = "090-1111-2222",
) -> list[str]:
    return [status, order_no, cart_no, carrier, tracking, "", ordered, paid, est, name, phone,
            "-", "東京都渋谷区神南1-1-1", "'150-0041", "1,980"]  # fmt: skip


def _csv(rows: list[list[str]], encoding: str) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return buf.getvalue().encode(encoding)


def run(
    tmp_path: Path,
    orders: list[list[str]],
    dispatch: list[list[str]],
    *,
    order_header: list[str] = ORDER_HEADER,
    dispatch_header: list[str] = DISPATCH_HEADER,
    today: dt.date = TODAY,
    encoding: str = "cp932",
) -> pipeline.RunResult:
    (tmp_path / "orders.csv").write_bytes(_csv([order_header, *orders], encoding))
    (tmp_path / "dispatch.csv").write_bytes(_csv([dispatch_header, *dispatch], "utf-8-sig"))
    options = pipeline.Options(today=today, ledger=None)
    result = pipeline.run(
        tmp_path / "orders.csv", [tmp_path / "dispatch.csv"], tmp_path / "out", options
    )
    assert result.summary["reconciled"] is True
    return result


def bucket_of(result: pipeline.RunResult) -> dict[str, str]:
    return dict(zip(result.orders["order_no"], result.orders["bucket"], strict=True))


def codes_of(result: pipeline.RunResult, order_no: str) -> list[str]:
    found = result.exceptions
    mine = found["order_no"].fillna("").str.split(", ").map(lambda nos: order_no in nos)
    return sorted(found.loc[mine, "code"])


def exception(result: pipeline.RunResult, code: str) -> dict:
    rows = result.exceptions[result.exceptions["code"].eq(code)]
    assert len(rows) == 1, rows[["code", "order_no", "message"]]
    return rows.iloc[0].to_dict()


# --- TRACKING_MANGLED ----------------------------------------------------------------------


def test_a_twelve_digit_number_ending_in_five_zeros_is_mangled_not_uploaded(tmp_path):
    # 4.39628E+11 saved back as a number gives 439628000000, which passes mod 7 by chance.
    assert mod7("43962800000") == "439628000000"
    result = run(
        tmp_path,
        [order("104700001", "78400001"), order("104700002", "78400002")],
        [
            ["104700001", "439628000000", "ヤマト運輸", "2026/11/26"],
            ["104700002", mod7("43962811401"), "ヤマト運輸", "2026/11/26"],
        ],
    )
    assert bucket_of(result) == {"104700001": "held", "104700002": "uploaded"}
    assert codes_of(result, "104700001") == ["TRACKING_MANGLED"]
    mangled = exception(result, "TRACKING_MANGLED")
    assert "439628000000" in mangled["message"] and "rounded" in mangled["message"]
    assert result.uploaded["order_no"].tolist() == ["104700002"]


# --- impossible dates in the export ---------------------------------------------------------


def test_impossible_dates_in_the_export_are_invalid_rows_not_blanks(tmp_path):
    result = run(
        tmp_path,
        [
            order("104700001", "78400001", paid="2026/02/30 10:00:00"),
            order("104700002", "78400002", est="2026/13/01"),
            order("104700003", "78400003", ordered="2026/11/24 25:61:00"),
            order("104700004", "78400004", paid="２０２６／１１／２４　１０：００：００"),
        ],
        [],
    )
    assert result.summary["orders"]["invalid"] == 3
    assert bucket_of(result) == {"104700004": "unshipped"}
    invalid = result.exceptions[result.exceptions["code"].eq("INVALID_ROW")]
    by_row = dict(zip(invalid["source_row"], invalid["message"], strict=True))
    assert by_row == {
        2: "入金日: 入金日 is not a real date or time (value: '2026/02/30 10:00:00')",
        3: "発送予定日: 発送予定日 is not a real date (value: '2026/13/01')",
        4: "注文日: 注文日 is not a real date or time (value: '2026/11/24 25:61:00')",
    }


# --- UNKNOWN_STATUS -------------------------------------------------------------------------

UNKNOWN = ["未入金", "入金確認中", "返品要請", "取引完了"]


def test_an_unknown_status_is_held_never_uploaded_nor_watched(tmp_path):
    # Paid 11/10 with no estimated ship date: as a paid order it would be OVERDUE,
    # PENALTY_RISK and NO_SHIP_DATE. With a status the tool does not know it is none of them.
    old = "2026/11/10 09:58:40"
    orders = [
        order(f"10470000{i}", f"7840000{i}", status, paid=old) for i, status in enumerate(UNKNOWN)
    ]
    orders.append(order("104700009", "78400009", paid=old))
    dispatch = [
        ["104700000", mod7("43962811400"), "ヤマト運輸", "2026/11/26"],
        ["78400001", mod7("43962811401"), "ヤマト運輸", "2026/11/26"],  # by cart number
        ["104700009", mod7("43962811409"), "ヤマト運輸", "2026/11/26"],
    ]
    result = run(tmp_path, orders, dispatch)
    buckets = bucket_of(result)
    assert [buckets[f"10470000{i}"] for i in range(4)] == ["held"] * 4
    assert buckets["104700009"] == "uploaded"
    assert result.uploaded["order_no"].tolist() == ["104700009"]
    assert result.summary["dispatch"]["matched"] == 3
    for i, status in enumerate(UNKNOWN):
        assert codes_of(result, f"10470000{i}") == ["UNKNOWN_STATUS"], status
    found = result.exceptions.set_index("order_no")
    for i, status in enumerate(UNKNOWN):
        message = found.loc[f"10470000{i}", "message"]
        assert f"'{status}'" in message and "held" in message
    assert found.loc["104700000", "tracking_no"] == mod7("43962811400")
    assert (found.loc[found["code"].eq("UNKNOWN_STATUS"), "severity"] == "error").all()
    assert result.summary["exceptions"]["UNKNOWN_STATUS"] == 4


def test_every_documented_status_is_known_spaced_or_in_full_width_forms_too(tmp_path):
    statuses = [
        "配送要請", "新規注文", "配送準備", "配送準備中", "配送遅延", "配送遅延（要対応）",
        "配送遅延 (要対応)", " 配送要請 ", "入金待ち", "決済待ち", "キャンセル", "ｷｬﾝｾﾙ",
        "配送中", "配送完了", "発送済み",
    ]  # fmt: skip
    orders = [order(f"1047000{i:02d}", f"784000{i:02d}", s) for i, s in enumerate(statuses)]
    result = run(tmp_path, orders, [])
    assert "UNKNOWN_STATUS" not in result.summary["exceptions"]
    assert result.summary["orders"]["held"] == 0


def test_korean_screen_statuses_are_known_and_an_unknown_one_is_held(tmp_path):
    header = [
        "배송상태", "주문번호", "장바구니번호", "택배사", "송장번호", "발송일", "주문일",
        "입금일", "발송예정일", "수취인명", "수취인전화번호", "수취인핸드폰번호", "주소",
        "우편번호", "총주문액",
    ]  # fmt: skip
    statuses = ["배송요청", "신규주문", "배송준비중", "배송 지연", "입금대기", "결제대기", "취소",
                "배송중", "배송완료", "미입금"]  # fmt: skip
    orders = [order(f"1047000{i:02d}", f"784000{i:02d}", s) for i, s in enumerate(statuses)]
    # The Korean screen's download is UTF-8 with a BOM (qsm.md §1.5).
    result = run(tmp_path, orders, [], order_header=header, encoding="utf-8-sig")
    assert result.summary["exceptions"]["UNKNOWN_STATUS"] == 1
    assert exception(result, "UNKNOWN_STATUS")["order_no"] == "104700009"
    assert bucket_of(result)["104700009"] == "held"


# --- SHIP_DATE_INVALID ----------------------------------------------------------------------


def test_a_ship_date_that_cannot_be_true_holds_the_order_and_is_never_replaced(tmp_path):
    # Paid 2026/11/24 09:58, today 2026/11/26.
    ship = {
        "104700001": "2026/02/30",  # no such day
        "104700002": "2026/11/26 25:61",  # no such time
        "104700003": "1900/01/01",  # Excel's day 1: before payment
        "104700004": "9999/12/31",
        "104700005": "2026/12/26",  # a month ahead: a label printed ahead
        "104700006": "2025/11/24",  # a year before payment
        "104700010": "明日",  # no date at all: a tracking number was found all the same
        "104700007": "",  # the sheet gives none: the run's day
        "104700008": "2026/11/24",  # the payment day itself
        "104700009": "2026/11/26 18:00",  # later today
    }
    orders = [order(no, f"784000{no[-2:]}") for no in ship]
    dispatch = [[no, mod7(f"439628114{no[-2:]}"), "ヤマト運輸", day] for no, day in ship.items()]
    result = run(tmp_path, orders, dispatch)
    buckets = bucket_of(result)
    invalid = [no for no in ship if buckets[no] == "held"]
    assert invalid == [*(f"10470000{i}" for i in range(1, 7)), "104700010"]
    for no in invalid:
        assert codes_of(result, no) == ["SHIP_DATE_INVALID"], no
    assert result.summary["dispatch"]["matched"] == 10
    assert result.summary["exceptions"]["SHIP_DATE_INVALID"] == 7
    uploaded = dict(zip(result.uploaded["order_no"], result.uploaded["ship_date"], strict=True))
    assert uploaded == {
        "104700007": "2026/11/26",
        "104700008": "2026/11/24",
        "104700009": "2026/11/26",
    }
    message = result.exceptions.set_index("order_no")["message"]
    assert "'2026/02/30' is not a real date" in message["104700001"]
    assert "'2026/11/26 25:61' is not a real date" in message["104700002"]
    assert "'明日' is not a real date" in message["104700010"]
    assert "before the order was paid (2026/11/24)" in message["104700003"]
    ahead = message["104700005"]
    assert "after today (2026/11/26)" in ahead and "printed ahead" in ahead
    assert "2026/12/26 run" in ahead


def test_without_a_payment_date_the_order_date_bounds_the_ship_date(tmp_path):
    result = run(
        tmp_path,
        [
            order("104700001", "78400001", ordered="2026/11/20 10:00:00", paid=""),
            order("104700002", "78400002", ordered="2026/11/20 10:00:00", paid=""),
        ],
        [
            ["104700001", mod7("43962811401"), "ヤマト運輸", "2026/11/19"],
            ["104700002", mod7("43962811402"), "ヤマト運輸", "2026/11/20"],
        ],
    )
    assert bucket_of(result) == {"104700001": "held", "104700002": "uploaded"}
    assert "before the order date (2026/11/20)" in exception(result, "SHIP_DATE_INVALID")["message"]


def test_without_payment_or_order_date_a_ship_date_90_days_old_is_refused(tmp_path):
    # The brief download has no 入金日 and no 注文日 (qsm.md §1.4).
    header = ["配送状態", "注文番号", "カート番号", "配送会社", "送り状番号", "発送日",
              "発送予定日"]  # fmt: skip
    orders = [
        ["配送要請", f"10470000{i}", f"7840000{i}", "ヤマト宅急便", "", "", ""] for i in (1, 2)
    ]
    result = run(
        tmp_path,
        orders,
        [
            ["104700001", mod7("43962811401"), "ヤマト運輸", "2026/08/27"],  # 91 days ago
            ["104700002", mod7("43962811402"), "ヤマト運輸", "2026/08/28"],  # 90 days ago
        ],
        order_header=header,
    )
    assert bucket_of(result) == {"104700001": "held", "104700002": "uploaded"}
    assert "more than 90 days before today" in exception(result, "SHIP_DATE_INVALID")["message"]


# --- customer messages name each parcel's carrier --------------------------------------------


def test_multi_package_names_each_parcel_s_own_carrier(tmp_path):
    sagawa, yamato = mod7("36024417052"), mod7("43962811409")
    result = run(
        tmp_path,
        [order("104700001", "78400001", carrier="佐川急便")],
        [
            ["104700001", sagawa, "佐川急便", "2026/11/25"],  # first: uploaded
            ["104700001", yamato, "ヤマト運輸", "2026/11/26"],
        ],
    )
    assert result.uploaded["tracking_no"].tolist() == [sagawa]
    multi = exception(result, "MULTI_PACKAGE")
    assert f"・佐川急便 {sagawa}\n・ヤマト宅急便 {yamato}" in multi["customer_message"]
    assert f"ヤマト宅急便 {yamato}" in multi["message"]
    assert f"佐川急便 {sagawa}" in multi["message"]
    assert multi["carrier"] == "佐川急便, ヤマト運輸"


def test_split_cart_names_each_parcel_s_own_carrier(tmp_path):
    sagawa, yamato = mod7("36024417052"), mod7("43962811409")
    result = run(
        tmp_path,
        [
            order("104700001", "78400001", carrier="佐川急便"),
            order("104700002", "78400001", carrier="佐川急便"),
        ],
        [
            ["104700001", sagawa, "佐川急便", "2026/11/26"],
            ["104700002", yamato, "ヤマト運輸", "2026/11/26"],
        ],
    )
    split = exception(result, "SPLIT_CART")
    assert (
        f"・注文番号 104700001：佐川急便 {sagawa}\n・注文番号 104700002：ヤマト宅急便 {yamato}"
        in split["customer_message"]
    )
    assert f"104700002 → ヤマト宅急便 {yamato}" in split["message"]


# --- a sheet with both an order number and a cart number column --------------------------------


@pytest.mark.parametrize("cart_first", [False, True])
def test_a_blank_order_number_falls_back_to_the_row_s_cart_number(tmp_path, cart_first):
    header = ["注文番号", "カート番号", "送り状番号", "配送会社", "発送日"]
    rows = [
        ["104700001", "78400001", mod7("43962811401"), "ヤマト運輸", "2026/11/26"],
        ["", "78400002", mod7("43962811402"), "ヤマト運輸", "2026/11/26"],  # the whole cart
        ["104700004", "", mod7("43962811404"), "ヤマト運輸", "2026/11/26"],
    ]
    if cart_first:  # which column comes first in the sheet does not matter
        header = [header[1], header[0], *header[2:]]
        rows = [[r[1], r[0], *r[2:]] for r in rows]
    result = run(
        tmp_path,
        [
            order("104700001", "78400001"),
            order("104700002", "78400002"),
            order("104700003", "78400002"),
            order("104700004", "78400004"),
        ],
        rows,
        dispatch_header=header,
    )
    assert result.summary["dispatch"]["matched"] == 3
    assert set(bucket_of(result).values()) == {"uploaded"}
    assert not len(result.exceptions)


def test_korean_headers_too_and_the_order_number_wins_when_both_are_given(tmp_path):
    header = ["주문번호", "장바구니번호", "송장번호", "택배사", "발송일"]
    result = run(
        tmp_path,
        [order("104700001", "78400001"), order("104700002", "78400001")],
        [["104700002", "78400001", mod7("43962811402"), "ヤマト運輸", "2026/11/26"]],
        dispatch_header=header,
    )
    assert bucket_of(result) == {"104700001": "unshipped", "104700002": "uploaded"}


# --- a dispatch row for an order whose row in the export is invalid ----------------------------


def test_a_row_for_an_invalid_order_links_to_it_and_counts_as_matched(tmp_path):
    result = run(
        tmp_path,
        [
            order("104700001", "78400001"),
            order("１０４７００００２", "78400002", paid="2026/02/30 10:00:00"),  # row 3
            order("104700003", ""),  # row 4: lost its カート番号
            order("104700004", "78400004", est="2026/13/01"),  # row 5, the cart's only order
        ],
        [
            ["104700001", mod7("43962811401"), "ヤマト運輸", "2026/11/26"],
            ["104700002", mod7("43962811402"), "ヤマト運輸", "2026/11/26"],
            ["104700003", mod7("43962811403"), "ヤマト運輸", "2026/11/26"],
            ["78400004", mod7("43962811404"), "ヤマト運輸", "2026/11/26"],
            ["104799999", mod7("43962811499"), "ヤマト運輸", "2026/11/26"],
        ],
    )
    assert result.summary["orders"]["invalid"] == 3
    assert result.summary["dispatch"] == {
        "total": 5, "matched": 4, "unmatched": 1, "invalid": 0, "duplicate": 0
    }  # fmt: skip
    assert result.uploaded["order_no"].tolist() == ["104700001"]
    found = result.exceptions
    linked = found[found["code"].eq("INVALID_ROW") & found["source_file"].eq("dispatch.csv")]
    assert linked["source_row"].tolist() == [3, 4, 5]
    assert linked["order_no"].tolist() == ["104700002", "104700003", "104700004"]
    assert linked["tracking_no"].tolist() == [mod7(f"4396281140{i}") for i in (2, 3, 4)]
    messages = linked["message"].tolist()
    assert messages[0] == (
        "reference '104700002': the order's row 3 in the export (orders.csv) is invalid: "
        "入金日: 入金日 is not a real date or time (value: '2026/02/30 10:00:00'); not "
        "uploaded: correct the export and run again"
    )
    assert "the order's row 4 in the export" in messages[1] and "カート番号" in messages[1]
    assert "the cart's row 5 in the export" in messages[2] and "発送予定日" in messages[2]
    unmatched = exception(result, "UNMATCHED_DISPATCH")
    assert "'104799999' is neither an order nor a cart number" in unmatched["message"]


# === each rule on its own, on a frame of a few rows ============================================
#
# A rule is a function of the table its stage reads; it returns a Hit: a mask (where it
# applies) and says(mask) (its message there). These tests build that table by hand.

YAMATO = mod7("43962811401")


def sheet(*rows: dict) -> pd.DataFrame:
    """A dispatch table as inputs.prepare_dispatch makes it: each row a dict of overrides of
    a good Yamato row shipped today."""
    base = {"tracking_no": YAMATO, "tracking_raw": YAMATO, "mangled": False,
            "carrier": "ヤマト運輸", "ship_date": pd.Timestamp(TODAY),
            "ship_date_unreadable": ""}  # fmt: skip
    frame = pd.DataFrame([{**base, **r} for r in rows])
    frame["dispatch_id"] = range(len(frame))
    used = carriers.resolve(frame["carrier"])
    return frame.assign(**{c: used[c].to_numpy() for c in carriers.COLUMNS})


def hits(hit) -> list[int]:
    return np.flatnonzero(hit.mask).tolist()


def test_a_ship_date_that_is_no_real_day_is_named_as_written():
    d = sheet({}, {"ship_date": pd.NaT, "ship_date_unreadable": "2026/02/30"}, {})
    hit = row.ship_date_unreadable(d, TODAY)
    assert hits(hit) == [1]
    assert hit.message().tolist() == [
        "ship date '2026/02/30' is not a real date or time: held, never given another date; "
        "correct the sheet"
    ]


def test_a_ship_date_after_today_waits_for_its_own_day():
    later = pd.Timestamp("2026-11-26 18:00")  # later today is today
    d = sheet({}, {"ship_date": pd.Timestamp("2026-12-01")}, {"ship_date": later}, {})
    hit = row.ship_date_ahead(d, TODAY)
    assert hits(hit) == [1]
    (message,) = hit.message().tolist()
    assert "2026/12/01 is after today (2026/11/26)" in message and "2026/12/01 run" in message


def test_a_number_that_breaks_its_carrier_s_rule_is_invalid_with_the_reason():
    d = sheet({}, {"tracking_no": "12345"}, {"tracking_no": YAMATO[:-1] + "9"}, {"carrier": "謎"})
    hit = row.tracking_invalid(d, TODAY)
    assert hits(hit) == [1, 2]  # an unknown carrier's number is not judged here
    assert hit.message().tolist()[0] == (
        "tracking number '12345' for ヤマト運輸: wrong length: 12 digits expected, got 5"
    )


def test_an_untrackable_method_and_an_unknown_carrier():
    d = sheet({}, {"carrier": "定形外郵便", "tracking_no": "-"}, {"carrier": "謎の配送"})
    untrackable, unknown = row.carrier_untrackable(d, TODAY), row.carrier_unknown(d, TODAY)
    assert hits(untrackable) == [1] and hits(unknown) == [2]
    assert untrackable.message().tolist()[0].startswith("shipped by 定形外郵便, which has no")
    assert unknown.message().tolist() == ["carrier '謎の配送' is not recognised"]


def test_a_mangled_number_says_how_it_was_damaged():
    d = sheet(
        {"mangled": True, "tracking_raw": "4.39628E+11"},
        {},
        {"mangled": True, "tracking_raw": "439628000000"},
    )
    hit = row.tracking_mangled(d, TODAY)
    assert hits(hit) == [0, 2]
    sci, rounded = hit.message().tolist()
    assert "'4.39628E+11'" in sci and "scientific notation" in sci
    assert "'439628000000'" in rounded and "rounded" in rounded


def test_row_problems_report_the_rule_of_the_lowest_rank():
    # Mangled and of an unknown carrier: the damaged number hides the rest.
    d = sheet(
        {"mangled": True, "carrier": "謎", "tracking_raw": "4.39628E+11"},
        {"carrier": "謎", "ship_date": pd.Timestamp("2026-12-01")},
        {"tracking_no": "12345", "ship_date": pd.Timestamp("2026-12-01")},
        {},
    )
    found = row.problems(d, TODAY)
    assert found["code"].tolist() == ["TRACKING_MANGLED", "CARRIER_UNKNOWN", "TRACKING_INVALID", ""]
    assert found["message"].tolist()[3] == ""


def test_a_ship_date_before_the_order_holds_every_pair_of_its_row():
    paid = pd.Timestamp("2026-11-24")
    p = pd.DataFrame(
        {
            "dispatch_id": [0, 0, 1, 2, 3],
            "order_no": ["1", "2", "3", "4", "5"],
            "code": ["", "", "", "TRACKING_INVALID", ""],
            "ship_date": pd.to_datetime(
                ["2026-11-23", "2026-11-23", "2026-11-24", "2026-11-01", "2026-08-01"]
            ),  # fmt: skip
            "earliest_ship": [paid, paid, paid, paid, pd.NaT],
        }
    )
    orders = pd.DataFrame(
        {
            "order_no": ["1", "2", "3", "4", "5"],
            "paid_at": [paid, pd.NaT, paid, paid, pd.NaT],
            "ordered_at": [paid] * 4 + [pd.NaT],
        }
    )
    hit = row.shipped_before_the_order(p, orders, TODAY)
    assert hits(hit) == [0, 1, 4]  # row 0 for both its orders; row 2 has its own problem
    first, second, old = hit.message().tolist()
    assert first == second and "before the order was paid (2026/11/24)" in first
    assert "more than 90 days before today" in old


def first_rows(*rows: dict) -> pd.DataFrame:
    """``first`` as the engine builds it: per order its shipping row (index order_no)."""
    base = {"tracking_no": YAMATO, "cart_no": "C1", "state": "paid", "status": "配送要請",
            "existing_tracking": "", "existing_source": ""}  # fmt: skip
    frame = pd.DataFrame([{**base, **r} for r in rows])
    return frame.set_index("order_no")


def usable_of(first: pd.DataFrame, **keys) -> pd.DataFrame:
    u = first.reset_index()[["order_no", "tracking_no", "cart_no"]]
    number = pd.factorize(u["tracking_no"])[0]  # the numbers as codes, as facts.build gives them
    return u.assign(
        number=number, order_name_key=keys.get("names", "yamada"), order_postal="1500041"
    )


def test_shipped_while_unpaid_or_cancelled():
    f = first_rows(
        {"order_no": "1"},
        {"order_no": "2", "state": "awaiting_payment"},
        {"order_no": "3", "state": "cancelled"},
    )
    s = order_rules.shipments(f, usable_of(f))
    unpaid, cancelled = order_rules.shipped_unpaid(s), order_rules.shipped_cancelled(s)
    assert hits(unpaid) == [1] and hits(cancelled) == [2]
    assert "still awaiting payment" in unpaid.message().tolist()[0]
    assert "for a cancelled order" in cancelled.message().tolist()[0]


def test_already_dispatched_and_a_conflicting_number():
    f = first_rows(
        {"order_no": "1"},
        {"order_no": "2", "existing_tracking": YAMATO, "existing_source": "export"},
        {"order_no": "3", "existing_tracking": "111", "existing_source": "export"},
        {"order_no": "4", "state": "shipped", "status": "配送中"},
    )
    s = order_rules.shipments(f, usable_of(f))
    already, conflict = order_rules.already_dispatched(s), order_rules.tracking_conflict(s)
    assert hits(already) == [1, 3] and hits(conflict) == [2]
    assert already.message().tolist() == [
        "already dispatched (export); not uploaded again",
        "already dispatched (QSM status 配送中); not uploaded again",
    ]
    assert conflict.message().tolist()[0].startswith("the order already has tracking number 111")


def test_one_number_on_carts_of_different_recipients_is_a_duplicate():
    f = first_rows(
        {"order_no": "1", "cart_no": "C1"},
        {"order_no": "2", "cart_no": "C2"},
        {"order_no": "3", "cart_no": "C3", "tracking_no": mod7("43962811403")},
    )
    s = order_rules.shipments(f, usable_of(f, names=["yamada", "suzuki", "sato"]))
    hit = order_rules.duplicate_tracking(s)
    assert hits(hit) == [0, 1]
    assert hit.message().tolist()[0].endswith("is on carts with different recipients: C1, C2")
    same = order_rules.shipments(f, usable_of(f))  # one recipient: a shared parcel
    assert hits(order_rules.duplicate_tracking(same)) == []


def test_order_rules_by_rank_a_status_reports_alone():
    # Cancelled with a conflicting number: SHIPPED_CANCELLED alone. A shared number on an
    # order already dispatched: both reported, and the order held.
    f = first_rows(
        {"order_no": "1", "state": "cancelled", "existing_tracking": "111"},
        {"order_no": "2", "existing_tracking": YAMATO, "cart_no": "C2"},
        {"order_no": "3", "cart_no": "C3"},
        {"order_no": "4", "cart_no": "C4", "tracking_no": mod7("43962811404")},
        {"order_no": "5", "cart_no": "C5", "tracking_no": mod7("43962811405")},
    )
    s = order_rules.shipments(f, usable_of(f, names=["a", "b", "c", "d", "e"]))
    by_status = np.array([False, False, False, False, True])  # order 5: UNKNOWN_STATUS
    held, reported, found = engine.consult(s, by_status)
    said = {c: np.flatnonzero(m).tolist() for c, m in reported.items() if m.any()}
    assert said == {
        "SHIPPED_CANCELLED": [0],
        "ALREADY_DISPATCHED": [1],
        "DUPLICATE_TRACKING": [1, 2],
    }
    assert held.tolist() == [True, True, True, False, True]
    assert sorted(pd.concat(found)["code"]) == sorted(
        ["SHIPPED_CANCELLED", "ALREADY_DISPATCHED", "DUPLICATE_TRACKING", "DUPLICATE_TRACKING"]
    )


def test_an_unknown_status_names_the_number_it_does_not_upload():
    o = pd.DataFrame(
        {"state": ["unknown", "paid", "unknown"], "status": ["返品要請", "配送要請", ""],
         "recipient_name": ["山田", "鈴木", "佐藤"]},
        index=pd.Index(["1", "2", "3"], name="order_no"),
    )  # fmt: skip
    hit = order_rules.unknown_status(o, first_rows({"order_no": "1"}))
    assert hits(hit) == [0, 2]
    assert hit.message().tolist() == [
        f"配送状態 '返品要請' is not a status the tool knows; tracking number {YAMATO} not "
        "uploaded: held, never treated as paid; check the order in QSM",
        "配送状態 is blank: held, never treated as paid; check the order in QSM",
    ]
    columns = hit.columns(hit.mask)
    assert columns["tracking_no"][0] == YAMATO and pd.isna(columns["tracking_no"][1])
    assert list(columns["order_no"]) == ["1", "3"]


def test_a_carrier_other_than_the_listing_s_is_a_mismatch():
    up = pd.DataFrame(
        {"company": ["yamato", "yamato", "yamato"], "expected_company": ["yamato", "sagawa", ""],
         "carrier": ["ヤマト運輸"] * 3, "carrier_expected": ["ヤマト宅急便", "佐川急便", ""]}
    )  # fmt: skip
    hit = order_rules.carrier_mismatch(up)
    assert hits(hit) == [1]
    assert hit.message().tolist() == [
        "listed with 佐川急便, shipped with ヤマト運輸: uploaded with the carrier used; tell the "
        "customer"
    ]


def export(*rows: dict) -> pd.DataFrame:
    """Orders as the engine reads them (index order_no)."""
    base = {"carrier_expected": "ヤマト宅急便", "recipient_name": "山田 太郎",
            "source_file": "orders.csv", "amount": 1980.0}  # fmt: skip
    frame = pd.DataFrame([{**base, **r} for r in rows])
    return frame.assign(source_row=range(2, 2 + len(frame))).set_index("order_no")


def upload_of(*rows: tuple[str, str, str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["order_no", "cart_no", "tracking_no"]).assign(
        carrier="ヤマト宅急便"
    )


def cart_codes(o: pd.DataFrame, up: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The carts as integer codes, as matching gives them: each order's, each upload line's."""
    of_order = keys(o["cart_no"])
    return of_order, of_order[positions(up["order_no"], o.index)]


def test_a_cart_uploaded_under_two_numbers_is_split():
    o = export(*({"order_no": n, "cart_no": c} for n, c in
                 [("1", "C1"), ("2", "C1"), ("3", "C2"), ("4", "C2"), ("5", "C3")]))  # fmt: skip
    up = upload_of(("1", "C1", "A"), ("2", "C1", "B"), ("3", "C2", "D"), ("4", "C2", "D"),
                   ("5", "C3", "E"))  # fmt: skip
    hit = cart.split_cart(up, cart_codes(o, up)[1], o)
    assert hits(hit) == [0, 1]
    (split,) = hit.message().to_dict("records")
    assert split["cart_no"] == "C1" and split["tracking_no"] == "A, B"
    assert split["message"].endswith("1 → ヤマト宅急便 A; 2 → ヤマト宅急便 B")
    assert split["amount"] == 3960.0 and split["source_row"] == 2
    assert "注文番号 2：ヤマト宅急便 B" in split["customer_message"]


def test_a_cart_with_orders_left_unshipped_is_partial():
    o = export(*({"order_no": n, "cart_no": c} for n, c in
                 [("1", "C1"), ("2", "C1"), ("3", "C2"), ("4", "C3")]))  # fmt: skip
    up = upload_of(("1", "C1", "A"), ("3", "C2", "D"))
    waiting = np.array([False, True, False, True])  # order 4's cart has nothing uploaded
    hit = cart.partial_cart(up, waiting, o, *cart_codes(o, up))
    assert hits(hit) == [1]
    (partial,) = hit.message().to_dict("records")
    assert partial["message"] == "shipped: 1; not shipped yet: 2"
    assert partial["order_no"] == "1, 2" and partial["tracking_no"] == "A"
    assert partial["amount"] == 1980.0 and partial["carrier"] is None


def test_more_parcels_than_qsm_takes_is_multi_package():
    o = export({"order_no": "1", "cart_no": "C1"}, {"order_no": "2", "cart_no": "C2"})
    up = upload_of(("1", "C1", "A"), ("2", "C2", "D"))
    first = pd.DataFrame({"carrier": ["ヤマト運輸", "ヤマト運輸"]}, index=["1", "2"])
    extra = pd.DataFrame(
        {"order_no": ["1", "1", "3"], "cart_no": ["C1", "C1", "C3"],
         "tracking_no": ["B", "C", "X"], "carrier": ["佐川急便", "ヤマト運輸", "ヤマト運輸"],
         "company": ["sagawa", "yamato", "yamato"],
         "expected_company": "yamato", "qsm_name": ["佐川急便", "ヤマト宅急便", "ヤマト宅急便"],
         "carrier_expected": "ヤマト宅急便", "recipient": "山田 太郎", "source_file": "b2.csv",
         "source_row": [3, 4, 5]}
    )  # fmt: skip
    hit = cart.multi_package(extra, up, first, o)
    assert hits(hit) == [0, 1]  # order 3 is not uploaded
    (multi,) = hit.message().to_dict("records")
    assert multi["message"] == (
        "2 more parcel(s): 佐川急便 B, ヤマト宅急便 C; QSM took ヤマト宅急便 A. Send the customer "
        "the other numbers."
    )
    assert multi["tracking_no"] == "A, B, C" and multi["carrier"] == "ヤマト運輸, 佐川急便"


def courier_rows(*rows: dict) -> pd.DataFrame:
    base = {"reference": "", "recipient_name": "山田 太郎"}
    frame = pd.DataFrame([{**base, **r} for r in rows])
    return frame.assign(dispatch_id=range(len(frame)))


def test_rows_without_a_linking_reference_by_their_candidate_carts():
    rest = courier_rows({"reference": "999"}, {}, {}, {"reference": "998"}, {})
    cand = pd.DataFrame({"dispatch_id": [1, 2, 2, 4], "cart_no": ["C1", "C3", "C2", "C4"]})
    orders_of = pd.Series(["11", "44, 45"], index=[1, 4])
    fallback = match.fallback_match(rest, cand, orders_of)
    ambiguous = match.ambiguous_match(rest, cand)
    unmatched = match.unmatched_dispatch(rest, cand)
    assert (hits(fallback), hits(ambiguous), hits(unmatched)) == ([1, 4], [2], [0, 3])
    assert fallback.message().tolist()[0].endswith(": check that cart C1 is right")
    assert list(fallback.columns(fallback.mask)["order_no"]) == ["11", "44, 45"]
    assert ambiguous.message().tolist() == [
        "recipient phone + postal code fit several carts: C2, C3; put the cart number in the "
        "courier's reference column"
    ]
    assert unmatched.message().tolist()[0] == (
        "reference '999' is neither an order nor a cart number in the export, and no order has "
        "this recipient's phone + postal code"
    )


def test_a_reference_to_an_order_only_on_an_invalid_row_is_linked_to_it():
    rest = courier_rows({"reference": "104700002"}, {"reference": "78400004"}, {"reference": "1"})
    invalid = pd.DataFrame(
        {"order_no": ["104700002", None], "cart_no": ["78400002", "78400004"],
         "source_file": "orders.csv", "source_row": [3, 5], "message": ["入金日: bad", "x"],
         "message_ja": ["入金日：不正", "x"], "message_ko": ["입금일: 잘못됨", "x"]}
    )  # fmt: skip
    linked = match.linked_to_invalid(rest, invalid)
    # each language quotes the invalid row's message in its own words
    assert linked["message_ja"].tolist()[0] == (
        "参照番号 '104700002'：注文ファイル（orders.csv）の注文の行 3 が不正です：入金日：不正。"
        "アップロードしません：注文ファイルを直してもう一度実行してください"
    )
    assert linked["reason_key"].tolist() == ["row.match.invalid"] * 2
    assert linked["dispatch_id"].tolist() == [0, 1]
    assert linked["message"].tolist()[0] == (
        "reference '104700002': the order's row 3 in the export (orders.csv) is invalid: "
        "入金日: bad; not uploaded: correct the export and run again"
    )
    assert "the cart's row 5" in linked["message"].tolist()[1]


def unshipped_facts(*rows: dict) -> pd.DataFrame:
    base = {"paid_at": pd.Timestamp("2026-11-24 10:00"), "est_ship_date": pd.NaT, "state": "paid"}
    return watch.facts(pd.DataFrame([{**base, **r} for r in rows]), TODAY)


def test_overdue_by_date_by_status_or_by_days_without_a_date():
    f = unshipped_facts(
        {"est_ship_date": pd.Timestamp("2026-11-25")},
        {"est_ship_date": pd.Timestamp("2026-11-30"), "state": "delayed"},
        {"paid_at": pd.Timestamp("2026-11-10 10:00")},
        {"est_ship_date": pd.Timestamp("2026-11-27")},
    )
    hit = unshipped.overdue(f)
    assert hits(hit) == [0, 1, 2]
    late, delayed, stale = hit.message().tolist()
    assert late.startswith("Estimated ship date 2026-11-25 passed 1 day ago")
    assert delayed.startswith("The QSM status is delayed")
    assert stale.startswith(
        "No estimated ship date 16 days after payment (delayed since 2026-11-24)"
    )
    assert hit.columns(hit.mask)["days"].tolist() == [1, 0, 16]


def test_penalty_risk_from_the_third_business_day_after_payment():
    # 11-23 is a holiday: paid 11-19 (Thu) is 4 business days ago, 11-20 3, 11-24 2.
    f = unshipped_facts(
        {"paid_at": pd.Timestamp("2026-11-19 10:00")},
        {"paid_at": pd.Timestamp("2026-11-20 10:00")},
        {},
        {"paid_at": pd.Timestamp("2026-11-17 10:00")},
    )
    hit = unshipped.penalty_risk(f)
    assert hits(hit) == [0, 1, 3]
    assert hit.columns(hit.mask)["days"].tolist() == [4, 3, 6]
    assert hit.message().tolist()[1].startswith("3 business days since payment; ship by ")
    assert hit.message().tolist()[2].endswith("a sales restriction may apply.")


def test_no_ship_date_tells_when_the_order_turns_delayed():
    f = unshipped_facts({}, {"est_ship_date": pd.Timestamp("2026-11-27")}, {"paid_at": pd.NaT})
    hit = unshipped.no_ship_date(f)
    assert hits(hit) == [0, 2]
    fresh, unknown = hit.message().tolist()
    assert fresh.endswith("Enter one before 2026-12-08, when the order turns delayed.")
    assert unknown == "No estimated ship date: the buyer can cancel without approval."


def test_every_registered_rule_reads_a_ranked_code_and_ranks_differ():
    ranks = [c.rank for c in codes.TABLE if c.rank is not None]
    assert len(ranks) == len(set(ranks))
    with pytest.raises(ValueError, match="no rank"):
        Rules()("CARRIER_MISMATCH")
    assert [c for c, _ in row.RULES.by_rank()][:2] == ["TRACKING_MANGLED", "CARRIER_UNKNOWN"]
    assert [c for c, _ in order_rules.RULES.by_rank()][0] == "SHIPPED_UNPAID"
    # The engine reads every order's status before the order rules: its rank says so.
    order_ranks = [codes.BY_NAME[c].rank for c, _ in order_rules.RULES.by_rank()]
    assert codes.BY_NAME["UNKNOWN_STATUS"].rank < min(order_ranks)
