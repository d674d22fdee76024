"""batch.xlsx's vectorised cells equal what the report's per-cell code wrote before (kept here
as the reference): Excel serials as openpyxl's to_excel, numbers as f"{v}", texts, row
heights, widths and the rows' XML, on random and odd values."""

from __future__ import annotations

import datetime as dt
import math
import random

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from openpyxl.utils.datetime import to_excel

from batch.xlsx import Column, Style, layout
from batch.xlsx import rows as xrows
from batch.xlsx import values as xvalues
from batch.xlsx.styles import StyleSheet

# --- the per-cell code before vectorising ----------------------------------------------


def old_texts(s) -> list:
    s = pd.Series(s, dtype=object)
    texts = [
        None if missing else str(v)[: xvalues.MAX_CHARS] or None
        for v, missing in zip(s.tolist(), s.isna().tolist(), strict=True)
    ]
    return [xvalues.ILLEGAL.sub("", t) or None if t else None for t in texts]


def old_numbers(s, kind: type) -> list:
    n = pd.to_numeric(pd.Series(s, dtype=object), errors="coerce")
    return [kind(v) if math.isfinite(v) else None for v in n.astype(float).tolist()]


def old_dates(s, with_time: bool = False) -> list:
    d = pd.to_datetime(pd.Series(s, dtype=object), errors="coerce")
    return [None if pd.isna(v) else (v.to_pydatetime() if with_time else v.date()) for v in d]


def old_row_heights(columns: list[tuple[list, float]], rows: int) -> list:
    lines = [1] * rows
    for values, width in columns:
        usable = max(width - 3, 1)
        for i, v in enumerate(values):
            if v is not None:
                lines[i] = max(lines[i], layout.lines(v, usable))
    return [None if n <= 1 else float(min(n * layout.LINE_HEIGHT + 2, 409)) for n in lines]


def old_escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    )


LOOKS = [None, "error", "warning", "info"]


def old_rows_xml(columns: list[tuple[str, list, bool]], looks, part, ids, heights) -> bytes:
    """ids[j]: column j's style numbers, its looks' (LOOKS) when coloured, then the same with
    the quote prefix for text. A risky text is guarded in a coloured column too (before the
    split it was not; the report's coloured columns hold labels, never risky)."""
    out = []
    for i in part:
        r = i - part.start + 2
        h = heights[i]
        row = [f'<row r="{r}" ht="{h}" customHeight="1">' if h else f'<row r="{r}">']
        for j, (kind, values, coloured) in enumerate(columns):
            v, letter = values[i], chr(ord("A") + j)
            if v is None:
                continue
            styles = len(LOOKS) if coloured else 1
            guard = kind == "text" and v.startswith(xrows.RISKY)
            s = ids[j][(LOOKS.index(looks[i]) if coloured else 0) + styles * guard]
            if kind == "text":
                row.append(
                    f'<c r="{letter}{r}" s="{s}" t="inlineStr"><is><t xml:space="preserve">'
                    f"{old_escape(v)}</t></is></c>"
                )
            else:
                number = to_excel(v) if kind in ("date", "datetime") else v
                row.append(f'<c r="{letter}{r}" s="{s}"><v>{number}</v></c>')
        out.append("".join(row) + "</row>")
    return "".join(out).encode()


# --- random values ----------------------------------------------------------------------

ODD = [
    "=SUM(1)", "+81", "-5", "@x", "\tt", "\rr", " =", "a & b < c > d", "x\r\ny", "l1\nl2\n",
    "\x00\x07bell", "\x0b", "\ufffe\uffff", "\ud800lone", "ｱｲｳ", "ＡＢ", "한국어", "😀", "\n",
    "]]>", "x" * 40_000, "日" * 33_000, "x" * 32_766 + "\x07yz", "", "ok",
]  # fmt: skip


def random_text(rng: random.Random) -> str | None:
    if rng.random() < 0.15:
        return None
    if rng.random() < 0.2:
        return rng.choice(ODD)
    alphabet = "abcXYZ019 =+-@&<>\t\r\n\x01\x1f日本語ｱ한😀\u3000"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, rng.choice([5, 30, 120]))))


def text_column(rng: random.Random, n: int, surrogates: bool = True) -> list:
    """``n`` random texts and None; lone surrogates left out if ``surrogates`` is false (a
    string dtype cannot hold them)."""
    values = [random_text(rng) for _ in range(n)]
    return [v for v in values if surrogates or v is None or "\ud800" not in v]


# --- tests ------------------------------------------------------------------------------

DATES = [
    None, pd.NaT, "garbage", "2026-11-26", dt.date(1899, 12, 30), dt.date(1899, 12, 31),
    dt.date(1900, 1, 1), dt.date(1900, 2, 28), dt.date(1900, 3, 1), dt.date(1800, 5, 5),
    dt.datetime(1899, 12, 29, 18, 0), dt.datetime(1900, 2, 28, 23, 59, 59, 999_999),
    dt.datetime(2026, 11, 26, 13, 45, 12, 345_678), pd.Timestamp("2026-01-02 03:04:05.123456789"),
    pd.Timestamp("1850-06-01 23:59:59.999999"), pd.Timestamp("1969-12-31 23:59:59.999999999"),
    dt.date(2262, 4, 1), dt.date(1677, 9, 22),
]  # fmt: skip


@pytest.mark.filterwarnings("ignore::UserWarning")  # dateutil; nanoseconds dropped
@pytest.mark.parametrize("kind", ["date", "datetime"])
def test_excel_serials_equal_openpyxl_to_excel(kind):
    rng = random.Random(7)
    start, day = dt.datetime(1890, 1, 1), 86_400 * 10**6
    values = DATES + [
        start + dt.timedelta(days=rng.randint(0, 150_000), microseconds=rng.randint(0, day))
        for _ in range(3_000)
    ]
    with_time = kind == "datetime"
    expected = [None if v is None else f"{to_excel(v)}" for v in old_dates(values, with_time)]
    new = xvalues.cell_texts(xvalues.dates(pd.Series(values), with_time), kind)
    assert new.to_pylist() == expected
    # Also as the pipeline gives them: a datetime64 column, not objects.
    typed = pd.Series(pd.to_datetime(pd.Series(values, dtype=object), errors="coerce"))
    assert xvalues.cell_texts(xvalues.dates(typed, with_time), kind) == new


NUMBERS = [
    None, float("nan"), float("inf"), -float("inf"), "1,980", "1980", " 7 ", 1e20, -1e20, -0.0,
    0.0, 0.1, 1234.5, 2**53 + 1, 2**53, -5, 2.7, -2.7, 1e19, 9.3e18, -9.3e18, "3",
    9_999_999_999_999_998.0, 1e16, 123_456_789_012_345.0, 5e-5, True, 1e-320,
]  # fmt: skip


@pytest.mark.parametrize("kind", [int, float])
def test_numbers_print_as_before(kind):
    rng = np.random.default_rng(3)
    values = NUMBERS + [
        *(rng.standard_normal(2_000) * 10.0 ** rng.integers(-6, 20, 2_000)).tolist(),
        *rng.integers(-(10**6), 10**6, 500).astype(float).tolist(),
    ]
    expected = [None if v is None else f"{v}" for v in old_numbers(values, kind)]
    shown = "int" if kind is int else "amount"
    numbers = xvalues.numbers(pd.Series(values, dtype=object), kind)
    assert xvalues.cell_texts(numbers, shown).to_pylist() == expected
    floats = pd.Series(pd.to_numeric(pd.Series(values, dtype=object), errors="coerce"))
    assert xvalues.cell_texts(xvalues.numbers(floats, kind), shown).to_pylist() == (expected)


@pytest.mark.parametrize("dtype", [object, "str", "string[python]", "string[pyarrow]"])
def test_texts_as_before(dtype):
    rng = random.Random(11)
    surrogates = dtype in (object, "string[python]")
    values = text_column(rng, 3_000, surrogates)
    values += [v for v in ODD if surrogates or "\ud800" not in v]
    s = pd.Series(values, dtype=dtype)
    assert xvalues.texts(s).to_pylist() == old_texts(s)


def test_texts_of_every_character_and_of_mixed_values():
    chars = [chr(c) for c in range(0x10000)] + ["😀", "\U0010ffff"]
    assert xvalues.texts(pd.Series(chars, dtype=object)).to_pylist() == old_texts(chars)
    assert xvalues.texts(pd.Series([*chars, 5], dtype=object)).to_pylist() == old_texts([*chars, 5])
    mixed = [12345, 1.5, True, "x", None, b"b", float("nan"), pd.NA, pd.NaT, dt.date(2026, 1, 2)]
    assert xvalues.texts(pd.Series(mixed, dtype=object)).to_pylist() == old_texts(mixed)
    assert xvalues.texts(pd.Series([], dtype=object)).to_pylist() == []
    chars = [c for c in chars if not 0xD800 <= ord(c) <= 0xDFFF]  # Arrow holds UTF-8 only
    risky = xrows.risky(pa.array([c + "x" for c in chars]))
    assert risky.tolist() == [c.startswith(xrows.RISKY) for c in chars]
    for c in [*chars[:0x80], *chars[-0x20:], *random.Random(1).sample(chars, 2_000)]:
        assert xvalues.maybe_illegal(pa.array([c, "abc"])) == bool(xvalues.ILLEGAL.search(c)), c


def test_row_heights_and_widths_as_before():
    rng = random.Random(5)
    n = 2_500
    columns = [text_column(rng, n) for _ in range(4)]
    widths = [rng.choice([4, 7, 12, 23, 43, 59]) for _ in columns]
    # One-line texts about as wide as the column: the widest decides if any row wraps.
    columns += [["x" * rng.randint(15, 18) for _ in range(n)]] * 2  # usable: 17, 18
    widths += [20, 21]
    texts = [old_texts(c) for c in columns]
    table = [Column(xvalues.texts(pd.Series(c, dtype=object))) for c in columns]
    heights = layout.row_heights(table, widths)
    assert [None if h == 0 else float(h) for h in heights] == old_row_heights(
        list(zip(texts, widths, strict=True)), n
    )
    for t, col in zip(texts, table, strict=True):
        assert layout.column_width("header", col.values) == layout.column_width("header", t)


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_rows_xml_as_before(monkeypatch):
    monkeypatch.setattr(xrows, "CHUNK", 7)  # runs of rows end inside the part
    rng = random.Random(9)
    n = 120
    starts = dt.datetime(1899, 12, 1)
    raw_dates = [
        None if rng.random() < 0.2 else starts + dt.timedelta(seconds=rng.randint(0, 5 * 10**9) / 7)
        for _ in range(n)
    ]
    raw_numbers = [rng.choice(NUMBERS + [rng.uniform(-1e6, 1e6)]) for _ in range(n)]
    looks = [rng.choice(LOOKS) for _ in range(n)]
    pick = np.array([LOOKS.index(look) for look in looks])
    text, alert = text_column(rng, n), text_column(rng, n)
    plain = [f"n{i} & m" for i in range(n)]
    gaps = [None if i % 3 else f"g{i}" for i in range(n)]
    coloured = [Style(fill=f"{k}{k}{k}") for k in range(4)]
    new = [
        Column(xvalues.texts(pd.Series(text, dtype=object))),
        Column(xvalues.numbers(pd.Series(raw_numbers, dtype=object), int), "int"),
        Column(xvalues.numbers(pd.Series(raw_numbers, dtype=object), float), "amount"),
        Column(xvalues.dates(pd.Series(raw_dates, dtype=object)), "date"),
        Column(xvalues.dates(pd.Series(raw_dates), with_time=True), "datetime"),
        Column(xvalues.texts(pd.Series(alert, dtype=object)), "text", coloured, pick),
        Column(list(range(n)), "int", [Style(bold=True)]),
        # Columns of one style and kind share the row numbers joined with their cells' start:
        # another plain text column without an empty cell, one with them, a second date.
        Column(xvalues.texts(pd.Series(plain, dtype=object))),
        Column(xvalues.texts(pd.Series(gaps, dtype=object))),
        Column(xvalues.dates(pd.Series(raw_dates, dtype=object)), "date"),
    ]
    old = [
        ("text", old_texts(text), False),
        ("int", old_numbers(raw_numbers, int), False),
        ("money", old_numbers(raw_numbers, float), False),
        ("date", old_dates(raw_dates), False),
        ("datetime", old_dates(raw_dates, with_time=True), False),
        ("text", old_texts(alert), True),
        ("int", list(range(n)), False),
        ("text", plain, False),
        ("text", old_texts(gaps), False),
        ("date", old_dates(raw_dates), False),
    ]
    sheet = StyleSheet()
    ids = [xrows.style_ids(c, sheet) for c in new]
    assert len({i for column in ids for i in column}) == 1 + 1 + 4 + 4 + 1  # plain, guards, bold
    heights = layout.row_heights(new, [9, 12, 10, 10, 19, 14, 6, 8, 8, 10])
    old_heights = [None if h == 0 else float(h) for h in heights]
    for part in (range(0, n), range(13, 101), range(0, 0)):
        xml = b"".join(bytes(run()) for run in xrows.row_runs(new, part, 2, ids, heights))
        assert xml == old_rows_xml(old, looks, part, ids, old_heights)


def test_building_ahead_keeps_the_order_and_passes_errors_on():
    def broken():
        raise ValueError("broken")

    def run(k):
        return lambda: bytes([k])

    assert list(xrows.ahead([run(k) for k in range(9)], workers=3)) == [
        bytes([k]) for k in range(9)
    ]
    got = []
    with pytest.raises(ValueError, match="broken"):
        for chunk in xrows.ahead([run(97), broken, run(98)]):
            got.append(chunk)
    assert got == [b"a"]
    assert list(xrows.ahead([])) == []
