"""QSM bulk-dispatch upload: the seller's own export, round-tripped.

Same header row (verbatim), column order, encoding, BOM, delimiter and line endings as
the file the seller downloaded; only the rows to dispatch, with 送り状番号, 配送会社 and
発送日 filled. QSM takes at most 500 rows a file, so the rows are split.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from batch.readers import Sheet

MAX_ROWS = 500
# Encodings QSM itself uses per screen language, for orders that came as .xlsx.
SCREEN_ENCODING = {"ja": "cp932", "ko": "utf-8-sig"}


def encode(text: str, sheet: Sheet, language: str) -> bytes:
    """Bytes in the export's own encoding (CSV), or the screen's (xlsx)."""
    encoding = sheet.encoding or SCREEN_ENCODING.get(language, "utf-8-sig")
    if encoding == "utf-16":
        return text.encode("utf-16")  # writes the BOM Excel's Unicode text has
    try:
        return text.encode(encoding)
    except UnicodeEncodeError:
        # A value outside CP932 (possible only when the export was .xlsx): UTF-8 keeps it.
        return text.encode("utf-8-sig")


def header_text(sheet: Sheet) -> str:
    if sheet.header_line:
        return sheet.header_line
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(sheet.header)
    return buf.getvalue()


def render(sheet: Sheet, cells: pd.DataFrame) -> str:
    """Header + rows as CSV text in the export's dialect."""
    newline = sheet.newline if sheet.file_type == "csv" else "\r\n"
    body = cells.to_csv(
        header=False,
        index=False,
        sep=sheet.delimiter,
        lineterminator=newline,
        quoting=csv.QUOTE_ALL if sheet.quote_all else csv.QUOTE_MINIMAL,
    )
    return header_text(sheet) + newline + body


def fill(sheet: Sheet, positions: dict[str, int], rows: pd.DataFrame) -> pd.DataFrame:
    """The export's cells of ``rows`` (indexed like sheet.cells) with the dispatch filled in."""
    cells = sheet.cells.loc[rows.index].copy()
    for canon in ("tracking_no", "carrier", "ship_date"):
        if canon in positions:
            cells[positions[canon]] = rows[canon].to_numpy()
    return cells


def write(
    sheet: Sheet,
    positions: dict[str, int],
    rows: pd.DataFrame,
    out_dir: Path,
    language: str,
    prefix: str = "qsm-upload",
    max_rows: int = MAX_ROWS,
) -> list[tuple[Path, pd.Index]]:
    """Write ``rows`` (columns tracking_no, carrier, ship_date; index = sheet row labels).

    Returns each file written with the row labels it holds.
    """
    cells = fill(sheet, positions, rows)
    written = []
    for n, start in enumerate(range(0, len(cells), max_rows), start=1):
        part = cells.iloc[start : start + max_rows]
        path = out_dir / f"{prefix}-{n:03d}.csv"
        data = encode(render(sheet, part), sheet, language)
        path.write_bytes(data)
        written.append((path, part.index))
    return written
