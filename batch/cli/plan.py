"""`plan`: ship dates (発送予定日) for the orders that have none."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import click

from batch import config, formats, job
from batch.cli import options
from batch.cli.send import check_key, send_flag, send_plan

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
@send_flag
@click.pass_context
def plan(ctx, orders, out, ledger_path, no_ledger, quiet, and_send, maps, **rest):
    """Propose estimated ship dates (発送予定日) for paid orders that have none."""
    from batch import plan as plan_module

    seller = config.load()
    check_key(and_send, rest["dry_run"], seller.api_env())
    book = options.ledger_for(ledger_path, no_ledger, out, seller)
    if rest["delay_memo"] and not rest["delay_type"]:
        raise click.UsageError("--delay-memo goes with --delay-type.")
    rest["today"] = rest["today"] or job.today_in_tokyo()
    with options.seller_formats_in(seller, maps):
        result = plan_module.plan(orders, out, plan_module.PlanOptions(ledger=book, **rest))
    if not quiet:
        _print_summary(result)
    if and_send and result.summary["shipdate_files"]:
        send_plan(ctx, out, rest["dry_run"], quiet)


def _print_summary(result: plan_module.PlanResult) -> None:
    s = result.summary
    o = s["orders"]
    click.echo(f"qoo10-dispatch plan {s['run_id']} (today {s['today']})")
    click.echo(
        f"  orders {o['total']:>6}: to date {o['dated']}, already dated {o['already_dated']}, "
        f"already dispatched {o['already_dispatched']}, not eligible {o['not_eligible']}, "
        f"invalid {o['invalid']}"
    )
    for day, count in s["dates"].items():
        click.echo(f"  {day} ({dt.date.fromisoformat(day):%a}): {count} orders")
    if s["urgent"]:
        click.secho(
            f"  {s['urgent']} orders are past the penalty line: dated the earliest "
            "possible day, ship them first",
            fg="yellow",
        )
    if s.get("proposed_again"):
        click.secho(
            f"  {s['proposed_again']} orders were in an earlier ship-date file, but this export "
            "(downloaded after it) still shows no 発送予定日: proposed again",
            fg="yellow",
        )
    options.echo_files("ship-date files", s["shipdate_files"])
    click.echo(f"  written to {result.out}/ (plan.xlsx, summary.json)")
    options.echo_replaced(result.replaced)
    if s["shipdate_files"]:
        click.secho(
            "  A ship date cannot be changed once uploaded, and QSM mails it to the "
            "buyer: check plan.xlsx first.",
            fg="yellow",
        )
    if result.dry_run:
        click.echo("  dry run: nothing recorded in the ledger")
