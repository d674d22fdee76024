"""Bytes on disk -> a DataFrame of text, plus what is needed to write the file back.

Every cell is read as text: a tracking number parsed as a float cannot be given its
digits back. Encoding: BOM -> utf-8-sig (or utf-16), else strict UTF-8, else CP932
(never shift_jis: it fails on ①, 髙, 﨑 and maps the full-width hyphen to U+2212).

A file that cannot be used raises InputError (exit 2): one message naming the file, what is
wrong with it and what to do. What a file is comes from its bytes, not its name: a .csv that
is really a workbook is read as one, and so is the reverse. Workbooks are checked before they
are parsed (see `_inspect_zip`): the parser (calamine) aborts the whole process, with no
exception to catch, when a tiny file claims a huge sheet or string table.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import itertools
import os
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath

import numpy as np
import pandas as pd

from batch import formats
from batch.errors import InputError
from batch.formats import Profile

# How far down a sheet the header row may be (title and note rows above it).
HEADER_SEARCH_ROWS = 30
# Refuse .xlsx whose unpacked size is absurd (zip bombs, huge shared-strings tables). A
# 1M-row QSM detail export unpacks to about 1.5 GB, a 1M-row B2 sheet (95 columns) to about
# 3.5 GB. The sizes are the ones the zip declares; the parser refuses a member that unpacks
# to more than it declares.
MAX_XLSX_UNPACKED = 4 << 30
# A member unpacking to more than this many times its packed size is a bomb, not a sheet
# (real sheet XML packs 5-30 times; deflate cannot go beyond about 1030).
MAX_COMPRESSION_RATIO = 200
RATIO_CHECK_FROM = 8 << 20  # bytes unpacked: small members may pack as tightly as they like
# The area a sheet spans (rows x columns from A1): the parser allocates it whole, even
# when it is nearly empty. Excel's full 1,048,576 rows x 128 columns.
MAX_SHEET_CELLS = 1_048_576 * 128
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb")
# Extra columns parsed beyond the header, so a row with stray cells is reported, not fatal.
SPARE_COLUMNS = 8
MAX_COLUMNS = 16_384
# Columns listed in a "not recognised" message; the rest are counted.
SHOWN_COLUMNS = 12

SAVE_AS_HINT = "Open it in Excel and save it as .xlsx or as CSV, then run again."
EXPORT_AGAIN = "Download or export the file again."


@dataclass
class Sheet:
    """One input file as read: header, data cells (text) and how it was written."""

    path: Path
    header: list[str]
    cells: pd.DataFrame  # positional columns 0..n-1, all text, "" for blank
    rows: np.ndarray  # row number of each data row as the seller sees it (Excel / line)
    file_type: str = "csv"  # "csv" or "xlsx"
    encoding: str = ""
    bom: bool = False
    newline: str = "\r\n"
    delimiter: str = ","
    quote_all: bool = False
    header_line: str = ""  # the header record exactly as in the file (CSV)
    header_row: int = 1
    sheet_name: str = ""
    extra_cells: np.ndarray | None = None  # True where a row has cells beyond the header


@dataclass
class Table:
    """A sheet resolved against a profile: canonical columns of text, plus provenance."""

    sheet: Sheet
    profile: Profile
    frame: pd.DataFrame  # canonical columns + source_file, source_row
    positions: dict[str, int]  # canonical column -> position in sheet.header

    @property
    def rows(self) -> int:
        return len(self.frame)


# --- decoding -------------------------------------------------------------------------

_LINE_END = re.compile(r"\r\n|\r|\n")
# A line made only of ASCII and well-formed UTF-8 sequences, with at least one of the latter.
# Anchored on the newline (a literal the regex engine skips to quickly) and written with
# atomic groups, (?=(X))\1, so a CP932 line fails at its first non-UTF-8 byte: linear time.
_ASCII = rb"[\x00-\x09\x0b-\x7f]"
_UTF8_SEQ = rb"(?:[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3})"
_UTF8_BODY = (
    rb"(?=("
    + _ASCII
    + rb"*))\1"
    + _UTF8_SEQ
    + rb"(?=((?:"
    + _ASCII
    + rb"|"
    + _UTF8_SEQ
    + rb")*))\2(?=\n|\Z)"
)
_UTF8_FIRST_LINE = re.compile(_UTF8_BODY)
_UTF8_LINE = re.compile(rb"\n" + _UTF8_BODY)
_UTF8_CANDIDATES = 1000  # lines looked at before deciding a CP932 file has no UTF-8 line


def _line_of(data: bytes | str, position: int) -> int:
    newline = b"\n" if isinstance(data, bytes) else "\n"
    return data.count(newline, 0, position) + 1


@cache
def _common_cp932() -> frozenset[str]:
    """Characters of everyday Japanese text in CP932: symbols, kana, JIS level-1 kanji,
    NEC specials (①, ㈱) and IBM extensions (髙, 﨑)."""
    chars = set()
    leads = [*range(0x81, 0x99), *range(0xED, 0xEF), *range(0xFA, 0xFD)]
    for lead in leads:
        for trail in range(0x40, 0xFD):
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(bytes((lead, trail)).decode("cp932"))
    return frozenset(chars)


def _plausibility(text: str) -> float:
    """Share of the non-ASCII characters that occur in ordinary Japanese or Korean text."""
    wide = [c for c in text if ord(c) > 0x7F]
    if not wide:
        return 0.0
    common = _common_cp932()
    ok = sum(c in common or "\uac00" <= c <= "\ud7a3" for c in wide)
    return ok / len(wide)


def _utf8_line(data: bytes) -> int | None:
    """Line number of a line written in UTF-8 in a file that is not all UTF-8, if any.

    A CP932 line is seldom well-formed UTF-8 by chance; when it is, its CP932 reading is
    ordinary text and its UTF-8 reading is not, which tells the two apart.
    """
    first = _UTF8_FIRST_LINE.match(data)
    rest = _UTF8_LINE.finditer(data)
    for n, match in enumerate(itertools.chain([first] if first else [], rest)):
        if n >= _UTF8_CANDIDATES:
            break
        line = match.group().lstrip(b"\n")
        as_utf8 = line.decode("utf-8")
        as_cp932 = line.decode("cp932", errors="replace")
        if _plausibility(as_utf8) > _plausibility(as_cp932):
            return _line_of(data, match.end() - 1)
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' / 'utf-16-be' when the NUL bytes are the high bytes of UTF-16 text."""
    if len(data) % 2:
        return None
    head = np.frombuffer(data[: 1 << 16], dtype=np.uint8)
    even, odd = (head[0::2] == 0).sum(), (head[1::2] == 0).sum()
    if odd > 0 and even == 0 and odd * 4 >= len(head) // 2:
        encoding = "utf-16-le"
    elif even > 0 and odd == 0 and even * 4 >= len(head) // 2:
        encoding = "utf-16-be"
    else:
        return None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    return encoding if "\x00" not in text else None


def _encoding_error(path: Path, problem: str) -> InputError:
    return InputError(
        path,
        problem,
        "Save the file again from Excel as 'CSV UTF-8' (or 'CSV' for Shift_JIS), "
        "or in a text editor in one encoding, then run again.",
    )


def decode(data: bytes, path: Path) -> tuple[str, str, bool]:
    """Return (text, encoding, has_bom)."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig", True
        except UnicodeDecodeError as exc:
            line = _line_of(data, exc.start + 3)
            raise _encoding_error(
                path,
                f"starts as UTF-8 but line {line} is not UTF-8 (the file mixes two text encodings)",
            ) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Excel's "Unicode text" export: UTF-16 with tabs.
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError(
                path, "is damaged: it is not valid UTF-16 text", EXPORT_AGAIN
            ) from None
        if "\x00" in text:
            raise _binary_error(path, text.index("\x00"), text)
        return text, "utf-16", True
    if b"\x00" in data:
        encoding = _utf16_without_bom(data)
        if encoding is None:
            raise _binary_error(path, data.index(b"\x00"), data)
        return data.decode(encoding), encoding, False
    try:
        return data.decode("utf-8"), "utf-8", False
    except UnicodeDecodeError as exc:
        not_utf8 = _line_of(data, exc.start)
    utf8 = _utf8_line(data)
    if utf8 is not None:
        raise _encoding_error(
            path,
            f"mixes two text encodings: line {utf8} is UTF-8 but line {not_utf8} is not "
            "(Shift_JIS / CP932?)",
        )
    try:
        return data.decode("cp932"), "cp932", False
    except UnicodeDecodeError as exc:
        line = _line_of(data, exc.start)
        if b"\n" not in data[:4096] and not data[:4096].isascii():
            raise InputError(
                path,
                "is not a text (CSV) file and not a known spreadsheet",
                f"Check that this is the right file. {SAVE_AS_HINT}",
            ) from None
        raise _encoding_error(
            path, f"line {line} is neither UTF-8 nor Shift_JIS (CP932) text"
        ) from None


def _binary_error(path: Path, position: int, data: bytes | str) -> InputError:
    return InputError(
        path,
        "is not a text (CSV) file: it holds binary data "
        f"(NUL bytes, the first on line {_line_of(data, position)})",
        "If it is a spreadsheet, open it in Excel and save it as .xlsx or CSV; if it is a "
        "CSV, it is damaged: download or export it again.",
    )


def _newline(text: str) -> str:
    head = text[:65536]
    if "\r\n" in head:
        return "\r\n"
    if "\r" in head and "\n" not in head:
        return "\r"
    return "\n"


# --- header detection ----------------------------------------------------------------


def find_header(
    records: Sequence[Sequence[str]], kind: str | None, profile: Profile | None
) -> tuple[int, Profile | None]:
    """Index of the header record among the first rows, and the profile it fits.

    The header is the first record some profile fits; title or note rows above it are
    skipped. When nothing fits, the record with the most known header names is taken so
    the error can list what is missing.
    """
    best, best_score = 0, -1
    for i, rec in enumerate(records[:HEADER_SEARCH_ROWS]):
        header = [str(c).strip() for c in rec]
        if profile is not None:
            if profile.fits(header):
                return i, profile
            score = len(profile.locate(header))
        else:
            fit = formats.best_fit(header, kind)
            if fit is not None:
                return i, fit
            score = formats.recognised(header, kind)
        if score > best_score:
            best, best_score = i, score
    return best, None


_WHAT = {"orders": "a QSM order export", "dispatch": "a courier dispatch sheet"}


def _shown(header: Sequence[str]) -> str:
    named = [h for h in header if h]
    if not named:
        return "(no header cells)"
    shown = ", ".join(named[:SHOWN_COLUMNS])
    return shown if len(named) <= SHOWN_COLUMNS else f"{shown}, … ({len(named)} columns)"


def _no_profile_error(
    path: Path,
    header: list[str],
    kind: str | None,
    forced: Profile | None,
    records: Sequence[Sequence[str]] = (),
):
    if forced is not None:
        profile, missing = forced, forced.missing(header)
    else:
        profile, missing = formats.closest(header, kind)
    what = _WHAT.get(kind or "", "a known input file")
    hint = (
        "Check that this is the right file, or name its format with --format / "
        "--dispatch-format (see `qoo10-dispatch formats`)."
    )
    looks = ""
    if kind == "orders" and forced is None:
        # A courier sheet given as the orders file: say so (it may also be a damaged export).
        _, fit = find_header(records, "dispatch", None)
        if fit is not None:
            looks = f": it looks like a courier dispatch sheet ({fit.name})"
            hint = (
                "If it is a courier's sheet, pass it with --dispatch; --orders takes the QSM "
                "配送要請 download."
            )
    return InputError(
        path,
        f"not recognised as {what}{looks}. Columns found: {_shown(header)}. "
        f"Closest format {profile.name!r} is missing: {', '.join(missing)}",
        hint,
    )


def _not_orders(path: Path, records, kind: str | None, profile: Profile | None) -> None:
    """Refuse a QSM order export given as a courier sheet: it has a tracking column, so it
    would pass as a generic sheet and every order would become a dispatch row."""
    if kind != "dispatch" or profile is not None:
        return
    _, fit = find_header(records, "orders", None)
    if fit is not None:
        raise InputError(
            path,
            f"is a QSM order export ({fit.name}), not a courier dispatch sheet",
            "Pass it with --orders; --dispatch takes the courier's sheet "
            "(see `qoo10-dispatch formats`).",
        )


# --- CSV -----------------------------------------------------------------------------


def _head_records(text: str, delimiter: str) -> tuple[list[list[str]], list[int]]:
    """The first records, and the number of physical lines consumed after each."""
    head = text[: 1 << 20]
    reader = csv.reader(io.StringIO(head, newline=""), delimiter=delimiter)
    records, ends = [], []
    try:
        for rec in reader:
            records.append(rec)
            ends.append(reader.line_num)
            if len(records) > HEADER_SEARCH_ROWS:
                break
    except csv.Error:
        pass
    return records, ends


def _line_offsets(text: str, lines: int) -> list[int]:
    """Offsets of the starts of physical lines 2 .. lines + 1 (CR, LF or CRLF ends)."""
    offsets = []
    for match in _LINE_END.finditer(text):
        offsets.append(match.end())
        if len(offsets) >= lines:
            break
    return offsets


def _record_line(text: str, delimiter: str, index: int) -> int:
    """The physical line (1-based, within ``text``) on which CSV record ``index`` (0-based)
    starts. Only for error messages: it reads the records before it one by one."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    with contextlib.suppress(csv.Error):
        for i, _ in enumerate(reader):
            if i + 1 >= index:
                break
    return reader.line_num + 1 if index else 1


_OTHER_SEPARATORS = {";": "semicolons (;)", "|": "vertical bars (|)"}


def _separator_error(path: Path, text: str, kind, profile) -> InputError | None:
    """A clear message when the header fits only with another separator."""
    for delimiter, name in _OTHER_SEPARATORS.items():
        records, _ = _head_records(text, delimiter)
        if find_header(records, kind, profile)[1] is not None:
            return InputError(
                path,
                f"its columns are separated by {name}, not by commas or tabs",
                "Open it in Excel and save it as 'CSV UTF-8 (comma delimited)', then run again.",
            )
    return None


class _Chain(io.RawIOBase):
    """Bytes-like parts read as one stream, without joining them into one copy."""

    def __init__(self, *parts) -> None:
        super().__init__()
        self._parts = [memoryview(p).cast("B") for p in parts]

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> memoryview | bytes:
        while self._parts and not len(self._parts[0]):
            self._parts.pop(0)
        if not self._parts:
            return b""
        head = self._parts[0]
        n = len(head) if size is None or size < 0 else min(size, len(head))
        self._parts[0] = head[n:]
        return head[:n]


def _arrow_cells(body, delimiter: str, width: int) -> pd.DataFrame | None:
    """The records via Arrow's parser (5x the C engine), or None when the file is not the
    plain case: every record ``width`` cells (or blank), every quote closed. Then the C
    engine reads it (it flags rows with stray cells). On the plain case the two agree, blank
    lines included: both give a row of empty cells (tests/test_readers_fastpath.py)."""
    import pyarrow as pa
    from pyarrow import csv as pa_csv

    if width < 2 or not len(body) or bytes(body[:3]) == b"\xef\xbb\xbf":
        return None  # one column (never an export), or a BOM the two may strip differently
    if bytes(body[-width:]) == b"\r" + delimiter.encode() * (width - 1):
        return None  # the C engine sometimes refuses this ending ("Buffer overflow caught")
    # A record of empty cells after the data. Arrow takes a quote still open at the end of
    # the file as closed there, where the C engine refuses the file: an open quote swallows
    # this record, so the last row is then not the empty one.
    end = b"" if bytes(body[-1:]) in (b"\n", b"\r") else b"\n"
    sentinel = end + delimiter.encode() * (width - 1) + b"\n"
    names = [str(i) for i in range(width)]
    try:
        table = pa_csv.read_csv(
            _Chain(body, sentinel),
            # 4 MB blocks parse faster than 16 MB (cache). A longer record reads, unless its
            # quoted line ends span two blocks: then Arrow refuses and the C engine reads it.
            read_options=pa_csv.ReadOptions(column_names=names, block_size=4 << 20),
            parse_options=pa_csv.ParseOptions(
                delimiter=delimiter, newlines_in_values=True, ignore_empty_lines=False
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.large_string()),
                null_values=[],
                strings_can_be_null=False,
                check_utf8=False,  # it is: decoded and encoded by Python, or decoded as UTF-8
            ),
        )
    except pa.ArrowException:  # a record of another width, or anything Arrow will not read
        return None
    last = table.slice(table.num_rows - 1) if table.num_rows else None
    if last is None or any(last.column(i)[0].as_py() for i in range(width)):
        return None
    text = pd.api.types.pandas_dtype(str)  # what the C engine gives for dtype=str
    cells = table.slice(0, table.num_rows - 1).to_pandas(types_mapper={pa.large_string(): text}.get)
    cells.columns = range(width)
    return cells


def _pandas_cells(path: Path, body, delimiter: str, width: int, first_line: int):
    """(cells ``width`` wide, True where a row has cells beyond the header): any file."""
    cells = _pandas_csv(path, body, delimiter, width, first_line).fillna("")
    extra = cells.iloc[:, width:].ne("").any(axis=1).to_numpy()
    cells = cells.iloc[:, :width]
    cells.columns = range(width)
    return cells, extra


def _parse_csv(path: Path, body, delimiter: str, width: int, first_line: int):
    """The data records (``body``: UTF-8 bytes) as text cells ``width`` wide, and True where
    a row has cells beyond the header."""
    cells = _arrow_cells(body, delimiter, width)
    if cells is not None:
        return cells, np.zeros(len(cells), dtype=bool)
    return _pandas_cells(path, body, delimiter, width, first_line)


def _pandas_csv(path: Path, body, delimiter: str, width: int, first_line: int):
    """The data records as a DataFrame of text, at least ``width`` columns wide."""
    columns = width + SPARE_COLUMNS
    # Bytes, not a StringIO: pandas re-encodes a StringIO chunk by chunk, which costs 10x
    # at a million rows.
    data = body if isinstance(body, bytes) else bytes(body)
    for _ in range(6):
        try:
            cells = pd.read_csv(
                io.BytesIO(data),
                encoding="utf-8",
                sep=delimiter,
                header=None,
                names=range(columns),
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                skip_blank_lines=False,
                engine="c",
            )
            if isinstance(cells.index, pd.RangeIndex):
                return cells
            # The first record was wider than ``names``: pandas made its leading cells the
            # index. Read again as wide as that record.
            columns = min(MAX_COLUMNS, columns + cells.index.nlevels)
            continue
        except pd.errors.EmptyDataError:
            return pd.DataFrame(columns=range(columns), dtype=str)
        except pd.errors.ParserError as exc:
            text = str(exc)
            wide = re.search(r"Expected \d+ fields in line \d+, saw (\d+)", text)
            if wide and columns < MAX_COLUMNS:
                # A row with many stray cells: read it (it becomes an INVALID_ROW).
                columns = min(MAX_COLUMNS, max(int(wide.group(1)), 2 * columns))
                continue
            eof = re.search(r"EOF inside string starting at row (\d+)", text)
            if eof:
                record = _record_line(data.decode("utf-8"), delimiter, int(eof.group(1)))
                raise InputError(
                    path,
                    f'has an unclosed quote (") on line {first_line + record - 1}: the rest '
                    "of the file would be read as one cell",
                    "Close or remove that quote (or save the file again from Excel), then run "
                    "again.",
                ) from None
            raise InputError(
                path,
                f"cannot be parsed as CSV ({text.removeprefix('Error tokenizing data. ')})",
                "Save the file again from Excel as CSV, then run again.",
            ) from None
    raise InputError(
        path, f"has rows with more than {MAX_COLUMNS} cells", "Save the file again from Excel."
    )


def _utf8_body(data: bytes, text: str, encoding: str, offset: int) -> memoryview:
    """``text[offset:]`` as UTF-8: the file's own bytes when it is UTF-8 (no copy), else
    the whole text encoded (no slice of the str beside it)."""
    head = len(text[:offset].encode("utf-8"))
    if encoding == "utf-8":
        return memoryview(data)[head:]
    if encoding == "utf-8-sig":
        return memoryview(data)[3 + head :]
    return memoryview(text.encode("utf-8"))[head:]


def read_csv(path: Path, data: bytes, kind: str | None, profile: Profile | None):
    text, encoding, bom = decode(data, path)
    if not text or text.isspace():  # not text.strip(): no copy of a 1 GB str to test it
        raise InputError(path, "is empty", EXPORT_AGAIN)
    newline = _newline(text)
    # Excel's Unicode text is tab-separated; otherwise try the comma first.
    choices = ["\t", ","] if encoding.startswith("utf-16") else [",", "\t"]
    tried = []
    for delimiter in choices:
        records, ends = _head_records(text, delimiter)
        index, fit = find_header(records, kind, profile)
        tried.append((fit is not None, len(records[index]) if records else 0, delimiter))
        if fit is not None:
            break
    else:
        # Neither delimiter gave a known header: report against the widest reading.
        other = _separator_error(path, text, kind, profile)
        if other is not None:
            raise other
        _, _, delimiter = max(tried)
        records, ends = _head_records(text, delimiter)
        _not_orders(path, records, kind, profile)
        index, _ = find_header(records, kind, profile)
        header = [c.strip() for c in records[index]] if records else []
        raise _no_profile_error(path, header, kind, profile, records)
    _not_orders(path, records[index : index + 1], kind, profile)

    header = [c.strip() for c in records[index]]
    # starts[k]: where physical line k + 1 begins (the last line may have no line end).
    starts = [0, *_line_offsets(text, ends[index])]
    starts += [len(text)] * (ends[index] + 1 - len(starts))
    begin = starts[ends[index - 1]] if index else 0
    header_line = text[begin : starts[ends[index]]].rstrip("\r\n")
    offset = starts[ends[index]]
    # The file's line end is the one ending the header record: a CRLF inside a quoted cell
    # of an LF file (a multi-line 配送要請事項) does not make the file CRLF.
    ending = _LINE_END.search(text, offset - 2 if offset >= 2 else 0, offset)
    newline = ending.group() if ending and ending.end() == offset else newline
    width = len(header)
    body = _utf8_body(data, text, encoding, offset)
    # The decoded str (1-4 bytes a character; the match holds it too) is not needed beside
    # its UTF-8 copy while parsing.
    del text, ending
    cells, extra = _parse_csv(path, body, delimiter, width, ends[index] + 1)
    first_data_row = index + 2  # records are 0-based; Excel rows 1-based, after the header
    rows = np.arange(first_data_row, first_data_row + len(cells))
    quote_all = header_line.startswith('"') and all(
        c.startswith('"') for c in header_line.split(delimiter) if c
    )
    sheet = Sheet(
        path=path,
        header=header,
        cells=cells,
        rows=rows,
        file_type="csv",
        encoding=encoding,
        bom=bom,
        newline=newline,
        delimiter=delimiter,
        quote_all=quote_all,
        header_line=header_line,
        header_row=index + 1,
        extra_cells=extra,
    )
    return sheet, fit


# --- XLSX: checks before parsing -------------------------------------------------------


def _decrypt(path: Path, data: bytes, password: str | None) -> bytes:
    import msoffcrypto

    try:
        office = msoffcrypto.OfficeFile(io.BytesIO(data))
        encrypted = office.is_encrypted()
    except Exception:
        encrypted = False
    if not encrypted:
        return data  # an old .xls (BIFF): calamine reads those directly
    if not password:
        raise InputError(
            path,
            "is password-protected",
            "Pass the password with --password PASSWORD "
            "(or set the QOO10_DISPATCH_PASSWORD environment variable).",
        )
    out = io.BytesIO()
    try:
        office.load_key(password=password)
        office.decrypt(out)
    except Exception:
        raise InputError(
            path, "could not be opened with the password given", "Check the password."
        ) from None
    return out.getvalue()


_TOO_BIG_HINT = "This is not a normal dispatch sheet; export it again as CSV."
_OUTSIDE_HINT = (
    "In Excel, delete the rows and columns outside the table (or export the sheet as CSV), "
    "then run again."
)
_BINARY_MEMBERS = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf", ".bin")
_CHUNK = 1 << 22
_OVERLAP = 64  # bytes carried from one chunk to the next; longer than any pattern we look for
_SPACE = np.zeros(256, dtype=bool)
_SPACE[[9, 10, 13, 32]] = True
_TAG_END = _SPACE.copy()
_TAG_END[[ord(">"), ord("/")]] = True
_HUGE = 1 << 40


def _chunks(z: zipfile.ZipFile, info: zipfile.ZipInfo):
    """A member's bytes in chunks, each with the offset before which a match counts (the
    rest is carried over to the next chunk, so nothing is counted twice or cut in two)."""
    with z.open(info) as stream:
        tail = b""
        while True:
            chunk = stream.read(_CHUNK)
            buf = tail + chunk
            if not buf:
                return
            limit = max(0, len(buf) - _OVERLAP) if chunk else len(buf)
            yield buf, limit
            if not chunk:
                return
            tail = buf[limit:]


def _prefix(buf: bytes, root: bytes) -> bytes:
    """The namespace prefix of the part's root element ("x:" in <x:worksheet>), or b""."""
    found = re.search(rb"<(?:(\w+):)?" + root + rb"\b", buf[:8192])
    return found.group(1) + b":" if found and found.group(1) else b""


def _start_tags(buf: bytes, limit: int, *tags: bytes) -> list[int]:
    """For each tag, the start tags ``<tag`` (followed by a space, > or /) that begin before
    ``limit``. The ``<`` are found once, then narrowed by each tag's first byte."""
    a = np.frombuffer(buf, dtype=np.uint8)
    lt = np.flatnonzero(a[:limit] == ord("<"))
    lt = lt[lt + 1 < len(a)]
    first = a[lt + 1]
    counts = []
    for tag in tags:
        n = len(tag)
        at = lt[first == tag[0]]
        at = at[at + n + 1 < len(a)]
        hit = _TAG_END[a[at + n + 1]]
        for i in range(1, n):
            hit &= a[at + 1 + i] == tag[i]
        counts.append(int(np.count_nonzero(hit)))
    return counts


def _cell_refs(buf: bytes, limit: int) -> tuple[int, int, int, int]:
    """(max row, max column, cell refs, row refs) of the ` r="..."` attributes before limit.

    Vectorised: the positions come from one comparison over the chunk, the values from a
    few column-wise steps over those positions (letters, then digits, Horner's rule); a
    step stops when no value has a character left.
    """
    a = np.frombuffer(buf, dtype=np.uint8)
    last = len(a) - 1
    eq = np.flatnonzero(a[: limit + 2] == ord("="))
    eq = eq[(eq >= 2) & (eq < last)]
    quote = a[eq + 1]
    eq = eq[(a[eq - 1] == ord("r")) & _SPACE[a[eq - 2]] & ((quote == 34) | (quote == 39))]
    if not len(eq):
        return 0, 0, 0, 0
    # Past the end of the chunk the last byte repeats: a value cut there ends there.
    a = np.concatenate([a, np.full(12, a[last], dtype=np.uint8)])
    at = eq + 2  # the value's first character
    letters = _run_length(a, at, 4, lambda ch: (ch | 0x20) - 97 < 26)  # uint8 wraps: A-Z, a-z
    cells = int(np.count_nonzero(letters))
    start = at + letters
    digits = _run_length(a, start, 8, lambda ch: ch - 48 < 10)
    if digits.max() > 7:
        return _HUGE, _max_column(a, at, letters), cells, len(at) - cells  # beyond 9,999,999
    row = np.zeros(len(at), dtype=np.int32)
    for k in range(int(digits.max())):
        row = np.where(digits > k, row * 10 + (a[start + k] - 48), row)
    return int(row.max()), _max_column(a, at, letters), cells, len(at) - cells


def _run_length(a: np.ndarray, at: np.ndarray, most: int, accept) -> np.ndarray:
    """How many bytes from each position ``accept`` takes in a row, up to ``most``."""
    alive = np.ones(len(at), dtype=bool)
    length = np.zeros(len(at), dtype=np.intp)
    for k in range(most):
        alive &= accept(a[at + k])
        if not alive.any():
            break
        length += alive
    return length


def _max_column(a: np.ndarray, at: np.ndarray, letters: np.ndarray) -> int:
    """The largest column named by the refs: a longer name is a larger one (Z = 26 < AA)."""
    most = int(letters.max())
    if most > 3:
        return _HUGE  # beyond column XFD
    top = at[letters == most]
    col = np.zeros(len(top), dtype=np.int64)
    for k in range(most):
        col = col * 26 + ((a[top + k] | 0x20) - 96)
    return int(col.max())


def _column_name(col: int) -> str:
    """1 -> A, 28 -> AB, 16384 -> XFD."""
    name = ""
    while col > 0:
        col, rest = divmod(col - 1, 26)
        name = chr(65 + rest) + name
    return name


def _uncached_formula(buf: bytes, limit: int, p: bytes) -> bool:
    """A formula cell whose value was never calculated (written by a program, not by Excel):
    no <v>, or an empty one, and not a text result (t="str" may legitimately be empty)."""
    empty = rb"\s*(?:<%sv\s*/>|<%sv>\s*</%sv>|</%sc>)" % (p, p, p, p)
    ends = re.compile(
        re.escape(b"</" + p + b"f>")
        + empty
        + b"|"
        + re.escape(b"<" + p + b"f ")
        + rb"[^>]*/>"
        + empty
    )
    for match in ends.finditer(buf, 0, len(buf)):
        if match.start() >= limit:
            break
        cell = buf.rfind(b"<" + p + b"c ", 0, match.start())
        if cell < 0:
            continue  # the cell began in the previous chunk: give it the benefit of the doubt
        tag = buf[cell : buf.find(b">", cell)]
        if not re.search(rb"""\bt=["']str["']""", tag):
            return True
    return False


def _scan_member(z: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[int, int, bool]:
    """(rows, columns) a worksheet part spans from A1, and whether it holds formulas whose
    value was never calculated. Streams the part; vectorised, no per-cell Python."""
    max_row = max_col = cell_refs = row_refs = cell_tags = row_tags = 0
    uncached = False
    p = None
    for buf, limit in _chunks(z, info):
        if p is None:
            p = _prefix(buf, b"worksheet")
        r, c, cells, rows = _cell_refs(buf, limit)
        max_row, max_col = max(max_row, r), max(max_col, c)
        cell_refs, row_refs = cell_refs + cells, row_refs + rows
        c_tags, r_tags, f_tags = _start_tags(buf, limit, p + b"c", p + b"row", p + b"f")
        cell_tags, row_tags = cell_tags + c_tags, row_tags + r_tags
        if not uncached and f_tags:
            uncached = _uncached_formula(buf, limit, p)
    # Cells and rows without a position continue from the previous one.
    columns = max_col + max(0, cell_tags - cell_refs)
    rows = max_row + max(0, row_tags - row_refs)
    return rows, columns, uncached


def _shared_strings(z: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[int, int]:
    """(strings the table declares, strings it holds)."""
    declared, held = 0, 0
    p = None
    for buf, limit in _chunks(z, info):
        if p is None:
            p = _prefix(buf, b"sst")
            start = re.search(rb"<(?:\w+:)?sst\b[^>]*>", buf)
            counts = re.search(rb"\buniqueCount=[\"'](\d+)", start.group()) if start else None
            declared = int(counts.group(1)) if counts else 0
        held += _start_tags(buf, limit, p + b"si")[0]
    return declared, held


def _inspect_zip(path: Path, data: bytes) -> None:
    """Refuse what is not a workbook, or would exhaust memory or time, before parsing."""
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        members = z.infolist()
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,  # a damaged header claiming an unknown zip version
        ValueError,
        OSError,
        EOFError,
    ):
        raise InputError(
            path,
            "is damaged or incomplete: it is not a valid zip (.xlsx) file",
            f"If it was copied or downloaded, do that again. {SAVE_AS_HINT}",
        ) from None
    names = {m.filename for m in members}
    if "xl/workbook.bin" in names:
        raise InputError(path, "is an Excel binary workbook (.xlsb)", SAVE_AS_HINT)
    if "mimetype" in names and "content.xml" in names:
        raise InputError(path, "is an OpenDocument spreadsheet (.ods)", SAVE_AS_HINT)
    if "xl/workbook.xml" not in names:
        inside = ", ".join(sorted(n for n in names if not n.endswith("/"))[:5]) or "nothing"
        raise InputError(
            path,
            f"is a zip archive (holding {inside}), not an Excel workbook",
            "Unzip it and pass the file inside, then run again.",
        )
    unpacked = sum(m.file_size for m in members)
    if unpacked > MAX_XLSX_UNPACKED:
        raise InputError(
            path,
            f"unpacks to {unpacked / (1 << 30):,.1f} GB, more than the "
            f"{MAX_XLSX_UNPACKED / (1 << 30):,.1f} GB limit",
            _TOO_BIG_HINT,
        )
    for m in members:
        if m.file_size > RATIO_CHECK_FROM and m.file_size > MAX_COMPRESSION_RATIO * max(
            m.compress_size, 1
        ):
            raise InputError(
                path,
                f"is compressed {m.file_size // max(m.compress_size, 1):,} times over "
                f"({m.filename}: {m.file_size >> 20:,} MB from {m.compress_size >> 10:,} kB): "
                "a zip bomb, not a spreadsheet",
                _TOO_BIG_HINT,
            )
    try:
        _inspect_parts(path, z, members)
    except InputError:
        raise
    except Exception as exc:  # zipfile / zlib on a damaged member: bad CRC, bad deflate data
        raise InputError(
            path,
            f"is damaged ({exc})",
            f"If it was copied or downloaded, do that again. {SAVE_AS_HINT}",
        ) from None


def _inspect_parts(path: Path, z: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> None:
    for m in members:
        name = PurePosixPath(m.filename)
        if m.is_dir() or name.suffix.lower() in _BINARY_MEMBERS:
            continue
        if name.name.lower() == "sharedstrings.xml":
            declared, held = _shared_strings(z, m)
            if declared > held + 1024:
                raise InputError(
                    path,
                    f"is damaged: its shared strings table declares {declared:,} strings "
                    f"but holds {held:,}",
                    SAVE_AS_HINT,
                )
            continue
        rows, columns, uncached = _scan_member(z, m)
        if rows * columns > MAX_SHEET_CELLS:
            corner = f"{_column_name(min(columns, 1 << 20))}{rows}"
            raise InputError(
                path,
                f"has cells as far as {corner} ({rows:,} rows x {columns:,} columns): more "
                f"than the {MAX_SHEET_CELLS:,} cells this program reads from one sheet",
                _OUTSIDE_HINT,
            )
        if uncached:
            raise InputError(
                path,
                "has formulas whose values were never calculated (it was written by a "
                "program, not saved by Excel)",
                "Open it in Excel and save it, so the values are calculated, then run again.",
            )


# --- XLSX: reading -------------------------------------------------------------------


def _cell_text(v: object) -> str:
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        if v.is_integer():
            return str(int(v))  # 389711074012.0 -> "389711074012", never 3.89711074012e+11
        return repr(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if isinstance(v, (dt.date, dt.time)):
        return v.isoformat()
    if isinstance(v, dt.timedelta):
        return str(v)
    return "" if v is None else str(v)


def _to_text(column: pd.Series) -> pd.Series:
    # Text columns (the common case) pass untouched; only mixed ones are converted cell by cell.
    if pd.api.types.infer_dtype(column, skipna=True) in ("string", "empty"):
        return column.astype(object)
    if column.dtype != object and column.dtype != np.float64:
        return column.map(_cell_text)  # int, bool, datetime64...: as map hands them over
    # What map would hand _cell_text: the objects, or a float column's values as floats.
    text = _cells_text(column.to_numpy(dtype=object))
    return pd.Series(text, index=column.index, name=column.name)


_INT, _FLOAT, _DATE = -1, 1, 2
_KINDS = {float: _FLOAT, dt.date: _DATE}  # exact types: not bool, not datetime


def _cells_text(values: np.ndarray):
    """``_cell_text`` of each value, as the str array map would give. Numbers come as floats
    (order and tracking numbers): those holding an integer are written by Arrow at once;
    dates once per distinct day; the rest one by one."""
    import pyarrow as pa

    kind = np.array(list(map(_KINDS.get, map(type, values), itertools.repeat(0))), np.int8)
    floats = np.flatnonzero(kind == _FLOAT)
    numbers = values[floats].astype(np.float64)
    # v.is_integer(), and within int64 so that the cast is exact.
    whole = np.isfinite(numbers) & (numbers == np.trunc(numbers)) & (np.abs(numbers) < 2.0**63)
    ints = floats[whole]
    kind[ints] = _INT
    rest = np.flatnonzero(kind != _INT)
    dates = values[kind == _DATE].tolist()
    once = {d: d.isoformat() for d in set(dates)}  # a date column holds a few days, repeated
    texts = [
        once[v] if k == _DATE else _cell_text(v)
        for v, k in zip(values[rest].tolist(), kind[rest].tolist(), strict=True)
    ]
    text = pa.concat_arrays(
        [
            pa.array(numbers[whole].astype(np.int64)).cast(pa.large_string()),
            pa.array(texts, pa.large_string()),
        ]
    )
    if len(ints) and len(rest):  # back in row order
        order = np.empty(len(values), dtype=np.intp)
        order[np.concatenate([ints, rest])] = np.arange(len(values))
        text = text.take(order)
    return pd.api.types.pandas_dtype(str).__from_arrow__(text)


def _fill_merged(path: Path, body: pd.DataFrame, merged, first_row: int) -> None:
    """A value merged down over several rows belongs to each of them (as the seller sees it).

    Only the data area below the header; across columns a merge stays in its first column.
    Vectorised over the merged ranges and the rows they cover.
    """
    if not merged or body.empty:
        return
    ranges = np.array([(r0, c0, r1) for (r0, c0), (r1, _c1) in merged], dtype=np.int64)
    top = ranges[:, 0] - first_row
    col = ranges[:, 1]
    bottom = np.minimum(ranges[:, 2] - first_row, len(body) - 1)
    keep = (top >= 0) & (bottom > top) & (col < body.shape[1])
    top, col, span = top[keep], col[keep], (bottom - top)[keep]
    if not len(top):
        return
    if span.sum() > body.size:
        raise InputError(path, "is damaged: its merged cells overlap", SAVE_AS_HINT)
    source = np.repeat(top, span)
    column = np.repeat(col, span)
    target = source + 1 + np.arange(span.sum()) - np.repeat(np.cumsum(span) - span, span)
    for c in np.unique(column):
        at = column == c
        values = body[c].to_numpy(dtype=object, copy=True)
        values[target[at]] = values[source[at]]
        body[c] = values


@dataclass
class _Candidate:
    name: str
    index: int
    fit: Profile | None
    head: list[list[str]]
    values: list  # the sheet's cells from A1, as the parser gives them
    merged: list | None  # merged ranges ((row, col), (row, col)), 0-based


# The parser's own errors, and the PanicException pyo3 raises when it panics on a damaged
# file: that one derives from BaseException, so `except Exception` would let it through.
_PARSER_ERRORS = BaseException


def _reraise_interrupts(exc: BaseException) -> None:
    if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit, MemoryError)):
        raise exc


def _workbook_error(path: Path, exc: BaseException) -> InputError:
    reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return InputError(path, f"cannot be read as an Excel workbook ({reason[:200]})", SAVE_AS_HINT)


def read_xlsx(path: Path, data: bytes, kind: str | None, profile, password):
    from python_calamine import CalamineWorkbook

    if data.startswith(OLE_MAGIC):
        data = _decrypt(path, data, password)
    if data.startswith(b"PK"):
        _inspect_zip(path, data)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = book.sheet_names
    except _PARSER_ERRORS as exc:
        _reraise_interrupts(exc)
        raise _workbook_error(path, exc) from None
    found: list[_Candidate] = []
    for name in names:
        try:
            sheet = book.get_sheet_by_name(name)
            values = sheet.to_python(skip_empty_area=False)
            merged = sheet.merged_cell_ranges  # None where the format has none
        except _PARSER_ERRORS as exc:
            _reraise_interrupts(exc)
            message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            if "not a worksheet" in message.lower() or "expecting a worksheet" in message.lower():
                continue  # a chart sheet
            raise InputError(
                path, f"sheet {name!r} cannot be read ({message[:200]})", SAVE_AS_HINT
            ) from None
        head = [[_cell_text(v).strip() for v in row] for row in values[:HEADER_SEARCH_ROWS]]
        index, fit = find_header(head, kind, profile)
        found.append(_Candidate(name, index, fit, head, values, merged))
    fitting = [c for c in found if c.fit is not None]
    if not fitting:
        heads = [c.head[c.index] if c.head else [] for c in found]
        records = [rec for c in found for rec in c.head]
        _not_orders(path, records, kind, profile)
        header = max(heads, key=lambda h: formats.recognised(h, kind)) if heads else []
        raise _no_profile_error(path, header, kind, profile, records)
    sheets = [(c, _sheet_from(path, c)) for c in fitting]
    with_rows = [(c, s) for c, s in sheets if _has_cells(s.cells)]
    if len(with_rows) > 1:
        listed = ", ".join(repr(c.name) for c, _ in with_rows)
        raise InputError(
            path,
            f"has {len(with_rows)} sheets of data ({listed}); only one sheet a file is read",
            "Save each sheet as its own file (or delete the sheet not to use) and pass them "
            "one by one, then run again.",
        )
    chosen, sheet = (with_rows or sheets)[0]
    _not_orders(path, chosen.head[chosen.index : chosen.index + 1], kind, profile)
    return sheet, chosen.fit


def _has_cells(cells: pd.DataFrame) -> bool:
    """cells.ne("").any(axis=None), column by column: it stops at the first one with text."""
    return any(cells[c].ne("").any() for c in cells.columns)


def _sheet_from(path: Path, c: _Candidate) -> Sheet:
    header = list(c.head[c.index])
    # Trailing blank header cells are layout, not columns.
    while header and not header[-1]:
        header.pop()
    width = len(header)
    body = pd.DataFrame(c.values[c.index + 1 :])
    if body.empty:
        body = pd.DataFrame(columns=range(width))
    body = body.reindex(columns=range(max(width, body.shape[1])), fill_value="")
    body = body.apply(_to_text)
    _fill_merged(path, body, c.merged, c.index + 1)
    extra = body.iloc[:, width:].ne("").any(axis=1).to_numpy()
    cells = body.iloc[:, :width].copy()
    cells.columns = range(width)
    rows = np.arange(c.index + 2, c.index + 2 + len(cells))
    return Sheet(
        path=path,
        header=header,
        cells=cells,
        rows=rows,
        file_type="xlsx",
        header_row=c.index + 1,
        sheet_name=c.name,
        extra_cells=extra,
    )


# --- entry point ---------------------------------------------------------------------


def _read_bytes(path: Path) -> bytes:
    if path.is_dir():
        raise InputError(path, "is a directory, not a file", "Pass the file inside it.")
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(
            path, "does not exist", "Check the path (and the file's name and extension)."
        ) from None
    except OSError as exc:
        raise InputError(
            path, f"cannot be read ({exc.strerror})", "Check that the file is not open elsewhere."
        ) from None


def _markup_error(path: Path, data: bytes) -> InputError | None:
    """An HTML table or XML spreadsheet saved under a spreadsheet name."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf\xff\xfe\xfe\xff\x00 \t\r\n").lower()
    if not head.startswith(b"<"):
        return None
    if b"urn:schemas-microsoft-com:office:spreadsheet" in data[:65536]:
        what = "an Excel 2003 XML spreadsheet, not a real .xlsx or .xls"
    else:
        what = "a web page (HTML) saved with a spreadsheet name, not a real Excel file"
    return InputError(path, f"is {what}", SAVE_AS_HINT)


def read_sheet(
    path: str | os.PathLike,
    kind: str | None = None,
    format: str | None = None,
    password: str | None = None,
) -> tuple[Sheet, Profile]:
    """Read one file and find its header and format profile."""
    path = Path(path)
    profile = None
    if format:
        try:
            profile = formats.get(format)
        except KeyError as exc:
            raise InputError(path, exc.args[0]) from None
        if kind is not None and profile.kind != kind:
            raise InputError(
                path,
                f"format {format!r} is for {_WHAT[profile.kind]}, not {_WHAT[kind]}",
                "See `qoo10-dispatch formats`.",
            )
    data = _read_bytes(path)
    if not data or data.isspace():  # as not data.strip(), without copying the file
        raise InputError(path, "is empty", EXPORT_AGAIN)
    suffix = path.suffix.lower()
    if data.startswith((ZIP_MAGIC, b"PK\x05\x06", OLE_MAGIC)):
        return read_xlsx(path, data, kind, profile, password)
    markup = _markup_error(path, data) if suffix in (*EXCEL_SUFFIXES, ".htm", ".html") else None
    if markup is not None:
        raise markup
    if suffix in EXCEL_SUFFIXES:
        # Not a workbook inside: a CSV saved under an Excel name is read as one.
        try:
            decode(data, path)
        except InputError:
            raise InputError(
                path, "is damaged or not really an Excel file (it is not a workbook)", SAVE_AS_HINT
            ) from None
    return read_csv(path, data, kind, profile)


def _duplicates(sheet: Sheet, positions: dict[str, int]) -> None:
    """Refuse a used column whose name appears twice with different values."""
    keys = [formats.header_key(h) for h in sheet.header]
    for p in positions.values():
        for q in range(len(keys)):
            if q == p or keys[q] != keys[p]:
                continue
            first, other = sheet.cells[p], sheet.cells[q]
            if (other.eq("") | other.eq(first)).all():
                continue  # a blank or identical copy: nothing is ambiguous
            a, b = sorted((p, q))
            raise InputError(
                sheet.path,
                f"the column {sheet.header[p]!r} appears twice (columns {a + 1} and {b + 1}, "
                f"{_column_name(a + 1)} and {_column_name(b + 1)}) with different values: "
                "it is not clear which one to use",
                "Delete or rename one of the two columns, then run again.",
            )


def canonical(sheet: Sheet, profile: Profile) -> Table:
    """Map a sheet's columns to the profile's canonical names; absent columns are ""."""
    positions = profile.locate(sheet.header)
    _duplicates(sheet, positions)
    frame = pd.DataFrame(
        {
            canon: sheet.cells[positions[canon]] if canon in positions else ""
            for canon in profile.columns
        },
        index=sheet.cells.index,
    )
    frame = frame.assign(source_file=sheet.path.name, source_row=sheet.rows)
    # Rows with nothing in them (Excel's trailing blank rows) are not data.
    blank = sheet.cells.eq("").all(axis=1) if sheet.cells.shape[1] else pd.Series(True, frame.index)
    if sheet.extra_cells is not None:
        frame["extra_cells"] = sheet.extra_cells
        blank &= ~frame["extra_cells"]
    keep = ~blank.to_numpy()
    if not keep.all():  # else the filter would only copy every column (the index stays a range)
        sheet.cells = sheet.cells[keep]
        sheet.rows = sheet.rows[keep]
        frame = frame[keep]
    return Table(sheet=sheet, profile=profile, frame=frame, positions=positions)


def read_table(
    path: str | os.PathLike,
    kind: str | None = None,
    format: str | None = None,
    password: str | None = None,
) -> Table:
    """Read an input file into canonical text columns. Raises InputError when unusable."""
    sheet, profile = read_sheet(path, kind, format, password)
    return canonical(sheet, profile)
