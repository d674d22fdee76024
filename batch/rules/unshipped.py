"""Unshipped rules: the OVERDUE, PENALTY_RISK and NO_SHIP_DATE reminders for paid orders
without a number.

Rules (reference/qsm.md §4.2–4.3):
- OVERDUE: the estimated ship date (発送予定日) is before today, or the status is already
  配送遅延, or there is no estimated ship date 14+ calendar days after payment (QSM then turns
  the order 配送遅延). The buyer may cancel freely.
- PENALTY_RISK: 3+ Japanese business days since payment (入金日) without dispatch. Counting
  as in batch.jpcalendar: the payment date is day 0, each later business day adds one.
  Paid Tue 2026-04-28 → Thu 05-07 is +3 (reminder mail), Fri 05-08 is +4, the last day to
  ship; unshipped on Mon 05-11 (+5) costs 2 points, on +6 a sales restriction may follow.
- NO_SHIP_DATE: no estimated ship date entered, so the buyer can cancel without approval.

Each rule reads the per-order dates and flags of batch/watch.py's facts (``f``: paid, est,
since_paid, late, stale, bdays, overdue) and returns a Hit whose ``columns`` give ``days``
and ``deadline``. The reminders do not exclude each other: an order gets every one that
applies.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from batch.jpcalendar import add_business_days
from batch.rules.registry import Hit

STALE_DAYS = 14  # no 発送予定日 for 14 days in 配送要請 → 配送遅延 (Qoo10 KR seller guide §3)
NOTICE_BDAYS = 3  # 入金日から3営業日目: reminder mail
SHIP_BY_BDAYS = 4  # ship within 4 business days, else −2 points on the 5th


def _n(x: pd.Series, unit: str) -> pd.Series:
    """'1 day' / '3 days' (text; NaN stays NaN)."""
    return x.astype("Int64").astype(str) + np.where(x == 1, f" {unit}", f" {unit}s")


def _ymd(s: pd.Series) -> pd.Series:
    return s.dt.strftime("%Y-%m-%d")


def _when(days: pd.Series, deadline: pd.Series):
    """``columns`` of a reminder: its days and deadline, for the rows of a mask."""
    return lambda at: {"days": days[at], "deadline": deadline[at]}


def overdue(f: pd.DataFrame) -> Hit:
    """OVERDUE: the estimated ship date has passed, QSM says delayed, or there has been no
    estimated ship date for 14 days since payment. ``days``: past the estimated date (0 when
    only the status says delayed), else since payment; ``deadline``: that date, else the
    day the order turned delayed."""
    turns_delayed = f["paid"] + pd.Timedelta(days=STALE_DAYS)
    has_est = f["est"].notna()
    message = np.select(
        [f["late"] > 0, f["stale"]],
        [
            "Estimated ship date " + _ymd(f["est"]) + " passed " + _n(f["late"], "day")
            + " ago; the buyer may cancel freely. Ship first.",
            "No estimated ship date " + _n(f["since_paid"], "day") + " after payment"
            " (delayed since " + _ymd(turns_delayed) + "); the buyer may cancel freely."
            " Ship first.",
        ],
        "The QSM status is delayed; the buyer may cancel freely. Ship first.",
    )  # fmt: skip
    days = f["late"].where(has_est, f["since_paid"]).clip(lower=0)
    deadline = f["est"].where(has_est, turns_delayed)
    return Hit(f["overdue"].to_numpy(dtype=bool), lambda at: message[at], _when(days, deadline))


def penalty_risk(f: pd.DataFrame) -> Hit:
    """PENALTY_RISK: 3+ business days since payment. ``days``: those business days;
    ``deadline``: payment + 4 business days, the last day to ship."""
    bdays = f["bdays"].astype("float")  # NaN-friendly for the comparisons below
    ship_by = add_business_days(f["paid"], SHIP_BY_BDAYS)
    head = _n(bdays, "business day") + " since payment; "
    missed = head + "missed the " + _ymd(ship_by) + " ship-by date (-2 points);"
    message = np.select(
        [bdays <= SHIP_BY_BDAYS, bdays == SHIP_BY_BDAYS + 1],
        [
            head + "ship by " + _ymd(ship_by) + " to avoid the late-dispatch penalty (-2 points).",
            missed + " ship today to avoid a sales restriction.",
        ],
        missed + " a sales restriction may apply.",
    )
    mask = (bdays >= NOTICE_BDAYS).to_numpy(dtype=bool)
    return Hit(mask, lambda at: message[at], _when(bdays, ship_by))


def no_ship_date(f: pd.DataFrame) -> Hit:
    """NO_SHIP_DATE: no estimated ship date entered, so the buyer can cancel without
    approval. ``days``: since payment; ``deadline``: payment + 14 days, when it turns
    delayed."""
    turns_delayed = f["paid"] + pd.Timedelta(days=STALE_DAYS)
    after = "No estimated ship date " + _n(f["since_paid"], "day") + " after payment;"
    message = np.select(
        [f["since_paid"].isna(), f["stale"]],
        [
            "No estimated ship date: the buyer can cancel without approval.",
            after + " the buyer can cancel without approval.",
        ],
        after + " the buyer can cancel without approval. Enter one before "
        + _ymd(turns_delayed) + ", when the order turns delayed.",
    )  # fmt: skip
    return Hit(
        f["est"].isna().to_numpy(dtype=bool),
        lambda at: message[at],
        _when(f["since_paid"], turns_delayed),
    )


# The reminders in the order they are listed: each block most urgent first.
RULES = {"OVERDUE": overdue, "PENALTY_RISK": penalty_risk, "NO_SHIP_DATE": no_ship_date}
