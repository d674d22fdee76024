"""The engine: builds the facts once, consults each stage's rules by rank, and puts every
order of the export in exactly one bucket."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from batch import codes, exceptions, row_messages
from batch.inputs import AWAITING_PAYMENT, CANCELLED, SHIPPED
from batch.normalize import joined_per_group, keys
from batch.rules import cart, facts, order
from batch.rules.match import INVALID_ORDER
from batch.rules.registry import Hit, report

# Order buckets of summary.json, in the order the accountant reads them.
UPLOADED, HELD, UNSHIPPED, NOT_ELIGIBLE, ALREADY, INVALID = (
    "uploaded",
    "held",
    "unshipped",
    "not_eligible",
    "already_dispatched",
    "invalid",
)


# The columns of an uploaded order's row that _upload, CARRIER_MISMATCH (order.carrier_name)
# and its exception rows read.
_UPLOAD_READS = {
    *exceptions.COLUMNS, "ship_date", "dispatch_id", "company", "expected_company", "qsm_name",
}  # fmt: skip


@dataclass
class Decision:
    bucket: pd.Series  # order_no -> bucket (valid orders only), in the orders' row order
    upload: pd.DataFrame  # order_no, tracking_no, carrier, ship_date, dispatch_id
    exceptions: pd.DataFrame
    # The position in the orders of each upload row's order (None: look the numbers up).
    upload_at: np.ndarray | None = None


def decide(
    orders: pd.DataFrame,
    dispatch: pd.DataFrame,
    pairs: pd.DataFrame,
    today: dt.date,
    cart_of: np.ndarray,
) -> Decision:
    """Buckets, upload rows and exceptions from the matched pairs; ``today`` is the run's,
    ``cart_of`` each order's cart as an integer code (by position, from matching)."""
    # A row linked to an order that is invalid in the export has no order to ship here
    # (matching reported it as INVALID_ROW).
    pairs = pairs[pairs["how"].ne(INVALID_ORDER).to_numpy()]
    t = facts.build(orders, dispatch, pairs, today)
    found = [_row_exceptions(t.problems)]
    o = orders.set_index("order_no")
    # Buckets are filled by position (o.index is unique); label look-ups on many text keys
    # are slow.
    bucket = np.full(len(o), "", dtype=object)
    # Every matched order whose rows are all unusable is held (the row exceptions say why).
    shipping = np.zeros(len(o), dtype=bool)
    shipping[t.first_at] = True
    bucket[t.matched & ~shipping] = HELD

    status = order.unknown_status(o, t.first)
    s = order.shipments(t.first, t.usable)
    at = t.first_at  # the orders of s.rows, by position in o
    held, reported, said = consult(s, status.mask[at])
    found += said
    bucket[at[held]] = HELD
    already = reported["ALREADY_DISPATCHED"] & ~held
    bucket[at[already]] = ALREADY
    go = ~held & ~already
    bucket[at[go]] = UPLOADED
    # Only the columns the upload and CARRIER_MISMATCH read: all ~30 of 800k rows at 1M
    # would be taken for nothing.
    up = s.rows[[c for c in s.rows.columns if c in _UPLOAD_READS]][go]
    found.append(report("CARRIER_MISMATCH", up, order.carrier_mismatch(up)))
    upload = _upload(up, today)

    # Orders with no tracking number from any sheet. One whose status is unknown is held
    # all the same: counting it unshipped (paid) or not eligible would be a guess.
    bucket[status.mask] = HELD
    found.append(report("UNKNOWN_STATUS", o, status))
    _unsent_buckets(bucket, o)
    bucket = pd.Series(bucket, index=o.index, dtype=object)

    found.append(report("MULTI_PACKAGE", None, cart.multi_package(t.extra, upload, t.first, o)))
    up_cart = cart_of[at[go]]  # the carts of the upload's lines
    found.append(report("SPLIT_CART", None, cart.split_cart(upload, up_cart, o)))
    waiting = bucket.eq(UNSHIPPED).to_numpy()
    partial = cart.partial_cart(upload, waiting, o, cart_of, up_cart)
    found.append(report("PARTIAL_CART", None, partial))
    return Decision(
        bucket=bucket, upload=upload, exceptions=exceptions.concat(found), upload_at=at[go]
    )


def consult(
    s: order.Shipments, taken: np.ndarray
) -> tuple[np.ndarray, dict[str, np.ndarray], list[pd.DataFrame]]:
    """The order rules by rank on the orders with a number; ``taken``: held already (by
    their status). Returns what is held, per code where it was reported, and the exception
    rows."""
    taken = taken.copy()
    reported, found = {}, []
    for code, rule in order.RULES.by_rank():
        hit = rule(s)
        won = hit.mask & ~taken
        reported[code] = won
        found.append(report(code, s.rows, Hit(won, hit.says, hit.columns)))
        if codes.BY_NAME[code].holds:
            taken |= won
    return taken, reported, found


def _row_exceptions(p: pd.DataFrame) -> pd.DataFrame:
    """One exception per courier row with a problem of its own, naming every order it names."""
    bad = p[p["code"].ne("")]
    if not len(bad):
        return exceptions.empty()
    per_row = bad.groupby("dispatch_id", sort=False).agg(
        code=("code", "first"),
        **{c: (c, "first") for c in row_messages.COLUMNS},
        tracking_no=("tracking_raw", "first"),
        carrier=("carrier", "first"),
        carrier_expected=("carrier_expected", "first"),
        recipient=("recipient", "first"),
        amount=("amount", "sum"),
        source_file=("source_file", "first"),
        source_row=("source_row", "first"),
    )
    # The orders a row names, joined per row (groups numbered in order of appearance, as
    # groupby(sort=False) lists them).
    group = keys(bad["dispatch_id"])
    per_row.insert(
        len(row_messages.COLUMNS) + 1, "order_no", joined_per_group(group, bad["order_no"])
    )
    per_row.insert(
        len(row_messages.COLUMNS) + 2, "cart_no", joined_per_group(group, bad["cart_no"])
    )
    return exceptions.concat(
        [exceptions.make(code, rows, rows) for code, rows in per_row.groupby("code")]
    )


def _upload(up: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "order_no": up["order_no"],
            "cart_no": up["cart_no"],
            "tracking_no": up["tracking_no"],
            "carrier": order.carrier_name(up),
            # A blank ship date (many sheets have no such column) is the run's day: the
            # parcel is on the sheet, so it has left. A given date is never replaced.
            "ship_date": up["ship_date"].fillna(pd.Timestamp(today)),
            "dispatch_id": up["dispatch_id"],
        }
    )


def _unsent_buckets(bucket: np.ndarray, o: pd.DataFrame) -> None:
    """The buckets of the orders no rule placed (in place): already dispatched when the
    export shows a number or QSM says in delivery, not eligible when unpaid or cancelled,
    else unshipped."""
    state = o["state"].to_numpy()
    rest = bucket == ""
    has_existing = o["existing_tracking"].ne("").to_numpy()
    bucket[rest & has_existing] = ALREADY
    bucket[rest & ~has_existing & (state == SHIPPED)] = ALREADY
    rest = bucket == ""
    # state holds Python strings: pandas' isin hashes them where Arrow would convert 1M first.
    bucket[rest & o["state"].isin([AWAITING_PAYMENT, CANCELLED]).to_numpy()] = NOT_ELIGIBLE
    bucket[bucket == ""] = UNSHIPPED
