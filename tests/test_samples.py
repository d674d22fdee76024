"""The bundled samples: every format reads to its expected rows, and the README scenario
produces exactly the outcome samples/expected.json (and samples/README.md) describe."""

import datetime as dt
import json
from pathlib import Path

import pytest

from batch import codes, formats, pipeline
from batch.inputs import load

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
EXPECTED = json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8"))
PASSWORD = EXPECTED["password"]
TODAY = dt.date.fromisoformat(EXPECTED["today"])
# Codes that belong to one dispatch row (the rest are about orders or carts).
ROW_CODES = codes.names(about=codes.ROW)


@pytest.mark.parametrize("name", sorted(EXPECTED["files"]))
def test_each_sample_reads_as_its_format(name):
    facts = EXPECTED["files"][name]
    loaded = load(SAMPLES / name, password=PASSWORD)
    sheet = loaded.table.sheet
    assert loaded.table.profile.name == facts["format"]
    assert loaded.table.profile.kind == facts["kind"]
    assert facts["encoding"].startswith(sheet.encoding or "xlsx")
    assert sheet.header_row == facts["header_row"]
    assert loaded.rows == facts["rows"]
    assert len(sheet.header) == facts["columns"]


def test_every_profile_has_a_sample():
    sampled = {facts["format"] for facts in EXPECTED["files"].values()}
    assert sampled == {p.name for p in formats.profiles()}


def _run(tmp_path, orders, dispatch, password=None):
    options = pipeline.Options(today=TODAY, password=password, ledger=None)
    return pipeline.run(
        SAMPLES / orders, [SAMPLES / d for d in dispatch], tmp_path / "out", options
    )


def _codes_by_order(result):
    codes: dict[str, set[str]] = {}
    for rec in result.exceptions.itertuples():
        for order_no in (rec.order_no or "").split(", "):
            codes.setdefault(order_no, set()).add(rec.code)
    return codes


def _check_main(result, expected, renamed=None):
    summary = result.summary
    assert summary["reconciled"] is True
    buckets = {k: v for k, v in summary["orders"].items() if k != "total"}
    assert buckets == expected["order_buckets"]
    assert {k: v for k, v in summary["dispatch"].items() if k != "total"} == expected[
        "dispatch_buckets"
    ]
    by_bucket = result.orders.set_index("order_no")["bucket"]
    codes = _codes_by_order(result)
    for order in expected["orders_detail"]:
        if order["bucket"] == "invalid":
            continue  # invalid rows have no canonical order; checked by row below
        assert by_bucket[order["order_no"]] == order["bucket"], order
        order_codes = set(order["codes"]) - {"INVALID_ROW"}
        assert codes.get(order["order_no"], set()) - ROW_CODES == order_codes - ROW_CODES, order
    by_row = {}
    for rec in result.exceptions.itertuples():
        by_row.setdefault((rec.source_file, rec.source_row), set()).add(rec.code)
    for row in expected["dispatch_rows"]:
        file = (renamed or {}).get(row["file"], row["file"])
        got = by_row.get((file, row["row"]), set()) & ROW_CODES
        assert got == set(row["codes"]) & ROW_CODES, row


def test_main_scenario(tmp_path):
    main = EXPECTED["main"]
    result = _run(tmp_path, main["orders"], main["dispatch"])
    _check_main(result, main)
    uploads = {o["order_no"]: o["upload_tracking_no"] for o in main["orders_detail"]}
    got = dict(zip(result.uploaded["order_no"], result.uploaded["tracking_no"], strict=True))
    assert got == {k: v for k, v in uploads.items() if v}


@pytest.mark.parametrize("orders", ["qsm-detail-ja.xlsx", "qsm-detail-ko.csv"])
def test_same_outcome_from_other_order_files(tmp_path, orders):
    main = EXPECTED["main"]
    _check_main(_run(tmp_path, orders, main["dispatch"]), main)


def test_same_outcome_from_the_protected_sheet(tmp_path):
    main = EXPECTED["main"]
    dispatch = ["yamato-b2.csv", "generic-ko-protected.xlsx"]
    result = _run(tmp_path, main["orders"], dispatch, password=PASSWORD)
    _check_main(result, main, renamed={"generic-ko.xlsx": "generic-ko-protected.xlsx"})


def test_every_dispatch_file_together(tmp_path):
    everything = EXPECTED["all_dispatch_files"]
    result = _run(tmp_path, EXPECTED["main"]["orders"], everything["dispatch"])
    summary = result.summary
    assert summary["reconciled"] is True
    assert {k: v for k, v in summary["orders"].items() if k != "total"} == everything[
        "order_buckets"
    ]
    assert {k: v for k, v in summary["dispatch"].items() if k != "total"} == everything[
        "dispatch_buckets"
    ]
    codes = _codes_by_order(result)
    uploaded = set(result.uploaded["order_no"])
    for code, cases in everything["additional_cases"].items():
        for case in cases:
            for order_no in case["order_no"]:
                if code == "uploaded":
                    assert order_no in uploaded, case
                else:
                    assert code in codes.get(order_no, set()), (code, case)
