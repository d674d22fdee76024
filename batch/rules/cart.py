"""Cart rules: warnings on what is uploaded, one exception per cart, with a message to send.

Each rule returns a Hit whose mask covers the rows it reads (the extra parcels, the upload
rows, the export's orders) and whose ``says`` gives one row of exception fields per cart,
``customer_message`` included. The carts are few; each reads its rows from plain arrays
looked up once (pandas' per-group frames, or a filter of the whole table per cart, would
make this slow or quadratic).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from batch import messages
from batch.normalize import distinct_per_group, first_seen, isin, keys, positions
from batch.row_messages import say
from batch.rules.order import carrier_name
from batch.rules.registry import Hit

_EXTRA_COLUMNS = ("order_no", "tracking_no", "carrier", "carrier_expected", "recipient",
                  "source_file", "source_row")  # fmt: skip


def _totals(group: np.ndarray, amounts, n: int) -> np.ndarray:
    """Per group 0..n-1, the sum of its ``amounts`` in row order as ``np.nansum`` gives it
    (as pandas sums: NaN skipped, 0.0 when none).

    np.bincount adds each group's amounts one after the other; np.nansum does too below 8
    values, and from 8 keeps 8 partial sums. Both are exact, so equal, when the amounts are
    whole (yen) and their sum stays below 2**52; any other group of 8 or more (decimal
    amounts) is left to np.nansum, one call per such group (tests/test_cart_totals.py)."""
    a = np.asarray(amounts, dtype="float64")
    whole = np.where(np.isnan(a), 0.0, a)
    out = np.bincount(group, weights=whole, minlength=n)
    inexact = np.bincount(group, weights=whole != np.round(whole), minlength=n) > 0
    big = np.bincount(group, weights=np.abs(whole), minlength=n) >= 2.0**52
    for g in np.flatnonzero((np.bincount(group, minlength=n) >= 8) & (inexact | big)):
        out[g] = np.nansum(a[group == g])
    return out


def multi_package(
    extra: pd.DataFrame, upload: pd.DataFrame, first: pd.DataFrame, o: pd.DataFrame
) -> Hit:
    """MULTI_PACKAGE: more usable numbers (``extra``, rows of the pairs) for an uploaded
    order than the one QSM takes (the order's row of ``first``, its line of ``upload``)."""
    return Hit(
        isin(extra["order_no"], upload["order_no"]),
        lambda at: _multi_package_rows(extra[at], upload, first, o),
    )


def _multi_package_rows(extra, upload, first, o) -> pd.DataFrame:
    """Every parcel is named with its own carrier: the second parcel may have gone with
    another courier than the first."""
    involved = pd.unique(extra["order_no"])
    up_pos = positions(involved, upload["order_no"])
    first_pos = positions(involved, first.index)
    # Taken before converting: the columns hold every uploaded order (800k at 1M).
    uploaded_of = dict(zip(involved, zip(
        upload["carrier"].iloc[up_pos].to_numpy(),
        upload["tracking_no"].iloc[up_pos].to_numpy(),
        first["carrier"].iloc[first_pos].to_numpy(),  # the sheet's text, for the workbook
        strict=True,
    ), strict=True))  # fmt: skip
    col = {c: extra[c].to_numpy() for c in _EXTRA_COLUMNS}
    col["carrier_name"] = carrier_name(extra).to_numpy()
    cart = keys(extra["cart_no"])  # carts numbered in sheet order
    n = int(cart.max(initial=-1)) + 1
    # A cart's amount: its distinct orders' amounts, in the order the cart names them.
    once = first_seen(cart, extra["order_no"])
    amounts = o["amount"].to_numpy()[positions(extra["order_no"][once], o.index)]
    total = _totals(cart[once], amounts, n)
    by_cart = np.argsort(cart, kind="stable")
    bounds = np.searchsorted(cart[by_cart], np.arange(n + 1))
    rows = []
    for i, cart_no in enumerate(pd.unique(extra["cart_no"])):  # in sheet order
        at = by_cart[bounds[i] : bounds[i + 1]]
        order_nos = list(dict.fromkeys(col["order_no"][at]))
        uploaded = [uploaded_of[k] for k in order_nos]
        # (carrier, number) per parcel, each number once, QSM's own first.
        on_qsm = {n: c for c, n, _ in uploaded}
        others = {}
        for carrier, number in zip(col["carrier_name"][at], col["tracking_no"][at], strict=True):
            if number not in on_qsm:
                others.setdefault(number, carrier)
        parcels = [*((c, n) for n, c in on_qsm.items()), *((c, n) for n, c in others.items())]
        head = {c: v[at[0]] for c, v in col.items()}
        used = [text for *_, text in uploaded] + list(col["carrier"][at])
        rows.append({
            "order_no": ", ".join(order_nos),
            "cart_no": cart_no,
            "tracking_no": ", ".join(n for _, n in parcels),
            "carrier": ", ".join(dict.fromkeys(used)),
            **{c: head[c] for c in ("carrier_expected", "recipient", "source_file", "source_row")},
            "amount": total[i],
            "n": len(others),
            "others": ", ".join(f"{c} {n}" for n, c in others.items()),
            "qsm": ", ".join(f"{c} {n}" for n, c in on_qsm.items()),
            "customer_message": messages.multi_package(head["recipient"], order_nos, parcels),
        })  # fmt: skip
    return _said(pd.DataFrame(rows), "row.cart.multi_package", "n", "others", "qsm")


def _said(table: pd.DataFrame, key: str, *fields: str) -> pd.DataFrame:
    """The cart exceptions ``table`` with the message ``key`` of the columns ``fields``
    (which it replaces)."""
    return table.drop(columns=list(fields)).assign(
        **say(key, **{f: table[f].to_numpy() for f in fields})
    )


def _order_facts(o: pd.DataFrame, need: np.ndarray) -> dict[str, np.ndarray]:
    """The exception fields of the orders at positions ``need`` of ``o``, by position in o.
    Only those rows are filled: Python strings for every order of a large day cost memory."""

    def filled(values) -> np.ndarray:
        out = np.empty(len(o), dtype=object)
        out[need] = np.asarray(values[need], dtype=object)
        return out

    return {
        "order_no": filled(o.index),
        "carrier_expected": filled(o["carrier_expected"].array),
        "recipient": filled(o["recipient_name"].array),
        "source_file": filled(o["source_file"].array),
        "amount": o["amount"].to_numpy(),
        "source_row": o["source_row"].to_numpy(),
    }


def _head(facts: dict[str, np.ndarray], at: int) -> dict:
    """The fields a cart's exception takes from its first order."""
    return {c: facts[c][at] for c in ("carrier_expected", "recipient", "source_file",
                                      "source_row")}  # fmt: skip


def split_cart(upload: pd.DataFrame, cart: np.ndarray, o: pd.DataFrame) -> Hit:
    """SPLIT_CART: the uploaded orders of one cart (``cart``: each line's, as an integer
    code) went out under different numbers."""
    several = distinct_per_group(cart, upload["tracking_no"]) > 1
    return Hit(several, lambda at: _split_cart_rows(upload, at, o))


def _split_cart_rows(upload: pd.DataFrame, at: np.ndarray, o: pd.DataFrame) -> pd.DataFrame:
    split_carts = np.sort(pd.unique(upload["cart_no"].to_numpy()[at]))
    lines = upload[isin(upload["cart_no"], split_carts)]
    line_pos = positions(lines["order_no"], o.index)
    facts = _order_facts(o, line_pos)
    by_cart = lines.groupby("cart_no", sort=False).indices
    cart = keys(lines["cart_no"])
    total = _totals(cart, facts["amount"][line_pos], int(cart.max(initial=-1)) + 1)
    line_order = lines["order_no"].to_numpy()
    line_tracking = lines["tracking_no"].to_numpy()
    line_carrier = lines["carrier"].to_numpy()
    rows = []
    for cart_no in split_carts:
        at = by_cart[cart_no]
        orders, numbers = line_order[at].tolist(), line_tracking[at].tolist()
        carriers_of = line_carrier[at].tolist()  # each parcel's own carrier
        lines_of = list(zip(orders, carriers_of, numbers, strict=True))
        head = _head(facts, line_pos[at[0]])
        rows.append({
            "order_no": ", ".join(orders),
            "cart_no": cart_no,
            "tracking_no": ", ".join(dict.fromkeys(numbers)),
            "carrier": ", ".join(dict.fromkeys(carriers_of)),
            **head,
            "amount": total[cart[at[0]]],
            "parcels": "; ".join(f"{k} → {c} {t}" for k, c, t in lines_of),
            "customer_message": messages.split_cart(head["recipient"], lines_of),
        })  # fmt: skip
    return _said(pd.DataFrame(rows), "row.cart.split", "parcels")


def partial_cart(
    upload: pd.DataFrame, waiting: np.ndarray, o: pd.DataFrame, cart_of: np.ndarray, up_cart
) -> Hit:
    """PARTIAL_CART: some orders of a cart are uploaded, others of it wait unshipped
    (``waiting``, by position in ``o``). Carts as integer codes: ``cart_of`` each order's (by
    position in ``o``), ``up_cart`` each upload line's."""
    shipped = np.zeros(int(cart_of.max(initial=-1)) + 1, dtype=bool)
    shipped[up_cart] = True
    return Hit(
        waiting & shipped[cart_of],
        lambda at: _partial_cart_rows(upload, o["cart_no"][at].unique(), waiting, o),
    )


def _partial_cart_rows(upload, partial_carts, waiting, o) -> pd.DataFrame:
    cart_of = o["cart_no"]
    members = np.flatnonzero(isin(cart_of, partial_carts))  # positions in o, ascending
    facts = _order_facts(o, members)
    order_no = facts["order_no"]
    by_cart = pd.Series(members).groupby(cart_of.iloc[members].to_numpy(), sort=False).indices
    cart, left = keys(cart_of.iloc[members]), waiting[members]
    total = _totals(cart[left], facts["amount"][members[left]], int(cart.max(initial=-1)) + 1)
    up_pos = positions(order_no[members], upload["order_no"])
    up_tracking = upload["tracking_no"].to_numpy()
    rows = []
    for cart_no in partial_carts:
        at = by_cart[cart_no]
        pos = members[at]
        sent_mask = up_pos[at] >= 0
        sent = order_no[pos[sent_mask]].tolist()
        left_pos = pos[waiting[pos]]
        left = order_no[left_pos].tolist()
        rows.append({
            "order_no": ", ".join(order_no[pos]),
            "cart_no": cart_no,
            "tracking_no": ", ".join(dict.fromkeys(up_tracking[up_pos[at][sent_mask]])),
            "carrier": None,
            **_head(facts, pos[0]),
            "amount": total[cart[at[0]]],
            "shipped": ", ".join(sent),
            "left": ", ".join(left),
            "customer_message": None,
        })  # fmt: skip
    return _said(pd.DataFrame(rows), "row.cart.partial", "shipped", "left")
