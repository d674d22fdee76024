"""`labels`: the courier's label import file."""

from __future__ import annotations

from pathlib import Path

import click

from batch import config, formats, job
from batch.cli import options


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
@options.column_map
@options.password
@options.replace
@options.quiet
def labels(orders, carrier, out, sender_file, ship_date, quiet, maps, **rest):
    """Write the courier's label import file, with the カート番号 as reference."""
    from batch import labels as labels_module

    seller = config.load()
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
    if quiet:
        return
    s = result.summary
    o = s["orders"]
    click.echo(f"qoo10-dispatch labels {s['run_id']} ({carrier}, ship date {s['ship_date']})")
    click.echo(
        f"  orders {o['total']:>6}: labelled {o['labelled']}, not eligible {o['not_eligible']}, "
        f"already dispatched {o['already_dispatched']}, other carrier {o['other_carrier']}, "
        f"invalid {o['invalid']}"
    )
    click.echo(f"  {s['labels']['rows']} labels in {result.out}/{s['labels']['path']}")
    options.echo_replaced(result.replaced)
    if s["warnings"]:
        click.secho(f"  {len(s['warnings'])} warnings: see summary.json", fg="yellow")
