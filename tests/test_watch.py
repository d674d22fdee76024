"""Unshipped-order watch. Today is Thu 2026-05-07, the first business day after Golden Week
(04-29 Showa Day; 05-03..05-06 holidays). Expected days and dates are counted by hand."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from batch.inputs import order_state
from batch.watch import COLUMNS, urgency, watch_unshipped

TODAY = date(2026, 5, 7)


def _orders(*rows: dict) -> pd.DataFrame:
    """Canonical unshipped orders; each row gives order_no and whatever differs."""
    base = {
        "cart_no": "",
        "status": "新規注文",
        "paid_at": None,
        "est_ship_date": None,
        "amount": 1980.0,
        "recipient_name": "山田 花子",
        "source_file": "orders.csv",
    }
    frame = pd.DataFrame([{**base, **r} for r in rows])
    frame["state"] = order_state(frame["status"])  # as inputs.prepare_orders gives it
    frame["source_row"] = range(2, len(frame) + 2)
    for col in ("paid_at", "est_ship_date"):
        frame[col] = pd.to_datetime(frame[col], format="ISO8601").astype("datetime64[ns]")
    return frame


def _found(result: pd.DataFrame) -> dict[tuple[str, str], tuple]:
    """{(order_no, code): (days, deadline)}"""
    return {
        (r.order_no, r.code): (r.days, r.deadline)
        for r in result[["order_no", "code", "days", "deadline"]].itertuples()
    }


def test_est_ship_date_passed_and_penalty_across_golden_week():
    # Est. 05-01 → 6 calendar days late. Paid Tue 04-28: 04-30=1, 05-01=2, 05-07=3,
    # so 3 business days and the last day to ship is 05-08 (+4).
    out = watch_unshipped(
        _orders(
            {
                "order_no": "A",
                "status": "配送準備中",
                "paid_at": "2026-04-28 10:00",
                "est_ship_date": "2026-05-01",
            }
        ),
        TODAY,
    )
    assert _found(out) == {
        ("A", "OVERDUE"): (6, date(2026, 5, 1)),
        ("A", "PENALTY_RISK"): (3, date(2026, 5, 8)),
    }
    overdue = out.set_index("code").loc["OVERDUE", "message"]
    assert "2026-05-01" in overdue and "6 days" in overdue
    assert "2026-05-08" in out.set_index("code").loc["PENALTY_RISK", "message"]


def test_no_ship_date_for_14_days_is_overdue():
    # Paid Mon 04-20: 17 calendar days; turns 配送遅延 on 04-20 + 14 = 05-04.
    # Business days: 04-21..04-24 = 4 (ship-by 04-24), 04-27, 04-28, 04-30, 05-01, 05-07 = 9.
    out = watch_unshipped(_orders({"order_no": "B", "paid_at": "2026-04-20 08:00"}), TODAY)
    assert _found(out) == {
        ("B", "OVERDUE"): (17, date(2026, 5, 4)),
        ("B", "PENALTY_RISK"): (9, date(2026, 4, 24)),
        ("B", "NO_SHIP_DATE"): (17, date(2026, 5, 4)),
    }
    assert out["code"].tolist() == ["OVERDUE", "PENALTY_RISK", "NO_SHIP_DATE"]


@pytest.mark.parametrize(
    ("paid_at", "overdue"),
    [("2026-04-23 23:00", True), ("2026-04-24 00:30", False)],  # 14 vs 13 calendar days
)
def test_fourteen_day_boundary(paid_at: str, overdue: bool):
    out = watch_unshipped(_orders({"order_no": "C", "paid_at": paid_at}), TODAY)
    assert ("OVERDUE" in out["code"].tolist()) is overdue


# 配送遅延（要対応） is delayed for the watch as it is for plan: one definition of delayed.
@pytest.mark.parametrize("status", ["配送遅延", "配送遅延（要対応）", "배송지연", "배송 지연"])
def test_delayed_status_is_overdue(status: str):
    # Est. 05-12 still ahead: OVERDUE by status alone, 0 days late, deadline = est. date.
    # Paid Fri 05-01: only 05-07 counts → 1 business day, no penalty risk.
    out = watch_unshipped(
        _orders(
            {
                "order_no": "D",
                "status": status,
                "paid_at": "2026-05-01 12:00",
                "est_ship_date": "2026-05-12",
            }
        ),
        TODAY,
    )
    assert _found(out) == {("D", "OVERDUE"): (0, date(2026, 5, 12))}


def test_delayed_status_without_ship_date():
    # Paid 05-01: 6 calendar days, turns delayed on 05-15.
    out = watch_unshipped(
        _orders({"order_no": "E", "status": "配送遅延", "paid_at": "2026-05-01 12:00"}), TODAY
    )
    assert _found(out) == {
        ("E", "OVERDUE"): (6, date(2026, 5, 15)),
        ("E", "NO_SHIP_DATE"): (6, date(2026, 5, 15)),
    }


def test_nothing_to_report():
    # Est. date today is not passed; paid Wed 05-06 (a holiday): 05-07 = 1 business day.
    # Paid Thu 04-30: 05-01=1, 05-07=2 → below the 3-day reminder.
    out = watch_unshipped(
        _orders(
            {"order_no": "F", "paid_at": "2026-05-06 09:00", "est_ship_date": "2026-05-07"},
            {"order_no": "G", "paid_at": "2026-04-30 09:00", "est_ship_date": "2026-05-08"},
        ),
        TODAY,
    )
    assert out.empty
    assert list(out.columns) == COLUMNS


def test_penalty_on_the_ship_by_day_itself():
    # Paid Mon 04-27: 04-28=1, 04-30=2, 05-01=3, 05-07=4 → today is the last day to ship.
    out = watch_unshipped(
        _orders({"order_no": "H", "paid_at": "2026-04-27 09:00", "est_ship_date": "2026-05-20"}),
        TODAY,
    )
    assert _found(out) == {("H", "PENALTY_RISK"): (4, date(2026, 5, 7))}


def test_new_year_penalty():
    # Paid Wed 2026-12-30: 12-31=1, (01-01 holiday, weekend), 01-04=2, 01-05=3, 01-06=4.
    out = watch_unshipped(
        _orders({"order_no": "N", "paid_at": "2026-12-30 20:00", "est_ship_date": "2027-01-08"}),
        date(2027, 1, 5),
    )
    assert _found(out) == {("N", "PENALTY_RISK"): (3, date(2027, 1, 6))}


def test_unknown_payment_date():
    out = watch_unshipped(_orders({"order_no": "U"}), TODAY)
    assert _found(out) == {("U", "NO_SHIP_DATE"): (None, None)}


def test_output_layout():
    orders = _orders({"order_no": "A", "cart_no": "900", "paid_at": "2026-04-20 08:00"})
    out = watch_unshipped(orders, TODAY)
    assert list(out.columns) == COLUMNS
    assert set(out["severity"]) == {"info"}
    row = out.iloc[0]
    assert row.tracking_no is None and row.carrier is None and row.carrier_expected is None
    assert (row.order_no, row.cart_no, row.recipient) == ("A", "900", "山田 花子")
    assert (row.amount, row.source_file, row.source_row) == (1980.0, "orders.csv", 2)
    assert all(type(d) is int for d in out["days"])
    assert all(type(d) is date for d in out["deadline"])


def test_empty_input():
    out = watch_unshipped(_orders({"order_no": "X"}).iloc[0:0], TODAY)
    assert out.empty and list(out.columns) == COLUMNS


def test_urgency_order():
    orders = _orders(
        # not overdue, 4 business days (paid Mon 04-27)
        {"order_no": "P4", "paid_at": "2026-04-27 18:00", "est_ship_date": "2026-05-20"},
        # overdue (est. passed), 3 business days (paid Tue 04-28)
        {"order_no": "O3", "paid_at": "2026-04-28 10:00", "est_ship_date": "2026-05-01"},
        # not overdue, 4 business days, paid earlier the same day as P4
        {"order_no": "P4early", "paid_at": "2026-04-27 07:00", "est_ship_date": "2026-05-20"},
        # overdue (no est. date for 17 days), 9 business days
        {"order_no": "O9", "paid_at": "2026-04-20 08:00"},
        # not overdue, 1 business day
        {"order_no": "P1", "paid_at": "2026-05-01 08:00", "est_ship_date": "2026-05-20"},
        # payment date unknown: last
        {"order_no": "X", "est_ship_date": "2026-05-20"},
    )
    orders.index = [10, 11, 12, 13, 14, 15]
    key = urgency(orders, TODAY)
    assert key.index.tolist() == [10, 11, 12, 13, 14, 15]
    ranked = orders.loc[key.sort_values().index, "order_no"].tolist()
    assert ranked == ["O9", "O3", "P4early", "P4", "P1", "X"]
    # the watch lists each code most urgent first too
    out = watch_unshipped(orders, TODAY)
    penalty = out.loc[out["code"] == "PENALTY_RISK", "order_no"].tolist()
    assert penalty == ["O9", "O3", "P4early", "P4"]
