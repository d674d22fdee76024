"""Unshipped-order watch: the dates and business days of paid orders without tracking, the
order of urgency, and the OVERDUE, PENALTY_RISK and NO_SHIP_DATE reminders (CONTRACT.md),
whose rules are batch/rules/unshipped.py."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from batch import exceptions
from batch.inputs import DELAYED
from batch.jpcalendar import business_days_between
from batch.rules import unshipped
from batch.rules.registry import Hit

# The reminders' numbers live with their rules; plan and the workbook read them here.
from batch.rules.unshipped import NOTICE_BDAYS, SHIP_BY_BDAYS, STALE_DAYS  # noqa: F401

# The exception table's columns: a customer message is never needed for a date reminder.
COLUMNS = [c for c in exceptions.COLUMNS if c != "customer_message"]


def facts(orders: pd.DataFrame, today: dt.date) -> pd.DataFrame:
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
    pos = _order(facts(orders, today))
    key = np.empty(len(pos), dtype=np.int64)
    key[pos] = np.arange(len(pos))
    return pd.Series(key, index=orders.index, name="urgency")


def _rows(code: str, o: pd.DataFrame, hit: Hit) -> pd.DataFrame:
    """Exception rows in the CONTRACT layout for the orders of ``o`` the rule applies to."""
    at = hit.mask
    when = hit.columns(at)
    days, deadline = when["days"].astype("Int64"), when["deadline"]
    rows = o[at]
    return pd.DataFrame(
        {
            "code": code,
            "severity": "info",
            "order_no": rows["order_no"],
            "cart_no": rows["cart_no"],
            "tracking_no": None,
            "carrier": None,
            "carrier_expected": None,
            "recipient": rows["recipient_name"],
            "amount": rows["amount"],
            "source_file": rows["source_file"],
            "source_row": rows["source_row"],
            **hit.says(at),
            # Python int / datetime.date / None: ready for JSON and openpyxl.
            "days": days.astype(object).where(days.notna(), None),
            "deadline": deadline.dt.date.astype(object).where(deadline.notna(), None),
        },
        index=rows.index,
    )


def watch_unshipped(orders: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    """OVERDUE, PENALTY_RISK and NO_SHIP_DATE rows for paid orders without tracking.

    One row per (order, code). Rows come grouped by code in that order, each group most
    urgent first (see urgency). ``days`` and ``deadline`` are each rule's (batch/rules/
    unshipped.py); unknown values are None.
    """
    if orders.empty:
        return pd.DataFrame(columns=COLUMNS)
    o = orders.reset_index(drop=True)
    f = facts(o, today)
    pos = _order(f)
    o, f = o.iloc[pos], f.iloc[pos]
    blocks = [_rows(code, o, rule(f)) for code, rule in unshipped.RULES.items()]
    blocks = [b for b in blocks if not b.empty]
    if not blocks:
        return pd.DataFrame(columns=COLUMNS)
    return pd.concat(blocks, ignore_index=True)[COLUMNS]
