"""`plan`: estimated ship dates (発送予定日) in bulk, before buyers can cancel freely.

Until a paid order has an estimated ship date the buyer may cancel without the seller's
approval, and after 14 days it turns 配送遅延. The date cannot be changed once entered and
QSM mails it to the buyer, so the plan is shown and remembered in the ledger before the
seller uploads it.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from batch import jpcalendar, orderstate, outputs, upload, upload_life
from batch.command import Clock, Target
from batch.formats import MAX_AHEAD_DAYS
from batch.inputs import (
    DELAYED,
    UNKNOWN,
    Loaded,
    load_orders,
    unknown_statuses,
)
from batch.job import ledger_for_run, today_in_tokyo
from batch.report import workbook
from batch.row_messages import warning_text
from batch.watch import NOTICE_BDAYS

DATED, ALREADY_DATED, ALREADY_DISPATCHED, NOT_ELIGIBLE, INVALID = (
    "dated",
    "already_dated",
    "already_dispatched",
    "not_eligible",
    "invalid",
)
BUCKETS = (DATED, ALREADY_DATED, ALREADY_DISPATCHED, NOT_ELIGIBLE, INVALID)


@dataclass
class PlanOptions:
    today: dt.date = field(default_factory=today_in_tokyo)
    lead_days: int = 2
    cutoff: dt.time | None = None  # paid after this time: counts from the next business day
    max_ahead_days: int = MAX_AHEAD_DAYS
    delay_type: int | None = None
    delay_memo: str = ""
    orders_format: str | None = None
    password: str | None = None
    ledger: Path | None = None
    dry_run: bool = False
    replace: bool = False  # move an earlier run's outputs in --out aside (never delete them)


@dataclass
class PlanResult:
    run_id: str
    out: Path
    summary: dict
    dated: pd.DataFrame  # order_no, cart_no, paid_at, business_days, est_ship_date, why
    left: pd.DataFrame  # order_no, cart_no, status, bucket, outcome (plan.xlsx's wording)
    language: str = "ja"
    dry_run: bool = False
    seconds: float = 0.0
    replaced: Path | None = None  # where --replace moved the earlier run's files


def propose(orders: pd.DataFrame, options: PlanOptions) -> pd.DataFrame:
    """One proposed date per order (all orders given are to be dated), with the reason.

    Columns of ``orders``: order_no, cart_no, state, paid_at (datetime64, NaT if unknown).
    """
    today = options.today
    paid = orders["paid_at"]
    day = paid.dt.normalize()
    late = pd.Series(False, index=orders.index)
    if options.cutoff is not None:
        late = paid.notna() & (paid.dt.time > options.cutoff)
    # An order paid after the cutoff is handled as if paid the next business day.
    start = day.where(~late, jpcalendar.add_business_days(day, 1))
    start = start.fillna(pd.Timestamp(today))  # no payment date known (brief export)
    proposed = jpcalendar.add_business_days(start, options.lead_days)

    earliest = pd.Timestamp(jpcalendar.next_business_day(today))
    latest = pd.Timestamp(today + dt.timedelta(days=options.max_ahead_days))
    since = jpcalendar.business_days_between(paid, today)
    urgent = since.fillna(0).ge(NOTICE_BDAYS).to_numpy() | orders["state"].eq(DELAYED).to_numpy()
    date = proposed.where(~urgent, earliest).clip(lower=earliest, upper=latest)

    # One date per cart: the latest of its orders, or the earliest possible if any is urgent.
    cart = orders["cart_no"]
    cart_urgent = pd.Series(urgent, index=orders.index).groupby(cart).transform("any")
    cart_date = date.groupby(cart).transform("max").where(~cart_urgent, earliest)

    # Why, as a catalogue key (batch.i18n "plan.why.*"); later masks win.
    why = pd.Series("paid", index=orders.index, dtype=object)
    why = why.mask(late, "cutoff").mask(paid.isna(), "no_payment")
    why = why.mask(proposed.lt(earliest) & ~urgent, "earliest")
    why = why.mask(proposed.gt(latest), "capped")
    why = why.mask(cart_date.ne(date) & ~cart_urgent, "cart")
    why = why.mask(cart_urgent, "urgent")
    return pd.DataFrame(
        {
            "order_no": orders["order_no"],
            "cart_no": cart,
            "status": orders["status"],
            "paid_at": paid,
            "business_days": since,
            "est_ship_date": cart_date,
            "urgent": cart_urgent,
            "why": why,
        },
        index=orders.index,
    )


def buckets(o: pd.DataFrame, ledger_dated: pd.Series, ledger_tracking: pd.Series) -> pd.Series:
    """What plan does with each valid order; ledger_* are order_no-indexed (may be empty)."""
    dated = o["est_ship_date"].notna() | o["order_no"].isin(ledger_dated.index)
    out = pd.Series(DATED, index=o.index, dtype=object)
    out[dated.to_numpy()] = ALREADY_DATED
    out[orderstate.not_eligible(o).to_numpy()] = NOT_ELIGIBLE
    out[orderstate.dispatched(o, ledger_tracking.index).to_numpy()] = ALREADY_DISPATCHED
    out[o["state"].eq(UNKNOWN).to_numpy()] = NOT_ELIGIBLE  # never dated, even if shipped
    return out


def plan(
    orders_path: str | os.PathLike, out: str | os.PathLike, options: PlanOptions | None = None
) -> PlanResult:
    """Propose estimated ship dates and write the QSM file(s) into ``out`` atomically."""
    options = options or PlanOptions()
    clock = Clock()
    target = Target.prepare(out, "plan", options.ledger, options.replace, options.dry_run)
    orders = load_orders(orders_path, options.orders_format, options.password)
    with ledger_for_run(options.ledger, options.dry_run) as book:
        result = _write(target, decide(orders, book, options), book, options)
    result.seconds = clock.seconds
    return result


@dataclass
class Planned:
    """What plan decided, before anything is written."""

    orders: Loaded
    bucket: pd.Series  # per valid order
    dated: pd.DataFrame  # the orders to date (propose()), most urgent first
    left: pd.DataFrame  # the others: order_no, cart_no, status, bucket, outcome
    stale: pd.Index  # orders of an earlier ship-date file this export shows undated


def decide(orders: Loaded, book, options: PlanOptions) -> Planned:
    o = orders.frame
    empty = pd.DataFrame(columns=["est_ship_date", "tracking_no"], dtype=str)
    ledger_dated = book.dated(o["order_no"]) if book else empty
    stale = pd.Index([], dtype=object)
    if len(ledger_dated):
        # A date the ledger remembers counts only while this export may predate its file: an
        # export downloaded after it that still shows no 発送予定日 says the file was never
        # uploaded (or QSM refused it), and the order is proposed again.
        exported = upload_life.exported_at(orders.path)[0]
        current = upload_life.predates(exported, ledger_dated["written_at"])
        stale = ledger_dated.index[~current]
        ledger_dated = ledger_dated[current]
    ledger_tracking = book.recorded(o["order_no"]) if book else empty
    bucket = buckets(o, ledger_dated["est_ship_date"], ledger_tracking["tracking_no"])
    todo = o[bucket.eq(DATED).to_numpy()]
    # Orders past the penalty line first, then by date.
    dated = propose(todo, options).sort_values(
        ["urgent", "est_ship_date"], ascending=[False, True], kind="stable"
    )
    left = o.loc[bucket.ne(DATED).to_numpy(), ["order_no", "cart_no", "status", "state"]]
    left = left.assign(bucket=bucket[bucket.ne(DATED)].to_numpy())
    # What plan.xlsx says of each: an unknown status is not "awaiting payment or cancelled".
    left["outcome"] = left["bucket"].where(left.pop("state").ne(UNKNOWN), "unknown_status")
    return Planned(orders, bucket, dated, left, stale)


def _write(target: Target, x: Planned, book, options: PlanOptions) -> PlanResult:
    orders = x.orders
    record = book is not None and not options.dry_run
    layout = orders.table.profile.upload
    # 発送予定日 in the form the export writes it (refused before anything is written).
    dates = upload.date_format(orders.table, "est_ship_date", layout.date_format)
    with target.staged(record) as (run_id, stage):
        staging = stage.path
        rows = pd.DataFrame(
            {"est_ship_date": x.dated["est_ship_date"].dt.strftime(dates)},
            index=x.dated.index,
        ).sort_index()
        language = orders.table.profile.language or "ja"
        files = upload.write(
            orders.table.sheet, orders.table.positions, rows, staging, language, layout, "shipdate"
        )
        name = pd.Series(upload.file_of_rows(files), index=rows.index)
        dated = x.dated.assign(file=name.reindex(x.dated.index).to_numpy())
        summary = _summary(run_id, options, orders, x.bucket, dated, files)
        summary["dry_run"] = options.dry_run
        # Said aloud: a copied or re-saved export (a newer file time) also brings them back.
        summary["proposed_again"] = int(dated["order_no"].isin(x.stale).sum())
        outputs.write_json(staging / "summary.json", summary)
        result = PlanResult(run_id, target.out, summary, dated, x.left, language, options.dry_run)
        workbook.write_plan(staging / "plan.xlsx", result)
        if record:
            iso = dated.assign(est_ship_date=dated["est_ship_date"].dt.strftime("%Y-%m-%d"))
            book.record_dates(run_id, options.today, [orders.path], target.folder, iso)
        result.replaced = target.publish(stage, book, record)
    return result


def _worded(warning: dict) -> dict:
    """A warning with its English ``message`` (warning_text words it in any language)."""
    return {**warning, "message": warning_text("plan", warning, "en")}


def _summary(run_id, options: PlanOptions, orders: Loaded, bucket, dated, files) -> dict:
    counts = bucket.value_counts()
    order_counts = {b: int(counts.get(b, 0)) for b in BUCKETS}
    order_counts[INVALID] = orders.invalid_rows
    dates = dated["est_ship_date"].dt.strftime("%Y-%m-%d").value_counts().sort_index()
    total = orders.rows
    return {
        "version": 1,
        "command": "plan",
        "run_id": run_id,
        "today": options.today.isoformat(),
        "inputs": {"orders": outputs.input_entry(orders)},
        "settings": {
            "lead_days": options.lead_days,
            "cutoff": options.cutoff.strftime("%H:%M") if options.cutoff else None,
            "max_ahead_days": options.max_ahead_days,
            "delay_type": options.delay_type,
            "delay_memo": options.delay_memo or None,
        },
        "orders": {"total": total, **order_counts},
        "dates": {d: int(n) for d, n in dates.items()},
        "urgent": int(dated["urgent"].sum()),
        "shipdate_files": [{"path": p.name, "rows": len(i)} for p, i in files],
        "warnings": [
            _worded({"kind": "unknown_status", "status": status, "orders": order_nos})
            for status, order_nos in unknown_statuses(orders.frame).items()
        ],
        "reconciled": total == sum(order_counts.values()),
    }
