"""Values written back into the seller's export take the form the export writes them in
(batch/upload.py date_format): 発送日 like the export's 発送日 values, else like its other
date columns; plan's 発送予定日 the same. samples/qsm-detail-ja-2022.csv is the form of a
real 2022 download (couriers.md §9.1): 44 columns, UTF-8 with BOM, LF, all quoted, 発送日
as yyyymmdd."""

import csv
import datetime as dt
import io
from pathlib import Path

import pytest

from batch import pipeline, plan, upload
from batch.errors import InputError
from batch.read import read_table

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
TODAY = dt.date(2026, 11, 26)
REAL_2022 = SAMPLES / "qsm-detail-ja-2022.csv"
FILLED = ("送り状番号", "配送会社", "発送日")


def _records(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _all_quoted_lf(records: list[list[str]]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(records)
    return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")


def test_the_2022_form_is_written_back_with_yyyymmdd_and_every_other_byte_kept(tmp_path):
    original = REAL_2022.read_bytes()
    records = _records(original)
    # The sample is exactly what QUOTE_ALL + LF writes: re-writing parsed records is lossless.
    assert _all_quoted_lf(records) == original
    header, rows = records[0], {r[1]: r for r in records[1:]}
    assert len(header) == 44 and "発送日" in header
    options = pipeline.Options(today=TODAY, ledger=None)
    dispatch = [SAMPLES / "yamato-b2.csv", SAMPLES / "generic-ko.xlsx"]
    result = pipeline.run(REAL_2022, dispatch, tmp_path / "out", options)
    written = (tmp_path / "out" / "qsm-upload-001.csv").read_bytes()
    got = _records(written)
    assert got[0] == header and len(got) - 1 == result.summary["orders"]["uploaded"] > 0
    filled = [header.index(h) for h in FILLED]
    expected = [header]
    for record in got[1:]:
        source = list(rows[record[1]])
        for i in filled:
            source[i] = record[i]
        expected.append(source)
        assert record[header.index("発送日")] == "20261126"
    # Every cell the upload does not fill is the export's own, byte for byte (BOM, LF, quotes).
    assert written == _all_quoted_lf(expected)
    # The workbook and the ledger keep reading the day as a date.
    assert set(result.uploaded["ship_date"]) == {"2026/11/26"}


def _table(tmp_path, cells: dict[str, list[str]]):
    header = ["配送状態", "注文番号", "カート番号", "配送会社", "送り状番号", "発送日", "注文日",
              "入金日", "発送予定日", "住所", "郵便番号", "受取人名", "受取人電話番号",
              "注文金額の合計"]  # fmt: skip
    n = len(next(iter(cells.values())))
    rows = [[cells.get(h, [""] * n)[i] for h in header] for i in range(n)]
    path = tmp_path / "orders.csv"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows([header, *rows])
    path.write_text(buf.getvalue(), encoding="utf-8")
    return read_table(path, "orders")


@pytest.mark.parametrize(
    ("cells", "column", "form"),
    [
        (
            {"発送日": ["20220530", ""], "注文日": ["2022/05/27 09:51:54"] * 2},
            "ship_date",
            "%Y%m%d",
        ),
        ({"発送日": ["2022/05/30", "-"]}, "ship_date", "%Y/%m/%d"),
        ({"発送日": ["2022/05/30 14:02:11", ""]}, "ship_date", "%Y/%m/%d %H:%M:%S"),
        # No 発送日 yet: the other date columns say the form, without their time of day.
        ({"注文日": ["2022/05/27 09:51:54", "2022/05/28 10:00:00"]}, "ship_date", "%Y/%m/%d"),
        (
            {"発送予定日": ["20220601", ""], "注文日": ["2022/05/27 09:51:54"] * 2},
            "ship_date",
            "%Y%m%d",
        ),
        ({"発送予定日": ["'20220601", ""]}, "est_ship_date", "%Y%m%d"),
        ({"発送日": ["20220530", ""]}, "est_ship_date", "%Y%m%d"),
        ({"配送状態": ["配送要請", "配送要請"]}, "ship_date", "%Y/%m/%d"),  # no dates: the default
    ],
)
def test_the_form_comes_from_the_export(tmp_path, cells, column, form):
    assert upload.date_format(_table(tmp_path, cells), column, "%Y/%m/%d") == form


@pytest.mark.parametrize(
    ("cells", "says"),
    [
        (
            {"発送日": ["20220530", "2022/05/31"]},
            "in two or more forms: '20220530' (row 2), '2022/05/31' (row 3)",
        ),
        ({"発送日": ["30.05.2022", ""]}, "in no known date form: '30.05.2022' (row 2)"),
    ],
)
def test_two_forms_refuse_the_file(tmp_path, cells, says):
    with pytest.raises(InputError) as err:
        upload.date_format(_table(tmp_path, cells), "ship_date", "%Y/%m/%d")
    assert f"the 発送日 column holds dates {says}" in err.value.problem
    assert "Download the export from QSM again" in err.value.hint


def test_plan_writes_the_estimated_date_in_the_exports_form(tmp_path):
    records = _records(REAL_2022.read_bytes())
    at = records[0].index("発送予定日")
    for r in records[1:]:
        r[at] = r[at].replace("/", "")
    export = tmp_path / "DeliveryManagement_detail_20261126_0940.csv"
    export.write_bytes(_all_quoted_lf(records))
    options = plan.PlanOptions(today=TODAY, ledger=None)
    result = plan.plan(export, tmp_path / "out", options)
    written = _records((tmp_path / "out" / "qsm-shipdate-001.csv").read_bytes())
    dates = {r[at] for r in written[1:]}
    assert len(written) > 1 and all(len(d) == 8 and d.isdigit() for d in dates), dates
    assert result.summary["orders"]["total"] == 51


def test_plan_on_a_slash_export_keeps_slashes(tmp_path):
    options = plan.PlanOptions(today=TODAY, ledger=None)
    plan.plan(REAL_2022, tmp_path / "out", options)
    written = _records((tmp_path / "out" / "qsm-shipdate-001.csv").read_bytes())
    at = written[0].index("発送予定日")
    assert {len(r[at]) for r in written[1:]} == {10}
