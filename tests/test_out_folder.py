"""The --out folder: a run adds its own files and never deletes, moves or changes another's
(issue "Nothing the seller has is ever lost", items 1-5 and --strict)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from cli_outcome import ROOT, SAMPLES, TODAY, invoke, wait_until_working

from batch import formats, interrupts, ledger, outputs, staging
from batch.report import workbook

RUN_OUTPUTS = {"exceptions.xlsx", "exceptions.jsonl", "summary.json", "qsm-upload-001.csv"}


def seller_folder(path: Path) -> dict[str, bytes]:
    """A folder as a seller has it: the day's export, the courier's sheet, an unrelated PDF."""
    path.mkdir(parents=True, exist_ok=True)
    shutil.copy(SAMPLES / "qsm-detail-ja.csv", path / "orders.csv")
    shutil.copy(SAMPLES / "yamato-b2.csv", path / "yamato.csv")
    (path / "invoice.pdf").write_bytes(b"%PDF-1.4 not ours")
    return snapshot(path)


def snapshot(path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in path.iterdir() if p.is_file()}


def run_args(orders, out, *extra, dispatch=None):
    dispatch = dispatch or SAMPLES / "yamato-b2.csv"
    return ["run", "--orders", str(orders), "--dispatch", str(dispatch), "--out", str(out),
            "--today", str(TODAY), "--quiet", *extra]  # fmt: skip


def summary(out: Path) -> dict:
    return json.loads((out / "summary.json").read_text("utf-8"))


# --- item 1: other files in --out survive ----------------------------------------------


def test_run_into_the_folder_holding_its_inputs_keeps_them(tmp_path):
    work = tmp_path / "work"
    before = seller_folder(work)
    args = ["run", "--orders", str(work / "orders.csv"), "--dispatch", str(work / "yamato.csv"),
            "--out", str(work), "--today", str(TODAY), "--quiet"]  # fmt: skip
    assert invoke(args)[0] == 0
    after = snapshot(work)
    assert {k: after[k] for k in before} == before  # every file of the seller, unchanged
    assert set(after) == set(before) | RUN_OUTPUTS


def test_plan_and_labels_keep_other_files_too(tmp_path):
    work = tmp_path / "work"
    before = seller_folder(work)
    plan = ["plan", "--orders", str(work / "orders.csv"), "--out", str(work / "p"),
            "--today", str(TODAY), "--quiet"]  # fmt: skip
    shutil.copy(work / "invoice.pdf", work / "p-invoice.pdf")
    (work / "p").mkdir()
    (work / "p" / "invoice.pdf").write_bytes(b"keep me")
    assert invoke(plan)[0] == 0
    assert (work / "p" / "invoice.pdf").read_bytes() == b"keep me"
    labels = ["labels", "--orders", str(work / "orders.csv"), "--carrier", "yamato",
              "--out", str(work), "--quiet"]  # fmt: skip
    assert invoke(labels)[0] == 0
    after = snapshot(work)
    assert {k: after[k] for k in before} == before
    assert "yamato-b2-import.csv" in after


# --- item 2: a second run never deletes the first run's files ---------------------------


def test_a_rerun_stops_and_names_the_earlier_run(tmp_path):
    work = tmp_path / "work"
    seller_folder(work)
    args = run_args(work / "orders.csv", work)
    assert invoke(args)[0] == 0
    first = summary(work)
    before = snapshot(work)
    code, out, err = invoke(args)
    assert code == 2 and out == ""
    assert first["run_id"] in err
    assert f"hold {first['orders']['uploaded']} rows" in err
    assert "awaiting upload" in err  # what the ledger says of them
    assert "--replace" in err and "another --out" in err
    assert snapshot(work) == before  # nothing changed


def test_replace_moves_the_earlier_outputs_aside_and_deletes_nothing(tmp_path):
    work = tmp_path / "work"
    seller = seller_folder(work)
    assert invoke(run_args(work / "orders.csv", work))[0] == 0
    first = snapshot(work)
    first_id = summary(work)["run_id"]
    assert invoke(run_args(work / "orders.csv", work, "--replace"))[0] == 0
    aside = work / f"replaced-{first_id}"
    assert {p.name: p.read_bytes() for p in aside.iterdir()} == {
        k: v for k, v in first.items() if k not in seller
    }
    assert summary(work)["run_id"] != first_id
    assert {k: v for k, v in snapshot(work).items() if k in seller} == seller
    # The ledger knows where the earlier files went: the pending message names them.
    jsonl = (work / "exceptions.jsonl").read_text("utf-8")
    assert f"replaced-{first_id}/qsm-upload-001.csv" in jsonl


def test_a_dry_run_never_touches_a_real_runs_files(tmp_path):
    work = tmp_path / "work"
    seller_folder(work)
    assert invoke(run_args(work / "orders.csv", work))[0] == 0
    before = snapshot(work)
    for extra in (["--dry-run"], ["--dry-run", "--replace"]):
        code, _, err = invoke(run_args(work / "orders.csv", work, *extra))
        assert code == 2 and "dry run" in err
        assert snapshot(work) == before
    # A dry run may replace an earlier dry run (a preview of a preview).
    preview = tmp_path / "preview"
    assert invoke(run_args(work / "orders.csv", preview, "--dry-run"))[0] == 0
    assert invoke(run_args(work / "orders.csv", preview, "--dry-run", "--replace"))[0] == 0
    assert len(list(preview.glob("replaced-*"))) == 1


def test_two_runs_at_once_into_one_folder_leave_one_complete_set(tmp_path):
    work = tmp_path / "work"
    seller = seller_folder(work)
    args = run_args(work / "orders.csv", work, "--no-ledger")
    procs = [
        subprocess.Popen([sys.executable, "-m", "batch", *args], stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    codes = [p.wait(timeout=120) for p in procs]
    errors = [p.stderr.read().decode() for p in procs]
    assert 0 in codes and set(codes) <= {0, 2}, errors
    assert all("Traceback" not in e for e in errors)
    files = snapshot(work)
    assert {k: files[k] for k in seller} == seller
    assert set(files) - set(seller) == RUN_OUTPUTS  # one complete set, nothing of the other


# --- item 3: Ctrl-C ----------------------------------------------------------------------


@contextmanager
def ctrl_c_during(obj, name):
    """Press Ctrl-C (a real SIGINT to this process) when ``obj.name`` is called."""
    real = getattr(obj, name)

    def pressed(*a, **k):
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)  # let the signal arrive where it would
        return real(*a, **k)

    setattr(obj, name, pressed)
    try:
        yield
    finally:
        setattr(obj, name, real)


def test_ctrl_c_before_publishing_exits_130_with_nothing_written(tmp_path):
    work = tmp_path / "work"
    before = seller_folder(work)
    book = tmp_path / "ledger.sqlite3"
    with ctrl_c_during(workbook, "write"):
        code, out, err = invoke(run_args(work / "orders.csv", work, "--ledger", str(book)))
    assert code == 130 and "nothing was written" in err
    assert snapshot(work) == before
    assert [p.name for p in work.iterdir() if p.is_dir()] == []  # no partial folder left
    with ledger.Ledger(book) as b:
        assert b.runs().empty


class _CtrlCOnImport:
    """A finder that presses Ctrl-C when ``name`` is imported, then lets it import."""

    def __init__(self, name: str) -> None:
        self.name = name

    def find_spec(self, fullname, path=None, target=None):
        if fullname == self.name:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)
        return None


def test_ctrl_c_while_the_run_loads_is_said_in_the_language_chosen(tmp_path, monkeypatch):
    # The run's work (batch.pipeline: pandas and the rest) loads once the command has chosen
    # its language, so a Ctrl-C while it loads is said in it, not in the machine's.
    import batch

    work = tmp_path / "work"
    before = seller_folder(work)
    monkeypatch.delitem(sys.modules, "batch.pipeline", raising=False)
    monkeypatch.delattr(batch, "pipeline", raising=False)
    monkeypatch.setattr(sys, "meta_path", [_CtrlCOnImport("batch.pipeline"), *sys.meta_path])
    code, _, err = invoke(run_args(work / "orders.csv", work, "--no-ledger", "--lang", "ko"))
    assert code == 130, err
    assert "중단됨" in err and "interrupted" not in err, err
    assert snapshot(work) == before


def test_ctrl_c_just_after_the_ledger_commit_lets_the_run_finish(tmp_path):
    work = tmp_path / "work"
    seller_folder(work)
    book = tmp_path / "ledger.sqlite3"
    with ctrl_c_during(ledger.Ledger, "commit"):
        code, out, err = invoke(
            run_args(work / "orders.csv", work, "--ledger", str(book), "--lang", "en")
        )
    assert code == 0, err
    assert "the run was completed" in err
    assert set(snapshot(work)) >= RUN_OUTPUTS
    with ledger.Ledger(book) as b:
        assert b.runs()["run_id"].tolist() == [summary(work)["run_id"]]
    # The natural rerun stops instead of deleting what that run wrote.
    code, _, err = invoke(run_args(work / "orders.csv", work, "--ledger", str(book)))
    assert code == 2 and (work / "qsm-upload-001.csv").exists()


def test_a_real_sigint_exits_130_or_finishes_never_half(tmp_path):
    """A real Ctrl-C to the process at moments through the run (each with a ledger of its
    own: what an earlier moment recorded is not this test's matter)."""
    book = tmp_path / "ledger.sqlite3"

    def runs() -> list[str]:
        if not book.exists():
            return []
        with ledger.Ledger(book) as b:
            return b.runs()["run_id"].tolist()

    # seconds after the run's work starts loading (the first lands in the imports)
    for i, delay in enumerate((0.0, 0.4, 0.7, 1.0, 1.5, 2.7)):
        work = tmp_path / f"work{i}"
        before = seller_folder(work)
        book = tmp_path / f"ledger{i}.sqlite3"
        args = run_args(work / "orders.csv", work, "--ledger", str(book))
        recorded = runs()
        proc = subprocess.Popen(
            [sys.executable, "-m", "batch", *args], stderr=subprocess.PIPE, text=True
        )
        if not wait_until_working(proc):
            delay += 0.3
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=120)
        err = proc.stderr.read()
        assert code in (0, 130), (delay, err)
        assert "Traceback" not in err
        names = set(snapshot(work))
        if code == 130:
            assert snapshot(work) == before
            assert runs() == recorded
        else:
            assert names == set(before) | RUN_OUTPUTS
            assert ledger.has_run(book, summary(work)["run_id"])
        assert not [p for p in work.iterdir() if p.name.startswith(".qoo10-dispatch-")]


# --- item 4: a ledger inside --out -------------------------------------------------------


def test_a_ledger_inside_out_survives_every_run(tmp_path):
    work = tmp_path / "work"
    seller_folder(work)
    book = work / "ledger.sqlite3"
    args = run_args(work / "orders.csv", work, "--ledger", str(book))
    assert invoke(args)[0] == 0
    uploaded = summary(work)["orders"]["uploaded"]
    code, _, err = invoke([*args, "--replace"])
    assert code == 0, err
    assert book.exists()
    again = summary(work)
    assert again["orders"]["uploaded"] == 0  # not the same orders every day
    assert again["orders"]["pending"] == uploaded


# --- item 5: machine problems, odd --out values -----------------------------------------


def test_out_dot_and_a_path_through_dotdot(tmp_path, monkeypatch):
    work = tmp_path / "work"
    before = seller_folder(work)
    (work / "sub").mkdir()
    monkeypatch.chdir(work)
    assert invoke(run_args("orders.csv", ".", "--no-ledger"))[0] == 0
    assert set(snapshot(work)) == set(before) | RUN_OUTPUTS
    assert invoke(run_args("orders.csv", "sub/..", "--no-ledger", "--replace"))[0] == 0
    assert {k: v for k, v in snapshot(work).items() if k in before} == before


def test_a_symlinked_out_is_written_through(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (real / "keep.txt").write_text("mine")
    link = tmp_path / "today"
    link.symlink_to(real, target_is_directory=True)
    assert invoke(run_args(SAMPLES / "qsm-detail-ja.csv", link, "--no-ledger"))[0] == 0
    assert link.is_symlink()
    assert {p.name for p in real.iterdir()} == RUN_OUTPUTS | {"keep.txt"}


@contextmanager
def unwritable(path: Path):
    """A folder nobody may write in: immutable for root (who ignores modes), else 0555."""
    if os.geteuid() == 0:
        if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode:
            pytest.skip("chattr +i is not supported here")
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(path)], check=True)
    else:
        path.chmod(0o555)
        try:
            yield
        finally:
            path.chmod(0o755)


def test_a_read_only_parent_is_exit_2_naming_the_path(tmp_path):
    parent = tmp_path / "locked"
    parent.mkdir()
    with unwritable(parent):
        code, _, err = invoke(run_args(SAMPLES / "qsm-detail-ja.csv", parent / "out",
                                       "--no-ledger"))  # fmt: skip
    assert code == 2, err
    assert str(parent) in err and "internal error" not in err
    assert list(parent.iterdir()) == []


def test_an_immutable_out_is_exit_2_and_left_as_it_was(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with unwritable(out):
        code, _, err = invoke(run_args(SAMPLES / "qsm-detail-ja.csv", out, "--no-ledger"))
    assert code == 2, err
    assert str(out) in err and "internal error" not in err
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_a_ledger_with_a_text_schema_version_is_refused_untouched(tmp_path):
    import sqlite3

    book = tmp_path / "ledger.sqlite3"
    with sqlite3.connect(book) as db:
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.execute("INSERT INTO meta VALUES ('app', 'qoo10-dispatch'), ('schema_version', 'two')")
    data = book.read_bytes()
    code, _, err = invoke(run_args(SAMPLES / "qsm-detail-ja.csv", tmp_path / "out",
                                   "--ledger", str(book)))  # fmt: skip
    assert code == 2 and "ledger.sqlite3" in err and "internal error" not in err
    assert book.read_bytes() == data
    assert not (tmp_path / "out").exists()


def test_disk_full_and_busy_files_say_what_to_do():
    import errno

    for number, words in ((errno.ENOSPC, "free some disk space"), (errno.EBUSY, "close it")):
        err = staging.machine_problem("out", OSError(number, os.strerror(number), "out/x"), "write")
        assert "out/x" in str(err) and words in str(err).lower()


def test_a_killed_runs_staging_folder_is_removed_by_the_next_run(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    stale = out / ".qoo10-dispatch-20261126-093012-1a2b3c.partial"  # killed while writing
    stale.mkdir()
    (stale / "journal.json").write_text('{"run_id": "20261126-093012-1a2b3c", "record": false}')
    (stale / "qsm-upload-001.csv").write_text("half")
    early = out / ".qoo10-dispatch-20261126-093013-2b3c4d.partial.new"  # killed at its start
    early.mkdir()
    long_ago = time.time() - 3600
    os.utime(early, (long_ago, long_ago))
    legacy = tmp_path / ".out.20261125-093012-0a0b0c.partial"  # left by versions before 0.2
    legacy.mkdir()
    (legacy / "summary.json").write_text("{}")
    assert invoke(run_args(SAMPLES / "qsm-detail-ja.csv", out, "--no-ledger"))[0] == 0
    assert not stale.exists() and not legacy.exists() and not early.exists()
    assert {p.name for p in out.iterdir()} == RUN_OUTPUTS


def test_a_run_killed_after_locking_its_new_staging_folder_leaves_nothing_behind(tmp_path):
    """Killed between locking its ``.new`` folder and writing the journal: the lock file is
    there and nobody holds it, so its run is dead, however young the folder; found by the
    kill-at-any-moment test, which saw such a folder survive the next run."""
    from filelock import FileLock

    out = tmp_path / "out"
    young = out / ".qoo10-dispatch-20261126-093013-2b3c4d.partial.new"
    young.mkdir(parents=True)
    lock = FileLock(young / ".lock")
    lock.acquire()  # held as by a live run
    code = subprocess.run(
        [sys.executable, "-c", "import sys; from pathlib import Path; from batch import staging; "
         "print(staging.recover(Path(sys.argv[1]), lambda *a: False))", str(out)],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    assert code.stdout.strip() == "[]", code.stderr  # held: left alone
    lock.release()  # as a killed run's: the file stays, nobody holds it
    assert staging.recover(out, lambda *a: False) == ["20261126-093013-2b3c4d"]
    assert not young.exists()
    just_made = out / ".qoo10-dispatch-20261126-093014-3c4d5e.partial.new"
    just_made.mkdir()  # no lock file yet: a run this very moment between mkdir and lock
    assert staging.recover(out, lambda *a: False) == []
    assert just_made.exists()


def test_a_live_runs_staging_folder_is_left_alone(tmp_path):
    from filelock import FileLock

    out = tmp_path / "out"
    live = out / ".qoo10-dispatch-20261126-093012-1a2b3c.partial"
    live.mkdir(parents=True)
    lock = FileLock(live / ".lock")
    lock.acquire()
    # Another process (not this one: a lock is re-entrant within a process) looks.
    code = subprocess.run(
        [sys.executable, "-c", "import sys; from pathlib import Path; from batch import staging; "
         "print(staging.recover(Path(sys.argv[1]), lambda *a: False))", str(out)],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    lock.release()
    assert code.stdout.strip() == "[]", code.stderr
    assert live.exists()


def test_an_exception_half_way_through_the_publish_leaves_out_as_it_was(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "summary.json").write_text('{"version": 1, "run_id": "20261125-093012-0a0b0c", '
                                      '"upload_files": [{"path": "qsm-upload-001.csv", '
                                      '"rows": 1}]}')  # fmt: skip
    (out / "qsm-upload-001.csv").write_text("yesterday")
    (out / "exceptions.xlsx").write_text("yesterday's book")
    before = snapshot(out)
    earlier = outputs.earlier_outputs(out)
    real_place = staging.Staging._place
    calls = []

    def fails_on_the_second(self, name):
        calls.append(name)
        if len(calls) == 2:
            raise MemoryError("as if anything went wrong here")
        real_place(self, name)

    partial = staging.staged(out, "20261126-093012-1a2b3c", None, False)
    with pytest.raises(MemoryError), partial as st:
        (st.path / "qsm-upload-001.csv").write_text("today")
        (st.path / "exceptions.xlsx").write_text("today's book")
        (st.path / "summary.json").write_text("{}")
        staging.Staging._place = fails_on_the_second
        try:
            st.publish(earlier)
        finally:
            staging.Staging._place = real_place
    assert len(calls) == 2
    assert snapshot(out) == before
    assert sorted(p.name for p in out.iterdir()) == sorted(before)


def test_recovery_rolls_back_an_uncommitted_publish(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    partial = out / ".qoo10-dispatch-20261126-093012-1a2b3c.partial"
    partial.mkdir()
    aside = out / "replaced-20261125-093012-0a0b0c"
    aside.mkdir()
    (aside / "summary.json").write_text("old summary")  # moved aside before the kill
    (out / "qsm-upload-001.csv").write_text("old rows")  # not yet moved
    (partial / "exceptions.xlsx").write_text("new")
    os.link(partial / "exceptions.xlsx", out / "exceptions.xlsx")  # published before the kill
    (partial / "summary.json").write_text("new summary")
    journal = {
        "run_id": "20261126-093012-1a2b3c",
        "ledger": str(tmp_path / "l.sqlite3"),
        "record": True,
        "files": ["exceptions.xlsx", "summary.json"],
        "replaced": {"folder": aside.name, "files": ["summary.json", "qsm-upload-001.csv"]},
    }
    (partial / "journal.json").write_text(json.dumps(journal))
    assert staging.recover(out, lambda path, run_id: False) == ["20261126-093012-1a2b3c"]
    assert snapshot(out) == {
        "keep.txt": b"mine",
        "summary.json": b"old summary",
        "qsm-upload-001.csv": b"old rows",
    }
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt", "qsm-upload-001.csv",
                                                     "summary.json"]  # fmt: skip


def test_recovery_keeps_a_publish_the_ledger_committed(tmp_path):
    out = tmp_path / "out"
    partial = out / ".qoo10-dispatch-20261126-093012-1a2b3c.partial"
    partial.mkdir(parents=True)
    for name in ("exceptions.xlsx", "summary.json"):
        (partial / name).write_text("new")
        os.link(partial / name, out / name)
    journal = {"run_id": "20261126-093012-1a2b3c", "ledger": "l", "record": True,
               "files": ["exceptions.xlsx", "summary.json"]}  # fmt: skip
    (partial / "journal.json").write_text(json.dumps(journal))
    staging.recover(out, lambda path, run_id: run_id == "20261126-093012-1a2b3c")
    assert sorted(p.name for p in out.iterdir()) == ["exceptions.xlsx", "summary.json"]


# --- --strict ---------------------------------------------------------------------------


def test_strict_with_exit_3_records_nothing(tmp_path):
    book = tmp_path / "ledger.sqlite3"
    code, _, _ = invoke(run_args(SAMPLES / "qsm-detail-ja.csv", tmp_path / "out", "--strict",
                                 "--ledger", str(book)))  # fmt: skip
    assert code == 3
    assert summary(tmp_path / "out")["ledger"]["recorded"] is False
    with ledger.Ledger(book) as b:
        assert b.runs().empty
    # Fixed and run again: the same orders are uploaded, not skipped.
    code, _, _ = invoke(run_args(SAMPLES / "qsm-detail-ja.csv", tmp_path / "out2",
                                 "--ledger", str(book)))  # fmt: skip
    assert code == 0 and summary(tmp_path / "out2")["orders"]["uploaded"] == 11


def test_the_help_of_run_explains_replace():
    from click.testing import CliRunner

    from batch.cli import cli

    text = CliRunner().invoke(cli, ["run", "--help"]).output
    assert "--replace" in text and "replaced-" in text and "never" in text.lower()


def test_interrupt_shield_is_released_outside_a_command():
    before = signal.getsignal(signal.SIGINT)
    with interrupts.finishing():
        assert signal.getsignal(signal.SIGINT) is not before
    assert signal.getsignal(signal.SIGINT) is before


# --- found by review: each of these lost or hid a run's files before -------------------


def _run_set(folder: Path) -> set[str]:
    s = summary(folder)
    return {"summary.json", "exceptions.xlsx", "exceptions.jsonl"} | {
        f["path"] for f in s["upload_files"]
    }


def test_a_run_that_published_meanwhile_is_never_moved_over(tmp_path, monkeypatch):
    """Run B looks at DIR (run E's outputs), works; meanwhile run A replaces E. B must not
    move A's files into E's replaced folder: it stops, and every set stays whole."""
    work = tmp_path / "work"
    seller = seller_folder(work)
    orders = work / "orders.csv"
    assert invoke(run_args(orders, work, "--no-ledger"))[0] == 0
    e_id = summary(work)["run_id"]
    real_write = workbook.write

    def meanwhile_a_replaces(*args, **kwargs):
        a = run_args(orders, work, "--no-ledger", "--replace")
        done = subprocess.run([sys.executable, "-m", "batch", *a], capture_output=True)
        assert done.returncode == 0, done.stderr
        return real_write(*args, **kwargs)

    monkeypatch.setattr(workbook, "write", meanwhile_a_replaces)
    code, _, err = invoke(run_args(orders, work, "--no-ledger", "--replace"))
    assert code == 2 and "while this one was working" in err
    a_id = summary(work)["run_id"]
    assert a_id != e_id
    aside = work / f"replaced-{e_id}"
    assert summary(aside)["run_id"] == e_id and {p.name for p in aside.iterdir()} == _run_set(aside)
    assert set(snapshot(work)) == set(seller) | _run_set(work)
    assert sorted(p.name for p in work.iterdir() if p.is_dir()) == [aside.name]


def test_a_commit_that_fails_takes_the_published_files_back(tmp_path, monkeypatch):
    import sqlite3

    work = tmp_path / "work"
    before = seller_folder(work)
    book = tmp_path / "ledger.sqlite3"

    def disk_fails(self):  # the COMMIT itself fails, as on a full or pulled disk
        with self._errors("written"):
            raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(ledger.Ledger, "commit", disk_fails)
    code, _, err = invoke(run_args(work / "orders.csv", work, "--ledger", str(book)))
    assert code == 2 and "ledger.sqlite3" in err and "nothing was recorded" in err
    assert snapshot(work) == before  # exit 2 means nothing written, and so it is
    monkeypatch.undo()
    with ledger.Ledger(book) as b:
        assert b.runs().empty


def test_recovery_keeps_the_files_when_the_ledger_cannot_be_found(tmp_path):
    out = tmp_path / "out"
    partial = out / ".qoo10-dispatch-20261126-093012-1a2b3c.partial"
    partial.mkdir(parents=True)
    for name in ("qsm-upload-001.csv", "summary.json"):
        (partial / name).write_text("committed, perhaps")
        os.link(partial / name, out / name)
    journal = {"run_id": "20261126-093012-1a2b3c", "record": True,
               "ledger": str(tmp_path / "moved-away.sqlite3"),
               "files": ["qsm-upload-001.csv", "summary.json"]}  # fmt: skip
    (partial / "journal.json").write_text(json.dumps(journal))
    staging.recover(out, ledger.has_run)
    assert sorted(p.name for p in out.iterdir()) == ["qsm-upload-001.csv", "summary.json"]


@pytest.mark.parametrize(
    "content",
    [
        "",  # emptied
        "[1, 2]",  # a JSON list
        '{"status": "ok", "files": 3}',  # another tool's
        '{"version": 1, "run_id": "x/../../../escape"}',  # not a run id of ours
        '{"version": 1, "run_id": "20261125-093012-0a0b0c", "upload_files": 5, "command": [1]}',
    ],
)
def test_a_summary_json_not_ours_is_never_moved(tmp_path, content):
    out = tmp_path / "out"
    out.mkdir()
    (out / "summary.json").write_text(content)
    (out / "exceptions.xlsx").write_text("the seller's")
    before = snapshot(out)
    for extra in ([], ["--replace"], ["--dry-run", "--replace"]):
        code, _, err = invoke(run_args(SAMPLES / "qsm-detail-ja.csv", out, "--no-ledger",
                                       *extra))  # fmt: skip
        if "upload_files" in content:  # ours in form: it is a run's, odd fields and all
            assert code in (0, 2) and "internal error" not in err
            continue
        assert code == 2 and "did not write" in err, err
        assert snapshot(out) == before and [p.name for p in out.iterdir() if p.is_dir()] == []


def test_replace_moves_only_our_files_into_a_folder_of_its_own(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    run_id = "20261125-093012-0a0b0c"
    (out / "summary.json").write_text(json.dumps({
        "version": 1, "run_id": run_id,
        "upload_files": [{"path": "qsm-upload-001.csv", "rows": 1},
                         {"path": "DeliveryManagement_detail_20261125_0900.csv", "rows": 9},
                         {"path": "../notes.txt", "rows": 1}],
    }))  # fmt: skip
    for name in ("qsm-upload-001.csv", "DeliveryManagement_detail_20261125_0900.csv"):
        (out / name).write_text(name)
    (out / f"replaced-{run_id}").mkdir()
    (out / f"replaced-{run_id}" / "summary.json").write_text("kept from before")
    args = run_args(SAMPLES / "qsm-detail-ja.csv", out, "--no-ledger", "--replace")
    assert invoke(args)[0] == 0
    assert (out / "DeliveryManagement_detail_20261125_0900.csv").exists()  # the seller's
    assert (out / f"replaced-{run_id}" / "summary.json").read_text() == "kept from before"
    second = out / f"replaced-{run_id}-2"
    assert sorted(p.name for p in second.iterdir()) == ["qsm-upload-001.csv", "summary.json"]


def test_a_journal_never_makes_recovery_touch_a_file_not_ours(tmp_path):
    out = tmp_path / "out"
    partial = out / ".qoo10-dispatch-20261125-090000-abcdef.partial"
    partial.mkdir(parents=True)
    (out / "notes.xlsx").write_text("the seller's")
    (out / "qsm-upload-001.csv").write_text("a run's, not this journal's")
    journal = {"run_id": "20261125-090000-abcdef", "record": False,
               "files": ["notes.xlsx", "qsm-upload-001.csv", "../x"],
               "replaced": {"folder": "..", "files": ["notes.xlsx"]}}  # fmt: skip
    (partial / "journal.json").write_text(json.dumps(journal))
    staging.recover(out, ledger.has_run)
    assert sorted(p.name for p in out.iterdir()) == ["notes.xlsx", "qsm-upload-001.csv"]


def test_labels_replace_tells_the_ledger_where_the_runs_files_went(tmp_path):
    out = tmp_path / "out"
    book = tmp_path / "qoo10-dispatch-ledger.sqlite3"  # the default beside out
    assert invoke(run_args(SAMPLES / "qsm-detail-ja.csv", out))[0] == 0
    run_id = summary(out)["run_id"]
    labels = ["labels", "--orders", str(SAMPLES / "qsm-detail-ja.csv"), "--carrier", "yamato",
              "--out", str(out), "--replace", "--quiet"]  # fmt: skip
    assert invoke(labels)[0] == 0
    with ledger.Ledger(book) as b:
        assert b.run_state(run_id)["files_dir"] == str(out / f"replaced-{run_id}")


def test_without_hard_links_a_run_still_publishes(tmp_path, monkeypatch):
    import errno

    def no_links(src, dst):  # FAT, exFAT: Windows reports EINVAL
        raise OSError(errno.EINVAL, "Invalid argument")

    monkeypatch.setattr(os, "link", no_links)
    work = tmp_path / "work"
    seller = seller_folder(work)
    assert invoke(run_args(work / "orders.csv", work, "--no-ledger"))[0] == 0
    assert set(snapshot(work)) == set(seller) | RUN_OUTPUTS
    assert not [p for p in work.iterdir() if p.is_dir()]


@pytest.mark.parametrize("n", [1, 999, 1000, 1536, 12345])
def test_every_upload_file_a_run_writes_is_known_as_its_own(n):
    # A 1M-line day writes 1,536 upload files (500 rows each): qsm-upload-1000.csv onwards
    # must be known as the run's own, or the next --replace into that folder stops on a file
    # "that appeared while the run was writing", and a publish could leave it behind.
    for profile in formats.shipped():
        if profile.upload is None:
            continue
        files = {"run": profile.upload.dispatch, "plan": profile.upload.shipdate}
        for command, upload in files.items():
            name = upload.name(n)
            assert staging.OWN_NAME.fullmatch(name), name
            assert outputs.WRITES[command].fullmatch(name), name
