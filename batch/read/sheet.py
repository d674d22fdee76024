"""What reading a file gives: the Sheet as read and the Table resolved against a profile.

Also the few words every reader says to the seller, so each message reads the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from batch.errors import Phrase
from batch.formats import Profile

SAVE_AS_HINT = Phrase("error.hint.save_as")
EXPORT_AGAIN = Phrase("error.hint.export_again")


@dataclass
class Sheet:
    """One input file as read: header, data cells (text) and how it was written."""

    path: Path
    header: list[str]
    cells: pd.DataFrame  # positional columns 0..n-1, all text, "" for blank
    rows: np.ndarray  # row number of each data row as the seller sees it (Excel / line)
    file_type: str = "csv"  # "csv" or "xlsx"
    encoding: str = ""
    bom: bool = False
    newline: str = "\r\n"
    delimiter: str = ","
    quote_all: bool = False
    header_line: str = ""  # the header record exactly as in the file (CSV)
    header_row: int = 1  # 0: the file has no header row, its columns were read by position
    sheet_name: str = ""
    extra_cells: np.ndarray | None = None  # True where a row has cells beyond the header

    @property
    def by_position(self) -> bool:
        return self.header_row == 0


@dataclass
class Table:
    """A sheet resolved against a profile: canonical columns of text, plus provenance."""

    sheet: Sheet
    profile: Profile
    frame: pd.DataFrame  # canonical columns + source_file, source_row
    positions: dict[str, int]  # canonical column -> position in sheet.header

    @property
    def rows(self) -> int:
        return len(self.frame)


def column_name(col: int) -> str:
    """1 -> A, 28 -> AB, 16384 -> XFD."""
    name = ""
    while col > 0:
        col, rest = divmod(col - 1, 26)
        name = chr(65 + rest) + name
    return name
