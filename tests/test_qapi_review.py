"""A hostile review of send/fetch against the QAPI simulator (tests/qapi_sim.py), through
QOO10_QAPI_URL: each test here failed before the fix it came with."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import httpx
import pytest
from cli_outcome import invoke
from qapi_fixtures import SAMPLES, qapi  # noqa: F401
from qapi_sim import KEY, Fault

from batch import pipeline
from batch.ledger import Ledger, LedgerError
from batch.qapi.send import SendOptions, send

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 26)
BULK = "ShippingBasic.SetSendingInfoBulk"
LOOKUP = "ShippingBasic.GetShippingInfo_v3"
DAY = ["--orders", SAMPLES / "qsm-detail-ja.csv", "--dispatch", SAMPLES / "yamato-b2.csv",
       "--dispatch", SAMPLES / "generic-ko.xlsx", "--today", "2026-11-26"]  # fmt: skip


def _run(tmp_path: Path, ledger=True):
    book = tmp_path / "ledger.sqlite3" if ledger else None
    out = tmp_path / "out"
    dispatch = [SAMPLES / "yamato-b2.csv", SAMPLES / "generic-ko.xlsx"]
    pipeline.run(SAMPLES / "qsm-detail-ja.csv", dispatch, out,
                 pipeline.Options(today=TODAY, ledger=book))  # fmt: skip
    return out, book


def test_an_answer_that_never_ends_is_given_up_within_the_timeout(qapi, tmp_path):  # noqa: F811
    """A byte every 0.2 s never trips a read timeout (1.5 s); the whole answer must be
    bounded too, or a send hangs for as long as the other end likes."""
    out, book = _run(tmp_path)
    qapi.sim.faults.append(Fault("trickle", BULK, seconds=0.2))
    started = time.monotonic()
    result = send(out, SendOptions(ledger=book))
    assert time.monotonic() - started < 20, "a send never hangs"
    # Qoo10 had applied it: the retry's 'used before' proves our number is on each order
    assert result.count("already_registered") == 15
    assert max(qapi.sim.accepted.values()) == 1


def test_a_key_pasted_with_full_width_characters_is_refused_clearly(qapi, tmp_path, monkeypatch):  # noqa: F811
    """Copied from a Japanese page, a key may carry full-width letters: an HTTP header
    cannot hold them. Exit 2 saying so, not an internal error quoting a character of it."""
    out, _ = _run(tmp_path)
    key = "ｓim-key-0123456789abcdef"
    monkeypatch.setenv("QOO10_QAPI_KEY", key)
    code, stdout, stderr = invoke(["send", out, "--lang", "en"])
    assert code == 2, stderr
    assert "QOO10_QAPI_KEY" in stderr and "internal error" not in stderr
    assert not any(ch in stdout + stderr for ch in "ｓ") and key not in stdout + stderr
    assert qapi.sim.requests == [] and not (out / "send-results.csv").exists()


def test_a_send_whose_ledger_is_gone_stops_before_sending(qapi, tmp_path):  # noqa: F811
    """The run recorded its rows in a ledger that is no longer there (moved, another
    machine): sending without it would skip the checks against later runs and leave the
    accepted rows unknown to the next run. Stop, name it, send nothing."""
    out = tmp_path / "out"
    assert invoke(["run", *DAY, "--out", out])[0] == 0
    book = tmp_path / "qoo10-dispatch-ledger.sqlite3"
    book.rename(tmp_path / "elsewhere.sqlite3")
    code, stdout, stderr = invoke(["send", out, "--lang", "en"])
    assert code == 2 and str(book) in stderr and "--no-ledger" in stderr, stdout + stderr
    code, stdout, stderr = invoke(
        ["send", out, "--lang", "en", "--ledger", tmp_path / "typo.sqlite3"]
    )
    assert code == 2 and "typo.sqlite3" in stderr, stdout + stderr
    assert qapi.sim.requests == [] and not (out / "send-results.csv").exists()
    code, stdout, _ = invoke(
        ["send", out, "--lang", "en", "--ledger", tmp_path / "elsewhere.sqlite3"]
    )
    assert code == 0 and "sent 15" in stdout


def test_ctrl_c_during_a_send_says_what_was_written(qapi, tmp_path):  # noqa: F811
    """Ctrl-C while Qoo10 holds the answer: the send writes its files (the row not
    answered is not_sent) and exits 4, as any send that left rows not_sent: exit 130 promises
    that nothing was written (contract), and here the results and the ledger were."""
    out = tmp_path / "out"
    assert invoke(["run", *DAY, "--out", out])[0] == 0
    qapi.sim.faults.append(Fault("apply_then_hang", BULK, seconds=20))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "batch", "send", str(out), "--lang", "en"],
                            env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert qapi.sim.applied.wait(30), "the send never reached Qoo10"
        time.sleep(0.3)
    finally:
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 4, stderr
    assert "nothing was written" not in stderr and "send-results.csv" in stderr, stderr
    assert "not_sent 15" in stdout, stdout
    code, stdout, _ = invoke(["send", out, "--lang", "en"])
    assert code == 0 and "already_registered 15" in stdout


@pytest.mark.parametrize("kind", ["short_answer", "no_result_object"])
def test_rows_qoo10s_answer_does_not_mention_are_not_sent_and_say_why(qapi, tmp_path, kind):  # noqa: F811
    out, book = _run(tmp_path)
    qapi.sim.faults.append(Fault(kind, BULK))
    result = send(out, SendOptions(ledger=book))
    left = result.rows[result.rows["result"].eq("not_sent")]
    assert len(left) == (1 if kind == "short_answer" else 15)
    assert result.count("sent") == 15 - len(left) and result.summary["reconciled"]
    assert left["reason"].str.contains("ResultObject").all(), left["reason"].tolist()
    assert not left["reason"].str.contains("interrupted").any()
    again = send(out, SendOptions(ledger=book))  # Qoo10 had them: 'used before', ours
    assert again.count("already_registered") == len(left) and again.count("not_sent") == 0
    assert max(qapi.sim.accepted.values()) == 1


def _wire(url: str, **change) -> httpx.Response:
    """A request for 90 days of orders, right on the wire unless ``change`` says otherwise."""
    params = {"ShippingStatus": "2", "SearchStartDate": "20260901", "SearchEndDate": "20261126",
              "SearchCondition": "2", "returnType": "application/json"}  # fmt: skip
    headers = {"GiosisCertificationKey": KEY, "QAPIVersion": "1.0",
               "Content-Type": "application/x-www-form-urlencoded"}  # fmt: skip
    headers.update(change.pop("headers", {}))
    content = change.pop("content", urllib.parse.urlencode(params))
    method = change.pop("method", "POST")
    headers = {k: v for k, v in headers.items() if v is not None}
    return httpx.request(method, f"{url}/ShippingBasic.GetShippingInfo_v3", content=content,
                         headers=headers, timeout=5)  # fmt: skip


def _ok(response: httpx.Response) -> bool:
    try:
        return response.status_code == 200 and response.json().get("ResultCode") == 0
    except ValueError:
        return False


def test_a_client_wrong_on_the_wire_fails_against_the_simulator(qapi):  # noqa: F811
    assert _ok(_wire(qapi.url)), "the documented wire is answered"
    wrong = {
        "no form content type": {"headers": {"Content-Type": None}},
        "a JSON body": {
            "headers": {"Content-Type": "application/json"},
            "content": '{"returnType": "application/json"}',
        },  # fmt: skip
        "no QAPIVersion": {"headers": {"QAPIVersion": None}},
        "no key": {"headers": {"GiosisCertificationKey": None}},
        "no returnType": {"content": "ShippingStatus=2"},
        "GET": {"method": "GET"},
    }
    for what, change in wrong.items():
        assert not _ok(_wire(qapi.url, **change)), what


def test_rows_an_earlier_send_got_accepted_are_confirmed_in_the_ledger(qapi, tmp_path):  # noqa: F811
    """Sent once without the ledger (--no-ledger by mistake, or Ctrl-C just before its
    commit), then with it: nothing goes again, and the ledger learns what Qoo10 accepted,
    so the next run treats those orders as dispatched."""
    out = tmp_path / "out"
    assert invoke(["run", *DAY, "--out", out])[0] == 0
    assert invoke(["send", out, "--lang", "en", "--no-ledger"])[0] == 0
    code, stdout, _ = invoke(["send", out, "--lang", "en"])
    assert code == 0 and "sent 15" in stdout
    assert len([r for r in qapi.sim.requests if r["method"] == BULK]) == 1
    code, later, _ = invoke(["run", *DAY, "--out", tmp_path / "next", "--lang", "en"])
    assert code == 0 and "already dispatched 16" in later, later


def test_fetch_says_when_a_name_is_outside_cp932(qapi, tmp_path):  # noqa: F811
    """The Japanese screen's download is CP932; a buyer named with 𠮷 cannot be written
    in it. The file keeps every character (UTF-8 with BOM, which run reads), and fetch
    says so, naming the order, instead of changing the file's encoding silently."""
    qapi.sim.orders["104646794"].fields["Receiver"] = "𠮷田 花子"
    path = tmp_path / "orders.csv"
    code, stdout, stderr = invoke(["fetch", "--out", path])
    assert code == 0, stderr
    assert "104646794" in stdout + stderr and "UTF-8" in stdout + stderr, stdout + stderr
    assert "𠮷田 花子".encode() in path.read_bytes()
    code, _, stderr = invoke(["run", "--orders", path, "--dispatch", SAMPLES / "yamato-b2.csv",
                              "--out", tmp_path / "out", "--today", "2026-11-26"])  # fmt: skip
    assert code == 0, stderr


@pytest.mark.parametrize("url", ["api.qoo10.jp/GMKT.INC.Front.QAPIService/ebayjapan.qapi",
                                 "http://[::1", "ftp://127.0.0.1/x"])  # fmt: skip
def test_a_malformed_api_address_is_a_clear_exit_2(qapi, tmp_path, monkeypatch, url):  # noqa: F811
    """Not 'no answer, run send again later' (exit 4, forever) nor an internal error."""
    out, _ = _run(tmp_path)
    monkeypatch.setenv("QOO10_QAPI_URL", url)
    code, stdout, stderr = invoke(["send", out, "--lang", "en"])
    assert code == 2 and "QOO10_QAPI_URL" in stderr, stdout + stderr
    assert not (out / "send-results.csv").exists()


def test_a_ledger_busy_when_qoo10_has_accepted_still_leaves_the_answers(qapi, tmp_path):  # noqa: F811
    """Another run holds the ledger while Qoo10 accepts the rows: the send cannot record
    them there, but must still write what Qoo10 answered (exit 2 saying so), and the next
    send records them without sending anything again."""
    out, book = _run(tmp_path)
    holder = sqlite3.connect(book, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # a run working on the ledger
    try:
        with pytest.raises(LedgerError, match="send-results.csv"):
            send(out, SendOptions(ledger=book))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert sum(qapi.sim.accepted.values()) == 15
    said = json.loads((out / "send-summary.json").read_text("utf-8"))
    assert said["sent"] == 15 and said["reconciled"]
    again = send(out, SendOptions(ledger=book))
    assert again.count("sent") == 15 and len(qapi.sim.requests) == 1
    confirmed = Ledger(book).recorded(again.rows["order_no"])["confirmed_at"]
    assert confirmed.notna().all()


@pytest.mark.parametrize("command", ["run", "plan"])
def test_send_without_a_key_stops_before_the_run_writes(qapi, tmp_path, monkeypatch, command):  # noqa: F811
    """Exit 2 means nothing written to --out: `run --send` with no key must not first
    write and record the run, then fail."""
    monkeypatch.delenv("QOO10_QAPI_KEY")
    out = tmp_path / "out"
    args = DAY if command == "run" else DAY[:2] + DAY[-2:]
    code, stdout, stderr = invoke([command, *args, "--out", out, "--send"])
    assert code == 2 and "QOO10_QAPI_KEY" in stderr, stdout + stderr
    assert not out.exists() and not (tmp_path / "qoo10-dispatch-ledger.sqlite3").exists()


def test_an_address_not_served_stops_rather_than_exit_4(qapi, tmp_path, monkeypatch):  # noqa: F811
    """HTTP 404 (a wrong path in QOO10_QAPI_URL) is no passing outage: exit 4 ('run send
    again later') would repeat every morning. Stop with exit 2 naming the address."""
    out, _ = _run(tmp_path)
    monkeypatch.setenv("QOO10_QAPI_URL", qapi.url.replace("/GMKT.INC.Front.QAPIService", "/x"))
    code, stdout, stderr = invoke(["send", out, "--lang", "en"])
    assert code == 2 and "QOO10_QAPI_URL" in stderr and "404" in stderr, stdout + stderr
    assert len(qapi.sim.requests) == 1, "no retry of an answer"


def test_fetch_stops_when_qoo10_refuses_a_request_as_a_whole(qapi, tmp_path):  # noqa: F811
    """A window answered with an error code is not a window without orders: writing the
    file anyway would silently leave out that window's orders."""
    qapi.sim.faults.append(Fault("error_code", LOOKUP, code=-1))
    path = tmp_path / "orders.csv"
    code, stdout, stderr = invoke(["fetch", "--out", path])
    assert code == 2 and "-1" in stderr, stdout + stderr
    assert not path.exists()


def test_a_lookup_refused_as_a_whole_leaves_rows_to_look_up_again(qapi, tmp_path):  # noqa: F811
    """Answers lost, then on the next send 'used before' and a lookup Qoo10 refuses: we do
    not know whose number it is, so the rows are not_sent (looked up again next time),
    never 'another order holds this number'."""
    out, book = _run(tmp_path)
    qapi.sim.faults.append(Fault("apply_then_hang", BULK, seconds=2.5, times=4))
    assert send(out, SendOptions(ledger=book)).count("not_sent") == 15
    qapi.sim.faults.append(Fault("error_code", LOOKUP, code=-1))
    second = send(out, SendOptions(ledger=book))
    assert second.count("not_sent") == 15, second.rows[["order_no", "result", "reason"]]
    assert second.rows["reason"].str.contains("look-up").all()
    third = send(out, SendOptions(ledger=book))
    assert third.count("already_registered") == 15
    assert max(qapi.sim.accepted.values()) == 1


def test_a_request_refused_as_a_whole_is_sent_again_later(qapi, tmp_path):  # noqa: F811
    """Qoo10 answering the whole request with an error (ResultCode != 0, no ResultObject)
    judged no row: the rows are not_sent with its code (exit 4), and the next send sends
    them. Marked rejected, they would stay unsent for good (a rejected row goes again only
    when changed)."""
    out = tmp_path / "out"
    assert invoke(["run", *DAY, "--out", out])[0] == 0
    qapi.sim.faults.append(Fault("error_code", BULK, code=-99999))
    code, stdout, _ = invoke(["send", out, "--lang", "en"])
    assert code == 4 and "not_sent 15" in stdout, stdout
    assert "-99999" in (out / "send-results.csv").read_text("utf-8-sig")
    code, stdout, _ = invoke(["send", out, "--lang", "en"])
    assert code == 0 and "sent 15" in stdout, stdout


@pytest.mark.parametrize("name,value", [("QOO10_QAPI_RETRIES", "-1"), ("QOO10_QAPI_TIMEOUT", "nan"),
                                        ("QOO10_QAPI_RATE", "inf")])  # fmt: skip
def test_pace_settings_that_cannot_work_are_refused(qapi, tmp_path, monkeypatch, name, value):  # noqa: F811
    """-1 retries made no try at all (exit 4 for ever); nan or inf are no pace."""
    out, _ = _run(tmp_path)
    monkeypatch.setenv(name, value)
    code, stdout, stderr = invoke(["send", out, "--lang", "en"])
    assert code == 2 and name in stderr, stdout + stderr
    assert qapi.sim.requests == []


def test_an_upload_file_edited_to_hold_an_order_twice_is_refused(qapi, tmp_path):  # noqa: F811
    """The run writes each 注文番号 once. A file edited to hold one twice (same row count)
    would send two numbers for one order and match Qoo10's two answers to both rows; the
    send after it died on the duplicate (exit 1). Refuse it, sending nothing."""
    out = tmp_path / "out"
    assert invoke(["run", *DAY, "--out", out])[0] == 0
    path = out / "qsm-upload-001.csv"
    lines = path.read_bytes().split(b"\r\n")
    lines[-2] = lines[1]  # the last row replaced by a copy of the first
    path.write_bytes(b"\r\n".join(lines))
    code, stdout, stderr = invoke(["send", out, "--lang", "en"])
    assert code == 2 and "qsm-upload-001.csv" in stderr and "twice" in stderr, stdout + stderr
    assert qapi.sim.requests == []


def test_an_order_the_run_never_wrote_is_not_sent(qapi, tmp_path):  # noqa: F811
    """An upload file edited to name another order (same row count): the ledger the run
    recorded in has no row of it, so the run never decided to dispatch it. Held, with the
    reason, not sent."""
    out, book = _run(tmp_path)
    path = out / "qsm-upload-001.csv"
    path.write_bytes(path.read_bytes().replace(b"104654373", b"104650001"))
    rows = send(out, SendOptions(ledger=book)).rows.set_index("order_no")
    assert rows.loc["104650001", "result"] == "rejected", rows.loc["104650001"]
    assert "104650001" not in {r["OrderNo"] for r in json.loads(
        qapi.sim.requests[0]["params"]["ShippingInfoJson"])}  # fmt: skip
    assert rows["result"].eq("sent").sum() == 14
