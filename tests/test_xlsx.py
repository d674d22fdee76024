"""batch.xlsx, the sheet engine: what it writes is read back as meant by openpyxl and
python-calamine, every style feature and sheet setting, on small sheets; every part is
well-formed XML."""

from __future__ import annotations

import datetime as dt
import xml.dom.minidom
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from batch import xlsx
from batch.xlsx import Column, Style

STYLES = {
    "plain": Style(),
    "bold 14": Style(bold=True, size=14, font="Arial"),
    "red on pink": Style(colour="9C0006", fill="FFC7CE"),
    "boxed": Style(borders=("left", "right", "top", "bottom")),
    "underlined": Style(borders=("bottom",)),
    "money": Style(number_format="#,##0"),
    "date": Style(number_format="yyyy/mm/dd"),
    "datetime": Style(number_format='yyyy"年"m"月"d"日" hh:mm'),
    "wrapped": Style(vertical="top", wrap=True, indent=2),
    "left": Style(horizontal="left", vertical="center"),
    "guarded": Style(quote_prefix=True),
}
VALUES = {
    "plain": "a & b < c > d\r\nline two",  # CR survives: written as a character reference
    "bold 14": "見出し 제목",
    "red on pink": "Error",
    "boxed": 42,
    "underlined": None,  # an empty cell keeps its style
    "money": 1234567.0,
    "date": dt.date(2026, 11, 26),
    "datetime": dt.datetime(2026, 11, 26, 13, 45),
    "wrapped": "long " * 20,
    "left": -3.25,
    "guarded": "x",
}


def _read(path):
    return openpyxl.load_workbook(path)


def _colour(c) -> str | None:
    return c.rgb[-6:] if c is not None and c.type == "rgb" else None


def _well_formed(path) -> None:
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
        for name in z.namelist():
            xml.dom.minidom.parseString(z.read(name))


@pytest.fixture
def styled(tmp_path):
    book = xlsx.Book(creator="test")
    sheet = book.add_sheet("Styles 'n' 様式")
    sheet.widths = [12, 30.5, 8]
    sheet.freeze = "B3"
    sheet.autofilter = "A1:C12"
    sheet.print_rows = (1, 2)
    sheet.page = xlsx.Page(landscape=True, paper=9, fit_width=2, fit_height=0)
    sheet.append(["style", "value", "risky"], Style(bold=True), height=30)
    sheet.skip()
    for name, style in STYLES.items():
        sheet.append([name, VALUES[name], "=1+1"], [None, style, style])
    other = book.add_sheet("Plain")
    other.append(["only"])
    path = tmp_path / "styles.xlsx"
    book.save(path)
    return path


def test_every_style_reads_back_as_written(styled):
    _well_formed(styled)
    ws = _read(styled).worksheets[0]
    rows = {r[0].value: r for r in ws.iter_rows(min_row=3)}
    assert list(rows) == list(STYLES)
    for name, style in STYLES.items():
        cell = rows[name][1]
        expected = VALUES[name]
        if isinstance(expected, dt.date) and not isinstance(expected, dt.datetime):
            expected = dt.datetime.combine(expected, dt.time())
        assert cell.value == expected, name
        assert cell.font.name == style.font and cell.font.sz == style.size, name
        assert bool(cell.font.b) == style.bold, name
        assert _colour(cell.font.color) == style.colour, name
        assert (_colour(cell.fill.fgColor) if cell.fill.fill_type else None) == style.fill, name
        sides = tuple(
            s for s in ("left", "right", "top", "bottom") if getattr(cell.border, s).style
        )
        assert sides == style.borders and all(
            getattr(cell.border, s).style == "thin" for s in sides
        ), name
        assert cell.number_format == style.number_format, name
        a = cell.alignment
        assert (a.horizontal, a.vertical, bool(a.wrap_text), a.indent) == (
            style.horizontal, style.vertical, style.wrap, style.indent
        ), name  # fmt: skip
        assert bool(cell.quotePrefix) == style.quote_prefix, name
        risky = rows[name][2]
        assert risky.value == "=1+1" and risky.data_type == "s" and risky.quotePrefix, name


def test_sheet_settings_read_back(styled):
    wb = _read(styled)
    assert wb.sheetnames == ["Styles 'n' 様式", "Plain"]
    ws = wb.worksheets[0]
    assert [ws.column_dimensions[c].width for c in "ABC"] == [12, 30.5, 8]
    assert ws.row_dimensions[1].height == 30 and ws.row_dimensions[3].height is None
    assert ws.freeze_panes == "B3"
    assert ws.auto_filter.ref == "A1:C12"
    assert ws.print_title_rows == "$1:$2"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (2, 0)
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert [c.value for c in ws[1]] == ["style", "value", "risky"]
    assert all(v is None for v in next(ws.iter_rows(min_row=2, max_row=2, values_only=True)))
    plain = wb["Plain"]
    assert plain.freeze_panes is None and plain.auto_filter.ref is None
    assert plain["A1"].value == "only"


def test_print_setup_reads_back(tmp_path):
    """Margins, the footer's three parts (codes kept, a literal & doubled), the print area
    beside the rows repeated on every page; a sheet without a page prints as Excel's
    default."""
    book = xlsx.Book()
    sheet = book.add_sheet("Orders & more")
    sheet.print_area = "A1:C40"
    sheet.print_rows = (1, 1)
    footer = ("&A", xlsx.footer_text("run 42 & <today>"), "&P / &N")
    sheet.page = xlsx.Page(True, 9, 1, 0, margins=xlsx.NARROW_MARGINS, footer=footer)
    for i in range(40):
        sheet.append([i, "x", "y", "not printed"])
    book.add_sheet("Plain").append(["only"])
    path = tmp_path / "print.xlsx"
    book.save(path)
    _well_formed(path)
    wb = _read(path)
    ws = wb.worksheets[0]
    assert ws.print_area == "'Orders & more'!$A$1:$C$40"
    assert ws.print_title_rows == "$1:$1"
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    m = ws.page_margins
    assert (m.left, m.right, m.top, m.bottom, m.header, m.footer) == xlsx.NARROW_MARGINS
    f = ws.oddFooter
    assert (f.left.text, f.center.text, f.right.text) == ("&A", "run 42 && <today>", "&P / &N")
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert xml.index("<pageMargins") < xml.index("<pageSetup") < xml.index("<headerFooter")
    plain = wb["Plain"]
    assert not plain.print_area and not plain.oddFooter.center.text
    assert plain.page_margins.left == xlsx.EXCEL_MARGINS[0]


def test_calamine_reads_the_same_values(styled):
    ws = _read(styled).worksheets[0]
    cal = CalamineWorkbook.from_path(str(styled)).get_sheet_by_index(0).to_python()
    for got, want in zip(cal, ws.iter_rows(values_only=True), strict=True):
        got = [None if v == "" else v for v in got]
        want = [
            v.date() if isinstance(v, dt.datetime) and v.time() == dt.time() else v for v in want
        ]
        assert got == want


def test_a_long_table_picks_styles_per_row_and_guards_risky_text(tmp_path):
    n = 2_500
    names = pd.Series([f"name {i}" if i % 7 else f"=cmd {i}" for i in range(n)])
    names[3] = None
    amounts = pd.Series(np.arange(n) * 1.5)
    amounts[5] = float("nan")
    days = pd.Series(pd.date_range("1900-02-27", periods=n, freq="D"))
    looks = [Style(), Style(fill="FFC7CE"), Style(fill="DDEBF7")]
    pick = np.arange(n) % 3
    book = xlsx.Book()
    sheet = book.add_sheet("Long")
    sheet.append(["name", "amount", "day", "n"], Style(bold=True))
    heights = np.where(np.arange(n) % 10 == 0, 34.0, 0)
    sheet.add_table(
        [
            Column(xlsx.texts(names), "text", looks, pick),
            Column(xlsx.numbers(amounts, float), "amount", [Style(number_format="#,##0")]),
            Column(xlsx.dates(days), "date", [Style(number_format="yyyy-mm-dd")]),
            Column(list(range(n)), "int"),
        ],
        range(1, n),  # the first row left out
        heights,
    )
    path = tmp_path / "long.xlsx"
    book.save(path)
    _well_formed(path)
    ws = _read(path)["Long"]
    assert ws.max_row == n
    for r, row in enumerate(ws.iter_rows(min_row=2), start=1):
        name, amount, day, i = row
        assert i.value == r
        assert name.value == (None if r == 3 else names[r])
        if name.value is not None:
            fill = _colour(name.fill.fgColor) if name.fill.fill_type else None
            assert fill == looks[pick[r]].fill
            assert bool(name.quotePrefix) == name.value.startswith("=")
        assert amount.value == (None if r == 5 else pytest.approx(r * 1.5))
        if r != 5:
            assert amount.number_format == "#,##0"
        assert day.value == days[r].to_pydatetime() and day.number_format == "yyyy-mm-dd"
        assert ws.row_dimensions[r + 1].height == (34.0 if r % 10 == 0 else None)


def test_what_excel_refuses_is_refused(tmp_path):
    book = xlsx.Book()
    for bad in ("", "x" * 32, "a/b", "a[1]", "'quoted"):
        with pytest.raises(ValueError):
            book.add_sheet(bad)
    book.add_sheet("Sheet")
    with pytest.raises(ValueError):
        book.add_sheet("sheet")  # names differ in case only
    with pytest.raises(ValueError):
        xlsx.Book().save(tmp_path / "none.xlsx")
    sheet = book.add_sheet("Full")
    sheet.skip(xlsx.EXCEL_ROWS - 1)
    with pytest.raises(ValueError):
        sheet.add_table([Column(["a", "b"])])


def test_text_is_cleaned_and_never_a_formula(tmp_path):
    book = xlsx.Book()
    sheet = book.add_sheet("T")
    sheet.append(["bell\x07 and \ufffe", "x" * 40_000, "@SUM(1)", "\ttab", True])
    sheet.add_table([Column(xlsx.texts(pd.Series(["-1", "+81", "ok\x0b"])))])
    path = tmp_path / "t.xlsx"
    book.save(path)
    ws = _read(path)["T"]
    a, b, c, d, e = ws[1]
    assert a.value == "bell and " and len(b.value) == xlsx.MAX_CHARS
    assert all(x.data_type == "s" and x.quotePrefix for x in (c, d))
    assert e.value is True
    assert [r[0].value for r in ws.iter_rows(min_row=2)] == ["-1", "+81", "ok"]
    assert [r[0].quotePrefix for r in ws.iter_rows(min_row=2)] == [True, True, False]


def test_a_page_ends_before_a_block_that_would_cross_it():
    page = xlsx.Page(landscape=True, paper=9, fit_width=1, fit_height=0,
                     margins=xlsx.NARROW_MARGINS)  # fmt: skip
    widths = [20, 20, 20]  # narrower than the page: printed at 100%
    # A4 landscape inside narrow margins holds 487 points: 32 one-line rows of 15 points.
    # Four blocks of 10 rows: three fit a page, the fourth starts the next page.
    assert xlsx.page_breaks([0] * 40, [1, 11, 21, 31], page, widths) == [30]
    # a block of tall rows that would cross the foot of the first page moves to the next
    heights = [0] * 10 + [60] * 8
    assert xlsx.page_breaks(heights, [1, 11], page, widths) == [10]
    # what fits is not broken, and a block taller than a page starts a page of its own
    assert xlsx.page_breaks([0] * 12, [1, 7], page, widths) == []
    assert xlsx.page_breaks([0] * 5 + [300] * 3, [1, 6], page, widths) == [5]
    # wider columns scale the page down: more rows fit it
    assert xlsx.page_breaks([0] * 40, [1, 21], page, [100] * 3) == []
    assert xlsx.page_breaks([0] * 40, [1, 21], page, widths) == [20]
