"""send, fetch, run --send and plan --send through the real CLI against the QAPI simulator
(QOO10_QAPI_URL): exit codes, the interrupted send, and the key never shown anywhere."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from cli_outcome import invoke
from qapi_fixtures import SAMPLES, qapi  # noqa: F401
from qapi_sim import EXPIRED_KEY, KEY, Fault

ROOT = Path(__file__).resolve().parent.parent
DAY = ["--orders", SAMPLES / "qsm-detail-ja.csv", "--dispatch", SAMPLES / "yamato-b2.csv",
       "--dispatch", SAMPLES / "generic-ko.xlsx", "--today", "2026-11-26"]  # fmt: skip


def _no_key_anywhere(tmp_path: Path, *texts: str, key: str = KEY) -> None:
    for text in texts:
        assert key not in text
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert key.encode() not in path.read_bytes(), path


def test_run_send_registers_the_day_and_a_second_send_sends_nothing(qapi, tmp_path):  # noqa: F811
    qapi.sim.code_for["104648070"] = -10120
    out = tmp_path / "out"
    code, stdout, stderr = invoke(["run", *DAY, "--out", out, "--send", "--lang", "en"])
    assert code == 0, stderr
    assert "sent 14, already_registered 0, rejected 1, not_sent 0" in stdout
    assert "104648070: -10120" in stdout
    code, again, stderr = invoke(["send", out, "--lang", "en"])
    assert code == 0 and "sent 14" in again
    # The counts are the folder's; the seller must not read them as sent twice.
    assert "nothing sent now: all 15 rows were answered by an earlier send" in again
    assert sum(r["method"].endswith("Bulk") for r in qapi.sim.requests) == 1
    code, later, _ = invoke(["run", *DAY, "--out", tmp_path / "next", "--lang", "en"])
    assert code == 0 and "already dispatched 15" in later
    _no_key_anywhere(tmp_path, stdout, stderr, again, later)


def test_no_answer_is_exit_4_and_a_later_send_finishes(qapi, tmp_path):  # noqa: F811
    out = tmp_path / "out"
    assert invoke(["run", *DAY, "--out", out])[0] == 0
    qapi.sim.faults.append(Fault("http502", seconds=0, times=4))
    code, stdout, _ = invoke(["send", out, "--lang", "en"])
    assert code == 4 and "not_sent 15" in stdout
    code, stdout, _ = invoke(["send", out, "--lang", "en"])
    assert code == 0 and "sent 15" in stdout


def test_an_expired_key_stops_with_exit_2_and_how_to_renew(qapi, tmp_path, monkeypatch):  # noqa: F811
    out = tmp_path / "out"
    assert invoke(["run", *DAY, "--out", out])[0] == 0
    monkeypatch.setenv("QOO10_QAPI_KEY", EXPIRED_KEY)
    code, stdout, stderr = invoke(["send", out, "--lang", "en"])
    assert code == 2 and "one year" in stderr and "QOO10_QAPI_KEY" in stderr
    _no_key_anywhere(tmp_path, stdout, stderr, key=EXPIRED_KEY)


def test_dry_run_shows_the_carrier_names_and_sends_nothing(qapi, tmp_path):  # noqa: F811
    out = tmp_path / "out"
    code, stdout, _ = invoke(["run", *DAY, "--out", out, "--send", "--dry-run", "--lang", "en"])
    assert (
        code == 0
        and "would send 15 rows" in stdout
        and "104648070  360244170521  佐川急便" in stdout
    )
    assert qapi.sim.requests == []


def test_a_send_killed_between_qoo10s_answer_and_the_ledger_sends_nothing_twice(qapi, tmp_path):  # noqa: F811
    out = tmp_path / "out"
    assert invoke(["run", *DAY, "--out", out])[0] == 0
    qapi.sim.faults.append(Fault("apply_then_hang", seconds=20))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "batch", "send", str(out)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    try:
        assert qapi.sim.applied.wait(30), "the send never reached Qoo10"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
    assert sum(qapi.sim.accepted.values()) == 15  # Qoo10 has them; our ledger does not
    code, stdout, stderr = invoke(["send", out, "--lang", "en"])
    assert code == 0, stderr
    assert "sent 0, already_registered 15, rejected 0, not_sent 0" in stdout
    assert max(qapi.sim.accepted.values()) == 1
    code, later, _ = invoke(["run", *DAY, "--out", tmp_path / "next", "--lang", "en"])
    assert "uploaded 0," in later and "already dispatched 16" in later, later


def test_fetch_writes_a_download_run_reads(qapi, tmp_path):  # noqa: F811
    path = tmp_path / "orders.csv"
    code, stdout, _ = invoke(["fetch", "--out", path])
    assert code == 0 and "orders written" in stdout
    code, _, stderr = invoke(["run", "--orders", path, "--dispatch", SAMPLES / "yamato-b2.csv",
                              "--out", tmp_path / "out", "--today", "2026-11-26"])  # fmt: skip
    assert code == 0, stderr
    assert invoke(["fetch", "--out", path])[0] == 2, "never over an existing file"
