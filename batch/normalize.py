"""Vectorised normalisation of tracking numbers, phones, postal codes, names, dates, amounts.

Every function takes a Series of text and returns a Series with the same index. NaN is
read as ""; text results use "" for blank, `dates` NaT and `money` NaN. No loop over rows.

The patterns avoid \\s, \\d, \\w and backreferences on purpose: with pandas' Arrow strings
those force a per-row fallback to Python's `re`, which is about 15 times slower.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from batch import utf8

# NFKC maps U+FF0D (－) to "-" but leaves U+2010 ‐, U+2011 ‑, U+2012 ‒, U+2013 –, U+2014 —,
# U+2015 ―, U+2212 − and the katakana long vowel mark ー alone; all of them appear as
# separators in hand-typed or Shift_JIS-decoded numbers (couriers.md §6.2).
# "-" comes first so it stays literal inside a [...] class.
HYPHENS = "-‐‑‒–—―−ー－"
# NFKC already turns U+3000 and the other Unicode spaces into " "; U+3000 is kept for
# callers that skip NFKC.
SPACES = " \t\n\r\f\v\u3000"
_SEPARATORS = f"[{HYPHENS}{SPACES}]+"

# What a spreadsheet shows for a long number in a General cell: 3.89711E+11, 3,89711E+11
# (comma locales), 1E+11. The "+" is required so alphanumeric numbers like "12E34" pass.
SCIENTIFIC = r"[+-]?[0-9]+(?:[.,][0-9]+)?[Ee]\+[0-9]+"

_HONORIFICS = "(?:様|殿|さま|御中|님|씨)+$"


def as_text(s: pd.Series) -> pd.Series:
    """Text Series with "" for missing values (numbers and NaN arrive from Excel reads)."""
    if not pd.api.types.is_string_dtype(s):
        s = s.astype(object)
    return s.fillna("").astype(str)


def nfkc(s: pd.Series) -> pd.Series:
    """NFKC (full-width digits and letters to ASCII, half-width kana to full-width) and strip."""
    return _by_distinct(as_text(s), lambda t: t.str.normalize("NFKC"), then=_strip)


def _strip(t: pd.Series) -> pd.Series:
    # Most columns (numbers, dates, codes) have nothing to strip: no copy made for them.
    cells = utf8.plain_cells(t)
    if cells is not None and utf8.printable(cells, edges=True):
        return pd.Series(cells, index=t.index, dtype=t.dtype)
    return t.str.strip()


def casefold(s: pd.Series) -> pd.Series:
    """``str.casefold`` of text (on ASCII the same as lower())."""
    return _by_distinct(as_text(s), lambda t: t.str.casefold(), lambda t: t.str.lower())


def _by_distinct(t: pd.Series, fn, ascii_fn=None, then=None) -> pd.Series:
    """``fn(t)`` for a text Series, computing ``fn`` once per distinct non-ASCII value, and
    ``then`` (element-wise too) of the result when given.

    pandas runs NFKC and casefold through Python per element (Arrow lacks them); most cells
    are ASCII, where NFKC changes nothing (``ascii_fn``, identity by default, stands in),
    and the rest repeat (statuses, carriers, names). Same result as ``fn(t)``.
    """
    then = then or (lambda x: x)
    arr = _arrow_text(t.array) if isinstance(t.dtype, pd.StringDtype) else None
    if arr is None or arr.null_count:
        return then(fn(t))
    odd = pc.invert(pc.string_is_ascii(arr))
    if len(t) >= 2_000 and 2 * pc.sum(odd).as_py() > len(t):
        by_word = _few_words(t, arr, lambda w: then(fn(w)))
        if by_word is not None:
            return by_word
    sub = arr.filter(odd)
    if ascii_fn is not None:
        t = ascii_fn(t)
        arr = _arrow_text(t.array)
    if not len(sub):
        return then(t)
    codes, distinct = pd.factorize(pd.Series(sub, dtype=t.dtype))
    done = _arrow_text(fn(pd.Series(distinct, dtype=t.dtype)).array)
    fixed = done.take(pa.array(codes))
    return then(pd.Series(pc.replace_with_mask(arr, odd, fixed), index=t.index, dtype=t.dtype))


def _few_words(t: pd.Series, arr: pa.Array, fn) -> pd.Series | None:
    """``fn(t)`` from its distinct values when they are few (a column of statuses or
    carriers: a handful of words in 1M rows); None otherwise.

    For a column of mostly non-ASCII text, where taking out the non-ASCII cells, fixing them
    and putting them back would copy nearly the whole column three times: here it is hashed
    and copied once."""
    encoded = arr.dictionary_encode()
    if len(encoded.dictionary) > len(t) // 2:
        return None
    done = _arrow_text(fn(pd.Series(encoded.dictionary, dtype=t.dtype)).array)
    return pd.Series(done.take(encoded.indices), index=t.index, dtype=t.dtype)


def without_spaces(s: pd.Series) -> pd.Series:
    """Text with every whitespace character (Python's ``\\s``) removed.

    ``\\s`` sends pandas' Arrow strings to Python's ``re`` row by row; a cell of printable
    ASCII without a space has nothing to remove, so only the other cells go through it.
    """
    t = as_text(s)
    cells = utf8.plain_cells(t)
    if cells is not None and utf8.printable(cells):  # ~20x cheaper than the regex below
        return t
    odd = t.str.contains("[^!-~]", regex=True).to_numpy(dtype=bool)
    if not odd.any():
        return t
    t = t.copy()
    t.loc[odd] = t[odd].str.replace(r"\s+", "", regex=True)
    return t


def tracking(s: pd.Series) -> pd.Series:
    """Canonical tracking number: "３８９７−１１０７−４０１２" and "A389711074012A" give
    "389711074012". Scientific notation is left as it is (see `is_mangled`)."""
    t = nfkc(s)
    # Digits alone (and blanks) are already canonical: only the rest is rewritten.
    other = ~t.str.fullmatch("[0-9]*").to_numpy(dtype=bool)
    if other.any():
        t[other] = _tracking(t[other])
    return t


def _tracking(t: pd.Series) -> pd.Series:
    return (
        t.str.replace(_SEPARATORS, "", regex=True)
        .str.replace(r'^="(.*)"$', r"\1", regex=True)  # Excel text formula ="0123"
        .str.removeprefix("'")  # Excel "keep as text" prefix
        .str.replace(r"^([0-9]+)\.0$", r"\1", regex=True)  # float artefact of a numeric cell
        .str.upper()
        # Codabar (NW-7) scans keep their start/stop letters: A…A, B…B (Yamato), a…a (Fukuyama)
        .str.replace(r"^(?:A([0-9]+)A|B([0-9]+)B)$", r"\1\2", regex=True)
    )


# A 12-digit number Excel rounded: 4.39628E+11 saved again as a number is 439628000000.
# One in seven of these passes mod 7, so the check digit cannot tell. A real number ending in
# 00000 is held too (about 1 in 100,000): the message asks to compare with the label.
ROUNDED = "[0-9]{7}0{5}(?:[.]0+)?"


def is_mangled(raw: pd.Series) -> pd.Series:
    """True where the raw cell holds scientific notation (e.g. "3.89711E+11"), or a plain
    12-digit number ending in five zeros (the same cell saved again as a number).

    The digits past the mantissa are gone, so the number cannot be repaired."""
    t = nfkc(raw).str.removeprefix("'").str.replace(f"[{SPACES}]+", "", regex=True)
    return t.str.fullmatch(f"{SCIENTIFIC}|{ROUNDED}").astype(bool)


def ascii_digits(s: pd.Series) -> pd.Series:
    """The ASCII digits of each text, in order: ``s.str.replace("[^0-9]+", "")``.

    Done on the UTF-8 bytes (a byte 0-9 is never part of a longer character), chunk by chunk:
    the regex takes ~0.45 s a 1M phone numbers, this ~0.05 s."""
    t = as_text(s)
    cells = t.array.__arrow_array__() if isinstance(t.dtype, pd.StringDtype) else None
    if cells is None or cells.null_count or not pa.types.is_large_string(cells.type):
        return t.str.replace("[^0-9]+", "", regex=True)
    chunks = [_digits(c) for c in cells.chunks]
    return pd.Series(pa.chunked_array(chunks, cells.type), index=t.index, dtype=t.dtype)


def _digits(cells: pa.LargeStringArray, rows: int = 1 << 16) -> pa.LargeStringArray:
    # A slice of rows at a time: the byte masks and sums of a 1M-row chunk (a filtered column)
    # are ~200 MB of fresh memory, which costs the kernel more than the work itself.
    if len(cells) > rows:
        return pa.concat_arrays([_digits(cells.slice(i, rows)) for i in range(0, len(cells), rows)])
    n, (_, offsets, data) = len(cells), cells.buffers()
    at = np.frombuffer(offsets, dtype=np.int64, count=n + 1, offset=8 * cells.offset)
    text = np.frombuffer(data, dtype=np.uint8)[at[0] : at[-1]] if data else np.empty(0, np.uint8)
    digit = (text >= ord("0")) & (text <= ord("9"))
    kept = np.concatenate(([0], np.cumsum(digit, dtype=np.int64)))[at - at[0]]
    return pa.LargeStringArray.from_buffers(n, pa.py_buffer(kept), pa.py_buffer(text[digit]))


def phone(s: pd.Series) -> pd.Series:
    """Digits of a Japanese phone number, "" when missing.

    "+81-90-1234-5678" → "09012345678"; "-", "+81--" and "000-0000-0000" → "".
    """
    t = nfkc(s)
    digits = ascii_digits(t)
    # "+81…", "0081…" or "81-…" (after Excel's "'"); a bare "81…" is left alone: it may be a
    # number whose leading 0 Excel dropped.
    intl = t.str.match(f"'?(?:(?:[+]|00)[{SPACES}]*81|81[{SPACES}]*[({HYPHENS}{SPACES}])")
    intl = intl.to_numpy(dtype=bool)
    if intl.any():  # the rewrites below run on the few rows they concern
        national = digits[intl].str.replace("^(?:00)?81", "", regex=True).str.lstrip("0")
        digits[intl] = ("0" + national).where(national != "", "")  # +81 (0)90…
    # Every Japanese number starts with 0 and has 10 or 11 digits; 9 or 10 digits
    # without the 0 is Excel having dropped it (couriers.md §6.1).
    short = digits.str.fullmatch("[1-9][0-9]{8,9}").to_numpy(dtype=bool)
    if short.any():
        digits[short] = "0" + digits[short]
    return digits.mask(digits.str.fullmatch("0*"), "")


def postal(s: pd.Series) -> pd.Series:
    """7-digit postal code ("'289-1733", "〒100-0001" → "2891733"); anything else → ""."""
    t = nfkc(s)
    # Seven digits among separators alone: what is left once the separators are removed.
    kept = ascii_digits(t)
    code = t.str.fullmatch(f"[{HYPHENS}0-9{SPACES}'〒]*") & kept.str.len().eq(7)
    return kept.where(code, "")


def person_name(s: pd.Series) -> pd.Series:
    """Key for comparing recipient names: no spaces, no trailing honorific, casefolded.

    "山田 太郎 様", "山田　太郎" → "山田太郎"; "김민수 님" → "김민수".
    """
    # A day's recipients repeat (one per order line of a cart, the same buyers): per distinct.
    return _per_distinct(as_text(s), _person_name)


def _person_name(s: pd.Series) -> pd.Series:
    return (
        nfkc(s)
        .str.replace(f"[{SPACES}]+", "", regex=True)
        .str.replace(_HONORIFICS, "", regex=True)
        .pipe(casefold)
    )


_YMD = "^([0-9]{4})[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})日?"
_YMD_HMS = "[0-9]{4}/[0-9]{2}/[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}"
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")  # day 0 of Excel's 1900 date system, as used


def _per_distinct(t: pd.Series, fn) -> pd.Series:
    """``fn(t)`` for an element-wise ``fn``, evaluated once per distinct value when values
    repeat (amounts, statuses, ship dates, a day's order times: 168k in 1M lines). Counted,
    not judged from the column's head, which can be as varied as the whole day is not; the
    count is Arrow's hash, ~0.03-0.1 s a 1M rows."""
    if len(t) < 2_000:
        return fn(t)
    codes, distinct = pd.factorize(t, use_na_sentinel=False)
    if len(distinct) > 0.5 * len(t):
        return fn(t)
    done = fn(pd.Series(distinct, dtype=t.dtype))
    return pd.Series(done.to_numpy()[codes], index=t.index, dtype=done.dtype)


def dates(s: pd.Series) -> pd.Series:
    """Dates as datetime64 (JST wall time, no zone); NaT for blanks and non-dates.

    Reads 2026/11/24 [10:12[:33]], 2026-11-24, 2026.11.24, 2026年11月24日, 20261124 and Excel
    serial day numbers (45000, 45000.5) left behind when a date cell was read as a number.
    """
    return _per_distinct(nfkc(s), _dates)


def _dates(t: pd.Series) -> pd.Series:
    # Rewrite every spelling as "Y/m/d H:M:S", then parse with one format (no per-row guessing).
    # Cells already in that form (all of QSM's 決済日) skip the rewriting.
    plain = t.str.fullmatch(_YMD_HMS).to_numpy(dtype=bool)
    iso = t.copy()
    other = ~plain
    if other.any():
        iso[other] = (
            t[other]
            .str.replace("^([0-9]{4})([0-9]{2})([0-9]{2})$", r"\1/\2/\3", regex=True)
            .str.replace(_YMD, r"\1/\2/\3", regex=True)
            .str.replace("^([0-9/]+)T", r"\1 ", regex=True)
            .str.replace("^([0-9/]+)$", r"\1 0:00:00", regex=True)
            .str.replace("^([0-9/]+ [0-9]{1,2}:[0-9]{2})$", r"\1:00", regex=True)
            .str.replace("(:[0-9]{2}:[0-9]{2})[.][0-9]+$", r"\1", regex=True)
        )
    written = _as_written(iso, plain)
    if not other.any():
        return written
    serial = t.where(other & t.str.fullmatch("[0-9]{5}(?:[.][0-9]+)?").to_numpy(dtype=bool))
    serial = pd.to_numeric(serial, errors="coerce")
    from_serial = (_EXCEL_EPOCH + pd.to_timedelta(serial, unit="D")).dt.round("s")
    return written.fillna(from_serial.astype(written.dtype))


def _as_written(iso: pd.Series, plain: np.ndarray) -> pd.Series:
    """``pd.to_datetime(iso, format="%Y/%m/%d %H:%M:%S", errors="coerce")``, the ``plain``
    cells (in that form, digits where digits go) whose fields are in range read from their
    bytes (pandas' parse is ~0.4 s a 1M cells).

    The rest go to pandas: other forms, and fields out of range, which pandas reads its own
    way (02/30 and 24:00 are no date, a 60th second is the next minute's first). With any
    date the column is datetime64[us], with none datetime64[s], as pandas makes it."""
    cells = _arrow_text(iso.array) if isinstance(iso.dtype, pd.StringDtype) else None
    value = np.full(len(iso), np.datetime64("NaT"), dtype="datetime64[us]")
    done = np.zeros(len(iso), dtype=bool)
    if cells is not None and not cells.null_count and plain.any():
        at = np.frombuffer(cells.buffers()[1], np.int64, len(cells) + 1, 8 * cells.offset)
        data = np.frombuffer(cells.buffers()[2], np.uint8)
        rows = np.flatnonzero(plain)
        for block in range(0, len(rows), 1 << 16):  # a block at a time: small scratch arrays
            at_rows = rows[block : block + (1 << 16)]
            value[at_rows], done[at_rows] = utf8.written_times(data, at[at_rows])
    rest = ~done
    if rest.any():
        value[rest] = pd.to_datetime(iso[rest], format="%Y/%m/%d %H:%M:%S", errors="coerce")
    written = pd.Series(value, index=iso.index)
    return written if written.notna().any() else written.astype("datetime64[s]")


def money(s: pd.Series) -> pd.Series:
    """Amounts as float ("¥1,234円" → 1234.0); NaN for blanks and non-numbers."""
    return _per_distinct(nfkc(s), _money)


def _money(t: pd.Series) -> pd.Series:
    t = t.str.replace(f"[¥,円{SPACES}]+", "", regex=True)
    return pd.to_numeric(t.where(t != ""), errors="coerce").astype("float64")


# --- membership on text keys ---------------------------------------------------------------
# pandas' isin on Arrow-backed strings builds a Python scalar per item (about 15 s for 1M
# items) and Index.get_indexer / Series.map go through Python objects (3-4 s for 1M).
# Arrow's hash kernels do the same in well under a second.


def _arrow_text(x) -> pa.Array | None:
    """``x`` (Series, Index, array, list) as one Arrow large_string array; None if not text."""
    try:
        arr = x if isinstance(x, (pa.Array, pa.ChunkedArray)) else pa.array(x)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if pa.types.is_string(arr.type) or (pa.types.is_null(arr.type) and len(arr) == 0):
        arr = arr.cast(pa.large_string())
    return arr if pa.types.is_large_string(arr.type) else None


def isin(values, items) -> np.ndarray:
    """``values.isin(items)`` as a bool array: same answer as pandas, hashed by Arrow."""
    v, s = _arrow_text(values), _arrow_text(items)
    if v is None or s is None:
        return np.asarray(pd.Series(values, copy=False).isin(items), dtype=bool)
    if _few(v, s):
        return _found_in(v, s) >= 0
    return pc.is_in(v, value_set=s).to_numpy(zero_copy_only=False)


def positions(values, items) -> np.ndarray:
    """Position in ``items`` (unique text) of each value; -1 where absent."""
    v, s = _arrow_text(values), _arrow_text(items)
    if v is None or s is None:
        return pd.Index(items).get_indexer(pd.Index(values))
    if _few(v, s):
        return _found_in(v, s)
    found = pc.index_in(v, value_set=s).fill_null(-1)
    return found.to_numpy(zero_copy_only=False).astype(np.int64)


def _few(v: pa.Array, s: pa.Array) -> bool:
    """Few values looked up in many items (and no nulls, which match each other)."""
    return 4 * len(v) <= len(s) and not v.null_count and not s.null_count


def _found_in(v: pa.Array, s: pa.Array) -> np.ndarray:
    """The first position in ``s`` of each of ``v``, -1 where absent, hashing the values
    instead of the items: a table of a few thousand cart rows' numbers stays in the cache,
    one of 1M order numbers does not (10x faster at 1M lines)."""
    encoded = v.dictionary_encode()
    hit = pc.index_in(s, value_set=encoded.dictionary)
    at = np.flatnonzero(hit.is_valid().to_numpy(zero_copy_only=False))
    value, first = np.unique(hit.drop_null().to_numpy(), return_index=True)
    out = np.full(len(encoded.dictionary), -1, dtype=np.int64)
    out[value] = at[first]
    return out[encoded.indices.to_numpy()]


def keys(*columns) -> np.ndarray:
    """One int64 code per row for the tuple of ``columns`` (equal tuples, equal codes).

    Codes number the distinct tuples in order of first appearance. Text is hashed by Arrow;
    pandas' groupby, duplicated and nunique on Arrow text cost seconds at 1M rows.
    """
    code = None
    for column in columns:
        arr = _arrow_text(column)
        if arr is None:
            c = pd.factorize(np.asarray(column), use_na_sentinel=False)[0]
        else:
            c = arr.dictionary_encode(null_encoding="encode").indices.to_numpy(zero_copy_only=False)
        c = c.astype(np.int64)
        code = c if code is None else pd.factorize(code * (int(c.max(initial=0)) + 1) + c)[0]
    return np.asarray(code, dtype=np.int64)


def first_seen(*columns) -> np.ndarray:
    """True on the first row of each distinct tuple: ``~DataFrame.duplicated()``."""
    code = keys(*columns)
    mask = np.zeros(len(code), dtype=bool)
    mask[np.unique(code, return_index=True)[1]] = True
    return mask


def distinct_per_group(groups, *values) -> np.ndarray:
    """For each row, how many distinct ``values`` tuples its group holds (groupby nunique,
    spread back to the rows)."""
    group = keys(groups)
    size = np.bincount(group)
    # A group of one row holds one tuple: only the others' values are hashed (most carts
    # and most numbers of a large day have one row).
    several = size[group] > 1
    count = np.ones(len(group), dtype=np.int64)
    if several.any():
        g = group[several]
        once = first_seen(g, keys(*(v[several] for v in values)))
        count[several] = np.bincount(g[once], minlength=len(size))[g]
    return count


def joined_per_group(group: np.ndarray, values) -> np.ndarray:
    """For each group of ``group`` (codes 0..n-1, as ``keys`` numbers them), its distinct
    non-blank ``values`` (text) in row order, joined by ", "; "" for a group with none.

    ``", ".join`` of each group's values without pandas' Python loop over the groups: the
    values are sorted by group (stably) and each group's run concatenated by one reduceat."""
    values = np.asarray(values, dtype=object)
    out = np.full(int(group.max(initial=-1)) + 1, "", dtype=object)
    keep = values.astype(bool) & first_seen(group, values)
    g, v = group[keep], values[keep]
    order = np.argsort(g, kind="stable")
    g, v = g[order], v[order]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]]) if len(g) else np.array([], int)
    pieces = ", " + v
    pieces[starts] = v[starts]
    if len(g):
        out[g[starts]] = np.add.reduceat(pieces, starts)
    return out
