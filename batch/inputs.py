"""Read, normalise and validate the two kinds of input: the QSM orders and courier sheets.

Each loader returns the usable rows as a canonical DataFrame and the unusable ones as
INVALID_ROW exceptions, so every input row is accounted for.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow

from batch import carriers, exceptions, formats, i18n, normalize
from batch.read import Table, read_table
from batch.row_messages import say
from schemas import checks
from schemas import dispatch as dispatch_schema
from schemas import orders as orders_schema

# Order states, from the 配送状態 text of the Japanese or Korean screen: the [statuses] table
# of the orders profile (schemas/formats/qsm-*.toml). A text no table lists is UNKNOWN.
PAID, AWAITING_PAYMENT, CANCELLED, DELAYED, SHIPPED = formats.STATES
UNKNOWN = "unknown"


def _strategies_without_hypothesis() -> None:
    """Load pandera's data-synthesis strategies without hypothesis.

    pandera's first validate imports its strategies (examples for property tests), and
    they import hypothesis when it is installed: 0.1-0.2 s of every run where it is (a test
    venv, CI), for nothing validation uses. A seller's install has no hypothesis; this makes
    every other install start like it. A process that already has hypothesis keeps it."""
    if "hypothesis" in sys.modules:
        return
    sys.modules["hypothesis"] = None  # type: ignore[assignment]  # import raises ImportError
    try:
        import pandera.strategies.pandas_strategies  # noqa: F401
    finally:
        del sys.modules["hypothesis"]


_strategies_without_hypothesis()


@dataclass
class Loaded:
    """One input file after loading: what was read, the usable rows and the invalid ones."""

    table: Table
    frame: pd.DataFrame  # valid rows, normalised
    invalid: pd.DataFrame  # INVALID_ROW exceptions
    invalid_rows: int  # input rows that are invalid (a row may fail several checks)
    rows: int = field(init=False)  # data rows read, valid or not
    # Seconds spent reading ("parse"), validating and normalising: --profile shows them.
    seconds: dict[str, float] = field(default_factory=dict)
    # Rows whose carrier came from the order's listing (batch/listing_carrier.py).
    carrier_from_listing: int = 0

    def __post_init__(self):
        self.rows = self.table.rows

    def release(self) -> None:
        """Free the cells and frames once the rows are combined elsewhere (a courier sheet
        after the run has joined them); the counts and provenance stay."""
        self.release_cells()
        self.frame = self.frame.iloc[:0]

    def release_cells(self) -> None:
        """Free the file's cells as read, keeping the normalised rows (the orders once the
        upload files, their last reader, are written: at 1M lines ~0.8 GB the workbook
        would otherwise be built beside)."""
        self.table.sheet.cells = self.table.sheet.cells.iloc[:0]
        self.table.frame = self.table.frame.iloc[:0]

    @property
    def path(self):
        return self.table.sheet.path


def order_state(
    status: pd.Series, statuses: Mapping[str, Sequence[str]] | None = None
) -> pd.Series:
    """paid / awaiting_payment / cancelled / delayed / shipped / unknown from the 配送状態 text.

    ``statuses`` is a profile's [statuses] table (state -> texts); None or empty: the list
    every QSM profile shares. A text matches only as a whole, after NFKC and whitespace
    folding: a new wording (未入金, 返品要請) is unknown, never paid by default.
    """
    table = formats.status_table(dict(statuses or formats.shared_statuses()))
    # A day has a handful of distinct statuses: look those up, then spread to the rows.
    codes, distinct = pd.factorize(normalize.as_text(status), use_na_sentinel=False)
    state = np.array([table.get(formats.status_key(t), UNKNOWN) for t in distinct], dtype=object)
    return pd.Series(state[codes], index=status.index, dtype=object)


def unknown_statuses(orders: pd.DataFrame) -> dict[str, list[str]]:
    """The order numbers of each 配送状態 text the tool does not know, in file order."""
    unknown = orders[orders["state"].eq(UNKNOWN).to_numpy()]
    by_status = unknown.groupby("status", sort=False)["order_no"]
    return {status: list(nos) for status, nos in by_status}


def _timed(prepare, path, kind, format, password) -> Loaded:
    started = time.perf_counter()
    table = read_table(path, kind, format, password)
    parsed = time.perf_counter()
    loaded = prepare(table)
    seconds = {"parse": parsed - started, **loaded.seconds}
    seconds["normalise"] = time.perf_counter() - parsed - seconds.get("validate", 0.0)
    loaded.seconds = seconds
    return loaded


def _ids(s: pd.Series) -> pd.Series:
    # Order and cart numbers: full-width digits and Excel's protective apostrophe occur.
    ids = normalize.nfkc(s)
    if ids.str.startswith("'").any():  # a copy of the column only where there is one
        ids = ids.str.lstrip("'")
    return normalize.without_spaces(ids)


def _validate(model, checked: pd.DataFrame, table: Table) -> tuple[pd.Series, pd.DataFrame]:
    """Run the pandera model lazily; return a mask of valid rows and INVALID_ROW rows."""
    valid = pd.Series(True, index=checked.index)
    try:
        model.validate(checked, lazy=True)
        return valid, exceptions.empty()
    except pa.errors.SchemaErrors as err:
        cases = err.failure_cases
    cases = cases[cases["index"].notna()]
    index = cases["index"].astype("int64").to_numpy()
    valid.loc[index] = False
    header = table.sheet.header
    names = {c: header[p] for c, p in table.positions.items()}
    column = cases["column"].map(lambda c: names.get(c, c)).to_numpy()
    # The failing rows as read and as checked, each taken once (a take of every column).
    rows, ids = table.frame.loc[index], checked.loc[index]
    shown = pd.Series([str(v) for v in cases["failure_case"]], index=ids.index).str.slice(0, 80)
    # A dispatch row says which order it was for by its reference.
    reference = rows.get("reference", pd.Series("", index=ids.index))
    check = cases["check"].to_numpy(dtype=object)
    # A check of pandera's own (not one of the schemas') is named as pandera words it.
    known = np.isin(check, list(i18n.catalogue(i18n.FALLBACK)))
    why = say(np.where(known, check, "row.check.other"), check=check)
    message = _invalid(reference, column, why, shown)
    # Order and cart numbers as the rest of the run reads them (full-width digits, "'"), so a
    # courier row naming an invalid order can be linked to it.
    invalid = exceptions.make(
        "INVALID_ROW",
        rows,
        message,
        order_no=ids.get("order_no", rows.get("order_no")),
        cart_no=ids.get("cart_no", rows.get("cart_no")),
        tracking_no=rows.get("tracking_no"),
        recipient=rows.get("recipient_name"),
    )
    return valid, invalid


def load_orders(
    path: str | os.PathLike, format: str | None = None, password: str | None = None
) -> Loaded:
    return _timed(prepare_orders, path, "orders", format, password)


# The export's columns the orders frame is made of (the rest are only checked, or not read).
_ORDERS_READ = [
    "status", "carrier", "tracking_no", "item_name", "recipient_name", "recipient_phone",
    "recipient_mobile", "postal_code", "address", "source_file", "source_row",
]  # fmt: skip


def _valid_rows(frame: pd.DataFrame, valid: pd.Series, columns=None) -> pd.DataFrame:
    """The valid rows of ``columns`` (all by default) or of a Series: a filter takes every
    column it is given, ~0.1 s a 100k rows for the export's, and nothing when all are valid.

    What ``frame[valid]`` gives. A file has few invalid rows: a text column's valid rows are
    then its runs between them, copied once into one array (pandas' filter joins the file's
    chunks into one array and takes every row from it: two copies, ~2.5x the time)."""
    frame = frame if columns is None else frame[columns]
    if valid.all():
        return frame
    if isinstance(frame, pd.Series):
        return frame[valid]
    keep = valid.to_numpy(dtype=bool)
    cut = np.flatnonzero(~keep)
    if len(cut) > _FEW_INVALID:
        return frame[valid]
    # The runs of valid rows [start, end), the empty ones (invalid rows side by side) left out.
    starts, ends = np.r_[0, cut + 1], np.r_[cut, len(keep)]
    runs = starts[ends > starts], ends[ends > starts]
    index = frame.index[keep]
    return pd.DataFrame({c: _runs_of(frame[c], keep, runs, index) for c in frame}, index=index)


# Up to this many invalid rows, a text column is copied run by run (a loop over the runs).
_FEW_INVALID = 2_000


def _runs_of(s: pd.Series, keep: np.ndarray, runs, index: pd.Index) -> pd.Series:
    """The rows of ``s`` in the runs [start, end) of ``keep``: text as one Arrow array."""
    cells = s.array.__arrow_array__() if isinstance(s.dtype, pd.StringDtype) else None
    if cells is None or not cells.num_chunks:
        return s[keep]
    starts, ends = runs
    pieces, at = [], 0
    for chunk in cells.chunks:  # each run cut at the chunks' borders
        lo, hi = at, at + len(chunk)
        first, last = np.searchsorted(ends, lo, "right"), np.searchsorted(starts, hi)
        a, b = np.maximum(starts[first:last], lo), np.minimum(ends[first:last], hi)
        pieces += [chunk.slice(i - lo, j - i) for i, j in zip(a, b, strict=True)]
        at = hi
    kept = pyarrow.concat_arrays(pieces) if pieces else cells.chunks[0].slice(0, 0)
    return pd.Series(kept, index=index, dtype=s.dtype)


def _valid_dates(text: pd.Series, valid: pd.Series) -> pd.Series:
    """The dates of the valid rows, from the reading the real-date check made of every row.

    What ``normalize.dates`` gives the valid rows alone: pandas makes a column with no date
    at all datetime64[s] and one with any date datetime64[us], so a column left with none
    once the invalid rows are out is made [s] as their own reading would be."""
    dates = _valid_rows(checks.read_dates(text), valid)
    return dates if dates.notna().any() else dates.astype("datetime64[s]")


def prepare_orders(table: Table) -> Loaded:
    raw = table.frame.reindex(
        columns=[*orders_schema.COLUMNS, "source_file", "source_row"], fill_value=""
    )
    checked = pd.DataFrame(
        {
            "order_no": _ids(raw["order_no"]),
            "cart_no": _ids(raw["cart_no"]),
            "order_date": normalize.nfkc(raw["order_date"]),
            "paid_at": normalize.nfkc(raw["paid_at"]),
            "est_ship_date": normalize.nfkc(raw["est_ship_date"]),
            "amount": normalize.without_spaces(normalize.nfkc(raw["amount"])),
            "extra_cells": table.frame.get("extra_cells", pd.Series(False, index=raw.index)),
        },
        index=raw.index,
    )
    started = time.perf_counter()
    valid, invalid = _validate(orders_schema.Orders, checked, table)
    validated = time.perf_counter() - started
    dates = {c: _valid_dates(checked[c], valid) for c in ("order_date", "paid_at", "est_ship_date")}
    raw = _valid_rows(raw, valid, _ORDERS_READ)
    checked = _valid_rows(checked, valid, ["order_no", "cart_no", "amount"])
    listing = carriers.resolve(raw["carrier"])
    tracking = normalize.tracking(raw["tracking_no"])
    frame = pd.DataFrame(
        {
            "order_no": checked["order_no"],
            "cart_no": checked["cart_no"],
            "status": normalize.nfkc(raw["status"]),
            "state": order_state(raw["status"], table.profile.statuses),
            "carrier_expected": normalize.nfkc(raw["carrier"]),
            "expected_company": listing["company"],
            "expected_trackable": listing["trackable"],
            "existing_tracking": tracking.where(~tracking.str.startswith("UMN"), ""),
            "ordered_at": dates["order_date"],
            "paid_at": dates["paid_at"],
            "est_ship_date": dates["est_ship_date"],
            "amount": normalize.money(checked["amount"]),
            "item_name": raw["item_name"],
            "recipient_name": raw["recipient_name"],
            "name_key": normalize.person_name(raw["recipient_name"]),
            "phone": normalize.phone(raw["recipient_phone"]),
            "mobile": normalize.phone(raw["recipient_mobile"]),
            "postal": normalize.postal(raw["postal_code"]),
            "address": raw["address"],
            "source_file": raw["source_file"],
            "source_row": raw["source_row"],
        },
        index=raw.index,
    )
    return Loaded(table, frame, invalid, int((~valid).sum()), {"validate": validated})


def dispatch_carrier(raw: pd.DataFrame, table: Table, given: str = "") -> pd.Series:
    """The carrier text of each row: its own column, else its service code, else the layout's,
    else ``given`` (--dispatch-carrier). Still none: the run tries the order's listing."""
    own = normalize.nfkc(raw["carrier"])
    codes = table.profile.service_codes
    if codes:
        by_code = normalize.nfkc(raw["service"]).map(codes).fillna("")
        own = own.where(own.ne(""), by_code)
    return own.where(own.ne(""), table.profile.carrier or given)


def _invalid(reference: pd.Series, column, why, value: pd.Series):
    """An INVALID_ROW message: the row's reference (a dispatch row's), the column as the
    file heads it, why (a message) and the value found."""
    key = np.where(reference.eq("").to_numpy(), "row.invalid", "row.invalid_reference")
    return say(key, reference=reference, column=column, why=why, value=value)


def _cancelled(raw: pd.DataFrame, table: Table, valid: pd.Series, invalid: pd.DataFrame):
    """A line the sheet marks cancelled is no dispatch, and a mark that is neither a yes nor a
    no of the profile's [cancelled] is not guessed: both are INVALID_ROW, the order stays
    unshipped. Returns the valid mask and the invalid rows with these added."""
    meaning = formats.answers(table.profile.cancelled)
    text = normalize.nfkc(raw["cancelled"])
    # A column holds a few distinct marks: look those up (1 yes, 0 no, -1 neither), then spread.
    codes, distinct = pd.factorize(text, use_na_sentinel=False)
    looked = [int(meaning[k]) if (k := formats.status_key(t)) in meaning else -1 for t in distinct]
    answer = np.array(looked, dtype=np.int8)[codes]
    bad = answer != 0
    if not bad.any():
        return valid, invalid
    yes, no = (", ".join(table.profile.cancelled[a]) for a in ("yes", "no"))
    why = say(
        np.where(answer[bad] == 1, "row.cancelled.yes", "row.cancelled.neither"), yes=yes, no=no
    )
    rows = table.frame[bad]
    column = table.sheet.header[table.positions["cancelled"]]
    message = _invalid(rows["reference"], column, why, text[bad])
    found = exceptions.make(
        "INVALID_ROW", rows, message, tracking_no=rows["tracking_no"],
        recipient=rows.get("recipient_name"),
    )  # fmt: skip
    return valid & ~bad, exceptions.concat([invalid, found])


def load_dispatch(
    path: str | os.PathLike,
    format: str | None = None,
    password: str | None = None,
    carrier: str = "",
) -> Loaded:
    """A courier sheet; ``carrier`` (--dispatch-carrier) for the rows that name none."""
    return _timed(partial(prepare_dispatch, carrier=carrier), path, "dispatch", format, password)


def load(
    path: str | os.PathLike,
    kind: str | None = None,
    format: str | None = None,
    password: str | None = None,
) -> Loaded:
    """Load a file of either kind; the kind is the detected format's."""
    table = read_table(path, kind, format, password)
    prepare = prepare_orders if table.profile.kind == "orders" else prepare_dispatch
    return prepare(table)


_DISPATCH_READ = [
    "tracking_no", "recipient_name", "recipient_phone", "postal_code", "source_file", "source_row"
]  # fmt: skip


def prepare_dispatch(table: Table, carrier: str = "") -> Loaded:
    raw = table.frame.reindex(
        columns=[*dispatch_schema.COLUMNS, "source_file", "source_row"], fill_value=""
    )
    tracking = normalize.tracking(raw["tracking_no"])
    carrier_text = dispatch_carrier(raw, table, carrier)
    used = carriers.resolve(carrier_text)
    # An untrackable method has no number to check: CARRIER_UNTRACKABLE reports the row.
    untrackable = used["company"].ne("") & ~used["trackable"].astype(bool)
    checked = pd.DataFrame(
        {
            "tracking_no": tracking.mask(untrackable & tracking.eq(""), "-"),
            "ship_date": normalize.nfkc(raw["ship_date"]),
            "extra_cells": table.frame.get("extra_cells", pd.Series(False, index=raw.index)),
        },
        index=raw.index,
    )
    # The order number names the row's order; where its cell is blank, the cart number does.
    reference = _ids(raw["reference"]).str.lstrip("#")
    blank = reference.eq("").to_numpy()
    if blank.any():
        reference[blank] = _ids(raw["cart_reference"][blank]).str.lstrip("#").to_numpy()
    table.frame["tracking_no"] = tracking  # shown in INVALID_ROW rows
    table.frame["reference"] = reference
    started = time.perf_counter()
    valid, invalid = _validate(dispatch_schema.Dispatch, checked, table)
    validated = time.perf_counter() - started
    if table.profile.cancelled and "cancelled" in table.positions:  # absent: not required
        valid, invalid = _cancelled(raw, table, valid, invalid)
    raw = _valid_rows(raw, valid, _DISPATCH_READ)
    checked, tracking = _valid_rows(checked, valid, ["ship_date"]), tracking[valid]
    carrier_text, used, reference = carrier_text[valid], used[valid], reference[valid]
    ship_date = normalize.dates(checked["ship_date"])
    # Date-shaped but no real day (2026/02/30, 25:61): kept to be reported, never replaced.
    unreadable = checked["ship_date"].where(ship_date.isna() & checked["ship_date"].ne(""), "")
    frame = pd.DataFrame(
        {
            "reference": reference,
            "tracking_no": tracking,
            "tracking_raw": raw["tracking_no"],
            "mangled": normalize.is_mangled(raw["tracking_no"]),
            "carrier": carrier_text,
            "company": used["company"],
            "service": used["service"],
            "qsm_name": used["qsm_name"],
            "trackable": used["trackable"],
            "number_rule": used["number_rule"],
            "ship_date": ship_date,
            "ship_date_unreadable": unreadable,
            "recipient_name": raw["recipient_name"],
            "name_key": normalize.person_name(raw["recipient_name"]),
            "phone": normalize.phone(raw["recipient_phone"]),
            "postal": normalize.postal(raw["postal_code"]),
            "source_file": raw["source_file"],
            "source_row": raw["source_row"],
        },
        index=raw.index,
    )
    return Loaded(table, frame, invalid, int((~valid).sum()), {"validate": validated})
