"""`send` and `fetch`: registering the dispatch with Qoo10 through its API, and reading the
orders from it; also the `--send` of run and plan."""

from __future__ import annotations

import json
from pathlib import Path

import click

from batch import config, job, ledger
from batch.cli import options, progress
from batch.cli.exits import EXIT_NOT_SENT, EXIT_STRICT
from batch.cli.speech import say, t
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
        recorded = (_summary(out).get("ledger") or {}).get("path")
    except AttributeError:
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
    try:
        with progress.rows_sent(progress.wanted(quiet) and not dry_run) as answered:
            send_options = SendOptions(
                book, dry_run, settings, carrier_names=names, progress=answered
            )
            result = send_rows(out, send_options)
    except Interrupted as stop:  # its files are written: say so, not "nothing written"
        if not quiet:
            _print_counts("send", stop.result, stop.result.summary)
        say("console.send.interrupted", folder=stop.result.folder, err=True)
        ctx.exit(EXIT_NOT_SENT)  # 130 would say nothing was written (contract)
    if dry_run:
        _print_dry(result.rows)
        return
    _report(ctx, "send", result, quiet)
    if not quiet:
        refused = result.count("rejected")
        if refused:
            say("console.send.next_rejected", n=refused, fg="cyan")
        elif not result.count("not_sent"):
            say("console.send.next_done", fg="cyan")
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
    say("console.send.dry", todo=len(todo), done=len(rows) - len(todo))
    for r in todo.itertuples(index=False):
        click.echo(f"  {r.order_no}  {r.tracking_no}  {r.carrier}")


def _print_counts(what: str, result, summary: dict) -> None:
    counts = ", ".join(f"{t(f'console.result.{r}')} {result.count(r)}" for r in RESULTS)
    say("console.send.counts", what=what, run_id=summary["run_id"], counts=counts)
    asked = int(result.rows["now"].sum()) if "now" in result.rows else len(result.rows)
    if asked < len(result.rows):  # the counts are the folder's, earlier sends included
        earlier = len(result.rows) - asked
        if asked == 0:
            say("console.send.nothing_now", n=earlier)
        else:
            say("console.send.some_now", asked=asked, n=earlier)
    refused = result.rows[result.rows["result"].eq("rejected")]
    for r in refused.head(20).itertuples(index=False):
        click.echo(f"  {r.order_no}: {r.code} {r.reason}: {r.action}")
    if len(refused) > 20:
        say("console.send.more", n=len(refused) - 20)
    say("console.send.written", folder=result.folder)
    if result.count("not_sent"):
        say("console.send.again", fg="yellow")


@click.command()
@click.argument("out_dir", type=click.Path(file_okay=False, exists=True))
@click.option("--ledger", "ledger_path", type=click.Path(dir_okay=False),
              help="Ledger [default: the run's, else the one beside OUT_DIR].")  # fmt: skip
@click.option("--no-ledger", is_flag=True, help="Use no ledger.")
@click.option("--dry-run", is_flag=True, help="Show what would be sent; send nothing.")
@click.option("--strict", is_flag=True, help="Exit 3 when Qoo10 refused any row.")
@options.quiet
@options.lang
@click.pass_context
def send(ctx, out_dir, ledger_path, no_ledger, dry_run, strict, quiet, lang):
    """Register the upload rows of the run in OUT_DIR with Qoo10 (SetSendingInfoBulk)."""
    if options.chosen_language(ctx, config.load(), lang) == "auto":
        ctx.meta["lang"] = _summary(out_dir).get("language") or options.spoken(ctx)
    send_run(ctx, out_dir, _ledger(out_dir, ledger_path, no_ledger), dry_run, strict, quiet)


def _summary(out: str) -> dict:
    """The summary.json of the run in ``out``; {} when there is none to read (send itself
    then says what is wrong with the folder)."""
    try:
        said = json.loads((Path(out) / "summary.json").read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return said if isinstance(said, dict) else {}


def _warn(text: str) -> None:
    say("console.send.warning", text=text, err=True, fg="yellow")


@click.command()
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="The file to write.")
@click.option("--status", default="new,ready,delayed", show_default=True,
              help="new (配送要請), ready (配送準備), delayed (配送遅延).")  # fmt: skip
@click.option("--since", callback=options.date_value, help="Paid from (default: 89 days ago).")
@click.option("--lang", type=click.Choice(["ja", "ko"]), default="ja", show_default=True,
              help="The screen whose download layout the file copies.")  # fmt: skip
@click.pass_context
def fetch(ctx, out, status, since, lang):
    """Write the orders awaiting dispatch, read from Qoo10's API, as a QSM detail download."""
    seller = config.load()
    options.console_language(ctx, seller.get("lang").value)  # --lang here is the layout's
    statuses = [s.strip() for s in status.split(",") if s.strip()]
    today = job.today_in_tokyo()
    from batch.qapi import fetch as fetch_module
    from batch.qapi.client import Settings

    settings = Settings.from_env(seller.api_env())
    n = fetch_module.fetch(Path(out), statuses, since, lang, today, settings, warn=_warn)
    say("console.send.fetched", n=n, out=out, today=f"{today:%Y-%m-%d}")


__all__ = ["check_key", "fetch", "send", "send_flag", "send_plan", "send_run"]
