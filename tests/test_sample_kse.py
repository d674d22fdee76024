"""The KSE 3PL's OMS export (schemas/formats/kse-oms.toml, samples/scenarios/kse-oms.toml):
주문 번호 is the カート番号, 운송장 번호 the tracking number, 주문 취소 여부 Y a cancelled line.
Added as data only: this reads the generated sample to its rows and runs it."""

import datetime as dt
from pathlib import Path

from batch import pipeline
from batch.inputs import load

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
TODAY = dt.date(2026, 11, 26)
K08A, P16, P17 = "78364143", "78367620", "78364785"  # carts of the scenario's three rows


def test_the_kse_sheet_reads_to_its_rows():
    loaded = load(SAMPLES / "kse-oms.xlsx")
    assert loaded.table.profile.name == "kse-oms"
    assert loaded.rows == 3 and loaded.invalid_rows == 2
    row = loaded.frame.iloc[0]
    assert (row["reference"], row["tracking_no"], row["source_row"]) == (K08A, "360244184112", 2)
    assert (row["carrier"], row["company"], row["qsm_name"]) == ("佐川急便", "sagawa", "佐川急便")
    invalid = loaded.invalid.set_index("source_row")
    assert set(invalid["code"]) == {"INVALID_ROW"}
    assert invalid.loc[3, "message"].startswith(f"reference '{P16}', 주문 취소 여부: cancelled")
    assert invalid.loc[4, "message"].startswith(f"reference '{P17}', 주문 취소 여부: neither")
    assert invalid.loc[4, "message"].endswith("(value: '보류')")


def test_a_cancelled_or_unclear_line_is_never_uploaded(tmp_path):
    options = pipeline.Options(today=TODAY, ledger=None)
    result = pipeline.run(
        SAMPLES / "qsm-detail-ja.csv", [SAMPLES / "kse-oms.xlsx"], tmp_path / "out", options
    )
    summary = result.summary
    assert summary["reconciled"] is True
    assert {k: v for k, v in summary["dispatch"].items()} == {
        "total": 3, "matched": 1, "unmatched": 0, "invalid": 2, "duplicate": 0,
    }  # fmt: skip
    assert summary["orders"]["uploaded"] == 1
    upload = (tmp_path / "out" / "qsm-upload-001.csv").read_bytes().decode("cp932")
    records = upload.splitlines()[1:]
    assert len(records) == 1 and f",{K08A}," in records[0]
    assert "360244184112" in records[0] and "佐川急便" in records[0]
    by_cart = result.orders.set_index("cart_no")["bucket"]
    assert by_cart[P16] == by_cart[P17] == "unshipped"
