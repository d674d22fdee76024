"""exceptions.xlsx, the accountant's workbook (CONTRACT.md "exceptions.xlsx"; issue 4).

Sheets: Summary, Exceptions, Uploaded, Unshipped, labelled from batch.i18n in the run's
language. Rules the whole file follows:
- text is always stored as text (inline strings): nothing from an input ever becomes a
  formula, and risky text (= + - @ tab CR first) also gets Excel's quote prefix, so editing
  the cell later keeps it text;
- order, cart and tracking numbers are text, dates are Excel dates, amounts are numbers;
- a table longer than one sheet continues on "Name (2)", and the Summary says so.

openpyxl (write-only mode) builds the workbook: summary, headers, widths, frozen panes,
filters, print setup and every cell style. The data rows of the table sheets are then
serialised here and put into the sheets' XML: openpyxl spends 50-100 µs a cell, which is
minutes for 100k exception rows. Values stay in Arrow and numpy arrays, and the XML of a
run of rows is one Arrow concatenation of columns built with vectorised string kernels,
deflated in the main thread while a worker builds the next run (1M order lines: ~1M rows
in ~6 s of CPU, about half of it zlib).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import weakref
import zipfile
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

from batch import codes, exceptions, i18n, watch
from batch.jpcalendar import add_business_days, business_days_between

EXCEL_ROWS = 1_048_576  # rows in one sheet, header included
MAX_CHARS = 32_767  # characters in one cell
WIDTH_CAP = 40  # widest column, in characters; longer text wraps
HEADER_CAP = 16  # a longer header wraps rather than widening a column of short values
WIDTH_SAMPLE = 2_000  # rows measured per column; tables are sorted, the top is typical
LINE_HEIGHT = 16  # points per wrapped line (CJK fallback fonts are taller than Calibri's 15)
CHUNK = 20_000  # data rows serialised at a time
MONEY = "#,##0"
FONT = "Calibri"  # named, or LibreOffice falls back to a serif font
# What XML 1.0 cannot hold (control characters, lone surrogates, U+FFFE/F): dropped.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ILLEGAL_RE2 = r"[\x00-\x08\x0B\x0C\x0E-\x1F\x{FFFE}\x{FFFF}]"  # Arrow text has no surrogates
# Starts that spreadsheets read as a formula (CONTRACT: such input stays text).
_RISKY = ("=", "+", "-", "@", "\t", "\r")
_RISKY_BYTES = np.frombuffer("".join(_RISKY).encode(), np.uint8)
_MARKUP = np.frombuffer(b"&<>\r", np.uint8)  # what XML text must escape
_TEXT = pa.large_string()  # large: a column of long texts may pass 2 GiB
_DAY_US = 86_400_000_000  # microseconds in a day
_EPOCH_DAYS = 25_569  # 1970-01-01 as an Excel serial (day 0 is 1899-12-30)
# Fill and font colour per look: the severities, also used for the unshipped alerts.
_LOOKS = {
    "error": ("FFC7CE", "9C0006"),
    "warning": ("FFEB9C", "7F6000"),
    "info": ("DDEBF7", "1F4E78"),
}
_ALERT_LOOK = {c.name: c.shown_as for c in codes.TABLE if c.about == codes.UNSHIPPED}
_THIN = Side(style="thin")


@dataclass(frozen=True)
class Column:
    """A table column: header key, cell values and kind.

    ``values``: a list (None = empty cell), or as the builders below make them, which
    keeps a million rows out of Python objects: text an Arrow string array (null = empty),
    int and money a float array (NaN = empty), date and datetime a datetime64[us] array
    (NaT = empty; a date's time is midnight).
    """

    label: str
    values: Sequence
    kind: str = "text"  # text | int | money | date | datetime
    coloured: bool = False  # takes the row's look
    cap: int = WIDTH_CAP


@dataclass(frozen=True)
class Table:
    name: str  # catalogue key of the sheet name
    columns: list[Column]
    looks: Sequence = field(default_factory=list)  # per row: a _LOOKS key or None

    @property
    def rows(self) -> int:
        return len(self.columns[0].values)


# --- values -----------------------------------------------------------------------------


def _str(s: str) -> pa.Scalar:
    return pa.scalar(s, _TEXT)


def _texts_python(s: pd.Series) -> list:
    """_texts one cell at a time: for values that are not all str, or lone surrogates."""
    texts = [
        None if missing else str(v)[:MAX_CHARS] or None
        for v, missing in zip(s.tolist(), s.isna().tolist(), strict=True)
    ]
    if _ILLEGAL.search("\n".join(t for t in texts if t)):  # rare; one pass finds out
        texts = [_ILLEGAL.sub("", t) or None if t else None for t in texts]
    return texts


def _texts(s: pd.Series) -> pa.Array:
    """Cell texts: missing and "" → null; illegal characters dropped; cut to Excel's limit."""
    s = s if isinstance(s, pd.Series) else pd.Series(s, dtype=object)
    a = _arrow_str(s)
    if a is None:  # not all str (numbers, bytes) or a lone surrogate: one cell at a time
        return pa.array(_texts_python(pd.Series(s, dtype=object)), _TEXT)
    size = pc.binary_length(a)
    if (pc.max(size).as_py() or 0) > MAX_CHARS and pc.max(pc.utf8_length(a)).as_py() > MAX_CHARS:
        a = pc.utf8_slice_codeunits(a, 0, MAX_CHARS)  # code points, as Python's slice
    if _maybe_illegal(a):
        a = pc.replace_substring_regex(a, _ILLEGAL_RE2, "")
        size = pc.binary_length(a)
    empty = pc.equal(size, 0)
    return pc.if_else(empty, _str(None), a) if pc.any(empty).as_py() else a


def _utf8(text: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """The UTF-8 bytes of a string array's values and where each starts (len + 1), uncopied.

    The bytes of a null value are unspecified: callers mask or only look for a maybe.
    """
    _, offsets, data = text.buffers()
    width = np.int64 if pa.types.is_large_string(text.type) else np.int32
    at = np.frombuffer(offsets, width)[text.offset : text.offset + len(text) + 1].astype(np.int64)
    if data is None or not len(text):
        return np.zeros(0, np.uint8), np.zeros(len(text) + 1, np.int64)
    return np.frombuffer(data, np.uint8)[at[0] : at[-1]], at - at[0]


def _maybe_illegal(text: pa.Array) -> bool:
    """Whether ``text`` may hold what _ILLEGAL drops: a scan of its bytes, several times
    faster than the regex on many short strings (C0 controls are single bytes in UTF-8,
    U+FFFE/F are EF BF BE/BF)."""
    data, _ = _utf8(text)
    controls = np.count_nonzero(data < 0x20)
    if controls:
        controls -= sum(np.count_nonzero(data == c) for c in b"\t\n\r")
    lead = np.flatnonzero(data[:-2] == 0xEF)
    return controls > 0 or bool(((data[lead + 1] == 0xBF) & (data[lead + 2] >= 0xBE)).any())


def _arrow_str(s: pd.Series) -> pa.Array | None:
    """``s`` as Arrow text (missing → null), or None unless every other value is a str."""
    if isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow":
        a = pa.array(s)  # Arrow's own: no copy, unless in pieces
        return (a.combine_chunks() if isinstance(a, pa.ChunkedArray) else a).cast(_TEXT)
    try:
        a = pa.array(np.where(s.isna(), None, s.to_numpy(object)))
    except (pa.ArrowException, UnicodeError):
        return None
    return a.cast(_TEXT) if pa.types.is_string(a.type) or pa.types.is_null(a.type) else None


def _numbers(s: pd.Series, kind: type) -> np.ndarray:
    """Finite numbers, NaN for none; ``kind`` int cuts the fraction, as int() does."""
    s = pd.Series(s)
    if not (isinstance(s.dtype, np.dtype) and s.dtype.kind in "iuf"):
        s = s.astype(object)  # strings and the like: to_numeric decides, as before
    n = pd.to_numeric(s, errors="coerce").astype(float).to_numpy(copy=True)
    n[~np.isfinite(n)] = np.nan
    return np.trunc(n) if kind is int else n


def _dates(s: pd.Series, with_time: bool = False) -> np.ndarray:
    """datetime64[us] (floored, as to_pydatetime; a date without its time), NaT for none."""
    s = pd.Series(s)
    if not (isinstance(s.dtype, np.dtype) and s.dtype.kind == "M"):
        s = s.astype(object)
    d = pd.to_datetime(s, errors="coerce").to_numpy().astype("datetime64[us]")
    return d if with_time else d.astype("datetime64[D]").astype("datetime64[us]")


def _number_texts(x: np.ndarray, as_int: bool) -> pa.Array:
    """f"{v}" of each number (null for NaN): of int(v) if ``as_int``, else of the float.

    Whole numbers are vectorised (a float's str is then the integer and ".0", exactly so
    below 2**53); the rest, rare apart from date-times, go through Python.
    """
    if as_int:
        fast = np.abs(x) < 2.0**63
    else:
        fast = (x == np.trunc(x)) & (np.abs(x) < 2.0**53) & ~((x == 0) & np.signbit(x))
    ints = pa.array(np.where(fast, x, 0).astype(np.int64)).cast(_TEXT)
    if not as_int:
        ints = pc.binary_join_element_wise(ints, _str(".0"), _str(""))
    out = pc.if_else(fast, ints, _str(None))
    slow = np.flatnonzero(~fast & ~np.isnan(x))
    if len(slow):
        texts = np.full(len(x), None, dtype=object)
        texts[slow] = [f"{int(v) if as_int else v}" for v in x[slow].tolist()]
        out = pc.if_else(fast, out, pa.array(texts, _TEXT))
    return out


def _serials(d: np.ndarray) -> np.ndarray:
    """Excel serials of datetime64[us] values, computed as openpyxl's to_excel (NaT → NaN)."""
    us = d.view(np.int64)
    days, rest = np.divmod(us, _DAY_US)  # floored: the time of day is never negative
    days += _EPOCH_DAYS
    days -= (days > 0) & (days <= 60)  # 1900-01-01..02-28: Excel's day 60 is 1900-02-29
    # time_to_days: whole seconds plus microseconds / 10**6, over 86400; then days + that.
    time = (rest // 1_000_000 + (rest % 1_000_000) / 10**6) / 86400
    serial = days + time
    serial[np.isnat(d)] = np.nan
    return serial


def _cell_texts(col: Column) -> pa.Array:
    """What goes between <t> or <v> of each cell (null = empty cell), before escaping."""
    values = col.values
    if col.kind == "text":
        return values if isinstance(values, pa.Array) else pa.array(values, _TEXT)
    if isinstance(values, list):  # given by hand: as f"{v}" always wrote them
        number = to_excel if col.kind in ("date", "datetime") else (lambda v: v)
        return pa.array([None if v is None else f"{number(v)}" for v in values], _TEXT)
    if col.kind in ("date", "datetime"):
        return _number_texts(_serials(values), as_int=False)
    return _number_texts(values, as_int=col.kind == "int")


# --- cells ------------------------------------------------------------------------------


# Per workbook, the style indices of each _style seen: thousands of Summary cells take a
# few styles, and building and looking up openpyxl's style objects costs ~0.2 ms a cell.
_STYLES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _style(cell, *, bold=False, size=11, look=None, fmt=None, border=None, wrap=True):
    known = _STYLES.setdefault(cell.parent.parent, {})
    key = (bold, size, look, fmt, border, wrap)
    if key in known:  # registered already: the same indices
        cell._style = StyleArray(known[key])
        return cell
    cell.font = Font(name=FONT, size=size, bold=bold, color=_LOOKS[look][1] if look else None)
    if look:
        cell.fill = PatternFill("solid", fgColor=_LOOKS[look][0])
    if fmt:
        cell.number_format = fmt
    if border:
        cell.border = border
    # Text a little off the left edge, so it never touches a right-aligned number.
    cell.alignment = Alignment(vertical="top", wrap_text=wrap, indent=1 if wrap else 0)
    known[key] = StyleArray(cell._style)
    return cell


def _cell(ws, value, **style) -> WriteOnlyCell:
    """A styled cell; text is always stored as text, never as a formula."""
    cell = WriteOnlyCell(ws)
    if isinstance(value, str):
        cell.value = _ILLEGAL.sub("", value)[:MAX_CHARS]
        cell.data_type = "s"
    else:
        cell.value = value
        style.setdefault("wrap", False)
    return _style(cell, **style)


def _header(ws, text: str) -> WriteOnlyCell:
    cell = _cell(ws, text, bold=True, border=Border(bottom=_THIN))
    cell.fill = PatternFill("solid", fgColor="D9D9D9")
    return cell


def _style_ids(ws, col: Column, lang: str) -> dict:
    """The workbook style id of each look a column's cells can take."""
    fmt = {"money": MONEY, "date": "format.date", "datetime": "format.datetime"}.get(col.kind)
    if fmt and fmt != MONEY:
        fmt = i18n.text(fmt, lang)
    looks = [None, *_LOOKS] if col.coloured else [None, "guard"] if col.kind == "text" else [None]
    ids = {}
    for look in looks:
        colour = look if look in _LOOKS else None
        cell = _style(WriteOnlyCell(ws), look=colour, fmt=fmt, wrap=col.kind == "text")
        cell.quotePrefix = look == "guard"  # Excel keeps "=..." text even once it is edited
        ids[look] = cell.style_id  # registers the style in the workbook
    return ids


# --- widths and heights -----------------------------------------------------------------


def display_width(text: str) -> int:
    """Width in Excel character units, East Asian wide characters counting 2.

    From the UTF-8 length, at C speed: ASCII takes 1 byte, kana, kanji, hangul and
    full-width forms 3, so (bytes + characters) / 2 gives 1 and 2 (half-width kana, 3
    bytes, also count 2: a little too wide, never too narrow).
    """
    return (len(text.encode("utf-8", "surrogatepass")) + len(text)) // 2


def _value_width(value, kind: str) -> int:
    if value is None:
        return 0
    if kind == "text":
        return max(display_width(line) for line in value[:200].split("\n"))
    if kind in ("date", "datetime"):
        return 16 if kind == "datetime" else 10
    return len(f"{value:,.0f}" if kind == "money" else str(value))


def _sample(col: Column) -> list:
    """The first WIDTH_SAMPLE values as Python objects, None for an empty cell."""
    head = col.values[:WIDTH_SAMPLE]
    if isinstance(head, pa.Array):
        return head.to_pylist()
    if isinstance(head, np.ndarray) and col.kind in ("int", "money"):
        number = int if col.kind == "int" else float
        return [None if math.isnan(v) else number(v) for v in head.tolist()]
    return head.tolist() if isinstance(head, np.ndarray) else list(head)  # NaT → None


def _text_width(head: pa.Array) -> int:
    """_value_width's widest of Arrow texts: one-line ones at C speed, the others by line."""
    head = pc.utf8_slice_codeunits(head, 0, 200)
    multi = pc.fill_null(pc.match_substring(head, "\n"), False)
    one = pc.filter(head, pc.invert(multi))
    shown = pc.max(pc.add(pc.binary_length(one), pc.utf8_length(one))).as_py() or 0
    lines = pc.filter(head, multi).to_pylist()
    return max([shown // 2, *(_value_width(v, "text") for v in lines)])


def column_width(header: str, col: Column) -> float:
    """Fits the widest sampled value and the header (up to HEADER_CAP; then it wraps)."""
    if col.kind == "text" and isinstance(col.values, pa.Array):
        widest = _text_width(col.values[:WIDTH_SAMPLE])
    else:
        widest = max((_value_width(v, col.kind) for v in _sample(col)), default=0)
    return min(col.cap, max(widest, min(display_width(header), HEADER_CAP), 4)) + 3


def _lines(text: str, width: float) -> int:
    return sum(max(1, math.ceil(display_width(line) / width)) for line in text.split("\n"))


def row_heights(table: Table, widths: list[float]) -> np.ndarray:
    """Points per row, 0 for one-line rows (LibreOffice does not fit wrapped rows itself)."""
    lines = np.ones(table.rows)
    for col, width in zip(table.columns, widths, strict=True):
        if col.kind != "text":
            continue
        usable = max(width - 3, 1)  # the padding and the indent
        text = _cell_texts(col)
        # display_width of one-line texts at C speed (empty cells 0); multi-line ones by line.
        shown = pc.add(pc.binary_length(text), pc.utf8_length(text)).fill_null(0).to_numpy() // 2
        multi = pc.match_substring(text, "\n").fill_null(False).to_numpy(zero_copy_only=False)
        if not multi.any() and shown.max(initial=0) <= usable:
            continue  # every cell fits on one line: most columns
        n = np.ceil(shown / usable)
        n[multi] = [_lines(v, usable) for v in text.filter(multi).to_pylist()]
        np.maximum(lines, n, out=lines)
    return np.where(lines > 1, np.minimum(lines * LINE_HEIGHT + 2, 409), 0)  # 409: Excel's max


# --- table sheets -----------------------------------------------------------------------


def split_rows(rows: int, limit: int = EXCEL_ROWS - 1) -> list[range]:
    """Data-row ranges, one per sheet, each at most ``limit`` long (one range when empty)."""
    if limit < 1:
        raise ValueError("limit must be positive")
    return [range(a, min(a + limit, rows)) for a in range(0, rows, limit)] or [range(0)]


def sheet_titles(name: str, parts: int, lang: str) -> list[str]:
    more = [i18n.text("sheet.continued", lang, name=name, n=k) for k in range(2, parts + 1)]
    return [name, *more]


def _page(ws, width: float) -> None:
    """Print on A4 landscape with the header on every page, scaled to whole pages wide."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    # About 130 characters fit a page at 100%: wider sheets span pages, never below ~70%.
    ws.page_setup.fitToWidth = max(1, math.ceil(width / 180))
    ws.page_setup.fitToHeight = 0


def _join(*parts, nulls: str = "emit_null") -> pa.Array:
    """Element-wise concatenation of text arrays and constant strings (null_handling
    ``nulls``); adjacent strings are put together first: each part costs a pass."""
    merged: list = []
    for p in parts:
        if isinstance(p, str) and merged and isinstance(merged[-1], str):
            merged[-1] += p
        else:
            merged.append(p)
    merged = [_str(p) if isinstance(p, str) else p for p in merged]
    return pc.binary_join_element_wise(*merged, _str(""), null_handling=nulls)


def _escape(text: pa.Array) -> pa.Array:
    """XML text; CR as a character reference, which an XML parser would read as LF."""
    if not np.isin(_utf8(text)[0], _MARKUP).any():  # nearly always: one scan of the bytes
        return text
    for char, ref in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\r", "&#13;")):
        text = pc.replace_substring(text, char, ref)
    return text


def _risky(text: pa.Array) -> np.ndarray:
    """Per cell, whether it starts with one of _RISKY: all ASCII, so the first byte tells."""
    data, at = _utf8(text)
    first = np.zeros(len(text), np.uint8)
    full = (at[1:] > at[:-1]) & text.is_valid().to_numpy(zero_copy_only=False)
    first[full] = data[at[:-1][full]]
    return np.isin(first, _RISKY_BYTES)


def _look_codes(table: Table) -> np.ndarray:
    """Per row, 0 for no look, else 1 + the look's place in _LOOKS (an unknown one fails)."""
    if not len(table.looks):
        return np.zeros(table.rows, np.int64)
    looks = table.looks if isinstance(table.looks, pa.Array) else pa.array(list(table.looks))
    at = pc.index_in(looks.cast(_TEXT), pa.array(list(_LOOKS), _TEXT))
    unknown = pc.and_(pc.is_null(at), pc.is_valid(looks))
    if pc.any(unknown).as_py():
        raise KeyError(looks.filter(unknown)[0].as_py())
    return at.fill_null(-1).to_numpy() + 1


def _styles(col: Column, ids: dict, text: pa.Array, codes: np.ndarray):
    """The style id of each cell of a run of rows: the row's look, the guard, or plain."""
    if col.coloured:
        return pa.array([str(ids[look]) for look in (None, *_LOOKS)], _TEXT).take(codes)
    if col.kind == "text":
        risky = _risky(text)
        if risky.any():
            return pc.if_else(risky, _str(str(ids["guard"])), _str(str(ids[None])))
    return str(ids[None])


def _cells(col: Column, letter: str, rows: pa.Array, text: pa.Array, style) -> list:
    """The cells of one column for a run of rows, as parts of the rows' concatenation:
    strings and arrays; or one array of whole cells, null for an empty one, if any is."""
    if col.kind == "text":
        text = _escape(text)
        start, end = '" t="inlineStr"><is><t xml:space="preserve">', "</t></is></c>"
    else:
        start, end = '"><v>', "</v></c>"
    parts = [f'<c r="{letter}', rows, '" s="', style, start, text, end]
    return [_join(*parts)] if text.null_count else parts


def _row_starts(rows: pa.Array, heights: np.ndarray) -> list:
    """<row r="..."> of a run of rows, with the height of the tall ones; as parts."""
    tall = heights > 0
    if not tall.any():
        return ['<row r="', rows, '">']
    ht = _number_texts(heights, as_int=False)  # "34.0", as f"{float}"
    tall_start = _join('<row r="', rows, '" ht="', ht, '" customHeight="1">')
    return [pc.if_else(tall, tall_start, _join('<row r="', rows, '">'))]


def _rows_xml(table: Table, part: range, ids: list[dict], heights) -> Iterator[np.ndarray]:
    """The data rows of one sheet (rows 2...), CHUNK rows at a time, as UTF-8 XML."""
    letters = [get_column_letter(j) for j in range(1, len(table.columns) + 1)]
    texts = [_cell_texts(c) for c in table.columns]
    codes = _look_codes(table) if any(c.coloured for c in table.columns) else None
    for a in range(part.start, part.stop, CHUNK):
        b = min(a + CHUNK, part.stop)
        rows = pa.array(np.arange(a - part.start + 2, b - part.start + 2)).cast(_TEXT)
        looks = None if codes is None else codes[a:b]
        cells = [
            piece
            for j, (c, t) in enumerate(zip(table.columns, texts, strict=True))
            for piece in _cells(c, letters[j], rows, t[a:b], _styles(c, ids[j], t[a:b], looks))
        ]
        # One concatenation per run of rows (an empty cell, null, is left out); its bytes.
        yield _utf8(_join(*_row_starts(rows, heights[a:b]), *cells, "</row>", nulls="replace"))[0]


def _ahead(chunks: Iterator) -> Iterator:
    """``chunks``, the next one built in a thread meanwhile: Arrow and zlib release the GIL,
    so building the XML and deflating it overlap on two cores."""
    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(next, chunks, None)
        while (chunk := future.result()) is not None:
            future = pool.submit(next, chunks, None)
            yield chunk


def _add_table(book: Workbook, table: Table, titles: list[str], parts, lang: str) -> dict:
    """Sheets with header and layout; returns {sheet: its data rows as XML chunks}."""
    headers = [i18n.text(c.label, lang) for c in table.columns]
    widths = [column_width(h, c) for h, c in zip(headers, table.columns, strict=True)]
    header_lines = max(
        math.ceil(display_width(h) / (w - 2)) for h, w in zip(headers, widths, strict=True)
    )
    heights = row_heights(table, widths)
    last = get_column_letter(len(headers))
    fills = {}
    for title, part in zip(titles, parts, strict=True):
        ws = book.create_sheet(title)
        for j, w in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(j)].width = w
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = f"A1:{last}{len(part) + 1}"
        ws.print_title_rows = "1:1"
        _page(ws, sum(widths))
        ws.row_dimensions[1].height = header_lines * LINE_HEIGHT + 2
        ws.append([_header(ws, h) for h in headers])
        ids = [_style_ids(ws, c, lang) for c in table.columns]
        # Zip64 only when the sheet may pass 2 GiB: Excel warns about it on small files.
        zip64 = len(part) * len(headers) * 200 > zipfile.ZIP64_LIMIT
        fills[ws] = (_rows_xml(table, part, ids, heights), zip64)
    return fills


def _save(book: Workbook, path: Path, fills: dict) -> None:
    """Save ``book`` to ``path`` with each sheet's data rows put in its <sheetData>."""
    buffer = io.BytesIO()
    book.save(buffer)
    rows = {ws.path.lstrip("/"): fill for ws, fill in fills.items()}
    with (
        zipfile.ZipFile(buffer) as src,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst,
    ):
        for item in src.infolist():
            data = src.read(item)
            if item.filename not in rows:
                dst.writestr(item, data)
                continue
            chunks, zip64 = rows[item.filename]
            head, end, tail = data.rpartition(b"</sheetData>")
            with dst.open(item.filename, "w", force_zip64=zip64) as out:
                out.write(head)
                for chunk in _ahead(chunks):
                    out.write(chunk)
                out.write(end + tail)


def exceptions_table(ex: pd.DataFrame, lang: str) -> Table:
    code = ex["code"]
    reason = {c: i18n.reason(c, lang) for c in exceptions.CODES}
    action = {c: i18n.action(c, lang) for c in exceptions.CODES}
    severity = {s: i18n.text(f"severity.{s}", lang) for s in exceptions.SEVERITY_RANK}
    return Table(
        "sheet.exceptions",
        [
            Column("col.severity", _texts(ex["severity"].map(severity)), coloured=True),
            Column("col.code", _texts(code), coloured=True),
            Column("col.reason", _texts(code.map(reason))),
            Column("col.action", _texts(code.map(action))),
            Column("col.order_no", _texts(ex["order_no"]), cap=22),
            Column("col.cart_no", _texts(ex["cart_no"]), cap=22),
            Column("col.tracking_no", _texts(ex["tracking_no"]), cap=26),
            Column("col.carrier_expected", _texts(ex["carrier_expected"]), cap=20),
            Column("col.carrier_used", _texts(ex["carrier"]), cap=20),
            Column("col.recipient", _texts(ex["recipient"]), cap=20),
            Column("col.amount", _numbers(ex["amount"], float), "money"),
            Column("col.days", _numbers(ex["days"], int), "int"),
            Column("col.deadline", _dates(ex["deadline"]), "date"),
            Column("col.source_file", _texts(ex["source_file"]), cap=24),
            Column("col.source_row", _numbers(ex["source_row"], int), "int"),
            Column("col.detail", _texts(ex["message"]), cap=50),
            Column("col.customer_message", _texts(ex["customer_message"]), cap=56),
        ],
        looks=ex["severity"].tolist(),
    )


def uploaded_table(up: pd.DataFrame) -> Table:
    ship = pd.to_datetime(up["ship_date"], format="%Y/%m/%d", errors="coerce")
    return Table(
        "sheet.uploaded",
        [
            Column("col.upload_file", _texts(up["file"])),
            Column("col.order_no", _texts(up["order_no"])),
            Column("col.cart_no", _texts(up["cart_no"])),
            Column("col.carrier", _texts(up["carrier"])),
            Column("col.tracking_no", _texts(up["tracking_no"])),
            Column("col.ship_date", _dates(ship), "date"),
        ],
    )


def masked_phone(phone: pd.Series) -> pd.Series:
    """Only the last four digits: enough to recognise a buyer, not to call a stranger."""
    return ("…" + phone.str[-4:]).where(phone.str.len().gt(0), None)


def _joined(texts: pd.Series, keys: pd.Series) -> dict:
    """{key: its texts joined by ", ", in order}: groupby(keys).agg(", ".join) without
    pandas' per-group Series (0.7 s for 5k orders); missing keys left out, as groupby does."""
    joined: dict = {}
    for key, text in zip(keys.tolist(), texts.tolist(), strict=True):
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
    alerts = ex.loc[ex["code"].isin(list(_ALERT_LOOK)), ["order_no", "code"]]
    names = alerts["code"].map({c: i18n.text(f"alert.{c}", lang) for c in _ALERT_LOOK})
    listed = _joined(names, alerts["order_no"])
    first = alerts.drop_duplicates("order_no").set_index("order_no")["code"].map(_ALERT_LOOK)
    return Table(
        "sheet.unshipped",
        [
            Column("col.priority", list(range(1, len(u) + 1)), "int"),
            Column("col.alerts", _texts(u["order_no"].map(listed)), coloured=True),
            Column("col.order_no", _texts(u["order_no"])),
            Column("col.cart_no", _texts(u["cart_no"])),
            Column("col.status", _texts(u["status"])),
            Column("col.paid_at", _dates(paid, with_time=True), "datetime"),
            Column("col.est_ship_date", _dates(u["est_ship_date"]), "date"),
            Column("col.business_days", _numbers(business_days_between(paid, today), int), "int"),
            Column("col.ship_by", _dates(add_business_days(paid, watch.SHIP_BY_BDAYS)), "date"),
            Column("col.amount", _numbers(u["amount"], float), "money"),
            Column("col.recipient", _texts(u["recipient_name"]), cap=20),
            Column("col.phone", _texts(phone if personal else masked_phone(phone)), cap=16),
            *([Column("col.address", _texts(u["address"]), cap=40)] if personal else []),
            Column("col.carrier", _texts(u["carrier_expected"]), cap=20),
            Column("col.item", _texts(u["item_name"])),
            Column("col.source_file", _texts(u["source_file"]), cap=24),
            Column("col.source_row", _numbers(u["source_row"], int), "int"),
        ],
        looks=_texts(u["order_no"].map(first)),
    )


# --- summary ----------------------------------------------------------------------------


def money_concerned(result) -> dict[str, tuple[int, float]]:
    """(orders, JPY) held, unshipped and overdue; an order without an amount counts 0 JPY."""
    o, ex = result.orders, result.exceptions
    overdue = ex.loc[ex["code"].eq("OVERDUE"), ["order_no", "amount"]]
    amounts = {  # the amount column only: filtering all of a million orders took 0.6 s
        "held": o["amount"][o["bucket"].eq("held")],
        "unshipped": o["amount"][o["bucket"].eq("unshipped")],
        "overdue": overdue.drop_duplicates("order_no")["amount"],
    }
    return {k: (len(a), float(pd.to_numeric(a, errors="coerce").sum())) for k, a in amounts.items()}


def summary_rows(result, lang: str, notes: list[str]) -> list[tuple[str, list]]:
    """The Summary as (kind, values) rows; columns: label, number, text, text, text.

    Kinds: title, meta (run facts), note, section, head (header keys), plain, total,
    ok / bad (reconciliation check) and error / warning / info (a code's row).
    """
    s, t = result.summary, (lambda key, **f: i18n.text(key, lang, **f))
    rows: list[tuple[str, list]] = [
        ("title", [t("summary.title")]),
        ("meta", [t("summary.run_date"), dt.date.fromisoformat(s["today"])]),
        ("meta", [t("summary.run_id"), s["run_id"]]),
        (
            "meta" if s["reconciled"] else "bad",
            [t("summary.reconciled"), "✓" if s["reconciled"] else "✗"],
        ),
    ]
    if result.dry_run:
        notes = [t("summary.dry_run"), *notes]
    rows += [("note", [n]) for n in notes]

    inputs = s["inputs"]
    files = [("summary.orders_file", inputs["orders"])]
    files += [("summary.dispatch_file", d) for d in inputs["dispatch"]]
    rows += [
        ("section", [t("summary.inputs")]),
        (
            "head",
            ["summary.kind", "summary.rows", "summary.path", "summary.format", "summary.encoding"],
        ),
    ]
    rows += [("plain", [t(k), f["rows"], f["path"], f["format"], f["encoding"]]) for k, f in files]

    given = {
        "orders": inputs["orders"]["rows"],
        "dispatch": sum(d["rows"] for d in inputs["dispatch"]),
    }
    for part in ("orders", "dispatch"):
        buckets = [b for b in s[part] if b != "total"]  # summary.json's order
        total = sum(s[part][b] for b in buckets)
        ok = total == given[part]
        rows += [
            ("section", [t(f"summary.{part}")]),
            ("head", ["summary.outcome", "summary.count", "summary.meaning"]),
        ]
        rows += [
            ("plain", [t(f"{part}.{b}"), s[part][b], t(f"{part}.{b}.meaning")]) for b in buckets
        ]
        rows += [
            ("total", [t("summary.total"), total, None]),
            (
                "ok" if ok else "bad",
                [
                    t(f"summary.{part}_input"),
                    given[part],
                    t("summary.check_ok" if ok else "summary.check_bad"),
                ],
            ),
        ]

    rows.append(("section", [t("summary.by_code")]))
    by_code = s["exceptions"]
    if by_code:
        rows.append(("head", ["col.code", "summary.count", "summary.meaning", "col.severity"]))
        for code in (c for c in exceptions.CODES if by_code.get(c)):
            sev = exceptions.SEVERITY[code]
            rows.append((sev, [code, by_code[code], i18n.reason(code, lang), t(f"severity.{sev}")]))
        rows.append(("total", [t("summary.total"), sum(by_code.values()), None, None]))
    else:
        rows.append(("plain", [t("summary.no_exceptions")]))

    rows += [
        ("section", [t("summary.money")]),
        ("head", [None, "col.amount", "summary.orders_count"]),
    ]
    rows += [
        ("plain", [t(f"summary.money_{k}"), yen, n])
        for k, (n, yen) in money_concerned(result).items()
    ]

    rows.append(("section", [t("summary.uploads")]))
    if s["upload_files"]:
        rows.append(("head", ["col.upload_file", "summary.rows"]))
        rows += [("plain", [f["path"], f["rows"]]) for f in s["upload_files"]]
    else:
        rows.append(("plain", [t("summary.no_uploads")]))
    return rows


def _summary_cell(ws, kind: str, j: int, value, lang: str) -> WriteOnlyCell:
    if kind == "head":
        return _header(ws, i18n.text(value, lang) if value else "")
    fmt = i18n.text("format.date", lang) if isinstance(value, dt.date) else MONEY
    style: dict = {"fmt": None if isinstance(value, str) else fmt, "wrap": False}
    if kind == "title":
        style.update(bold=True, size=14)
    elif kind in ("section", "note"):
        style.update(bold=True, size=12 if kind == "section" else 11)
    elif kind == "total":
        style.update(bold=True, border=Border(top=_THIN))
    elif kind in ("ok", "bad") and j > 0:
        style.update(bold=True, look="error" if kind == "bad" else None)
    elif kind in _LOOKS and j in (0, 3):
        style.update(look=kind)
    cell = _cell(ws, value, **style)
    if j >= 2 and not isinstance(value, str):
        # Past column B the columns are wide: keep a number next to the one before it.
        cell.alignment = Alignment(vertical="top", horizontal="left", indent=1)
    return cell


def _write_summary(book: Workbook, result, lang: str, notes: list[str]) -> None:
    ws = book.create_sheet(i18n.text("sheet.summary", lang))
    rows = summary_rows(result, lang, notes)
    widths = [10] * 5
    for kind, values in rows:
        if kind in ("title", "meta", "note", "section"):
            continue  # one text, or a value beside a label: they may overflow
        for j, v in enumerate(values):
            text = i18n.text(v, lang) if kind == "head" and v else v
            kind_j = "text" if isinstance(text, str) else "money"
            widths[j] = max(widths[j], _value_width(text, kind_j))
    for j, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(j)].width = min(w, 70) + 3
    _page(ws, sum(widths))
    previous = None
    for kind, values in rows:
        if kind == "section" or previous == "title":
            ws.append([])  # a blank line between blocks
        ws.append([_summary_cell(ws, kind, j, v, lang) for j, v in enumerate(values)])
        previous = kind


def write(path: Path, result, *, row_limit: int = EXCEL_ROWS - 1) -> None:
    """Write the workbook of ``result`` (a pipeline.RunResult) to ``path``.

    ``row_limit``: data rows per sheet; tests lower it to check the split.
    """
    lang = i18n.language(result.language)
    today = dt.date.fromisoformat(result.summary["today"])
    tables = [
        exceptions_table(result.exceptions, lang),
        uploaded_table(result.uploaded),
        unshipped_table(
            result.unshipped, result.exceptions, today, lang, result.show_personal_data
        ),
    ]
    layout, notes = [], []
    for table in tables:
        parts = split_rows(table.rows, row_limit)
        titles = sheet_titles(i18n.text(table.name, lang), len(parts), lang)
        layout.append((table, titles, parts))
        if len(parts) > 1:
            rows = f"{table.rows:,}"
            notes.append(
                i18n.text(
                    "summary.split", lang, sheet=titles[0], rows=rows, sheets=", ".join(titles)
                )
            )
    book = Workbook(write_only=True)
    _write_summary(book, result, lang, notes)
    fills = {}
    for table, titles, parts in layout:
        fills |= _add_table(book, table, titles, parts, lang)
    _save(book, path, fills)


def write_plan(path: Path, result) -> None:
    """plan.xlsx: each order to be dated with its payment, proposed date and why; then the
    orders left alone (a plan.PlanResult). Labels in the export's screen language."""
    lang = i18n.language(result.language)
    d, left = result.dated, result.left
    s = result.summary["settings"]
    fields = {"n": s["lead_days"], "cutoff": s["cutoff"], "max": s["max_ahead_days"]}
    why = {k: i18n.text(f"plan.why.{k}", lang, **fields) for k in d["why"].unique()}
    dated = Table(
        "sheet.ship_dates",
        [
            Column("col.order_no", _texts(d["order_no"])),
            Column("col.cart_no", _texts(d["cart_no"])),
            Column("col.status", _texts(d["status"])),
            Column("col.paid_at", _dates(d["paid_at"], with_time=True), "datetime"),
            Column("col.business_days", _numbers(d["business_days"], int), "int"),
            Column("col.proposed_date", _dates(d["est_ship_date"]), "date"),
            Column("col.why", _texts(d["why"].map(why)), cap=60, coloured=True),
        ],
        looks=["warning" if u else None for u in d["urgent"]],
    )
    outcome = {b: i18n.text(f"plan.{b}", lang) for b in left["outcome"].unique()}
    alone = Table(
        "sheet.left_alone",
        [
            Column("col.order_no", _texts(left["order_no"])),
            Column("col.cart_no", _texts(left["cart_no"])),
            Column("col.status", _texts(left["status"])),
            Column("col.outcome", _texts(left["outcome"].map(outcome)), cap=30),
        ],
    )
    book = Workbook(write_only=True)
    fills = {}
    for table in (dated, alone):
        parts = split_rows(table.rows)
        titles = sheet_titles(i18n.text(table.name, lang), len(parts), lang)
        fills |= _add_table(book, table, titles, parts, lang)
    _save(book, path, fills)
