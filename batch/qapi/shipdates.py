"""plan --send: the ship dates a plan proposed, set in Qoo10 with
ShippingBasic.SetSellerCheckYNBulk (the order moves to 配送準備).

The rows are those of the plan's qsm-shipdate files (its summary.json lists them), with the
plan's delay type and memo. A date not after today (Japan) is never sent (Qoo10 refuses
it, -10018); -10012 "already set" is what was wanted, so it counts as already_registered.
Setting a date twice does no harm (Qoo10 answers -10012), so a later send of the same
folder sends every row that did not end sent or already set.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from batch.job import TOKYO, new_run_id
from batch.ledger import utc_now
from batch.outputs import folder_lock, resolve_out
from batch.qapi import answers, results
from batch.qapi.answers import ALREADY, NOT_SENT, RESULTS, SENT
from batch.qapi.client import Client, KeyProblem, Settings, Unavailable
from batch.qapi.send import MAX_ROWS, apply_answer, empty_outcome, set_outcome

METHOD = "ShippingBasic.SetSellerCheckYNBulk"
COLUMNS = ["order_no", "cart_no", "est_ship_date", "result", "code", "reason", "action"]


@dataclass
class DatesResult:
    folder: Path
    language: str
    rows: pd.DataFrame
    summary: dict = field(default_factory=dict)
    stopped: str | None = None  # why sending stopped (the key), in English
    refusal: KeyProblem | None = None  # the same, for the console to say in its language

    def count(self, result: str) -> int:
        return int(self.rows["result"].eq(result).sum())


def _ymd(text: pd.Series) -> pd.Series:
    return pd.to_datetime(text.str.replace("/", "-"), errors="coerce").dt.strftime("%Y%m%d")


def send_dates(out_dir, settings: Settings | None = None, dry_run: bool = False) -> DatesResult:
    """Send the ship dates of the plan in ``out_dir``; write its send files (not dry)."""
    settings = settings or (None if dry_run else Settings.from_env())
    folder = resolve_out(Path(out_dir))
    run = results.read_run(folder, "plan", "shipdate_files", preview=dry_run)
    with folder_lock(folder):
        rows = results.read_rows(run, ["order_no", "cart_no", "est_ship_date"])
        rows = empty_outcome(rows.assign(est_ship_date=_ymd(rows["est_ship_date"]).fillna("")))
        before = results.earlier(run, COLUMNS).reindex(rows["order_no"].to_numpy())
        done = before["result"].isin([SENT, ALREADY]).to_numpy()
        rows.loc[done, ["result", "code", "reason", "action"]] = before.loc[
            done, ["result", "code", "reason", "action"]
        ].to_numpy()
        today = dt.datetime.now(TOKYO).strftime("%Y%m%d")
        late = rows["result"].eq("") & ~rows["est_ship_date"].gt(today)
        set_outcome(rows, late, "rejected", answers.explain(-10018, run.language), -10018)
        result = DatesResult(folder, run.language, rows)
        if dry_run:
            return result
        _send(result, run.summary.get("settings") or {}, settings)
        _finish(result, run)
    return result


def _send(result: DatesResult, plan: dict, settings: Settings) -> None:
    rows, lang = result.rows, result.language
    todo = rows.index[rows["result"].eq("")]
    kind, memo = plan.get("delay_type"), plan.get("delay_memo") or ""
    why = ""
    try:
        with Client(settings) as client:
            for start in range(0, len(todo), MAX_ROWS):
                chunk = rows.loc[todo[start : start + MAX_ROWS]]
                payload = [
                    {"OrderNo": o, "EstShipDt": d, "DelayType": str(kind or ""), "DelayMemo": memo}
                    for o, d in zip(chunk["order_no"], chunk["est_ship_date"], strict=True)
                ]
                try:
                    answer = client.bulk(METHOD, "SendPlanDtInfoJson", payload)
                except Unavailable as exc:
                    why = str(exc)
                    break
                apply_answer(rows, chunk.index, answer, lang, frozenset({answers.DATE_ALREADY_SET}))
    except KeyProblem as exc:
        why = str(exc)
        result.stopped, result.refusal = why, exc
    finally:
        left = rows["result"].eq("")
        set_outcome(rows, left, NOT_SENT, answers.ours("no_answer", lang, why=why or "interrupted"))


def _finish(result: DatesResult, run: results.RunFiles) -> None:
    rows = result.rows
    counts = {r: result.count(r) for r in RESULTS}
    result.summary = {
        "version": 1, "run_id": run.run_id, "command": "plan", "send_id": new_run_id(),
        "sent_at": utc_now(), "language": run.language, "rows": len(rows), **counts,
        "stopped": "key" if result.stopped else None,
        "reconciled": bool(np.isin(rows["result"].to_numpy(dtype=object), RESULTS).all()),
    }  # fmt: skip
    results.write(run, rows, result.summary, COLUMNS)
