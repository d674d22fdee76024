"""The command line as a user meets it: exit codes, messages, the ledger, atomic outputs."""

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_outcome import ROOT, SAMPLES, invoke
from click.testing import CliRunner

from batch import formats
from batch.cli import cli

ORDERS = str(SAMPLES / "qsm-detail-ja.csv")
B2 = str(SAMPLES / "yamato-b2.csv")
PASSWORD = json.loads((SAMPLES / "expected.json").read_text("utf-8"))["password"]
OUTPUTS = {"exceptions.xlsx", "exceptions.jsonl", "summary.json", "qsm-upload-001.csv"}


def run_args(out, *extra):
    return ["run", "--orders", ORDERS, "--dispatch", B2, "--out", str(out), "--today",
            "2026-11-26", *extra]  # fmt: skip


def test_formats_lists_every_profile():
    code, out, _ = invoke(["formats"])
    assert code == 0
    for profile in formats.profiles():
        assert profile.name in out


def test_every_command_has_help_and_is_in_the_readme():
    readme = (ROOT / "README.md").read_text("utf-8")
    runner = CliRunner()
    for name, command in cli.commands.items():
        assert command.help, name
        assert f"qoo10-dispatch {name}" in readme, name
        assert runner.invoke(cli, [name, "--help"]).exit_code == 0


def test_validate_reports_format_rows_and_invalid_rows():
    code, out, _ = invoke(["validate", ORDERS, B2])
    assert code == 0
    assert "qsm-detail-ja" in out and "cp932" in out and "51 rows, 2 invalid" in out
    assert "yamato-b2" in out and "UMN" in out


def test_validate_unusable_file_exits_2_but_checks_the_others(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("foo,bar\n1,2\n")
    code, out, err = invoke(["validate", str(bad), B2])
    assert code == 2
    assert "bad.csv" in err and "foo, bar" in err
    assert "yamato-b2" in out
    assert "Traceback" not in out + err


def test_run_writes_outputs_and_prints_a_summary(tmp_path):
    code, out, _ = invoke(run_args(tmp_path / "out", "--no-ledger", "--lang", "en"))
    assert code == 0
    assert {p.name for p in (tmp_path / "out").iterdir()} == OUTPUTS
    assert "uploaded 13" in out or "uploaded" in out
    assert "rows/s" in out


def test_quiet_prints_nothing(tmp_path):
    code, out, err = invoke(run_args(tmp_path / "out", "--no-ledger", "--quiet"))
    assert (code, out, err) == (0, "", "")


def test_strict_exits_3_when_errors_exist(tmp_path):
    code, _, _ = invoke(run_args(tmp_path / "out", "--no-ledger", "--quiet", "--strict"))
    assert code == 3
    assert (tmp_path / "out" / "summary.json").exists()  # outputs are still written


def test_missing_input_exits_2_and_writes_nothing(tmp_path):
    out = tmp_path / "out"
    args = ["run", "--orders", str(tmp_path / "nope.csv"), "--dispatch", B2, "--out", str(out)]
    code, stdout, err = invoke(args + ["--no-ledger"])
    assert code == 2
    assert "nope.csv" in err and "does not exist" in err
    assert "Traceback" not in stdout + err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []  # no staging folder left behind either


def test_orders_given_as_dispatch_is_a_clear_error(tmp_path):
    args = ["run", "--orders", ORDERS, "--dispatch", ORDERS, "--out", str(tmp_path / "o")]
    code, _, err = invoke(args + ["--no-ledger"])
    assert code == 2
    assert "courier dispatch sheet" in err


def test_bad_today_is_a_usage_error(tmp_path):
    code, _, err = invoke(run_args(tmp_path / "out", "--no-ledger", "--today", "26/11/2026"))
    assert code == 2
    assert "YYYY-MM-DD" in err


def test_password_is_never_printed_or_written(tmp_path):
    out = tmp_path / "out"
    args = ["run", "--orders", ORDERS, "--dispatch", str(SAMPLES / "generic-ko-protected.xlsx"),
            "--out", str(out), "--today", "2026-11-26", "--password", PASSWORD]  # fmt: skip
    code, stdout, err = invoke(args)
    assert code == 0
    assert PASSWORD not in stdout + err
    for path in [*out.iterdir(), tmp_path / "qoo10-dispatch-ledger.sqlite3"]:
        assert PASSWORD.encode() not in path.read_bytes(), path


def test_password_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("QOO10_DISPATCH_PASSWORD", PASSWORD)
    args = ["validate", str(SAMPLES / "generic-ko-protected.xlsx")]
    code, out, _ = invoke(args)
    assert code == 0 and "7 rows" in out


def test_without_password_says_how_to_pass_it(tmp_path, monkeypatch):
    monkeypatch.delenv("QOO10_DISPATCH_PASSWORD", raising=False)
    code, _, err = invoke(["validate", str(SAMPLES / "generic-ko-protected.xlsx")])
    assert code == 2
    assert "password-protected" in err and "--password" in err


# --- the ledger ------------------------------------------------------------------------


def _summary(out):
    return json.loads((out / "summary.json").read_text("utf-8"))


def test_second_run_uploads_nothing_and_undo_brings_the_rows_back(tmp_path):
    ledger = tmp_path / "ledger.sqlite3"
    first = tmp_path / "day1"
    assert invoke(run_args(first, "--ledger", str(ledger), "--quiet"))[0] == 0
    uploaded = _summary(first)["orders"]["uploaded"]
    assert uploaded > 0

    # The same export again: it was downloaded before the upload file was written, so it
    # cannot show those numbers yet; they are pending, not uploaded twice.
    second = tmp_path / "day1-again"
    assert invoke(run_args(second, "--ledger", str(ledger), "--quiet"))[0] == 0
    again = _summary(second)
    assert again["orders"]["uploaded"] == 0
    assert again["orders"]["pending"] == uploaded
    assert again["upload_files"] == []
    assert again["exceptions"]["UPLOAD_PENDING"] == uploaded
    assert again["reconciled"] is True

    code, out, _ = invoke(["ledger", "list", "--ledger", str(ledger)])
    header, *lines = out.splitlines()
    assert code == 0 and header.split()[:3] == ["#", "RUN", "COMMAND"]
    run_ids = [line.split()[1] for line in lines]  # newest first
    assert run_ids == [_summary(second)["run_id"], _summary(first)["run_id"]]

    code, out, _ = invoke(["ledger", "undo", run_ids[1], "--ledger", str(ledger)])
    assert code == 0 and f"its {uploaded} rows" in out
    third = tmp_path / "day1-retry"
    assert invoke(run_args(third, "--ledger", str(ledger), "--quiet"))[0] == 0
    assert _summary(third)["orders"]["uploaded"] == uploaded


def test_undo_of_an_unknown_run_exits_2(tmp_path):
    ledger = tmp_path / "ledger.sqlite3"
    invoke(run_args(tmp_path / "out", "--ledger", str(ledger), "--quiet"))
    code, _, err = invoke(["ledger", "undo", "nope", "--ledger", str(ledger)])
    assert code == 2 and "no run 'nope'" in err


def test_dry_run_records_nothing(tmp_path):
    ledger = tmp_path / "ledger.sqlite3"
    code, out, _ = invoke(
        run_args(tmp_path / "a", "--ledger", str(ledger), "--dry-run", "--lang", "en")
    )
    assert code == 0 and "dry run" in out
    assert not ledger.exists()
    invoke(run_args(tmp_path / "b", "--ledger", str(ledger), "--quiet"))
    invoke(run_args(tmp_path / "c", "--ledger", str(ledger), "--dry-run", "--quiet"))
    # The preview reads the ledger: b's rows show as pending...
    assert _summary(tmp_path / "c")["orders"]["uploaded"] == 0
    assert (
        _summary(tmp_path / "c")["orders"]["pending"]
        == _summary(tmp_path / "b")["orders"]["uploaded"]
    )
    # ...but records nothing, so only one run is listed (below the header).
    _, out, _ = invoke(["ledger", "list", "--ledger", str(ledger)])
    assert len(out.splitlines()) == 2


def test_default_ledger_sits_beside_out(tmp_path):
    invoke(run_args(tmp_path / "out", "--quiet"))
    assert (tmp_path / "qoo10-dispatch-ledger.sqlite3").exists()


def test_foreign_ledger_stops_the_run(tmp_path):
    ledger = tmp_path / "notes.sqlite3"
    ledger.write_bytes(b"not a database" * 50)
    code, _, err = invoke(run_args(tmp_path / "out", "--ledger", str(ledger)))
    assert code == 2 and "notes.sqlite3" in err
    assert ledger.read_bytes() == b"not a database" * 50
    assert not (tmp_path / "out").exists()


def test_ledger_and_no_ledger_together_is_a_usage_error(tmp_path):
    code, _, err = invoke(run_args(tmp_path / "o", "--ledger", "x.sqlite3", "--no-ledger"))
    assert code == 2 and "--no-ledger" in err


# --- atomic outputs --------------------------------------------------------------------


def test_a_file_named_like_an_output_is_never_overwritten(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "qsm-upload-007.csv").write_text("the seller's own file")
    # Not even --replace moves a file no summary.json of ours accounts for.
    for extra in ([], ["--replace"]):
        code, stdout, err = invoke(run_args(out, "--no-ledger", "--quiet", *extra))
        assert code == 2 and "qsm-upload-007.csv" in err and "left untouched" in err
        assert [p.name for p in out.iterdir()] == ["qsm-upload-007.csv"]
        assert (out / "qsm-upload-007.csv").read_text() == "the seller's own file"


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_run_killed_at_any_moment_leaves_old_or_complete_outputs(tmp_path):
    """Kill `run --replace` at moments across the whole run, again and again into one DIR
    that holds the seller's files. After each kill DIR holds the seller's files untouched
    and either the last complete set or the new complete one (once the next run has taken
    back a half-done publish); the ledger never records a run whose files are not there."""
    from batch.ledger import Ledger

    ledger = tmp_path / "ledger.sqlite3"
    out = tmp_path / "out"
    out.mkdir()
    (out / "orders.csv").write_bytes(Path(ORDERS).read_bytes())
    (out / "notes.pdf").write_bytes(b"%PDF-1.4 the seller's")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    seen = set()  # every run whose complete outputs were seen in --out
    # The moments are shares of a whole run timed first (not killed), so that they cover
    # the whole run on a loaded machine too, the last ones its publish and ledger commit.
    took = None
    for share in (None, 0.05, 0.15, 0.3, 0.45, 0.6, 0.75, 0.85, 0.95, 1.05):
        args = run_args(out, "--ledger", str(ledger), "--quiet", "--replace")
        started = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-m", "batch", *args], stderr=subprocess.DEVNULL)
        if share is None:
            assert proc.wait() == 0
            took = time.monotonic() - started
        else:
            time.sleep(share * took)
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        # What the next run sees first: the killed run's staging folder taken back.
        from batch import staging
        from batch.ledger import has_run

        staging.recover(out, has_run)
        for name, data in before.items():
            assert (out / name).read_bytes() == data, name
        names = {p.name for p in out.iterdir() if p.is_file()} - set(before)
        assert not [p for p in out.iterdir() if p.name.startswith(".qoo10-dispatch-")]
        if names:
            summary = _summary(out)
            expected = {"exceptions.xlsx", "exceptions.jsonl", "summary.json"}
            expected |= {f["path"] for f in summary["upload_files"]}
            assert names == expected  # complete, and nothing from another run
            seen.add(summary["run_id"])
        for aside in out.glob("replaced-*"):  # every earlier set is kept whole
            summary = _summary(aside)
            expected = {"exceptions.xlsx", "exceptions.jsonl", "summary.json"}
            expected |= {f["path"] for f in summary["upload_files"]}
            assert {p.name for p in aside.iterdir()} == expected
            seen.add(summary["run_id"])
        if ledger.exists():
            with Ledger(ledger) as book:
                recorded = set(book.runs()["run_id"])
            # Outputs are published before the ledger commits: nothing recorded unseen.
            assert recorded <= seen
    assert seen  # the untimed run's set at least


def _unshipped_rows(out):
    import openpyxl

    book = openpyxl.load_workbook(out / "exceptions.xlsx", read_only=True)
    ws = book["Unshipped"]  # the run is in English
    rows = list(ws.iter_rows(values_only=True))
    header = list(rows[0])
    return header, [dict(zip(header, r, strict=True)) for r in rows[1:]]


def test_workbook_masks_phones_and_hides_addresses_unless_asked(tmp_path):
    args = run_args(tmp_path / "a", "--no-ledger", "--quiet", "--lang", "en")
    assert invoke(args)[0] == 0
    header, rows = _unshipped_rows(tmp_path / "a")
    assert "Address" not in header
    phones = [r["Phone"] for r in rows if r["Phone"]]
    assert phones and all(p.startswith("…") and len(p) == 5 for p in phones)

    args = run_args(tmp_path / "b", "--no-ledger", "--quiet", "--lang", "en")
    assert invoke([*args, "--show-personal-data"])[0] == 0
    header, rows = _unshipped_rows(tmp_path / "b")
    assert "Address" in header
    assert any(r["Phone"] and r["Phone"].startswith("0") and len(r["Phone"]) >= 10 for r in rows)
    assert any(r["Address"] for r in rows)
