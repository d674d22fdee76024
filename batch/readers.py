"""Bytes on disk -> a DataFrame of text, plus what is needed to write the file back.

Every cell is read as text: a tracking number parsed as a float cannot be given its
digits back. Encoding: BOM -> utf-8-sig (or utf-16), else strict UTF-8, else CP932
(never shift_jis: it fails on ①, 髙, 﨑 and maps the full-width hyphen to U+2212).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import os
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from batch import formats
from batch.errors import InputError
from batch.formats import Profile

# How far down a sheet the header row may be (title and note rows above it).
HEADER_SEARCH_ROWS = 30
# Refuse .xlsx whose unpacked size is absurd (zip bombs, huge shared-strings tables).
MAX_XLSX_UNPACKED = 1 << 30
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# Extra columns parsed beyond the header, so a row with stray cells is reported, not fatal.
SPARE_COLUMNS = 8

SAVE_AS_HINT = "Open it in Excel and save it as .xlsx or as CSV, then run again."


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


def decode(data: bytes, path: Path) -> tuple[str, str, bool]:
    """Return (text, encoding, has_bom)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig", True
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Excel's "Unicode text" export: UTF-16 with tabs.
        return data.decode("utf-16"), "utf-16", True
    try:
        return data.decode("utf-8"), "utf-8", False
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp932"), "cp932", False
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            path,
            f"line {line} is neither UTF-8 nor Shift_JIS (CP932) text",
            "Save the file again as 'CSV UTF-8' or 'CSV (Shift_JIS)' from Excel; "
            "a file mixing both encodings cannot be read.",
        ) from None


def _newline(line: str) -> str:
    """The line ending of the header's own line (a quoted cell may hold another kind)."""
    for ending in ("\r\n", "\n", "\r"):
        if line.endswith(ending):
            return ending
    return "\r\n"


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


def _no_profile_error(path: Path, header: list[str], kind: str | None, forced: Profile | None):
    shown = ", ".join(h for h in header if h) or "(no header cells)"
    if forced is not None:
        profile, missing = forced, forced.missing(header)
    else:
        profile, missing = formats.closest(header, kind)
    what = {"orders": "a QSM order export", "dispatch": "a courier dispatch sheet"}.get(
        kind or "", "a known input file"
    )
    return InputError(
        path,
        f"not recognised as {what}. Columns found: {shown}. "
        f"Closest format {profile.name!r} is missing: {', '.join(missing)}",
        "Check that this is the right file, or name its format with --format / "
        "--dispatch-format (see `qoo10-dispatch formats`).",
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


def read_csv(path: Path, data: bytes, kind: str | None, profile: Profile | None):
    text, encoding, bom = decode(data, path)
    if "\x00" in text:
        raise InputError(path, "contains NUL bytes: it is not a text (CSV) file", SAVE_AS_HINT)
    if not text.strip():
        raise InputError(path, "is empty", "Download or export the file again.")
    # Excel's Unicode text is tab-separated; otherwise try the comma first.
    choices = ["\t", ","] if encoding == "utf-16" else [",", "\t"]
    tried = []
    for delimiter in choices:
        records, ends = _head_records(text, delimiter)
        index, fit = find_header(records, kind, profile)
        tried.append((fit is not None, len(records[index]) if records else 0, delimiter))
        if fit is not None:
            break
    else:
        # Neither delimiter gave a known header: report against the widest reading.
        _, _, delimiter = max(tried)
        records, ends = _head_records(text, delimiter)
        index, _ = find_header(records, kind, profile)
        header = [c.strip() for c in records[index]] if records else []
        raise _no_profile_error(path, header, kind, profile)

    header = [c.strip() for c in records[index]]
    # The physical lines up to the header's end, split as the csv module counted them.
    lines = list(itertools.islice(io.StringIO(text, newline=""), ends[index]))
    start = ends[index - 1] if index else 0
    header_line = "".join(lines[start:]).rstrip("\r\n")
    newline = _newline(lines[-1])
    offset = sum(len(line) for line in lines)
    width = len(header)
    try:
        cells = pd.read_csv(
            io.StringIO(text[offset:]),
            sep=delimiter,
            header=None,
            names=range(width + SPARE_COLUMNS),
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
        )
    except pd.errors.ParserError as exc:
        raise InputError(
            path,
            f"cannot be parsed as CSV ({exc})",
            'Look for an unclosed quote (") near that line, or save the file again from Excel.',
        ) from None
    except pd.errors.EmptyDataError:
        cells = pd.DataFrame(columns=range(width + SPARE_COLUMNS), dtype=str)
    cells = cells.fillna("")
    first_data_row = index + 2  # records are 0-based; Excel rows 1-based, after the header
    rows = np.arange(first_data_row, first_data_row + len(cells))
    extra = cells.iloc[:, width:].ne("").any(axis=1).to_numpy()
    cells = cells.iloc[:, :width]
    cells.columns = range(width)
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


# --- XLSX ----------------------------------------------------------------------------


def _decrypt(path: Path, data: bytes, password: str | None) -> bytes:
    import msoffcrypto
    from msoffcrypto.exceptions import DecryptionError, InvalidKeyError

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
    except (InvalidKeyError, DecryptionError, Exception):
        raise InputError(
            path, "could not be opened with the password given", "Check the password."
        ) from None
    return out.getvalue()


def _check_zip(path: Path, data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            unpacked = sum(i.file_size for i in z.infolist())
    except zipfile.BadZipFile:
        raise InputError(
            path, "is damaged or not really an .xlsx file (it is not a valid zip)", SAVE_AS_HINT
        ) from None
    if unpacked > MAX_XLSX_UNPACKED:
        raise InputError(
            path,
            f"unpacks to {unpacked >> 20} MB, more than the {MAX_XLSX_UNPACKED >> 20} MB limit",
            "This is not a normal dispatch sheet; export it again as CSV.",
        )


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
    return column.map(_cell_text)


def read_xlsx(path: Path, data: bytes, kind: str | None, profile, password):
    from python_calamine import CalamineWorkbook

    if data.startswith(OLE_MAGIC):
        data = _decrypt(path, data, password)
    if data.startswith(ZIP_MAGIC):
        _check_zip(path, data)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = book.sheet_names
    except Exception as exc:
        raise InputError(
            path, f"cannot be read as an Excel workbook ({exc})", SAVE_AS_HINT
        ) from None
    tried = []
    for name in names:
        try:
            values = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception as exc:
            raise InputError(path, f"sheet {name!r} cannot be read ({exc})", SAVE_AS_HINT) from None
        head = [[_cell_text(v).strip() for v in row] for row in values[:HEADER_SEARCH_ROWS]]
        index, fit = find_header(head, kind, profile)
        tried.append((name, head[index] if head else []))
        if fit is None:
            continue
        header = head[index]
        # Trailing blank header cells are layout, not columns.
        while header and not header[-1]:
            header.pop()
        width = len(header)
        body = pd.DataFrame(values[index + 1 :])
        if body.empty:
            body = pd.DataFrame(columns=range(width))
        body = body.reindex(columns=range(max(width, body.shape[1])), fill_value="")
        body = body.apply(_to_text)
        extra = body.iloc[:, width:].ne("").any(axis=1).to_numpy()
        cells = body.iloc[:, :width].copy()
        cells.columns = range(width)
        rows = np.arange(index + 2, index + 2 + len(cells))
        sheet = Sheet(
            path=path,
            header=header,
            cells=cells,
            rows=rows,
            file_type="xlsx",
            header_row=index + 1,
            sheet_name=name,
            extra_cells=extra,
        )
        return sheet, fit
    name, header = max(tried, key=lambda t: formats.recognised(t[1], kind)) if tried else ("", [])
    raise _no_profile_error(path, header, kind, profile)


# --- entry point ---------------------------------------------------------------------


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
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror})") from None
    if not data.strip():
        raise InputError(path, "is empty", "Download or export the file again.")
    suffix = path.suffix.lower()
    if data.startswith((ZIP_MAGIC, OLE_MAGIC)) or suffix in (".xlsx", ".xlsm", ".xls"):
        if suffix == ".xls" and data.lstrip()[:1] == b"<":
            raise InputError(path, "is a web page (HTML) saved with an .xls name", SAVE_AS_HINT)
        sheet, fit = read_xlsx(path, data, kind, profile, password)
    else:
        sheet, fit = read_csv(path, data, kind, profile)
    return sheet, fit


def canonical(sheet: Sheet, profile: Profile) -> Table:
    """Map a sheet's columns to the profile's canonical names; absent columns are ""."""
    positions = profile.locate(sheet.header)
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
