"""`run`: the day's job."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

import click

from batch import config, job
from batch.cli import options
from batch.cli.exits import EXIT_STRICT
from batch.cli.send import check_key, send_flag, send_run

if TYPE_CHECKING:
    from batch import pipeline


@click.command()
@options.orders
@click.option(
    "--dispatch",
    "dispatch",
    required=True,
    multiple=True,
    type=click.Path(dir_okay=False),
    help="A courier dispatch sheet (.csv, .tsv, .txt, .xlsx). Repeat for several.",
)
@options.out_folder("Folder for the upload files, the workbook and summary.json.")
@options.today
@click.option(
    "--lang",
    type=click.Choice(["auto", "ja", "ko", "en"]),
    default="auto",
    show_default=True,
    help="Language of the workbook and console text.",
)
@click.option("--dispatch-format", help="Force the format of the dispatch sheets (see `formats`).")
@click.option(
    "--dispatch-carrier",
    default="",
    metavar="NAME",
    help="The carrier of the rows a sheet names none for (a sheet without a carrier column "
    "whose format names none), e.g. 佐川急便. Without it such rows take the order's listed "
    "carrier when the number fits it.",
)
@options.column_map
@options.run_ledger
@options.password
@options.dry_run
@click.option(
    "--strict",
    is_flag=True,
    help="Exit 3 when any error or warning exists; the outputs are written for review but "
    "nothing is recorded in the ledger.",
)
@options.replace
@options.quiet
@send_flag
@click.option(
    "--profile",
    "show_profile",
    is_flag=True,
    help="Print the seconds spent per stage, as one JSON line on stderr.",
)
@click.option(
    "--show-personal-data",
    is_flag=True,
    help="Full phone numbers and addresses in the workbook (masked by default).",
)
@click.pass_context
def run(ctx, orders, dispatch, out, ledger_path, no_ledger, quiet, show_profile, and_send, maps,
        **rest):  # fmt: skip
    """Match the courier sheets to the orders and write the QSM upload.

    The outputs are added to --out, which may hold other files (they are never touched).
    When it already holds an earlier run's outputs the run stops, unless --replace."""
    from batch import pipeline

    seller = config.load()
    check_key(and_send, rest["dry_run"], seller.api_env())
    book = options.ledger_for(ledger_path, no_ledger, out, seller)
    rest["lang"] = seller.get("lang", options.given(ctx, "lang", rest["lang"])).value or "auto"
    rest["today"] = rest["today"] or job.today_in_tokyo()
    progress = _show_progress if not quiet and sys.stderr.isatty() else None
    with options.seller_formats_in(seller, maps):
        result = pipeline.run(
            orders,
            dispatch,
            out,
            pipeline.Options(
                progress=progress, ledger=book, sheet_carriers=seller.sheet_carriers(), **rest
            ),
        )
    if not quiet:
        _print_summary(result)
    if show_profile:
        click.echo(json.dumps({"profile": result.timings, "seconds": result.seconds}), err=True)
    serious = result.exceptions["severity"].isin(["error", "warning"]).any()
    if rest["strict"] and serious:
        ctx.exit(EXIT_STRICT)
    if and_send and len(result.uploaded):
        send_run(ctx, out, book, rest["dry_run"], rest["strict"], quiet)


def _show_progress(stage: str, seconds: float, detail: str) -> None:
    """One line per finished stage on stderr, for runs long enough to wonder about."""
    click.secho(f"  {stage:<9}{seconds:7.1f} s  {detail}", err=True, dim=True)


def _print_summary(result: pipeline.RunResult) -> None:
    s = result.summary
    o, d = s["orders"], s["dispatch"]
    click.echo(f"qoo10-dispatch run {s['run_id']} (today {s['today']})")
    click.echo(
        f"  orders   {o['total']:>6}: uploaded {o['uploaded']}, held {o['held']}, "
        f"unshipped {o['unshipped']}, pending {o['pending']}, not eligible {o['not_eligible']}, "
        f"already dispatched {o['already_dispatched']}, invalid {o['invalid']}"
    )
    click.echo(
        f"  dispatch {d['total']:>6}: matched {d['matched']}, unmatched {d['unmatched']}, "
        f"invalid {d['invalid']}, duplicate {d['duplicate']}"
    )
    if s["exceptions"]:
        codes = ", ".join(f"{c} {n}" for c, n in s["exceptions"].items())
        click.echo(f"  exceptions: {codes}")
    options.echo_files("upload files", s["upload_files"])
    click.echo(f"  written to {result.out}/ (exceptions.xlsx, summary.json)")
    options.echo_replaced(result.replaced)
    if result.dry_run:
        click.echo("  dry run: nothing recorded in the ledger")
    elif not result.recorded and s["ledger"]["path"]:
        click.secho(
            "  --strict: errors or warnings exist, so nothing was recorded in the ledger; "
            "fix them and run again (with --replace, or another --out)",
            fg="yellow",
        )
    if not s["reconciled"]:
        click.secho("  WARNING: the buckets do not add up to the input rows", fg="red")
    rows = o["total"] + d["total"]
    rate = rows / result.seconds if result.seconds else 0
    click.echo(f"  {result.seconds:.1f} s, {rate:,.0f} rows/s")
