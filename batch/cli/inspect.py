"""`validate` and `formats`: what the tool makes of a file, and what it can read."""

from __future__ import annotations

import click

from batch import config, formats, seller_formats
from batch.cli import options
from batch.cli.exits import EXIT_INPUT
from batch.cli.speech import say, t
from batch.errors import DispatchError
from schemas.columns import BY_KIND


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--format", "format_", help="Force the format (see `formats`).")
@options.column_map
@options.password
@click.option("--limit", default=20, show_default=True, help="Invalid rows shown per file.")
@options.lang
@click.pass_context
def validate(ctx, files, format_, maps, password, limit, lang):
    """Check input files: detected format, encoding, rows and invalid rows."""
    seller = config.load()
    options.chosen_language(ctx, seller, lang)
    with options.seller_formats_in(seller, maps):
        unusable = _validate(files, format_, password, limit)
    if unusable:
        ctx.exit(EXIT_INPUT)


def _validate(files, format_, password, limit) -> int:
    from batch.inputs import load
    from batch.row_messages import column

    message = column(options.spoken())  # the invalid rows' messages in the console's language

    unusable = 0
    for path in files:
        try:
            loaded = load(path, None, format_, password)
        except DispatchError as exc:
            click.echo(exc.refusal(options.spoken()), err=True)
            unusable += 1
            continue
        sheet, profile = loaded.table.sheet, loaded.table.profile
        where = t("console.validate.sheet", sheet=sheet.sheet_name) if sheet.sheet_name else ""
        header = t("console.validate.header", row=sheet.header_row)
        if sheet.by_position:
            header = t("console.validate.by_position", n=len(sheet.header))
        say(
            "console.validate.line",
            path=path,
            format=profile.name,
            title=profile.title,
            encoding=sheet.encoding or "xlsx",
            where=where,
            header=header,
            rows=loaded.rows,
            invalid=loaded.invalid_rows,
        )
        shown = loaded.invalid.head(limit)
        for row, text in zip(shown["source_row"], shown[message], strict=True):
            click.echo("  " + t("row.listed", row=row, message=text))
        if len(loaded.invalid) > limit:
            say("console.validate.more", n=len(loaded.invalid) - limit)
    return unusable


@click.command("formats")
@options.column_map
@options.lang
@click.pass_context
def formats_command(ctx, maps, lang):
    """List the input formats and the columns each requires; yours are marked."""
    seller = config.load()
    options.chosen_language(ctx, seller, lang)
    with options.seller_formats_in(seller, maps):
        for p in formats.profiles():
            required = ", ".join(p.columns[c][0] for c in p.required)
            extra = f" + {', '.join(p.signature)}" if p.signature else ""
            click.echo(f"{p.name:<18} {p.kind:<9} {p.title}")
            if seller_formats.is_users(p):
                click.echo(f"{'':<28} {t('console.formats.yours', path=p.path)}")
            click.echo(f"{'':<28} {t('console.formats.requires', columns=required + extra)}")
    say("console.formats.folders", folders=", ".join(map(str, seller.format_folders())))
    columns = ", ".join(sorted({c for k in BY_KIND.values() for c in k}))
    say("console.formats.columns", columns=columns)
