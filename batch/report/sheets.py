"""How the report's sheets look: the colours of the looks, the cell styles, and a table
sheet (grey bold header, frozen and filtered, printed A4 landscape) built on batch.xlsx."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from batch import i18n, xlsx

MONEY = "#,##0"
# Fill and font colour per look: the severities, also used for the unshipped alerts.
LOOKS = {
    "error": ("FFC7CE", "9C0006"),
    "warning": ("FFEB9C", "7F6000"),
    "info": ("DDEBF7", "1F4E78"),
}
PLAIN = xlsx.Style(vertical="top")
# Text a little off the left edge, so it never touches a right-aligned number.
TEXT = PLAIN.but(wrap=True, indent=1)
HEADER = TEXT.but(bold=True, fill="D9D9D9", borders=("bottom",))
# About 150 characters fit an A4 landscape page inside narrow margins at 100%. Every sheet
# prints one page wide; the printed columns of a sheet add up to at most PRINT_CHARS, so
# it is never scaled below ~68% (11-point text at 7.5 points).
PRINT_CHARS = 220


@dataclass(frozen=True)
class Column:
    """A report column: the catalogue key of its header, its cells, their kind.

    ``values``: a list (None = empty cell), or as xlsx.texts, numbers and dates give them.
    """

    label: str
    values: Sequence
    kind: str = "text"  # text | int | amount | date | datetime
    coloured: bool = False  # takes the row's look
    cap: int = xlsx.WIDTH_CAP
    printed: bool = True  # False: on screen only (such columns come last)


@dataclass(frozen=True)
class Table:
    name: str  # catalogue key of the sheet name
    columns: list[Column]
    looks: Sequence = field(default_factory=list)  # per row: a LOOKS key or None

    @property
    def rows(self) -> int:
        return len(self.columns[0].values)


def look(style: xlsx.Style, name: str | None) -> xlsx.Style:
    """``style`` in the colours of look ``name`` (None: as it is)."""
    if name is None:
        return style
    fill, colour = LOOKS[name]
    return style.but(fill=fill, colour=colour)


def number_format(kind: str, lang: str) -> str:
    if kind in ("date", "datetime"):
        return i18n.text(f"format.{kind}", lang)
    return MONEY if kind == "amount" else "General"


def footer(run_id: str, day: dt.date, lang: str) -> tuple[str, str, str]:
    """A printed page's footer: the sheet's name; the run and its date; page n of m."""
    shown = i18n.text("format.date", lang)  # as the date cells show it
    day = day.strftime(shown.replace("yyyy", "%Y").replace("mm", "%m").replace("dd", "%d"))
    run = xlsx.footer_text(i18n.text("print.footer", lang, run_id=run_id, date=day))
    return "&A", run, i18n.text("print.page", lang)


def page(footer: tuple[str, str, str]) -> xlsx.Page:
    """A4 landscape in narrow margins, one page wide and as many pages high as it takes."""
    return xlsx.Page(landscape=True, paper=9, fit_width=1, fit_height=0,
                     margins=xlsx.NARROW_MARGINS, footer=footer)  # fmt: skip


def _look_codes(table: Table) -> np.ndarray:
    """Per row, 0 for no look, else 1 + the look's place in LOOKS (an unknown one fails)."""
    if not len(table.looks):
        return np.zeros(table.rows, np.int64)
    looks = table.looks if isinstance(table.looks, pa.Array) else pa.array(list(table.looks))
    at = pc.index_in(looks.cast(pa.large_string()), pa.array(list(LOOKS), pa.large_string()))
    unknown = pc.and_(pc.is_null(at), pc.is_valid(looks))
    if pc.any(unknown).as_py():
        raise KeyError(looks.filter(unknown)[0].as_py())
    return at.fill_null(-1).to_numpy() + 1


def _cells(table: Table, lang: str) -> list[xlsx.Column]:
    """The table's columns for the engine: their styles, the looks picked per row."""
    codes = _look_codes(table) if any(c.coloured for c in table.columns) else None
    cells = []
    for col in table.columns:
        style = (TEXT if col.kind == "text" else PLAIN).but(
            number_format=number_format(col.kind, lang)
        )
        if col.coloured:
            styles = [look(style, name) for name in (None, *LOOKS)]
            cells.append(xlsx.Column(col.values, col.kind, styles, codes))
        else:
            cells.append(xlsx.Column(col.values, col.kind, [style]))
    return cells


def add_table(book: xlsx.Book, table: Table, titles: list[str], parts, lang: str, foot) -> None:
    """The sheets of ``table``, part k of its rows on sheet titles[k]: a header row
    repeated on every printed page, frozen, with a filter; only the printed columns print,
    with the ``foot`` footer."""
    headers = [i18n.text(c.label, lang) for c in table.columns]
    widths = [
        xlsx.column_width(h, c.values, c.kind, c.cap)
        for h, c in zip(headers, table.columns, strict=True)
    ]
    header_lines = max(
        math.ceil(xlsx.display_width(h) / (w - 2)) for h, w in zip(headers, widths, strict=True)
    )
    heights = xlsx.row_heights(table.columns, widths)
    cells = _cells(table, lang)
    last = xlsx.column_letter(len(headers))
    printed = printed_columns(table)
    for title, part in zip(titles, parts, strict=True):
        sheet = book.add_sheet(title)
        sheet.widths = widths
        sheet.freeze = "A2"
        sheet.autofilter = f"A1:{last}{len(part) + 1}"
        if printed < len(headers):
            sheet.print_area = f"A1:{xlsx.column_letter(printed)}{len(part) + 1}"
        sheet.print_rows = (1, 1)
        sheet.page = page(foot)
        sheet.append(headers, HEADER, height=header_lines * xlsx.LINE_HEIGHT + 2)
        sheet.add_table(cells, part, heights)


def printed_columns(table: Table) -> int:
    """How many of its columns print: the first ones, up to the first for the screen only."""
    flags = [c.printed for c in table.columns]
    n = flags.index(False) if False in flags else len(flags)
    if any(flags[n:]):
        raise ValueError(f"{table.name}: a printed column after one for the screen only")
    return n


def sheet_titles(name: str, parts: int, lang: str) -> list[str]:
    more = [i18n.text("sheet.continued", lang, name=name, n=k) for k in range(2, parts + 1)]
    return [name, *more]


def layout(tables: Sequence[Table], lang: str, row_limit: int) -> list[tuple]:
    """(table, sheet titles, row ranges) of each table: more than one sheet when it is
    longer than ``row_limit`` rows."""
    out = []
    for table in tables:
        parts = xlsx.split_rows(table.rows, row_limit)
        out.append((table, sheet_titles(i18n.text(table.name, lang), len(parts), lang), parts))
    return out


def split_notes(laid_out: list[tuple], lang: str) -> list[str]:
    """What the Summary says of each table that continues on another sheet."""
    return [
        i18n.text(
            "summary.split", lang, sheet=titles[0], rows=f"{table.rows:,}", sheets=", ".join(titles)
        )
        for table, titles, parts in laid_out
        if len(parts) > 1
    ]
