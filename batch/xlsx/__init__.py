"""A fast .xlsx writer for tables of up to a million rows: a small, fixed part of
SpreadsheetML (ECMA-376), written directly.

What it writes: sheets of inline-string, number and date cells; cell styles (font, size,
bold, colour, solid fill, thin borders, number format, alignment, wrap, indent, quote
prefix); column widths, row heights, frozen panes, autofilter, rows printed on every page,
the print area and page setup (orientation, paper, fit to pages, margins, footer). Text is
always stored as text, never a formula. Nothing here knows what the tables mean.

Long tables stay in Arrow and numpy arrays (values.texts, numbers, dates): the XML of
CHUNK rows at a time is one Arrow concatenation of columns built with vectorised string
kernels, deflated in the main thread (ISA-L's deflate, `archive`) while a worker builds the
next run (openpyxl spends 50-100 µs a cell).

    book = Book(creator="me")
    sheet = book.add_sheet("Orders")
    sheet.widths = [12, 30]
    sheet.append(["Order", "Amount"], Style(bold=True))
    sheet.add_table([Column(texts(orders), "text"), Column(numbers(amounts, float), "amount",
                     [Style(number_format="#,##0")])])
    book.save(path)
"""

from batch.xlsx.book import EXCEL_MARGINS, NARROW_MARGINS, Book, Page, Sheet, footer_text
from batch.xlsx.layout import (
    EXCEL_ROWS,
    LINE_HEIGHT,
    WIDTH_CAP,
    column_width,
    display_width,
    page_breaks,
    row_heights,
    split_rows,
    value_width,
)
from batch.xlsx.rows import Column, column_letter
from batch.xlsx.styles import Style
from batch.xlsx.values import MAX_CHARS, dates, numbers, texts

__all__ = [
    "EXCEL_MARGINS",
    "EXCEL_ROWS",
    "LINE_HEIGHT",
    "MAX_CHARS",
    "NARROW_MARGINS",
    "WIDTH_CAP",
    "Book",
    "Column",
    "Page",
    "Sheet",
    "Style",
    "column_letter",
    "column_width",
    "dates",
    "display_width",
    "footer_text",
    "numbers",
    "page_breaks",
    "row_heights",
    "split_rows",
    "texts",
    "value_width",
]
