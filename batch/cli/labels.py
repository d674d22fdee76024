"""`labels`: the courier's label import file."""

from __future__ import annotations

from pathlib import Path

import click

from batch import config, formats, job
from batch.cli import options, speech
from batch.cli.speech import say, t


@click.command()
@click.option(
    "--orders",
    "orders",
    required=True,
    type=click.Path(dir_okay=False),
    help="The QSM 配送要請 detail download (.csv or .xlsx).",
)
@click.option(
    "--carrier",
    required=True,
    type=click.Choice(list(formats.LABEL_LAYOUTS)),
    help="The courier whose label software imports the file.",
)
@options.out_folder("Folder for the import file and summary.json.")
@click.option(
    "--sender-file",
    type=click.Path(dir_okay=False, exists=True),
    help="TOML file with the sender's name, phone, postal and address.",
)
@click.option(
    "--ship-date", callback=options.date_value, help="Ship date on the labels (default: today)."
)
@click.option(
    "--merge-same-address", is_flag=True, help="One label for carts to the same recipient."
)
@click.option(
    "--all-carriers",
    is_flag=True,
    help="Label the orders listed with another carrier too (you ship everything with "
    "--carrier); each is noted as a carrier change.",
)
@options.column_map
@options.password
@options.replace
@options.quiet
@options.lang
@click.pass_context
def labels(ctx, orders, carrier, out, sender_file, ship_date, quiet, maps, lang, **rest):
    """Write the courier's label import file, with the カート番号 as reference."""
    seller = config.load()
    options.chosen_language(ctx, seller, lang)
    labels_module = options.load_work("batch.labels")  # after the language, as in run

    sender = seller.sender(sender_file).value
    label_options = labels_module.LabelOptions(
        carrier=carrier,
        ship_date=ship_date or job.today_in_tokyo(),
        sender_file=Path(sender) if sender else None,
        ledger=options.ledger_for(None, False, out, seller),
        **rest,
    )
    with options.seller_formats_in(seller, maps):
        result = labels_module.labels(orders, out, label_options)
    if not quiet:
        _print_summary(result, carrier)


def _print_summary(result, carrier: str) -> None:
    s = result.summary
    say("console.labels.head", run_id=s["run_id"], carrier=carrier, ship_date=s["ship_date"])
    say("console.labels.orders", **s["orders"])
    path = Path(result.out) / s["labels"]["path"]
    say("console.labels.written", n=s["labels"]["rows"], path=path)
    speech.replaced(result.replaced)
    _print_warnings(s["warnings"])
    if s["orders"]["other_carrier"]:
        say("console.labels.other_carrier_hint", n=s["orders"]["other_carrier"])
    if s["labels"]["rows"]:
        software = t(f"console.labels.software.{carrier}")
        speech.next_step("console.labels.next", path=path, software=software)
    else:
        speech.next_step("console.labels.next_nothing")


SHOWN_WARNINGS = 20  # the rest are in summary.json


def _print_warnings(warnings: list[dict]) -> None:
    if not warnings:
        return
    say("console.labels.warnings", n=len(warnings), fg="yellow")
    for w in warnings[:SHOWN_WARNINGS]:
        fields = {k: ", ".join(v) if isinstance(v, list) else v for k, v in w.items()}
        say(f"console.labels.warning.{w['kind']}", **fields)
    if len(warnings) > SHOWN_WARNINGS:
        say("console.labels.more", n=len(warnings) - SHOWN_WARNINGS)
