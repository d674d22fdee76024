"""Options and parameter types several commands share."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from batch import ledger


def date_value(ctx, param, value):
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD") from None


def time_value(ctx, param, value):
    if value is None:
        return None
    try:
        return dt.time.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a time; use HH:MM") from None


password = click.option(
    "--password",
    envvar="QOO10_DISPATCH_PASSWORD",
    show_envvar=True,
    help="Password of protected .xlsx files (never printed or written).",
)

orders = click.option(
    "--orders",
    "orders",
    required=True,
    type=click.Path(dir_okay=False),
    help="The QSM 配送要請 download (detail or brief; .csv or .xlsx).",
)

today = click.option(
    "--today", callback=date_value, help="The date the run treats as today (YYYY-MM-DD)."
)

replace = click.option(
    "--replace",
    is_flag=True,
    help="When --out already holds an earlier run's outputs, move them into "
    "OUT/replaced-<RUN_ID>/ first (nothing is deleted). Without it such a run stops. "
    "A --dry-run never moves a real run's files.",
)

dry_run = click.option(
    "--dry-run", is_flag=True, help="Write every output but record nothing in the ledger."
)

quiet = click.option("--quiet", is_flag=True, help="No console summary (errors still shown).")


def out_folder(what: str):
    return click.option("--out", required=True, type=click.Path(file_okay=False), help=what)


def run_ledger(fn):
    """--ledger / --no-ledger of the commands that record what they wrote (run, plan)."""
    fn = click.option(
        "--no-ledger", is_flag=True, help="Use no ledger: remember nothing between runs."
    )(fn)
    return click.option(
        "--ledger",
        "ledger_path",
        type=click.Path(dir_okay=False),
        help="Ledger of earlier runs [default: qoo10-dispatch-ledger.sqlite3 beside --out].",
    )(fn)


def ledger_for(ledger_path: str | None, no_ledger: bool, out: str) -> Path | None:
    if ledger_path and no_ledger:
        raise click.UsageError("Use either --ledger or --no-ledger, not both.")
    return None if no_ledger else Path(ledger_path or ledger.default_path(Path(out)))


def echo_replaced(replaced: Path | None) -> None:
    if replaced is not None:
        click.echo(f"  the earlier outputs were moved into {replaced}/")


def echo_files(title: str, files: list[dict]) -> None:
    listed = ", ".join(f"{f['path']} ({f['rows']} rows)" for f in files) or "none"
    click.echo(f"  {title}: {listed}")
