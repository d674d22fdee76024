"""Which orders each dispatch row belongs to.

A reference may be a 注文番号 (that order) or a カート番号 (every eligible order of the cart).
Rows without a usable reference fall back to recipient phone + postal code, confirmed by
the normalised name. All joins are merges on key columns; no loop over rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from batch import exceptions
from batch.inputs import AWAITING_PAYMENT, CANCELLED
from batch.normalize import first_seen, isin, keys, positions
from batch.rules import match as match_rules
from batch.rules.match import INVALID_ORDER
from batch.rules.registry import report

# Statuses whose orders take a cart's tracking number when the reference is the cart.
_NOT_ELIGIBLE = (AWAITING_PAYMENT, CANCELLED)


# order_at: the order's position in the orders matched against (-1: an invalid row's order),
# so that later stages look orders up without hashing their numbers again.
_PAIR_COLUMNS = ["dispatch_id", "order_no", "how", "order_at"]


@dataclass
class Matches:
    pairs: pd.DataFrame  # one row per (dispatch row, order): dispatch_id, order_no, how, order_at
    duplicate: pd.Series  # dispatch_id of rows that repeat an earlier row exactly
    # What matching reports: UNMATCHED_DISPATCH, AMBIGUOUS_MATCH, FALLBACK_MATCH, and the
    # INVALID_ROW of a row whose order is invalid in the export.
    unmatched: pd.DataFrame
    cart_of: np.ndarray  # per order (by position in the orders): its cart as an integer code


def duplicates(dispatch: pd.DataFrame) -> pd.Series:
    """Rows repeating an earlier row's reference and tracking number (a sheet given twice)."""
    key = dispatch[["reference", "tracking_no"]]
    # A row without a reference repeats another only when the recipient is the same too.
    key = key.assign(
        phone=dispatch["phone"].where(dispatch["reference"].eq("")),
        postal=dispatch["postal"].where(dispatch["reference"].eq("")),
    )
    return key.duplicated(keep="first")


@dataclass
class _Carts:
    """What a cart-level reference ships, by integer cart code (codes number the export's
    cart numbers in order of first appearance): the cart numbers are hashed once per run,
    and every later look-up is on integers."""

    of_order: np.ndarray  # per order (by position in orders): its cart's code
    names: pd.Series  # cart code -> cart_no
    members: np.ndarray  # positions in orders of the orders each cart ships, cart by cart
    bounds: np.ndarray  # cart code c ships members[bounds[c] : bounds[c + 1]] (in row order)


def _carts(orders: pd.DataFrame) -> _Carts:
    """The orders each cart ships: its eligible (paid) orders; when a cart has none, all of
    them, so that shipping an unpaid or cancelled cart is reported rather than ignored."""
    cart = keys(orders["cart_no"])
    eligible = ~orders["state"].isin(_NOT_ELIGIBLE).to_numpy()
    has_eligible = (np.bincount(cart, weights=eligible) > 0)[cart]
    ships = np.flatnonzero(eligible | ~has_eligible)
    members = ships[np.argsort(cart[ships], kind="stable")]
    n = int(cart.max(initial=-1)) + 1
    first = np.unique(cart, return_index=True)[1]  # each code's first row
    return _Carts(
        of_order=cart,
        names=orders["cart_no"].iloc[first].reset_index(drop=True),
        members=members,
        bounds=np.searchsorted(cart[members], np.arange(n + 1)),
    )


def _shipped(dispatch_id: pd.Series, cart_no: pd.Series, carts: _Carts, orders) -> pd.DataFrame:
    """dispatch_id, order_no, order_at: each row's cart's orders, row after row, each cart's
    in the export's row order (what a merge on cart_no gives, without hashing its text)."""
    code = positions(cart_no, carts.names)
    known = code >= 0
    ids, code = dispatch_id.to_numpy()[known], code[known]
    start = carts.bounds[code]
    count = carts.bounds[code + 1] - start
    row = np.repeat(np.arange(len(code)), count)
    offset = np.arange(len(row)) - np.repeat(np.cumsum(count) - count, count)
    at = carts.members[start[row] + offset]
    return pd.DataFrame(
        {"dispatch_id": ids[row], "order_no": orders["order_no"].array.take(at), "order_at": at}
    )


def _by_reference(dispatch: pd.DataFrame, orders: pd.DataFrame, carts: _Carts) -> pd.DataFrame:
    refs = dispatch.loc[dispatch["reference"].ne(""), ["dispatch_id", "reference"]]
    # Order numbers are unique: a reference names one order or none (its position in orders).
    at = positions(refs["reference"], orders["order_no"])
    is_order = at >= 0
    by_order = pd.DataFrame(
        {
            "dispatch_id": refs["dispatch_id"][is_order],
            "order_no": refs["reference"][is_order],
            "order_at": at[is_order],
        }
    ).assign(how="order")
    # A number that is an order number is not also looked up as a cart number.
    rest = refs[~is_order]
    by_cart = _shipped(rest["dispatch_id"], rest["reference"], carts, orders).assign(how="cart")
    return pd.concat([by_order, by_cart], ignore_index=True)[_PAIR_COLUMNS]


def _fallback(rows: pd.DataFrame, orders: pd.DataFrame) -> pd.DataFrame:
    """Candidate carts by phone (or mobile) + postal code, confirmed by name when given.

    Sheets without phone numbers (Click Post) fall back on postal code + exact name.
    """
    # Only orders at a postal code of these rows can be candidates (both joins need it); a
    # contact's repeats share its postal code, so the first of each stays the first.
    orders = orders[isin(orders["postal"], rows["postal"])]
    contacts = pd.concat(
        [
            orders[["cart_no", "phone", "postal", "name_key"]],
            orders[["cart_no", "mobile", "postal", "name_key"]].rename(columns={"mobile": "phone"}),
        ],
        ignore_index=True,
    )
    contacts = contacts[contacts["phone"].ne("") & contacts["postal"].ne("")]
    contacts = contacts[first_seen(*(contacts[c] for c in contacts.columns))]
    probe = rows.loc[
        rows["phone"].ne("") & rows["postal"].ne(""), ["dispatch_id", "phone", "postal", "name_key"]
    ]
    cand = probe.merge(contacts, on=["phone", "postal"], suffixes=("", "_order"))
    named = cand["name_key"].ne("")
    cand = cand[~named | cand["name_key"].eq(cand["name_key_order"])]
    no_phone = rows.loc[
        rows["phone"].eq("") & rows["postal"].ne("") & rows["name_key"].ne(""),
        ["dispatch_id", "postal", "name_key"],
    ]
    by_name = no_phone.merge(contacts, on=["postal", "name_key"])
    both = pd.concat([cand[["dispatch_id", "cart_no"]], by_name[["dispatch_id", "cart_no"]]])
    return both.drop_duplicates()


def match(
    dispatch: pd.DataFrame, orders: pd.DataFrame, invalid_orders: pd.DataFrame | None = None
) -> Matches:
    """Match every (non-duplicate) dispatch row to its orders, or explain why not.

    ``invalid_orders`` are the export's INVALID_ROW rows: a dispatch row naming one of those
    orders is matched (linked to it, never guessed by phone) and reported as INVALID_ROW.
    """
    dup = duplicates(dispatch)
    live = dispatch[~dup]
    carts = _carts(orders)
    by_ref = _by_reference(live, orders, carts)
    rest = live[~live["dispatch_id"].isin(by_ref["dispatch_id"])]
    linked = match_rules.linked_to_invalid(rest, invalid_orders)
    invalid_order = exceptions.empty()
    if len(linked):
        rows = linked.merge(rest, on="dispatch_id")  # the dispatch row's file, row, number
        invalid_order = exceptions.make("INVALID_ROW", rows, rows, recipient=rows["recipient_name"])
        rest = rest[~rest["dispatch_id"].isin(linked["dispatch_id"])]

    cand = _fallback(rest, orders)
    single = cand.drop_duplicates("dispatch_id", keep=False)
    by_fallback = _shipped(single["dispatch_id"], single["cart_no"], carts, orders)
    by_fallback = by_fallback.assign(how="fallback")
    # An invalid row's order is not among the valid orders: it has no position.
    to_invalid = linked[["dispatch_id", "order_no"]].assign(how=INVALID_ORDER, order_at=-1)
    parts = [by_ref, by_fallback, *([to_invalid[_PAIR_COLUMNS]] if len(to_invalid) else [])]
    fallback_orders = by_fallback.groupby("dispatch_id")["order_no"].agg(", ".join)
    found = [
        invalid_order,
        report("FALLBACK_MATCH", rest, match_rules.fallback_match(rest, cand, fallback_orders)),
        report("AMBIGUOUS_MATCH", rest, match_rules.ambiguous_match(rest, cand)),
        report("UNMATCHED_DISPATCH", rest, match_rules.unmatched_dispatch(rest, cand)),
    ]
    return Matches(
        pairs=pd.concat(parts, ignore_index=True),
        duplicate=dispatch.loc[dup, "dispatch_id"],
        unmatched=exceptions.concat(found),
        cart_of=carts.of_order,
    )
