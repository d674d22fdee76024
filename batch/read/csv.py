"""A CSV (or tab-separated) file -> a Sheet of text cells, keeping how it was written.

The delimiter, line end, BOM, quoting and the header line exactly as in the file are kept so
that the upload can be written back the same way. The records are parsed by Arrow when the
file is the plain case (every record as wide as the header, every quote closed), else by the
pandas C engine, which also flags rows with stray cells.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from batch.errors import InputError, Phrase
from batch.formats import Profile
from batch.read.decode import decode, decode_start
from batch.read.header import (
    HEADER_SEARCH_ROWS,
    find_by_position,
    find_header,
    no_profile_error,
    refuse_order_export,
)
from batch.read.sheet import EXPORT_AGAIN, Sheet

# Extra columns parsed beyond the header, so a row with stray cells is reported, not fatal.
SPARE_COLUMNS = 8
MAX_COLUMNS = 16_384
# Characters of the file's text in which the header is looked for.
HEAD_CHARS = 1 << 20

_LINE_END = re.compile(r"\r\n|\r|\n")


def _newline(text: str) -> str:
    head = text[:65536]
    if "\r\n" in head:
        return "\r\n"
    if "\r" in head and "\n" not in head:
        return "\r"
    return "\n"


def _head_records(text: str, delimiter: str) -> tuple[list[list[str]], list[int]]:
    """The first records, and the number of physical lines consumed after each."""
    head = text[:HEAD_CHARS]
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


_OTHER_SEPARATORS = {";": Phrase("error.csv.semicolons"), "|": Phrase("error.csv.bars")}


def _separator_error(path: Path, text: str, kind, profile) -> InputError | None:
    """A clear message when the header fits only with another separator."""
    for delimiter, name in _OTHER_SEPARATORS.items():
        records, _ = _head_records(text, delimiter)
        if find_header(records, kind, profile)[1] is not None:
            return InputError(
                path, Phrase("error.csv.separator", name=name), Phrase("error.csv.separator_hint")
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


def _arrow_cells(body, delimiter: str, width: int, encoding: str = "utf8") -> pd.DataFrame | None:
    """The records via Arrow's parser (5x the C engine), or None when the file is not the
    plain case: every record ``width`` cells (or blank), every quote closed. Then the C
    engine reads it (it flags rows with stray cells). On the plain case the two agree, blank
    lines included: both give a row of empty cells (tests/test_readers_fastpath.py).
    ``encoding``: "cp932" has Arrow decode the bytes (strictly: None where they are not)."""
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
            read_options=pa_csv.ReadOptions(
                column_names=names, block_size=4 << 20, encoding=encoding
            ),
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
    # A record of another width, anything Arrow will not read, bytes that are not CP932.
    except (pa.ArrowException, UnicodeError):
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
                    Phrase("error.csv.unclosed_quote", line=first_line + record - 1),
                    Phrase("error.csv.unclosed_quote_hint"),
                ) from None
            raise InputError(
                path,
                Phrase("error.csv.unparsed", problem=text.removeprefix("Error tokenizing data. ")),
                Phrase("error.csv.save_again"),
            ) from None
    raise InputError(
        path, Phrase("error.csv.too_wide", n=MAX_COLUMNS), Phrase("error.csv.save_again")
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


def _find_header_record(path: Path, text: str, encoding: str, kind, profile):
    """(delimiter, the first records, the line each ends on, the header's index, its profile).

    Refuses the file when no delimiter gives a header some profile fits.
    """
    # Excel's Unicode text is tab-separated; otherwise try the comma first.
    choices = ["\t", ","] if encoding.startswith("utf-16") else [",", "\t"]
    tried = []
    for delimiter in choices:
        records, ends = _head_records(text, delimiter)
        index, fit = find_header(records, kind, profile)
        tried.append((fit is not None, len(records[index]) if records else 0, delimiter))
        if fit is not None:
            return delimiter, records, ends, index, fit
    # No header: a layout that may come without one, read by position (index -1).
    for delimiter in choices:
        records, ends = _head_records(text, delimiter)
        fit = find_by_position(records, kind, profile)
        if fit is not None:
            return delimiter, records, ends, -1, fit
    # Neither delimiter gave a known header: report against the widest reading.
    other = _separator_error(path, text, kind, profile)
    if other is not None:
        raise other
    _, _, delimiter = max(tried)
    records, ends = _head_records(text, delimiter)
    refuse_order_export(path, records, kind, profile)
    index, _ = find_header(records, kind, profile)
    header = [c.strip() for c in records[index]] if records else []
    raise no_profile_error(path, header, kind, profile, records)


def _header_line(text: str, ends: list[int], index: int) -> tuple[str, int, str]:
    """The header record exactly as in the file, the offset where the data begins, and the
    file's line end."""
    # starts[k]: where physical line k + 1 begins (the last line may have no line end).
    starts = [0, *_line_offsets(text, ends[index])]
    starts += [len(text)] * (ends[index] + 1 - len(starts))
    begin = starts[ends[index - 1]] if index else 0
    header_line = text[begin : starts[ends[index]]].rstrip("\r\n")
    offset = starts[ends[index]]
    # The file's line end is the one ending the header record: a CRLF inside a quoted cell
    # of an LF file (a multi-line 配送要請事項) does not make the file CRLF.
    ending = _LINE_END.search(text, offset - 2 if offset >= 2 else 0, offset)
    newline = ending.group() if ending and ending.end() == offset else _newline(text)
    return header_line, offset, newline


def _quotes_all(header_line: str, delimiter: str) -> bool:
    """Whether the file quotes every cell (QUOTE_ALL, as the Korean QSM export does): the
    upload written back quotes them too."""
    return header_line.startswith('"') and all(
        c.startswith('"') for c in header_line.split(delimiter) if c
    )


@dataclass
class _Layout:
    """Where the data begins and how the file is written, from its header."""

    delimiter: str
    header: list[str]
    header_line: str
    offset: int  # in the text: where the data records begin
    newline: str
    index: int  # the header's record (0-based), -1 for none
    fit: Profile
    ends: list[int]  # the physical line each of the first records ends on

    @property
    def first_line(self) -> int:
        """The physical line the data begins on (for messages)."""
        return self.ends[self.index] + 1 if self.index >= 0 else 1


def _layout(path: Path, text: str, encoding: str, kind, profile) -> _Layout:
    delimiter, records, ends, index, fit = _find_header_record(path, text, encoding, kind, profile)
    if index < 0:  # no header row: the columns are the profile's, by position
        header, header_line, offset, newline = fit.positional_header(), "", 0, _newline(text)
    else:
        refuse_order_export(path, records[index : index + 1], kind, profile)
        header = [c.strip() for c in records[index]]
        header_line, offset, newline = _header_line(text, ends, index)
    return _Layout(delimiter, header, header_line, offset, newline, index, fit, ends)


def _sheet(path: Path, layout: _Layout, cells, extra, encoding: str, bom: bool) -> Sheet:
    first_data_row = layout.index + 2  # records 0-based; Excel rows 1-based, after the header
    return Sheet(
        path=path,
        header=layout.header,
        cells=cells,
        rows=np.arange(first_data_row, first_data_row + len(cells)),
        file_type="csv",
        encoding=encoding,
        bom=bom,
        newline=layout.newline,
        delimiter=layout.delimiter,
        quote_all=_quotes_all(layout.header_line, layout.delimiter),
        header_line=layout.header_line,
        header_row=layout.index + 1,
        extra_cells=extra,
    )


def _cp932_sheet(path: Path, data: bytes, head: str, kind, profile):
    """(sheet, profile) of a CP932 file of which only ``head`` is decoded, with Arrow decoding
    the records; None where that is not the plain case: then the whole text is decoded
    (tests/test_readers_fastpath.py compares the two)."""
    if len(head) < HEAD_CHARS or head.isspace():
        return None  # the header is looked for in HEAD_CHARS characters of the text
    try:
        layout = _layout(path, head, "cp932", kind, profile)
    except InputError:
        return None  # the whole file says what is wrong with it (its encoding first)
    if layout.offset >= len(head) - 1:
        return None  # a line end cut off ("\r" of "\r\n") or a header running past the head
    start = head[: layout.offset]
    try:  # the bytes of the text before the data, checked by decoding them back
        begin = len(start.encode("cp932"))
        if data[:begin].decode("cp932") != start:
            return None
    except UnicodeError:
        return None
    cells = _arrow_cells(memoryview(data)[begin:], layout.delimiter, len(layout.header), "cp932")
    if cells is None:
        return None
    extra = np.zeros(len(cells), dtype=bool)
    return _sheet(path, layout, cells, extra, "cp932", False), layout.fit


def read_csv(path: Path, data: bytes, kind: str | None, profile: Profile | None):
    text, encoding, bom, whole = decode_start(data, path, 2 * HEAD_CHARS + 2)
    if not whole:
        read = _cp932_sheet(path, data, text, kind, profile)
        if read is not None:
            return read
        text, encoding, bom = decode(data, path)
    if not text or text.isspace():  # not text.strip(): no copy of a 1 GB str to test it
        raise InputError(path, Phrase("error.read.empty"), EXPORT_AGAIN)
    layout = _layout(path, text, encoding, kind, profile)
    body = _utf8_body(data, text, encoding, layout.offset)
    # The decoded str (1-4 bytes a character) is not needed beside its UTF-8 copy while
    # parsing.
    del text
    header = layout.header
    cells, extra = _parse_csv(path, body, layout.delimiter, len(header), layout.first_line)
    return _sheet(path, layout, cells, extra, encoding, bom), layout.fit
