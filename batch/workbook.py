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
serialised here, a column at a time, and put into the sheets' XML: openpyxl spends
50-100 µs a cell, which is minutes for 100k exception rows; this takes seconds.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

from batch import exceptions, i18n, watch
from batch.jpcalendar import add_business_days, business_days_between

EXCEL_ROWS = 1_048_576  # rows in one sheet, header included
MAX_CHARS = 32_767  # characters in one cell
WIDTH_CAP = 40  # widest column, in characters; longer text wraps
HEADER_CAP = 16  # a longer header wraps rather than widening a column of short values
WIDTH_SAMPLE = 2_000  # rows measured per column; tables are sorted, the top is typical
LINE_HEIGHT = 16  # points per wrapped line (CJK fallback fonts are taller than Calibri's 15)
CHUNK = 5_000  # data rows serialised at a time
MONEY = "#,##0"
FONT = "Calibri"  # named, or LibreOffice falls back to a serif font
# What XML 1.0 cannot hold (control characters, lone surrogates, U+FFFE/F): dropped.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Starts that spreadsheets read as a formula (CONTRACT: such input stays text).
_RISKY = ("=", "+", "-", "@", "\t", "\r")
_MARKUP = re.compile(r"[&<>\r]")  # what XML text must escape
# Fill and font colour per look: the severities, also used for the unshipped alerts.
_LOOKS = {
    "error": ("FFC7CE", "9C0006"),
    "warning": ("FFEB9C", "7F6000"),
    "info": ("DDEBF7", "1F4E78"),
}
_ALERT_LOOK = {"OVERDUE": "error", "PENALTY_RISK": "warning", "NO_SHIP_DATE": "info"}
_THIN = Side(style="thin")


@dataclass(frozen=True)
class Column:
    """A table column: header key, cell values (None = empty cell) and kind."""

    label: str
    values: list
    kind: str = "text"  # text | int | money | date | datetime
    coloured: bool = False  # takes the row's look
    cap: int = WIDTH_CAP


@dataclass(frozen=True)
class Table:
    name: str  # catalogue key of the sheet name
    columns: list[Column]
    looks: list = field(default_factory=list)  # per row: a _LOOKS key or None

    @property
    def rows(self) -> int:
        return len(self.columns[0].values)


# --- values -----------------------------------------------------------------------------


def _texts(s: pd.Series) -> list:
    """Cell texts: missing and "" → None; illegal characters dropped; cut to Excel's limit."""
    s = pd.Series(s, dtype=object)
    texts = [
        None if missing else str(v)[:MAX_CHARS] or None
        for v, missing in zip(s.tolist(), s.isna().tolist(), strict=True)
    ]
    if _ILLEGAL.search("\n".join(t for t in texts if t)):  # rare; one pass finds out
        texts = [_ILLEGAL.sub("", t) or None if t else None for t in texts]
    return texts


def _numbers(s: pd.Series, kind: type) -> list:
    n = pd.to_numeric(pd.Series(s, dtype=object), errors="coerce")
    return [kind(v) if math.isfinite(v) else None for v in n.astype(float).tolist()]


def _dates(s: pd.Series, with_time: bool = False) -> list:
    d = pd.to_datetime(pd.Series(s, dtype=object), errors="coerce")
    return [None if pd.isna(v) else (v.to_pydatetime() if with_time else v.date()) for v in d]


# --- cells ------------------------------------------------------------------------------


def _style(cell, *, bold=False, size=11, look=None, fmt=None, border=None, wrap=True):
    cell.font = Font(name=FONT, size=size, bold=bold, color=_LOOKS[look][1] if look else None)
    if look:
        cell.fill = PatternFill("solid", fgColor=_LOOKS[look][0])
    if fmt:
        cell.number_format = fmt
    if border:
        cell.border = border
    # Text a little off the left edge, so it never touches a right-aligned number.
    cell.alignment = Alignment(vertical="top", wrap_text=wrap, indent=1 if wrap else 0)
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


def column_width(header: str, col: Column) -> float:
    """Fits the widest sampled value and the header (up to HEADER_CAP; then it wraps)."""
    widest = max((_value_width(v, col.kind) for v in col.values[:WIDTH_SAMPLE]), default=0)
    return min(col.cap, max(widest, min(display_width(header), HEADER_CAP), 4)) + 3


def _lines(text: str, width: float) -> int:
    return sum(max(1, math.ceil(display_width(line) / width)) for line in text.split("\n"))


def row_heights(table: Table, widths: list[float]) -> list:
    """Points per row, None for one-line rows (LibreOffice does not fit wrapped rows itself)."""
    lines = np.ones(table.rows)
    for col, width in zip(table.columns, widths, strict=True):
        if col.kind != "text":
            continue
        usable = max(width - 3, 1)  # the padding and the indent
        text = pd.Series(col.values, dtype=object).dropna()
        if text.empty:
            continue
        # Vectorised display_width of one-line texts; the few multi-line ones line by line.
        shown = (text.str.encode("utf-8").str.len() + text.str.len()).to_numpy(float) // 2
        n = np.ceil(shown / usable)
        multi = text.str.contains("\n", regex=False).to_numpy(dtype=bool)
        n[multi] = [_lines(v, usable) for v in text[multi]]
        at = text.index.to_numpy()
        lines[at] = np.maximum(lines[at], n)
    heights = np.minimum(lines * LINE_HEIGHT + 2, 409)  # 409 points: Excel's maximum
    return [None if n <= 1 else float(h) for n, h in zip(lines, heights, strict=True)]


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


def _escape(text: str) -> str:
    """XML text; CR as a character reference, which an XML parser would read as LF."""
    if not _MARKUP.search(text):  # nearly always: one scan instead of four
        return text
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    )


def _column_xml(col: Column, letter: str, values: list, rows: range, ids: dict, looks) -> list:
    """The cells of one column for a run of rows, as XML ("" for an empty cell)."""
    if col.coloured:
        style = [ids[look] for look in looks]
    elif col.kind == "text":
        style = [ids["guard" if v and v.startswith(_RISKY) else None] for v in values]
    else:
        style = [ids[None]] * len(values)
    if col.kind == "text":
        return [
            f'<c r="{letter}{r}" s="{s}" t="inlineStr"><is><t xml:space="preserve">'
            f"{_escape(v)}</t></is></c>"
            if v is not None
            else ""
            for v, r, s in zip(values, rows, style, strict=True)
        ]
    number = to_excel if col.kind in ("date", "datetime") else (lambda v: v)
    return [
        f'<c r="{letter}{r}" s="{s}"><v>{number(v)}</v></c>' if v is not None else ""
        for v, r, s in zip(values, rows, style, strict=True)
    ]


def _rows_xml(table: Table, part: range, ids: list[dict], heights: list) -> Iterator[bytes]:
    """The data rows of one sheet (rows 2...), CHUNK rows at a time, as UTF-8 XML."""
    letters = [get_column_letter(j) for j in range(1, len(table.columns) + 1)]
    looks = table.looks or [None] * table.rows
    for a in range(part.start, part.stop, CHUNK):
        b = min(a + CHUNK, part.stop)
        rows = range(a - part.start + 2, b - part.start + 2)
        cells = [
            _column_xml(c, letters[j], c.values[a:b], rows, ids[j], looks[a:b])
            for j, c in enumerate(table.columns)
        ]
        starts = [
            f'<row r="{r}" ht="{h}" customHeight="1">' if h else f'<row r="{r}">'
            for r, h in zip(rows, heights[a:b], strict=True)
        ]
        yield "".join(
            s + "".join(row) + "</row>" for s, *row in zip(starts, *cells, strict=True)
        ).encode()


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
                for chunk in chunks:
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


def unshipped_table(
    u: pd.DataFrame, ex: pd.DataFrame, today: dt.date, lang: str, personal: bool = False
) -> Table:
    paid = pd.to_datetime(u["paid_at"])
    # The mobile number when there is one: it is the one a courier calls.
    phone = u["mobile"].where(u["mobile"].ne(""), u["phone"]).astype(object)
    # The watch's own rows say which alerts each order has, in code order (most urgent first).
    alerts = ex.loc[ex["code"].isin(list(_ALERT_LOOK)), ["order_no", "code"]]
    names = alerts["code"].map({c: i18n.text(f"alert.{c}", lang) for c in _ALERT_LOOK})
    listed = names.groupby(alerts["order_no"], sort=False).agg(", ".join)
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
    groups = {
        "held": o[o["bucket"].eq("held")],
        "unshipped": o[o["bucket"].eq("unshipped")],
        "overdue": ex[ex["code"].eq("OVERDUE")].drop_duplicates("order_no"),
    }
    return {
        k: (len(g), float(pd.to_numeric(g["amount"], errors="coerce").sum()))
        for k, g in groups.items()
    }


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
    outcome = {b: i18n.text(f"plan.{b}", lang) for b in left["bucket"].unique()}
    alone = Table(
        "sheet.left_alone",
        [
            Column("col.order_no", _texts(left["order_no"])),
            Column("col.cart_no", _texts(left["cart_no"])),
            Column("col.outcome", _texts(left["bucket"].map(outcome)), cap=30),
        ],
    )
    book = Workbook(write_only=True)
    fills = {}
    for table in (dated, alone):
        parts = split_rows(table.rows)
        titles = sheet_titles(i18n.text(table.name, lang), len(parts), lang)
        fills |= _add_table(book, table, titles, parts, lang)
    _save(book, path, fills)
