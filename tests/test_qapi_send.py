"""send against the QAPI simulator (tests/qapi_sim.py), through QOO10_QAPI_URL: every code
of reference/qsm.md §3.4, each transport failure, the 500-row split, carts, and nothing
Qoo10 accepted ever sent twice."""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import json
from pathlib import Path

import pytest
from qapi_fixtures import SAMPLES, qapi  # noqa: F401
from qapi_sim import EXPIRED_KEY, KEY, Fault, Server, Simulator

from batch import pipeline
from batch.qapi import answers
from batch.qapi.client import KeyProblem, Settings
from batch.qapi.send import SendOptions, send

TODAY = dt.date(2026, 11, 26)
BULK = "ShippingBasic.SetSendingInfoBulk"
# reference/qsm.md §3.4, per-row codes of SetSendingInfoBulk
ROW_CODES = [-10005, -10006, -10007, -10010, -10011, -10101, -10102, -10103, -10104, -10105,
             -10106, -10107, -10108, -10109, -10111, -10112, -10113, -10114, -10115, -10116,
             -10117, -10118, -10119, -10120, -10121, -10122]  # fmt: skip


def _run(tmp_path: Path, orders=SAMPLES / "qsm-detail-ja.csv", dispatch=None, ledger=True):
    dispatch = dispatch or [SAMPLES / "yamato-b2.csv", SAMPLES / "generic-ko.xlsx"]
    book = tmp_path / "ledger.sqlite3" if ledger else None
    out = tmp_path / "out"
    pipeline.run(orders, dispatch, out, pipeline.Options(today=TODAY, ledger=book))
    return out, book


def _sends(sim: Simulator) -> list[list[dict]]:
    return [json.loads(r["params"]["ShippingInfoJson"]) for r in sim.requests
            if r["method"] == BULK]  # fmt: skip


def _results(out: Path) -> list[list[str]]:
    with open(out / "send-results.csv", encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def test_the_sample_day_is_registered_and_a_second_send_sends_nothing(qapi, tmp_path):  # noqa: F811
    out, book = _run(tmp_path)
    qapi.sim.code_for["104648070"] = -10120  # the seeded refusal: a carrier name QSM lacks
    first = send(out, SendOptions(ledger=book))
    assert first.count("sent") == 14 and first.count("rejected") == 1
    refused = first.rows.set_index("order_no").loc["104648070"]
    assert (refused["code"], refused["reason"]) == ("-10120", answers.explain(-10120, "ja")[0])
    assert refused["action"] == answers.explain(-10120, "ja")[1]
    summary = json.loads((out / "send-summary.json").read_text("utf-8"))
    assert summary["reconciled"] and summary["rows"] == 15 and summary["sent"] == 14
    rows = _results(out)
    assert rows[0][0] == "注文番号" and len(rows) == 16
    # the cart K02 (two orders, one parcel): both orders, the cart's number on each
    sent = {r["OrderNo"]: r for r in _sends(qapi.sim)[0]}
    assert sent["104623320"]["TrackingNo"] == sent["104623321"]["TrackingNo"] == "439628114026"
    assert sent["104623320"]["ShippingCorp"] == "ヤマト宅急便"

    requests = len(qapi.sim.requests)
    again = send(out, SendOptions(ledger=book))
    assert len(qapi.sim.requests) == requests, "nothing new to send: no request"
    assert again.count("sent") == 14 and again.count("rejected") == 1
    assert max(qapi.sim.accepted.values()) == 1

    # the next run on the same export: the accepted orders count as dispatched
    later = tmp_path / "later"
    options = pipeline.Options(today=TODAY, ledger=book)
    result = pipeline.run(SAMPLES / "qsm-detail-ja.csv", [SAMPLES / "yamato-b2.csv",
                          SAMPLES / "generic-ko.xlsx"], later, options)  # fmt: skip
    uploaded = set(result.uploaded["order_no"])
    accepted = set(first.rows.loc[first.rows["result"].eq("sent"), "order_no"])
    assert not uploaded & accepted
    assert result.summary["orders"]["already_dispatched"] == 1 + 14


@pytest.mark.parametrize("code", ROW_CODES)
def test_every_row_code_is_reported_with_reason_and_action(qapi, tmp_path, code):  # noqa: F811
    out, book = _run(tmp_path)
    qapi.sim.code_for["104646794"] = code
    got = send(out, SendOptions(ledger=book)).rows.set_index("order_no").loc["104646794"]
    assert got["result"] == "rejected" and got["code"] == str(code)
    assert answers.known(code)
    for lang in ("en", "ja", "ko"):
        reason, action = answers.explain(code, lang)
        assert reason and action and str(code) not in reason  # its own text, not "unknown"
    if code in answers.USED_BEFORE:  # looked up: the order holds no number in Qoo10
        assert got["reason"] == answers.ours("other_order", "ja")[0]
    else:
        assert got["reason"] == answers.explain(code, "ja")[0]


def test_a_rejected_row_is_sent_again_only_when_changed_or_qoo10_says_retry(qapi, tmp_path):  # noqa: F811
    out, book = _run(tmp_path)
    qapi.sim.code_for.update({"104648070": -10120, "104646794": -10010})
    send(out, SendOptions(ledger=book))
    del qapi.sim.code_for["104648070"], qapi.sim.code_for["104646794"]
    again = send(out, SendOptions(ledger=book)).rows.set_index("order_no")
    assert again.loc["104646794", "result"] == "sent", "-10010 means try again later"
    assert again.loc["104648070", "result"] == "rejected", "unchanged: not sent again"
    # the seller fixes the carrier name in the upload file: changed, so sent again
    path = out / "qsm-upload-001.csv"
    path.write_bytes(path.read_bytes().replace("佐川急便".encode("cp932"), b"Sagawa"))
    third = send(out, SendOptions(ledger=book)).rows.set_index("order_no")
    assert third.loc["104648070", "result"] == "sent"
    assert max(qapi.sim.accepted.values()) == 1


@pytest.mark.parametrize("kind", ["timeout", "http500", "http502"])
def test_a_transport_failure_is_retried(qapi, tmp_path, kind):  # noqa: F811
    out, book = _run(tmp_path)
    qapi.sim.faults.append(Fault(kind, BULK, seconds=2.5))
    result = send(out, SendOptions(ledger=book))
    assert result.count("sent") == 15
    assert len(_sends(qapi.sim)) == 2


@pytest.mark.parametrize("kind", ["timeout", "http500", "http502"])
def test_failures_after_every_retry_leave_rows_not_sent(qapi, tmp_path, kind):  # noqa: F811
    out, book = _run(tmp_path)
    qapi.sim.faults.append(Fault(kind, BULK, seconds=2.5, times=4))
    result = send(out, SendOptions(ledger=book))
    assert result.count("not_sent") == 15 and result.summary["reconciled"]
    assert len(_sends(qapi.sim)) == 4  # one try and three retries
    # later, Qoo10 answers again: the rows go, once
    assert send(out, SendOptions(ledger=book)).count("sent") == 15
    assert max(qapi.sim.accepted.values()) == 1


@pytest.mark.parametrize("kind", ["bad_json", "apply_then_hang"])
def test_a_lost_answer_is_resolved_by_qoo10s_used_before(qapi, tmp_path, kind):  # noqa: F811
    """Qoo10 applied the request, the answer never came (garbled, or after the timeout):
    the rows are not_sent; sent again, Qoo10 says 'used before', and the lookup shows our
    number on the order: already registered, and never accepted twice."""
    out, book = _run(tmp_path)
    qapi.sim.faults.append(Fault(kind, BULK, seconds=2.5, times=4 if kind != "bad_json" else 1))
    first = send(out, SendOptions(ledger=book))
    assert first.count("not_sent") == 15
    assert sum(qapi.sim.accepted.values()) == 15
    again = send(out, SendOptions(ledger=book))
    assert again.count("already_registered") == 15, again.rows[["order_no", "reason"]]
    assert max(qapi.sim.accepted.values()) == 1


def test_a_slow_answer_within_the_timeout_is_waited_for(qapi, tmp_path):  # noqa: F811
    out, book = _run(tmp_path)
    qapi.sim.faults.append(Fault("slow", BULK, seconds=0.8))
    assert send(out, SendOptions(ledger=book)).count("sent") == 15
    assert len(_sends(qapi.sim)) == 1


def test_another_number_on_the_order_is_explained(qapi, tmp_path):  # noqa: F811
    """Qxpress SmartShip or a 3PL registered the order itself, with its own number."""
    out, book = _run(tmp_path)
    order = qapi.sim.orders["104646794"]
    order.tracking, order.state = "115620931403", 4  # registered by someone, our number
    other = qapi.sim.orders["104654373"]
    other.tracking, other.state = "QX12345678JP", 4
    other.fields.update(TrackingNo="QX12345678JP", ShippingDate="2026-11-26 09:00:00")
    order.fields.update(TrackingNo="115620931403", ShippingDate="2026-11-26 09:00:00")
    qapi.sim.code_for["104654373"] = -10103
    rows = send(out, SendOptions(ledger=book)).rows.set_index("order_no")
    assert rows.loc["104646794", "result"] == "already_registered"
    assert rows.loc["104654373", "result"] == "rejected"
    assert "QX12345678JP" in rows.loc["104654373", "reason"]


@pytest.fixture(scope="module")
def big_day(tmp_path_factory):
    """1,500 order lines of the benchmark's generator: 1,170 upload rows in three files."""
    here = tmp_path_factory.mktemp("big")
    spec = importlib.util.spec_from_file_location(
        "generate", Path(__file__).resolve().parent.parent / "benchmarks" / "generate.py"
    )
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    generate.generate(1500, here, csv=True, xlsx=False)
    return here


def _big_run(big_day: Path, tmp_path: Path, monkeypatch) -> tuple[Path, Path, Server]:
    sim = Simulator()
    sim.seed(big_day / "orders-1500.csv")
    server = Server(sim, stop_after=120).start()
    monkeypatch.setenv("QOO10_QAPI_URL", server.url)
    monkeypatch.setenv("QOO10_QAPI_KEY", KEY)
    monkeypatch.setenv("QOO10_QAPI_RATE", "200")
    monkeypatch.setenv("QOO10_QAPI_BACKOFF", "0.01")
    out, book = _run(tmp_path, big_day / "orders-1500.csv", [big_day / "yamato-b2-1500.csv"])
    return out, book, server


def test_500_rows_a_request_and_the_key_expiring_mid_run(big_day, tmp_path, monkeypatch):
    out, book, server = _big_run(big_day, tmp_path, monkeypatch)
    try:
        server.sim.expire_key_after = 1
        first = send(out, SendOptions(ledger=book))
        assert first.stopped and "one year" in first.stopped
        assert (first.count("sent"), first.count("not_sent")) == (500, 670)
        assert len(_sends(server.sim)) == 2  # the second was refused: nothing more tried
        server.sim.expire_key_after = None
        again = send(out, SendOptions(ledger=book))
        sizes = [len(rows) for rows in _sends(server.sim)]
        assert sizes == [500, 500, 500, 170] and again.count("sent") == 1170
        assert max(server.sim.accepted.values()) == 1 and len(server.sim.accepted) == 1170
    finally:
        server.stop()


def test_partial_success_within_one_bulk_request(qapi, tmp_path):  # noqa: F811
    out, book = _run(tmp_path)
    qapi.sim.code_for.update({"104622334": -10118, "104654373": -10121})
    result = send(out, SendOptions(ledger=book))
    assert (result.count("sent"), result.count("rejected")) == (13, 2)
    assert len(_sends(qapi.sim)) == 1


def test_no_key_or_an_expired_key_stops_with_how_to_renew(qapi, tmp_path, monkeypatch):  # noqa: F811
    out, book = _run(tmp_path)
    monkeypatch.delenv("QOO10_QAPI_KEY")
    with pytest.raises(KeyProblem, match="QOO10_QAPI_KEY"):
        send(out, SendOptions(ledger=book))
    monkeypatch.setenv("QOO10_QAPI_KEY", EXPIRED_KEY)
    result = send(out, SendOptions(ledger=book))
    assert "one year" in result.stopped and result.count("not_sent") == 15
    assert EXPIRED_KEY not in result.stopped
    assert EXPIRED_KEY not in repr(Settings.from_env())


def test_a_dry_run_sends_nothing_and_writes_nothing(qapi, tmp_path):  # noqa: F811
    out, book = _run(tmp_path)
    result = send(out, SendOptions(ledger=book, dry_run=True))
    assert result.rows["result"].eq("").all() and len(result.rows) == 15
    assert qapi.sim.requests == [] and not (out / "send-results.csv").exists()


def test_a_send_file_not_provably_ours_is_never_replaced(qapi, tmp_path):  # noqa: F811
    from batch.staging import OutputError

    out, book = _run(tmp_path)
    (out / "send-results.csv").write_text("mine\n", encoding="utf-8")
    with pytest.raises(OutputError, match="left untouched"):
        send(out, SendOptions(ledger=book))
    assert (out / "send-results.csv").read_text("utf-8") == "mine\n"
    assert qapi.sim.requests == []


def test_without_a_ledger_the_folders_last_results_keep_rows_from_going_twice(qapi, tmp_path):  # noqa: F811
    out, _ = _run(tmp_path, ledger=False)
    assert send(out, SendOptions(ledger=None)).count("sent") == 15
    again = send(out, SendOptions(ledger=None))
    assert again.count("sent") == 15 and len(_sends(qapi.sim)) == 1
