"""Reading files into canonical text: encodings, header detection, xlsx cells, encryption."""

import datetime as dt

import openpyxl
import pandas as pd
import pytest

from batch.errors import InputError
from batch.inputs import load_dispatch, load_orders
from batch.read import read_table

GENERIC = "注文番号,送り状番号,配送会社,発送日,受取人名\r\n"


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def xlsx(tmp_path, name, rows, sheet_title="Sheet1"):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet_title
    for row in rows:
        ws.append(row)
    path = tmp_path / name
    book.save(path)
    return path


@pytest.mark.parametrize(
    "encoding, expected", [("cp932", "cp932"), ("utf-8-sig", "utf-8-sig"), ("utf-8", "utf-8")]
)
def test_csv_encodings(tmp_path, encoding, expected):
    text = GENERIC + "104600001,389711074012,ヤマト運輸,2026/11/25,髙橋 﨑子①\r\n"
    table = read_table(write(tmp_path, "d.csv", text, encoding), "dispatch")
    assert table.profile.name == "generic"
    assert table.sheet.encoding == expected
    assert table.sheet.bom == (encoding == "utf-8-sig")
    assert table.frame["recipient_name"].tolist() == ["髙橋 﨑子①"]
    assert table.frame["tracking_no"].tolist() == ["389711074012"]


def test_excel_unicode_text_is_utf16_with_tabs(tmp_path):
    text = "注文番号\t送り状番号\r\n104600001\t389711074012\r\n"
    table = read_table(write(tmp_path, "d.txt", text, "utf-16"), "dispatch")
    assert table.sheet.encoding == "utf-16"
    assert table.sheet.delimiter == "\t"
    assert table.frame["reference"].tolist() == ["104600001"]


def test_tab_separated_csv(tmp_path):
    text = "Order No\tTracking No\tCarrier\n104600001\t389711074012\tYamato\n"
    table = read_table(write(tmp_path, "d.tsv", text), "dispatch")
    assert table.sheet.delimiter == "\t"
    assert table.frame["carrier"].tolist() == ["Yamato"]


def test_quoted_commas_newlines_and_blank_trailing_rows(tmp_path):
    text = (
        GENERIC
        + '104600001,389711074012,ヤマト運輸,2026/11/25,"山田, 太郎\r\n様"\r\n\r\n,,,,\r\n\r\n'
    )
    table = read_table(write(tmp_path, "d.csv", text, "cp932"), "dispatch")
    assert table.frame["recipient_name"].tolist() == ["山田, 太郎\r\n様"]
    assert table.rows == 1


BLANK_AND_TEXT = [  # (cells, has text): rows of a courier sheet under GENERIC's five columns
    (["", "", "", "", ""], False),
    (["1", "389711074012", "", "", ""], True),
    (["", "", "", "", ""], False),
    (["", "", "", "", "山田"], True),  # text in the last column only: a row, invalid
    (["2", "444413758703", "", "", ""], True),
    (["", "", "", "", ""], False),
]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_blank_rows_are_no_rows_anywhere_in_csv_and_xlsx_alike(tmp_path, kind):
    """A row with no text in any cell is skipped wherever it is (first, between, last), in
    both readers; every row with text is kept, and keeps its row number in the file."""
    rows = [cells for cells, _ in BLANK_AND_TEXT]
    if kind == "csv":
        path = write(tmp_path, "d.csv", GENERIC + "".join(",".join(r) + "\r\n" for r in rows))
    else:
        # No cell where nothing is typed, as Excel saves it (the property test writes "").
        cells = [[c or None for c in r] for r in rows]
        path = xlsx(tmp_path, "d.xlsx", [GENERIC.strip().split(","), *cells])
    loaded = load_dispatch(path)
    kept = [n for n, (_, text) in enumerate(BLANK_AND_TEXT, start=2) if text]
    assert loaded.rows == len(kept) == 3
    assert sorted([*loaded.frame["source_row"], *loaded.invalid["source_row"]]) == kept
    assert loaded.invalid_rows == 1  # the row with a name only: counted, never dropped


def test_a_row_of_spaces_is_a_row(tmp_path):
    """Only cells that are empty make a blank row: a space is something the seller typed."""
    loaded = load_dispatch(write(tmp_path, "d.csv", GENERIC + " ,,,,\r\n1,389711074012,,,\r\n"))
    assert loaded.rows == 2
    assert loaded.invalid["source_row"].tolist() == [2]


def test_title_rows_above_the_header_are_skipped_and_rows_numbered_as_in_excel(tmp_path):
    text = (
        "発送実績データ\r\n作成日: 2026/11/26\r\n\r\n"
        + GENERIC
        + "1,389711074012,,,\r\n2,444413758703,,,\r\n"
    )
    table = read_table(write(tmp_path, "d.csv", text, "cp932"), "dispatch")
    assert table.sheet.header_row == 4
    assert table.frame["source_row"].tolist() == [5, 6]


def test_header_cells_are_stripped(tmp_path):
    names = [
        "배송상태",
        "주문번호",
        "장바구니번호",
        "택배사",
        "송장번호",
        "발송일",
        "발송예정일",
        "할인액 ",
    ]
    header = ",".join(f'"{n}"' for n in names) + "\r\n"
    row = '"배송요청","104600001","90000001","ヤマト宅急便","","","",""\r\n'
    table = read_table(write(tmp_path, "o.csv", header + row, "utf-8-sig"), "orders")
    assert table.profile.name == "qsm-brief-ko"
    assert table.sheet.header[-1] == "할인액"
    assert table.sheet.quote_all


def test_xlsx_numeric_tracking_cells_keep_their_digits(tmp_path):
    path = xlsx(
        tmp_path,
        "d.xlsx",
        [
            ["発送実績"],
            ["注文番号", "送り状番号", "発送日", "数量"],
            [104600001, 389711074012, dt.date(2026, 11, 25), 2.5],
            [104600002, "4444-1375-8703", dt.datetime(2026, 11, 25, 9, 30), None],
        ],
    )
    table = read_table(path, "dispatch")
    assert table.sheet.header_row == 2
    assert table.frame["reference"].tolist() == ["104600001", "104600002"]
    assert table.frame["tracking_no"].tolist() == ["389711074012", "4444-1375-8703"]
    assert table.frame["ship_date"].tolist() == ["2026-11-25", "2026-11-25 09:30:00"]
    assert table.frame["source_row"].tolist() == [3, 4]


def test_xlsx_picks_the_sheet_with_a_known_header(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "メモ"
    book.active.append(["これはメモです"])
    data = book.create_sheet("発送")
    data.append(["注文番号", "送り状番号"])
    data.append(["104600001", "389711074012"])
    path = tmp_path / "d.xlsx"
    book.save(path)
    table = read_table(path, "dispatch")
    assert table.sheet.sheet_name == "発送"
    assert table.rows == 1


def test_reading_a_workbook_leaves_the_collector_as_it_was(tmp_path, monkeypatch):
    # The sheet is read with the garbage collector off: it must come back on after a read,
    # after a refusal and after an interrupt, and stay off for a caller that had it off.
    import gc

    from batch.read import xlsx as xlsx_reader

    good = xlsx(tmp_path, "d.xlsx", [["注文番号", "送り状番号"], [104600001, 389711074012]])
    bad = xlsx(tmp_path, "memo.xlsx", [["これはメモです"]])
    assert gc.isenabled()
    assert read_table(good, "dispatch").rows == 1
    assert gc.isenabled()
    with pytest.raises(InputError):
        read_table(bad, "dispatch")
    assert gc.isenabled()

    def interrupted(*args):
        assert not gc.isenabled()  # the collector is off while the cells are read
        raise KeyboardInterrupt

    with monkeypatch.context() as m:
        m.setattr(xlsx_reader, "_choose_sheet", interrupted)
        with pytest.raises(KeyboardInterrupt):
            read_table(good, "dispatch")
    assert gc.isenabled()
    gc.disable()
    try:
        read_table(good, "dispatch")
        assert not gc.isenabled()
    finally:
        gc.enable()


def _encrypted(tmp_path, password):
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = xlsx(tmp_path, "plain.xlsx", [["注文番号", "送り状番号"], [104600001, 389711074012]])
    out = tmp_path / "secret.xlsx"
    with plain.open("rb") as f, out.open("wb") as o:
        OOXMLFile(f).encrypt(password, o)
    return out


def test_encrypted_xlsx_needs_the_password(tmp_path):
    path = _encrypted(tmp_path, "qoo10")
    with pytest.raises(InputError, match="password-protected") as err:
        read_table(path, "dispatch")
    assert "--password" in err.value.message
    with pytest.raises(InputError, match="could not be opened"):
        read_table(path, "dispatch", password="wrong")
    table = read_table(path, "dispatch", password="qoo10")
    assert table.frame["tracking_no"].tolist() == ["389711074012"]


def test_wrong_kind_of_file_lists_columns_and_what_is_missing(tmp_path):
    path = write(tmp_path, "orders.csv", "商品コード,在庫数\r\nA1,3\r\n", "cp932")
    with pytest.raises(InputError) as err:
        read_table(path, "dispatch")
    message = err.value.message
    assert "orders.csv" in message
    assert "商品コード, 在庫数" in message
    # --dispatch-format cannot help a sheet no format fits: the --map line can
    assert "missing" in message and '--map "tracking_no=' in message


def test_orders_file_missing_a_required_column(tmp_path):
    path = write(
        tmp_path, "o.csv", "配送状態,注文番号,配送会社,送り状番号,発送日\r\n配送要請,1,x,,\r\n"
    )
    with pytest.raises(InputError) as err:
        read_table(path, "orders")
    assert "カート番号" in err.value.message


def test_forced_format_that_does_not_fit(tmp_path):
    path = write(tmp_path, "d.csv", GENERIC + "1,389711074012,,,\r\n")
    with pytest.raises(InputError, match="yamato-b2"):
        read_table(path, "dispatch", format="yamato-b2")
    with pytest.raises(InputError, match="unknown format"):
        read_table(path, "dispatch", format="no-such-format")


def test_many_bad_rows_are_all_reported_and_good_rows_kept(tmp_path):
    head = "配送状態,注文番号,カート番号,配送会社,送り状番号,発送日,発送予定日\r\n"
    good = [f"配送要請,10460{i:04d},9000{i:04d},ヤマト宅急便,,,2026/11/27" for i in range(10)]
    bad = [f"配送要請,X{i},9100{i:04d},ヤマト宅急便,,,2026/11/27" for i in range(25)]
    path = write(tmp_path, "o.csv", head + "\r\n".join(good + bad) + "\r\n", "cp932")
    loaded = load_orders(path)
    assert loaded.rows == 35
    assert len(loaded.frame) == 10
    assert loaded.invalid_rows == 25
    assert sorted(loaded.invalid["source_row"]) == list(range(12, 37))
    assert loaded.invalid["message"].str.contains("注文番号").all()


def test_dispatch_rows_not_issued_yet_are_invalid(tmp_path):
    text = GENERIC + "1,UMN240309577,,,\r\n2,,,,\r\n3,389711074012,,,\r\n"
    loaded = load_dispatch(write(tmp_path, "d.csv", text))
    assert loaded.invalid_rows == 2
    assert loaded.frame["tracking_no"].tolist() == ["389711074012"]


def test_rows_with_more_cells_than_the_header_are_invalid_not_fatal(tmp_path):
    text = GENERIC + "1,389711074012,,,,,surplus\r\n2,444413758703,,,\r\n"
    loaded = load_dispatch(write(tmp_path, "d.csv", text))
    assert loaded.invalid_rows == 1
    assert loaded.invalid["message"].str.contains("more cells").all()
    assert loaded.frame["reference"].tolist() == ["2"]


def test_empty_and_binary_files_are_refused(tmp_path):
    with pytest.raises(InputError, match="empty"):
        read_table(write(tmp_path, "e.csv", ""), "dispatch")
    path = tmp_path / "r.csv"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(InputError):
        read_table(path, "dispatch")
    not_zip = tmp_path / "n.xlsx"
    not_zip.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(InputError, match="not a valid zip|cannot be read"):
        read_table(not_zip, "dispatch")


def test_a_repeated_order_number_is_an_invalid_row_not_a_crash(tmp_path):
    head = "配送状態,注文番号,カート番号,配送会社,送り状番号,発送日,発送予定日\r\n"
    rows = "配送要請,104600001,90000001,ヤマト宅急便,,,2026/11/27\r\n" * 2
    loaded = load_orders(write(tmp_path, "o.csv", head + rows, "cp932"))
    assert loaded.invalid_rows == 1
    assert loaded.invalid["source_row"].tolist() == [3]
    assert loaded.invalid["message"].str.contains("earlier row").all()
    assert loaded.frame["order_no"].tolist() == ["104600001"]


@pytest.mark.parametrize("extra", [1, 5, 30])
def test_a_first_record_wider_than_the_header_is_an_invalid_row_not_an_index(tmp_path, extra):
    """pandas makes the leading cells of such a record the index; found by the fuzz test."""
    head = "配送状態,注文番号,カート番号,配送会社,送り状番号,発送日,発送予定日\r\n"
    wide = "配送要請,104600001,90000001,ヤマト宅急便,,,2026/11/27" + ",x" * extra
    good = [f"配送要請,10460{i:04d},9000{i:04d},ヤマト宅急便,,,2026/11/27" for i in range(2, 5)]
    path = write(tmp_path, "o.csv", head + "\r\n".join([wide, *good]) + "\r\n", "cp932")
    table = read_table(path, "orders")
    assert table.frame.index.equals(pd.RangeIndex(4))
    assert table.frame["order_no"].tolist() == [
        "104600001",
        *(f"10460{i:04d}" for i in range(2, 5)),
    ]
    loaded = load_orders(path)
    assert (loaded.rows, loaded.invalid_rows, len(loaded.frame)) == (4, 1, 3)
    assert loaded.invalid["source_row"].tolist() == [2]
