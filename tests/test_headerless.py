"""A courier file without its header row (B2 Cloud's 発行済データ, downloaded without it):
the profile's [headerless] says how many cells a row has and which cell recognises one;
the file is then read by position, and every report says so."""

import datetime as dt
import json
from pathlib import Path

import pytest
from cli_outcome import invoke

from batch import formats, pipeline
from batch.errors import InputError
from batch.inputs import load, load_dispatch

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
HEADERLESS = SAMPLES / "yamato-b2-headerless.csv"


def _b2_rows(tmp_path, *numbers: str, width: int = 97) -> Path:
    path = tmp_path / "b2.csv"
    lines = [
        ",".join(["78363032", "0", "0", n, "2026/11/26", *[""] * (width - 5)]) for n in numbers
    ]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp932"))
    return path


def test_the_sample_is_read_by_position():
    loaded = load(HEADERLESS)
    sheet = loaded.table.sheet
    assert loaded.table.profile.name == "yamato-b2"
    assert sheet.by_position and sheet.header_row == 0 and len(sheet.header) == 97
    assert sheet.header[:4] == ["お客様管理番号", "送り状種類", "クール区分", "伝票番号"]
    assert sheet.header[95:] == ["(column 96)", "(column 97)"]
    assert list(loaded.frame["source_row"]) == [1, 2]  # the first line is data
    assert list(loaded.frame["tracking_no"]) == ["439628116012", "439628116023"]


def test_validate_and_the_summary_say_it_was_read_by_position(tmp_path):
    code, out, _ = invoke(["validate", str(HEADERLESS)])
    assert code == 0 and "no header row: read by position (97 columns), 2 rows" in out
    options = pipeline.Options(ledger=None, today=dt.date(2026, 11, 26))
    result = pipeline.run(SAMPLES / "qsm-detail-ja.csv", [HEADERLESS], tmp_path / "o", options)
    (entry,) = result.summary["inputs"]["dispatch"]
    assert entry["read_by_position"] is True and entry["format"] == "yamato-b2"
    assert "read_by_position" not in result.summary["inputs"]["orders"]
    saved = json.loads((tmp_path / "o" / "summary.json").read_text("utf-8"))
    assert saved["inputs"]["dispatch"][0]["read_by_position"] is True


@pytest.mark.parametrize(
    ("numbers", "width"),
    [(["UMN000000012"], 97), (["43962811601"], 97), (["439628116012"], 96)],
)
def test_a_first_row_it_does_not_recognise_is_refused(tmp_path, numbers, width):
    with pytest.raises(InputError, match="not recognised as a courier dispatch sheet"):
        load_dispatch(_b2_rows(tmp_path, *numbers, width=width))


def test_dispatch_format_forces_reading_by_position(tmp_path):
    # A saved-but-unprinted label first (UMN...), and a file of the 95 older columns.
    loaded = load_dispatch(_b2_rows(tmp_path, "UMN000000012", "439628116012"), "yamato-b2")
    assert loaded.table.sheet.by_position and loaded.rows == 2
    assert loaded.invalid_rows == 1 and list(loaded.frame["source_row"]) == [2]
    older = load_dispatch(_b2_rows(tmp_path, "439628116012", width=95), "yamato-b2")
    assert older.table.sheet.by_position and older.rows == 1


def test_a_forced_format_does_not_take_a_damaged_header_for_a_row(tmp_path):
    header = list(formats.get("yamato-b2").header)
    header[3] = "伝票No"  # 伝票番号 misspelt: the header no longer fits
    path = tmp_path / "b2.csv"
    path.write_bytes((",".join(header) + "\r\n").encode("cp932"))
    with pytest.raises(InputError, match="is missing: 伝票番号"):
        load_dispatch(path, "yamato-b2")
