"""A workbook package: sheets of rows, column widths, frozen panes, autofilters, print
setup (page, margins, footer, print area and titles); saved as the zip of SpreadsheetML
parts Excel reads (ECMA-376), with each long table's rows built while the one before is
being deflated."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from batch.xlsx.archive import ZIP64_LIMIT, ZipWriter
from batch.xlsx.layout import EXCEL_ROWS
from batch.xlsx.rows import Column, ahead, row_runs, row_xml, style_ids
from batch.xlsx.styles import Style, StyleSheet

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006"
_TYPE = "application/vnd.openxmlformats-"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")
_CELL = re.compile(r"([A-Z]+)([0-9]+)")
# Excel's default margins, in inches: left, right, top, bottom, header, footer.
EXCEL_MARGINS = (0.75, 0.75, 1.0, 1.0, 0.5, 0.5)
NARROW_MARGINS = (0.25, 0.25, 0.75, 0.75, 0.3, 0.3)  # Excel's "Narrow"
_SIDES = ("left", "right", "top", "bottom", "header", "footer")
# LibreOffice lays rows out as Excel does only in a file that says it is Excel's (openpyxl
# and xlsxwriter say so too); otherwise wrapped rows come out a pixel taller, and drift.
_APPLICATION = "Microsoft Excel Compatible / "
CELL_BYTES = 200  # a generous guess of one cell's XML, to tell when a sheet needs Zip64


@dataclass(frozen=True)
class Page:
    """Print setup: ``fit_width`` pages wide and ``fit_height`` high (0: as many as it
    takes; None for both: print at 100%); ``footer``: its left, centre and right parts in
    Excel's header/footer codes (&A the sheet's name, &P the page, &N the pages; literal
    text through footer_text)."""

    landscape: bool = False
    paper: int | None = None  # 9: A4
    fit_width: int | None = None
    fit_height: int | None = None
    margins: tuple[float, ...] = EXCEL_MARGINS  # inches, as _SIDES
    footer: tuple[str, str, str] | None = None

    def xml(self) -> str:
        """Its pageMargins, pageSetup and headerFooter elements, in the schema's order."""
        margins = "".join(f' {k}="{_width(v)}"' for k, v in zip(_SIDES, self.margins, strict=True))
        setup = {
            "paperSize": self.paper,
            "orientation": "landscape" if self.landscape else None,
            "fitToWidth": self.fit_width,
            "fitToHeight": self.fit_height,
        }
        attrs = "".join(f' {k}="{v}"' for k, v in setup.items() if v is not None)
        xml = f"<pageMargins{margins}/>" + (f"<pageSetup{attrs}/>" if attrs else "")
        if self.footer:
            parts = "".join(
                f"&{at}{text}" for at, text in zip("LCR", self.footer, strict=True) if text
            )
            xml += f"<headerFooter><oddFooter>{_attr(parts)}</oddFooter></headerFooter>"
        return xml


def footer_text(text: str) -> str:
    """``text`` as a literal in a header or footer: & starts a code there, && is one &."""
    return text.replace("&", "&&")


def _attr(value) -> str:
    return html.escape(str(value), quote=True)


def _width(value: float) -> str:
    return f"{int(value)}" if float(value).is_integer() else f"{value}"


class Sheet:
    """One worksheet, written in order: rows of Python values (append), long tables of
    columns (add_table), blank rows (skip)."""

    def __init__(self, styles: StyleSheet, title: str) -> None:
        if not 0 < len(title) <= 31 or _BAD_TITLE.search(title) or title.startswith("'"):
            raise ValueError(f"not a sheet name Excel accepts: {title!r}")
        self.title = title
        self.widths: list[float] = []  # of columns A, B, ... in characters
        self.freeze: str | None = None  # the top left cell that scrolls: "A2" keeps row 1
        self.autofilter: str | None = None  # "A1:Q46"
        self.print_rows: tuple[int, int] | None = None  # rows repeated on every printed page
        self.print_area: str | None = None  # "A1:O46": only these cells print
        self.page: Page | None = None
        self.page_breaks: list[int] = []  # a printed page ends after each of these rows
        self._styles = styles
        self._parts: list = []  # row XML, or (columns, part, first row, ids, heights)
        self._cells = 0  # in long tables
        self.rows = 0  # written so far

    def append(
        self, values: Sequence, styles: Sequence[Style | None] | Style | None = None, height=None
    ) -> int:
        """A row of values (str, int, float, date, datetime; None: empty), each with its
        style (one for all, or one each); returns its row number."""
        if styles is None or isinstance(styles, Style):
            styles = [styles] * len(values)
        self.rows += 1
        self._parts.append(row_xml(self.rows, values, styles, self._styles, height))
        return self.rows

    def skip(self, rows: int = 1) -> None:
        self.rows += rows

    def add_table(self, columns: Sequence[Column], part: range | None = None, heights=None):
        """Rows ``part`` (all by default) of ``columns``, one sheet row each; ``heights`` per
        row of the columns, in points (0: the default)."""
        part = range(len(columns[0].values)) if part is None else part
        if self.rows + len(part) > EXCEL_ROWS:
            raise ValueError(f"{self.rows + len(part):,} rows do not fit one sheet")
        ids = [style_ids(c, self._styles) for c in columns]
        self._parts.append((columns, part, self.rows + 1, ids, heights))
        self.rows += len(part)
        self._cells += len(part) * len(columns)

    @property
    def large(self) -> bool:
        """Whether its XML may pass 2 GiB: Zip64 then (Excel warns about it on small files)."""
        return self._cells * CELL_BYTES > ZIP64_LIMIT

    def _view(self) -> str:
        if not self.freeze:
            return '<sheetView workbookViewId="0"><selection activeCell="A1" sqref="A1"/>'
        letters, row = _CELL.fullmatch(self.freeze).groups()
        col = sum((ord(c) - 64) * 26**k for k, c in enumerate(reversed(letters)))
        x, y = col - 1, int(row) - 1
        pane = {(False, True): "bottomLeft", (True, False): "topRight"}.get((x > 0, y > 0))
        pane = pane or "bottomRight"
        splits = (f' xSplit="{x}"' if x else "") + (f' ySplit="{y}"' if y else "")
        return (
            f'<sheetView workbookViewId="0"><pane{splits} topLeftCell="{self.freeze}"'
            f' activePane="{pane}" state="frozen"/>'
            f'<selection pane="{pane}" activeCell="A1" sqref="A1"/>'
        )

    def _head(self) -> str:
        fit = self.page and self.page.fit_width is not None
        cols = "".join(
            f'<col min="{j}" max="{j}" width="{_width(w)}" customWidth="1"/>'
            for j, w in enumerate(self.widths, 1)
        )
        return (
            f'{_HEAD}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
            + ('<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' if fit else "")
            + f"<sheetViews>{self._view()}</sheetView></sheetViews>"
            + '<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>'
            + (f"<cols>{cols}</cols>" if cols else "")
            + "<sheetData>"
        )

    def _tail(self) -> str:
        tail = "</sheetData>"
        if self.autofilter:
            tail += f'<autoFilter ref="{self.autofilter}"/>'
        tail += (self.page or Page()).xml()
        if self.page_breaks:
            n = len(self.page_breaks)
            brks = "".join(f'<brk id="{r}" max="16383" man="1"/>' for r in self.page_breaks)
            tail += f'<rowBreaks count="{n}" manualBreakCount="{n}">{brks}</rowBreaks>'
        return tail + "</worksheet>"

    def chunks(self) -> Iterator:
        """The sheet's XML, in pieces (bytes, or arrays of UTF-8 bytes)."""
        yield self._head().encode()
        for part in self._parts:
            if isinstance(part, str):
                yield part.encode()
            else:
                yield from ahead(row_runs(*part))
        yield self._tail().encode()

    def names(self, index: int) -> str:
        """Its definedName elements: the filter range, the cells printed, the rows printed
        on every page."""
        quoted = "'" + self.title.replace("'", "''") + "'"
        names = ""
        if self.autofilter:
            ref = _CELL.sub(r"$\1$\2", self.autofilter)
            names += f'<definedName name="_xlnm._FilterDatabase" localSheetId="{index}" hidden="1">'
            names += f"{_attr(quoted)}!{ref}</definedName>"
        if self.print_area:
            ref = _CELL.sub(r"$\1$\2", self.print_area)
            names += f'<definedName name="_xlnm.Print_Area" localSheetId="{index}">'
            names += f"{_attr(quoted)}!{ref}</definedName>"
        if self.print_rows:
            a, b = self.print_rows
            names += f'<definedName name="_xlnm.Print_Titles" localSheetId="{index}">'
            names += f"{_attr(quoted)}!${a}:${b}</definedName>"
        return names


class Book:
    """A workbook: add sheets, then save it once."""

    def __init__(self, creator: str = "") -> None:
        self.creator = creator
        self.styles = StyleSheet()
        self.sheets: list[Sheet] = []

    def add_sheet(self, title: str) -> Sheet:
        if title.casefold() in {s.title.casefold() for s in self.sheets}:
            raise ValueError(f"two sheets named {title!r}")
        self.sheets.append(Sheet(self.styles, title))
        return self.sheets[-1]

    def _package(self) -> dict[str, str]:
        """Every part but the sheets and the styles."""
        n = len(self.sheets)
        over = [("/xl/workbook.xml", "officedocument.spreadsheetml.sheet.main+xml")]
        over += [(f"/xl/worksheets/sheet{i}.xml", "officedocument.spreadsheetml.worksheet+xml")
                 for i in range(1, n + 1)]  # fmt: skip
        over += [("/xl/styles.xml", "officedocument.spreadsheetml.styles+xml"),
                 ("/docProps/core.xml", "package.core-properties+xml"),
                 ("/docProps/app.xml", "officedocument.extended-properties+xml")]  # fmt: skip
        types = "".join(f'<Override PartName="{p}" ContentType="{_TYPE}{t}"/>' for p, t in over)
        rel = f'<Relationships xmlns="{_PKG}/relationships">'
        sheets = "".join(
            f'<sheet name="{_attr(s.title)}" sheetId="{i}" r:id="rId{i}"/>'
            for i, s in enumerate(self.sheets, 1)
        )
        names = "".join(s.names(i) for i, s in enumerate(self.sheets))
        book_rels = "".join(
            f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, n + 1)
        )
        book_rels += f'<Relationship Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
        return {
            "[Content_Types].xml": f'<Types xmlns="{_PKG}/content-types">'
            f'<Default Extension="rels" ContentType="{_TYPE}package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f"{types}</Types>",
            "_rels/.rels": f'{rel}<Relationship Id="rId1" Type="{_REL}/officeDocument"'
            ' Target="xl/workbook.xml"/><Relationship Id="rId2"'
            f' Type="{_PKG}/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
            f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/>'
            "</Relationships>",
            "docProps/app.xml": '<Properties xmlns="http://schemas.openxmlformats.org/'
            f'officeDocument/2006/extended-properties"><Application>{_attr(_APPLICATION)}'
            f"{_attr(self.creator)}</Application></Properties>",
            "docProps/core.xml": f'<cp:coreProperties xmlns:cp="{_PKG}/metadata/core-properties"'
            ' xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"<dc:creator>{_attr(self.creator)}</dc:creator></cp:coreProperties>",
            "xl/workbook.xml": f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews>'
            f'<workbookView activeTab="0"/></bookViews><sheets>{sheets}</sheets>'
            + (f"<definedNames>{names}</definedNames>" if names else "")
            + "</workbook>",
            "xl/_rels/workbook.xml.rels": f"{rel}{book_rels}</Relationships>",
        }

    def save(self, path: Path) -> None:
        """Write the workbook to ``path`` (deflated fast: level 1 is most of the saving)."""
        if not self.sheets:
            raise ValueError("a workbook needs a sheet")
        with open(path, "wb") as file:
            z = ZipWriter(file, level=1)
            for name, xml in self._package().items():
                z.write(name, [(_HEAD + xml).encode()])
            for i, sheet in enumerate(self.sheets, 1):
                z.write(f"xl/worksheets/sheet{i}.xml", sheet.chunks(), large=sheet.large)
            z.write("xl/styles.xml", [self.styles.xml()])
            z.close()
