"""The seller's own sheets without code: English and 3PL header spellings, --map, and
profiles the seller writes in their own formats folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_outcome import SAMPLES, invoke

from batch import formats, inputs, seller_formats

# Two parcels of the sample day (samples/generic-en.csv): order, tracking number, carrier.
ROWS = [
    ("104661468", "439628115205", "Yamato Transport", "2026-11-26"),
    ("104637914", "115620931602", "Japan Post", "2026-11-26"),
]


def sheet(tmp_path, header, name="3pl.csv"):
    path = tmp_path / name
    lines = [",".join(header), *(",".join(r[: len(header)]) for r in ROWS)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(tmp_path, dispatch, *extra):
    out = tmp_path / "out"
    args = ["run", "--orders", SAMPLES / "qsm-detail-ja.csv", "--dispatch", dispatch,
            "--out", out, "--today", "2026-11-26", "--no-ledger", "--quiet", *extra]  # fmt: skip
    code, stdout, err = invoke(args)
    summary = json.loads((out / "summary.json").read_text("utf-8")) if code == 0 else {}
    return code, stdout + err, summary


ENGLISH = [
    ("Order #", "Tracking #", "Carrier", "Ship Date"),
    ("Order ID", "tracking_number", "Courier", "ship_date"),
    ("Order No.", "Waybill No.", "Carrier", "Ship date"),
    ("ORDER NUMBER", "Tracking No.", "CARRIER", "Shipped Date"),
    ("order_no", "AWB", "courier", "dispatch_date"),
    ("Order", "Waybill", "Shipping Company", "Date Shipped"),
    ("Ｏｒｄｅｒ　＃", "Ｔｒａｃｋｉｎｇ　＃", "Carrier", "Ship Date"),  # full-width
    ("Cart No.", "Tracking Number", "Carrier", "Ship Date"),  # cart numbers are the orders'
    ("受注番号", "お問い合わせ伝票番号", "配送業者", "出荷日"),
    ("주문 번호", "운송장 번호", "택배사", "출고일"),
]


@pytest.mark.parametrize("header", ENGLISH, ids=lambda h: "|".join(h))
def test_common_header_spellings_read_to_the_right_rows(tmp_path, header):
    loaded = inputs.load_dispatch(sheet(tmp_path, header))
    assert loaded.table.profile.name == "generic"
    got = loaded.frame[["reference", "tracking_no", "company"]].to_numpy().tolist()
    assert got == [
        ["104661468", "439628115205", "yamato"],
        ["104637914", "115620931602", "japanpost"],
    ]
    assert loaded.frame["ship_date"].notna().all()


def test_an_order_hash_sheet_matches_its_orders(tmp_path):
    """`Order #` was silently ignored: both rows UNMATCHED_DISPATCH, exit 0."""
    code, said, summary = run(tmp_path, sheet(tmp_path, ("Order #", "Tracking #", "Carrier")))
    assert code == 0, said
    assert summary["dispatch"]["matched"] == 2 and summary["dispatch"]["unmatched"] == 0


def test_no_two_columns_of_a_profile_share_a_spelling():
    for p in formats.profiles():
        seen: dict[str, str] = {}
        for canon, aliases in p.columns.items():
            for alias in aliases:
                assert seen.setdefault(formats.header_key(alias), canon) == canon, (p.name, alias)


def test_a_profile_whose_columns_share_a_spelling_is_refused(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text(
        'name = "x"\ntitle = "x"\nkind = "dispatch"\nrequired = ["tracking_no"]\n'
        '[columns]\ntracking_no = ["Tracking No."]\nreference = ["tracking no"]\n',
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="both"):
        formats.load_one(path)


# --- a 3PL's sheet no profile reads: the refusal's --map line, --map, a profile of one's own

THREE_PL = ("Order Ref", "Parcel code", "Courier")
USER_PROFILE = """
name = "acme-3pl"
title = "ACME 3PL outbound report"
kind = "dispatch"
priority = 10
required = ["reference", "tracking_no"]
header = ["Order Ref", "Parcel code", "Courier"]
[columns]
reference = ["Order Ref"]
tracking_no = ["Parcel code"]
carrier = ["Courier"]
"""


def test_a_sheet_nothing_reads_is_refused_with_the_closest_mapping_and_the_map_line(tmp_path):
    code, said, _ = run(tmp_path, sheet(tmp_path, THREE_PL))
    assert code == 2
    assert "Closest format 'generic' reads reference = 'Order Ref', carrier = 'Courier'" in said
    assert 'add --map "tracking_no=Parcel code"' in said
    assert "--dispatch-format" not in said  # it cannot help here


def test_the_offered_map_line_makes_the_sheet_read_to_the_right_rows(tmp_path):
    path = sheet(tmp_path, THREE_PL)
    code, said, summary = run(tmp_path, path, "--map", "tracking_no=Parcel code")
    assert code == 0, said
    assert summary["dispatch"]["matched"] == 2 and summary["dispatch"]["unmatched"] == 0


def test_map_leaves_the_other_sheets_of_the_run_as_they_were(tmp_path):
    path = sheet(tmp_path, THREE_PL)
    code, said, summary = run(
        tmp_path, path, "--dispatch", SAMPLES / "yamato-b2.csv", "--map", "tracking_no=Parcel code"
    )
    assert code == 0, said
    formats_used = {Path(f["path"]).name: f["format"] for f in summary["inputs"]["dispatch"]}
    assert formats_used == {"3pl.csv": "generic", "yamato-b2.csv": "yamato-b2"}


def test_map_picks_the_named_column_over_another_spelling(tmp_path):
    path = tmp_path / "two.csv"
    path.write_text(
        "Order #,Tracking,Real tracking\n104661468,999,439628115205\n", encoding="utf-8"
    )
    with_map = seller_formats.with_map(formats.get("generic"), {"tracking_no": "Real tracking"})
    with formats.using([with_map]):
        loaded = inputs.load_dispatch(path)
    assert loaded.frame["tracking_no"].tolist() == ["439628115205"]


@pytest.mark.parametrize("spec", ["tracking_no", "tracking=Parcel", "tracking_no="])
def test_a_bad_map_is_refused_saying_how_to_write_it(tmp_path, spec):
    code, said, _ = run(tmp_path, sheet(tmp_path, THREE_PL), "--map", spec)
    assert code == 2 and "COLUMN=HEADER" in said and "tracking_no" in said


def _user_formats(tmp_path, name="acme.toml", text=USER_PROFILE):
    folder = tmp_path / "config-home" / "qoo10-dispatch" / "formats"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name


@pytest.fixture
def config_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config-home"))
    monkeypatch.chdir(tmp_path)
    return tmp_path / "config-home" / "qoo10-dispatch"


def test_a_profile_in_the_users_formats_folder_reads_the_sheet(tmp_path, config_home):
    profile = _user_formats(tmp_path)
    code, said, summary = run(tmp_path, sheet(tmp_path, THREE_PL))
    assert code == 0, said
    assert summary["dispatch"]["matched"] == 2
    assert summary["inputs"]["dispatch"][0]["format"] == "acme-3pl"
    code, listed, _ = invoke(["formats"])
    assert code == 0 and "acme-3pl" in listed and f"yours: {profile}" in listed


def test_a_profile_beside_the_config_file_is_read_too(tmp_path, config_home):
    (tmp_path / "qoo10-dispatch.toml").write_text('lang = "en"\n', encoding="utf-8")
    (tmp_path / "formats").mkdir()
    (tmp_path / "formats" / "acme.toml").write_text(USER_PROFILE, encoding="utf-8")
    code, said, summary = run(tmp_path, sheet(tmp_path, THREE_PL))
    assert code == 0, said
    assert summary["inputs"]["dispatch"][0]["format"] == "acme-3pl"


STEALS_B2 = [("priority = 10", "priority = 30"), ('"Order Ref"', '"お客様管理番号"'),
             ('"Parcel code"', '"伝票番号"')]  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ([('tracking_no = ["Parcel code"]', 'tracking_no = "Parcel code"')], "columns.tracking_no"),
        ([("[columns]", "[colums]")], "colums"),
        ([('name = "acme-3pl"', 'name = "generic"')], "rename"),
        ([("priority = 10", "priority = 0"), ("Parcel code", "Waybill")], "higher priority"),
        (STEALS_B2, "detected as"),  # Yamato B2's own header would be read as this one
        ([("[columns]", "[columns\n")], "not valid TOML"),
    ],
)
def test_a_user_profile_that_cannot_work_stops_naming_the_file(
    tmp_path, config_home, changes, says
):
    text = USER_PROFILE
    for change in changes:
        text = text.replace(*change)
    path = _user_formats(tmp_path, text=text)
    code, said, _ = run(tmp_path, sheet(tmp_path, THREE_PL))
    assert code == 2 and str(path) in said and says in said, said
    assert "Traceback" not in said
