"""The canonical dispatch table: one row per parcel line of a courier's sheet."""

from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

from schemas.checks import Row
from schemas.columns import DISPATCH

COLUMNS = DISPATCH


class Dispatch(Row):
    """Checked after normalisation. Check digits and carriers are rules, not schema."""

    tracking_no: Series[str]
    # No check on ship_date: a row with a number but no readable date is shipped all the same;
    # the rules hold its order (SHIP_DATE_INVALID) rather than leave it unshipped.
    ship_date: Series[str]

    @pa.check("tracking_no", name="tracking_issued", error="row.check.tracking_issued")
    def _issued(cls, s):
        return s.ne("")

    @pa.check(
        "tracking_no",
        name="not_placeholder",
        error="row.check.not_placeholder",
    )
    def _placeholder(cls, s):
        return ~s.str.startswith("UMN")
