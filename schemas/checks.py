"""What the schemas share: patterns (used with ``str.fullmatch``, so anchored at both ends)
and the row checks of every table."""

from __future__ import annotations

import weakref

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from batch import normalize, utf8

DIGITS = r"\d+"
# 2026/11/24, 2026-11-24 10:12:33, 20261124, 2026年11月24日, or an Excel serial day number.
DATE = (
    r"\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?)?"
    r"|\d{8}|\d{5}(?:\.\d+)?"
)
MONEY = r"[¥￥]?-?[\d,]+(?:\.\d+)?円?"


def blank_or(pattern: str) -> str:
    return rf"(?:{pattern})?"


# What `read_dates` read, by the id of the Arrow cells it read: an entry leaves with its cells.
_read: dict[int, tuple[weakref.ref, np.ndarray]] = {}


def read_dates(s: pd.Series) -> pd.Series:
    """``normalize.dates(s)``, read once for the same cells.

    pandera hands a column check the very Arrow cells of the frame it validates, so the
    real-date check and the loader, which both need a date column's dates, share one reading
    (~0.4 s a column at 1M lines). Arrow cells never change, so a reading stays theirs."""
    cells = s.array.__arrow_array__() if isinstance(s.dtype, pd.StringDtype) else None
    if cells is not None and id(cells) in _read:
        ref, dates = _read[id(cells)]
        if ref() is cells:
            return pd.Series(dates, index=s.index)
    dates = normalize.dates(s)
    if cells is not None:
        key = id(cells)
        _read[key] = (weakref.ref(cells, lambda _: _read.pop(key, None)), dates.to_numpy())
    return dates


def first_of_each(s: pd.Series) -> pd.Series:
    """``~s.duplicated(keep="first")``. Texts of digits are compared by their number and
    length (``utf8.digit_keys``: ~0.05 s for 1M order numbers against ~0.28 s for
    the texts), the rest as texts among themselves: a text of digits equals no other text."""
    key = utf8.digit_keys(s)
    if key is None:
        return ~s.duplicated(keep="first")
    first = np.zeros(len(key), dtype=bool)
    first[np.unique(key, return_index=True)[1]] = True  # a sort: cheaper than a hash here
    other = key < 0
    if other.any():
        first[other] = ~s[other].duplicated(keep="first").to_numpy()
    return pd.Series(first, index=s.index)


def real_date(s: pd.Series) -> pd.Series:
    """False where a date-shaped text names no real day or time (2026/02/30, 25:61): the
    shape alone lets those through, and reading them gives no date at all.

    Blanks and texts that are not date-shaped pass: the shape check reports the latter.
    The date is read as the tool reads it everywhere (batch.normalize.dates)."""
    ok = np.ones(len(s), dtype=bool)
    # Only the few non-blank cells that give no date are looked at for their shape.
    unread = np.isnat(read_dates(s).to_numpy()) & s.ne("").to_numpy(dtype=bool)
    if unread.any():
        ok[unread] = ~s[unread].str.fullmatch(DATE).to_numpy(dtype=bool)
    return pd.Series(ok, index=s.index)


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
