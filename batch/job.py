"""What every command that writes into --out shares: the day in Japan, the run id, and the
ledger held for the length of a run."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from zoneinfo import ZoneInfo

from batch.ledger import Ledger

TOKYO = ZoneInfo("Asia/Tokyo")
# A run id: when it started in Japan, and six hex digits so that two runs in one second
# differ. outputs recognises its own files by it.
RUN_ID = re.compile(r"\d{8}-\d{6}-[0-9a-f]{6}")


def today_in_tokyo() -> dt.date:
    return dt.datetime.now(TOKYO).date()


_STARTED = "%Y%m%d-%H%M%S"


def new_run_id() -> str:
    return dt.datetime.now(TOKYO).strftime(_STARTED + "-") + secrets.token_hex(3)


def run_started(run_id: str) -> dt.datetime:
    """When the run ``run_id`` started, Tokyo time (naive, as a workbook's cells hold it)."""
    return dt.datetime.strptime(run_id[:15], _STARTED)


@contextmanager
def ledger_for_run(path: Path | None, dry_run: bool) -> Iterator[Ledger | None]:
    """The ledger, write-locked from reading it to the run's commit (None: no ledger). A
    dry run reads an existing ledger, so its preview is true, but never creates one."""
    use = path is not None and not (dry_run and not Path(path).exists())
    book = Ledger(path) if use else None
    try:
        if book is not None:
            book.begin()
        yield book
    finally:
        if book is not None:
            book.close()
