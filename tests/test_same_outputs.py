"""benchmarks/same_outputs.py: the check every speed change is held to. It must see each kind
of difference it promises to see, and nothing that two runs of the same code differ in."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import zipfile
from pathlib import Path

import pytest
from cli_outcome import ROOT, SAMPLES


@pytest.fixture(scope="module")
def same_outputs():
    spec = importlib.util.spec_from_file_location(
        "same_outputs", ROOT / "benchmarks" / "same_outputs.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _book(path: Path, parts: dict[str, str], method=zipfile.ZIP_DEFLATED) -> None:
    with zipfile.ZipFile(path, "w", compression=method) as book:
        for name, text in parts.items():
            book.writestr(name, text)


def _run_folder(root: Path, run_id: str, sheet: str = "<row>1</row>", upload: bytes = b"a,b\r\n"):
    """A folder as a run leaves it, with this run's id and moments."""
    out = root / "run-qsm-detail-ja.csv"
    out.mkdir(parents=True)
    summary = {"run_id": run_id, "downloaded_at": f"2026-11-26T09:0{len(run_id) % 10}:00+09:00"}
    (out / "summary.json").write_text(json.dumps({**summary, "orders": {"total": 3}}))
    (out / "exceptions.jsonl").write_text(f'{{"run": "{run_id}", "code": "OVERDUE"}}\n')
    (out / "qsm-upload-1.csv").write_bytes(upload)
    run_at = f"2026-11-26 09:{len(run_id) % 60:02d} JST"
    # The Summary sheet's start of the run: an Excel date number of the run id's moment.
    started = dt.datetime.strptime(run_id[:15], "%Y%m%d-%H%M%S") - dt.datetime(1899, 12, 30)
    serial = f"<v>{started / dt.timedelta(days=1)!r}</v>"
    xml = f"{run_at} {run_id} {serial} <v>46352.0</v> {sheet}"
    _book(out / "exceptions.xlsx", {"xl/worksheets/sheet1.xml": xml})
    (root / "ledger.sqlite3").write_bytes(run_id.encode())  # not an output to compare


def test_two_runs_of_the_same_code_are_the_same(tmp_path, same_outputs):
    _run_folder(tmp_path / "a", "20261126-090000-abcdef")
    _run_folder(tmp_path / "b", "20261126-091733-012345")
    assert same_outputs.differences(tmp_path / "a", tmp_path / "b") == []


def test_a_workbook_compressed_otherwise_is_the_same(tmp_path, same_outputs):
    _run_folder(tmp_path / "a", "20261126-090000-abcdef")
    _run_folder(tmp_path / "b", "20261126-090000-abcdef")
    book = tmp_path / "b" / "run-qsm-detail-ja.csv" / "exceptions.xlsx"
    with zipfile.ZipFile(book) as old:
        parts = {name: old.read(name).decode() for name in old.namelist()}
    _book(book, parts, method=zipfile.ZIP_STORED)
    assert same_outputs.differences(tmp_path / "a", tmp_path / "b") == []


@pytest.mark.parametrize(
    "change, said",
    [
        ({"upload": b"a,c\r\n"}, "differs run-qsm-detail-ja.csv/qsm-upload-1.csv"),
        ({"sheet": "<row>2</row>"}, "differs run-qsm-detail-ja.csv/exceptions.xlsx"),
    ],
)
def test_a_changed_output_is_named(tmp_path, same_outputs, change, said):
    _run_folder(tmp_path / "a", "20261126-090000-abcdef")
    _run_folder(tmp_path / "b", "20261126-090000-abcdef", **change)
    assert same_outputs.differences(tmp_path / "a", tmp_path / "b") == [said]


def test_a_changed_summary_or_exception_row_is_named(tmp_path, same_outputs):
    _run_folder(tmp_path / "a", "20261126-090000-abcdef")
    _run_folder(tmp_path / "b", "20261126-090000-abcdef")
    out = tmp_path / "b" / "run-qsm-detail-ja.csv"
    summary = json.loads((out / "summary.json").read_text())
    summary["orders"]["total"] = 4
    (out / "summary.json").write_text(json.dumps(summary))
    (out / "exceptions.jsonl").write_text('{"run": "x", "code": "PENALTY_RISK"}\n')
    assert same_outputs.differences(tmp_path / "a", tmp_path / "b") == [
        "differs run-qsm-detail-ja.csv/exceptions.jsonl",
        "differs run-qsm-detail-ja.csv/summary.json",
    ]


def test_a_missing_or_extra_file_is_named(tmp_path, same_outputs):
    _run_folder(tmp_path / "a", "20261126-090000-abcdef")
    _run_folder(tmp_path / "b", "20261126-090000-abcdef")
    out = tmp_path / "b" / "run-qsm-detail-ja.csv"
    (out / "qsm-upload-1.csv").rename(out / "qsm-upload-2.csv")
    assert same_outputs.differences(tmp_path / "a", tmp_path / "b") == [
        "missing run-qsm-detail-ja.csv/qsm-upload-1.csv",
        "extra run-qsm-detail-ja.csv/qsm-upload-2.csv",
    ]


def test_the_jobs_read_every_sample_sheet(tmp_path, same_outputs):
    jobs = same_outputs.sample_jobs(SAMPLES, tmp_path)
    read = {Path(a).name for job in jobs for a in job if a.startswith(str(SAMPLES))}
    sheets = {p.name for p in SAMPLES.iterdir() if p.suffix in (".csv", ".xlsx")}
    assert sheets - read == set()
    assert all(Path(a).exists() for job in jobs for a in job if a.startswith(str(SAMPLES)))


def test_a_folder_without_outputs_is_refused_not_compared(tmp_path, same_outputs):
    # A jobs step still running has not moved its folder into place yet: comparing with it
    # must not list every file as missing, nor say "same" of an empty folder.
    _run_folder(tmp_path / "a", "20261126-090000-abcdef")
    (tmp_path / "empty").mkdir()
    for other in ("empty", "not-made"):
        with pytest.raises(SystemExit) as stop:
            same_outputs.main(["compare", str(tmp_path / "a"), str(tmp_path / other)])
        assert stop.value.code == 2


def test_the_jobs_never_replace_a_folder_they_did_not_make(tmp_path, same_outputs):
    # DIR is replaced by each jobs step; a folder of somebody's own files given by mistake
    # is refused before any job runs, and left as it was.
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "orders.csv").write_text("kept", encoding="utf-8")
    with pytest.raises(ValueError, match="did not make"):
        same_outputs.run_jobs(ROOT, mine, None)
    assert (mine / "orders.csv").read_text(encoding="utf-8") == "kept"
    (tmp_path / "a-file").write_text("kept", encoding="utf-8")
    with pytest.raises(ValueError, match="did not make"):
        same_outputs.run_jobs(ROOT, tmp_path / "a-file", None)


def test_a_second_jobs_step_waits_for_the_first(tmp_path, same_outputs):
    # Two runs share the work folder; the second must not start while the first holds it.
    fcntl = pytest.importorskip("fcntl")
    work = tmp_path / "work"
    held = same_outputs.one_run_at_a_time(work)
    with held, open(tmp_path / "work.lock") as lock, pytest.raises(BlockingIOError):
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    with open(tmp_path / "work.lock") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free again once the first is done
