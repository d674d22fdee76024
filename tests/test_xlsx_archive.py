"""The workbook's zip container (batch/xlsx/archive.py): what zipfile and openpyxl read back,
with ISA-L's deflate and with zlib's, with and without Zip64 records."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import openpyxl
import pandas as pd
import pytest

from batch import xlsx
from batch.xlsx import Column, archive, book


def _book(path) -> None:
    b = xlsx.Book(creator="test")
    sheet = b.add_sheet("Rows")
    sheet.append(["order", "amount"])
    n = 30_000  # two CHUNKs and some: several deflate calls per member
    sheet.add_table(
        [
            Column(xlsx.texts(pd.Series([f"O{i:07d} 注文" for i in range(n)]))),
            Column(xlsx.numbers(pd.Series([str(i) for i in range(n)]), float), "amount"),
        ]
    )
    b.add_sheet("Other").append(["only"])
    b.save(path)


def _parts(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None  # every member's CRC and size
        return {name: z.read(name) for name in z.namelist()}


def test_isal_is_the_deflate_when_installed():
    isal = pytest.importorskip("isal.isal_zlib")
    assert archive._deflate is isal


def test_zlib_writes_the_same_parts(tmp_path, monkeypatch):
    _book(tmp_path / "isal.xlsx")
    monkeypatch.setattr(archive, "_deflate", zlib)
    _book(tmp_path / "zlib.xlsx")
    parts = _parts(tmp_path / "isal.xlsx")
    assert parts == _parts(tmp_path / "zlib.xlsx")
    assert list(parts)[0] == "[Content_Types].xml" and len(parts) == 9
    ws = openpyxl.load_workbook(tmp_path / "isal.xlsx")["Rows"]
    assert ws.max_row == 30_001 and ws["A30001"].value == "O0029999 注文"
    assert ws["B30001"].value == 29_999


def test_a_large_sheet_has_zip64_sizes_in_its_local_header(tmp_path, monkeypatch):
    _book(tmp_path / "plain.xlsx")
    monkeypatch.setattr(book, "CELL_BYTES", 1 << 40)  # every long table "may pass 2 GiB"
    _book(tmp_path / "large.xlsx")
    assert _parts(tmp_path / "large.xlsx") == _parts(tmp_path / "plain.xlsx")
    data = (tmp_path / "large.xlsx").read_bytes()
    with zipfile.ZipFile(tmp_path / "large.xlsx") as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
        other = z.getinfo("xl/worksheets/sheet2.xml")
    at = info.header_offset
    (version,) = struct.unpack_from("<H", data, at + 4)
    packed, size = struct.unpack_from("<2L", data, at + 18)
    assert version == 45 and packed == size == 0xFFFFFFFF
    name_len, extra_len = struct.unpack_from("<2H", data, at + 26)
    tag, length, size64, packed64 = struct.unpack_from("<2H2Q", data, at + 30 + name_len)
    assert (tag, length, size64, packed64) == (1, 16, info.file_size, info.compress_size)
    assert struct.unpack_from("<H", data, other.header_offset + 4) == (20,)  # no long table
    openpyxl.load_workbook(tmp_path / "large.xlsx")


def test_offsets_and_counts_past_32_bits_take_zip64_records():
    file = io.BytesIO()
    z = archive.ZipWriter(file)
    z.write("a.xml", [b"<a/>"])
    # a member said to start past 4 GiB, and more members than 16 bits count
    z.members += [(f"m{i}".encode(), 0, 0, 2, 5 << 30) for i in range(70_000)]
    z.close()
    with zipfile.ZipFile(file) as read:
        infos = read.infolist()
        assert len(infos) == 70_001 and infos[-1].header_offset == 5 << 30
        assert read.read("a.xml") == b"<a/>"
