"""exceptions.xlsx: read back with openpyxl after a real run on small inputs (CONTRACT.md).

Today is Thu 2026-11-26; Mon 11-23 (勤労感謝の日) is a holiday. The orders file holds:
  104600001, 104600002  cart 90000001, paid: shipped in two parcels → uploaded, SPLIT_CART
  104600003  paid 11-18, no tracking, recipient "=HYPERLINK(...)" → unshipped, 5 business days
  104600004  awaiting payment, shipped → held (SHIPPED_UNPAID), 700 JPY
  104600005  配送遅延, est. 11-16, recipient "+81...", item "@SUM(1)" → unshipped, OVERDUE
  ABC        → INVALID_ROW
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from pathlib import Path

import openpyxl
import pytest

from batch import exceptions, formats, i18n, pipeline, xlsx
from batch.report import sheets, workbook

TODAY = dt.date(2026, 11, 26)
ORDERS_HEADER = list(formats.get("qsm-detail-ja").header)
HYPERLINK = '=HYPERLINK("http://example.com","click")'
ORDERS = [
    {
        "配送状態": "配送要請",
        "注文番号": "104600001",
        "カート番号": "90000001",
        "入金日": "2026/11/24 10:00:00",
        "受取人名": "山田 太郎",
        "注文金額の合計": "1,980",
    },
    {
        "配送状態": "配送要請",
        "注文番号": "104600002",
        "カート番号": "90000001",
        "入金日": "2026/11/24 10:00:00",
        "受取人名": "山田 太郎",
        "注文金額の合計": "500",
    },
    {
        "配送状態": "配送要請",
        "注文番号": "104600003",
        "カート番号": "90000002",
        "配送会社": "佐川急便",
        "入金日": "2026/11/18 10:00:00",
        "受取人名": HYPERLINK,
        "注文金額の合計": "3000",
    },
    {
        "配送状態": "入金待ち",
        "注文番号": "104600004",
        "カート番号": "90000003",
        "注文金額の合計": "700",
    },
    {
        "配送状態": "配送遅延",
        "注文番号": "104600005",
        "カート番号": "90000005",
        "入金日": "2026/11/10 09:00:00",
        "発送予定日": "2026/11/16",
        "受取人名": "+81-90-1234-5678",
        "商品名": "@SUM(1)",
        "注文金額の合計": "12,345",
    },
    {"配送状態": "配送要請", "注文番号": "ABC", "カート番号": "90000004"},
]
B2_HEADER = list(formats.get("yamato-b2").header[:16])  # the B2 layout up to お届け先名
B2 = [
    ("104600001", "389711074012"),
    ("104600002", "389711074023"),
    ("104600004", "123456789013"),
    ("99999", "UMN240309577"),
]
NAMES = {
    "en": ["Summary", "Orders", "Exceptions", "Uploaded", "Unshipped"],
    "ja": ["サマリー", "注文", "例外", "アップロード済み", "未発送"],
    "ko": ["요약", "주문", "예외", "업로드됨", "미발송"],
}


def _inputs(folder: Path) -> tuple[Path, Path]:
    orders, b2 = folder / "orders.csv", folder / "b2.csv"
    with orders.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.DictWriter(f, ORDERS_HEADER, restval="")
        w.writeheader()
        w.writerows(ORDERS)
    with b2.open("w", encoding="cp932", newline="") as f:
        w = csv.writer(f)
        w.writerow(B2_HEADER)
        w.writerows([ref, "0", "0", number, "2026/11/25"] + [""] * 11 for ref, number in B2)
    return orders, b2


def _run(tmp_path: Path, lang: str = "en") -> tuple[pipeline.RunResult, openpyxl.Workbook]:
    orders, b2 = _inputs(tmp_path)
    options = pipeline.Options(today=TODAY, lang=lang, ledger=None)
    result = pipeline.run(orders, [b2], tmp_path / "out", options)
    return result, openpyxl.load_workbook(tmp_path / "out" / "exceptions.xlsx")


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return _run(tmp_path_factory.mktemp("wb"))


def _columns(ws) -> dict[str, int]:
    """Header text → column number (1-based)."""
    return {c.value: c.column for c in ws[1]}


def _column(ws, header: str) -> list:
    col = _columns(ws)[header]
    return [row[col - 1] for row in ws.iter_rows(min_row=2)]


def _rows_by(ws, header: str, value: str) -> list:
    col = _columns(ws)[header]
    return [row for row in ws.iter_rows(min_row=2) if row[col - 1].value == value]


def _section(ws, title: str) -> dict[str, tuple]:
    """The Summary block under ``title``: label → the rest of its row (up to a blank row)."""
    rows = list(ws.iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[0] == title) + 2  # title, header
    out = {}
    for r in rows[start:]:
        if all(v is None for v in r):
            break
        out[r[0]] = r[1:]
    return out


# --- the catalogue (the rest in test_catalogue.py) ----------------------------------------


def test_sheet_names_fit_excel():
    for lang in i18n.LANGUAGES:
        for key in ("summary", "exceptions", "uploaded", "unshipped"):
            name = i18n.text(f"sheet.{key}", lang)
            assert len(name) <= 28 and not set(name) & set("[]:*?/\\"), name  # room for " (2)"


# --- structure --------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ja", "ko"])
def test_sheets_and_labels_follow_the_language(tmp_path, lang):
    result, wb = _run(tmp_path, lang)
    assert wb.sheetnames == NAMES[lang]
    order_no = {"en": "Order no.", "ja": "注文番号", "ko": "주문번호"}[lang]
    for ws in wb.worksheets[1:]:
        assert order_no in _columns(ws)
    title = {"en": "Qoo10 dispatch run", "ja": "Qoo10 発送処理", "ko": "Qoo10 발송 처리"}[lang]
    assert wb.worksheets[0]["A1"].value.startswith(title)
    reason = {"en": "awaiting payment", "ja": "入金待ち", "ko": "입금대기"}[lang]
    listed = wb[i18n.text("sheet.exceptions", lang)]
    unpaid = _rows_by(listed, i18n.text("col.code", lang), "SHIPPED_UNPAID")
    assert reason in unpaid[0][_columns(listed)[i18n.text("col.reason", lang)] - 1].value


def test_tables_have_frozen_header_and_autofilter(run):
    result, wb = run
    sizes = {"Exceptions": len(result.exceptions), "Uploaded": 2, "Unshipped": 2}
    for name, rows in sizes.items():
        ws = wb[name]
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}{rows + 1}"
        assert ws.max_row == rows + 1
        assert all(c.font.b for c in ws[1])


def test_exceptions_sorted_by_severity(run):
    _, wb = run
    ranks = [
        exceptions.SEVERITY_RANK[exceptions.SEVERITY[c.value]]
        for c in _column(wb["Exceptions"], "Code")
    ]
    assert ranks == sorted(ranks) and ranks[0] == 0 and ranks[-1] == 2  # fmt: skip


def test_severity_is_shown_by_colour(run):
    _, wb = run
    ws = wb["Exceptions"]
    for sev, fill in (("error", "FFC7CE"), ("warning", "FFEB9C"), ("info", "DDEBF7")):
        for row in _rows_by(ws, "Severity", i18n.text(f"severity.{sev}", "en")):
            assert row[0].fill.fgColor.rgb.endswith(fill)  # severity
            assert row[1].fill.fgColor.rgb.endswith(fill)  # code


# --- cell types -------------------------------------------------------------------------


def test_numbers_are_text(run):
    _, wb = run
    for name, header in (
        ("Exceptions", "Order no."),
        ("Exceptions", "Tracking no."),
        ("Uploaded", "Order no."),
        ("Uploaded", "Cart no."),
        ("Uploaded", "Tracking no."),
        ("Unshipped", "Order no."),
    ):
        cells = [c for c in _column(wb[name], header) if c.value is not None]
        assert cells, (name, header)
        assert all(c.data_type == "s" and isinstance(c.value, str) for c in cells), (name, header)
    tracking = {c.value for c in _column(wb["Uploaded"], "Tracking no.")}
    assert tracking == {"389711074012", "389711074023"}


def test_input_that_looks_like_a_formula_stays_text(run):
    _, wb = run
    ws = wb["Unshipped"]
    texts = {
        c.value: c
        for header in ("Recipient", "Item")
        for c in _column(ws, header)
        if c.value is not None
    }
    for value in (HYPERLINK, "+81-90-1234-5678", "@SUM(1)"):
        cell = texts[value]
        assert cell.data_type == "s", value
        assert cell.quotePrefix, value  # and stays text once edited in Excel
    recipients = [c for c in _column(wb["Exceptions"], "Recipient") if c.value == HYPERLINK]
    assert recipients and all(c.data_type == "s" for c in recipients)
    formulas = [c for ws in wb for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []


def test_dates_are_dates_and_amounts_numbers(run):
    _, wb = run
    ship = _column(wb["Uploaded"], "Ship date")
    assert all(c.is_date and c.value == dt.datetime(2026, 11, 25) for c in ship)
    ws = wb["Unshipped"]
    paid = _column(ws, "Payment date")
    assert [c.value for c in paid] == [dt.datetime(2026, 11, 10, 9), dt.datetime(2026, 11, 18, 10)]
    # Paid Wed 11-18 (day 0): Thu +1, Fri +2, Mon 11-23 is a holiday, Tue +3, Wed 11-25 +4;
    # paid Tue 11-10: Mon 11-16 is +4. Today Thu 11-26 is +5 and +11.
    ship_by = [c.value for c in _column(ws, "Ship by (penalty after)")]
    assert ship_by == [dt.datetime(2026, 11, 16), dt.datetime(2026, 11, 25)]
    assert [c.value for c in _column(ws, "Business days since payment")] == [11, 5]
    amounts = _column(ws, "Amount (JPY)")
    assert [c.value for c in amounts] == [12345, 3000]
    assert all(c.data_type == "n" and c.number_format == "#,##0" for c in amounts)
    deadline = [c for c in _column(wb["Exceptions"], "Deadline") if c.value is not None]
    assert deadline and all(c.is_date for c in deadline)


def test_unshipped_most_urgent_first_with_alerts(run):
    _, wb = run
    ws = wb["Unshipped"]
    assert [c.value for c in _column(ws, "Order no.")] == ["104600005", "104600003"]
    alerts = [c.value for c in _column(ws, "Alerts")]
    assert alerts == ["Overdue, Penalty risk", "Penalty risk, No ship date"]
    assert ws.cell(2, 2).fill.fgColor.rgb.endswith("FFC7CE")  # overdue: red


def test_customer_message_for_split_cart(run):
    _, wb = run
    ws = wb["Exceptions"]
    (row,) = _rows_by(ws, "Code", "SPLIT_CART")
    message = row[_columns(ws)["Message to the customer (Japanese)"] - 1]
    assert "389711074012" in message.value and "389711074023" in message.value
    assert message.value.startswith("山田 太郎様")
    assert message.alignment.wrap_text
    assert ws.row_dimensions[row[0].row].height > 100  # every line of it shows


# --- the summary ------------------------------------------------------------------------


def test_summary_totals_equal_summary_json(run):
    result, wb = run
    ws = wb["Summary"]
    summary = json.loads((result.out / "summary.json").read_text(encoding="utf-8"))
    for part, title, given in (
        ("orders", "Orders by outcome", "Rows in the orders file"),
        ("dispatch", "Dispatch rows by outcome", "Rows in the dispatch files"),
    ):
        block = _section(ws, title)
        counts = summary[part]
        for bucket, n in counts.items():
            if bucket != "total":
                assert block[i18n.text(f"{part}.{bucket}.name", "en")][0] == n, (part, bucket)
        assert block["Total"][0] == counts["total"]
        assert block[given][0] == counts["total"]
        assert block[given][1].startswith("✓")
    codes = _section(ws, "Exceptions by code")
    for code, n in summary["exceptions"].items():
        assert codes[code][0] == n
        assert codes[code][2] == i18n.text(f"severity.{exceptions.SEVERITY[code]}", "en")
    assert codes["Total"][0] == len(result.exceptions)
    files = _section(ws, "Input files")
    assert [v[0] for v in files.values()] == [6, 4]  # rows of orders.csv and b2.csv


def test_summary_counts_are_what_the_run_found(run):
    result, wb = run
    orders = _section(wb["Summary"], "Orders by outcome")
    expected = {"Uploaded": 2, "Held": 1, "Unshipped": 2, "Invalid row": 1, "Total": 6}
    assert {k: orders[k][0] for k in expected} == expected


def test_money_concerned(run):
    _, wb = run
    money = _section(wb["Summary"], "Order amounts concerned (JPY)")
    assert money["Held: not uploaded because of an error"][:2] == (700, 1)
    assert money["Paid, not shipped yet"][:2] == (3000 + 12345, 2)
    assert money["of which overdue (the buyer may cancel)"][:2] == (12345, 1)
    cell = next(c for row in wb["Summary"].iter_rows() for c in row if c.value == 15345)
    assert cell.number_format == "#,##0"


def test_summary_flags_rows_not_accounted_for(run, tmp_path):
    result, _ = run
    broken = dict(result.summary, orders=dict(result.summary["orders"], held=0))
    workbook.write(tmp_path / "x.xlsx", _copy(result, summary=broken))
    block = _section(openpyxl.load_workbook(tmp_path / "x.xlsx")["Summary"], "Orders by outcome")
    assert block["Total"][0] == 5
    assert block["Rows in the orders file"][1].startswith("✗")


# --- large tables -----------------------------------------------------------------------


def test_split_rows():
    assert xlsx.split_rows(5, 2) == [range(0, 2), range(2, 4), range(4, 5)]
    assert xlsx.split_rows(4, 2) == [range(0, 2), range(2, 4)]
    assert xlsx.split_rows(0, 2) == [range(0, 0)]
    assert xlsx.split_rows(3) == [range(0, 3)]
    assert xlsx.split_rows(xlsx.EXCEL_ROWS) == [
        range(0, xlsx.EXCEL_ROWS - 1),
        range(xlsx.EXCEL_ROWS - 1, xlsx.EXCEL_ROWS),
    ]
    with pytest.raises(ValueError):
        xlsx.split_rows(3, 0)


def test_a_table_too_long_for_one_sheet_continues_and_the_summary_says_so(run, tmp_path):
    result, _ = run
    n = len(result.exceptions)
    workbook.write(tmp_path / "x.xlsx", result, row_limit=3)
    wb = openpyxl.load_workbook(tmp_path / "x.xlsx")
    parts = [f"Exceptions ({k})" for k in range(2, -(-n // 3) + 1)]
    first = wb.sheetnames.index("Exceptions")
    assert wb.sheetnames[0] == "Summary" and "Orders (2)" in wb.sheetnames
    assert wb.sheetnames[first : first + 1 + len(parts)] == ["Exceptions", *parts]
    codes = [c.value for name in ["Exceptions", *parts] for c in _column(wb[name], "Code")]
    assert codes == result.exceptions["code"].tolist()
    for name in ["Exceptions", *parts]:
        assert wb[name].max_row <= 4 and wb[name].freeze_panes == "A2"
    notes = [c.value for row in wb["Summary"].iter_rows(max_row=10) for c in row if c.value]
    assert any(isinstance(v, str) and "Exceptions (2)" in v for v in notes)


# --- odd text and widths ----------------------------------------------------------------


def _copy(result: pipeline.RunResult, **changes) -> pipeline.RunResult:
    return pipeline.RunResult(**{**result.__dict__, **changes})


def test_control_characters_carriage_return_and_long_text(run, tmp_path):
    result, _ = run
    ex = result.exceptions.copy()
    ex.loc[0, "message"] = "\rCR first"
    ex.loc[1, "message"] = "bell\x07 and <tag> & more"
    ex.loc[2, "message"] = "x" * 40_000
    workbook.write(tmp_path / "x.xlsx", _copy(result, exceptions=ex))
    detail = [
        c.value
        for c in _column(openpyxl.load_workbook(tmp_path / "x.xlsx")["Exceptions"], "Detail")
    ]
    assert detail[0] == "\rCR first"
    assert detail[1] == "bell and <tag> & more"
    assert detail[2] == "x" * xlsx.MAX_CHARS


def test_empty_run(tmp_path, run):
    result, _ = run
    empty = _copy(
        result,
        exceptions=exceptions.empty(),
        uploaded=result.uploaded.iloc[0:0],
        unshipped=result.unshipped.iloc[0:0],
        orders=result.orders.iloc[0:0],
        invalid_orders=exceptions.empty(),
    )
    workbook.write(tmp_path / "x.xlsx", empty)
    wb = openpyxl.load_workbook(tmp_path / "x.xlsx")
    assert wb.sheetnames == NAMES["en"]
    assert all(ws.max_row == 1 for ws in wb.worksheets[1:])


def test_display_width_counts_east_asian_characters_double():
    assert xlsx.display_width("ab12") == 4
    assert xlsx.display_width("注文番号") == 8
    assert xlsx.display_width("송장번호") == 8
    assert xlsx.display_width("ＡＢ") == 4


def test_column_widths_fit_content_up_to_a_cap(run):
    _, wb = run
    widths = {
        c.value: wb["Unshipped"].column_dimensions[c.column_letter].width
        for c in wb["Unshipped"][1]
    }
    assert widths["Order no."] >= len("104600005")
    assert widths["Recipient"] == 10 + 3  # its cap, to print one page wide: a longer name wraps
    jp = xlsx.column_width("h", ["山田太郎山田太郎"])
    en = xlsx.column_width("h", ["abcdefgh"])
    assert jp >= 16 > en
    long = xlsx.column_width("h", ["a" * 500])
    assert long == xlsx.WIDTH_CAP + 3


def test_a_preview_says_nothing_was_recorded(run, tmp_path):
    result, _ = run
    workbook.write(tmp_path / "x.xlsx", _copy(result, dry_run=True))
    ws = openpyxl.load_workbook(tmp_path / "x.xlsx")["Summary"]
    texts = [c.value for row in ws.iter_rows(max_row=10) for c in row if isinstance(c.value, str)]
    assert any(t.startswith("Preview (--dry-run)") for t in texts)


# --- the Orders sheet and the amounts by outcome -----------------------------------------


def test_orders_sheet_has_every_order_line_with_its_outcome(run):
    result, wb = run
    ws = wb["Orders"]
    rows = {r[1]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    head = [c.value for c in ws[1]]
    assert head == ["Outcome", "Order no.", "Cart no.", "QSM status", "Amount (JPY)",
                    "Tracking no.", "Code", "Reason", "Row"]  # fmt: skip
    assert ws.max_row - 1 == result.summary["orders"]["total"] == 6  # ABC included
    at = {h: k for k, h in enumerate(head)}
    o = {n: (r[at["Outcome"]], r[at["Amount (JPY)"]], r[at["Tracking no."]], r[at["Code"]])
         for n, r in rows.items()}  # fmt: skip
    assert o["104600001"] == ("Uploaded", 1980, "389711074012", "SPLIT_CART")
    assert o["104600004"] == ("Held", 700, "123456789013", "SHIPPED_UNPAID")
    assert o["104600005"][:3] == ("Unshipped", 12345, None)
    assert o["104600005"][3].split("\n") == ["OVERDUE", "PENALTY_RISK"]  # one per line
    assert o["ABC"][0] == "Invalid row" and o["ABC"][3] == "INVALID_ROW"
    reason = rows["104600004"][at["Reason"]]
    assert reason == i18n.reason("SHIPPED_UNPAID", "en")
    outcomes = [r[0] for r in rows.values()]  # sorted by outcome, summary.json's order
    assert outcomes == sorted(outcomes, key=["Uploaded", "Held", "Unshipped", "Invalid row"].index)
    assert all(isinstance(r[at["Order no."]], str) for r in rows.values())


def test_amounts_by_outcome_tie_to_the_orders_sheet(run):
    result, wb = run
    block = _section(wb["Summary"], "Order amounts by outcome (JPY)")
    orders = list(wb["Orders"].iter_rows(min_row=2, values_only=True))
    for outcome in ("Uploaded", "Held", "Unshipped", "Invalid row", "Not eligible"):
        listed = [r[4] or 0 for r in orders if r[0] == outcome]
        assert block[outcome][:2] == (sum(listed), len(listed)), outcome
    everything = sum(r[4] or 0 for r in orders)
    assert block["Total"][:2] == (everything, len(orders)) == (1980 + 500 + 3000 + 700 + 12345, 6)
    assert block["Sum of the amounts in the orders file"][:2] == (
        everything,
        "✓ equals the total above",
    )


def test_the_run_time_is_beside_the_date_given(run):
    result, wb = run
    facts = {r[0]: r[1] for r in wb["Summary"].iter_rows(max_row=8, values_only=True)}
    assert facts["Run date"] == dt.datetime(2026, 11, 26)  # --today
    started = dt.datetime.strptime(result.run_id[:15], "%Y%m%d-%H%M%S")
    assert facts["Run at (Japan time)"] == started != facts["Run date"]


# --- on paper ----------------------------------------------------------------------------


@pytest.fixture(scope="module", params=["ja", "ko", "en"])
def sample_day(request, tmp_path_factory):
    samples = Path(__file__).parent.parent / "samples"
    out = tmp_path_factory.mktemp("sample") / "out"
    dispatch = [samples / "yamato-b2.csv", samples / "generic-ko.xlsx"]
    options = pipeline.Options(today=TODAY, lang=request.param, ledger=None)
    result = pipeline.run(samples / "qsm-detail-ja.csv", dispatch, out, options)
    return request.param, result, openpyxl.load_workbook(out / "exceptions.xlsx")


def test_print_settings_of_the_sample_day(sample_day):
    """Every sheet prints A4 landscape, one page wide, header repeated, with the footer;
    no sheet's printed columns are wider than a readable page."""
    lang, result, wb = sample_day
    exceptions_sheet = wb[i18n.text("sheet.exceptions", lang)]
    for ws in wb.worksheets:
        setup = ws.page_setup
        assert (setup.orientation, setup.paperSize) == ("landscape", 9), ws.title
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0), ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        footer = ws.oddFooter
        assert footer.left.text == "&A" and result.run_id in footer.center.text, ws.title
        assert "&P" in footer.right.text and "&N" in footer.right.text, ws.title
        assert ("2026/11/26" if lang == "ja" else "2026-11-26") in footer.center.text
        last = ws.max_column
        if ws.print_area:
            last = openpyxl.utils.column_index_from_string(
                re.search(r"!\$A\$1:\$([A-Z]+)\$", ws.print_area).group(1)
            )
        widths = [ws.column_dimensions[openpyxl.utils.get_column_letter(j)].width
                  for j in range(1, last + 1)]  # fmt: skip
        assert sum(widths) <= sheets.PRINT_CHARS, ws.title
        if ws.title != i18n.text("sheet.summary", lang):
            assert ws.print_title_rows == "$1:$1", ws.title
    # The English specifics and the message to copy to a buyer are for the screen.
    area = re.search(r":\$([A-Z]+)\$", exceptions_sheet.print_area).group(1)
    shown = [c.value for c in exceptions_sheet[1]][: openpyxl.utils.column_index_from_string(area)]
    assert i18n.text("col.detail", lang) not in shown
    assert i18n.text("col.customer_message", lang) not in shown
    assert i18n.text("col.order_no", lang) in shown and i18n.text("col.reason", lang) in shown


def test_no_table_of_the_summary_is_cut_across_two_printed_pages(sample_day):
    lang, _, wb = sample_day
    ws = wb[i18n.text("sheet.summary", lang)]
    breaks = [b.id for b in ws.row_breaks.brk]
    assert breaks, "the sample day's Summary is longer than a page"
    for row in breaks:
        after = row + 1
        while ws.cell(after, 1).value is None:
            after += 1
        heading = ws.cell(after, 1)  # the next page begins with a table's heading
        assert heading.font.b and heading.font.sz == 12, (lang, row, heading.value)


def test_sample_day_lists_the_held_and_the_not_eligible_orders(sample_day):
    lang, result, wb = sample_day
    ws = wb[i18n.text("sheet.orders", lang)]
    outcomes = [r[0] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert len(outcomes) == result.summary["orders"]["total"] == 51
    for bucket, n in result.summary["orders"].items():
        if bucket != "total":
            assert outcomes.count(i18n.text(f"orders.{bucket}.name", lang)) == n, bucket
