"""Column widths, row heights and sheet splits: what a spreadsheet does not work out itself.

Widths are in Excel character units, East Asian wide characters counting 2, measured on
the first WIDTH_SAMPLE values (a sorted table's top is typical). LibreOffice does not size
rows of wrapped text, so the height of each such row is computed here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from batch.xlsx.values import cell_texts, utf8

EXCEL_ROWS = 1_048_576  # rows in one sheet, header included
WIDTH_CAP = 40  # widest column, in characters; longer text wraps
HEADER_CAP = 16  # a longer header wraps rather than widening a column of short values
WIDTH_SAMPLE = 2_000  # rows measured per column
LINE_HEIGHT = 16  # points per wrapped line (CJK fallback fonts are taller than Calibri's 15)
MAX_HEIGHT = 409  # Excel's tallest row, in points
ROW_HEIGHT = 15  # points of a row of one line (the sheets' defaultRowHeight)
UNIT_POINTS = 5.25  # a character unit of column width: 7 pixels of Calibri 11 at 96 dpi
A4_INCHES = (8.27, 11.69)


def display_width(text: str) -> int:
    """Width in Excel character units, East Asian wide characters counting 2.

    From the UTF-8 length, at C speed: ASCII takes 1 byte, kana, kanji, hangul and
    full-width forms 3, so (bytes + characters) / 2 gives 1 and 2 (half-width kana, 3
    bytes, also count 2: a little too wide, never too narrow).
    """
    return (len(text.encode("utf-8", "surrogatepass")) + len(text)) // 2


def value_width(value, kind: str) -> int:
    """The shown width of one value: text by its widest line, amounts with separators."""
    if value is None:
        return 0
    if kind == "text":
        return max(display_width(line) for line in value[:200].split("\n"))
    if kind in ("date", "datetime"):
        return 16 if kind == "datetime" else 10
    return len(f"{value:,.0f}" if kind == "amount" else str(value))


def _sample(values, kind: str) -> list:
    """The first WIDTH_SAMPLE values as Python objects, None for an empty cell."""
    head = values[:WIDTH_SAMPLE]
    if isinstance(head, pa.Array):
        return head.to_pylist()
    if isinstance(head, np.ndarray) and kind in ("int", "amount"):
        number = int if kind == "int" else float
        return [None if math.isnan(v) else number(v) for v in head.tolist()]
    return head.tolist() if isinstance(head, np.ndarray) else list(head)  # NaT → None


def _text_width(head: pa.Array) -> int:
    """value_width's widest of Arrow texts: one-line ones at C speed, the others by line."""
    head = pc.utf8_slice_codeunits(head, 0, 200)
    multi = pc.fill_null(pc.match_substring(head, "\n"), False)
    one = pc.filter(head, pc.invert(multi))
    shown = pc.max(pc.add(pc.binary_length(one), pc.utf8_length(one))).as_py() or 0
    lines = pc.filter(head, multi).to_pylist()
    return max([shown // 2, *(value_width(v, "text") for v in lines)])


def column_width(header: str, values, kind: str = "text", cap: int = WIDTH_CAP) -> float:
    """Fits the widest sampled value and the header (up to HEADER_CAP; then it wraps), at
    most ``cap``; plus 3 for the padding and the indent."""
    if kind == "text" and isinstance(values, pa.Array):
        widest = _text_width(values[:WIDTH_SAMPLE])
    else:
        widest = max((value_width(v, kind) for v in _sample(values, kind)), default=0)
    return min(cap, max(widest, min(display_width(header), HEADER_CAP), 4)) + 3


def lines(text: str, width: float) -> int:
    """Lines ``text`` takes in a column ``width`` characters wide."""
    return sum(max(1, math.ceil(display_width(line) / width)) for line in text.split("\n"))


def _lines(text: pa.Array, width: float) -> np.ndarray:
    """lines() of each of ``text`` (multi-line texts), at C speed: its lines' widths summed."""
    parts = pc.split_pattern(text, "\n")
    each = pc.list_flatten(parts)
    shown = pc.add(pc.binary_length(each), pc.utf8_length(each)).to_numpy() // 2
    per_line = np.maximum(1, np.ceil(shown / width))
    at = pc.list_parent_indices(parts).to_numpy()
    return np.bincount(at, weights=per_line, minlength=len(text))


def row_heights(columns: Sequence, widths: Sequence[float]) -> np.ndarray:
    """Points per row of wrapped text, 0 for one-line rows; ``columns`` have ``values`` and
    ``kind`` (only text wraps)."""
    rows = len(columns[0].values) if columns else 0
    count = np.ones(rows)
    for col, width in zip(columns, widths, strict=True):
        if col.kind != "text":
            continue
        usable = max(width - 3, 1)  # the padding and the indent
        text = cell_texts(col.values, col.kind)
        data, at = utf8(text)
        if (np.diff(at).max(initial=0) <= usable) and b"\n" not in data.tobytes():  # memchr
            continue  # no cell has more bytes than fit (a character is at least one), nor LF
        # display_width of one-line texts at C speed (empty cells 0); multi-line ones by line.
        shown = pc.add(pc.binary_length(text), pc.utf8_length(text)).fill_null(0).to_numpy() // 2
        multi = pc.match_substring(text, "\n").fill_null(False).to_numpy(zero_copy_only=False)
        if not multi.any() and shown.max(initial=0) <= usable:
            continue  # every cell fits on one line: most columns
        n = np.ceil(shown / usable)
        if multi.any():
            n[multi] = _lines(text.filter(multi), usable)
        np.maximum(count, n, out=count)
    return np.where(count > 1, np.minimum(count * LINE_HEIGHT + 2, MAX_HEIGHT), 0)


def page_breaks(heights: Sequence[float], blocks: Sequence[int], page, widths) -> list[int]:
    """The rows after which a printed page must end so that no block (a table and its
    heading: ``blocks`` are their first rows, 1-based) starts on one page and ends on the
    next; a block taller than a page starts on a page of its own. ``heights`` in points per
    row, 0 for a one-line row. The page's height is that of A4 inside the margins, scaled as
    fitting ``widths`` to the page's width does; rows are counted at least ROW_HEIGHT, as
    Excel shows them (LibreOffice's are lower: a page there ends early, never late)."""
    wide, high = A4_INCHES[::-1] if page.landscape else A4_INCHES
    left, right, top, bottom = page.margins[:4]
    scale = min(1.0, (wide - left - right) * 72 / (sum(widths) * UNIT_POINTS))
    room = (high - top - bottom) * 72 / scale
    tall = np.maximum(np.asarray(heights, dtype=float), ROW_HEIGHT)
    ends = [*blocks[1:], len(tall) + 1]
    breaks, used = [], tall[: blocks[0] - 1].sum() if blocks else 0.0
    for start, end in zip(blocks, ends, strict=True):
        block = tall[start - 1 : end - 1].sum()
        if used + block > room and used > 0:
            breaks.append(start - 1)
            used = 0.0
        used = (used + block) % room if block > room else used + block
    return breaks


def split_rows(rows: int, limit: int = EXCEL_ROWS - 1) -> list[range]:
    """Data-row ranges, one per sheet, each at most ``limit`` long (one range when empty)."""
    if limit < 1:
        raise ValueError("limit must be positive")
    return [range(a, min(a + limit, rows)) for a in range(0, rows, limit)] or [range(0)]
