"""The readers' fast paths give what the plain paths give.

- CSV: Arrow's parser (``_arrow_cells``) against the C engine (``_pandas_cells``): whenever
  Arrow reads a body, the C engine reads the same cells and flags no row; whenever the body
  is not the plain case (ragged or blank rows, an unclosed quote, ...) Arrow declines.
- xlsx: ``_to_text`` against ``column.map(_cell_text)`` (what it did cell by cell), and the
  zip scan (``_cell_refs``, ``_start_tags``) against a per-match reading of the bytes.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from batch.errors import InputError
from batch.read import csv as csv_reader
from batch.read import read_sheet, read_table
from batch.read.csv import _arrow_cells, _pandas_cells, _parse_csv
from batch.read.xlsx import _cell_text, _pandas_body, _text_body, _to_text
from batch.read.xlsx_guard import _HUGE, _cell_refs, _start_tags

SAMPLES = Path(__file__).parent.parent / "samples"
BAD_INPUTS = Path(__file__).parent / "bad_inputs"
GENERIC = "注文番号,送り状番号,配送会社,発送日,受取人名\r\n"


def _same(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    return (
        a.equals(b)
        and list(a.dtypes) == list(b.dtypes)
        and a.index.equals(b.index)
        and a.columns.equals(b.columns)
        and all(a[c].tolist() == b[c].tolist() for c in a.columns)
    )


def _agree(body: bytes, width: int, delimiter: str = ",") -> pd.DataFrame | None:
    """Arrow's cells if it reads the body (checked against the C engine), else None."""
    fast = _arrow_cells(body, delimiter, width)
    try:
        plain, extra = _pandas_cells(None, body, delimiter, width, 1)
    except InputError:
        assert fast is None, f"Arrow reads what the C engine refuses: {body!r}"
        return None
    if fast is not None:
        assert _same(fast, plain), body
        assert not extra.any()
    return fast


# --- CSV -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"a,b,c\r\nd,e,f\r\n",
        b"a,b,c\nd,e,f",  # no line end at the end
        b"a,b,c\rd,e,f\r",  # CR only
        b'"a\r\nb","c,d",""\r\n"e""f",,g\r\n',  # quoted line ends, commas, quotes
        b'"a"b,c"d,e\n',  # a quote after the closing one, a quote inside a cell
        b'NA,null,""\n',  # no cell is missing, whatever it says
        b"a,b,c\r\n\r\nd,e,f\r\n",  # a blank line: a row of empty cells in both
        b"\n\ra,b,c\r\n\r\n",  # blank lines first and last, mixed line ends
        " 日本,﨑,①\n".encode(),
    ],
)
def test_arrow_reads_plain_bodies_as_the_c_engine(body):
    assert _agree(body, 3) is not None


@pytest.mark.parametrize(
    "body",
    [
        b"a,b,c\r\nd,e\r\n",  # a short row
        b"a,b,c\r\nd,e,f,g\r\n",  # a row with a stray cell
        b'a,b,c\r\nd,e,"f\r\n',  # an unclosed quote at the end of the file
        b'a,b,"c\r\nd,e,f\r\n',  # one that swallows the rest
        b"a,b,c\nd,e,f\r,,",  # the C engine may refuse this ending (Buffer overflow caught)
        b"\xef\xbb\xbfa,b,c\n",  # a BOM
        b"",
    ],
)
def test_arrow_declines_what_is_not_plain(body):
    assert _arrow_cells(body, ",", 3) is None
    _agree(body, 3)


def test_one_column_goes_to_the_c_engine():
    assert _arrow_cells(b"a\n\nb\n", ",", 1) is None


def test_parse_csv_flags_ragged_rows_as_before():
    cells, extra = _parse_csv(None, b"a,b\r\nc,d,e\r\nf\r\n", ",", 2, 2)
    assert cells.values.tolist() == [["a", "b"], ["c", "d"], ["f", ""]]
    assert extra.tolist() == [False, True, False]


def test_unclosed_quote_is_still_refused(tmp_path):
    path = tmp_path / "d.csv"
    path.write_bytes((GENERIC + '1,389711074012,ヤマト運輸,2026/11/25,"山田\r\n').encode())
    with pytest.raises(InputError, match="unclosed quote"):
        read_table(path, "dispatch")


def test_records_longer_than_arrows_block():
    long = "x" * (5 << 20)  # over one 4 MB block: Arrow reads it
    assert _agree(f'a,"{long}"\r\nb,c\r\n'.encode(), 2) is not None
    lines = "x\r\n" * (3 << 20)  # quoted line ends over two blocks: Arrow declines
    body = f'a,"{lines}"\r\nb,c\r\n'.encode()
    assert _arrow_cells(body, ",", 2) is None
    cells, extra = _parse_csv(None, body, ",", 2, 2)
    assert cells[1].tolist() == [lines, "c"] and not extra.any()


@pytest.mark.parametrize("encoding", ["cp932", "utf-8", "utf-8-sig", "utf-16"])
def test_read_table_takes_the_arrow_path_and_matches_the_c_engine(tmp_path, monkeypatch, encoding):
    rows = "".join(
        f'1046{i:05d},3897{i:08d},ヤマト運輸,2026/11/25,"髙橋 﨑子①\r\n{i}"\r\n' for i in range(300)
    )
    path = tmp_path / "d.csv"
    path.write_bytes((GENERIC + rows).encode(encoding))
    read = []
    monkeypatch.setattr(
        csv_reader, "_arrow_cells", lambda *args: read.append(_arrow_cells(*args)) or read[-1]
    )
    fast = read_table(path, "dispatch")
    assert read and read[-1] is not None, "Arrow read the file"
    monkeypatch.setattr(csv_reader, "_arrow_cells", lambda *args: None)
    plain = read_table(path, "dispatch")
    assert fast.sheet.encoding == plain.sheet.encoding
    assert _same(fast.frame, plain.frame)
    assert _same(fast.sheet.cells, plain.sheet.cells)
    assert fast.sheet.rows.tolist() == plain.sheet.rows.tolist()
    assert fast.sheet.extra_cells.tolist() == plain.sheet.extra_cells.tolist()
    assert fast.frame["recipient_name"].iloc[7] == "髙橋 﨑子①\r\n7"


def _sheet_or_error(path, kind=None):
    """Everything reading gives (the sheet's fields, its profile), or the refusal's words."""
    try:
        sheet, profile = read_sheet(path, kind)
    except InputError as exc:
        return "refused", str(exc)
    fields = {k: v for k, v in vars(sheet).items() if k not in ("cells", "rows", "extra_cells")}
    cells = sheet.cells
    return (
        fields, profile.name, sheet.rows.tolist(), sheet.extra_cells.tolist(),
        list(cells.dtypes), list(cells.columns), [cells[c].tolist() for c in cells.columns],
    )  # fmt: skip


CP932_TAIL = '1046{i:05d},3897{i:08d},ヤマト運輸,2026/11/25,"髙橋 﨑子①\r\n{i}"\r\n'


def _cp932_files(tmp_path) -> list:
    """Every CP932 CSV of the samples and bad inputs, and longer ones built here: plain,
    ragged, an invalid byte or a UTF-8 line past the head, a header past the head."""
    files = [
        p for p in sorted([*SAMPLES.glob("*.csv"), *BAD_INPUTS.glob("*.csv")])
        if not _is_utf8(p.read_bytes())
    ]  # fmt: skip
    rows = "".join(CP932_TAIL.format(i=i) for i in range(400)).encode("cp932")
    built = {
        "plain.csv": GENERIC.encode("cp932") + rows,
        "lf.csv": (GENERIC.encode("cp932") + rows).replace(b"\r\n", b"\n"),
        "ragged.csv": GENERIC.encode("cp932") + rows + b"1,2,3,4,5,6\r\n" + rows,
        "bad-byte.csv": GENERIC.encode("cp932") + rows + b"1,\x81\x20,x,y,z\r\n",
        "utf8-line.csv": GENERIC.encode("cp932") + rows + "1,髙橋,x,y,z\r\n".encode(),
        "lead-at-end.csv": GENERIC.encode("cp932") + rows + b"1,2,3,4,\x81",
        "late-header.csv": "メモ\r\n".encode("cp932") * 300 + GENERIC.encode("cp932") + rows,
        "tabs.csv": (GENERIC.encode("cp932") + rows).replace(b",", b"\t"),
    }
    for name, data in built.items():
        (tmp_path / name).write_bytes(data)
        files.append(tmp_path / name)
    return files


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@pytest.mark.parametrize("head_chars", [200, 1000, 4000])
def test_cp932_read_from_its_head_matches_the_whole_text(tmp_path, monkeypatch, head_chars):
    """A CP932 file whose records Arrow decodes (only the head decoded by Python) reads as
    the whole decoded text reads: the same sheet, or the same refusal."""
    monkeypatch.setattr(csv_reader, "HEAD_CHARS", head_chars)
    taken = []
    quick = csv_reader._cp932_sheet
    monkeypatch.setattr(csv_reader, "_cp932_sheet", lambda *a: taken.append(quick(*a)) or taken[-1])
    files = _cp932_files(tmp_path)
    fast = [_sheet_or_error(p) for p in files]
    monkeypatch.setattr(csv_reader, "_cp932_sheet", lambda *a: None)
    for path, got in zip(files, fast, strict=True):
        assert got == _sheet_or_error(path), path.name
    assert sum(t is not None for t in taken) >= 3  # the head path is taken, not only declined


def test_random_bodies_agree():
    rng = random.Random(20261126)
    atoms = ["a", "日本", " ", ",", "\t", '"', '""', "\n", "\r", "\r\n", "\ufeff", "NA", "\\"]

    def cell(delimiter):
        text = "".join(rng.choice(atoms) for _ in range(rng.choice([0, 1, 2, 4])))
        if rng.random() < 0.4:
            return '"' + text.replace('"', '""') + '"'
        return "".join(c for c in text if c not in f'"{delimiter}\r\n')

    read = 0
    for _ in range(400):
        delimiter, width = rng.choice([",", "\t"]), rng.choice([2, 3, 5])
        end = rng.choice(["\n", "\r\n", "\r"])
        records = [
            delimiter.join(cell(delimiter) for _ in range(width if rng.random() < 0.9 else 2))
            for _ in range(rng.randint(1, 6))
        ]
        body = end.join(records) + rng.choice(["", end])
        if rng.random() < 0.2:  # damage
            at = rng.randrange(len(body) + 1)
            body = body[:at] + rng.choice(atoms) + body[at:]
        read += _agree(body.encode(), width, delimiter) is not None
    assert read > 100  # the fast path is exercised, not only declined


# --- xlsx cells ----------------------------------------------------------------------


def _old_to_text(column: pd.Series) -> pd.Series:
    """What _to_text did: every cell of a column that is not all text through _cell_text."""
    if pd.api.types.infer_dtype(column, skipna=True) in ("string", "empty"):
        return column.astype(object)
    return column.map(_cell_text)


def _outcome(to_text, column: pd.Series):
    """dtype, index and each cell with its type; or the error (NaT: time() raises in both)."""
    try:
        text = to_text(column)
    except ValueError as exc:
        return str(exc)
    return text.dtype, list(text.index), text.name, [(type(v), repr(v)) for v in text.tolist()]


NUMBERS = [
    0.0, -0.0, 1.0, 78121912.0, 439628519514.0, 4.39628e11, 2.0**53, 2.0**53 + 2, 2.0**63,
    -(2.0**63), 2.0**63 - 1024, 1e19, 1e300, 2.5, -1.25, 0.1 + 0.2, 5e-324, float("nan"),
    float("inf"), -float("inf"),
]  # fmt: skip
OTHERS = [
    7, -3, 2**70, True, False, "", "abc", "4444-1375-8703", "a\x00", None, np.float64(3.0),
    dt.date(2026, 11, 25), dt.date(1, 1, 1), dt.datetime(2026, 11, 25),
    dt.datetime(2026, 11, 25, 9, 30), dt.datetime(2026, 11, 25, 9, 30, 0, 123456), dt.time(9, 30),
    dt.timedelta(hours=30),
]  # fmt: skip


@pytest.mark.parametrize(
    "cells",
    [
        NUMBERS,
        NUMBERS + ["text"],
        [dt.date(2026, 11, 25)] * 5 + [dt.date(2026, 11, 26)],
        [dt.date(2026, 11, 25), 439628519514.0, "x", None],
        [dt.datetime(2026, 11, 25, 9, 30), None],
        [1, 2, 3],
        [True, False],
        [1.0, None],
    ],
)
def test_to_text_matches_cell_by_cell(cells):
    # Built as _sheet_from builds it, so each column gets the dtype pandas infers.
    column = pd.DataFrame([[v] for v in cells])[0]
    assert _outcome(_to_text, column) == _outcome(_old_to_text, column)


def test_to_text_random_mixes():
    rng = random.Random(7)
    pool = NUMBERS + OTHERS
    for _ in range(300):
        kinds = rng.sample(pool, rng.randint(1, 4))
        column = pd.DataFrame([[rng.choice(kinds)] for _ in range(rng.randint(1, 30))])[0]
        assert _outcome(_to_text, column) == _outcome(_old_to_text, column), kinds


def _body_outcome(build, rows, width):
    body = build(rows, width)
    return list(body.columns), list(body.index), [_outcome(lambda c: c, body[c]) for c in body]


@pytest.mark.filterwarnings("ignore:Constructing a DataFrame from a list of sequences")
def test_text_body_matches_the_pandas_frame():
    # calamine's rows cut into columns give what the frame pandas infers from them gives.
    rng = random.Random(11)
    pool = NUMBERS + OTHERS
    plain = [439628519514.0, 78121912.0, 2.5, "x", "", dt.date(2026, 11, 26)]
    for _ in range(300):
        width = rng.randint(1, 5)
        kinds = [
            rng.sample(plain if rng.random() < 0.6 else pool, rng.randint(1, 3))
            for _ in range(width)
        ]
        rows = [[rng.choice(k) for k in kinds] for _ in range(rng.randint(0, 25))]
        if rows and rng.random() < 0.1:
            rows[rng.randrange(len(rows))].append("extra")  # ragged
        header = rng.randint(0, width)
        try:
            expected = _body_outcome(_pandas_body, rows, header)
        except ValueError as exc:  # NaT: time() raises in both
            expected = str(exc)
        try:
            got = _body_outcome(_text_body, rows, header)
        except ValueError as exc:
            got = str(exc)
        assert got == expected, rows


def test_xlsx_numbers_and_dates_read_as_before(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["注文番号", "送り状番号", "発送日", "受取人名"])
    values = [78121912, 439628519514, 4.39628e11, 2.5, -0.0, 1e19, "104600002", 12345678901234]
    for i, v in enumerate(values):
        sheet.append([v, 4.39628e11 + i, dt.date(2026, 11, 25 + i % 3), f"名前{i}"])
    path = tmp_path / "d.xlsx"
    book.save(path)
    table = read_table(path, "dispatch")
    assert table.frame["reference"].tolist() == [
        "78121912", "439628519514", "439628000000", "2.5", "0", "10000000000000000000",
        "104600002", "12345678901234",
    ]  # fmt: skip
    assert table.frame["tracking_no"].tolist() == [str(439628000000 + i) for i in range(8)]
    assert table.frame["ship_date"].tolist()[:3] == ["2026-11-25", "2026-11-26", "2026-11-27"]


# --- xlsx zip scan -------------------------------------------------------------------

_REF = re.compile(rb"(?<=[\t\n\r ]r=)[\"']")


def _refs_reference(buf: bytes, limit: int) -> tuple[int, int, int, int]:
    """_cell_refs one match at a time (past the end of the chunk the last byte repeats)."""
    padded = buf + buf[-1:] * 16
    rows, cols, cells = [], [], 0
    for m in _REF.finditer(buf):
        eq = m.start() - 1
        if eq > limit + 1:
            continue
        at = m.end()
        letters = re.match(rb"[A-Za-z]{0,4}", padded[at : at + 4]).group()
        digits = re.match(rb"[0-9]{0,8}", padded[at + len(letters) : at + len(letters) + 8]).group()
        col = 0
        for ch in letters.upper():
            col = col * 26 + ch - 64
        cols.append(_HUGE if len(letters) > 3 else col)
        rows.append(_HUGE if len(digits) > 7 else int(digits or b"0"))
        cells += bool(letters)
    if not rows:
        return 0, 0, 0, 0
    return max(rows), max(cols), cells, len(rows) - cells


def _tags_reference(buf: bytes, limit: int, tag: bytes) -> int:
    pattern = re.compile(re.escape(b"<" + tag) + rb"(?=[\t\n\r />])")
    return sum(1 for m in pattern.finditer(buf) if m.start() < limit)


def test_zip_scan_matches_a_match_by_match_reading():
    rng = random.Random(11)
    pieces = [
        b' r="', b" r='", b'\tr="', b'r="', b" r =", b'"', b"A", b"z", b"XFD", b"XFDA", b"0",
        b"7", b"9", b"10", b"09", b"0005", b"1234567", b"12345678", b"=", b" ", b"<c", b"<c ",
        b"<c>", b"<c/",
        b"<row", b"<row ", b"<rows", b"<f>", b"<f ", b"<x:c ", b"<", b">", b"\r", b"\xe3\x81\x82",
        # bytes that are a letter or a digit once their high bit or 0x20 is dropped
        b"\xc1", b"\xe1", b"\xb0", b"\xb9", b"\xda", b"\xfa", b"@", b"[", b"`", b"{", b"/", b":",
        b"ABCDEFGH", b"123456789",
    ]  # fmt: skip
    for _ in range(3000):
        buf = b"".join(rng.choice(pieces) for _ in range(rng.randint(1, 40)))
        limit = rng.choice([len(buf), max(0, len(buf) - 8), rng.randint(0, len(buf))])
        assert _cell_refs(buf, limit) == _refs_reference(buf, limit), (buf, limit)
        tags = [b"c", b"row", b"f", b"x:c"]
        expected = [_tags_reference(buf, limit, t) for t in tags]
        assert _start_tags(buf, limit, *tags) == expected, (buf, limit)


def test_blank_rows_are_what_eq_all_gives():
    from batch.read.header import _blank_rows

    rng = np.random.default_rng(20261126)
    for _ in range(300):
        n, width = int(rng.integers(0, 40)), int(rng.integers(0, 5))
        cells = pd.DataFrame(rng.choice(["", "", "", "a", " "], (n, width)))
        cells = cells.astype(rng.choice(["str", object]))
        if n and width and rng.random() < 0.3:
            cells.iloc[0, 0] = np.nan  # an xlsx cell the reader left empty
        expected = cells.eq("").all(axis=1).to_numpy() if width else np.ones(n, dtype=bool)
        assert _blank_rows(cells).tolist() == expected.tolist()


def test_zip_scan_is_the_same_in_any_chunk_size(monkeypatch):
    """A ref, a tag or a formula cut by a chunk boundary is counted once, and a formula's
    cell begun in an earlier chunk is found, whatever the chunk size."""
    import io
    import zipfile

    from batch.read import xlsx_guard

    rng = random.Random(16)
    pieces = [b'<c r="B12">', b'<c r="XFD3"/>', b"<c>", b'<row r="1048576">', b"<row>", b"</c>",
              b'<c t="str"><f>""</f><v></v></c>', b"<v>5</v>", b" "]  # fmt: skip
    uncached = b'<c r="A7" s="1"><f>' + b"A1+" * rng.randint(1, 60) + b"1</f></c>"
    for case in range(60):
        cells = [rng.choice(pieces) for _ in range(rng.randint(1, 300))]
        if case % 2:  # one formula never calculated, its text long enough to span chunks
            cells.insert(rng.randint(0, len(cells)), uncached)
        sheet = b"<worksheet>" + b"".join(cells) + b"</worksheet>"
        packed = io.BytesIO()
        with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("xl/worksheets/sheet1.xml", sheet)
        z = zipfile.ZipFile(packed)
        info = z.infolist()[0]
        whole = xlsx_guard._scan_member(xlsx_guard._unpacked(z, info))
        assert whole[2] == bool(case % 2)
        for size in (65, 97, 256, 1000):
            monkeypatch.setattr(xlsx_guard, "_CHUNK", size)
            assert xlsx_guard._scan_member(xlsx_guard._unpacked(z, info)) == whole, size
        monkeypatch.undo()
