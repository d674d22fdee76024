"""The seller's own sheets without code: English and 3PL header spellings, --map, and
profiles the seller writes in their own formats folder."""

from __future__ import annotations

import json

import pytest
from outcome import SAMPLES, invoke

from batch import formats, inputs

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
        formats._load(path)
