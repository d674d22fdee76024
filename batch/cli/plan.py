"""`plan`: ship dates (発送予定日) for the orders that have none."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from batch import config, formats, job
from batch.cli import options, speech
from batch.cli.send import check_key, send_flag, send_plan
from batch.cli.speech import say, t

if TYPE_CHECKING:
    from batch import plan as plan_module


@click.command()
@options.orders
@options.out_folder("Folder for the ship-date files, plan.xlsx and summary.json.")
@click.option(
    "--lead-days",
    default=2,
    show_default=True,
    type=click.IntRange(0, 60),
    help="Business days from payment to dispatch.",
)
@options.today
@click.option(
    "--cutoff",
    callback=options.time_value,
    help="Orders paid after this time (HH:MM) count from the next business day.",
)
@click.option(
    "--max-ahead-days",
    default=formats.MAX_AHEAD_DAYS,
    show_default=True,
    type=click.IntRange(1, 365),
    help="Latest date QSM accepts, in days after today.",
)
@click.option(
    "--delay-type",
    type=click.IntRange(1, 4),
    help="Reason for the date: 1 商品準備中, 2 注文製作, 3 顧客の要求, 4 その他.",
)
@click.option("--delay-memo", default="", help="Note for the reason (with --delay-type).")
@options.run_ledger
@options.column_map
@options.password
@options.dry_run
@options.replace
@options.quiet
@options.lang
@send_flag
@click.pass_context
def plan(ctx, orders, out, ledger_path, no_ledger, quiet, and_send, maps, lang, **rest):
    """Propose estimated ship dates (発送予定日) for paid orders that have none."""
    seller = config.load()
    chosen = options.chosen_language(ctx, seller, lang)
    plan_module = options.load_work("batch.plan")  # after the language, as in run

    check_key(and_send, rest["dry_run"], seller.api_env())
    book = options.ledger_for(ledger_path, no_ledger, out, seller)
    if rest["delay_memo"] and not rest["delay_type"]:
        raise click.UsageError("--delay-memo goes with --delay-type.")
    rest["today"] = rest["today"] or job.today_in_tokyo()
    with options.seller_formats_in(seller, maps):
        result = plan_module.plan(orders, out, plan_module.PlanOptions(ledger=book, **rest))
    if chosen == "auto":
        ctx.meta["lang"] = result.language  # the run's own, as plan.xlsx speaks
    if not quiet:
        _print_summary(result, then_send=and_send)
    if and_send and result.summary["shipdate_files"]:
        send_plan(ctx, out, rest["dry_run"], quiet)


def _print_summary(result: plan_module.PlanResult, then_send: bool) -> None:
    s = result.summary
    say("console.plan.head", run_id=s["run_id"], today=s["today"])
    say("console.plan.orders", **s["orders"])
    weekdays = t("console.plan.weekdays").split()
    for day, count in s["dates"].items():
        weekday = weekdays[dt.date.fromisoformat(day).weekday()]
        say("console.plan.date", day=day, weekday=weekday, n=count)
    if s["urgent"]:
        say("console.plan.urgent", n=s["urgent"], fg="yellow")
    if s.get("proposed_again"):
        say("console.plan.proposed_again", n=s["proposed_again"], fg="yellow")
    speech.file_list("console.files.shipdate", s["shipdate_files"])
    say("console.written", out=result.out, files="plan.xlsx, summary.json")
    speech.replaced(result.replaced)
    if s["shipdate_files"]:
        say("console.plan.final", fg="yellow")
    speech.dry_run(result.dry_run)
    if then_send and s["shipdate_files"]:
        return  # send's own lines follow
    workbook = Path(result.out) / "plan.xlsx"
    if s["shipdate_files"]:
        files = speech.files(s["shipdate_files"], f"{result.out}/")
        speech.next_step("console.plan.next_upload", workbook=workbook, files=files)
    else:
        speech.next_step("console.plan.next_nothing", workbook=workbook)
