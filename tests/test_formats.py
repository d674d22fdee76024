"""Format profiles are data, checked when loaded: a misspelt key or column stops loudly
instead of silently doing nothing, every carrier a profile names is known, and each profile
is the one detected for its own header."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from batch import carriers, formats

GOOD = """
name = "test-sheet"
title = "A test sheet"
kind = "dispatch"
required = ["tracking_no"]
carrier = "none"
[columns]
tracking_no = ["送り状番号"]
reference = ["注文番号"]
"""


def write(tmp_path, text):
    path = tmp_path / "p.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_well_formed_profile_loads(tmp_path):
    profile = formats.load_one(write(tmp_path, GOOD))
    assert profile.name == "test-sheet" and profile.columns["reference"] == ("注文番号",)


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (('reference = ["注文番号"]', 'referense = ["注文番号"]'), "columns.referense"),
        (('required = ["tracking_no"]', 'requried = ["tracking_no"]'), "requried"),
        (('required = ["tracking_no"]', 'required = ["tracking"]'), "required 'tracking'"),
        (('kind = "dispatch"', 'kind = "dispatches"'), "dispatches"),
        (('reference = ["注文番号"]', 'order_no = ["注文番号"]'), "columns.order_no"),  # orders'
    ],
)
def test_a_misspelt_key_or_column_stops_naming_the_file(tmp_path, change, named):
    path = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(ValueError) as err:
        formats.load_one(path)
    assert str(path) in str(err.value) and named in str(err.value)


def test_every_shipped_profile_loads():
    assert len(formats.profiles()) >= 11


def test_every_carrier_a_profile_names_is_known():
    for p in formats.profiles():
        names = [p.carrier] if p.carrier else []
        names += list(p.service_codes.values())
        if not names:
            continue
        found = carriers.resolve(pd.Series(names, dtype=object))
        unknown = [n for n, c in zip(names, found["company"], strict=True) if not c]
        assert not unknown, f"{p.name}: unknown carriers {unknown}"


def _own_header(p: formats.Profile) -> list[str]:
    """A header holding the profile's required columns and its signature, nothing else."""
    return [p.columns[c][0] for c in p.required] + list(p.signature)


@pytest.mark.parametrize("profile", formats.profiles(), ids=lambda p: p.name)
def test_each_profile_is_detected_for_its_own_header(profile):
    assert formats.best_fit(_own_header(profile), profile.kind).name == profile.name


UPLOAD = """
[upload]
date_format = "%Y/%m/%d"
rows_per_file = 500
dispatch = { file = "qsm-upload-{n:03d}.csv", fill = ["tracking_no", "carrier", "ship_date"] }
shipdate = { file = "qsm-shipdate-{n:03d}.csv", fill = ["est_ship_date"] }
"""
ORDERS = (
    """
name = "test-orders"
title = "A test export"
kind = "orders"
required = ["order_no", "tracking_no"]
header = ["注文番号", "送り状番号", "配送会社"]
[columns]
order_no = ["注文番号"]
tracking_no = ["送り状番号"]
carrier = ["配送会社"]
"""
    + UPLOAD
)


def test_a_well_formed_orders_profile_loads(tmp_path):
    profile = formats.load_one(write(tmp_path, ORDERS))
    assert profile.header == ("注文番号", "送り状番号", "配送会社")
    assert profile.upload.dispatch.name(7) == "qsm-upload-007.csv"
    assert profile.upload.shipdate.fill == ("est_ship_date",)
    assert profile.file == {  # [file] defaults
        "format": "csv", "encoding": "utf-8", "newline": "CRLF", "quoting": "minimal",
        "delimiter": ",",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("text", "change", "says"),
    [
        (GOOD, ('carrier = "none"', 'carrier = "ABC急便"'), "ABC急便"),
        (GOOD, ('carrier = "none"\n', ""), "say where the carrier is"),
        (GOOD, ("[columns]", '[service_codes]\n"1" = "ひかり便"\n[columns]'), "ひかり便"),
        (ORDERS, ('"送り状番号", "配送会社"]', '"配送会社"]'), "header lacks 送り状番号"),
        (ORDERS, ("[upload]", "[uploads]"), "uploads"),
        (ORDERS, ('fill = ["est_ship_date"]', 'fill = ["qty"]'), "shipdate: file and fill"),
        (ORDERS, ("qsm-upload-{n:03d}.csv", "qsm-upload.csv"), "with {n:03d} in it"),
        (ORDERS, ("rows_per_file = 500", "rows_per_file = 501"), "rows_per_file is 1 to 500"),
        (GOOD + UPLOAD, ("", ""), "only one, has [upload]"),
        (GOOD, ("[columns]", '[file]\nencoding = "shift-jis"\n[columns]'), "[file] encoding"),
        (GOOD, ("[columns]", '[file]\nformat = "xls"\n[columns]'), "[file] format = 'xls'"),
    ],
)
def test_a_profile_that_cannot_work_stops_naming_the_file(tmp_path, text, change, says):
    path = write(tmp_path, text.replace(*change, 1))
    with pytest.raises(ValueError) as err:
        formats.load_one(path)
    assert str(path) in str(err.value) and says in str(err.value)


def test_two_profiles_that_detect_the_same_header_stop(tmp_path):
    own = GOOD.replace("[columns]", 'header = ["注文番号", "送り状番号"]\n[columns]')
    (tmp_path / "a.toml").write_text(own, "utf-8")
    formats.load_all(tmp_path)  # alone, it is detected for its header
    twin = GOOD.replace("test-sheet", "test-twin")
    (tmp_path / "b.toml").write_text(twin, "utf-8")
    with pytest.raises(ValueError) as err:
        formats.load_all(tmp_path)
    assert "a.toml: its own header is detected as, or ties with: test-twin" in str(err.value)


@pytest.mark.parametrize("profile", formats.profiles(), ids=lambda p: p.name)
def test_each_profile_but_generic_carries_its_full_header(profile):
    if profile.name == "generic":  # any sheet with a tracking-number column: no one header
        assert not profile.header
    else:
        assert formats.best_fit(profile.header, profile.kind).name == profile.name


def test_the_readme_lists_every_layout():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")
    table = readme.split("| name | file | where the seller gets it |")[1].split("\n\n")[0]
    for profile in formats.profiles():
        assert f"`{profile.name}`" in table, profile.name


def test_a_header_cell_of_two_lines_is_matched_on_its_first():
    # Templates put a code under the name (KSE's outbound upload: 倉庫コード\nCTKEY).
    generic = formats.get("generic")
    header = ["注文番号\nORDER_NO", "送り状番号\r\nTRACKING", "備考\nmemo"]
    assert generic.locate(header) == {"reference": 0, "tracking_no": 1}
    assert formats.cell_keys("倉庫コード\nCTKEY") == ("倉庫コードctkey", "倉庫コード")
    assert formats.cell_keys("送り状番号") == ("送り状番号",)
    # The whole text still matches as before: a second line is no reason to miss a name.
    assert generic.locate(["注文\n番号", "送り状番号"])["tracking_no"] == 1


def _locate_cell_by_cell(profile, header):
    """locate as first written: for each column, the first cell answering to a spelling."""
    keys = [formats.cell_keys(h) for h in header]
    found = {}
    for canon, aliases in profile.columns.items():
        wanted = {formats.header_key(a) for a in aliases}
        pinned = profile.pinned.get(canon)
        at = next((i for i, k in enumerate(keys) if pinned in k), None) if pinned else None
        if at is None:
            at = next((i for i, k in enumerate(keys) if not wanted.isdisjoint(k)), None)
        if at is not None:
            found[canon] = at
    return found


@given(data=st.data())
@settings(max_examples=200, deadline=None)
def test_locate_finds_the_first_cell_of_each_column(data):
    # locate indexes the header once; the answer must be the cell-by-cell search's.
    profile = data.draw(st.sampled_from(formats.shipped()))
    spellings = sorted({a for aliases in profile.columns.values() for a in aliases})
    cell = st.one_of(
        st.sampled_from(spellings),
        st.sampled_from(spellings).map(lambda a: f" {a.upper()}\nCODE"),
        st.text(max_size=6),
    )
    header = data.draw(st.lists(cell, max_size=12))
    if header and data.draw(st.booleans()):  # a --map pin on a cell's header
        canon = data.draw(st.sampled_from(sorted(profile.columns)))
        pin = formats.header_key(data.draw(st.sampled_from(header)))
        profile = replace(profile, pinned={canon: pin})
    assert profile.locate(header) == _locate_cell_by_cell(profile, header)
    assert profile.missing(header) == profile.missing(list(header))
