"""The facts the rules read, built once per run: the matched pairs with their courier row and
their order, and per order the number that ships."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from batch import row_messages
from batch.normalize import first_seen, keys
from batch.rules import row

# Text columns no rule reads stay out of the joined rows: every take of them copies each
# column they hold.
_UNUSED_DISPATCH = ["reference", "recipient_name", "name_key", "phone", "postal", "service",
                    "number_rule", "mangled", "trackable", "ship_date_unreadable"]  # fmt: skip
_UNUSED_ORDER = ["recipient_name", "name_key", "phone", "postal", "source_file", "source_row",
                 "item_name", "mobile", "paid_at", "ordered_at", "est_ship_date",
                 "expected_trackable"]  # fmt: skip


# What no rule reads of the number that ships (the orders with a usable number): `first` is
# taken at random from 800k pairs at 1M lines, each column it holds costs.
_NOT_SHIPPING = ("how", "tracking_raw", "code", *row_messages.COLUMNS, "address",
                 "order_name_key", "order_postal", "earliest_ship")  # fmt: skip
_USABLE_ORDER = ("cart_no", "order_name_key", "order_postal")  # what `usable` reads of the order


@dataclass
class Facts:
    matched: np.ndarray  # per order (by position in orders): some pair names it
    first_at: np.ndarray  # the position in orders of each row of `first`
    problems: pd.DataFrame  # the pairs whose courier row has a code: both rows' columns, message
    usable: pd.DataFrame  # per order, each usable number once, first-shipped first
    first: pd.DataFrame  # the number that ships, per order (index order_no, sorted)
    extra: pd.DataFrame  # the order's other usable numbers (rows of the pairs)


def earliest_ship(orders: pd.DataFrame) -> pd.Series:
    """The first day a parcel of each order can have left: its payment day, else its order
    day (NaT when the export shows neither)."""
    return orders["paid_at"].dt.normalize().fillna(orders["ordered_at"].dt.normalize())


class Joined:
    """The pairs joined with their courier row (its code and message from the row rules) and
    their order, as positions: ``rows(at)`` builds the joined rows of the pairs ``at`` only.
    Joining every pair's text columns and then taking the few rows each rule reads moved
    every cell twice, at random (seconds at 1M pairs)."""

    def __init__(self, orders, dispatch, pairs, today: dt.date) -> None:
        problems = row.problems(dispatch, today)
        self._d = dispatch.drop(columns=_UNUSED_DISPATCH, errors="ignore").merge(
            problems[["dispatch_id", "code", *row_messages.COLUMNS]], on="dispatch_id"
        )
        self._o = orders.drop(columns=_UNUSED_ORDER, errors="ignore").assign(
            recipient=orders["recipient_name"],
            order_name_key=orders["name_key"],
            order_postal=orders["postal"],
            earliest_ship=earliest_ship(orders),
        )
        d_at = pd.Index(self._d["dispatch_id"]).get_indexer(pairs["dispatch_id"])
        o_at = pairs["order_at"].to_numpy()  # matching found each order's position
        inner = (d_at >= 0) & (o_at >= 0)  # what an inner merge keeps, in the pairs' order
        self._pairs = pairs[inner].drop(columns="order_at").reset_index(drop=True)
        self._d_at, self.order_at = d_at[inner], o_at[inner]  # by pair
        # The columns every pair needs: the sort, the de-duplication, the date check.
        self.keys = pd.DataFrame(
            {
                "dispatch_id": self._pairs["dispatch_id"],
                "order_no": self._pairs["order_no"],
                "code": self._d["code"].to_numpy()[self._d_at],
                "ship_date": self._d["ship_date"].take(self._d_at).to_numpy(),
                "earliest_ship": self._o["earliest_ship"].take(self.order_at).to_numpy(),
            }
        )
        self._said: dict[str, np.ndarray] = {}  # message columns of the early rows
        early = row.shipped_before_the_order(self.keys, orders, today)
        self._early = early.mask
        if early.mask.any():
            self.keys.loc[early.mask, "code"] = "SHIP_DATE_INVALID"
            self._said = early.says(early.mask)

    def column(self, name: str, at: np.ndarray) -> pd.Series:
        """One column of the joined rows of the pairs ``at`` (from the dispatch row)."""
        return self._d[name].take(self._d_at[at])

    def codes(self, name: str, at: np.ndarray) -> np.ndarray:
        """A column of the dispatch rows as integer codes (equal text, equal code), of the
        pairs ``at``: the sheets' rows hashed once, fewer than the pairs."""
        return keys(self._d[name])[self._d_at[at]]

    def order_column(self, name: str, at: np.ndarray) -> pd.Series:
        return self._o[name].take(self.order_at[at])

    def rows(self, at: np.ndarray, leave_out: tuple[str, ...] = ()) -> pd.DataFrame:
        """The joined rows of the pairs at positions ``at``: the pair's columns, then its
        courier row's, then its order's (index: the positions), but those of ``leave_out``."""
        parts = [
            self._pairs.take(at),
            self._d.drop(columns=["dispatch_id", *leave_out], errors="ignore").take(self._d_at[at]),
            self._o.drop(columns=["order_no", *leave_out], errors="ignore").take(self.order_at[at]),
        ]
        out = pd.concat([p.reset_index(drop=True) for p in parts], axis=1).set_axis(at)
        out = out.drop(columns=[c for c in leave_out if c in self._pairs.columns])
        early = np.flatnonzero(self._early[at])
        if len(early):  # the date check's code and message replace the row rules' ("")
            said = np.cumsum(self._early)[at[early]] - 1  # positions in self._said
            for column, values in {"code": "SHIP_DATE_INVALID", **self._said}.items():
                if column in out:
                    value = values if np.ndim(values) == 0 else np.asarray(values)[said]
                    out.iloc[early, out.columns.get_loc(column)] = value
        return out


def _starts(group: np.ndarray) -> np.ndarray:
    """True where a run of equal values starts (the first row of each, when sorted)."""
    return np.concatenate([[True], group[1:] != group[:-1]]) if len(group) else group == 0


def _by_order(j: Joined, usable: np.ndarray, orders: pd.DataFrame) -> np.ndarray:
    """Positions that sort the pairs ``usable`` by order number, ship date (missing last),
    then file order: what sorting on the numbers' text gives, with each order's number as
    its rank among the orders' numbers (unique, so no ties), sorted by numpy on integers."""
    by_number = pc.sort_indices(pa.array(orders["order_no"], from_pandas=True)).to_numpy()
    rank = np.empty(len(by_number), dtype=np.int64)
    rank[by_number] = np.arange(len(by_number))
    ship = j.keys["ship_date"].to_numpy()[usable]
    missing = np.isnat(ship)
    file_order = j.keys["dispatch_id"].to_numpy()[usable]
    return np.lexsort((file_order, ship.view(np.int64), missing, rank[j.order_at[usable]]))


def build(
    orders: pd.DataFrame, dispatch: pd.DataFrame, pairs: pd.DataFrame, today: dt.date
) -> Facts:
    """The joined pairs, and per order its usable numbers: the first (earliest ship date,
    then file order) ships."""
    j = Joined(orders, dispatch, pairs, today)
    code = j.keys["code"].to_numpy()
    # Sorted and de-duplicated on a narrow frame of positions in the pairs; `first` and
    # `extra` take their rows once.
    usable = np.flatnonzero(code == "")
    at = usable[_by_order(j, usable, orders)]
    # Numbers as integer codes (one hash of the sheets' numbers): `usable` is grouped by them.
    number = j.codes("tracking_no", at)
    ok = pd.DataFrame(
        {
            "order_no": j.keys["order_no"].take(at).set_axis(at),
            "tracking_no": j.column("tracking_no", at).set_axis(at),
            "number": number,
            **{c: j.order_column(c, at).set_axis(at) for c in _USABLE_ORDER},
        }
    )
    # An order is its position in orders (numbers are unique): integers, not text, to hash.
    once = first_seen(j.order_at[at], ok["number"])
    at, ok = at[once], ok[once]
    is_first = _starts(j.order_at[at])  # sorted by order: its first row starts its run
    return Facts(
        matched=np.bincount(j.order_at, minlength=len(orders)) > 0,
        first_at=j.order_at[at[is_first]],
        problems=j.rows(np.flatnonzero(code != "")),
        usable=ok,
        first=j.rows(at[is_first], _NOT_SHIPPING).set_index("order_no"),
        extra=j.rows(at[~is_first]),
    )
