"""Order rules: whether an order with a usable number from the sheets may be uploaded.

The rules read ``Shipments``: one row per such order, its first usable number and what the
export says about it. They are consulted by rank (batch/codes.py); an order held by one is
not reported by a later one, so an order whose status says it is not to ship (or says
nothing known) reports that alone. ``unknown_status`` reads every order of the export, with a
number or not, and comes first; ``carrier_mismatch`` reads the orders that are uploaded.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from batch.inputs import AWAITING_PAYMENT, CANCELLED, SHIPPED, UNKNOWN
from batch.normalize import distinct_per_group, isin, positions
from batch.row_messages import say
from batch.rules.registry import Hit, Rules

RULES = Rules()


def join_present(values) -> str:
    """The distinct non-blank values, in order, comma-separated."""
    return ", ".join(dict.fromkeys(v for v in values if v))


@dataclass
class Shipments:
    rows: pd.DataFrame  # per order with a usable number: its first row of the pairs (RangeIndex)
    known: np.ndarray  # the export's number for the order is one the sheets give it (False: none)
    shared: np.ndarray  # numbers the sheets give to carts of different recipients
    carts: pd.Series  # tracking_no -> the carts sharing it


def shipments(first: pd.DataFrame, usable: pd.DataFrame) -> Shipments:
    """``first``: the number that ships per order (index order_no); ``usable``: every
    usable (order, number) once, with the order's recipient keys."""
    existing = first["existing_tracking"]
    # Read only where the export shows a number (the rules that read it check that first):
    # most orders of a large day have none, and the pairs' text is 800k strings at 1M lines.
    has = existing.ne("").to_numpy()
    known = np.zeros(len(first), dtype=bool)
    if has.any():
        order_nos = first.index[has]
        u = usable[isin(usable["order_no"], order_nos)]
        # order_no is digits only, so "order|tracking" names one pair.
        known[has] = isin(order_nos + "|" + existing[has], u["order_no"] + "|" + u["tracking_no"])
    # One number on carts with different recipients is a mix-up, not a shared parcel.
    on_shared = usable[
        distinct_per_group(
            usable["number"], usable["order_name_key"], usable["order_postal"]
        ) > 1
    ]  # fmt: skip
    return Shipments(
        rows=first.reset_index(),
        known=known,
        shared=pd.unique(on_shared["tracking_no"]),
        carts=on_shared.groupby("tracking_no")["cart_no"].agg(join_present),
    )


def unknown_status(o: pd.DataFrame, first: pd.DataFrame) -> Hit:
    """UNKNOWN_STATUS: a 配送状態 the tool does not know, for every order of the export
    (``o``, index order_no): counting it paid or not eligible would be a guess."""
    unknown = o["state"].eq(UNKNOWN).to_numpy()

    def number(at: np.ndarray) -> np.ndarray:
        where = positions(o.index[at], first.index)
        # An order with no usable number from any sheet takes the "" appended last (-1).
        return np.append(first["tracking_no"].to_numpy(dtype=object), "")[where]

    def says(at: np.ndarray):
        status, n = o["status"][at], number(at)
        blank = status.eq("").to_numpy()
        key = np.where(
            n != "",
            np.where(blank, "row.status.blank_number", "row.status.unknown_number"),
            np.where(blank, "row.status.blank", "row.status.unknown"),
        )
        return say(key, status=status, number=n)

    def columns(at: np.ndarray) -> dict:
        n = number(at)
        return {
            "order_no": o.index[at],
            "tracking_no": pd.Series(n).where(n != "", None),
            "recipient": o["recipient_name"][at],
        }

    return Hit(unknown, says, columns)


def _shipped_in_state(s: Shipments, state: str, key: str) -> Hit:
    """A number for an order whose state says it is not to ship."""
    rows = s.rows
    return Hit(
        rows["state"].eq(state).to_numpy(),
        lambda at: say(key, number=rows["tracking_no"][at]),
    )


@RULES("SHIPPED_UNPAID")
def shipped_unpaid(s: Shipments) -> Hit:
    return _shipped_in_state(s, AWAITING_PAYMENT, "row.shipped.unpaid")


@RULES("SHIPPED_CANCELLED")
def shipped_cancelled(s: Shipments) -> Hit:
    return _shipped_in_state(s, CANCELLED, "row.shipped.cancelled")


def _source(rows: pd.DataFrame, at: np.ndarray):
    """Where the number the export or the ledger already has comes from, worded."""
    run = rows["existing_run"][at] if "existing_run" in rows else ""
    return say(rows["existing_source"][at].map(_SOURCES).to_numpy(dtype=object), run=run)


# existing_source (batch/upload_life.py) -> the catalogue key that words it
_SOURCES = {
    "export": "row.source.export",
    "ledger": "row.source.ledger",
    "ledger_confirmed": "row.source.ledger_confirmed",
    "ledger_never": "row.source.ledger_never",
}


@RULES("ALREADY_DISPATCHED")
def already_dispatched(s: Shipments) -> Hit:
    """The export shows the sheets' number, or QSM's status says it is in delivery with no
    number shown: it was registered once already, so it is not registered again."""
    rows = s.rows
    existing = rows["existing_tracking"]
    already = (existing.ne("") & s.known) | (existing.eq("") & rows["state"].eq(SHIPPED))

    def says(at: np.ndarray):
        source = rows["existing_source"]
        status = source[at].eq("").to_numpy()
        # The status variant quotes no source (it has none): any key fills its field.
        source = _source(rows.assign(existing_source=source.where(source.ne(""), "export")), at)
        key = np.where(status, "row.already.status", "row.already.source")
        return say(key, source=source, status=rows["status"][at])

    return Hit(already.to_numpy(), says)


@RULES("TRACKING_CONFLICT")
def tracking_conflict(s: Shipments) -> Hit:
    """The export shows another number than any the sheets give the order."""
    rows = s.rows
    return Hit(
        (rows["existing_tracking"].ne("") & ~s.known).to_numpy(),
        lambda at: say(
            "row.number.conflict", existing=rows["existing_tracking"][at],
            source=_source(rows, at), number=rows["tracking_no"][at],
        ),
    )  # fmt: skip


@RULES("DUPLICATE_TRACKING")
def duplicate_tracking(s: Shipments) -> Hit:
    rows = s.rows
    return Hit(
        isin(rows["tracking_no"], s.shared),
        lambda at: say(
            "row.number.duplicate",
            number=rows["tracking_no"][at],
            carts=rows["tracking_no"][at].map(s.carts),
        ),
    )


def carrier_name(rows: pd.DataFrame) -> pd.Series:
    """The carrier name of each row's parcel, for QSM and for the customer.

    QSM checks the number against the carrier: the listing's own name for the listing's
    company, otherwise the QSM name of the carrier actually used (else its text)."""
    same_company = rows["company"].eq(rows["expected_company"])
    used = rows["qsm_name"].where(rows["qsm_name"].ne(""), rows["carrier"])
    return rows["carrier_expected"].where(same_company, used)


def carrier_mismatch(up: pd.DataFrame) -> Hit:
    """CARRIER_MISMATCH on the uploaded rows ``up``: listed with one company, shipped with
    another (uploaded all the same, with the carrier used)."""
    listed = up["expected_company"]
    return Hit(
        (listed.ne("") & ~up["company"].eq(listed)).to_numpy(),
        lambda at: say(
            "row.listing.mismatch", listed=up["carrier_expected"][at], used=up["carrier"][at]
        ),
    )
