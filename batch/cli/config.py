"""`config`: what is in force and where each value comes from."""

from __future__ import annotations

import click

from batch import config
from batch.cli import options
from batch.cli.speech import say, t

# What is in force when nothing sets a value: catalogue keys (the console's language).
DEFAULTS = {
    "ledger": "console.config.default_ledger",
    "sender": "console.config.default_sender",
    "api.url": "console.config.default_url",
    "api.rate": "console.config.default_rate",
}


@click.command("config")
@click.option("--ledger", "ledger_path", help="As given to run or plan.")
@click.option("--lang", type=click.Choice(options.LANG_CHOICES), help="As given to run.")
@click.option("--sender-file", help="As given to labels.")
@click.pass_context
def config_command(ctx, ledger_path, lang, sender_file):
    """Show the settings in force, each with its source: option, environment, file, default.

    The file is qoo10-dispatch.toml in the working folder, else in your config folder.
    Options on the command line win over the environment, which wins over the file."""
    seller = config.load()
    options.chosen_language(ctx, seller, lang)
    if seller.path is None:
        say("console.config.none", paths=" | ".join(str(p) for p in config.candidates()))
    else:
        say("console.config.file", path=seller.path)
    shown = {
        "ledger": seller.get("ledger", ledger_path),
        "lang": seller.get("lang", lang),
        "sender": seller.sender(sender_file),
        "api.url": seller.get("api.url"),
        "api.rate": seller.get("api.rate"),
    }
    for name, setting in shown.items():
        value = setting.value
        if value is None:
            value = t(DEFAULTS[name]) if name in DEFAULTS else "auto"
        click.echo(f"  {name:<10} {value}  [{setting.source}]")
    key = seller.get("api.key")  # never the key itself: only whether it is set, and where
    said = t("console.config.key_set" if key.value else "console.config.key_unset")
    click.echo(f"  {'api.key':<10} {said}  [{key.source}]")
    for known, mine in seller.carrier_names().items():
        click.echo(f"  carrier    {known} -> {mine}  [{seller.path}]")
    for pattern, carrier in seller.sheet_carriers().items():
        click.echo(f"  sheets     {pattern} -> {carrier}  [{seller.path}]")
    folders = ", ".join(str(f) for f in seller.format_folders())
    click.echo(f"  formats    {folders}")
