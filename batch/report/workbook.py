"""The report's workbooks: exceptions.xlsx of a run, plan.xlsx of a plan (CONTRACT.md
"exceptions.xlsx"; docs/WORKBOOK.md), labelled from batch.i18n in the run's language.

Rules the whole file follows (batch.xlsx keeps them): text is always stored as text, never
a formula, and risky text gets Excel's quote prefix; order, cart and tracking numbers are
text, dates are Excel dates, amounts are numbers; a table longer than one sheet continues
on "Name (2)", and the Summary says so.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from batch import i18n, xlsx
from batch.report.sheets import add_table, footer, layout, split_notes
from batch.report.summary import write_summary
from batch.report.tables import (
    exceptions_table,
    orders_table,
    plan_tables,
    unshipped_table,
    uploaded_table,
)

CREATOR = "qoo10-dispatch"


def write(path: Path, result, *, row_limit: int = xlsx.EXCEL_ROWS - 1) -> None:
    """Write the workbook of ``result`` (a pipeline.RunResult) to ``path``.

    ``row_limit``: data rows per sheet; tests lower it to check the split.
    """
    lang = i18n.language(result.language)
    today = dt.date.fromisoformat(result.summary["today"])
    tables = [
        orders_table(result, lang),
        exceptions_table(result.exceptions, lang),
        uploaded_table(result.uploaded),
        unshipped_table(
            result.unshipped, result.exceptions, today, lang, result.show_personal_data
        ),
    ]
    laid_out = layout(tables, lang, row_limit)
    book = xlsx.Book(creator=CREATOR)
    foot = footer(result.run_id, today, lang)
    write_summary(book, result, lang, split_notes(laid_out, lang), foot)
    for table, titles, parts in laid_out:
        add_table(book, table, titles, parts, lang, foot)
    book.save(path)


def write_plan(path: Path, result) -> None:
    """plan.xlsx of ``result`` (a plan.PlanResult), in the export's screen language."""
    lang = i18n.language(result.language)
    book = xlsx.Book(creator=CREATOR)
    foot = footer(result.run_id, dt.date.fromisoformat(result.summary["today"]), lang)
    for table, titles, parts in layout(plan_tables(result), lang, xlsx.EXCEL_ROWS - 1):
        add_table(book, table, titles, parts, lang, foot)
    book.save(path)
