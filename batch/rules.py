"""Decide, for every matched order and dispatch row, what happens and why.

Each rule is a mask over a table and a few lines that turn the masked rows into
exception rows. The order of precedence between rules is in ``decide``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from batch import carriers, exceptions, messages
from batch.inputs import AWAITING_PAYMENT, CANCELLED, SHIPPED, UNKNOWN
from batch.matching import INVALID_ORDER
from batch.normalize import distinct_per_group, first_seen, isin, positions, sort_positions

# Order buckets of summary.json, in the order the accountant reads them.
UPLOADED, HELD, UNSHIPPED, NOT_ELIGIBLE, ALREADY, INVALID = (
    "uploaded",
    "held",
    "unshipped",
    "not_eligible",
    "already_dispatched",
    "invalid",
)


# A ship date is checked against the order's payment day, else its order day. A brief export
# has neither: then a date more than this many days before the run is refused. No order waits
# that long in 配送要請 (it turns 配送遅延 after 14 days and buyers cancel), while a dispatch
# registered a few weeks late is still plausible; a wrong year (2025 for 2026) or Excel's
# day 1 (1900/01/01) is caught.
NO_DATE_FLOOR_DAYS = 90


@dataclass
class Decision:
    bucket: pd.Series  # order_no -> bucket (valid orders only), in the orders' row order
    upload: pd.DataFrame  # order_no, tracking_no, carrier, ship_date, dispatch_id
    exceptions: pd.DataFrame


def row_problems(dispatch: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    """Problems of a dispatch row on its own: damaged number, unknown or untrackable carrier,
    a ship date that is no real date or lies after ``today``.

    Returns code and message per dispatch_id ("" code when the row is fine). The first
    problem found is the one reported: a damaged number hides everything else.
    """
    reason = carriers.validate_tracking(dispatch["tracking_no"], dispatch["number_rule"])
    company = dispatch["company"]
    day = pd.Timestamp(today)
    ymd = today.strftime("%Y/%m/%d")
    # Each message is built for the rows its check hits only (a string per row of a 600k-row
    # sheet, four times over, was ~0.5 GB of garbage).
    checks = [
        (
            "SHIP_DATE_INVALID",
            dispatch["ship_date_unreadable"].ne(""),
            lambda d, why: "ship date '" + d["ship_date_unreadable"] + "' is not a real date "
            "or time: held, never given another date; correct the sheet",
        ),
        (
            # Qoo10 wants a dispatch registered once the parcel has left, not before.
            "SHIP_DATE_INVALID",
            dispatch["ship_date"].dt.normalize() > day,
            lambda d, why: "ship date " + d["ship_date"].dt.strftime("%Y/%m/%d") + " is after "
            f"today ({ymd}): a label printed ahead; the order will be offered on the "
            + d["ship_date"].dt.strftime("%Y/%m/%d") + " run, once the parcel has left",
        ),
        (
            "TRACKING_INVALID",
            reason.ne("") & company.ne(""),
            lambda d, why: "tracking number '" + d["tracking_no"] + "' for " + d["carrier"]
            + ": " + why,
        ),
        (
            "CARRIER_UNTRACKABLE",
            company.ne("") & ~dispatch["trackable"].astype(bool),
            lambda d, why: "shipped by " + d["carrier"] + ", which has no tracking; Qoo10 does "
            "not allow switching to an untrackable method",
        ),
        (
            "CARRIER_UNKNOWN",
            company.eq(""),
            lambda d, why: "carrier '" + d["carrier"] + "' is not recognised",
        ),
        (
            "TRACKING_MANGLED",
            dispatch["mangled"].astype(bool),
            lambda d, why: "tracking number '" + d["tracking_raw"] + "' was damaged by a "
            "spreadsheet ("
            + np.where(
                d["tracking_raw"].str.contains("[Ee]", regex=True).to_numpy(dtype=bool),
                "scientific notation, digits lost); get the original file from the courier",
                # About 1 real number in 100,000 ends so: the label tells.
                "rounded: its last digits became zeros); get the original file from the "
                "courier, or if the label shows this very number, register it in QSM by hand",
            ),
        ),
    ]  # fmt: skip
    code = np.full(len(dispatch), "", dtype=object)
    message = np.full(len(dispatch), "", dtype=object)
    # Later checks take precedence, so the most fundamental one is applied last.
    for name, mask, text in checks:
        hit = mask.to_numpy(dtype=bool)
        if hit.any():
            code[hit] = name
            message[hit] = text(dispatch[hit], reason[hit]).to_numpy(dtype=object)
    code = pd.Series(code, index=dispatch.index, dtype=object)
    message = pd.Series(message, index=dispatch.index, dtype=object)
    return pd.DataFrame({"dispatch_id": dispatch["dispatch_id"], "code": code, "message": message})


def _join(values: pd.Series) -> str:
    return ", ".join(dict.fromkeys(v for v in values if v))


def decide(
    orders: pd.DataFrame, dispatch: pd.DataFrame, pairs: pd.DataFrame, today: dt.date
) -> Decision:
    """Buckets, upload rows and exceptions from the matched pairs; ``today`` is the run's."""
    found: list[pd.DataFrame] = []
    # A row linked to an order that is invalid in the export has no order to ship here
    # (matching reported it as INVALID_ROW).
    pairs = pairs[pairs["how"].ne(INVALID_ORDER).to_numpy()]
    problems = row_problems(dispatch, today)
    # Text columns nothing below reads stay out of the merged table: every filter, sort and
    # de-duplication of it copies each column it holds (most of this stage at 1M rows).
    unused_d = ["reference", "recipient_name", "name_key", "phone", "postal", "service",
                "number_rule", "mangled", "trackable", "ship_date_unreadable"]  # fmt: skip
    unused_o = ["item_name", "mobile", "paid_at", "ordered_at", "est_ship_date",
                "expected_trackable"]  # fmt: skip
    d = dispatch.drop(columns=unused_d, errors="ignore").merge(
        problems[["dispatch_id", "code", "message"]], on="dispatch_id"
    )
    p = pairs.merge(d, on="dispatch_id").merge(
        orders.drop(
            columns=["recipient_name", "name_key", "phone", "postal", "source_file", "source_row"]
            + unused_o,
            errors="ignore",
        ).assign(
            recipient=orders["recipient_name"],
            order_name_key=orders["name_key"],
            order_postal=orders["postal"],
            earliest_ship=_earliest_ship(orders),
        ),
        on="order_no",
    )
    _shipped_before_the_order(p, orders, today)

    # 1. Rows with their own problem: one exception per dispatch row.
    bad = p[p["code"].ne("")]
    if len(bad):
        per_row = bad.groupby("dispatch_id", sort=False).agg(
            code=("code", "first"),
            message=("message", "first"),
            order_no=("order_no", _join),
            cart_no=("cart_no", _join),
            tracking_no=("tracking_raw", "first"),
            carrier=("carrier", "first"),
            carrier_expected=("carrier_expected", "first"),
            recipient=("recipient", "first"),
            amount=("amount", "sum"),
            source_file=("source_file", "first"),
            source_row=("source_row", "first"),
        )
        for code, rows in per_row.groupby("code"):
            found.append(exceptions.make(code, rows, rows["message"]))

    # 2. Per order, the usable numbers: the first (earliest ship date, then file order) ships.
    # Sorted and de-duplicated on a narrow frame of positions in p: moving all of p's
    # columns three times costs seconds at 1M rows; `first` and `extra` take p's rows once.
    usable = np.flatnonzero(p["code"].eq("").to_numpy())
    keyed = p[["order_no", "ship_date", "dispatch_id"]].iloc[usable]
    at = usable[sort_positions(keyed, ["order_no", "ship_date", "dispatch_id"])]
    ok = p[["order_no", "tracking_no", "cart_no", "order_name_key", "order_postal"]].iloc[at]
    once = first_seen(ok["order_no"], ok["tracking_no"])
    at, ok = at[once], ok[once]
    is_first = first_seen(ok["order_no"])
    first = p.iloc[at[is_first]].set_index("order_no")
    extra = p.iloc[at[~is_first]]

    o = orders.set_index("order_no")
    # Buckets are filled by position (o.index is unique); label look-ups on 1M text keys
    # cost seconds each.
    bucket_values = np.full(len(o), "", dtype=object)
    matched = isin(o.index, p["order_no"])
    has_number = isin(o.index, first.index)
    # Every matched order whose rows are all unusable is held (the row exceptions say why).
    bucket_values[matched & ~has_number] = HELD

    f = first.copy()
    f_pos = positions(f.index, o.index)
    existing = f["existing_tracking"]
    # Is the number already in the export one of the numbers the sheets give this order?
    # (order_no is digits only, so "order|tracking" names one pair.)
    known = pd.Series(
        isin(f.index + "|" + existing, ok["order_no"] + "|" + ok["tracking_no"]), index=f.index
    )
    unpaid = f["state"].eq(AWAITING_PAYMENT)
    cancelled = f["state"].eq(CANCELLED)
    unknown = f["state"].eq(UNKNOWN)  # UNKNOWN_STATUS (below, with the orders without rows)
    # QSM's status may say it is in delivery even when the export shows no number: it was
    # registered once already, so it is not registered again.
    already = (existing.ne("") & known) | (existing.eq("") & f["state"].eq(SHIPPED))
    conflict = existing.ne("") & ~known

    # One number on carts with different recipients is a mix-up, not a shared parcel.
    on_shared = ok[
        distinct_per_group(ok["tracking_no"], ok["order_name_key"], ok["order_postal"]) > 1
    ]
    shared = pd.unique(on_shared["tracking_no"])
    carts = on_shared.groupby("tracking_no")["cart_no"].agg(_join)
    dup_tracking = pd.Series(isin(f["tracking_no"], shared), index=f.index)

    f_rows = f.reset_index()
    mask = lambda m: m.to_numpy()  # noqa: E731 - boolean arrays aligned with f_rows
    unpaid_rows = f_rows[mask(unpaid)]
    found.append(
        exceptions.make(
            "SHIPPED_UNPAID",
            unpaid_rows,
            "tracking number " + unpaid_rows["tracking_no"] + " for an order still awaiting "
            "payment: do not register it; check whether the parcel can be stopped",
        )
    )
    cancelled_rows = f_rows[mask(cancelled)]
    found.append(
        exceptions.make(
            "SHIPPED_CANCELLED",
            cancelled_rows,
            "tracking number " + cancelled_rows["tracking_no"] + " for a cancelled order: "
            "contact the courier to stop the parcel, or the buyer",
        )
    )
    # An order whose status says it is not to ship, or says nothing known, reports that alone.
    not_to_ship = unpaid | cancelled | unknown
    conflict_rows = f_rows[mask(conflict & ~not_to_ship)]
    found.append(
        exceptions.make(
            "TRACKING_CONFLICT",
            conflict_rows,
            "the order already has tracking number "
            + conflict_rows["existing_tracking"]
            + " ("
            + conflict_rows["existing_source"]
            + "); the courier sheet says "
            + conflict_rows["tracking_no"]
            + ": find out which parcel is right",
        )
    )
    dup_rows = f_rows[mask(dup_tracking & ~not_to_ship & ~conflict)]
    found.append(
        exceptions.make(
            "DUPLICATE_TRACKING",
            dup_rows,
            "tracking number " + dup_rows["tracking_no"] + " is on carts with different "
            "recipients: " + dup_rows["tracking_no"].map(carts),
        )
    )
    already_rows = f_rows[mask(already & ~not_to_ship)]
    found.append(
        exceptions.make(
            "ALREADY_DISPATCHED",
            already_rows,
            "already dispatched ("
            + already_rows["existing_source"].where(
                already_rows["existing_source"].ne(""), "QSM status " + already_rows["status"]
            )
            + "); not uploaded again",
        )
    )

    held = not_to_ship | conflict | dup_tracking
    bucket_values[f_pos[mask(held)]] = HELD
    bucket_values[f_pos[mask(already & ~held)]] = ALREADY
    go = ~held & ~already
    bucket_values[f_pos[mask(go)]] = UPLOADED

    up = f_rows[mask(go)]
    same_company = up["company"].eq(up["expected_company"])
    mismatch = up[up["expected_company"].ne("") & ~same_company]
    found.append(
        exceptions.make(
            "CARRIER_MISMATCH",
            mismatch,
            "listed with "
            + mismatch["carrier_expected"]
            + ", shipped with "
            + mismatch["carrier"]
            + ": uploaded with the carrier used; tell the customer",
        )
    )
    upload = pd.DataFrame(
        {
            "order_no": up["order_no"],
            "cart_no": up["cart_no"],
            "tracking_no": up["tracking_no"],
            "carrier": _carrier_name(up),
            # A blank ship date (many sheets have no such column) is the run's day: the
            # parcel is on the sheet, so it has left. A given date is never replaced.
            "ship_date": up["ship_date"].fillna(pd.Timestamp(today)),
            "dispatch_id": up["dispatch_id"],
        }
    )

    # 3. Orders with no tracking number from any sheet. One whose status is unknown is held
    # all the same: counting it unshipped (paid) or not eligible would be a guess.
    state = o["state"].to_numpy()
    unknown_pos = np.flatnonzero(state == UNKNOWN)
    bucket_values[unknown_pos] = HELD
    found.append(_unknown_status(o, unknown_pos, first))
    rest = bucket_values == ""
    has_existing = o["existing_tracking"].ne("").to_numpy()
    bucket_values[rest & has_existing] = ALREADY
    bucket_values[rest & ~has_existing & (state == SHIPPED)] = ALREADY
    rest = bucket_values == ""
    bucket_values[rest & isin(o["state"], [AWAITING_PAYMENT, CANCELLED])] = NOT_ELIGIBLE
    bucket_values[bucket_values == ""] = UNSHIPPED
    bucket = pd.Series(bucket_values, index=o.index, dtype=object)

    # 4. Cart-level warnings on what is uploaded.
    uploaded_extra = extra[isin(extra["order_no"], upload["order_no"])]
    found.append(_multi_package(uploaded_extra, upload, first, o))
    found.append(_split_and_partial(upload, bucket, o))
    return Decision(bucket=bucket, upload=upload, exceptions=exceptions.concat(found))


def _carrier_name(rows: pd.DataFrame) -> pd.Series:
    """The carrier name of each row's parcel, for QSM and for the customer.

    QSM checks the number against the carrier: the listing's own name for the listing's
    company, otherwise the QSM name of the carrier actually used (else its text)."""
    same_company = rows["company"].eq(rows["expected_company"])
    used = rows["qsm_name"].where(rows["qsm_name"].ne(""), rows["carrier"])
    return rows["carrier_expected"].where(same_company, used)


def _earliest_ship(orders: pd.DataFrame) -> pd.Series:
    """The first day a parcel of each order can have left: its payment day, else its order
    day (NaT when the export shows neither)."""
    return orders["paid_at"].dt.normalize().fillna(orders["ordered_at"].dt.normalize())


def _shipped_before_the_order(p: pd.DataFrame, orders: pd.DataFrame, today: dt.date) -> None:
    """SHIP_DATE_INVALID in ``p`` (in place) for the rows not otherwise at fault whose ship
    date is before the payment (or order) day of an order they ship.

    One parcel has one ship date: when it is impossible for one order of a cart, the whole
    row is held, for every order it names."""
    floor = pd.Timestamp(today) - pd.Timedelta(days=NO_DATE_FLOOR_DAYS)
    early = p["code"].eq("").to_numpy() & (
        p["ship_date"].dt.normalize() < p["earliest_ship"].fillna(floor)
    ).to_numpy(dtype=bool)
    if not early.any():
        return
    first = p[early].drop_duplicates("dispatch_id")  # the order each message names
    at = positions(first["order_no"], orders["order_no"])
    paid = orders["paid_at"].to_numpy()[at]
    ordered = orders["ordered_at"].to_numpy()[at]
    bound = first["earliest_ship"].dt.strftime("%Y/%m/%d")
    ship = first["ship_date"].dt.strftime("%Y/%m/%d")
    why = np.select(
        [~pd.isna(paid), ~pd.isna(ordered)],
        [
            "before the order was paid (" + bound + ")",
            "before the order date (" + bound + "), and the export shows no payment date",
        ],
        f"more than {NO_DATE_FLOOR_DAYS} days before today and the export shows no payment "
        "or order date to check it against",
    )
    message = pd.Series(
        ("ship date " + ship + " is " + why + ": held, never given another date; correct the "
         "sheet").to_numpy(),
        index=first["dispatch_id"].to_numpy(),
    )  # fmt: skip
    hit = np.flatnonzero(isin(p["dispatch_id"], first["dispatch_id"]))
    code_at = p.columns.get_loc("code")
    p.iloc[hit, code_at] = "SHIP_DATE_INVALID"
    p.iloc[hit, p.columns.get_loc("message")] = message.reindex(
        p["dispatch_id"].to_numpy()[hit]
    ).to_numpy()


def _unknown_status(o: pd.DataFrame, pos: np.ndarray, first: pd.DataFrame) -> pd.DataFrame:
    """One UNKNOWN_STATUS per order at positions ``pos`` of ``o``, naming its status text."""
    if not len(pos):
        return exceptions.empty()
    rows = o.iloc[pos].reset_index()
    at = positions(rows["order_no"], first.index)
    # An order with no usable number from any sheet takes the "" appended last (at = -1).
    number = np.append(first["tracking_no"].to_numpy(dtype=object), "")[at]
    status = rows["status"]
    message = (
        np.where(status.eq(""), "配送状態 is blank", "配送状態 '" + status + "' is not a status "
                 "the tool knows")
        + np.where(number != "", "; tracking number " + number + " not uploaded", "")
        + ": held, never treated as paid; check the order in QSM"
    )  # fmt: skip
    return exceptions.make(
        "UNKNOWN_STATUS",
        rows,
        pd.Series(message),
        tracking_no=pd.Series(number).where(number != "", None),
        recipient=rows["recipient_name"],
    )


def _multi_package(
    extra: pd.DataFrame, upload: pd.DataFrame, first: pd.DataFrame, o: pd.DataFrame
) -> pd.DataFrame:
    """One MULTI_PACKAGE per cart: the numbers QSM cannot take, with a message to send.

    Every parcel is named with its own carrier: the second parcel may have gone with
    another courier than the first."""
    if extra.empty:
        return exceptions.empty()
    # Looked up once for the orders concerned, not per cart on the whole table.
    involved = pd.unique(extra["order_no"])
    up_pos = positions(involved, upload["order_no"])
    o_pos = positions(involved, o.index)
    first_pos = positions(involved, first.index)
    uploaded_of = dict(
        zip(
            involved,
            zip(
                upload["carrier"].to_numpy()[up_pos],
                upload["tracking_no"].to_numpy()[up_pos],
                first["carrier"].to_numpy()[first_pos],  # the sheet's text, for the workbook
                strict=True,
            ),
            strict=True,
        )
    )
    amount_of = dict(zip(involved, o["amount"].to_numpy()[o_pos], strict=True))
    # Each cart reads its rows from plain arrays (pandas' per-group frames cost ms each).
    col = {
        c: extra[c].to_numpy()
        for c in ("order_no", "tracking_no", "carrier", "carrier_expected", "recipient",
                  "source_file", "source_row")
    }  # fmt: skip
    col["carrier_name"] = _carrier_name(extra).to_numpy()
    by_cart = extra.groupby("cart_no", sort=False).indices
    rows = []
    for cart_no in pd.unique(extra["cart_no"]):  # carts with problems only, in sheet order
        at = by_cart[cart_no]
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
        rows.append(
            {
                "order_no": ", ".join(order_nos),
                "cart_no": cart_no,
                "tracking_no": ", ".join(n for _, n in parcels),
                "carrier": ", ".join(dict.fromkeys(used)),
                "carrier_expected": head["carrier_expected"],
                "recipient": head["recipient"],
                "amount": _total([amount_of[k] for k in order_nos]),
                "source_file": head["source_file"],
                "source_row": head["source_row"],
                "message": f"{len(others)} more parcel(s): "
                + ", ".join(f"{c} {n}" for n, c in others.items())
                + "; QSM took "
                + ", ".join(f"{c} {n}" for n, c in on_qsm.items())
                + ". Send the customer the other numbers.",
                "customer_message": messages.multi_package(head["recipient"], order_nos, parcels),
            }
        )
    return exceptions.make("MULTI_PACKAGE", pd.DataFrame(rows), pd.DataFrame(rows)["message"])


def _total(amounts) -> float:
    """Sum of amounts as pandas sums them (NaN skipped, 0.0 when none)."""
    return np.nansum(np.asarray(amounts, dtype="float64"))


def _split_and_partial(upload: pd.DataFrame, bucket: pd.Series, o: pd.DataFrame) -> pd.DataFrame:
    several = distinct_per_group(upload["cart_no"], upload["tracking_no"]) > 1
    split_carts = np.sort(pd.unique(upload["cart_no"].to_numpy()[several]))
    cart_of = o["cart_no"]
    waiting = bucket.eq(UNSHIPPED).to_numpy()
    partial_carts = cart_of[waiting & isin(cart_of, upload["cart_no"])].unique()
    lines = upload[isin(upload["cart_no"], split_carts)]
    line_pos = positions(lines["order_no"], o.index)
    members = np.flatnonzero(isin(cart_of, partial_carts))  # positions in o, ascending
    # Order facts by position in o; each cart below reads its few rows from these arrays
    # (a filter of the whole table per cart would make this quadratic). Only the rows of
    # these carts are filled: Python strings for all 1M orders would be ~0.3 GB.
    need = np.union1d(line_pos, members)

    def facts(values) -> np.ndarray:
        out = np.empty(len(o), dtype=object)
        out[need] = np.asarray(values[need], dtype=object)
        return out

    order_no = facts(o.index)
    carrier_expected = facts(o["carrier_expected"].array)
    recipient = facts(o["recipient_name"].array)
    amount = o["amount"].to_numpy()
    source_file = facts(o["source_file"].array)
    source_row = o["source_row"].to_numpy()
    rows = []
    by_cart = lines.groupby("cart_no", sort=False).indices
    line_order = lines["order_no"].to_numpy()
    line_tracking = lines["tracking_no"].to_numpy()
    line_carrier = lines["carrier"].to_numpy()
    for cart_no in split_carts:  # carts with problems only
        at = by_cart[cart_no]
        orders, numbers = line_order[at].tolist(), line_tracking[at].tolist()
        carriers_of = line_carrier[at].tolist()  # each parcel's own carrier
        lines_of = list(zip(orders, carriers_of, numbers, strict=True))
        first = line_pos[at[0]]
        rows.append(
            {
                "code": "SPLIT_CART",
                "order_no": ", ".join(orders),
                "cart_no": cart_no,
                "tracking_no": ", ".join(dict.fromkeys(numbers)),
                "carrier": ", ".join(dict.fromkeys(carriers_of)),
                "carrier_expected": carrier_expected[first],
                "recipient": recipient[first],
                "amount": _total(amount[line_pos[at]]),
                "source_file": source_file[first],
                "source_row": source_row[first],
                "message": "the orders of this cart went out in separate parcels: "
                + "; ".join(f"{k} → {c} {t}" for k, c, t in lines_of),
                "customer_message": messages.split_cart(recipient[first], lines_of),
            }
        )
    member_cart = cart_of.iloc[members].to_numpy()
    by_cart = pd.Series(members).groupby(member_cart, sort=False).indices
    up_pos = positions(order_no[members], upload["order_no"])
    up_tracking = upload["tracking_no"].to_numpy()
    for cart_no in partial_carts:
        at = by_cart[cart_no]
        pos = members[at]
        sent_mask = up_pos[at] >= 0
        sent = order_no[pos[sent_mask]].tolist()
        left_pos = pos[waiting[pos]]
        left = order_no[left_pos].tolist()
        first = pos[0]
        rows.append(
            {
                "code": "PARTIAL_CART",
                "order_no": ", ".join(order_no[pos]),
                "cart_no": cart_no,
                "tracking_no": ", ".join(dict.fromkeys(up_tracking[up_pos[at][sent_mask]])),
                "carrier": None,
                "carrier_expected": carrier_expected[first],
                "recipient": recipient[first],
                "amount": _total(amount[left_pos]),
                "source_file": source_file[first],
                "source_row": source_row[first],
                "message": f"shipped: {', '.join(sent)}; not shipped yet: {', '.join(left)}",
                "customer_message": None,
            }
        )
    if not rows:
        return exceptions.empty()
    table = pd.DataFrame(rows)
    return exceptions.concat(
        [exceptions.make(code, g, g["message"]) for code, g in table.groupby("code")]
    )
