"""The facts the rules read, built once per run: the matched pairs joined with their courier
row and their order, and per order the number that ships."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from batch import row_messages
from batch.normalize import first_seen, sort_positions
from batch.rules import row

# Text columns no rule reads stay out of the joined table: every filter, sort and
# de-duplication of it copies each column it holds.
_UNUSED_DISPATCH = ["reference", "recipient_name", "name_key", "phone", "postal", "service",
                    "number_rule", "mangled", "trackable", "ship_date_unreadable"]  # fmt: skip
_UNUSED_ORDER = ["recipient_name", "name_key", "phone", "postal", "source_file", "source_row",
                 "item_name", "mobile", "paid_at", "ordered_at", "est_ship_date",
                 "expected_trackable"]  # fmt: skip


@dataclass
class Facts:
    pairs: pd.DataFrame  # one row per (dispatch row, order): both rows' columns, code, message
    usable: pd.DataFrame  # per order, each usable number once, first-shipped first
    first: pd.DataFrame  # the number that ships, per order (index order_no, sorted)
    extra: pd.DataFrame  # the order's other usable numbers (rows of pairs)


def earliest_ship(orders: pd.DataFrame) -> pd.Series:
    """The first day a parcel of each order can have left: its payment day, else its order
    day (NaT when the export shows neither)."""
    return orders["paid_at"].dt.normalize().fillna(orders["ordered_at"].dt.normalize())


def joined(
    orders: pd.DataFrame, dispatch: pd.DataFrame, pairs: pd.DataFrame, today: dt.date
) -> pd.DataFrame:
    """The pairs with their courier row (its code and message from the row rules) and their
    order; a ship date before the order is a row problem of its pairs too."""
    problems = row.problems(dispatch, today)
    d = dispatch.drop(columns=_UNUSED_DISPATCH, errors="ignore").merge(
        problems[["dispatch_id", "code", *row_messages.COLUMNS]], on="dispatch_id"
    )
    p = pairs.merge(d, on="dispatch_id").merge(
        orders.drop(columns=_UNUSED_ORDER, errors="ignore").assign(
            recipient=orders["recipient_name"],
            order_name_key=orders["name_key"],
            order_postal=orders["postal"],
            earliest_ship=earliest_ship(orders),
        ),
        on="order_no",
    )
    early = row.shipped_before_the_order(p, orders, today)
    if early.mask.any():
        hit = np.flatnonzero(early.mask)
        p.iloc[hit, p.columns.get_loc("code")] = "SHIP_DATE_INVALID"
        for column, values in early.says(early.mask).items():
            p.iloc[hit, p.columns.get_loc(column)] = values
    return p


def build(
    orders: pd.DataFrame, dispatch: pd.DataFrame, pairs: pd.DataFrame, today: dt.date
) -> Facts:
    """The joined pairs, and per order its usable numbers: the first (earliest ship date,
    then file order) ships."""
    p = joined(orders, dispatch, pairs, today)
    # Sorted and de-duplicated on a narrow frame of positions in p; `first` and `extra`
    # take p's rows once.
    usable = np.flatnonzero(p["code"].eq("").to_numpy())
    keyed = p[["order_no", "ship_date", "dispatch_id"]].iloc[usable]
    at = usable[sort_positions(keyed, ["order_no", "ship_date", "dispatch_id"])]
    ok = p[["order_no", "tracking_no", "cart_no", "order_name_key", "order_postal"]].iloc[at]
    once = first_seen(ok["order_no"], ok["tracking_no"])
    at, ok = at[once], ok[once]
    is_first = first_seen(ok["order_no"])
    return Facts(
        pairs=p,
        usable=ok,
        first=p.iloc[at[is_first]].set_index("order_no"),
        extra=p.iloc[at[~is_first]],
    )
