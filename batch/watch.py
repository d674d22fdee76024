"""Unshipped-order watch: OVERDUE, PENALTY_RISK and NO_SHIP_DATE reminders (CONTRACT.md).

Rules (reference/qsm.md §4.2–4.3):
- OVERDUE: the estimated ship date (発送予定日) is before today, or the status is already
  配送遅延, or there is no estimated ship date 14+ calendar days after payment (QSM then turns
  the order 配送遅延). The buyer may cancel freely.
- PENALTY_RISK: 3+ Japanese business days since payment (入金日) without dispatch. Counting
  as in batch.jpcalendar: the payment date is day 0, each later business day adds one.
  Paid Tue 2026-04-28 → Thu 05-07 is +3 (reminder mail), Fri 05-08 is +4, the last day to
  ship; unshipped on Mon 05-11 (+5) costs 2 points, on +6 a sales restriction may follow.
- NO_SHIP_DATE: no estimated ship date entered, so the buyer can cancel without approval.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from batch import exceptions
from batch.inputs import DELAYED
from batch.jpcalendar import add_business_days, business_days_between

# The exception table's columns: a customer message is never needed for a date reminder.
COLUMNS = [c for c in exceptions.COLUMNS if c != "customer_message"]
STALE_DAYS = 14  # no 発送予定日 for 14 days in 配送要請 → 配送遅延 (Qoo10 KR seller guide §3)
NOTICE_BDAYS = 3  # 入金日から3営業日目: reminder mail
SHIP_BY_BDAYS = 4  # ship within 4 business days, else −2 points on the 5th


def _facts(orders: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    """Per-order dates and flags shared by the rules and the urgency key."""
    day = pd.Timestamp(today).normalize()
    paid_at = pd.to_datetime(orders["paid_at"])
    paid = paid_at.dt.normalize()
    est = pd.to_datetime(orders["est_ship_date"]).dt.normalize()
    since_paid = (day - paid).dt.days  # float, NaN when the payment date is unknown
    return pd.DataFrame(
        {
            "paid_at": paid_at,
            "paid": paid,
            "est": est,
            "since_paid": since_paid,
            "late": (day - est).dt.days,
            # The order's state, as every stage reads 配送状態 (the profile's [statuses]).
            "delayed": orders["state"].eq(DELAYED).to_numpy(),
            "stale": est.isna() & (since_paid >= STALE_DAYS),
            "bdays": business_days_between(paid, today),
        },
        index=orders.index,
    ).assign(overdue=lambda f: (f["late"] > 0) | f["delayed"] | f["stale"])


def _order(f: pd.DataFrame) -> np.ndarray:
    """Positions, most urgent first: OVERDUE, more business days since payment, older payment."""
    bdays = f["bdays"].fillna(-1).to_numpy(dtype=np.int64)  # unknown payment after 0 days
    paid = f["paid_at"].rank(method="min", na_option="bottom").to_numpy()
    # lexsort: last key is the primary one; it is stable, so input order breaks ties.
    return np.lexsort((paid, -bdays, ~f["overdue"].to_numpy()))


def urgency(orders: pd.DataFrame, today: dt.date) -> pd.Series:
    """Sort key per order (0 = most urgent, unique), aligned to orders' index.

    Use: ``orders.loc[urgency(orders, today).sort_values().index]``.
    """
    pos = _order(_facts(orders, today))
    key = np.empty(len(pos), dtype=np.int64)
    key[pos] = np.arange(len(pos))
    return pd.Series(key, index=orders.index, name="urgency")


def _n(x: pd.Series, unit: str) -> pd.Series:
    """'1 day' / '3 days' (text; NaN stays NaN)."""
    return x.astype("Int64").astype(str) + np.where(x == 1, f" {unit}", f" {unit}s")


def _ymd(s: pd.Series) -> pd.Series:
    return s.dt.strftime("%Y-%m-%d")


def _rows(
    code: str,
    o: pd.DataFrame,
    mask: pd.Series,
    days: pd.Series,
    deadline: pd.Series,
    message: np.ndarray,
) -> pd.DataFrame:
    """Exception rows in the CONTRACT layout for the orders where mask holds."""
    days = days.astype("Int64")
    out = pd.DataFrame(
        {
            "code": code,
            "severity": "info",
            "order_no": o["order_no"],
            "cart_no": o["cart_no"],
            "tracking_no": None,
            "carrier": None,
            "carrier_expected": None,
            "recipient": o["recipient_name"],
            "amount": o["amount"],
            "source_file": o["source_file"],
            "source_row": o["source_row"],
            "message": message,
            # Python int / datetime.date / None: ready for JSON and openpyxl.
            "days": days.astype(object).where(days.notna(), None),
            "deadline": deadline.dt.date.astype(object).where(deadline.notna(), None),
        },
        index=o.index,
    )
    return out[mask.to_numpy(dtype=bool)]


def watch_unshipped(orders: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    """OVERDUE, PENALTY_RISK and NO_SHIP_DATE rows for paid orders without tracking.

    One row per (order, code). Rows come grouped by code in that order, each group most
    urgent first (see urgency). ``days``: OVERDUE — calendar days past the estimated ship
    date (0 if the status says delayed but the date is still ahead) or, without one, days
    since payment; PENALTY_RISK — business days since payment; NO_SHIP_DATE — calendar days
    since payment. ``deadline``: the estimated ship date, payment + 4 business days, and
    payment + 14 days respectively. Unknown values are None.
    """
    if orders.empty:
        return pd.DataFrame(columns=COLUMNS)
    o = orders.reset_index(drop=True)
    f = _facts(o, today)
    pos = _order(f)
    o, f = o.iloc[pos], f.iloc[pos]
    turns_delayed = f["paid"] + pd.Timedelta(days=STALE_DAYS)
    has_est = f["est"].notna()

    late_days = f["late"].where(has_est, f["since_paid"]).clip(lower=0)
    overdue_msg = np.select(
        [f["late"] > 0, f["stale"]],
        [
            "Estimated ship date "
            + _ymd(f["est"])
            + " passed "
            + _n(f["late"], "day")
            + " ago; the buyer may cancel freely. Ship first.",
            "No estimated ship date " + _n(f["since_paid"], "day") + " after payment"
            " (delayed since " + _ymd(turns_delayed) + "); the buyer may cancel freely."
            " Ship first.",
        ],
        "The QSM status is delayed; the buyer may cancel freely. Ship first.",
    )

    bdays = f["bdays"].astype("float")  # NaN-friendly for the comparisons below
    ship_by = add_business_days(f["paid"], SHIP_BY_BDAYS)
    head = _n(bdays, "business day") + " since payment; "
    penalty_msg = np.select(
        [bdays <= SHIP_BY_BDAYS, bdays == SHIP_BY_BDAYS + 1],
        [
            head + "ship by " + _ymd(ship_by) + " to avoid the late-dispatch penalty (-2 points).",
            head + "missed the " + _ymd(ship_by) + " ship-by date (-2 points);"
            " ship today to avoid a sales restriction.",
        ],
        head + "missed the " + _ymd(ship_by) + " ship-by date (-2 points);"
        " a sales restriction may apply.",
    )

    no_date_msg = np.select(
        [f["since_paid"].isna(), f["stale"]],
        [
            "No estimated ship date: the buyer can cancel without approval.",
            "No estimated ship date " + _n(f["since_paid"], "day") + " after payment;"
            " the buyer can cancel without approval.",
        ],
        "No estimated ship date " + _n(f["since_paid"], "day") + " after payment;"
        " the buyer can cancel without approval. Enter one before "
        + _ymd(turns_delayed)
        + ", when the order turns delayed.",
    )

    blocks = [
        _rows(
            "OVERDUE",
            o,
            f["overdue"],
            late_days,
            f["est"].where(has_est, turns_delayed),
            overdue_msg,
        ),
        _rows("PENALTY_RISK", o, bdays >= NOTICE_BDAYS, bdays, ship_by, penalty_msg),
        _rows("NO_SHIP_DATE", o, ~has_est, f["since_paid"], turns_delayed, no_date_msg),
    ]
    blocks = [b for b in blocks if not b.empty]
    if not blocks:
        return pd.DataFrame(columns=COLUMNS)
    return pd.concat(blocks, ignore_index=True)[COLUMNS]
