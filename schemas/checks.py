"""What the schemas share: patterns (used with ``str.fullmatch``, so anchored at both ends)
and the row checks of every table."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from batch import normalize

DIGITS = r"\d+"
# 2026/11/24, 2026-11-24 10:12:33, 20261124, 2026年11月24日, or an Excel serial day number.
DATE = (
    r"\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?)?"
    r"|\d{8}|\d{5}(?:\.\d+)?"
)
MONEY = r"[¥￥]?-?[\d,]+(?:\.\d+)?円?"


def blank_or(pattern: str) -> str:
    return rf"(?:{pattern})?"


def real_date(s: pd.Series) -> pd.Series:
    """False where a date-shaped text names no real day or time (2026/02/30, 25:61): the
    shape alone lets those through, and reading them gives no date at all.

    Blanks and texts that are not date-shaped pass: the shape check reports the latter.
    The date is read as the tool reads it everywhere (batch.normalize.dates)."""
    shaped = s.str.fullmatch(DATE).to_numpy(dtype=bool)
    ok = pd.Series(True, index=s.index)
    if shaped.any():
        ok[shaped] = normalize.dates(s[shaped]).notna().to_numpy()
    return ok


# A check's ``error`` is the catalogue key of its text (batch/locale/<lang>/rows.toml): the
# reader words it in every language (batch/inputs.py).


class Row(pa.DataFrameModel):
    """What every input row is checked for, whatever its table."""

    extra_cells: Series[bool]

    @pa.check("extra_cells", name="row_width", error="row.check.row_width")
    def _width(cls, s):
        return ~s

    class Config:
        strict = False
