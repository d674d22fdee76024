"""Property: whatever orders and courier rows come in, every row lands in exactly one
bucket (reconciled) and no 注文番号 is ever uploaded twice."""

import csv
import datetime as dt
import io
import tempfile
from pathlib import Path

import openpyxl
import pandas as pd
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from batch import pipeline
from batch.command import Clock

HEADER = [
    "配送状態", "注文番号", "カート番号", "配送会社", "送り状番号", "発送日", "入金日",
    "発送予定日", "受取人名", "受取人電話番号", "受取人携帯電話番号", "住所", "郵便番号",
    "注文金額の合計",
]  # fmt: skip
DISPATCH = ["注文番号", "送り状番号", "配送会社", "発送日", "受取人名", "電話番号", "郵便番号"]
STATUSES = ["配送要請", "配送要請", "配送準備中", "配送遅延", "入金待ち", "キャンセル", "配送中"]
CARRIERS = ["ヤマト宅急便", "佐川急便", "ゆうパケット", "ネコポス", "定形外郵便", "謎の便", ""]
PEOPLE = [("山田 太郎", "090-1111-2222", "150-0001"), ("佐藤 花子", "080-3333-4444", "530-0001")]


def mod7(body: int) -> str:
    return f"{body:011d}{body % 7}"


TRACKING = st.one_of(
    st.integers(38971107000, 38971107040).map(mod7),  # valid, a small pool so numbers repeat
    st.sampled_from(["389711074013", "3.89711E+11", "UMN240309577", "", "RB123456785GB"]),
)


@st.composite
def day(draw):
    carts = draw(st.integers(1, 6))
    orders, order_nos, cart_nos = [], [], []
    for c in range(carts):
        cart_no = str(78500000 + c)
        person = draw(st.sampled_from(PEOPLE))
        for _ in range(draw(st.integers(1, 3))):
            order_no = str(104800000 + len(orders))
            status = draw(st.sampled_from(STATUSES))
            existing = draw(st.one_of(st.just(""), TRACKING)) if status == "配送中" else ""
            paid = (
                "" if status == "入金待ち" else draw(st.sampled_from(["2026/11/10", "2026/11/24"]))
            )
            orders.append(
                [status, order_no, cart_no, draw(st.sampled_from(CARRIERS[:4])), existing, "",
                 paid, draw(st.sampled_from(["", "2026/11/20", "2026/11/30"])), person[0],
                 person[1], "-", "東京都", "'" + person[2], "1,980"]
            )  # fmt: skip
            order_nos.append(order_no)
        cart_nos.append(cart_no)
    refs = st.sampled_from(order_nos + cart_nos + ["", "99999999"])
    rows = []
    for _ in range(draw(st.integers(0, 10))):
        person = draw(st.sampled_from(PEOPLE + [("", "", "")]))
        rows.append(
            [draw(refs), draw(TRACKING), draw(st.sampled_from(CARRIERS)),
             draw(st.sampled_from(["", "2026/11/25", "2026/11/26"])), *person]
        )  # fmt: skip
    if rows and draw(st.booleans()):
        rows.append(list(rows[0]))  # the same row twice
    return orders, rows


def _csv(header, rows) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows([header, *rows])
    return buf.getvalue().encode("cp932")


def _xlsx(header, rows) -> bytes:
    book = openpyxl.Workbook()
    for row in [header, *rows]:
        book.active.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _with_text(rows) -> list:
    """The rows the run counts. A row with no text in any cell (a line of only commas, a
    blank line, an empty row of a workbook) is no row: it has no reference, tracking number
    or carrier, nothing to match or to lose, and the readers skip it in CSV and .xlsx alike,
    wherever it is (the rows after it keep their numbers in the file)."""
    return [row for row in rows if any(row)]


# Found by Hypothesis: a courier sheet whose only row is all blank (a line of commas).
ONE_ORDER = [
    ["配送要請", "104800000", "78500000", "ヤマト宅急便", "", "", "2026/11/10", "", "山田 太郎",
     "090-1111-2222", "-", "東京都", "'150-0001", "1,980"]
]  # fmt: skip
BLANK_ROW = [""] * len(DISPATCH)
BLANK_AROUND = [BLANK_ROW, ["104800000", mod7(38971107000), "", "", "", "", ""], BLANK_ROW]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(day(), st.sampled_from(["csv", "xlsx"]))
@example((ONE_ORDER, [BLANK_ROW]), "csv")
@example((ONE_ORDER, [BLANK_ROW]), "xlsx")
@example((ONE_ORDER, BLANK_AROUND), "csv")
@example((ONE_ORDER, BLANK_AROUND), "xlsx")
def test_every_row_is_accounted_for_and_nothing_is_uploaded_twice(data, sheet_kind):
    """On what run decides (pipeline.decide), not its files: the files are the writers'
    business, tested on their own, and writing them made each example ten times slower.
    The courier sheet is a CSV or a workbook: both readers must count the same rows."""
    orders, rows = data
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "orders.csv").write_bytes(_csv(HEADER, orders))
        dispatch = tmp / f"dispatch.{sheet_kind}"
        dispatch.write_bytes((_csv if sheet_kind == "csv" else _xlsx)(DISPATCH, rows))
        options = pipeline.Options(today=dt.date(2026, 11, 26), ledger=None)
        clock = Clock()
        loaded, sheets, d = pipeline.load_inputs(tmp / "orders.csv", [dispatch], options, clock)
        x = pipeline.decide(loaded, sheets, d, None, {}, options, clock)
    order_counts, dispatch_counts, reconciled = pipeline.bucket_counts(x)
    assert reconciled is True
    assert order_counts["total"] == loaded.rows == len(_with_text(orders))
    assert dispatch_counts["total"] == sheets[0].rows == len(_with_text(rows))
    uploaded = list(x.decision.upload["order_no"])
    # The positions the rules carry to the upload name each upload row's own order.
    assert list(x.o["order_no"].to_numpy()[x.decision.upload_at]) == uploaded
    assert len(uploaded) == len(set(uploaded)) == order_counts["uploaded"]
    # Nothing unpaid, cancelled or already carrying a number is ever uploaded.
    status = {o[1]: (o[0], o[4]) for o in orders}
    for order_no in uploaded:
        state, existing = status[order_no]
        assert state not in ("入金待ち", "キャンセル") and not existing
    # Every error-severity order is not uploaded.
    errors = x.found[x.found["severity"].eq("error")]
    bucket = pd.Series(x.decision.bucket.to_numpy(), index=x.o["order_no"].to_numpy())
    blocked = {o for v in errors["order_no"].dropna() for o in v.split(", ")}
    blocked -= set(bucket.index[bucket.eq("uploaded").to_numpy()])
    assert not blocked & set(uploaded)
