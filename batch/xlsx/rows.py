"""The <row> elements of a sheet: a few rows of Python values one cell at a time, and long
tables of columns, CHUNK rows at a time, as one Arrow concatenation of columns built with
vectorised string kernels (no Python per cell).

Text is always an inline string, never a formula; text starting with = + - @ tab or CR
also takes its style's quote prefix, so it stays text once the cell is edited.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from batch.xlsx.styles import Style, StyleSheet
from batch.xlsx.values import TEXT, cell_texts, clean_text, number_texts, scalar, serial, utf8

CHUNK = 20_000  # data rows serialised at a time
BUILDERS = 2  # threads building runs of rows (the machine's cores, as in the benchmark)
# Starts that spreadsheets read as a formula.
RISKY = ("=", "+", "-", "@", "\t", "\r")
_RISKY_FIRST = np.zeros(256, bool)  # per first byte of a text, whether it starts one
_RISKY_FIRST[np.frombuffer("".join(RISKY).encode(), np.uint8)] = True
_MARKUP = tuple(bytes([b]) for b in b"&<>\r")  # what XML text must escape
_INLINE = ' t="inlineStr"><is><t xml:space="preserve">'
_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\r", "&#13;"))


@dataclass(frozen=True)
class Column:
    """A column of a long table: its cells' values and kind, and the styles they take.

    ``values``: as values.texts(), numbers() or dates() give them (text an Arrow string
    array, null = empty; int and amount a float array, NaN = empty; date and datetime a
    datetime64[us] array, NaT = empty), or a list of Python values (None = empty).
    ``pick``: per row, the index in ``styles`` of its cell's style (none: the first).
    """

    values: Sequence
    kind: str = "text"  # text | int | amount | date | datetime
    styles: Sequence[Style] = (Style(),)
    pick: np.ndarray | None = None


def column_letter(n: int) -> str:
    """A, B, ..., Z, AA, ... of the 1-based column ``n``."""
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --- a few rows of Python values --------------------------------------------------------


def _escape_one(text: str) -> str:
    for char, ref in _ESCAPES:
        text = text.replace(char, ref)
    return text


def _cell(ref: str, value, style: Style | None, sheet: StyleSheet) -> str:
    """One cell; None is an empty cell, kept when it has a style (a border, a fill)."""
    if isinstance(value, str) and value.startswith(RISKY):
        style = (style or Style()).but(quote_prefix=True)
    s = f' s="{sheet.id(style)}"' if style is not None else ""
    if isinstance(value, str) and (text := clean_text(value)):
        return f'<c r="{ref}"{s}{_INLINE}{_escape_one(text)}</t></is></c>'
    if isinstance(value, dt.date):
        value = serial(value)
    if isinstance(value, int | float) and not isinstance(value, bool) and value == value:
        return f'<c r="{ref}"{s}><v>{value}</v></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    return f'<c r="{ref}"{s}/>' if s else ""


def row_xml(
    r: int, values: Sequence, styles: Sequence[Style | None], sheet: StyleSheet, height=None
) -> str:
    """Row ``r`` (1-based) of ``values``, each cell with the style beside it."""
    cells = "".join(
        _cell(f"{column_letter(j)}{r}", v, s, sheet)
        for j, (v, s) in enumerate(zip(values, styles, strict=True), 1)
    )
    ht = f' ht="{height}" customHeight="1"' if height else ""
    return f'<row r="{r}"{ht}>{cells}</row>'


# --- long tables ------------------------------------------------------------------------


def _join(*parts, nulls: str = "emit_null") -> pa.Array:
    """Element-wise concatenation of text arrays and constant strings (null_handling
    ``nulls``); adjacent strings are put together first: each part costs a pass."""
    merged: list = []
    for p in parts:
        if isinstance(p, str) and merged and isinstance(merged[-1], str):
            merged[-1] += p
        else:
            merged.append(p)
    merged = [scalar(p) if isinstance(p, str) else p for p in merged]
    return pc.binary_join_element_wise(*merged, scalar(""), null_handling=nulls)


def escape(text: pa.Array) -> pa.Array:
    """XML text; CR as a character reference, which an XML parser would read as LF."""
    data = utf8(text)[0].tobytes()  # a copy, searched by memchr: 10x a numpy scan
    if not any(char in data for char in _MARKUP):  # nearly always
        return text
    for char, ref in _ESCAPES:
        text = pc.replace_substring(text, char, ref)
    return text


def risky(text: pa.Array) -> np.ndarray:
    """Per cell, whether it starts with one of RISKY: all ASCII, so the first byte tells."""
    data, at = utf8(text)
    first = np.zeros(len(text), np.uint8)
    full = (at[1:] > at[:-1]) & text.is_valid().to_numpy(zero_copy_only=False)
    first[full] = data[at[:-1][full]]
    return _RISKY_FIRST[first]


def style_ids(col: Column, sheet: StyleSheet) -> list[int]:
    """The style number of each of ``col.styles``; for text, then of each with the quote
    prefix."""
    styles = list(col.styles)
    if col.kind == "text":
        styles += [s.but(quote_prefix=True) for s in col.styles]
    return [sheet.id(s) for s in styles]


def _styles(col: Column, ids: list[int], text: pa.Array, pick: np.ndarray | None):
    """The style number of each cell of a run of rows, picked and guarded if risky: one
    number for all (a str), or per cell the index of its style in ``ids``."""
    guard = risky(text) if col.kind == "text" else None
    if guard is not None and not guard.any():
        guard = None
    if pick is None and guard is None:
        return str(ids[0])
    index = np.zeros(len(text), np.int64) if pick is None else pick
    if guard is not None:
        index = index + len(col.styles) * guard
    return index


def _cells(
    col: Column, letter: str, rows: pa.Array, text: pa.Array, style, ids: list[int], shared
) -> list:
    """The cells of one column for a run of rows, as parts of the rows' concatenation:
    strings and arrays; or one array of whole cells, null for an empty one, if any is.
    ``style`` as _styles gives it, ``ids`` the column's style numbers (style_ids).

    ``shared``: per run, the row numbers joined with what follows them in a cell of one
    style and kind (' s="5"><v>'...), built once for every column that has it: the join
    costs a pass per part and row, whatever the part's length, and this is one part less
    per cell."""
    if col.kind == "text":
        text = escape(text)
        start, end = '"' + _INLINE, "</t></is></c>"
    else:
        start, end = '"><v>', "</v></c>"
    if isinstance(style, str):
        after = '" s="' + style + start
        if after not in shared:
            shared[after] = _join(rows, after)
        parts = [f'<c r="{letter}', shared[after], text, end]
    else:  # per cell its style's attribute and what follows it, taken whole: one part
        after = pa.array([f'" s="{i}{start}' for i in ids], TEXT).take(style)
        parts = [f'<c r="{letter}', rows, after, text, end]
    return [_join(*parts)] if text.null_count else parts


def _row_starts(rows: pa.Array, heights: np.ndarray) -> list:
    """<row r="..."> of a run of rows, with the height of the tall ones; as parts."""
    if not (heights > 0).any():
        return ['<row r="', rows, '">']
    # The attribute of each of the few heights, then taken per row.
    shown, each = np.unique(heights, return_inverse=True)
    ht = _join(' ht="', number_texts(shown, as_int=False), '" customHeight="1"')  # "34.0"
    ht = pc.if_else(pa.array(shown > 0), ht, scalar(""))
    return ['<row r="', rows, '"', ht.take(pa.array(each.ravel())), ">"]


def row_runs(
    columns: Sequence[Column], part: range, first: int, ids: list[list[int]], heights
) -> list[Callable[[], np.ndarray]]:
    """Rows ``part`` of ``columns`` as sheet rows ``first``..., CHUNK rows a run: a function
    per run that builds its UTF-8 XML; ``ids`` per column from style_ids(), ``heights`` per
    row (0: not set). The runs share only what they read, so threads may build them."""
    letters = [column_letter(j) for j in range(1, len(columns) + 1)]
    texts = [cell_texts(c.values, c.kind) for c in columns]
    heights = np.zeros(len(columns[0].values)) if heights is None else np.asarray(heights)

    def run(a: int, b: int) -> np.ndarray:
        rows = pa.array(np.arange(a - part.start + first, b - part.start + first)).cast(TEXT)
        cells, shared = [], {}
        for c, letter, t, i in zip(columns, letters, texts, ids, strict=True):
            style = _styles(c, i, t[a:b], None if c.pick is None else c.pick[a:b])
            cells += _cells(c, letter, rows, t[a:b], style, i, shared)
        # One concatenation per run of rows (an empty cell, null, is left out); its bytes.
        return utf8(_join(*_row_starts(rows, heights[a:b]), *cells, "</row>", nulls="replace"))[0]

    starts = range(part.start, part.stop, CHUNK)
    return [functools.partial(run, a, min(a + CHUNK, part.stop)) for a in starts]


def ahead(runs: Sequence[Callable], workers: int = BUILDERS) -> Iterator:
    """What each of ``runs`` builds, in order, ``workers`` of them built in threads while
    the caller deflates the one before: Arrow and the deflate release the GIL, so on two
    cores the XML is built by both while the deflate takes its share."""
    pool = ThreadPoolExecutor(workers)
    try:
        pending: deque = deque()
        for run in runs:
            pending.append(pool.submit(run))
            if len(pending) > workers:  # at most workers + 1 runs' XML held at once
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
