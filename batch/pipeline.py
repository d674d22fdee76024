"""The main job: read -> validate -> match -> decide -> write. The one place stages meet."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from batch import (
    carriers,
    codes,
    config,
    exceptions,
    listing_carrier,
    matching,
    outputs,
    row_messages,
    rules,
    upload,
    upload_life,
    watch,
)
from batch.command import Clock, Progress, Target
from batch.errors import Phrase, UsageError
from batch.inputs import Loaded, load_dispatch, load_orders
from batch.job import ledger_for_run, today_in_tokyo
from batch.normalize import positions
from batch.report import workbook

ORDER_BUCKETS = (
    "uploaded", "held", "unshipped", "pending", "not_eligible", "already_dispatched", "invalid"
)  # fmt: skip
DISPATCH_BUCKETS = ("matched", "unmatched", "invalid", "duplicate")


@dataclass
class Options:
    today: dt.date = field(default_factory=today_in_tokyo)
    lang: str = "auto"
    orders_format: str | None = None
    dispatch_format: str | None = None
    dispatch_carrier: str = ""  # the carrier of the rows a sheet names none for
    # The seller's config [sheets]: file-name pattern -> carrier, after dispatch_carrier.
    sheet_carriers: Mapping[str, str] = field(default_factory=dict)
    password: str | None = None
    dry_run: bool = False
    strict: bool = False  # errors or warnings: outputs written for review, nothing recorded
    replace: bool = False  # move an earlier run's outputs in --out aside (never delete them)
    show_personal_data: bool = False  # full phone and address in the workbook
    ledger: Path | None = None  # None: no ledger (--no-ledger)
    progress: Progress | None = None


@dataclass
class RunResult:
    run_id: str
    out: Path
    summary: dict
    exceptions: pd.DataFrame
    uploaded: pd.DataFrame  # file, order_no, cart_no, carrier, tracking_no, ship_date
    unshipped: pd.DataFrame  # paid orders without tracking, most urgent first
    orders: pd.DataFrame  # every valid order row with its bucket
    language: str
    dry_run: bool = False
    show_personal_data: bool = False  # full phone and address in the workbook
    invalid_orders: pd.DataFrame = field(default_factory=exceptions.empty)  # their INVALID_ROWs
    recorded: bool = False  # the ledger holds this run's rows
    replaced: Path | None = None  # where --replace moved the earlier run's files
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)


def _combine(loaded: Sequence[Loaded]) -> pd.DataFrame:
    frames = [x.frame for x in loaded]
    if not any(len(f) for f in frames):
        return frames[0].iloc[0:0].assign(dispatch_id=pd.Series(dtype="int64"))
    d = pd.concat([f for f in frames if len(f)], ignore_index=True)
    return d.assign(dispatch_id=range(len(d)))


def run(
    orders_path: str | os.PathLike,
    dispatch_paths: Sequence[str | os.PathLike],
    out: str | os.PathLike,
    options: Options | None = None,
) -> RunResult:
    """Run the whole job and add every output to ``out`` (atomically, never deleting)."""
    options = options or Options()
    clock = Clock(options.progress)
    target = Target.prepare(out, "run", options.ledger, options.replace, options.dry_run)
    orders, sheets, d = load_inputs(orders_path, dispatch_paths, options, clock)
    with ledger_for_run(options.ledger, options.dry_run) as book:
        decided = decide(orders, sheets, d, book, target.moving(), options, clock)
        result = _write(target, decided, book, options, clock)
    result.seconds = clock.seconds
    result.timings = clock.times
    return result


def load_inputs(orders_path, dispatch_paths, options: Options, clock: Clock):
    """The orders, each courier sheet, and the courier rows of all sheets in one frame."""
    given = options.dispatch_carrier
    if given and not carriers.resolve(pd.Series([given], dtype=object))["company"].iat[0]:
        raise UsageError(Phrase("error.usage.dispatch_carrier", carrier=repr(given)))
    orders = load_orders(orders_path, options.orders_format, options.password)
    profile = orders.table.profile
    clock.lap(
        "read", "read_orders", rows=orders.rows, format=profile.name, language=profile.language
    )
    sheets = []
    for path in dispatch_paths:
        carrier = given or config.sheet_carrier(options.sheet_carriers, Path(path).name)
        sheets.append(load_dispatch(path, options.dispatch_format, options.password, carrier))
        table = sheets[-1].table
        how = "read_by_position" if table.sheet.by_position else "read_dispatch"
        clock.lap("read", how, rows=sheets[-1].rows, format=table.profile.name)
    d = _combine(sheets)
    for sheet in sheets:
        sheet.release()  # d has their rows; at 1M the B2 cells alone are ~0.6 GB
    return orders, sheets, d


@dataclass
class Decided:
    """What a run decided, before anything is written."""

    orders: Loaded
    sheets: list[Loaded]
    o: pd.DataFrame  # the valid orders, judged against the ledger's earlier upload rows
    matches: matching.Matches
    decision: rules.Decision
    earlier_rows: upload_life.Assessment
    waiting: pd.DataFrame  # paid orders not shipped
    found: pd.DataFrame  # every exception row, sorted
    exported_at: tuple  # (when the export was downloaded, where that time came from)
    language: str


def decide(orders, sheets, d, book, moving, options: Options, clock: Clock) -> Decided:
    """Match the courier rows to the orders and decide every row's bucket (no writing)."""
    language = options.lang
    if language == "auto":
        language = orders.table.profile.language or "ja"
    # The messages the run's outputs read: the workbook's language, exceptions.jsonl's English.
    with row_messages.speaking(language):
        return _decide(orders, sheets, d, book, moving, options, clock, language)


def _decide(orders, sheets, d, book, moving, options, clock, language) -> Decided:
    when = upload_life.exported_at(orders.path)
    o, earlier_rows = upload_life.assess(orders.frame, book, when, moving)
    matches = matching.match(d, o, orders.invalid)
    clock.lap("match", "matched", rows=matches.pairs["dispatch_id"].nunique())
    d, from_listing = listing_carrier.fill(d, matches.pairs, o)
    if from_listing.any():  # each sheet's valid rows, in the order _combine put them
        sheet_of = np.repeat(np.arange(len(sheets)), [s.rows - s.invalid_rows for s in sheets])
        for i, n in enumerate(np.bincount(sheet_of[from_listing], minlength=len(sheets))):
            sheets[i].carrier_from_listing = int(n)
    decision = rules.decide(o, d, matches.pairs, options.today, matches.cart_of)
    decision = upload_life.apply(decision, o, earlier_rows, options.today)
    waiting = o[decision.bucket.to_numpy() == rules.UNSHIPPED]
    watched = watch.watch_unshipped(waiting, options.today)
    clock.lap("rules", "to_upload", rows=len(decision.upload))
    invalid = [orders.invalid, *(s.invalid for s in sheets)]
    found = _sorted(exceptions.concat([*invalid, matches.unmatched, decision.exceptions, watched]))
    return Decided(
        orders, sheets, o, matches, decision, earlier_rows, waiting, found, when, language
    )


def _write(target: Target, x: Decided, book, options: Options, clock: Clock) -> RunResult:
    serious = bool(x.found["severity"].isin([exceptions.ERROR, exceptions.WARNING]).any())
    # --strict with errors or warnings: the outputs are for review; the seller fixes the
    # inputs and runs again, so nothing may count as written.
    record = book is not None and not options.dry_run and not (options.strict and serious)
    layout = x.orders.table.profile.upload
    # 発送日 in the form the export writes it (refused before anything is written).
    dates = upload.date_format(x.orders.table, "ship_date", layout.date_format)
    with target.staged(record) as (run_id, stage):
        staging = stage.path
        uploaded = _write_uploads(x.orders, x.decision, options.today, staging, x.language, dates)
        clock.lap("upload", "uploaded", rows=len(uploaded))
        summary = _summary(run_id, options, x, uploaded, book, record)
        x.orders.release_cells()  # the upload was their last reader
        result = RunResult(
            run_id=run_id,
            out=target.out,
            summary=summary,
            exceptions=x.found,
            uploaded=uploaded,
            unshipped=_unshipped_table(x.waiting, options.today),
            orders=x.o.assign(bucket=x.decision.bucket.to_numpy()),
            invalid_orders=x.orders.invalid,
            language=x.language,
            dry_run=options.dry_run,
            show_personal_data=options.show_personal_data,
            recorded=record,
        )
        outputs.write_json(staging / "summary.json", summary)
        exceptions.write_jsonl(staging / "exceptions.jsonl", x.found)
        workbook.write(staging / "exceptions.xlsx", result)
        clock.lap("workbook", "exceptions", rows=len(x.found))
        if record:
            _record(book, run_id, options, x, target.folder, uploaded)
        result.replaced = target.publish(stage, book, record)
    return result


def _record(book, run_id, options: Options, x: Decided, folder: Path, uploaded) -> None:
    inputs = [x.orders.path, *(s.path for s in x.sheets)]
    as_iso = uploaded.assign(ship_date=uploaded["ship_date"].str.replace("/", "-"))
    downloaded = x.exported_at[0].isoformat(timespec="minutes")
    book.record(run_id, options.today, inputs, folder, as_iso, downloaded)
    upload_life.record(book, run_id, x.earlier_rows)


def _sorted(found: pd.DataFrame) -> pd.DataFrame:
    if found.empty:
        return found
    rank = found["severity"].map(exceptions.SEVERITY_RANK)
    code = found["code"].map({c: i for i, c in enumerate(exceptions.CODES)})
    days = pd.to_numeric(found["days"], errors="coerce").fillna(-1)
    order = pd.DataFrame(
        {
            "r": rank,
            "c": code,
            "d": -days,
            "f": found["source_file"].fillna(""),
            "s": pd.to_numeric(found["source_row"], errors="coerce").fillna(0),
        }
    )
    return found.loc[order.sort_values(["r", "c", "d", "f", "s"], kind="stable").index].reset_index(
        drop=True
    )


def _write_uploads(orders: Loaded, decision: rules.Decision, today, staging, language, dates):
    o = orders.frame
    up = decision.upload
    layout = orders.table.profile.upload
    ship = up["ship_date"].fillna(pd.Timestamp(today))
    rows = pd.DataFrame(
        {
            "tracking_no": _column(up["tracking_no"]),
            "carrier": _column(up["carrier"]),
            "ship_date": _ymd(ship, dates),  # in the upload file: the export's form
            "ship_day": _ymd(ship, "%Y/%m/%d"),  # in the workbook and the ledger
            "order_no": _column(up["order_no"]),
            "cart_no": _column(up["cart_no"]),
        },
        # The export's row label of each order (order numbers are unique in o).
        index=o.index.to_numpy()[_orders_at(decision, o)],
    ).sort_index()
    files = upload.write(
        orders.table.sheet, orders.table.positions, rows, staging, language, layout
    )
    return rows.assign(ship_date=rows.pop("ship_day"), file=upload.file_of_rows(files))


# The dtype a frame gives a column of Python strings (pandas 3: str, Arrow-backed).
_INFERRED_TEXT = pd.DataFrame({"x": np.array(["x"], dtype=object)})["x"].dtype


def _column(values: pd.Series):
    """``values`` for a new frame: a column already of the dtype a frame infers from its
    Python strings is given as its array (no conversion to objects and back, ~0.2 s of
    CPU at 1M rows), any other as a NumPy array, as before."""
    if isinstance(values.dtype, pd.StringDtype) and values.dtype == _INFERRED_TEXT:
        return values.array
    return values.to_numpy()


def _orders_at(decision: rules.Decision, o: pd.DataFrame) -> np.ndarray:
    """The position in ``o`` of each upload row's order: the one the rules carried (o is
    the frame they judged, row for row), else found by its number (a hash of every order
    number: ~0.2 s at 1M)."""
    up, at = decision.upload, decision.upload_at
    if at is not None and len(at) == len(up):
        return at
    return positions(up["order_no"], o["order_no"])


def _ymd(dates: pd.Series, date_format: str) -> np.ndarray:
    """2026/11/26 text of each date, formatted once per distinct day (a run ships on a few)."""
    codes, days = pd.factorize(dates)
    return days.strftime(date_format).to_numpy(dtype=object)[codes]


def bucket_counts(x: Decided) -> tuple[dict, dict, bool]:
    """The orders and dispatch rows per bucket of summary.json, and whether each adds up to
    the rows read."""
    orders, sheets = x.orders, x.sheets
    counts = x.decision.bucket.value_counts()
    order_counts = {b: int(counts.get(b, 0)) for b in ORDER_BUCKETS}
    order_counts["invalid"] = orders.invalid_rows
    order_counts = {"total": orders.rows, **order_counts}
    found = x.found
    pairs = x.matches.pairs
    dispatch_counts = {
        "total": sum(s.rows for s in sheets),
        "matched": int(pairs["dispatch_id"].nunique()) if len(pairs) else 0,
        "unmatched": int(found["code"].isin(codes.UNMATCHED).sum()) if len(found) else 0,
        "invalid": sum(s.invalid_rows for s in sheets),
        "duplicate": len(x.matches.duplicate),
    }
    reconciled = order_counts["total"] == sum(order_counts[b] for b in ORDER_BUCKETS) and (
        dispatch_counts["total"] == sum(dispatch_counts[b] for b in DISPATCH_BUCKETS)
    )
    return order_counts, dispatch_counts, bool(reconciled)


def _summary(run_id, options: Options, x: Decided, uploaded, book, record: bool) -> dict:
    orders, sheets, found = x.orders, x.sheets, x.found
    order_counts, dispatch_counts, reconciled = bucket_counts(x)
    files = uploaded.groupby("file", sort=True).size() if len(uploaded) else pd.Series(dtype=int)
    by_code = found["code"].value_counts() if len(found) else pd.Series(dtype=int)
    downloaded_at, downloaded_from = x.exported_at
    summary = {
        "version": 1,
        "run_id": run_id,
        "today": options.today.isoformat(),
        "inputs": {
            "orders": {
                **outputs.input_entry(orders),
                "downloaded_at": downloaded_at.isoformat(timespec="minutes"),
                "downloaded_at_from": downloaded_from,
            },
            "dispatch": [outputs.input_entry(s) for s in sheets],
        },
        "orders": order_counts,
        "dispatch": dispatch_counts,
        "exceptions": {c: int(by_code[c]) for c in exceptions.CODES if c in by_code},
        "upload_files": [{"path": name, "rows": int(n)} for name, n in files.items()],
        "reconciled": bool(reconciled),
    }
    summary["dry_run"] = options.dry_run
    summary["language"] = x.language  # send writes its results in it
    summary["ledger"] = {
        "path": str(options.ledger) if book is not None else None,
        "recorded": record,
        **x.earlier_rows.counts(),
    }
    return summary


def _unshipped_table(waiting: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    key = watch.urgency(waiting, today)
    return waiting.assign(urgency=key).sort_values("urgency", kind="stable")
