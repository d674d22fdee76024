"""A workbook (.xlsx, .xlsm, .xls; encrypted ones with their password) -> a Sheet of text.

The zip is checked first (`batch.read.xlsx_guard`; calamine opens the workbook meanwhile, once
what it reads there is checked), then calamine parses the sheets. Every cell becomes the text
the seller sees: a number holding an integer loses its ".0", never its digits; a date cell is
YYYY-MM-DD (with its time when it has one). One sheet a file is read: the one whose header
fits a profile and holds data.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from batch import collector, formats
from batch.errors import InputError, Phrase
from batch.formats import Profile
from batch.read.header import (
    HEADER_SEARCH_ROWS,
    find_header,
    no_profile_error,
    refuse_order_export,
)
from batch.read.sheet import SAVE_AS_HINT, Sheet
from batch.read.xlsx_guard import inspect_zip

# An OLE2 container: an old .xls (BIFF), or an encrypted .xlsx, which OOXML encryption wraps
# in one.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _decrypt(path: Path, data: bytes, password: str | None) -> bytes:
    import msoffcrypto

    try:
        office = msoffcrypto.OfficeFile(io.BytesIO(data))
        encrypted = office.is_encrypted()
    except Exception:
        encrypted = False
    if not encrypted:
        return data  # an old .xls (BIFF): calamine reads those directly
    if not password:
        raise InputError(path, Phrase("error.xlsx.protected"), Phrase("error.xlsx.protected_hint"))
    out = io.BytesIO()
    try:
        office.load_key(password=password)
        office.decrypt(out)
    except Exception:
        raise InputError(
            path, Phrase("error.xlsx.wrong_password"), Phrase("error.xlsx.wrong_password_hint")
        ) from None
    return out.getvalue()


def _cell_text(v: object) -> str:
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        if v.is_integer():
            return str(int(v))  # 389711074012.0 -> "389711074012", never 3.89711074012e+11
        return repr(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if isinstance(v, (dt.date, dt.time)):
        return v.isoformat()
    if isinstance(v, dt.timedelta):
        return str(v)
    return "" if v is None else str(v)


def _to_text(column: pd.Series) -> pd.Series:
    # Text columns (the common case) pass untouched; only mixed ones are converted cell by cell.
    if pd.api.types.infer_dtype(column, skipna=True) in ("string", "empty"):
        return column.astype(object)
    if column.dtype != object and column.dtype != np.float64:
        return column.map(_cell_text)  # int, bool, datetime64...: as map hands them over
    # What map would hand _cell_text: the objects, or a float column's values as floats.
    text = _cells_text(column.to_numpy(dtype=object))
    return pd.Series(text, index=column.index, name=column.name)


_INT, _FLOAT, _DATE, _STR = -1, 1, 2, 3
_KINDS = {float: _FLOAT, dt.date: _DATE, str: _STR}  # exact types: not bool, not datetime


def _kinds(values: np.ndarray) -> np.ndarray:
    """Each value's kind in _KINDS, 0 for any other type."""
    return np.fromiter(
        map(_KINDS.get, map(type, values), itertools.repeat(0)), np.int8, len(values)
    )


def _cells_text(values: np.ndarray, kind: np.ndarray | None = None):
    """``_cell_text`` of each value, as the str array map would give. Numbers come as floats
    (order and tracking numbers): those holding an integer are written by Arrow at once;
    dates once per distinct day; the rest one by one."""
    import pyarrow as pa

    kind = _kinds(values) if kind is None else kind.copy()
    floats = np.flatnonzero(kind == _FLOAT)
    numbers = values[floats].astype(np.float64)
    # v.is_integer(), and within int64 so that the cast is exact.
    whole = np.isfinite(numbers) & (numbers == np.trunc(numbers)) & (np.abs(numbers) < 2.0**63)
    ints = floats[whole]
    kind[ints] = _INT
    dates = np.flatnonzero(kind == _DATE)
    rest = np.flatnonzero((kind != _INT) & (kind != _DATE))
    day, days = pd.factorize(values[dates])  # a date column holds a few days, repeated
    parts = [
        (ints, pa.array(numbers[whole].astype(np.int64)).cast(pa.large_string())),
        (dates, pa.array([d.isoformat() for d in days], pa.large_string()).take(day)),
        (rest, pa.array(list(map(_cell_text, values[rest].tolist())), pa.large_string())),
    ]
    parts = [(at, part) for at, part in parts if len(at)] or parts[-1:]
    text = pa.concat_arrays([part for _, part in parts])
    if len(parts) > 1:  # back in row order
        order = np.empty(len(values), dtype=np.intp)
        order[np.concatenate([at for at, _ in parts])] = np.arange(len(values))
        text = text.take(order)
    return pd.api.types.pandas_dtype(str).__from_arrow__(text)


def _pandas_body(rows: list, width: int) -> pd.DataFrame:
    """The data rows as text: the frame pandas builds from them, each column through _to_text."""
    body = pd.DataFrame(rows)
    if body.empty:
        body = pd.DataFrame(columns=range(width))
    body = body.reindex(columns=range(max(width, body.shape[1])), fill_value="")
    return body.apply(_to_text)


def _text_body(rows: list, width: int) -> pd.DataFrame:
    """What `_pandas_body` gives, without the frame of cells pandas would build and infer:
    calamine's rows are cut into columns at once; a column of text is kept as it is, one of
    numbers, dates and text goes to `_cells_text` as the objects it holds (what that frame's
    column would hand it), and only other mixes are left to pandas."""
    lengths = set(map(len, rows))
    if len(lengths) != 1 or min(lengths) < width:  # no rows, or ragged ones: pandas pads them
        return _pandas_body(rows, width)
    n = lengths.pop()
    grid = np.fromiter(itertools.chain.from_iterable(rows), object, len(rows) * n)
    grid = grid.reshape(len(rows), n)
    # copy=False: the columns are not stacked into one block (a copy of every text column).
    return pd.DataFrame({i: _column_text(grid[:, i]) for i in range(n)}, copy=False)


def _column_text(cells: np.ndarray) -> pd.Series:
    if pd.api.types.infer_dtype(cells, skipna=False) == "string":  # only str
        return pd.Series(cells, dtype=object, copy=True)  # not a view keeping every cell alive
    kind = _kinds(cells)
    if kind.all():  # floats, dates and text only
        return pd.Series(_cells_text(cells, kind))
    return _to_text(pd.DataFrame(list(zip(cells)))[0])  # bools, ints, times...: as pandas infers


def _fill_merged(path: Path, body: pd.DataFrame, merged, first_row: int) -> None:
    """A value merged down over several rows belongs to each of them (as the seller sees it).

    Only the data area below the header; across columns a merge stays in its first column.
    Vectorised over the merged ranges and the rows they cover.
    """
    if not merged or body.empty:
        return
    ranges = np.array([(r0, c0, r1) for (r0, c0), (r1, _c1) in merged], dtype=np.int64)
    top = ranges[:, 0] - first_row
    col = ranges[:, 1]
    bottom = np.minimum(ranges[:, 2] - first_row, len(body) - 1)
    keep = (top >= 0) & (bottom > top) & (col < body.shape[1])
    top, col, span = top[keep], col[keep], (bottom - top)[keep]
    if not len(top):
        return
    if span.sum() > body.size:
        raise InputError(path, Phrase("error.xlsx.merged_overlap"), SAVE_AS_HINT)
    source = np.repeat(top, span)
    column = np.repeat(col, span)
    target = source + 1 + np.arange(span.sum()) - np.repeat(np.cumsum(span) - span, span)
    for c in np.unique(column):
        at = column == c
        values = body[c].to_numpy(dtype=object, copy=True)
        values[target[at]] = values[source[at]]
        body[c] = values


@dataclass
class _Candidate:
    name: str
    index: int
    fit: Profile | None
    head: list[list[str]]
    values: list  # the sheet's cells from A1, as the parser gives them
    merged: list | None  # merged ranges ((row, col), (row, col)), 0-based


# The parser's own errors, and the PanicException pyo3 raises when it panics on a damaged
# file: that one derives from BaseException, so `except Exception` would let it through.
_PARSER_ERRORS = BaseException


def _reraise_interrupts(exc: BaseException) -> None:
    if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit, MemoryError)):
        raise exc


def _workbook_error(path: Path, data: bytes, exc: BaseException) -> InputError:
    reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if data.startswith(OLE_MAGIC):  # not encrypted (see _decrypt): an old .xls, or a .doc
        return InputError(
            path,
            Phrase("error.xlsx.old_office", problem=reason[:200]),
            Phrase("error.xlsx.xls_hint"),
        )
    return InputError(path, Phrase("error.xlsx.unreadable", problem=reason[:200]), SAVE_AS_HINT)


def read_xlsx(path: Path, data: bytes, kind: str | None, profile, password):
    if data.startswith(OLE_MAGIC):
        data = _decrypt(path, data, password)
    if data.startswith(b"PK"):  # the zip checked, the workbook opened meanwhile
        book, names = inspect_zip(path, data, lambda: _open_workbook(path, data))
    else:
        book, names = _open_workbook(path, data)
    # calamine's rows are a list per row (100k rows: ~0.07 s of collections walking them,
    # ~15% of its parse) and hold no cycles.
    with collector.off():
        found = [_read_candidate(path, book, name, kind, profile) for name in names]
        return _choose_sheet(path, [c for c in found if c is not None], kind, profile)


def _open_workbook(path: Path, data: bytes):
    """The parsed workbook and its sheet names."""
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        return book, book.sheet_names
    except _PARSER_ERRORS as exc:
        _reraise_interrupts(exc)
        raise _workbook_error(path, data, exc) from None


def _read_candidate(path: Path, book, name: str, kind, profile) -> _Candidate | None:
    """One sheet's cells and the header found in them; None for a chart sheet."""
    try:
        sheet = book.get_sheet_by_name(name)
        values = sheet.to_python(skip_empty_area=False)
        merged = sheet.merged_cell_ranges  # None where the format has none
    except _PARSER_ERRORS as exc:
        _reraise_interrupts(exc)
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if "not a worksheet" in message.lower() or "expecting a worksheet" in message.lower():
            return None  # a chart sheet
        raise InputError(
            path,
            Phrase("error.xlsx.sheet_unreadable", sheet=repr(name), problem=message[:200]),
            SAVE_AS_HINT,
        ) from None
    head = [[_cell_text(v).strip() for v in row] for row in values[:HEADER_SEARCH_ROWS]]
    index, fit = find_header(head, kind, profile)
    return _Candidate(name, index, fit, head, values, merged)


def _choose_sheet(path: Path, found: list[_Candidate], kind, profile) -> tuple[Sheet, Profile]:
    """The one sheet to read: among those whose header fits, the one holding data."""
    fitting = [c for c in found if c.fit is not None]
    if not fitting:
        raise _no_fitting_sheet(path, found, kind, profile)
    sheets = [(c, _sheet_from(path, c)) for c in fitting]
    with_rows = [(c, s) for c, s in sheets if _has_cells(s.cells)]
    if len(with_rows) > 1:
        listed = ", ".join(repr(c.name) for c, _ in with_rows)
        raise InputError(
            path,
            Phrase("error.xlsx.sheets", n=len(with_rows), sheets=listed),
            Phrase("error.xlsx.sheets_hint"),
        )
    chosen, sheet = (with_rows or sheets)[0]
    refuse_order_export(path, chosen.head[chosen.index : chosen.index + 1], kind, profile)
    return sheet, chosen.fit


def _no_fitting_sheet(path: Path, found: list[_Candidate], kind, profile) -> InputError:
    """No sheet's header fits a profile: the error, against the header with the most known
    names (or a refusal of a QSM order export given as a courier sheet)."""
    heads = [c.head[c.index] if c.head else [] for c in found]
    records = [rec for c in found for rec in c.head]
    refuse_order_export(path, records, kind, profile)
    header = max(heads, key=lambda h: formats.recognised(h, kind)) if heads else []
    return no_profile_error(path, header, kind, profile, records)


def _has_cells(cells: pd.DataFrame) -> bool:
    """cells.ne("").any(axis=None), column by column: it stops at the first one with text."""
    return any(cells[c].ne("").any() for c in cells.columns)


def _sheet_from(path: Path, c: _Candidate) -> Sheet:
    header = list(c.head[c.index])
    # Trailing blank header cells are layout, not columns.
    while header and not header[-1]:
        header.pop()
    width = len(header)
    body = _text_body(c.values[c.index + 1 :], width)
    _fill_merged(path, body, c.merged, c.index + 1)
    extra = body.iloc[:, width:].ne("").any(axis=1).to_numpy()
    cells = body if body.shape[1] == width else body.iloc[:, :width].copy()
    cells.columns = range(width)
    rows = np.arange(c.index + 2, c.index + 2 + len(cells))
    return Sheet(
        path=path,
        header=header,
        cells=cells,
        rows=rows,
        file_type="xlsx",
        header_row=c.index + 1,
        sheet_name=c.name,
        extra_cells=extra,
    )
