"""The command line. Only options, console output and exit codes live here; each command
has its own module. The group maps every way a command can end to the contract's exit
codes, so click's test runner and the console see the same codes.

Importing this package loads click and the light modules the options name (formats, job,
ledger), never pandas: each command imports its work inside its function, so `--help`,
`formats` and a usage error start at once. A lazy group (click's "lazily loading
subcommands") would not do more: the group's --help needs every command's help text, so it
imports every command module anyway. tests/test_startup.py holds this."""

from __future__ import annotations

import os
import traceback

import click

from batch import i18n, interrupts
from batch.cli.config import config_command
from batch.cli.exits import EXIT_INPUT, EXIT_INTERNAL, EXIT_INTERRUPTED
from batch.cli.inspect import formats_command, validate
from batch.cli.labels import labels
from batch.cli.ledger import ledger_group
from batch.cli.options import console_language, spoken
from batch.cli.plan import plan
from batch.cli.run import run
from batch.cli.send import fetch, send
from batch.errors import DispatchError


class DispatchGroup(click.Group):
    """Our errors become one line on stderr and an exit code, never a traceback, in the
    console's language (``_language``)."""

    def invoke(self, ctx: click.Context):
        try:
            with interrupts.command():
                result = super().invoke(ctx)
                if interrupts.received():
                    click.echo(i18n.text("console.ctrl_c_late", spoken(ctx)), err=True)
                return result
        except (click.exceptions.Exit, click.ClickException):
            raise
        except (click.exceptions.Abort, KeyboardInterrupt):
            _stop(ctx, _interrupted(ctx), EXIT_INTERRUPTED)
        except DispatchError as exc:
            _stop(ctx, exc.refusal(_language(ctx)), EXIT_INPUT)
        except OSError as exc:  # the machine around the run: permissions, a full disk, a busy file
            where = exc.filename or _text(ctx, "error.machine.a_file")
            _stop(
                ctx, _text(ctx, "error.machine.problem", where=where, problem=exc.strerror or exc)
            )
        except Exception as exc:  # a bug: say so briefly; the traceback only on request
            if interrupts.caused_by_ctrl_c(exc):
                _stop(ctx, _interrupted(ctx), EXIT_INTERRUPTED)
            if os.environ.get("QOO10_DISPATCH_TRACEBACK"):
                traceback.print_exc()
            bug = _text(ctx, "error.internal", kind=type(exc).__name__, problem=exc)
            _stop(ctx, bug, EXIT_INTERNAL)


def _interrupted(ctx: click.Context | None) -> str:
    """Ctrl-C before the outputs were published; before a command has chosen a language
    (while the options are parsed), in the machine's."""
    lang = _language(ctx) if ctx else (i18n.system_language() or i18n.FALLBACK)
    return i18n.text("console.interrupted", lang)


def _language(ctx: click.Context) -> str:
    """The console's language: the command's, or where it stopped before choosing one, the
    machine's (the rule of --lang auto)."""
    return spoken(ctx) if "lang" in ctx.meta else console_language(ctx, None)


def _text(ctx: click.Context, key: str, **fields) -> str:
    """The catalogue's text of key (batch/locale/*/errors.toml) in the console's language."""
    return i18n.text(key, _language(ctx), **fields)


def _stop(ctx: click.Context, message: str, code: int = EXIT_INPUT) -> None:
    click.echo(message, err=True)
    ctx.exit(code)


@click.group(cls=DispatchGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="qoo10-dispatch")
def cli():
    """Match courier tracking numbers to Qoo10 Japan orders and write the QSM upload."""


for command in (run, plan, labels, send, fetch, validate, formats_command, config_command,
                ledger_group):  # fmt: skip
    cli.add_command(command)


def main(argv=None) -> None:
    """Entry point: returns on exit 0, else raises SystemExit with the contract's code.
    Usage errors are exit 2 (click's own default for them)."""
    try:
        code = cli.main(args=argv, prog_name="qoo10-dispatch", standalone_mode=False)
    except click.ClickException as exc:
        exc.show()
        raise SystemExit(EXIT_INPUT) from None
    except (click.exceptions.Abort, KeyboardInterrupt):  # while the options are parsed
        click.echo(_interrupted(None), err=True)
        raise SystemExit(EXIT_INTERRUPTED) from None
    if code:
        raise SystemExit(code)
