"""`send` and `fetch`: registering the dispatch with Qoo10 through its API, and reading the
orders from it; also the `--send` of run and plan."""

from __future__ import annotations

import json
from pathlib import Path

import click

from batch import config, job, ledger
from batch.cli import options
from batch.cli.exits import EXIT_NOT_SENT, EXIT_STRICT
from batch.qapi.answers import RESULTS

send_flag = click.option(
    "--send",
    "and_send",
    is_flag=True,
    help="Then register the rows with Qoo10 through its API, as `send` does "
    "(key in QOO10_QAPI_KEY).",
)


def check_key(and_send: bool, dry_run: bool, env=None) -> None:
    """`--send`: the key and address are checked before the command writes anything (exit 2
    means nothing written), not after its outputs are published. ``env``: the environment
    with the seller's config file under it."""
    if and_send and not dry_run:
        from batch.qapi.client import KeyProblem, Settings, key_message  # httpx: when used

        settings = Settings.from_env(env)
        if not settings.key:
            raise KeyProblem(None, key_message(None, settings.url))


def _ledger(out: str, ledger_path: str | None, no_ledger: bool) -> Path | None:
    """--ledger, else the one the run recorded in, else the default beside OUT_DIR."""
    if ledger_path or no_ledger:
        return options.ledger_for(ledger_path, no_ledger, out)
    try:
        said = json.loads((Path(out) / "summary.json").read_text("utf-8"))
        recorded = (said.get("ledger") or {}).get("path")
    except (OSError, ValueError, AttributeError):
        recorded = None
    if recorded:
        return Path(recorded)
    guess = ledger.default_path(Path(out))  # a run without a ledger: check one if it is there
    return guess if guess.is_file() else None


def send_run(ctx, out, book: Path | None, dry_run: bool, strict: bool, quiet: bool) -> None:
    """Send the run in ``out`` and report; the exit code says what is left to do."""
    from batch.qapi.client import Settings
    from batch.qapi.send import Interrupted, SendOptions
    from batch.qapi.send import send as send_rows

    seller = config.load()
    settings = None if dry_run else Settings.from_env(seller.api_env())
    names = seller.carrier_names()
    send_options = SendOptions(book, dry_run, settings, carrier_names=names)
    try:
        result = send_rows(out, send_options)
    except Interrupted as stop:  # its files are written: say so, not "nothing written"
        if not quiet:
            _print_counts("send", stop.result, stop.result.summary)
        click.echo(
            f"interrupted: the rows Qoo10 answered are in {stop.result.folder}/send-results.csv "
            "and the ledger; the others are not_sent: run `send` again (nothing is sent twice).",
            err=True,
        )
        ctx.exit(EXIT_NOT_SENT)  # 130 would say nothing was written (contract)
    if dry_run:
        _print_dry(result.rows)
        return
    _report(ctx, "send", result, quiet)
    if strict and result.count("rejected"):
        ctx.exit(EXIT_STRICT)


def send_plan(ctx, out, dry_run: bool, quiet: bool) -> None:
    from batch.qapi.client import Settings
    from batch.qapi.shipdates import send_dates

    settings = None if dry_run else Settings.from_env(config.load().api_env())
    result = send_dates(out, settings, dry_run=dry_run)
    if dry_run:
        _print_dry(result.rows.rename(columns={"est_ship_date": "tracking_no"}).assign(carrier=""))
        return
    _report(ctx, "plan --send", result, quiet)


def _report(ctx, what: str, result, quiet: bool) -> None:
    """The counts, then the exit: 2 when the key stopped it, 4 when rows got no answer."""
    if not quiet:
        _print_counts(what, result, result.summary)
    if result.stopped:
        click.echo(f"error: {result.stopped}", err=True)
        ctx.exit(2)
    if result.count("not_sent"):
        ctx.exit(EXIT_NOT_SENT)


def _print_dry(rows) -> None:
    todo = rows[rows["result"].eq("")]
    click.echo(f"dry run: would send {len(todo)} rows ({len(rows) - len(todo)} already done)")
    for r in todo.itertuples(index=False):
        click.echo(f"  {r.order_no}  {r.tracking_no}  {r.carrier}")


def _print_counts(what: str, result, summary: dict) -> None:
    counts = ", ".join(f"{r} {result.count(r)}" for r in RESULTS)
    click.echo(f"qoo10-dispatch {what} {summary['run_id']}: {counts}")
    asked = int(result.rows["now"].sum()) if "now" in result.rows else len(result.rows)
    if asked < len(result.rows):  # the counts are the folder's, earlier sends included
        earlier = len(result.rows) - asked
        if asked == 0:
            click.echo(f"  nothing sent now: all {earlier} rows were answered by an earlier send")
        else:
            click.echo(f"  {asked} rows sent now; {earlier} were answered by an earlier send")
    refused = result.rows[result.rows["result"].eq("rejected")]
    for r in refused.head(20).itertuples(index=False):
        click.echo(f"  {r.order_no}: {r.code} {r.reason}: {r.action}")
    if len(refused) > 20:
        click.echo(f"  ... and {len(refused) - 20} more")
    click.echo(f"  written to {result.folder}/ (send-results.csv, send-summary.json)")
    if result.count("not_sent"):
        click.secho("  some rows got no answer: run `send` again later (nothing is sent twice)",
                    fg="yellow")  # fmt: skip


@click.command()
@click.argument("out_dir", type=click.Path(file_okay=False, exists=True))
@click.option("--ledger", "ledger_path", type=click.Path(dir_okay=False),
              help="Ledger [default: the run's, else the one beside OUT_DIR].")  # fmt: skip
@click.option("--no-ledger", is_flag=True, help="Use no ledger.")
@click.option("--dry-run", is_flag=True, help="Show what would be sent; send nothing.")
@click.option("--strict", is_flag=True, help="Exit 3 when Qoo10 refused any row.")
@options.quiet
@click.pass_context
def send(ctx, out_dir, ledger_path, no_ledger, dry_run, strict, quiet):
    """Register the upload rows of the run in OUT_DIR with Qoo10 (SetSendingInfoBulk)."""
    send_run(ctx, out_dir, _ledger(out_dir, ledger_path, no_ledger), dry_run, strict, quiet)


def _warn(text: str) -> None:
    click.secho(f"warning: {text}", err=True, fg="yellow")


@click.command()
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="The file to write.")
@click.option("--status", default="new,ready,delayed", show_default=True,
              help="new (配送要請), ready (配送準備), delayed (配送遅延).")  # fmt: skip
@click.option("--since", callback=options.date_value, help="Paid from (default: 89 days ago).")
@click.option("--lang", type=click.Choice(["ja", "ko"]), default="ja", show_default=True,
              help="The screen whose download layout the file copies.")  # fmt: skip
def fetch(out, status, since, lang):
    """Write the orders awaiting dispatch, read from Qoo10's API, as a QSM detail download."""
    statuses = [s.strip() for s in status.split(",") if s.strip()]
    today = job.today_in_tokyo()
    from batch.qapi import fetch as fetch_module
    from batch.qapi.client import Settings

    settings = Settings.from_env(config.load().api_env())
    n = fetch_module.fetch(Path(out), statuses, since, lang, today, settings, warn=_warn)
    click.echo(f"qoo10-dispatch fetch: {n} orders written to {out} (today {today:%Y-%m-%d})")


__all__ = ["check_key", "fetch", "send", "send_flag", "send_plan", "send_run"]
