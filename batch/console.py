"""The console command and ``python -m batch``. Imports nothing heavy itself, so that a
Ctrl-C while pandas and the rest load still ends the way the contract says (exit 130)."""

import atexit
import contextlib
import os
import signal
import sys
import threading
from typing import NoReturn

EXIT_INTERRUPTED = 130


def _stop(code: int = EXIT_INTERRUPTED) -> NoReturn:
    for stream in (sys.stdout, sys.stderr):
        # a closed pipe (`| head`): what was not read is gone either way
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    # Not sys.exit: CPython ends a process by SIGINT (status -2) once a KeyboardInterrupt has
    # passed through eval'd code (namedtuple, dataclasses: every import does it), even when it
    # was handled.
    os._exit(code)


def _end(code: object) -> NoReturn:
    """Exit without the interpreter's teardown: freeing the ~1,400 modules a run loads takes
    about as long as the sample run's matching and rules. What of the teardown matters is
    done here: the atexit handlers (logging's flush, filelock's release) and flushing the
    console. A thread still running, or an unusual exit code, gets the ordinary exit."""
    run_exitfuncs = getattr(atexit, "_run_exitfuncs", None)
    if not isinstance(code, int) or threading.active_count() > 1 or run_exitfuncs is None:
        sys.exit(code)
    run_exitfuncs()
    _stop(code)


def _interrupted_loading() -> str:
    """In the machine's language: no command has read its --lang yet."""
    from batch import i18n  # loaded with batch.cli already

    return i18n.text("console.interrupted_loading", i18n.system_language() or i18n.FALLBACK)


def entry() -> None:
    # A KeyboardInterrupt raised inside an import comes out as anything (a RuntimeError from
    # class creation, Cython's ImportError): while loading, Ctrl-C is only noted.
    pressed = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: pressed.append(signum))
    try:
        from batch.cli import main
    finally:
        signal.signal(signal.SIGINT, previous)
    if pressed:
        print(_interrupted_loading(), file=sys.stderr)
        _stop()
    from batch import interrupts

    interrupts.hold_until_exit()
    try:
        main()
        code = 0
    except SystemExit as exc:
        if exc.code == EXIT_INTERRUPTED:
            _stop()
        code = exc.code
    finally:
        # The command is over; only the exit is left. The interpreter's own shutdown resets
        # its SIGINT handler (a Ctrl-C then would end a finished run as -2); an ignored
        # signal stays ignored.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    _end(code)
