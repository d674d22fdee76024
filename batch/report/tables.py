"""The report's tables: which columns each sheet has, from which field, in which order.

exceptions.xlsx: Orders, Exceptions, Uploaded, Unshipped; plan.xlsx: the dates proposed and the
orders left alone. A column here is a catalogue key (its header in batch.i18n), the cells
and their kind; how they look is batch.report.sheets'.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from batch import codes, exceptions, i18n, row_messages, watch
from batch.jpcalendar import add_business_days, business_days_between
from batch.report.sheets import Column, Table
from batch.xlsx import dates, numbers, texts

# The look of each unshipped alert: how urgent it is.
ALERT_LOOK = {c.name: c.shown_as for c in codes.TABLE if c.about == codes.UNSHIPPED}
# The look of an order's outcome on the Orders sheet: what still needs the seller.
OUTCOME_LOOK = {"held": "error", "invalid": "error", "unshipped": "warning", "pending": "info"}


def exceptions_table(ex: pd.DataFrame, lang: str) -> Table:
    code = ex["code"]
    reason = {c: i18n.reason(c, lang) for c in exceptions.CODES}
    action = {c: i18n.action(c, lang) for c in exceptions.CODES}
    severity = {s: i18n.text(f"severity.{s}", lang) for s in exceptions.SEVERITY_RANK}
    return Table(
        "sheet.exceptions",
        [
            Column("col.severity", texts(mapped(ex["severity"], severity)), coloured=True),
            Column("col.code", texts(code), coloured=True),
            Column("col.reason", texts(mapped(code, reason)), cap=22),
            Column("col.action", texts(mapped(code, action)), cap=22),
            # A cart's orders and parcels wrap one number a line: columns one number wide.
            Column("col.order_no", texts(ex["order_no"]), cap=10),
            Column("col.cart_no", texts(ex["cart_no"]), cap=9),
            Column("col.tracking_no", texts(ex["tracking_no"]), cap=13),
            Column("col.carrier_expected", texts(ex["carrier_expected"]), cap=12),
            Column("col.carrier_used", texts(ex["carrier"]), cap=12),
            Column("col.recipient", texts(ex["recipient"]), cap=10),
            Column("col.amount", numbers(ex["amount"], float), "amount", cap=7),
            Column("col.days", numbers(ex["days"], int), "int"),
            Column("col.deadline", dates(ex["deadline"]), "date"),
            Column("col.source_file", texts(ex["source_file"]), cap=13),
            Column("col.source_row", numbers(ex["source_row"], int), "int"),
            # For the screen: the specifics and the message to copy to a buyer (Japanese).
            Column("col.detail", texts(ex[row_messages.column(lang)]), cap=50, printed=False),
            Column("col.customer_message", texts(ex["customer_message"]), cap=56, printed=False),
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


def order_lines(result) -> pd.DataFrame:
    """Every order line of the export, in no particular order: the valid ones, then the
    invalid ones (from their INVALID_ROW rows: number, cart, amount as far as it reads);
    order_no, cart_no, status, amount, bucket, source_row."""
    keep = ["order_no", "cart_no", "status", "amount", "bucket", "source_row"]
    bad = result.invalid_orders.drop_duplicates("source_row")
    raw = bad["amount"].astype("string").str.replace(",", "", regex=False)
    bad = pd.DataFrame({
        "order_no": bad["order_no"], "cart_no": bad["cart_no"], "status": None,
        "amount": pd.to_numeric(raw, errors="coerce"), "bucket": "invalid",
        "source_row": bad["source_row"],
    })  # fmt: skip
    valid = result.orders[keep]
    return pd.concat([valid, bad.astype(valid.dtypes.to_dict())], ignore_index=True)


def order_rows(result, lang: str) -> tuple[pd.DataFrame, dict[str, pa.Array]]:
    """The Orders sheet's rows: order_lines sorted by outcome in summary.json's order, then
    as in the export; and per row its tracking_no, codes and reasons (Arrow texts)."""
    o, ex, lines = result.orders, result.exceptions, order_lines(result)
    rank = {b: k for k, b in enumerate(b for b in result.summary["orders"] if b != "total")}
    # The few outcomes hashed once; per row an integer (-1, none, reads the last entry).
    bucket, outcomes = pd.factorize(lines["bucket"])
    by_outcome = [*outcomes, None]
    ranked = np.array([rank.get(b, np.nan) for b in by_outcome])[bucket]
    sort = np.lexsort((lines["source_row"].to_numpy(), ranked))
    rows, bucket = lines.iloc[sort].reset_index(drop=True), bucket[sort]
    # Per order the exceptions naming it (a cart's rows name several orders), most serious
    # first, and the tracking numbers they name (one row may name several).
    names = pc.split_pattern(_arrow(ex["order_no"]), ", ")
    at = pc.list_parent_indices(names)
    named = pa.table({"order_no": pc.list_flatten(names), "code": pc.take(_arrow(ex["code"]), at),
                      "tracking_no": pc.take(_arrow(ex["tracking_no"]), at)})  # fmt: skip
    pairs = named.group_by(["order_no", "code"], use_threads=False).aggregate([])
    numbers_of = pc.split_pattern(named["tracking_no"], ", ")
    found = pa.table({
        "order_no": pc.take(named["order_no"], pc.list_parent_indices(numbers_of)),
        "tracking_no": pc.list_flatten(numbers_of),
    }).filter(pc.field("tracking_no") != "")  # fmt: skip
    found = found.group_by(["order_no", "tracking_no"], use_threads=False).aggregate([])
    reason = {c: i18n.reason(c, lang) for c in exceptions.CODES}
    code_list = pa.array(list(reason), pa.large_string())
    reasons = pc.take(pa.array(list(reason.values()), pa.large_string()),
                      pc.index_in(_arrow(pairs["code"]), code_list))  # fmt: skip
    up = result.uploaded
    ids = NumberIds(lines["order_no"], pairs["order_no"], up["order_no"], found["order_no"])
    where = ids.of[0][sort]
    of_pairs = ids.lookup(where, 1)
    codes = of_pairs.joined(pairs["code"], "\n")  # beside its reason
    # The number an order went to QSM with; for one held, the numbers found for it (not the
    # numbers of a cart's other parcels an unshipped order's PARTIAL_CART names).
    tracking = ids.lookup(where, 2).joined(up["tracking_no"])
    kept = ~pd.Index(by_outcome).isin(["uploaded", "unshipped", "not_eligible"])
    held = pa.array(kept[bucket])
    tracking = pc.if_else(held, ids.lookup(where, 3).joined(found["tracking_no"]), tracking)
    # As index_in in o's numbers, the first lines' (order_lines puts o's rows first).
    existing = _arrow(o["existing_tracking"].replace("", None))
    in_o = first_at(ids.of[0][: len(o)], ids.count)[where]
    existing = pc.take(existing, pa.array(in_o, mask=in_o < 0))
    tracking = pc.if_else(pc.and_(held, pc.is_null(tracking)), existing, tracking)
    # An invalid row without a number that names it: its own code.
    invalid = pa.array(np.array([b == "invalid" for b in by_outcome])[bucket])
    unnamed = pc.and_(invalid, pc.is_null(codes))
    return rows, {
        "tracking_no": tracking,
        "codes": pc.if_else(unnamed, pa.scalar("INVALID_ROW", pa.large_string()), codes),
        "reasons": pc.if_else(
            unnamed,
            pa.scalar(reason["INVALID_ROW"], pa.large_string()),
            of_pairs.joined(reasons, "\n"),
        ),
    }


def orders_table(result, lang: str) -> Table:
    """Every order line of the export with what became of it: the accountant's list."""
    rows, found = order_rows(result, lang)
    outcome = {b: i18n.text(f"orders.{b}.name", lang) for b in rows["bucket"].unique()}
    return Table(
        "sheet.orders",
        [
            Column("col.outcome", texts(mapped(rows["bucket"], outcome)), coloured=True, cap=14),
            Column("col.order_no", texts(rows["order_no"]), cap=13),
            Column("col.cart_no", texts(rows["cart_no"]), cap=12),
            Column("col.status", texts(rows["status"]), cap=14),
            Column("col.amount", numbers(rows["amount"], float), "amount", cap=10),
            Column("col.tracking_no", texts(found["tracking_no"]), cap=16),
            Column("col.code", texts(found["codes"]), cap=22),
            Column("col.reason", texts(found["reasons"]), cap=44),
            Column("col.source_row", numbers(rows["source_row"], int), "int"),
        ],
        looks=texts(mapped(rows["bucket"], OUTCOME_LOOK)),
    )


def masked_phone(phone: pd.Series) -> pd.Series | pa.Array:
    """Only the last four digits: enough to recognise a buyer, not to call a stranger."""
    try:  # text: by Arrow's kernels (pandas' .str on objects is a Python call per row)
        text = pa.array(phone.to_numpy(object), pa.large_string(), from_pandas=True)
    except (pa.ArrowException, UnicodeError):
        return ("…" + phone.str[-4:]).where(phone.str.len().gt(0), None)
    dots, none = pa.scalar("…", pa.large_string()), pa.scalar("", pa.large_string())
    masked = pc.binary_join_element_wise(dots, pc.utf8_slice_codeunits(text, -4), none)
    return pc.if_else(pc.greater(pc.utf8_length(text), 0), masked, None)


def _arrow(values) -> pa.Array:
    """Text as Arrow large strings (missing: null); Arrow text as it is."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.StringDtype):
        values = pa.array(values)  # pandas' Arrow strings: no copy
        values = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    if isinstance(values, pa.Array):
        return values.cast(pa.large_string())
    return pa.array(pd.Series(values, dtype=object), pa.large_string(), from_pandas=True)


def mapped(values, names: dict[str, str]) -> pa.Array:
    """``values.map(names)`` as Arrow text (null where a value has none), by one hash join
    rather than pandas' per-value map."""
    keys, shown = pa.array(list(names), pa.large_string()), pa.array(list(names.values()))
    return pc.take(shown.cast(pa.large_string()), pc.index_in(_arrow(values), keys))


def joined(where: pa.Array, values, keys, sep: str = ", ") -> pa.Array:
    """For each key of ``where``, the ``values`` of its ``keys`` joined by ``sep`` in their
    order (null for none): Arrow's ordered group-by, no Python loop."""
    table = pa.table({"k": _arrow(keys), "v": _arrow(values)}).filter(pc.field("k").is_valid())
    if pc.count_distinct(table["k"]).as_py() == table.num_rows:  # a value per key: itself
        return _arrow(pc.take(table["v"], pc.index_in(_arrow(where), _arrow(table["k"]))))
    lists = table.group_by("k", use_threads=False).aggregate([("v", "list")])
    text = pc.binary_join(lists["v_list"], pa.scalar(sep, pa.large_string()))
    return _arrow(pc.take(text, pc.index_in(_arrow(where), _arrow(lists["k"]))))


def first_at(ids: np.ndarray, count: int) -> np.ndarray:
    """Per id below ``count``, the first position of ``ids`` holding it (-1: none), as
    index_in finds it."""
    first = np.full(count, -1, np.int64)
    if np.bincount(ids, minlength=count).max(initial=0) <= 1:
        first[ids] = np.arange(len(ids))
    else:
        held, at = np.unique(ids, return_index=True)
        first[held] = at
    return first


class NumberIds:
    """Columns of order numbers as integer ids from one hash of them all, so that each
    look-up after it is integer indexing, not another hash of every number. A missing
    number is an id too (index_in matches null with null); look-ups skip it as keys."""

    def __init__(self, *columns) -> None:
        texts = [_arrow(c) for c in columns]
        encoded = pc.dictionary_encode(pa.concat_arrays(texts), null_encoding="encode")
        ids = encoded.indices.to_numpy().astype(np.int64)
        self.count = len(encoded.dictionary)
        self.of = np.split(ids, np.cumsum([len(t) for t in texts])[:-1])
        self.valid = [t.is_valid().to_numpy(zero_copy_only=False) for t in texts]

    def lookup(self, where: np.ndarray, keys: int) -> Lookup:
        return Lookup(where, self.of[keys], self.valid[keys], self.count)


class Lookup:
    """For each id of ``where``, the entries of ``keys`` (ids, those ``valid``) with that id."""

    def __init__(self, where: np.ndarray, keys: np.ndarray, valid: np.ndarray, count: int):
        self.kept = None if valid.all() else pa.array(valid)
        keys = keys if self.kept is None else keys[valid]
        self.order = None  # a key per entry: each is its own group
        slot = np.full(count, -1, np.int64)
        if np.bincount(keys, minlength=count).max(initial=0) <= 1:
            slot[keys] = np.arange(len(keys))
        else:  # entries grouped by key, each group in the entries' order
            self.order = np.argsort(keys, kind="stable")
            grouped = keys[self.order]
            self.starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]])
            slot[grouped[self.starts]] = np.arange(len(self.starts))
        at = slot[where]
        self.at = pa.array(at, mask=at < 0)

    def joined(self, values, sep: str = ", ") -> pa.Array:
        """joined(where, values, keys, sep) of the texts that go with the keys."""
        values = _arrow(values)
        values = values if self.kept is None else values.filter(self.kept)
        if self.order is not None:
            ends = pa.array(np.r_[self.starts, len(values)])
            lists = pa.LargeListArray.from_arrays(ends, values.take(pa.array(self.order)))
            values = pc.binary_join(lists, pa.scalar(sep, pa.large_string()))
        return _arrow(pc.take(values, self.at))


def unshipped_table(
    u: pd.DataFrame, ex: pd.DataFrame, today: dt.date, lang: str, personal: bool = False
) -> Table:
    paid = pd.to_datetime(u["paid_at"])
    # The mobile number when there is one: it is the one a courier calls.
    phone = u["mobile"].where(u["mobile"].ne(""), u["phone"]).astype(object)
    # The watch's own rows say which alerts each order has, in code order (most urgent first).
    alerts = ex.loc[ex["code"].isin(list(ALERT_LOOK)), ["order_no", "code"]]
    names = alerts["code"].map({c: i18n.text(f"alert.{c}", lang) for c in ALERT_LOOK})
    listed = joined(u["order_no"], names, alerts["order_no"])
    first = alerts.drop_duplicates("order_no").set_index("order_no")["code"].map(ALERT_LOOK)
    return Table(
        "sheet.unshipped",
        [
            Column("col.priority", np.arange(1.0, len(u) + 1), "int"),
            Column("col.alerts", texts(listed), coloured=True, cap=16),
            Column("col.order_no", texts(u["order_no"])),
            Column("col.cart_no", texts(u["cart_no"]), cap=9),
            Column("col.status", texts(u["status"]), cap=10),
            Column("col.paid_at", dates(paid, with_time=True), "datetime"),
            Column("col.est_ship_date", dates(u["est_ship_date"]), "date"),
            Column(
                "col.business_days", numbers(business_days_between(paid, today), int), "int", cap=8
            ),  # fmt: skip
            Column(
                "col.ship_by", dates(add_business_days(paid, watch.SHIP_BY_BDAYS)), "date", cap=10
            ),  # fmt: skip
            Column("col.amount", numbers(u["amount"], float), "amount", cap=8),
            Column("col.recipient", texts(u["recipient_name"]), cap=10),
            Column("col.phone", texts(phone if personal else masked_phone(phone)), cap=16),
            *([Column("col.address", texts(u["address"]), cap=24)] if personal else []),
            Column("col.carrier", texts(u["carrier_expected"]), cap=12),
            Column("col.item", texts(u["item_name"]), cap=20),
            # For the screen: where the order is in the export (its number finds it too).
            Column("col.source_file", texts(u["source_file"]), cap=24, printed=False),
            Column("col.source_row", numbers(u["source_row"], int), "int", printed=False),
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
