"""A courier sheet may say a line was cancelled (a 3PL's 주문 취소 여부): such a line is no
dispatch, and a mark the profile does not list is not guessed. Both become INVALID_ROW, so
nothing is uploaded for them and their orders stay unshipped."""

from __future__ import annotations

import pytest

from batch import formats
from batch.inputs import load_dispatch

PROFILE = """
name = "test-3pl"
title = "A 3PL sheet with a cancelled column"
kind = "dispatch"
priority = 20
carrier = "佐川急便"
required = ["reference", "tracking_no", "cancelled"]
signature = ["취소여부"]
header = ["주문번호", "송장번호", "취소여부"]
[columns]
reference = ["주문번호"]
tracking_no = ["송장번호"]
cancelled = ["취소여부"]
[cancelled]
yes = ["Y", "취소"]
no = ["N"]
"""


@pytest.fixture
def with_profile(tmp_path, monkeypatch):
    path = tmp_path / "test-3pl.toml"
    path.write_text(PROFILE, "utf-8")
    shipped = formats.profiles()
    monkeypatch.setattr(formats, "profiles", lambda: (*shipped, formats.load_one(path)))
    return tmp_path


def _sheet(folder, rows):
    path = folder / "sheet.csv"
    path.write_text("주문번호,송장번호,취소여부\n" + "".join(f"{r}\n" for r in rows), "utf-8")
    return load_dispatch(path)


def test_a_cancelled_line_is_no_dispatch_and_an_unknown_mark_is_held(with_profile):
    loaded = _sheet(
        with_profile,
        [
            "78362678,360244183011,N",
            "78362760,360244183022,Y",
            "78362761,360244183033, n ",
            "78362762,360244183044,취소",
            "78366844,360244183055,?",
            "78366845,360244183066,",
        ],
    )
    assert loaded.table.profile.name == "test-3pl"
    assert loaded.frame["reference"].tolist() == ["78362678", "78362761"]
    assert loaded.frame["carrier"].tolist() == ["佐川急便"] * 2
    assert loaded.invalid_rows == 4 and loaded.rows == 6
    messages = dict(zip(loaded.invalid["source_row"], loaded.invalid["message"], strict=True))
    assert messages[3] == (
        "reference '78362760', 취소여부: cancelled in the sheet: not a dispatch, the order stays "
        "unshipped (value: 'Y')"
    )
    assert "cancelled in the sheet" in messages[5]
    assert messages[6] == (
        "reference '78366844', 취소여부: neither a yes (Y, 취소) nor a no (N): held, correct "
        "the sheet (value: '?')"
    )
    assert "neither a yes" in messages[7]  # a blank mark is not a no either
    assert set(loaded.invalid["code"]) == {"INVALID_ROW"}


def test_a_sheet_without_cancelled_lines_loses_nothing(with_profile):
    loaded = _sheet(with_profile, ["78362678,360244183011,N", "78362760,360244183022,N"])
    assert loaded.invalid_rows == 0 and len(loaded.frame) == 2


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (("[cancelled]\nyes", "[cancelled]\nja"), "goes with [cancelled] yes"),
        (('no = ["N"]', 'no = ["N", "취소"]'), "'취소' is both yes and no"),
        (('cancelled = ["취소여부"]\n', ""), "goes with [cancelled]"),
    ],
)
def test_a_cancelled_column_needs_its_yes_and_no(tmp_path, change, says):
    path = tmp_path / "p.toml"
    text = PROFILE.replace(*change)
    if "cancelled = [" not in text:  # the column gone: it is no longer required either
        text = text.replace(', "cancelled"]', "]")
    path.write_text(text, "utf-8")
    with pytest.raises(ValueError) as err:
        formats.load_one(path)
    assert str(path) in str(err.value) and says in str(err.value)
