"""What became of the rows earlier runs put in upload files, told by today's export.

For every order the ledger holds an upload row for (the newest, of a run not undone):
- the export shows that tracking number on the order, or QSM says it is in delivery:
  *confirmed* (recorded), and the order is already dispatched;
- the export shows the order still waiting, and was downloaded *before* the upload file was
  written: it cannot know yet. The order is *pending* (UPLOAD_PENDING names the file);
- the export shows it still waiting and was downloaded *after* the file: the file was not
  uploaded, or QSM refused it. *Not confirmed* (recorded); the order is offered again
  (UPLOAD_NOT_CONFIRMED), in this run's upload.

When the export was downloaded comes from QSM's file name
(DeliveryManagement_detail_YYYYMMDD_HHMM.csv, Japan time), else from the file's
modification time; summary.json says which.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from batch import exceptions
from batch.inputs import DELAYED, PAID, SHIPPED
from batch.job import TOKYO
from batch.row_messages import say

PENDING = "pending"
# States in which an order offered again is uploaded; in any other it is not eligible now.
_OFFERABLE = (PAID, DELAYED)
_QSM_FILE_NAME = re.compile(r"DeliveryManagement_(?:detail|brief)_(\d{8})_(\d{4})")
FROM_NAME, FROM_MTIME = "file name", "file modified time"
FROM_MTIME_NOT_NAME = "file modified time (the time in its name is later than now)"
# The same, as the messages word it in each language.
_TOLD_BY = {
    FROM_NAME: "row.downloaded.name",
    FROM_MTIME: "row.downloaded.mtime",
    FROM_MTIME_NOT_NAME: "row.downloaded.mtime_not_name",
}
# A name's time may run ahead of this machine's clock by this much (clocks drift).
_CLOCK_SLACK = dt.timedelta(minutes=10)


def exported_at(path: str | Path) -> tuple[dt.datetime, str]:
    """When the orders export was downloaded, and how that is known. A time in the name
    that has not come yet is not believed: it would make every earlier upload look
    refused, and offer it again day after day."""
    mtime = Path(path).stat().st_mtime
    modified = dt.datetime.fromtimestamp(mtime, dt.timezone.utc).astimezone(TOKYO)
    m = _QSM_FILE_NAME.search(Path(path).name)
    if not m:
        return modified, FROM_MTIME
    try:
        when = dt.datetime.strptime(m.group(1) + m.group(2), "%Y%m%d%H%M").replace(tzinfo=TOKYO)
    except ValueError:
        return modified, FROM_MTIME  # not a real time: the file's own clock says more
    if when > dt.datetime.now(TOKYO) + _CLOCK_SLACK:
        return modified, FROM_MTIME_NOT_NAME
    return when, FROM_NAME


def predates(exported: dt.datetime, written: pd.Series) -> np.ndarray:
    """Was the export made before each file was written (so it cannot show it yet)? Within
    the same second counts as before: a file's time may be kept to the second (ledgers
    before schema 3), and "pending" is the answer that never uploads an order twice."""
    written = pd.to_datetime(written, utc=True, errors="coerce")
    return (written >= pd.Timestamp(exported).floor("s")).to_numpy()


def jst(text: str | dt.datetime) -> str:
    when = pd.Timestamp(text)
    if when.tzinfo is None:
        when = when.tz_localize("UTC")
    return when.tz_convert(TOKYO).strftime("%Y-%m-%d %H:%M JST")


@dataclass
class Assessment:
    """The ledger's earlier upload rows, judged against today's export."""

    exported_at: dt.datetime
    exported_from: str
    confirmed: pd.DataFrame = field(default_factory=pd.DataFrame)  # order_no, run_id
    pending: pd.DataFrame = field(default_factory=pd.DataFrame)  # ledger rows, by order_no
    not_confirmed: pd.DataFrame = field(default_factory=pd.DataFrame)  # likewise

    def counts(self) -> dict:
        return {
            "confirmed": len(self.confirmed),
            "pending": len(self.pending),
            "not_confirmed": len(self.not_confirmed),
        }


def assess(
    o: pd.DataFrame, book, when: tuple[dt.datetime, str], moving: dict[str, Path] | None = None
) -> tuple[pd.DataFrame, Assessment]:
    """The orders with ``existing_tracking``/``existing_source`` as the rules should see
    them, and the assessment of the ledger's earlier rows. ``book`` may be None;
    ``moving``: run_id -> the folder this run's --replace moves that run's files into."""
    source = pd.Series("export", index=o.index).where(o["existing_tracking"].ne(""), "")
    # Where the number comes from: "export", or "ledger" (run ``existing_run``) and whether
    # an export confirmed it; the messages word it (row.source.* in batch/locale).
    o = o.assign(existing_source=source, existing_run="")
    found = Assessment(*when)
    if book is None:
        return o, found
    held = book.recorded(o["order_no"])
    if held.empty:
        return o, found
    rec = held.reindex(o["order_no"].to_numpy())
    rec.index = o.index
    for run_id, folder in (moving or {}).items():
        rec.loc[rec["run_id"].eq(run_id), "files_dir"] = str(folder)
    has = rec["tracking_no"].notna().to_numpy()
    number = rec["tracking_no"].fillna("").to_numpy(dtype=object)
    shown = o["existing_tracking"].to_numpy(dtype=object)
    shows_number = shown != ""
    in_delivery = ~shows_number & o["state"].eq(SHIPPED).to_numpy()
    confirmed_before = rec["confirmed_at"].notna().to_numpy()
    waiting = has & ~shows_number & ~in_delivery
    older = predates(found.exported_at, rec["written_at"])
    once_found_waiting = rec["not_confirmed_at"].notna().to_numpy()

    confirm = has & ((shows_number & (shown == number)) | in_delivery) & ~confirmed_before
    pending = waiting & ~confirmed_before & older & ~once_found_waiting
    not_confirmed = waiting & ~confirmed_before & ~pending
    # The rules treat a ledger number as the order's own unless an export showed it waiting
    # after its file was written: that one is judged again below, after the rules.
    from_ledger = waiting & (confirmed_before | pending | not_confirmed)
    run_ids = rec["run_id"].fillna("").astype(str)
    label = np.where(
        confirmed_before, "ledger_confirmed", np.where(not_confirmed, "ledger_never", "ledger")
    )
    o = o.assign(
        existing_tracking=o["existing_tracking"].where(~from_ledger, rec["tracking_no"]),
        existing_source=source.where(~from_ledger, label),
        existing_run=o["existing_run"].where(~from_ledger, run_ids),
    )
    keep = ["order_no", "run_id"]
    found.confirmed = pd.DataFrame(
        {"order_no": o["order_no"][confirm], "run_id": run_ids[confirm]}
    )[keep]
    found.pending = rec[pending].set_index(o["order_no"][pending])
    found.not_confirmed = rec[not_confirmed].set_index(o["order_no"][not_confirmed])
    return o, found


def apply(decision, o: pd.DataFrame, found: Assessment, today: dt.date):
    """The rules' decision with pending orders in their bucket and not-confirmed orders
    offered again from the ledger's row. ``o`` is the orders as assessed (order_no column,
    aligned with ``decision.bucket``)."""
    if found.pending.empty and found.not_confirmed.empty:
        return decision
    from batch.rules import ALREADY, NOT_ELIGIBLE, UPLOADED

    bucket = decision.bucket.to_numpy(dtype=object).copy()
    order_no = o["order_no"].to_numpy(dtype=object)
    is_pending = np.isin(order_no, found.pending.index.to_numpy()) & (bucket == ALREADY)
    is_again = np.isin(order_no, found.not_confirmed.index.to_numpy()) & (bucket == ALREADY)
    offerable = o["state"].isin(_OFFERABLE).to_numpy()
    bucket[is_pending] = PENDING
    bucket[is_again & offerable] = UPLOADED
    bucket[is_again & ~offerable] = NOT_ELIGIBLE

    changed = set(order_no[is_pending | is_again])
    rows = decision.exceptions
    drop = rows["code"].eq("ALREADY_DISPATCHED") & rows["order_no"].isin(changed)
    pending_rows = o[is_pending]
    again_rows = o[is_again & offerable]
    new = [
        rows[~drop.to_numpy()],
        _pending_exceptions(pending_rows, found),
        _again_exceptions(again_rows, found),
    ]
    rec = found.not_confirmed.loc[again_rows["order_no"].to_numpy()]
    ship = pd.to_datetime(rec["ship_date"], errors="coerce")
    ship = ship.fillna(pd.Timestamp(today))
    offered = pd.DataFrame(
        {
            "order_no": again_rows["order_no"].to_numpy(),
            "cart_no": again_rows["cart_no"].to_numpy(),
            "tracking_no": rec["tracking_no"].to_numpy(),
            "carrier": rec["carrier"].to_numpy(),
            "ship_date": ship.to_numpy(),
            "dispatch_id": -1,  # from the ledger, not from a courier sheet's row
        }
    )
    upload = pd.concat([decision.upload, offered], ignore_index=True)
    upload_at = decision.upload_at
    if upload_at is not None:  # the offered rows' orders follow the rules' ones
        upload_at = np.concatenate([upload_at, np.flatnonzero(is_again & offerable)])
    return type(decision)(
        bucket=pd.Series(bucket, index=decision.bucket.index, dtype=object),
        upload=upload,
        exceptions=exceptions.concat(new),
        upload_at=upload_at,
    )


def _file_of(rec: pd.DataFrame) -> pd.Series:
    return rec["files_dir"].fillna("").astype(str).map(lambda d: d.rstrip("/\\") + "/") + rec[
        "upload_file"
    ].astype(str)


def _exceptions(code: str, rows: pd.DataFrame, ledger_rows: pd.DataFrame, words):
    """One ``code`` exception per order of ``rows``, about its ledger row; ``words(rec)``
    says the messages from the ledger rows (aligned with ``rows``)."""
    if rows.empty:
        return exceptions.empty()
    rec = ledger_rows.loc[rows["order_no"].to_numpy()]
    rec.index = rows.index
    return exceptions.make(
        code,
        rows,
        words(rec),
        tracking_no=rec["tracking_no"],
        carrier=rec["carrier"],
        order_no=rows["order_no"],
        cart_no=rows["cart_no"],
        carrier_expected=rows["carrier_expected"],
        recipient=rows["recipient_name"],
        amount=rows["amount"],
        source_file=rows["source_file"],
        source_row=rows["source_row"],
    )


def _pending_exceptions(rows: pd.DataFrame, found: Assessment) -> pd.DataFrame:
    told = say(_TOLD_BY[found.exported_from])
    return _exceptions("UPLOAD_PENDING", rows, found.pending, lambda rec: say(
        "row.upload.pending", file=_file_of(rec), run=rec["run_id"],
        written=rec["written_at"].map(jst), downloaded=jst(found.exported_at), told=told,
    ))  # fmt: skip


def _again_exceptions(rows: pd.DataFrame, found: Assessment) -> pd.DataFrame:
    return _exceptions("UPLOAD_NOT_CONFIRMED", rows, found.not_confirmed, lambda rec: say(
        "row.upload.again", file=_file_of(rec), run=rec["run_id"],
        written=rec["written_at"].map(jst), downloaded=jst(found.exported_at),
    ))  # fmt: skip


def record(book, run_id: str, found: Assessment) -> None:
    """What this run learnt of earlier rows, in the run's (uncommitted) transaction."""
    if len(found.confirmed):
        book.confirm(found.confirmed, f"export downloaded {jst(found.exported_at)}")
    if len(found.not_confirmed):
        rows = pd.DataFrame(
            {"order_no": found.not_confirmed.index, "run_id": found.not_confirmed["run_id"]}
        )
        book.not_confirmed(rows, run_id)
