"""What the schemas share: patterns (used with ``str.fullmatch``, so anchored at both ends)
and the row checks of every table."""

from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

DIGITS = r"\d+"
# 2026/11/24, 2026-11-24 10:12:33, 20261124, 2026年11月24日, or an Excel serial day number.
DATE = (
    r"\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?)?"
    r"|\d{8}|\d{5}(?:\.\d+)?"
)
MONEY = r"[¥￥]?-?[\d,]+(?:\.\d+)?円?"


def blank_or(pattern: str) -> str:
    return rf"(?:{pattern})?"


class Row(pa.DataFrameModel):
    """What every input row is checked for, whatever its table."""

    extra_cells: Series[bool]

    @pa.check("extra_cells", name="row_width", error="the row has more cells than the header")
    def _width(cls, s):
        return ~s

    class Config:
        strict = False
