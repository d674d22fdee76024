"""exceptions.xlsx: what was uploaded, what was held and why (first version)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell


def _text_cell(ws, value):
    cell = WriteOnlyCell(ws, value=None if value is None else str(value))
    if value is not None:
        cell.data_type = "s"  # never a formula, whatever the input says
    return cell


def _sheet(book: Workbook, title: str, frame: pd.DataFrame) -> None:
    ws = book.create_sheet(title)
    ws.freeze_panes = "A2"
    ws.append([_text_cell(ws, c) for c in frame.columns])
    for rec in frame.itertuples(index=False):
        ws.append([_text_cell(ws, None if pd.isna(v) else v) for v in rec])


def write(path: Path, result) -> None:
    book = Workbook(write_only=True)
    summary = result.summary
    rows = [("run_id", summary["run_id"]), ("today", summary["today"])]
    rows += [(f"orders.{k}", v) for k, v in summary["orders"].items()]
    rows += [(f"dispatch.{k}", v) for k, v in summary["dispatch"].items()]
    rows += [(f"exceptions.{k}", v) for k, v in summary["exceptions"].items()]
    _sheet(book, "Summary", pd.DataFrame(rows, columns=["item", "value"]))
    _sheet(book, "Exceptions", result.exceptions)
    _sheet(book, "Uploaded", result.uploaded)
    _sheet(book, "Unshipped", result.unshipped)
    book.save(path)
