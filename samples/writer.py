"""The one writer of the sample sheets: a file's bytes from its format profile (header row,
[file]: csv or xlsx, encoding, line endings, quoting, delimiter) and the scenario's rows.

A row is a dict keyed by header text; a column it does not name stays blank. Deterministic:
the .xlsx files get fixed zip timestamps and document properties, so the same rows give the
same bytes (which `make_samples.py --check` relies on).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import openpyxl
from openpyxl.styles import Font

from batch import formats

XLSX_TIME = (2026, 11, 26, 9, 40, 0)  # zip entry time of every xlsx member
CREATOR = "HANBIT SEOUL"
NEWLINES = {"CRLF": "\r\n", "LF": "\n"}
QUOTING = {"minimal": csv.QUOTE_MINIMAL, "all": csv.QUOTE_ALL}


@dataclass(frozen=True)
class Layout:
    """How one sample file is written: its profile's, except what a sample sets otherwise
    (a generic sheet brings its own header; a sample may put a title line above it)."""

    profile: str
    header: tuple[str, ...] = ()  # default: the profile's
    title: tuple[str, ...] = ()  # lines above the header, one cell each
    sheet: str = "Sheet1"  # xlsx only
    file: dict[str, str] = field(default_factory=dict)  # overrides of the profile's [file]
    headerless: bool = False  # no header row: the profile's [headerless] columns, by position

    @property
    def columns(self) -> tuple[str, ...]:
        if self.headerless:
            return tuple(formats.get(self.profile).positional_header())
        return self.header or formats.get(self.profile).header

    @property
    def dialect(self) -> dict[str, str]:
        return {**formats.get(self.profile).file, **self.file}


def render(layout: Layout, rows: Iterable[Mapping[str, object]]) -> bytes:
    """The file's bytes: the header row (after any title lines) and one record per row."""
    header = layout.columns
    records = [[row.get(h, "") for h in header] for row in rows]
    if layout.dialect["format"] == "xlsx":
        return xlsx_sheet(layout.sheet, header, records)
    head = [] if layout.headerless else [list(header)]
    return csv_bytes([[t] for t in layout.title] + head + records, layout.dialect)


def csv_bytes(records: Sequence[Sequence[object]], dialect: Mapping[str, str]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(
        buf,
        quoting=QUOTING[dialect["quoting"]],
        delimiter=dialect["delimiter"],
        lineterminator=NEWLINES[dialect["newline"]],
    )
    writer.writerows(records)
    return buf.getvalue().encode(dialect["encoding"])  # strict: fails on a character it lacks


def xlsx_sheet(title: str, header: Sequence[str], records: Sequence[Sequence[object]]) -> bytes:
    """A plain export: bold header on row 1, frozen below it; "" cells left empty."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    ws.append(list(header))
    for record in records:
        ws.append([None if v == "" else v for v in record])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    return xlsx_bytes(wb)


def xlsx_bytes(wb: openpyxl.Workbook) -> bytes:
    wb.properties.creator = CREATOR
    wb.properties.created = dt.datetime(2026, 11, 26, 0, 40)
    buf = io.BytesIO()
    wb.save(buf)
    return _stable_zip(buf.getvalue())


def _stable_zip(data: bytes) -> bytes:
    """Rewrite an xlsx with fixed member timestamps and fixed core-property dates."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            payload = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                payload = re.sub(
                    rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2026-11-26T00:40:00Z", payload
                )
            member = zipfile.ZipInfo(info.filename, date_time=XLSX_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o600 << 16
            dst.writestr(member, payload)
    return out.getvalue()
