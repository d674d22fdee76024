"""Every sheet written from a scenario file (samples/scenarios/*.toml) reads, through its
profile, to the rows the scenario says, and a run beside qsm-detail-ja.csv ships what it
says: expected.json's "scenario_files" holds each row's reference, tracking number,
carrier, bucket, codes and orders."""

import datetime as dt
import json
from collections import Counter
from pathlib import Path

import pytest

from batch import pipeline
from batch.inputs import load

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
EXPECTED = json.loads((SAMPLES / "expected.json").read_text("utf-8"))
SCENARIOS = EXPECTED["scenario_files"]
TODAY = dt.date(2026, 11, 26)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_the_sheet_reads_to_its_canonical_rows(name):
    loaded = load(SAMPLES / name)
    assert loaded.table.profile.name == EXPECTED["files"][name]["format"]
    rows = SCENARIOS[name]
    assert loaded.rows == len(rows)
    read = loaded.frame.set_index("source_row")
    valid = [r for r in rows if r["bucket"] != "invalid"]
    assert sorted(read.index) == [r["row"] for r in valid]
    for r in valid:
        got = read.loc[r["row"]]
        assert (got["reference"], got["tracking_no"]) == (r["reference"], r["tracking_no"])
        assert got["carrier"] == r["carrier"] and got["company"] != "", r
    assert sorted(loaded.invalid["source_row"]) == [r["row"] for r in rows if r not in valid]


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_a_run_ships_what_the_scenario_says(tmp_path, name):
    options = pipeline.Options(today=TODAY, ledger=None)
    result = pipeline.run(
        SAMPLES / "qsm-detail-ja.csv", [SAMPLES / name], tmp_path / "out", options
    )
    rows = SCENARIOS[name]
    summary = result.summary
    assert summary["reconciled"] is True
    buckets = Counter(r["bucket"] for r in rows)
    assert {k: v for k, v in summary["dispatch"].items() if k != "total"} == {
        b: buckets.get(b, 0) for b in ("matched", "unmatched", "invalid", "duplicate")
    }
    found = result.exceptions[result.exceptions["source_file"].eq(name)]
    by_row = found.groupby("source_row")["code"].agg(sorted).to_dict()
    assert {r["row"]: sorted(r["codes"]) for r in rows if r["codes"]} == by_row
    shipped = result.uploaded.set_index("order_no")["tracking_no"]
    for r in rows:
        if r["bucket"] == "matched" and not r["codes"]:
            assert [shipped.get(o) for o in r["order_no"]] == [r["tracking_no"]] * len(
                r["order_no"]
            ), r
