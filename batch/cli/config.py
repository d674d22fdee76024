"""`config`: what is in force and where each value comes from."""

from __future__ import annotations

import click

from batch import config

DEFAULTS = {
    "ledger": "qoo10-dispatch-ledger.sqlite3 beside --out",
    "lang": "auto",
    "sender": "none: labels leave the ご依頼主 columns blank",
    "api.url": "Qoo10's own address",
    "api.rate": "2 requests a second",
}


@click.command("config")
@click.option("--ledger", "ledger_path", help="As given to run or plan.")
@click.option("--lang", type=click.Choice(config.LANGS), help="As given to run.")
@click.option("--sender-file", help="As given to labels.")
def config_command(ledger_path, lang, sender_file):
    """Show the settings in force, each with its source: option, environment, file, default.

    The file is qoo10-dispatch.toml in the working folder, else in your config folder.
    Options on the command line win over the environment, which wins over the file."""
    seller = config.load()
    if seller.path is None:
        looked = " or ".join(str(p) for p in config.candidates())
        click.echo(f"config file: none (looked for {looked})")
    else:
        click.echo(f"config file: {seller.path}")
    shown = {
        "ledger": seller.get("ledger", ledger_path),
        "lang": seller.get("lang", lang),
        "sender": seller.sender(sender_file),
        "api.url": seller.get("api.url"),
        "api.rate": seller.get("api.rate"),
    }
    for name, setting in shown.items():
        value = DEFAULTS[name] if setting.value is None else setting.value
        click.echo(f"  {name:<10} {value}  [{setting.source}]")
    key = seller.get("api.key")  # never the key itself: only whether it is set, and where
    click.echo(f"  {'api.key':<10} {'set (not shown)' if key.value else 'not set'}  [{key.source}]")
    for known, mine in seller.carrier_names().items():
        click.echo(f"  carrier    {known} -> {mine}  [{seller.path}]")
    for pattern, carrier in seller.sheet_carriers().items():
        click.echo(f"  sheets     {pattern} -> {carrier}  [{seller.path}]")
    folders = ", ".join(str(f) for f in seller.format_folders())
    click.echo(f"  formats    {folders}")
