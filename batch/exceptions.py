"""Exception codes, their severities, and the one table every stage reports into."""

from __future__ import annotations

import pandas as pd

# Severities and codes come from the one table of codes.
from batch.codes import ERROR, INFO, NAMES, SEVERITY_RANK, TABLE, WARNING  # noqa: E402, F401
from batch.row_messages import COLUMNS as MESSAGE_COLUMNS
from batch.row_messages import REASON_KEY

SEVERITY = {c.name: c.severity for c in TABLE}
CODES = NAMES

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
    # The message's catalogue key and its text in each language but English (``message``).
    *(c for c in MESSAGE_COLUMNS if c != "message"),
)
# The contract's exceptions.jsonl fields, in order.
JSONL_FIELDS = (
    "code", "severity", "order_no", "cart_no", "tracking_no", "carrier", "source_file",
    "source_row", "message", REASON_KEY,
)  # fmt: skip


def make(code: str, rows: pd.DataFrame, message, **columns) -> pd.DataFrame:
    """Exception rows for code ``code``, one per row of ``rows``.

    ``message``: the message's columns (batch/row_messages.py ``say``), or a frame holding
    them (one row per row of ``rows``). Columns of ``rows`` named like exception columns are
    taken as they are; keyword arguments (a Series aligned with ``rows`` or a scalar)
    override them.
    """
    data = {}
    for col in COLUMNS:
        value = columns[col] if col in columns else rows[col] if col in rows.columns else None
        if isinstance(value, pd.Series):
            value = value.to_numpy()
        data[col] = value
    if isinstance(message, pd.DataFrame):
        message = {c: message[c] for c in MESSAGE_COLUMNS}
    elif not isinstance(message, dict):  # a programming error: it would have no key
        raise TypeError(f"a {code} message is said with row_messages.say, not given as text")
    data.update(code=code, severity=SEVERITY[code])
    data.update({c: _values(v) for c, v in message.items()})
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
