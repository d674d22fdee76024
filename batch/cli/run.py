"""`run`: the day's job."""

from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from batch import config, job
from batch.cli import options, progress, speech
from batch.cli.exits import EXIT_STRICT
from batch.cli.send import check_key, send_flag, send_run
from batch.cli.speech import say

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
    seller = config.load()
    rest["lang"] = options.chosen_language(ctx, seller, rest["lang"])
    pipeline = options.load_work("batch.pipeline")  # after the language: a Ctrl-C now is said in it

    check_key(and_send, rest["dry_run"], seller.api_env())
    book = options.ledger_for(ledger_path, no_ledger, out, seller)
    rest["today"] = rest["today"] or job.today_in_tokyo()
    steps = 1 + len(dispatch) + 4  # read each file, match, rules, upload, workbook
    with options.seller_formats_in(seller, maps), _progress(ctx, quiet, steps, rest) as shown:
        result = pipeline.run(
            orders,
            dispatch,
            out,
            pipeline.Options(
                progress=shown, ledger=book, sheet_carriers=seller.sheet_carriers(), **rest
            ),
        )
    ctx.meta["lang"] = result.language  # the run's own, as its workbook speaks
    if not quiet:
        _print_summary(result, then_send=and_send)
    if show_profile:
        click.echo(json.dumps({"profile": result.timings, "seconds": result.seconds}), err=True)
    serious = result.exceptions["severity"].isin(["error", "warning"]).any()
    if rest["strict"] and serious:
        ctx.exit(EXIT_STRICT)
    if and_send and len(result.uploaded):
        send_run(ctx, out, book, rest["dry_run"], rest["strict"], quiet)


@contextmanager
def _progress(ctx, quiet: bool, steps: int, rest: dict):
    if not progress.wanted(quiet):
        yield None
        return
    with progress.stages(ctx, steps, follow_run=rest["lang"] == "auto") as shown:
        yield shown


def _print_summary(result: pipeline.RunResult, then_send: bool) -> None:
    s = result.summary
    o, d = s["orders"], s["dispatch"]
    say("console.run.head", run_id=s["run_id"], today=s["today"])
    say("console.run.orders", **o)
    say("console.run.dispatch", **d)
    if s["exceptions"]:
        codes = ", ".join(f"{c} {n}" for c, n in s["exceptions"].items())
        say("console.run.exceptions", codes=codes)
    speech.file_list("console.files.upload", s["upload_files"])
    say("console.written", out=result.out, files="exceptions.xlsx, summary.json")
    speech.replaced(result.replaced)
    speech.dry_run(result.dry_run)
    unrecorded = not result.dry_run and not result.recorded and s["ledger"]["path"]
    if unrecorded:
        say("console.run.strict", fg="yellow")
    if not s["reconciled"]:
        say("console.run.unreconciled", fg="red")
    rows = o["total"] + d["total"]
    rate = rows / result.seconds if result.seconds else 0
    say("console.run.speed", seconds=f"{result.seconds:.1f}", rate=f"{rate:,.0f}")
    if not then_send or not s["upload_files"]:
        _next_step(result, bool(unrecorded))


def _next_step(result: pipeline.RunResult, unrecorded: bool) -> None:
    listed = result.summary["upload_files"]
    workbook = Path(result.out) / "exceptions.xlsx"
    if unrecorded:
        speech.next_step("console.run.next_review", workbook=workbook)
    elif not listed and (pending := result.summary["orders"]["pending"]):
        # orders already in an earlier run's upload file: that file may still be unsent
        speech.next_step("console.run.next_pending", n=pending, workbook=workbook)
    elif not listed:
        speech.next_step("console.run.next_nothing", workbook=workbook)
    elif result.dry_run:
        speech.next_step("console.run.next_dry_run")
    else:
        files = speech.files(listed, f"{result.out}/")
        speech.next_step("console.run.next_upload", files=files, out=result.out)
