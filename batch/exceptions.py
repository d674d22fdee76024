"""Exception codes, their severities, and the one table every stage reports into."""

from __future__ import annotations

import pandas as pd

ERROR, WARNING, INFO = "error", "warning", "info"

SEVERITY = {
    "INVALID_ROW": ERROR,
    "TRACKING_INVALID": ERROR,
    "TRACKING_MANGLED": ERROR,
    "UNMATCHED_DISPATCH": ERROR,
    "AMBIGUOUS_MATCH": ERROR,
    "SHIPPED_UNPAID": ERROR,
    "SHIPPED_CANCELLED": ERROR,
    "TRACKING_CONFLICT": ERROR,
    "DUPLICATE_TRACKING": ERROR,
    "CARRIER_UNTRACKABLE": ERROR,
    "CARRIER_UNKNOWN": ERROR,
    "UNKNOWN_STATUS": ERROR,
    "SHIP_DATE_INVALID": ERROR,
    "UPLOAD_NOT_CONFIRMED": WARNING,
    "CARRIER_MISMATCH": WARNING,
    "MULTI_PACKAGE": WARNING,
    "SPLIT_CART": WARNING,
    "PARTIAL_CART": WARNING,
    "FALLBACK_MATCH": WARNING,
    "OVERDUE": INFO,
    "PENALTY_RISK": INFO,
    "NO_SHIP_DATE": INFO,
    "UPLOAD_PENDING": INFO,
    "ALREADY_DISPATCHED": INFO,
}
CODES = tuple(SEVERITY)
SEVERITY_RANK = {ERROR: 0, WARNING: 1, INFO: 2}

# Every exception row has these columns; absent values are None.
COLUMNS = (
    "code",
    "severity",
    "order_no",
    "cart_no",
    "tracking_no",
    "carrier",
    "carrier_expected",
    "recipient",
    "amount",
    "source_file",
    "source_row",
    "message",
    "customer_message",
    "days",
    "deadline",
)
# The contract's exceptions.jsonl fields, in order.
JSONL_FIELDS = (
    "code",
    "severity",
    "order_no",
    "cart_no",
    "tracking_no",
    "carrier",
    "source_file",
    "source_row",
    "message",
)


def make(code: str, rows: pd.DataFrame, message: str | pd.Series, **columns) -> pd.DataFrame:
    """Exception rows for code ``code``, one per row of ``rows``.

    Columns of ``rows`` named like exception columns are taken as they are; keyword
    arguments (a Series aligned with ``rows`` or a scalar) override them.
    """
    data = {}
    for col in COLUMNS:
        value = columns[col] if col in columns else rows[col] if col in rows.columns else None
        if isinstance(value, pd.Series):
            value = value.to_numpy()
        data[col] = value
    data.update(code=code, severity=SEVERITY[code], message=_values(message))
    return pd.DataFrame(data, index=pd.RangeIndex(len(rows)), dtype=object)


def _values(value):
    return value.to_numpy() if isinstance(value, pd.Series) else value


def empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})


def concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty()
    out = pd.concat(frames, ignore_index=True).reindex(columns=list(COLUMNS))
    return out.astype(object).where(out.notna(), None)
