"""send: a run's upload rows registered with Qoo10 (ShippingBasic.SetSendingInfoBulk).

The rows are those of the upload files the run's summary.json lists: one row per 注文番号,
every order of a cart already carrying the cart's tracking number, and 配送会社 the name
the run chose by the contract's ShippingCorp rule (the listing's own 配送会社 when the
parcel went with that carrier, else the registry's QSM name). Each ends in exactly one of
sent, already_registered, rejected, not_sent.

Nothing Qoo10 accepted is sent twice: before anything goes out, the ledger (accepted or
confirmed rows) and the folder's last send-results.csv are read; after every request the
rows Qoo10 accepted are committed to the ledger. A send killed between Qoo10's answer and
that commit sends those rows again, and Qoo10 answers "tracking number used before": a
look at the order in Qoo10 (GetShippingInfo_v3) shows our number on it, so the row is
already_registered and confirmed, not refused.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from batch import config
from batch.errors import Phrase
from batch.job import TOKYO, new_run_id
from batch.ledger import Ledger, LedgerError, utc_now
from batch.outputs import folder_lock, resolve_out
from batch.qapi import answers, results
from batch.qapi.answers import ALREADY, NOT_SENT, REJECTED, RESULTS, SENT
from batch.qapi.client import Client, KeyProblem, Settings, Unavailable, key_message
from batch.staging import OutputError

METHOD = "ShippingBasic.SetSendingInfoBulk"
LOOKUP = "ShippingBasic.GetShippingInfo_v3"
MAX_ROWS = 500
_USED = "used_before"  # answered -10103/-10113/-10114: whose number it is is looked up
_OUTCOME = ["result", "code", "reason", "action"]


@dataclass
class SendOptions:
    ledger: Path | None = None  # None: no ledger (--no-ledger, or none exists)
    dry_run: bool = False
    settings: Settings | None = None  # None: from the environment
    progress: Callable[[int, int], None] | None = None  # (rows answered, rows to send)
    carrier_names: dict[str, str] = field(default_factory=dict)  # the config's [carriers]


@dataclass
class SendResult:
    folder: Path
    run_id: str
    language: str
    rows: pd.DataFrame  # results.COLUMNS, plus `now` (sent in this send)
    summary: dict = field(default_factory=dict)
    stopped: str | None = None  # why sending stopped (the key), in English
    refusal: KeyProblem | None = None  # the same, for the console to say in its language
    dry_run: bool = False
    book: Ledger | None = None
    ledger_error: str = ""  # the ledger refused to record what Qoo10 accepted
    ledger_refusal: LedgerError | None = None  # the same, to say in the console's language

    def count(self, result: str) -> int:
        return int(self.rows["result"].eq(result).sum())


def send(out_dir: str | Path, options: SendOptions | None = None) -> SendResult:
    """Send the upload rows of the run in ``out_dir``; write its send-results.csv and
    send-summary.json (not for a dry run). Ctrl-C while sending comes through as
    ``Interrupted`` after the files are written (the rows not answered are not_sent)."""
    options = options or SendOptions()
    if not options.dry_run:
        options.settings = settings = options.settings or Settings.from_env()
        if not settings.key:  # before anything is read or written
            raise KeyProblem(None, key_message(None, settings.url))
    folder = resolve_out(Path(out_dir))
    run = results.read_run(folder, "run", "upload_files", preview=options.dry_run)
    with folder_lock(folder):
        rows = results.read_rows(run, ["order_no", "cart_no", "tracking_no", "carrier"])
        # ShippingCorp: the seller's own name for the carrier first (CONTRACT)
        rows["carrier"] = config.seller_names(rows["carrier"], options.carrier_names)
        _once_each(rows, folder)
        before = results.earlier(run)
        book = _open_ledger(options)
        try:
            rows = settle(rows, before, book, run.run_id, run.language, _vouches(run, book))
            result = SendResult(folder, run.run_id, run.language, rows, dry_run=options.dry_run,
                                book=book)  # fmt: skip
            if options.dry_run:
                return result
            _confirm(book, rows, run.run_id)  # accepted in an earlier send, maybe unrecorded
            interrupted = None
            try:
                _send_all(result, options)
            except KeyboardInterrupt as exc:
                interrupted = exc
            _finish(result, run, book, options)
        finally:
            if book is not None:
                book.close()
    if interrupted is not None:
        raise Interrupted(result) from interrupted
    if result.ledger_error:
        problem = result.ledger_refusal.said if result.ledger_refusal else result.ledger_error
        raise LedgerError(Phrase("error.ledger.unrecorded", problem=problem, folder=folder))
    return result


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during a send, raised once its files are written (``result``)."""

    def __init__(self, result: SendResult) -> None:
        super().__init__()
        self.result = result


def _once_each(rows: pd.DataFrame, folder: Path) -> None:
    """The run wrote each 注文番号 once; twice means an edited file, which would send two
    numbers for one order and leave Qoo10's answers ambiguous."""
    twice = rows[rows["order_no"].duplicated(keep=False)]
    if len(twice):
        first = twice.iloc[0]
        path, order = folder / first["file"], first["order_no"]
        raise OutputError(Phrase("error.send.order_twice", path=path, order=order))


def _open_ledger(options: SendOptions) -> Ledger | None:
    """The ledger to check and confirm in; a missing one stops the send (a preview goes on
    without it): without it a later run's numbers would not be seen, nor would the next
    run know what Qoo10 accepted."""
    if options.ledger is None:
        return None
    if Path(options.ledger).is_file():
        return Ledger(options.ledger)
    if options.dry_run:
        return None
    raise OutputError(Phrase("error.send.no_ledger", ledger=options.ledger))


def empty_outcome(rows: pd.DataFrame) -> pd.DataFrame:
    return rows.assign(result="", code="", reason="", action="", now=False)


def set_outcome(rows: pd.DataFrame, where, result: str, texts: tuple[str, str], code="") -> None:
    rows.loc[where, _OUTCOME] = [result, str(code), *texts]


def _vouches(run: results.RunFiles, book: Ledger | None) -> bool:
    """Is ``book`` the ledger the run recorded every upload row in?"""
    said = run.summary.get("ledger") or {}
    if book is None or not said.get("recorded") or not said.get("path"):
        return False
    try:
        return os.path.samefile(said["path"], book.path)
    except OSError:
        return False


def settle(rows, before: pd.DataFrame, book, run_id: str, lang: str,
           vouched: bool = False) -> pd.DataFrame:  # fmt: skip
    """The rows with the outcome of those that must not be sent now filled in; the rest
    have result "". The ledger comes first (``vouched``: it holds every row the run wrote),
    then the folder's last send."""
    rows = empty_outcome(rows)
    if book is not None:
        rec = book.recorded(rows["order_no"]).reindex(rows["order_no"].to_numpy())
        rec.index = rows.index
        known = rec["tracking_no"].notna()
        if vouched:
            set_outcome(rows, ~known, REJECTED, answers.ours("unrecorded", lang, run=run_id))
        other = known & rec["tracking_no"].ne(rows["tracking_no"])
        for at in rows.index[other & rec["run_id"].ne(run_id)]:
            texts = answers.ours("superseded", lang, run=rec.at[at, "run_id"],
                                 number=rec.at[at, "tracking_no"])  # fmt: skip
            set_outcome(rows, at, REJECTED, texts)
        for at in rows.index[other & rec["run_id"].eq(run_id)]:
            texts = answers.ours("changed_file", lang, run=run_id, number=rec.at[at, "tracking_no"])
            set_outcome(rows, at, REJECTED, texts)
    prev = before.reindex(rows["order_no"].to_numpy())
    prev.index = rows.index
    same = prev["tracking_no"].eq(rows["tracking_no"]) & prev["carrier"].eq(rows["carrier"])
    done = prev["result"].isin([SENT, ALREADY]) & prev["tracking_no"].eq(rows["tracking_no"])
    kept = prev["result"].eq(REJECTED) & same & ~prev["code"].isin(map(str, answers.TRY_AGAIN))
    carry = rows["result"].eq("") & (done | kept)
    rows.loc[carry, _OUTCOME] = prev.loc[carry, _OUTCOME].to_numpy()
    if book is not None:
        confirmed = rows["result"].eq("") & known & ~other & rec["confirmed_at"].notna()
        for at in rows.index[confirmed]:
            set_outcome(
                rows, at, ALREADY, answers.ours("confirmed", lang, by=rec.at[at, "confirmed_at"])
            )
    return rows


def _payload(chunk: pd.DataFrame) -> list[dict]:
    return [
        {"OrderNo": o, "ShippingCorp": c, "TrackingNo": t}
        for o, c, t in zip(chunk["order_no"], chunk["carrier"], chunk["tracking_no"], strict=True)
    ]


def _send_all(result: SendResult, options: SendOptions) -> None:
    rows, lang = result.rows, result.language
    todo = rows.index[rows["result"].eq("")]
    why = ""
    try:
        with Client(options.settings) as client:
            for start in range(0, len(todo), MAX_ROWS):
                chunk = rows.loc[todo[start : start + MAX_ROWS]]
                try:
                    answer = client.bulk(METHOD, "ShippingInfoJson", _payload(chunk))
                except Unavailable as exc:
                    why = str(exc)
                    break  # Qoo10 is not answering: the next requests would wait in vain
                apply_answer(rows, chunk.index, answer, lang)
                if answer.code != 0:
                    why = f"Qoo10 refused the request before, code {answer.code}"
                    break  # the next requests would be refused alike
                if not _record(result, chunk.index):
                    why = "not asked: the ledger could not record the answers before"
                    break  # what Qoo10 accepted must be recorded before more is sent
                if options.progress:
                    options.progress(min(start + MAX_ROWS, len(todo)), len(todo))
            if not result.ledger_error:
                _look_up(rows, client, result, lang)
    except KeyProblem as exc:
        why = str(exc)
        result.stopped, result.refusal = why, exc
    finally:
        left = rows["result"].isin(["", _USED])
        set_outcome(rows, left, NOT_SENT, answers.ours("no_answer", lang, why=why or "interrupted"))


def apply_answer(rows: pd.DataFrame, index: pd.Index, answer, lang: str,
                 already: frozenset = frozenset()) -> None:  # fmt: skip
    """Qoo10's answer to one request, row by row (matched on contr_no = order number);
    ``already``: codes that mean the row's change is in Qoo10 already."""
    if answer.code != 0:  # the whole request refused: no row judged, so none rejected
        texts = answers.explain(answer.code, lang, answer.message)
        set_outcome(rows, index, NOT_SENT, texts, answer.code)
        return
    got = {}
    if isinstance(answer.result, list):
        for entry in answer.result:
            if isinstance(entry, dict) and "contr_no" in entry:
                got[str(entry["contr_no"]).strip()] = entry
    unsaid = answers.ours("no_answer", lang, why="its ResultObject says nothing of this order")
    for at in index:
        entry = got.get(rows.at[at, "order_no"])
        try:
            code = int(entry.get("result_cd"))
        except (AttributeError, TypeError, ValueError):  # no word on it: sent again next time
            set_outcome(rows, at, NOT_SENT, unsaid)
            continue
        text = str(entry.get("transc_nm") or "")
        if code == 0:
            set_outcome(rows, at, SENT, answers.explain(0, lang), 0)
            rows.at[at, "now"] = True
        elif code in answers.USED_BEFORE:
            set_outcome(rows, at, _USED, answers.explain(code, lang, text), code)
        elif code in already:
            set_outcome(rows, at, ALREADY, answers.explain(code, lang, text), code)
        else:
            set_outcome(rows, at, REJECTED, answers.explain(code, lang, text), code)


def _confirm(book, rows: pd.DataFrame, run_id: str) -> None:
    """Commit what Qoo10 accepted to the ledger now: the next run treats it as dispatched."""
    ok = rows[rows["result"].isin([SENT, ALREADY])]
    if book is None or ok.empty:
        return
    book.begin()
    book.confirm(ok.assign(run_id=run_id)[["order_no", "run_id"]], f"Qoo10 API {utc_now()}")
    book.commit()


def _canon(number: object) -> str:
    return re.sub(r"[^0-9A-Z]", "", str(number or "").upper())


def _record(result: SendResult, index: pd.Index) -> bool:
    """_confirm those rows; False (the error kept for the end) when the ledger refuses."""
    try:
        _confirm(result.book, result.rows.loc[index], result.run_id)
    except LedgerError as exc:
        result.book.rollback()
        result.ledger_error, result.ledger_refusal = str(exc), exc
        return False
    return True


def _look_up(rows: pd.DataFrame, client: Client, result: SendResult, lang: str) -> None:
    """Rows Qoo10 answered "number used before": ours on this order (already registered),
    another number on it (someone else registered it), or the number on another order."""
    used = rows.index[rows["result"].eq(_USED)]
    if used.empty:
        return
    holds = {}
    today = dt.datetime.now(TOKYO).date()
    window = {"SearchStartDate": (today - dt.timedelta(days=89)).strftime("%Y%m%d"),
              "SearchEndDate": today.strftime("%Y%m%d"), "SearchCondition": "3"}  # fmt: skip
    for status in ("4", "5"):  # in delivery, delivered
        try:
            answer = client.call(LOOKUP, {"ShippingStatus": status, **window})
            failed = f"code {answer.code}" if answer.code != 0 else ""
        except Unavailable as exc:
            failed = str(exc)
        if failed:  # whose number it is stays unknown: not_sent, looked at again next time
            why = f"'used before', and the look-up of whose number it is failed: {failed}"
            set_outcome(rows, used, NOT_SENT, answers.ours("no_answer", lang, why=why))
            return
        for order in answer.result if isinstance(answer.result, list) else []:
            if isinstance(order, dict):
                holds[str(order.get("OrderNo", "")).strip()] = _canon(order.get("TrackingNo"))
    for at in used:
        number = holds.get(rows.at[at, "order_no"])
        if number == _canon(rows.at[at, "tracking_no"]):
            outcome = [ALREADY, *answers.ours("registered", lang)]
        elif number:
            outcome = [REJECTED, *answers.ours("other_number", lang, number=number)]
        else:
            outcome = [REJECTED, *answers.ours("other_order", lang)]
        rows.loc[at, ["result", "reason", "action"]] = outcome
    _record(result, used)


def _finish(result: SendResult, run: results.RunFiles, book, options: SendOptions) -> None:
    rows = result.rows
    counts = {r: result.count(r) for r in RESULTS}
    codes = rows.loc[rows["code"].ne("") & rows["code"].ne("0"), "code"].value_counts()
    result.summary = {
        "version": 1,
        "run_id": run.run_id,
        "send_id": new_run_id(),
        "sent_at": utc_now(),
        "language": run.language,
        "rows": len(rows),
        **counts,
        "sent_now": int(rows["now"].sum()),
        "qoo10_codes": {str(k): int(v) for k, v in codes.items()},
        "stopped": "key" if result.stopped else None,
        "ledger": {"path": str(options.ledger) if book is not None else None},
        "reconciled": bool(len(rows) == sum(counts.values()) and np.isin(
            rows["result"].to_numpy(dtype=object), RESULTS).all()),
    }  # fmt: skip
    results.write(run, rows, result.summary)
