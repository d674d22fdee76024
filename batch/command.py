"""What every command that writes into --out does around its own work: check the folder
before any work, give the run its id and staging folder, publish and commit at the end, and
time the stages. run, plan and labels (and send next) differ only in what they compute and
write in between."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from batch import outputs
from batch.job import new_run_id
from batch.staging import Staging

# Called as progress(stage, seconds, detail) when a stage ends; the CLI draws it. ``detail``
# holds what the stage counted, ``what`` naming the console's text for it (its catalogue
# key console.stage.<what>), so the core says no sentence in any language.
Progress = Callable[[str, float, dict], None]


@dataclass
class Target:
    """--out of one command: the real folder and the earlier run found in it."""

    out: Path  # as the seller gave it (what the console and RunResult show)
    folder: Path  # the real folder (symlinks and `..` resolved)
    earlier: outputs.Earlier | None
    ledger: Path | None
    replace: bool

    @classmethod
    def prepare(
        cls, out, command: str, ledger: Path | None, replace: bool, dry_run: bool
    ) -> Target:
        """Before any work: an --out the run may not write into stops it here."""
        folder, earlier = outputs.prepare(Path(out), command, ledger, replace, dry_run)
        return cls(Path(out), folder, earlier, ledger, replace)

    def moving(self) -> dict[str, Path]:
        """The earlier run whose files --replace moves, and where to (for the ledger)."""
        if self.replace and self.earlier is not None and self.earlier.run_id:
            return {self.earlier.run_id: self.earlier.replaced_folder}
        return {}

    @contextmanager
    def staged(self, record: bool) -> Iterator[tuple[str, Staging]]:
        """A new run id and its staging folder inside --out."""
        run_id = new_run_id()
        with outputs.staged(self.folder, run_id, self.ledger if record else None, record) as s:
            yield run_id, s

    def publish(self, stage: Staging, book, record: bool, read_only_ledger: bool = False):
        """Publish the staged files and commit ``book``; returns where --replace moved the
        earlier run's files. A command that only reads the ledger (labels) still has a move
        of a recorded run's files written down in it."""
        ledger_path = self.ledger if read_only_ledger else None
        return outputs.publish_and_commit(
            stage, self.earlier, self.replace, book, ledger_path, record=record
        )


class Clock:
    """Seconds spent per stage, so the slow stage is visible (--profile, progress)."""

    def __init__(self, progress: Progress | None = None) -> None:
        self.times: dict[str, float] = {}
        self.started = self._last = time.perf_counter()
        self._progress = progress

    def lap(self, stage: str, what: str = "", **counts) -> None:
        now = time.perf_counter()
        seconds, self._last = now - self._last, now
        self.times[stage] = self.times.get(stage, 0.0) + seconds
        if self._progress is not None:
            self._progress(stage, seconds, {"what": what, **counts})

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.started
