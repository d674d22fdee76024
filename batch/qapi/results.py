"""The files of a send in a run's folder: what the run wrote (its summary.json and the
files it lists), and send-results.csv / send-summary.json beside them.

A send's two files belong to the run (``outputs.SEND_FILES``: --replace moves them with
it). Sending the same folder again replaces them, with every row's outcome up to now, but
only when send-summary.json proves both are ours (its run id and the results file's
SHA-256); a send-results.csv that is not provably ours is never touched.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from batch import i18n
from batch.errors import Phrase
from batch.job import RUN_ID
from batch.read import read_table
from batch.staging import SUMMARY, OutputError

RESULTS, SEND_SUMMARY = "send-results.csv", "send-summary.json"
COLUMNS = ["order_no", "cart_no", "tracking_no", "carrier", "result", "code", "reason", "action"]


@dataclass
class RunFiles:
    """What a run wrote into its folder, as send needs it."""

    folder: Path
    summary: dict
    language: str
    files: list[tuple[str, int]]  # (name, rows) listed by summary.json

    @property
    def run_id(self) -> str:
        return self.summary["run_id"]


def read_run(folder: Path, command: str, listing: str, preview: bool = False) -> RunFiles:
    """The run (``command``: run or plan) in ``folder``; OutputError when it is none we can
    send: no summary.json of ours, a preview, a --strict stop, files missing."""
    path = folder / SUMMARY
    try:
        summary = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise OutputError(Phrase("error.send.no_summary", folder=folder)) from None
    except (OSError, ValueError) as exc:
        raise OutputError(Phrase("error.send.unreadable", path=path, problem=exc)) from None
    ours = isinstance(summary, dict) and summary.get("version") == 1
    if not ours or not RUN_ID.fullmatch(str(summary.get("run_id", ""))):
        raise OutputError(Phrase("error.send.not_ours", path=path))
    if (summary.get("command") or "run") != command:
        what = summary.get("command")
        raise OutputError(
            Phrase("error.send.other_command", folder=folder, what=what, command=command)
        )
    if summary.get("dry_run") and not preview:
        raise OutputError(Phrase("error.send.preview", folder=folder))
    ledger = summary.get("ledger") or {}
    if ledger.get("path") and not ledger.get("recorded") and not preview:
        raise OutputError(Phrase("error.send.strict", folder=folder))
    files = [(e["path"], int(e.get("rows", 0))) for e in summary.get(listing) or []]
    for name, _ in files:
        if not (folder / name).is_file():
            raise OutputError(Phrase("error.send.missing", path=folder / name))
    language = summary.get("language") or _language_of(summary)
    return RunFiles(folder, summary, language, files)


def _language_of(summary: dict) -> str:
    """Runs before summary.json named its language: the orders format's (…-ja, …-ko)."""
    fmt = str(((summary.get("inputs") or {}).get("orders") or {}).get("format", ""))
    return "ko" if fmt.endswith("-ko") else "ja"


def read_rows(run: RunFiles, columns: list[str]) -> pd.DataFrame:
    """The rows of the run's files, ``columns`` (canonical names) as stripped text, with the
    file each came from; OutputError when a file no longer holds the rows it was written
    with (changed after the run)."""
    frames = []
    for name, rows in run.files:
        table = read_table(run.folder / name, "orders")
        frame = table.frame.reindex(columns=columns, fill_value="")
        frame = frame.apply(lambda s: s.astype(str).str.strip().str.lstrip("'"))
        if len(frame) != rows:
            changed = Phrase(
                "error.send.rows_changed", path=run.folder / name, n=len(frame), rows=rows
            )
            raise OutputError(changed)
        frames.append(frame.assign(file=name))
    if not frames:
        return pd.DataFrame(columns=[*columns, "file"], dtype=object)
    return pd.concat(frames, ignore_index=True)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def earlier(run: RunFiles, columns=COLUMNS) -> pd.DataFrame:
    """The outcome of every row at the end of the last send of this folder (indexed by
    order_no; empty when none); OutputError when a send file there is not provably ours."""
    results, summary = run.folder / RESULTS, run.folder / SEND_SUMMARY
    if not results.exists() and not summary.exists():
        return pd.DataFrame(columns=columns, dtype=object).set_index("order_no")
    try:
        said = json.loads(summary.read_text("utf-8"))
        first = not results.exists() and said.get("previous_results_sha256") is None
        if first and said.get("run_id") == run.run_id:
            # killed between the two files of the first send: no row had an outcome yet
            return pd.DataFrame(columns=columns, dtype=object).set_index("order_no")
        # The summary is written first: killed between the two, the results file is still
        # the one before, which the summary names too.
        vouched = {said.get("results_sha256"), said.get("previous_results_sha256")} - {None}
        proven = said.get("run_id") == run.run_id and _sha256(results) in vouched
    except (OSError, ValueError, AttributeError):
        proven = False
    if not proven:
        raise OutputError(
            Phrase("error.send.foreign", folder=run.folder, results=RESULTS, summary=SEND_SUMMARY)
        )
    frame = pd.read_csv(results, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    if len(frame.columns) != len(columns):
        return pd.DataFrame(columns=columns, dtype=object).set_index("order_no")
    frame.columns = columns
    return frame.set_index("order_no")


def _replace(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` all at once: a temporary file beside it, then a rename."""
    fd, tmp = tempfile.mkstemp(prefix=".qoo10-dispatch-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write(run: RunFiles, rows: pd.DataFrame, summary: dict, columns=COLUMNS):
    """send-summary.json, which vouches for the results file, then send-results.csv (UTF-8
    with BOM, its header in the run's language)."""
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\r\n")
    out.writerow([i18n.text(f"send.col.{c}", run.language) for c in columns])
    out.writerows(rows[columns].astype(str).itertuples(index=False))
    data = buf.getvalue().encode("utf-8-sig")
    before = run.folder / RESULTS
    summary = {
        **summary,
        "results_sha256": hashlib.sha256(data).hexdigest(),
        "previous_results_sha256": _sha256(before) if before.is_file() else None,
    }
    text = json.dumps(summary, ensure_ascii=False, indent=2) + "\n"
    _replace(run.folder / SEND_SUMMARY, text.encode("utf-8"))
    _replace(before, data)
