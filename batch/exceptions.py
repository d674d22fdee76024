"""Exception codes, their severities, and the one table every stage reports into."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

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


# --- exceptions.jsonl ---------------------------------------------------------------------
# json.dumps per row was ~2 µs a field (0.2 s of CPU at 100k lines, seconds at 1M): each
# field is rendered a column at a time instead, by Arrow where the values are all text or all
# whole numbers, by json.dumps for the few cells that need escaping or are anything else.
_QUOTE, _BACKSLASH = ord('"'), ord("\\")  # with the controls, what json.dumps escapes
_TEXT = pa.large_string()


def _text(s: str) -> pa.Scalar:
    return pa.scalar(s, _TEXT)


def _jsonable(value):
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def _json_values(values: np.ndarray) -> pa.Array:
    """``json.dumps(value, ensure_ascii=False)`` of each of ``values`` (objects), None and
    NaN as null."""
    try:
        arr = pa.array(values, from_pandas=True)
    except (pa.ArrowException, TypeError, ValueError, OverflowError):
        arr = None
    if arr is not None and pa.types.is_integer(arr.type):
        return arr.cast(_TEXT).fill_null(_text("null"))
    if arr is None or not (pa.types.is_string(arr.type) or pa.types.is_null(arr.type)):
        return pa.array([json.dumps(_jsonable(v), ensure_ascii=False) for v in values], _TEXT)
    arr = arr.cast(_TEXT)
    quoted = pc.binary_join_element_wise(_text('"'), arr, _text('"'), _text(""))
    _, offsets, data = arr.buffers()
    if data is not None:
        at = np.frombuffer(offsets, np.int64)[arr.offset : arr.offset + len(arr) + 1]
        bytes_ = np.frombuffer(data, np.uint8)[at[0] : at[-1]]
        odd = np.flatnonzero((bytes_ < 0x20) | (bytes_ == _QUOTE) | (bytes_ == _BACKSLASH))
        # The values holding an odd byte (rare): the ones whose span each odd byte is in.
        rows = np.unique(np.searchsorted(at - at[0], odd, side="right") - 1)
        if len(rows):
            fixed = [json.dumps(v, ensure_ascii=False) for v in arr.take(rows).to_pylist()]
            mask = np.zeros(len(arr), bool)
            mask[rows] = True
            quoted = pc.replace_with_mask(quoted, mask, pa.array(fixed, _TEXT))
    return quoted.fill_null(_text("null"))


def write_jsonl(path, found: pd.DataFrame) -> None:
    """exceptions.jsonl: a line per row of ``found``, JSONL_FIELDS in order, as
    ``json.dumps(row, ensure_ascii=False)`` writes it."""
    parts: list = []
    for i, field in enumerate(JSONL_FIELDS):
        parts += [_text(("{" if i == 0 else ", ") + json.dumps(field) + ": ")]
        parts += [_json_values(found[field].to_numpy(object))]
    if len(found):
        lines = pc.binary_join_element_wise(*parts, _text("}\n"), _text(""))
        _, offsets, data = lines.buffers()
        end = np.frombuffer(offsets, np.int64)[lines.offset + len(lines)]
        start = np.frombuffer(offsets, np.int64)[lines.offset]
        body = memoryview(data)[start:end]
    else:
        body = b""
    with open(path, "wb") as f:
        f.write(body)
