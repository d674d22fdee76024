"""Ctrl-C: before a run publishes its outputs it stops the run (nothing written, nothing
recorded, exit 130); from the publish on it is noted and the run finishes as it would have,
so a run never ends with its files in DIR and its ledger rows half-committed."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class _Shield:
    def __init__(self) -> None:
        self.depth = 0  # nested command() scopes
        self.holding = False
        self.received = False
        self._previous = None
        # The console process: once a run has published, Ctrl-C is only noted until the
        # process is gone (its exit included). In-process callers get their handler back.
        self.hold_until_exit = False
        self.finished = False

    def _note(self, signum, frame) -> None:
        self.received = True

    def hold(self) -> None:
        if self.holding or threading.current_thread() is not threading.main_thread():
            return  # signals reach the main thread only; elsewhere there is nothing to hold
        self._previous = signal.signal(signal.SIGINT, self._note)
        self.holding = True

    def let_go(self) -> None:
        if self.holding and not (self.hold_until_exit and self.finished):
            signal.signal(signal.SIGINT, self._previous)
            self.holding = False


_shield = _Shield()


@contextmanager
def finishing() -> Iterator[None]:
    """From here the work is finished whatever Ctrl-C says. Inside a ``command()`` scope the
    hold lasts until that scope ends (the console summary is part of the run)."""
    _shield.hold()
    _shield.finished = True
    try:
        yield
    finally:
        if _shield.depth == 0:
            _shield.let_go()


@contextmanager
def command() -> Iterator[None]:
    """One command of the CLI; ``received()`` then says whether Ctrl-C came while held."""
    _shield.depth += 1
    _shield.received = False
    try:
        yield
    finally:
        _shield.depth -= 1
        if _shield.depth == 0:
            _shield.let_go()


def received() -> bool:
    return _shield.received


def hold_until_exit() -> None:
    """Called by the console entry point (see ``_Shield.hold_until_exit``)."""
    _shield.hold_until_exit = True


def caused_by_ctrl_c(exc: BaseException | None) -> bool:
    """Is a KeyboardInterrupt behind ``exc``? One raised inside class creation or a lazy
    import comes out wrapped (RuntimeError, ImportError)."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, KeyboardInterrupt):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False
