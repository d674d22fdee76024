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
from batch.row_messages import say
from batch.rules.registry import Hit

STALE_DAYS = 14  # no 発送予定日 for 14 days in 配送要請 → 配送遅延 (Qoo10 KR seller guide §3)
NOTICE_BDAYS = 3  # 入金日から3営業日目: reminder mail
SHIP_BY_BDAYS = 4  # ship within 4 business days, else −2 points on the 5th


def _count(x: pd.Series) -> pd.Series:
    """Whole days as the messages count them (a plural's ``n``)."""
    return x.astype("Int64")


def _ymd(s: pd.Series) -> pd.Series:
    return s.dt.strftime("%Y-%m-%d")


def _when(days: pd.Series, deadline: pd.Series):
    """``columns`` of a reminder: its days and deadline, for the rows of a mask."""
    return lambda at: {"days": days[at], "deadline": deadline[at]}


def _says(key: np.ndarray, **fields: pd.Series):
    """``says`` of a reminder: the message of each row's key, for the rows of a mask."""
    return lambda at: say(key[at], **{name: v[at] for name, v in fields.items()})


def overdue(f: pd.DataFrame) -> Hit:
    """OVERDUE: the estimated ship date has passed, QSM says delayed, or there has been no
    estimated ship date for 14 days since payment. ``days``: past the estimated date (0 when
    only the status says delayed), else since payment; ``deadline``: that date, else the
    day the order turned delayed."""
    turns_delayed = f["paid"] + pd.Timedelta(days=STALE_DAYS)
    has_est = f["est"].notna()
    late = (f["late"] > 0).to_numpy()
    key = np.select(
        [late, f["stale"].to_numpy(dtype=bool)],
        ["row.overdue.est_passed", "row.overdue.stale"],
        "row.overdue.status",
    )
    n = _count(f["late"].where(late, f["since_paid"]))
    days = f["late"].where(has_est, f["since_paid"]).clip(lower=0)
    deadline = f["est"].where(has_est, turns_delayed)
    says = _says(key, n=n, est=_ymd(f["est"]), since=_ymd(turns_delayed))
    return Hit(f["overdue"].to_numpy(dtype=bool), says, _when(days, deadline))


def penalty_risk(f: pd.DataFrame) -> Hit:
    """PENALTY_RISK: 3+ business days since payment. ``days``: those business days;
    ``deadline``: payment + 4 business days, the last day to ship."""
    bdays = f["bdays"].astype("float")  # NaN-friendly for the comparisons below
    ship_by = add_business_days(f["paid"], SHIP_BY_BDAYS)
    key = np.select(
        [(bdays <= SHIP_BY_BDAYS).to_numpy(), (bdays == SHIP_BY_BDAYS + 1).to_numpy()],
        ["row.penalty.ship_by", "row.penalty.ship_today"],
        "row.penalty.restriction",
    )
    mask = (bdays >= NOTICE_BDAYS).to_numpy(dtype=bool)
    says = _says(key, n=_count(bdays), date=_ymd(ship_by))
    return Hit(mask, says, _when(bdays, ship_by))


def no_ship_date(f: pd.DataFrame) -> Hit:
    """NO_SHIP_DATE: no estimated ship date entered, so the buyer can cancel without
    approval. ``days``: since payment; ``deadline``: payment + 14 days, when it turns
    delayed."""
    turns_delayed = f["paid"] + pd.Timedelta(days=STALE_DAYS)
    key = np.select(
        [f["since_paid"].isna().to_numpy(), f["stale"].to_numpy(dtype=bool)],
        ["row.no_ship_date.unpaid", "row.no_ship_date.stale"],
        "row.no_ship_date.enter",
    )
    says = _says(key, n=_count(f["since_paid"]).fillna(0), date=_ymd(turns_delayed))
    return Hit(f["est"].isna().to_numpy(dtype=bool), says, _when(f["since_paid"], turns_delayed))


# The reminders in the order they are listed: each block most urgent first.
RULES = {"OVERDUE": overdue, "PENALTY_RISK": penalty_risk, "NO_SHIP_DATE": no_ship_date}
