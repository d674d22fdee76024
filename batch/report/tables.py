"""The report's tables: which columns each sheet has, from which field, in which order.

exceptions.xlsx: Exceptions, Uploaded, Unshipped; plan.xlsx: the dates proposed and the
orders left alone. A column here is a catalogue key (its header in batch.i18n), the cells
and their kind; how they look is batch.report.sheets'.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from batch import codes, exceptions, i18n, watch
from batch.jpcalendar import add_business_days, business_days_between
from batch.report.sheets import Column, Table
from batch.xlsx import dates, numbers, texts

# The look of each unshipped alert: how urgent it is.
ALERT_LOOK = {c.name: c.shown_as for c in codes.TABLE if c.about == codes.UNSHIPPED}


def exceptions_table(ex: pd.DataFrame, lang: str) -> Table:
    code = ex["code"]
    reason = {c: i18n.reason(c, lang) for c in exceptions.CODES}
    action = {c: i18n.action(c, lang) for c in exceptions.CODES}
    severity = {s: i18n.text(f"severity.{s}", lang) for s in exceptions.SEVERITY_RANK}
    return Table(
        "sheet.exceptions",
        [
            Column("col.severity", texts(ex["severity"].map(severity)), coloured=True),
            Column("col.code", texts(code), coloured=True),
            Column("col.reason", texts(code.map(reason))),
            Column("col.action", texts(code.map(action))),
            Column("col.order_no", texts(ex["order_no"]), cap=22),
            Column("col.cart_no", texts(ex["cart_no"]), cap=22),
            Column("col.tracking_no", texts(ex["tracking_no"]), cap=26),
            Column("col.carrier_expected", texts(ex["carrier_expected"]), cap=20),
            Column("col.carrier_used", texts(ex["carrier"]), cap=20),
            Column("col.recipient", texts(ex["recipient"]), cap=20),
            Column("col.amount", numbers(ex["amount"], float), "amount"),
            Column("col.days", numbers(ex["days"], int), "int"),
            Column("col.deadline", dates(ex["deadline"]), "date"),
            Column("col.source_file", texts(ex["source_file"]), cap=24),
            Column("col.source_row", numbers(ex["source_row"], int), "int"),
            Column("col.detail", texts(ex["message"]), cap=50),
            Column("col.customer_message", texts(ex["customer_message"]), cap=56),
        ],
        looks=ex["severity"].tolist(),
    )


def uploaded_table(up: pd.DataFrame) -> Table:
    ship = pd.to_datetime(up["ship_date"], format="%Y/%m/%d", errors="coerce")
    return Table(
        "sheet.uploaded",
        [
            Column("col.upload_file", texts(up["file"])),
            Column("col.order_no", texts(up["order_no"])),
            Column("col.cart_no", texts(up["cart_no"])),
            Column("col.carrier", texts(up["carrier"])),
            Column("col.tracking_no", texts(up["tracking_no"])),
            Column("col.ship_date", dates(ship), "date"),
        ],
    )


def masked_phone(phone: pd.Series) -> pd.Series:
    """Only the last four digits: enough to recognise a buyer, not to call a stranger."""
    return ("…" + phone.str[-4:]).where(phone.str.len().gt(0), None)


def _joined(values: pd.Series, keys: pd.Series) -> dict:
    """{key: its texts joined by ", ", in order}: groupby(keys).agg(", ".join) without
    pandas' per-group Series (0.7 s for 5k orders); missing keys left out, as groupby does."""
    joined: dict = {}
    for key, text in zip(keys.tolist(), values.tolist(), strict=True):
        if not pd.isna(key):
            joined[key] = f"{joined[key]}, {text}" if key in joined else text
    return joined


def unshipped_table(
    u: pd.DataFrame, ex: pd.DataFrame, today: dt.date, lang: str, personal: bool = False
) -> Table:
    paid = pd.to_datetime(u["paid_at"])
    # The mobile number when there is one: it is the one a courier calls.
    phone = u["mobile"].where(u["mobile"].ne(""), u["phone"]).astype(object)
    # The watch's own rows say which alerts each order has, in code order (most urgent first).
    alerts = ex.loc[ex["code"].isin(list(ALERT_LOOK)), ["order_no", "code"]]
    names = alerts["code"].map({c: i18n.text(f"alert.{c}", lang) for c in ALERT_LOOK})
    listed = _joined(names, alerts["order_no"])
    first = alerts.drop_duplicates("order_no").set_index("order_no")["code"].map(ALERT_LOOK)
    return Table(
        "sheet.unshipped",
        [
            Column("col.priority", list(range(1, len(u) + 1)), "int"),
            Column("col.alerts", texts(u["order_no"].map(listed)), coloured=True),
            Column("col.order_no", texts(u["order_no"])),
            Column("col.cart_no", texts(u["cart_no"])),
            Column("col.status", texts(u["status"])),
            Column("col.paid_at", dates(paid, with_time=True), "datetime"),
            Column("col.est_ship_date", dates(u["est_ship_date"]), "date"),
            Column("col.business_days", numbers(business_days_between(paid, today), int), "int"),
            Column("col.ship_by", dates(add_business_days(paid, watch.SHIP_BY_BDAYS)), "date"),
            Column("col.amount", numbers(u["amount"], float), "amount"),
            Column("col.recipient", texts(u["recipient_name"]), cap=20),
            Column("col.phone", texts(phone if personal else masked_phone(phone)), cap=16),
            *([Column("col.address", texts(u["address"]), cap=40)] if personal else []),
            Column("col.carrier", texts(u["carrier_expected"]), cap=20),
            Column("col.item", texts(u["item_name"])),
            Column("col.source_file", texts(u["source_file"]), cap=24),
            Column("col.source_row", numbers(u["source_row"], int), "int"),
        ],
        looks=texts(u["order_no"].map(first)),
    )


def plan_tables(result) -> list[Table]:
    """plan.xlsx's tables of a plan.PlanResult: each order to be dated with its payment,
    proposed date and why; then the orders left alone."""
    lang = i18n.language(result.language)
    d, left = result.dated, result.left
    s = result.summary["settings"]
    fields = {"n": s["lead_days"], "cutoff": s["cutoff"], "max": s["max_ahead_days"]}
    why = {k: i18n.text(f"plan.why.{k}", lang, **fields) for k in d["why"].unique()}
    dated = Table(
        "sheet.ship_dates",
        [
            Column("col.order_no", texts(d["order_no"])),
            Column("col.cart_no", texts(d["cart_no"])),
            Column("col.status", texts(d["status"])),
            Column("col.paid_at", dates(d["paid_at"], with_time=True), "datetime"),
            Column("col.business_days", numbers(d["business_days"], int), "int"),
            Column("col.proposed_date", dates(d["est_ship_date"]), "date"),
            Column("col.why", texts(d["why"].map(why)), cap=60, coloured=True),
        ],
        looks=["warning" if u else None for u in d["urgent"]],
    )
    outcome = {b: i18n.text(f"plan.{b}", lang) for b in left["outcome"].unique()}
    alone = Table(
        "sheet.left_alone",
        [
            Column("col.order_no", texts(left["order_no"])),
            Column("col.cart_no", texts(left["cart_no"])),
            Column("col.status", texts(left["status"])),
            Column("col.outcome", texts(left["outcome"].map(outcome)), cap=30),
        ],
    )
    return [dated, alone]
