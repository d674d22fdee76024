"""Cell values kept out of Python objects: text as Arrow strings, numbers as floats, dates as
datetime64[us]; and what each cell's XML holds (its text, or its number as Excel writes it).

A million cells as Python objects cost seconds; these stay in Arrow and numpy, converted
with vectorised kernels, and fall back to one value at a time only for what the fast path
cannot hold (values that are not all str, lone surrogates, numbers past 2**53).
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

MAX_CHARS = 32_767  # characters in one cell
# What XML 1.0 cannot hold (control characters, lone surrogates, U+FFFE/F): dropped.
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ILLEGAL_RE2 = r"[\x00-\x08\x0B\x0C\x0E-\x1F\x{FFFE}\x{FFFF}]"  # Arrow text has no surrogates
TEXT = pa.large_string()  # large: a column of long texts may pass 2 GiB
_DAY_US = 86_400_000_000  # microseconds in a day
_EPOCH_DAYS = 25_569  # 1970-01-01 as an Excel serial (day 0 is 1899-12-30)
KINDS = ("text", "int", "amount", "date", "datetime")


def scalar(s: str | None) -> pa.Scalar:
    return pa.scalar(s, TEXT)


def clean_text(value: str) -> str:
    """One text as a cell holds it: what XML cannot hold dropped, cut to Excel's limit."""
    return ILLEGAL.sub("", value)[:MAX_CHARS]


def _texts_python(s: pd.Series) -> list:
    """texts() one cell at a time: for values that are not all str, or lone surrogates."""
    texts = [
        None if missing else str(v)[:MAX_CHARS] or None
        for v, missing in zip(s.tolist(), s.isna().tolist(), strict=True)
    ]
    if ILLEGAL.search("\n".join(t for t in texts if t)):  # rare; one pass finds out
        texts = [ILLEGAL.sub("", t) or None if t else None for t in texts]
    return texts


def texts(s) -> pa.Array:
    """Cell texts: missing and "" → null; illegal characters dropped; cut to Excel's limit.
    ``s``: a Series, a sequence, or Arrow text (taken as it is)."""
    if isinstance(s, pa.Array) and (pa.types.is_string(s.type) or pa.types.is_large_string(s.type)):
        a = s.cast(TEXT)
    else:
        s = s if isinstance(s, pd.Series) else pd.Series(s, dtype=object)
        a = _arrow_str(s)
    if a is None:  # not all str (numbers, bytes) or a lone surrogate: one cell at a time
        return pa.array(_texts_python(pd.Series(s, dtype=object)), TEXT)
    size = pc.binary_length(a)
    if (pc.max(size).as_py() or 0) > MAX_CHARS and pc.max(pc.utf8_length(a)).as_py() > MAX_CHARS:
        a = pc.utf8_slice_codeunits(a, 0, MAX_CHARS)  # code points, as Python's slice
    if maybe_illegal(a):
        a = pc.replace_substring_regex(a, _ILLEGAL_RE2, "")
        size = pc.binary_length(a)
    empty = pc.equal(size, 0)
    return pc.if_else(empty, scalar(None), a) if pc.any(empty).as_py() else a


def utf8(text: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """The UTF-8 bytes of a string array's values and where each starts (len + 1), uncopied.

    The bytes of a null value are unspecified: callers mask or only look for a maybe.
    """
    _, offsets, data = text.buffers()
    width = np.int64 if pa.types.is_large_string(text.type) else np.int32
    at = np.frombuffer(offsets, width)[text.offset : text.offset + len(text) + 1].astype(np.int64)
    if data is None or not len(text):
        return np.zeros(0, np.uint8), np.zeros(len(text) + 1, np.int64)
    return np.frombuffer(data, np.uint8)[at[0] : at[-1]], at - at[0]


def maybe_illegal(text: pa.Array) -> bool:
    """Whether ``text`` may hold what ILLEGAL drops: a scan of its bytes, several times
    faster than the regex on many short strings (C0 controls are single bytes in UTF-8,
    U+FFFE/F are EF BF BE/BF)."""
    data, _ = utf8(text)
    controls = np.count_nonzero(data < 0x20)
    if controls:
        controls -= sum(np.count_nonzero(data == c) for c in b"\t\n\r")
    lead = np.flatnonzero(data[:-2] == 0xEF)
    return controls > 0 or bool(((data[lead + 1] == 0xBF) & (data[lead + 2] >= 0xBE)).any())


def _arrow_str(s: pd.Series) -> pa.Array | None:
    """``s`` as Arrow text (missing → null), or None unless every other value is a str."""
    if isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow":
        a = pa.array(s)  # Arrow's own: no copy, unless in pieces
        return (a.combine_chunks() if isinstance(a, pa.ChunkedArray) else a).cast(TEXT)
    try:
        a = pa.array(np.where(s.isna(), None, s.to_numpy(object)))
    except (pa.ArrowException, UnicodeError):
        return None
    return a.cast(TEXT) if pa.types.is_string(a.type) or pa.types.is_null(a.type) else None


def numbers(s, kind: type) -> np.ndarray:
    """Finite numbers, NaN for none; ``kind`` int cuts the fraction, as int() does."""
    s = pd.Series(s)
    if not (isinstance(s.dtype, np.dtype) and s.dtype.kind in "iuf"):
        s = s.astype(object)  # strings and the like: to_numeric decides
    n = pd.to_numeric(s, errors="coerce").astype(float).to_numpy(copy=True)
    n[~np.isfinite(n)] = np.nan
    return np.trunc(n) if kind is int else n


def dates(s, with_time: bool = False) -> np.ndarray:
    """datetime64[us] (floored, as to_pydatetime; a date without its time), NaT for none."""
    s = pd.Series(s)
    if not (isinstance(s.dtype, np.dtype) and s.dtype.kind == "M"):
        s = s.astype(object)
    d = pd.to_datetime(s, errors="coerce").to_numpy().astype("datetime64[us]")
    return d if with_time else d.astype("datetime64[D]").astype("datetime64[us]")


def number_texts(x: np.ndarray, as_int: bool) -> pa.Array:
    """f"{v}" of each number (null for NaN): of int(v) if ``as_int``, else of the float.

    Whole numbers are vectorised (a float's str is then the integer and ".0", exactly so
    below 2**53); the rest, rare apart from date-times, go through Python.
    """
    if as_int:
        fast = np.abs(x) < 2.0**63
    else:
        fast = (x == np.trunc(x)) & (np.abs(x) < 2.0**53) & ~((x == 0) & np.signbit(x))
    ints = pa.array(np.where(fast, x, 0).astype(np.int64)).cast(TEXT)
    if not as_int:
        ints = pc.binary_join_element_wise(ints, scalar(".0"), scalar(""))
    out = pc.if_else(fast, ints, scalar(None))
    slow = np.flatnonzero(~fast & ~np.isnan(x))
    if len(slow):
        texts = np.full(len(x), None, dtype=object)
        texts[slow] = [f"{int(v) if as_int else v}" for v in x[slow].tolist()]
        out = pc.if_else(fast, out, pa.array(texts, TEXT))
    return out


def serials(d: np.ndarray) -> np.ndarray:
    """Excel serials of datetime64[us] values (NaT → NaN), in the 1900 date system with its
    phantom 1900-02-29: the days before 1900-03-01 are one less."""
    us = d.view(np.int64)
    days, rest = np.divmod(us, _DAY_US)  # floored: the time of day is never negative
    days += _EPOCH_DAYS
    days -= (days > 0) & (days <= 60)  # 1900-01-01..02-28: Excel's day 60 is 1900-02-29
    # Whole seconds plus microseconds / 10**6, over 86400; then days + that.
    time = (rest // 1_000_000 + (rest % 1_000_000) / 10**6) / 86400
    serial = days + time
    serial[np.isnat(d)] = np.nan
    return serial


def serial(value: dt.date) -> float:
    """The Excel serial of one date or datetime."""
    return float(serials(np.array([value], "datetime64[us]"))[0])


def cell_texts(values, kind: str) -> pa.Array:
    """What goes between <t> or <v> of each cell (null = empty cell), before escaping.

    ``values`` as texts(), numbers() or dates() give them, or a list of Python values
    (None = empty cell).
    """
    if kind == "text":
        return values if isinstance(values, pa.Array) else pa.array(values, TEXT)
    if isinstance(values, list):  # given by hand: f"{v}" of each, dates as serials
        number = serial if kind in ("date", "datetime") else (lambda v: v)
        return pa.array([None if v is None else f"{number(v)}" for v in values], TEXT)
    if kind in ("date", "datetime"):
        return number_texts(serials(values), as_int=False)
    return number_texts(values, as_int=kind == "int")
