"""The pipeline as a library: progress events and stage timings."""

import datetime as dt
import json
from pathlib import Path

from cli_outcome import SAMPLES, invoke

from batch import inputs, pipeline

GOLDEN = Path(__file__).resolve().parent / "golden" / "cp932-detail"


def test_progress_reports_every_stage_with_its_rows(tmp_path):
    events = []
    options = pipeline.Options(
        today=dt.date(2026, 11, 26),
        ledger=None,
        progress=lambda stage, seconds, detail: events.append((stage, detail)),
    )
    result = pipeline.run(GOLDEN / "orders.csv", [GOLDEN / "dispatch.csv"], tmp_path / "o", options)
    stages = [stage for stage, _ in events]
    assert stages == ["read", "read", "match", "rules", "upload", "workbook"]
    # counts, not sentences: the console says them in its language (console.stage.<what>)
    assert events[0][1] == {
        "what": "read_orders", "rows": 5, "format": "qsm-detail-ja", "language": "ja"
    }  # fmt: skip
    assert events[1][1] == {"what": "read_dispatch", "rows": 4, "format": "yamato-b2"}
    assert [detail["what"] for _, detail in events[2:]] == [
        "matched", "to_upload", "uploaded", "exceptions"
    ]  # fmt: skip
    assert set(result.timings) == set(stages)
    assert all(seconds >= 0 for seconds in result.timings.values())


def test_courier_sheets_are_released_after_combining_but_still_counted():
    """The B2 sheet's 95 columns are freed once the run has its rows; the counts stay."""
    loaded = inputs.load_dispatch(SAMPLES / "yamato-b2.csv")
    rows, invalid = loaded.rows, loaded.invalid_rows
    assert rows > 0
    loaded.release()
    assert loaded.table.sheet.cells.empty and loaded.frame.empty
    assert (loaded.rows, loaded.invalid_rows) == (rows, invalid)


def test_each_input_says_how_long_its_parse_validation_and_normalising_took():
    """The benchmark reads these instead of wrapping private functions in timers."""
    import time

    from batch.inputs import load_dispatch, load_orders

    for load, path in ((load_orders, "qsm-detail-ja.csv"), (load_dispatch, "yamato-b2.csv")):
        started = time.perf_counter()
        loaded = load(SAMPLES / path)
        total = time.perf_counter() - started
        assert set(loaded.seconds) == {"parse", "validate", "normalise"}
        assert all(s > 0 for s in loaded.seconds.values()), loaded.seconds
        assert sum(loaded.seconds.values()) <= total


def test_profile_prints_one_json_line_of_stage_seconds(tmp_path):
    code, out, err = invoke(
        ["run", "--orders", SAMPLES / "qsm-detail-ja.csv", "--dispatch", SAMPLES / "yamato-b2.csv",
         "--out", tmp_path / "out", "--today", "2026-11-26", "--no-ledger", "--quiet", "--profile"]
    )  # fmt: skip
    assert code == 0, err
    (line,) = [x for x in err.splitlines() if x.startswith("{")]
    profile = json.loads(line)
    assert set(profile["profile"]) == {"read", "match", "rules", "upload", "workbook"}
    assert profile["seconds"] >= sum(profile["profile"].values())
