"""Where a courier row's carrier comes from when its sheet names none: the profile, then
--dispatch-carrier, then the order's listing when the number fits that carrier (counted in
summary.json); only then CARRIER_UNKNOWN, with a message naming --dispatch-carrier."""

import datetime as dt
import json
from pathlib import Path

import pytest
from cli_outcome import invoke

from batch import formats, pipeline
from batch.errors import UsageError

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
ORDERS = SAMPLES / "qsm-detail-ja.csv"
TODAY = dt.date(2026, 11, 26)
SAGAWA_ORDER = "104608897"  # P02: listed with 佐川急便, paid, not shipped
YAMATO_CART = "78363032"  # K04: listed with ヤマト宅急便
SAGAWA_NO, YAMATO_NO = "360244185114", "439628116012"  # both 12 digits, mod 7


def _sheet(tmp_path, rows) -> Path:
    """A generic sheet without a carrier column: 주문번호 and 송장번호 only."""
    path = tmp_path / "no-carrier.csv"
    lines = ["주문번호,송장번호", *(f"{ref},{no}" for ref, no in rows)]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def _run(tmp_path, sheet, **options):
    opts = pipeline.Options(today=TODAY, ledger=None, **options)
    return pipeline.run(ORDERS, [sheet], tmp_path / "out", opts)


def _codes(result):
    return {(r.source_row, r.code): r.message for r in result.exceptions.itertuples()}


def test_a_row_without_carrier_takes_the_listing_when_its_number_fits(tmp_path):
    result = _run(tmp_path, _sheet(tmp_path, [(SAGAWA_ORDER, SAGAWA_NO), (YAMATO_CART, YAMATO_NO)]))
    uploaded = result.uploaded.set_index("tracking_no")["carrier"]
    assert uploaded[SAGAWA_NO] == "佐川急便" and uploaded[YAMATO_NO] == "ヤマト宅急便"
    assert not [c for _, c in _codes(result) if c.startswith("CARRIER")]
    (entry,) = result.summary["inputs"]["dispatch"]
    assert entry["carrier_from_listing"] == 2
    saved = json.loads((tmp_path / "out" / "summary.json").read_text("utf-8"))
    assert saved["inputs"]["dispatch"][0]["carrier_from_listing"] == 2


def test_a_number_that_does_not_fit_the_listing_is_carrier_unknown_naming_the_option(tmp_path):
    wrong_digit = SAGAWA_NO[:-1] + "9"  # fails Sagawa's mod 7: no carrier is guessed
    result = _run(tmp_path, _sheet(tmp_path, [(SAGAWA_ORDER, wrong_digit)]))
    message = _codes(result)[(2, "CARRIER_UNKNOWN")]
    assert message.startswith("no carrier: the sheet names none for this row")
    assert "--dispatch-carrier NAME" in message
    assert "carrier_from_listing" not in result.summary["inputs"]["dispatch"][0]
    assert len(result.uploaded) == 0


def test_dispatch_carrier_comes_before_the_listing(tmp_path):
    sheet = _sheet(tmp_path, [(SAGAWA_ORDER, SAGAWA_NO), (YAMATO_CART, "360244185125")])
    result = _run(tmp_path, sheet, dispatch_carrier="佐川急便")
    assert set(result.uploaded["carrier"]) == {"佐川急便"} and len(result.uploaded) == 2
    # The Yamato-listed order shipped with the carrier named: uploaded, the customer told.
    assert (3, "CARRIER_MISMATCH") in _codes(result)
    assert "carrier_from_listing" not in result.summary["inputs"]["dispatch"][0]


def test_the_profiles_carrier_comes_before_dispatch_carrier(tmp_path):
    result = _run(tmp_path, SAMPLES / "kse-oms.xlsx", dispatch_carrier="ヤマト運輸")
    assert set(result.uploaded["carrier"]) == {"佐川急便"}


def test_an_unknown_dispatch_carrier_is_refused(tmp_path):
    with pytest.raises(UsageError, match="--dispatch-carrier 'Tanuki Express'"):
        _run(
            tmp_path,
            _sheet(tmp_path, [(SAGAWA_ORDER, SAGAWA_NO)]),
            dispatch_carrier="Tanuki Express",
        )
    code, _, err = invoke(
        ["run", "--orders", str(ORDERS), "--dispatch", str(_sheet(tmp_path, [])), "--out",
         str(tmp_path / "cli"), "--today", "2026-11-26", "--no-ledger", "--dispatch-carrier", "?"]
    )  # fmt: skip
    assert code == 2 and "--dispatch-carrier '?'" in err


PROFILE = """name = "x"
kind = "dispatch"
required = ["tracking_no"]
{carrier}
[columns]
tracking_no = ["Tracking"]
"""


@pytest.mark.parametrize(
    ("carrier", "ok"),
    [("", False), ('carrier = "none"', True), ('carrier = "佐川急便"', True)],
)
def test_a_dispatch_profile_says_where_its_carrier_is(tmp_path, carrier, ok):
    (tmp_path / "x.toml").write_text(PROFILE.format(carrier=carrier), encoding="utf-8")
    if ok:
        (profile,) = formats.load_all(tmp_path)
        assert profile.carrier == ("" if "none" in carrier else "佐川急便")
    else:
        with pytest.raises(ValueError, match='say where the carrier is.*carrier = "none"'):
            formats.load_all(tmp_path)
