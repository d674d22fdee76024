"""QSM bulk-dispatch upload: the seller's own export, round-tripped.

Same header row (verbatim), column order, encoding, BOM, delimiter and line endings as
the file the seller downloaded; only the rows to dispatch, with the columns the orders
profile's [upload] section names filled (run: 送り状番号, 配送会社, 発送日; plan: 発送予定日),
split into files of its rows_per_file and named by its file pattern.
"""

from __future__ import annotations

import csv
import io
import re
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from batch.errors import InputError, Phrase
from batch.formats import Upload
from batch.read import Sheet, Table

FILES_PER_BATCH = 100  # files rendered together (50,000 rows)
# Encodings QSM itself uses per screen language, for orders that came as .xlsx.
SCREEN_ENCODING = {"ja": "cp932", "ko": "utf-8-sig"}


def _encoding(sheet: Sheet, language: str) -> str:
    """The export's own encoding (CSV), or the screen's (xlsx)."""
    return sheet.encoding or SCREEN_ENCODING.get(language, "utf-8-sig")


def encode(text: str, sheet: Sheet, language: str) -> bytes:
    """Bytes in the export's own encoding (CSV), or the screen's (xlsx)."""
    encoding = _encoding(sheet, language)
    if encoding == "utf-16":
        return text.encode("utf-16")  # writes the BOM Excel's Unicode text has
    try:
        return text.encode(encoding)
    except UnicodeEncodeError:
        # A value outside CP932 (possible only when the export was .xlsx): UTF-8 keeps it.
        return text.encode("utf-8-sig")


# The forms a date is written in, by its shape (each digit a 9): the strftime that writes it.
DATE_FORMS = {
    "99999999": "%Y%m%d",
    "9999/99/99": "%Y/%m/%d",
    "9999/99/99 99:99": "%Y/%m/%d %H:%M",
    "9999/99/99 99:99:99": "%Y/%m/%d %H:%M:%S",
    "9999-99-99": "%Y-%m-%d",
    "9999-99-99 99:99": "%Y-%m-%d %H:%M",
    "9999-99-99 99:99:99": "%Y-%m-%d %H:%M:%S",
}
# Where a filled date column has no values yet, the export's other date columns say the form,
# the first with values deciding: the order a 配送要請 download fills them in, latest first.
DATE_COLUMNS = (
    "ship_date", "est_ship_date", "delivered_date", "hope_date", "paid_at", "order_date"
)  # fmt: skip
# Cells that hold no date: blank, and QSM's "-".
_NO_VALUE = {"", "-"}
_DIGIT = re.compile(r"[0-9]")


def date_format(table: Table, column: str, default: str) -> str:
    """The strftime for the dates written into ``column`` (ship_date, est_ship_date): the form
    of the export's own values there; where it has none, the date form (no time of day) of
    the first other date column with values; where none has any, ``default`` ([upload]).

    Two forms in the deciding column, or a value in no known form, refuse the file: which
    one QSM takes back is not known, and a guess would be written into every row."""
    for canon in (column, *(c for c in DATE_COLUMNS if c != column)):
        if canon not in table.positions:
            continue
        cells = table.sheet.cells[table.positions[canon]].str.strip().str.lstrip("'")
        values = cells[~cells.isin(_NO_VALUE)]
        if values.empty:
            continue
        shapes = values.str.replace(_DIGIT, "9", regex=True)
        distinct = shapes.drop_duplicates()
        if len(distinct) > 1 or distinct.iloc[0] not in DATE_FORMS:
            raise _two_forms(table, canon, values, distinct)
        form = DATE_FORMS[distinct.iloc[0]]
        return form if canon == column else form.split(" ")[0]
    return default


def _two_forms(table: Table, canon: str, values: pd.Series, distinct: pd.Series) -> InputError:
    sheet = table.sheet
    name = sheet.header[table.positions[canon]]
    shown = distinct.index[:3]
    rows = sheet.rows[[sheet.cells.index.get_loc(i) for i in shown]]
    seen = [
        Phrase("error.dates.cell", value=values[i], row=r) for i, r in zip(shown, rows, strict=True)
    ]
    if len(distinct) > 1:
        problem = Phrase("error.dates.two_forms", column=name, seen=seen)
    else:
        problem = Phrase("error.dates.no_form", column=name, seen=seen)
    return InputError(sheet.path, problem, Phrase("error.dates.hint", column=name))


def header_text(sheet: Sheet) -> str:
    if sheet.header_line:
        return sheet.header_line
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(sheet.header)
    return buf.getvalue()


def _newline(sheet: Sheet) -> str:
    return sheet.newline if sheet.file_type == "csv" else "\r\n"


def _to_csv(sheet: Sheet, cells: pd.DataFrame) -> str:
    """The rows as pandas writes them (Python's csv module): the reference dialect, but for
    a field holding a line break, quoted whatever the file's own line ends (see
    ``_quote_triggers``). Written with CRLF, which quotes both, each record then ended as
    the export ends its records."""
    text = cells.to_csv(
        header=False,
        index=False,
        sep=sheet.delimiter,
        lineterminator=_ROW_END,
        quoting=csv.QUOTE_ALL if sheet.quote_all else csv.QUOTE_MINIMAL,
    )
    newline = _newline(sheet)
    return text if newline == _ROW_END else _row_ends(text, newline)


# A row end no field can hold unquoted: each record's end is found by the quotes before it.
_ROW_END = "\r\n"


def _row_ends(text: str, newline: str) -> str:
    """``text``'s record ends (CRLF outside quotes) as ``newline``; CRLF inside a quoted
    field stays. Quotes inside a field are doubled, so a CRLF ends a record exactly where an
    even number of quotes precedes it."""
    parts = text.split(_ROW_END)
    records, pending, quotes = [], [], 0  # a loop per record: only cells that are not text
    for part in parts[:-1]:  # text ends with a row end: the last part is empty
        pending.append(part)
        quotes += part.count('"')
        if quotes % 2 == 0:
            records.append(_ROW_END.join(pending) + newline)
            pending, quotes = [], 0
    return "".join(records)


@cache
def _quote_triggers(delimiter: str, newline: str) -> tuple[str, ...]:
    """Characters that make Python's csv writer quote a field (QUOTE_MINIMAL), as found by
    asking it: the delimiter, the quote and the line terminator's characters."""
    probe = {delimiter, '"', "\r", "\n", "\t", " ", ",", ";", "'", *newline}
    found = []
    for ch in sorted(probe):
        buf = io.StringIO()
        csv.writer(buf, delimiter=delimiter, lineterminator=newline).writerow([f"a{ch}b", "c"])
        if buf.getvalue().startswith('"'):
            found.append(ch)
    # The writer quotes only its own line terminator's characters: a lone CR in an LF file
    # went bare, and every reader (QSM's, Excel's, pandas', ours) ends the row there.
    return tuple(sorted({*found, "\r", "\n"}))


def _arrow_text(col: pd.Series) -> pa.Array | pa.ChunkedArray | None:
    """The column as Arrow large_string (null for NaN / None), or None when it is not text."""
    if not (pd.api.types.is_string_dtype(col.dtype) or col.dtype == object):
        return None
    try:
        arr = pa.array(col, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    t = arr.type
    if not (pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_null(t)):
        return None
    return arr.cast(pa.large_string())


def _csv_lines(sheet: Sheet, cells: pd.DataFrame) -> pa.Array | None:
    """One CSV record (newline included) per row, built column-wise by Arrow: the same text
    as ``_to_csv`` without a Python call per cell. None when a column is not all text."""
    columns = [_arrow_text(cells.iloc[:, j]) for j in range(cells.shape[1])]
    if not columns or any(c is None for c in columns):
        return None
    return _records(sheet, columns)


def _records(sheet: Sheet, columns: list) -> pa.Array:
    """``_csv_lines`` of the rows whose cells ``columns`` (Arrow large_string) hold."""
    newline, delimiter = _newline(sheet), sheet.delimiter
    fields = []
    for arr in columns:
        arr = arr.fill_null("")  # NaN / None: pandas writes ""
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        if sheet.quote_all:
            arr = _quoted(arr)
        else:
            # Most columns hold no character that needs quoting: one scan of the column's
            # bytes says so, and only the others are checked row by row.
            data = _value_bytes(arr)
            need = None
            for ch in _quote_triggers(delimiter, newline):
                if ch.encode() in data:
                    hit = pc.match_substring(arr, ch)
                    need = hit if need is None else pc.or_(need, hit)
            if len(columns) == 1:  # a record of one empty field is written ""
                hit = pc.equal(arr, _text(""))
                need = hit if need is None else pc.or_(need, hit)
            if need is not None:
                arr = pc.if_else(need, _quoted(arr), arr)
        fields.append(arr)
    # The record's end joined to its last field, not to the whole record: one copy of the
    # records' text fewer (~20% of the join).
    fields[-1] = pc.binary_join_element_wise(fields[-1], _text(newline), _text(""))
    return pc.binary_join_element_wise(*fields, _text(delimiter))


def _text(value: str) -> pa.Scalar:
    return pa.scalar(value, pa.large_string())


def _quoted(arr: pa.Array) -> pa.Array:
    escaped = pc.replace_substring(arr, '"', '""')
    return pc.binary_join_element_wise(_text('"'), escaped, _text('"'), _text(""))


def _value_bytes(arr: pa.Array, start: int = 0, stop: int | None = None) -> bytes:
    """The UTF-8 bytes of arr[start:stop] (large_string), concatenated."""
    stop = len(arr) if stop is None else stop
    if stop <= start:
        return b""
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64)
    lo, hi = offsets[arr.offset + start], offsets[arr.offset + stop]
    return arr.buffers()[2][lo:hi].to_pybytes()  # a zero-copy slice, then one copy


def _joined(lines: pa.Array, start: int, stop: int) -> str:
    """The text of lines[start:stop], concatenated."""
    return _value_bytes(lines, start, stop).decode("utf-8")


def _file_bytes(head: str, lines: pa.Array, start: int, stop: int, sheet: Sheet, language: str):
    """A file of the header and lines[start:stop]: in UTF-8 the records' bytes as Arrow
    holds them, in another encoding their text encoded."""
    encoding = _encoding(sheet, language)
    if encoding in ("utf-8", "utf-8-sig"):  # "-sig": the BOM first
        return head.encode(encoding) + _value_bytes(lines, start, stop)
    return encode(head + _joined(lines, start, stop), sheet, language)


def render(sheet: Sheet, cells: pd.DataFrame) -> str:
    """Header + rows as CSV text in the export's dialect."""
    lines = _csv_lines(sheet, cells) if len(cells) else None
    body = _joined(lines, 0, len(cells)) if lines is not None else _to_csv(sheet, cells)
    return header_text(sheet) + _newline(sheet) + body


def fill(sheet: Sheet, positions: dict[str, int], rows: pd.DataFrame) -> pd.DataFrame:
    """The export's cells of ``rows`` (indexed like sheet.cells), with each canonical column
    of ``rows`` that the export has (送り状番号, 配送会社, 発送日, 発送予定日...) filled in."""
    cells = sheet.cells.loc[rows.index]  # a new frame: setting its columns leaves the sheet alone
    for canon in rows.columns:
        if canon in positions:
            cells[positions[canon]] = rows[canon].to_numpy()
    return cells


def write(
    sheet: Sheet,
    positions: dict[str, int],
    rows: pd.DataFrame,
    out_dir: Path,
    language: str,
    layout: Upload,
    part: str = "dispatch",
) -> list[tuple[Path, pd.Index]]:
    """Write ``rows`` (canonical columns, index = sheet row labels) as the ``part`` files of
    ``layout`` ("dispatch" for run, "shipdate" for plan): only its ``fill`` columns are set.

    Returns each file written with the row labels it holds.
    """
    upload_file = getattr(layout, part)
    rows = rows[list(upload_file.fill)]
    max_rows = layout.rows_per_file
    head = header_text(sheet) + _newline(sheet)
    source = _source_columns(sheet)
    index = sheet.cells.index
    at = index.get_indexer(rows.index) if index.is_unique else np.full(len(rows), -1)
    # The filled columns as Arrow text once (None: not text, the batches take the reference).
    filled = {positions[c]: _arrow_text(rows[c]) for c in rows.columns if c in positions}
    written = []
    # A batch of files at a time: the filled cells of 770k rows and their text would add
    # about a gigabyte at once.
    batch = max_rows * FILES_PER_BATCH
    for first in range(0, len(rows), batch):
        part = rows.iloc[first : first + batch]
        labels = part.index
        # Every record is rendered once, column-wise; each file takes its slice of the text.
        lines = _batch_lines(sheet, source, at[first : first + batch], filled, first)
        if lines is None:  # not Arrow text: the reference's frame of filled cells
            cells = fill(sheet, positions, part)
            lines = _csv_lines(sheet, cells)
        for start in range(0, len(labels), max_rows):
            stop = min(start + max_rows, len(labels))
            path = out_dir / upload_file.name(len(written) + 1)
            if lines is not None:
                data = _file_bytes(head, lines, start, stop, sheet, language)
            else:
                data = encode(render(sheet, cells.iloc[start:stop]), sheet, language)
            path.write_bytes(data)
            written.append((path, labels[start:stop]))
    return written


def _source_columns(sheet: Sheet) -> list[pa.ChunkedArray | None]:
    """Each column of the export as the Arrow text it is read into (no copy), or None."""
    columns = []
    for j in range(sheet.cells.shape[1]):
        values = sheet.cells.iloc[:, j].array
        arrow = values.__arrow_array__() if isinstance(values, pd.arrays.ArrowStringArray) else None
        ok = arrow is not None and pa.types.is_large_string(arrow.type)
        columns.append(arrow if ok else None)
    return columns


def _batch_lines(sheet: Sheet, source: list, at: np.ndarray, filled: dict, first: int):
    """The records of the export's rows at positions ``at``, the ``filled`` columns (by
    position: all rows' Arrow text) set from row ``first`` on; None when a column is not text.

    The rows are taken from the span of the export they come from: Arrow's take on a
    chunked column joins all its chunks first, which for 1M rows cost more than the rest."""
    if not len(at) or at.min() < 0:  # no rows, or a label not in the export (fill says which)
        return None
    whole = [filled.get(j, c) for j, c in enumerate(source)]
    if any(c is None for c in whole):
        return None
    lo, hi = int(at.min()), int(at.max()) + 1
    take = pa.array(at - lo)
    columns = [
        c.slice(first, len(at)) if j in filled else c.slice(lo, hi - lo).take(take)
        for j, c in enumerate(whole)
    ]
    return _records(sheet, columns)


def file_of_rows(written: list[tuple[Path, pd.Index]]) -> np.ndarray:
    """The file name of each row ``write`` wrote, in the rows' order (each file holds the
    next run of rows)."""
    names = [path.name for path, _ in written]
    counts = np.array([len(index) for _, index in written], dtype=np.int64)
    return np.repeat(np.array(names, dtype=object), counts)
