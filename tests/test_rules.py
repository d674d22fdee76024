"""What a run does with what it cannot fully trust: it holds the order with a code that says
why, never uploads it on a guess and never fills in a default.

Each test writes a small QSM detail export (CP932, as the Japanese screen gives it) and a
courier sheet (UTF-8 with BOM, as Excel's 「CSV UTF-8」 saves it), runs the pipeline and looks
at the buckets, the exceptions and the upload rows. Today is Thu 2026-11-26.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest

from batch import pipeline

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
