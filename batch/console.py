"""The console command and ``python -m batch``. Imports nothing heavy itself, so that a
Ctrl-C while pandas and the rest load still ends the way the contract says (exit 130)."""

import os
import signal
import sys

EXIT_INTERRUPTED = 130


def _stop() -> None:
    sys.stdout.flush()
    sys.stderr.flush()
    # Not sys.exit: CPython ends a process by SIGINT (status -2) once a KeyboardInterrupt has
    # passed through eval'd code (namedtuple, dataclasses: every import does it), even when it
    # was handled.
    os._exit(EXIT_INTERRUPTED)


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
        print("interrupted: nothing was written and nothing recorded.", file=sys.stderr)
        _stop()
    from batch import interrupts

    interrupts.hold_until_exit()
    try:
        main()
    except SystemExit as exc:
        if exc.code == EXIT_INTERRUPTED:
            _stop()
        raise
    finally:
        # The command is over; only the interpreter's shutdown is left, during which it
        # resets its own SIGINT handler (a Ctrl-C then would end a finished run as -2).
        # An ignored signal stays ignored.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
