"""Decide, for every matched order and dispatch row, what happens and why.

Each rule is a mask over a table and a few lines that turn the masked rows into
exception rows. The order of precedence between rules is in ``decide``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from batch import carriers, exceptions, messages
from batch.inputs import AWAITING_PAYMENT, CANCELLED, SHIPPED

# Order buckets of summary.json, in the order the accountant reads them.
UPLOADED, HELD, UNSHIPPED, NOT_ELIGIBLE, ALREADY, INVALID = (
    "uploaded",
    "held",
    "unshipped",
    "not_eligible",
    "already_dispatched",
    "invalid",
)


@dataclass
class Decision:
    bucket: pd.Series  # order_no -> bucket (valid orders only)
    upload: pd.DataFrame  # order_no, tracking_no, carrier, ship_date, dispatch_id
    exceptions: pd.DataFrame


def row_problems(dispatch: pd.DataFrame) -> pd.DataFrame:
    """Problems of a dispatch row on its own: damaged number, unknown or untrackable carrier.

    Returns code and message per dispatch_id ("" code when the row is fine). The first
    problem found is the one reported: a damaged number hides everything else.
    """
    reason = carriers.validate_tracking(dispatch["tracking_no"], dispatch["number_rule"])
    code = pd.Series("", index=dispatch.index, dtype=object)
    message = pd.Series("", index=dispatch.index, dtype=object)
    checks = [
        (
            "TRACKING_INVALID",
            reason.ne("") & dispatch["company"].ne(""),
            "tracking number '"
            + dispatch["tracking_no"]
            + "' for "
            + dispatch["carrier"]
            + ": "
            + reason,
        ),
        (
            "CARRIER_UNTRACKABLE",
            dispatch["company"].ne("") & ~dispatch["trackable"].astype(bool),
            "shipped by " + dispatch["carrier"] + ", which has no tracking; Qoo10 does not allow "
            "switching to an untrackable method",
        ),
        (
            "CARRIER_UNKNOWN",
            dispatch["company"].eq(""),
            "carrier '" + dispatch["carrier"] + "' is not recognised",
        ),
        (
            "TRACKING_MANGLED",
            dispatch["mangled"].astype(bool),
            "tracking number '" + dispatch["tracking_raw"] + "' was damaged by a spreadsheet "
            "(scientific notation, digits lost); get the original file from the courier",
        ),
    ]
    # Later checks take precedence, so the most fundamental one is applied last.
    for name, mask, text in checks:
        code = code.mask(mask, name)
        message = message.mask(mask, text)
    return pd.DataFrame({"dispatch_id": dispatch["dispatch_id"], "code": code, "message": message})


def _join(values: pd.Series) -> str:
    return ", ".join(dict.fromkeys(v for v in values if v))


def decide(orders: pd.DataFrame, dispatch: pd.DataFrame, pairs: pd.DataFrame) -> Decision:
    """Buckets, upload rows and exceptions from the matched pairs."""
    found: list[pd.DataFrame] = []
    problems = row_problems(dispatch)
    d = dispatch.merge(problems[["dispatch_id", "code", "message"]], on="dispatch_id")
    p = pairs.merge(d, on="dispatch_id").merge(
        orders.drop(
            columns=["recipient_name", "name_key", "phone", "postal", "source_file", "source_row"]
        ).assign(
            recipient=orders["recipient_name"],
            order_name_key=orders["name_key"],
            order_postal=orders["postal"],
        ),
        on="order_no",
    )

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
    ok = p[p["code"].eq("")].sort_values(
        ["order_no", "ship_date", "dispatch_id"], na_position="last"
    )
    ok = ok.drop_duplicates(["order_no", "tracking_no"])
    first = ok.drop_duplicates("order_no").set_index("order_no")
    extra = ok[ok.duplicated("order_no")]

    o = orders.set_index("order_no")
    bucket = pd.Series("", index=o.index, dtype=object)
    matched = o.index.isin(p["order_no"])
    has_number = o.index.isin(first.index)
    # Every matched order whose rows are all unusable is held (the row exceptions say why).
    bucket[matched & ~has_number] = HELD

    f = first.copy()
    existing = f["existing_tracking"]
    # Is the number already in the export one of the numbers the sheets give this order?
    given = pd.MultiIndex.from_frame(ok[["order_no", "tracking_no"]])
    known = pd.Series(pd.MultiIndex.from_arrays([f.index, existing]).isin(given), index=f.index)
    unpaid = f["state"].eq(AWAITING_PAYMENT)
    cancelled = f["state"].eq(CANCELLED)
    already = existing.ne("") & known
    conflict = existing.ne("") & ~known

    # One number on carts with different recipients is a mix-up, not a shared parcel.
    use = ok.assign(who=ok["order_name_key"] + "|" + ok["order_postal"])
    recipients = use.groupby("tracking_no")["who"].nunique()
    carts = use.groupby("tracking_no")["cart_no"].agg(_join)
    shared = recipients[recipients.gt(1)].index
    dup_tracking = f["tracking_no"].isin(shared)

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
    conflict_rows = f_rows[mask(conflict & ~unpaid & ~cancelled)]
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
    dup_rows = f_rows[mask(dup_tracking & ~unpaid & ~cancelled & ~conflict)]
    found.append(
        exceptions.make(
            "DUPLICATE_TRACKING",
            dup_rows,
            "tracking number " + dup_rows["tracking_no"] + " is on carts with different "
            "recipients: " + dup_rows["tracking_no"].map(carts),
        )
    )
    already_rows = f_rows[mask(already & ~unpaid & ~cancelled)]
    found.append(
        exceptions.make(
            "ALREADY_DISPATCHED",
            already_rows,
            "already dispatched with this tracking number ("
            + already_rows["existing_source"]
            + "); not uploaded again",
        )
    )

    held = unpaid | cancelled | conflict | dup_tracking
    bucket[f.index[mask(held)]] = HELD
    bucket[f.index[mask(already & ~held)]] = ALREADY
    go = ~held & ~already
    bucket[f.index[mask(go)]] = UPLOADED

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
    # QSM checks the number against the carrier: keep the listing's name for the same
    # company, otherwise send the name of the carrier actually used.
    upload = pd.DataFrame(
        {
            "order_no": up["order_no"],
            "cart_no": up["cart_no"],
            "tracking_no": up["tracking_no"],
            "carrier": up["carrier_expected"].where(
                same_company, up["qsm_name"].where(up["qsm_name"].ne(""), up["carrier"])
            ),
            "ship_date": up["ship_date"],
            "dispatch_id": up["dispatch_id"],
        }
    )

    # 3. Orders with no tracking number from any sheet.
    rest = bucket.eq("")
    state = o["state"]
    bucket[rest & o["existing_tracking"].ne("")] = ALREADY
    bucket[rest & o["existing_tracking"].eq("") & state.eq(SHIPPED)] = ALREADY
    rest = bucket.eq("")
    bucket[rest & state.isin([AWAITING_PAYMENT, CANCELLED])] = NOT_ELIGIBLE
    bucket[bucket.eq("")] = UNSHIPPED

    # 4. Cart-level warnings on what is uploaded.
    uploaded_extra = extra[extra["order_no"].isin(upload["order_no"])]
    found.append(_multi_package(uploaded_extra, upload, o))
    found.append(_split_and_partial(upload, bucket, o))
    return Decision(bucket=bucket, upload=upload, exceptions=exceptions.concat(found))


def _multi_package(extra: pd.DataFrame, upload: pd.DataFrame, o: pd.DataFrame) -> pd.DataFrame:
    """One MULTI_PACKAGE per cart: the numbers QSM cannot take, with a message to send."""
    if extra.empty:
        return exceptions.empty()
    first = upload.set_index("order_no")
    rows = []
    for cart_no, group in extra.groupby("cart_no", sort=False):  # carts with problems only
        order_nos = list(dict.fromkeys(group["order_no"]))
        uploaded = [first.at[k, "tracking_no"] for k in order_nos]
        others = list(dict.fromkeys(group["tracking_no"]))
        head = group.iloc[0]
        rows.append(
            {
                "order_no": ", ".join(order_nos),
                "cart_no": cart_no,
                "tracking_no": ", ".join(dict.fromkeys(uploaded + others)),
                "carrier": head["carrier"],
                "carrier_expected": head["carrier_expected"],
                "recipient": head["recipient"],
                "amount": o.loc[order_nos, "amount"].sum(),
                "source_file": head["source_file"],
                "source_row": head["source_row"],
                "message": f"{len(others)} more parcel(s): {', '.join(others)}; QSM took "
                f"{', '.join(dict.fromkeys(uploaded))}. Send the customer the other numbers.",
                "customer_message": messages.multi_package(
                    head["recipient"], order_nos, head["carrier"], uploaded, others
                ),
            }
        )
    return exceptions.make("MULTI_PACKAGE", pd.DataFrame(rows), pd.DataFrame(rows)["message"])


def _split_and_partial(upload: pd.DataFrame, bucket: pd.Series, o: pd.DataFrame) -> pd.DataFrame:
    carts = upload.groupby("cart_no")["tracking_no"].nunique()
    split_carts = carts[carts.gt(1)].index
    cart_of = o["cart_no"]
    waiting = bucket.eq(UNSHIPPED)
    partial_carts = cart_of[waiting & cart_of.isin(upload["cart_no"])].unique()
    rows = []
    for cart_no in split_carts:  # carts with problems only
        lines = upload[upload["cart_no"].eq(cart_no)]
        pairs = list(zip(lines["order_no"], lines["tracking_no"], strict=True))
        first = o.loc[lines["order_no"].iloc[0]]
        carrier = lines["carrier"].iloc[0]
        rows.append(
            {
                "code": "SPLIT_CART",
                "order_no": ", ".join(lines["order_no"]),
                "cart_no": cart_no,
                "tracking_no": ", ".join(dict.fromkeys(lines["tracking_no"])),
                "carrier": carrier,
                "carrier_expected": first["carrier_expected"],
                "recipient": first["recipient_name"],
                "amount": o.loc[lines["order_no"], "amount"].sum(),
                "source_file": first["source_file"],
                "source_row": first["source_row"],
                "message": "the orders of this cart went out in separate parcels: "
                + "; ".join(f"{k} → {t}" for k, t in pairs),
                "customer_message": messages.split_cart(first["recipient_name"], carrier, pairs),
            }
        )
    for cart_no in partial_carts:
        lines = o[cart_of.eq(cart_no)]
        sent = lines.index[lines.index.isin(upload["order_no"])]
        left = lines.index[waiting[lines.index]]
        first = lines.iloc[0]
        rows.append(
            {
                "code": "PARTIAL_CART",
                "order_no": ", ".join(lines.index),
                "cart_no": cart_no,
                "tracking_no": ", ".join(
                    dict.fromkeys(upload.set_index("order_no").loc[sent, "tracking_no"])
                ),
                "carrier": None,
                "carrier_expected": first["carrier_expected"],
                "recipient": first["recipient_name"],
                "amount": lines.loc[left, "amount"].sum(),
                "source_file": first["source_file"],
                "source_row": first["source_row"],
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
