"""Write the bad-input corpus (tests/bad_inputs/) from fixed data.

Run from anywhere:  python tests/bad_inputs/make_bad_inputs.py

Deterministic: fixed bytes, a seeded generator for the random ones, fixed zip timestamps for
the workbooks, so two runs give identical files. The one exception is `old-biff.xls`, a real
Excel 97-2003 (BIFF8) file that only LibreOffice can write here: it is converted with
`soffice --headless --convert-to xls` when soffice is installed (LibreOffice 7.4 gives the
same bytes every time) and otherwise left as committed.

Each file is small on disk (the zip bombs are a few kB). The expected outcome of every file is
in cases.toml; tests/test_bad_inputs.py runs them. `big-cell.csv` (1 MB) is not stored: the
test writes it with `write_generated()`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import re
import shutil
import struct
import subprocess
import tempfile
import zipfile
import zlib
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
SAMPLES = HERE.parent.parent / "samples"
ZIP_TIME = (2026, 11, 26, 9, 40, 0)

# Rows that match orders of samples/qsm-detail-ja.csv (K01, K03 of samples/README.md):
# a file read correctly uploads them.
GENERIC_HEADER = ["注文番号", "送り状番号", "配送会社", "発送日"]
GOOD_ROWS = [
    ["104622334", "439628114015", "ヤマト運輸", "2026/11/26"],
    ["104654373", "439628114030", "ヤマト運輸", "2026/11/26"],
]
K02 = ["104623320", "104623321"]  # one cart (78362760), one parcel 439628114026


def csv_text(rows, delimiter=",", newline="\r\n") -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator=newline).writerows(rows)
    return buf.getvalue()


GOOD_CSV = csv_text([GENERIC_HEADER, *GOOD_ROWS])


# --- zip helpers ---------------------------------------------------------------------------


def stable_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed member timestamps and fixed core-property dates."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            payload = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                payload = re.sub(
                    rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2026-11-26T00:40:00Z", payload
                )
            dst.writestr(_member(info.filename), payload)
    return out.getvalue()


def _member(name: str) -> zipfile.ZipInfo:
    member = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    member.compress_type = zipfile.ZIP_DEFLATED
    member.external_attr = 0o600 << 16
    return member


def xlsx_bytes(wb: openpyxl.Workbook) -> bytes:
    wb.properties.creator = "qoo10-dispatch tests"
    wb.properties.created = dt.datetime(2026, 11, 26, 0, 40)
    wb.properties.modified = dt.datetime(2026, 11, 26, 0, 40)
    buf = io.BytesIO()
    wb.save(buf)
    return stable_zip(buf.getvalue())


def workbook(*sheets: tuple[str, list[list]]) -> openpyxl.Workbook:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    return wb


def patch_member(data: bytes, name: str, edit) -> bytes:
    """The zip with one member's content replaced by edit(content)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            payload = src.read(info.filename)
            if info.filename == name:
                payload = edit(payload)
            dst.writestr(_member(info.filename), payload)
    return out.getvalue()


# A minimal hand-written workbook, for the hostile ones (openpyxl would not write them).
_CT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WB = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="発送" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WB_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
# Header from the shared strings (0, 1), then K01 as numbers.
_ROWS = (
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
    '<row r="2"><c r="A2"><v>104622334</v></c><c r="B2"><v>439628114015</v></c></row>'
)


def _sheet(rows: str = _ROWS) -> str:
    return f"{_XML}<worksheet {_NS}><sheetData>{rows}</sheetData></worksheet>"


def _sst(count: int = 2, body: str = "<si><t>注文番号</t></si><si><t>送り状番号</t></si>", dtd=""):
    return f'{_XML}{dtd}<sst {_NS} count="{count}" uniqueCount="{count}">{body}</sst>'


def raw_xlsx(sheet: str | None = None, sst: str | None = None, extra=()) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in (
            ("[Content_Types].xml", _CT),
            ("_rels/.rels", _RELS),
            ("xl/workbook.xml", _WB),
            ("xl/_rels/workbook.xml.rels", _WB_RELS),
            ("xl/worksheets/sheet1.xml", sheet or _sheet()),
            ("xl/sharedStrings.xml", sst or _sst()),
            *extra,
        ):
            z.writestr(_member(name), text)
    return out.getvalue()


def declare_size(data: bytes, name: str, size: int) -> bytes:
    """Rewrite the uncompressed size a zip declares for one member (local + central header)."""
    data = bytearray(data)
    encoded = name.encode()
    for sig, size_at, name_len_at, name_at in (
        (b"PK\x03\x04", 22, 26, 30),
        (b"PK\x01\x02", 24, 28, 46),
    ):
        i = data.find(sig)
        while i != -1:
            (n,) = struct.unpack_from("<H", data, i + name_len_at)
            if bytes(data[i + name_at : i + name_at + n]) == encoded:
                struct.pack_into("<I", data, i + size_at, size)
            i = data.find(sig, i + 4)
    return bytes(data)


# --- the files -----------------------------------------------------------------------------


def text_files() -> dict[str, bytes]:
    qsm = (SAMPLES / "qsm-detail-ja.csv").read_bytes().split(b"\r\n")
    qsm_ko = (SAMPLES / "qsm-detail-ko.csv").read_bytes().split(b"\r\n")
    rng = random.Random(20261126)
    good_cp932 = GOOD_CSV.encode("cp932")
    files = {
        "empty.csv": b"",
        "blank-lines.csv": b"\r\n  \r\n\t\r\n",
        "header-only.csv": csv_text([GENERIC_HEADER]).encode("cp932"),
        "header-only-orders.csv": qsm[0] + b"\r\n",
        "random-bytes.csv": bytes(rng.getrandbits(8) for _ in range(4096)),
        "nul-bytes.csv": good_cp932.replace("ヤマト運輸".encode("cp932"), b"\x00\x00\x00", 1),
        "utf16le-no-bom.txt": csv_text([GENERIC_HEADER, *GOOD_ROWS], "\t").encode("utf-16-le"),
        "unicode-text.txt": b"\xff\xfe"
        + csv_text([GENERIC_HEADER, *GOOD_ROWS], "\t").encode("utf-16-le"),
        "unclosed-quote.csv": (
            GOOD_CSV + '104623320,"439628114026,ヤマト運輸,2026/11/26\r\n104623321,1,2,3\r\n'
        ).encode("cp932"),
        # UTF-8, with the last line in CP932 (not valid UTF-8).
        "mixed-encodings.csv": GOOD_CSV.encode()
        + "104623320,439628114026,ヤマト運輸,2026/11/26\r\n".encode("cp932"),
        # CP932, with line 3 in UTF-8: those bytes also decode as CP932 (mojibake if read).
        "mixed-encodings-2.csv": (
            csv_text([GENERIC_HEADER, GOOD_ROWS[0]]).encode("cp932")
            + "104654373,439628114030,ヤマト運輸,2026/11/26\r\n".encode()
            + "104623320,439628114026,佐川急便,2026/11/26\r\n".encode("cp932")
        ),
        "title-only.csv": (
            "発送実績データ\r\n作成日: 2026/11/26\r\n\r\n担当: 物流センター\r\n"
        ).encode("cp932"),
        "cr-only.csv": GOOD_CSV.replace("\r\n", "\r").encode("cp932"),
        "bom-title.csv": ("\ufeff発送実績 2026/11/26\r\n" + GOOD_CSV).encode("utf-8"),
        "orders-bom-title.csv": b"\xef\xbb\xbf"
        + '"Qoo10 배송요청 다운로드 2026-11-26"\r\n'.encode()
        + b"\r\n".join([qsm_ko[0][3:], *qsm_ko[1:4]])
        + b"\r\n",
        "sep-line.csv": ("sep=,\r\n" + GOOD_CSV).encode("cp932"),
        "semicolon.csv": csv_text([GENERIC_HEADER, *GOOD_ROWS], ";").encode("cp932"),
        "duplicate-headers.csv": csv_text(
            [[*GENERIC_HEADER, "送り状番号"], *(r + ["439628114181"] for r in GOOD_ROWS)]
        ).encode("cp932"),
        "duplicate-blank-column.csv": csv_text(
            [[*GENERIC_HEADER, "送り状番号"], *(r + [""] for r in GOOD_ROWS)]
        ).encode("cp932"),
        "ragged-rows.csv": (
            GOOD_CSV
            + "104623320,439628114026\r\n104623321,439628114026,ヤマト運輸,2026/11/26,x,y\r\n"
        ).encode("cp932"),
        "orders-export.csv": b"\r\n".join(qsm[:6]) + b"\r\n",
        "dispatch-sheet.csv": good_cp932,
        "xlsx-is-csv.xlsx": good_cp932,
        "html-table.xls": (
            '<html xmlns:x="urn:schemas-microsoft-com:office:excel"><head><meta charset="utf-8">'
            "</head><body><table><tr><td>注文番号</td><td>送り状番号</td></tr>"
            "<tr><td>104622334</td><td>439628114015</td></tr></table></body></html>\r\n"
        ).encode(),
    }
    return files


def big_cell_csv() -> bytes:
    """A dispatch CSV whose recipient name is 1 MB (written by the test, not stored)."""
    rows = [[*GENERIC_HEADER, "受取人名"], [*GOOD_ROWS[0], "髙" * 350_000], [*GOOD_ROWS[1], "x"]]
    return csv_text(rows).encode("utf-8")


GENERATED = {"big-cell.csv": big_cell_csv}


def write_generated(name: str, folder: Path) -> Path:
    path = folder / name
    path.write_bytes(GENERATED[name]())
    return path


def generic_rows(rows=GOOD_ROWS) -> list[list]:
    return [GENERIC_HEADER, *([int(r[0]), int(r[1]), r[2], r[3]] for r in rows)]


def workbook_files() -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    good = xlsx_bytes(workbook(("発送", generic_rows())))
    files["csv-is-xlsx.csv"] = good
    files["truncated.xlsx"] = good[: len(good) * 2 // 3]
    rng = random.Random(7)
    files["not-a-zip.xlsx"] = b"PK\x03\x04" + bytes(rng.getrandbits(8) for _ in range(1500))
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(_member("dispatch.csv"), GOOD_CSV.encode("cp932"))
    files["zipped-csv.xlsx"] = zipped.getvalue()

    files["empty-workbook.xlsx"] = xlsx_bytes(workbook(("Sheet1", [])))
    files["several-sheets.xlsx"] = xlsx_bytes(
        workbook(
            ("メモ", [["11月26日 出荷分"], ["担当", "物流センター"]]),
            ("発送", generic_rows()),
            ("集計", [["配送会社", "件数"], ["ヤマト運輸", 2]]),
        )
    )
    files["two-data-sheets.xlsx"] = xlsx_bytes(
        workbook(
            ("11月25日", generic_rows(GOOD_ROWS[:1])),
            ("11月26日", generic_rows(GOOD_ROWS[1:])),
        )
    )
    # Orders: the QSM export with a pivot sheet in front of it.
    orders = openpyxl.load_workbook(SAMPLES / "qsm-detail-ja.xlsx")
    pivot = orders.create_sheet("集計", 0)
    pivot.append(["配送状態", "件数"])
    pivot.append(["配送要請", 30])
    files["orders-several-sheets.xlsx"] = xlsx_bytes(orders)

    # Merged cells: a merged title, and K02 (two orders, one parcel) with the tracking number,
    # carrier and date merged over the cart's two rows as a warehouse sheet does.
    wb = workbook(("発送", [["11月26日 出荷分"], GENERIC_HEADER]))
    ws = wb["発送"]
    ws.merge_cells("A1:D1")
    ws.append([int(K02[0]), 439628114026, "ヤマト運輸", "2026/11/26"])
    ws.append([int(K02[1]), None, None, None])
    for col in "BCD":
        ws.merge_cells(f"{col}3:{col}4")
    ws.append([int(GOOD_ROWS[0][0]), int(GOOD_ROWS[0][1]), "ヤマト運輸", "2026/11/26"])
    files["merged-cells.xlsx"] = xlsx_bytes(wb)

    # Formulas with the values Excel cached: the value is read, never the formula.
    wb = workbook(("発送", [[*GENERIC_HEADER, "メモ"]]))
    ws = wb["発送"]
    ws.append([104622334, 439628114015, "ヤマト運輸", "2026/11/26", '=B2&""'])
    ws.append(['=TEXT(A2+32039,"0")', "=B2+15", "=C2", "=D2", '=HYPERLINK("http://x","x")'])
    cached = {
        "E2": ("str", "439628114015"),
        "A3": ("str", "104654373"),
        "B3": ("n", "439628114030"),
        "C3": ("str", "ヤマト運輸"),
        "D3": ("str", "2026/11/26"),
        "E3": ("str", "x"),
    }

    def add_cached(xml: bytes) -> bytes:
        text = xml.decode()
        for ref, (kind, value) in cached.items():
            text = re.sub(
                rf'<c r="{ref}"([^>]*)><f>(.*?)</f><v\s*/>',
                lambda m, r=ref, k=kind, v=value: (
                    f'<c r="{r}"{m.group(1)} t="{k}"><f>{m.group(2)}</f><v>{v}</v>'
                ),
                text,
            )
        return text.encode()

    with_formulas = xlsx_bytes(wb)
    files["formulas.xlsx"] = patch_member(with_formulas, "xl/worksheets/sheet1.xml", add_cached)
    files["formula-no-cache.xlsx"] = with_formulas

    # Dates as Excel serial numbers in a cell formatted "General" (46352 = 2026-11-26).
    files["serial-dates.xlsx"] = xlsx_bytes(
        workbook(
            ("発送", [GENERIC_HEADER, *([int(r[0]), int(r[1]), r[2], 46352] for r in GOOD_ROWS)])
        )
    )
    files["big-cell.xlsx"] = xlsx_bytes(
        workbook(
            (
                "発送",
                [
                    [*GENERIC_HEADER, "受取人名"],
                    [
                        int(GOOD_ROWS[0][0]),
                        int(GOOD_ROWS[0][1]),
                        "ヤマト運輸",
                        "2026/11/26",
                        "a" * (1 << 20),
                    ],
                ],
            )
        )
    )

    # Hostile workbooks, all a few kB.
    bomb = declare_size(raw_xlsx(), "xl/worksheets/sheet1.xml", 0xFFFFFFF0)
    files["zip-bomb.xlsx"] = declare_size(bomb, "xl/sharedStrings.xml", 0xFFFFFFF0)
    filler = f"{_XML}<data>{' ' * (24 << 20)}</data>"  # 24 MB of spaces, ~24 kB packed
    files["deflate-bomb.xlsx"] = raw_xlsx(extra=[("customXml/item1.xml", filler)])
    files["shared-strings-bomb.xlsx"] = raw_xlsx(
        sst=_sst().replace('uniqueCount="2"', 'uniqueCount="4000000000"')
    )
    files["far-cell.xlsx"] = raw_xlsx(
        sheet=_sheet(_ROWS + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
    )
    files["cells-without-position.xlsx"] = raw_xlsx(
        sheet=_sheet(_ROWS + '<row r="1048576">' + "<c><v>1</v></c>" * 4000 + "</row>")
    )
    lol = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    dtd = f'<!DOCTYPE sst [<!ENTITY lol0 "lol">{lol}]>'
    files["billion-laughs.xlsx"] = raw_xlsx(
        sst=_sst(body="<si><t>&lol9;</t></si><si><t>送り状番号</t></si>", dtd=dtd)
    )
    return files


# --- files that are not sheets: named by their bytes, whatever their name -------------------


def tiny_pdf() -> bytes:
    """A real one-page PDF (what a courier portal's "print" gives), its xref offsets right."""
    page = b"BT /F1 12 Tf 72 720 Td (439628114015 104622334) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(page), page),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def tiny_png() -> bytes:
    """A real 2x2 RGB PNG (a screenshot of a sheet, in miniature)."""
    rows = b"".join(b"\x00" + b"\xff\xff\xff\x00\x00\x00" for _ in range(2))
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
        + _png_chunk(b"IDAT", zlib.compress(rows, 9))
        + _png_chunk(b"IEND", b"")
    )


def tiny_bmp() -> bytes:
    """A real 1x1 24-bit BMP: its header holds the file's size."""
    pixels = b"\xff\xff\xff\x00"  # one pixel, the row padded to 4 bytes
    size = 14 + 40 + len(pixels)
    return (
        b"BM"
        + struct.pack("<IHHI", size, 0, 0, 54)
        + struct.pack("<IiiHHIIiiII", 40, 1, 1, 1, 24, 0, len(pixels), 2835, 2835, 0, 0)
        + pixels
    )


def tiny_gif() -> bytes:
    """A real 1x1 GIF89a."""
    return (
        b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00"
        b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
    )


def zip_of(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(_member(name), data)
    return out.getvalue()


def not_sheet_files() -> dict[str, bytes]:
    """A PDF, photos and screenshots, documents and archives under sheet names."""
    return {
        "delivery-slip.pdf": tiny_pdf(),
        "pdf-named.csv": tiny_pdf(),
        "screenshot.png": tiny_png(),
        "png-named.xlsx": tiny_png(),
        # JPEG (camera): SOI, a JFIF APP0 segment, EOI; the TIFF, WebP and HEIC headers as
        # a phone or a scanner writes them
        "photo.jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
        + b"\xff\xd9",
        "scan.tif": b"II*\x00\x08\x00\x00\x00\x00\x00\x00\x00\x00\x00",
        "photo.webp": b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00/\x00\x00\x00\x10\x07"
        + b"\x10\x11\x11\x88\x88\xfe\x07\x00",
        "photo.heic": b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(16),
        "picture.gif": tiny_gif(),
        "picture.bmp": tiny_bmp(),
        "dispatch.numbers": zip_of(
            {
                "Index/Document.iwa": b"\x00\x1d\x00\x00",
                "Metadata/Properties.plist": b"bplist00",
                "preview.jpg": b"\xff\xd8\xff\xd9",
            }
        ),
        "dispatch.docx": zip_of(
            {
                "[Content_Types].xml": _CT.encode(),
                "word/document.xml": b"<w:document/>",
            }
        ),
        "csv-files.zip": zip_of(
            {"yamato.csv": GOOD_CSV.encode("cp932"), "sagawa.csv": GOOD_CSV.encode("cp932")}
        ),
    }


def biff_xls(folder: Path) -> bytes | None:
    """A real Excel 97-2003 workbook, converted by LibreOffice (None when not installed)."""
    soffice = shutil.which("soffice")
    if soffice is None:
        return None
    wb = workbook(("発送", [["11月26日 出荷分"], *generic_rows()]))
    ws = wb["発送"]
    for row in (3, 4):
        ws.cell(row, 4).value = dt.datetime(2026, 11, 26)
        ws.cell(row, 4).number_format = "yyyy/mm/dd"
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "old-biff.xlsx"
        source.write_bytes(xlsx_bytes(wb))
        subprocess.run(
            [soffice, "--headless", "--convert-to", "xls", "--outdir", tmp, str(source)],
            check=True,
            capture_output=True,
            timeout=120,
        )
        return (Path(tmp) / "old-biff.xls").read_bytes()


def main() -> None:
    files = {**text_files(), **workbook_files(), **not_sheet_files()}
    xls = biff_xls(HERE)
    if xls is None:
        print("soffice not found: old-biff.xls and truncated.xls left as they are")
    else:
        files["old-biff.xls"] = xls
        files["truncated.xls"] = xls[: len(xls) // 2]
    for name, data in sorted(files.items()):
        (HERE / name).write_bytes(data)
    print(f"wrote {len(files)} files to {HERE}")


if __name__ == "__main__":
    main()
