"""`validate` and `formats`: what the tool makes of a file, and what it can read."""

from __future__ import annotations

import click

from batch import config, formats, i18n, seller_formats
from batch.cli import options
from batch.cli.exits import EXIT_INPUT
from batch.errors import DispatchError
from schemas.columns import BY_KIND


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--format", "format_", help="Force the format (see `formats`).")
@options.column_map
@options.password
@click.option("--limit", default=20, show_default=True, help="Invalid rows shown per file.")
@click.option(
    "--lang",
    type=click.Choice(["auto", *i18n.LANGUAGES]),
    default="auto",
    show_default=True,
    help="Language of the console text (auto: the config file's, else the machine's).",
)
@click.pass_context
def validate(ctx, files, format_, maps, password, limit, lang):
    """Check input files: detected format, encoding, rows and invalid rows."""
    seller = config.load()
    chosen = seller.get("lang", options.given(ctx, "lang", lang)).value
    spoken = options.console_language(ctx, chosen)
    with options.seller_formats_in(seller, maps):
        unusable = _validate(files, format_, password, limit, spoken)
    if unusable:
        ctx.exit(EXIT_INPUT)


def _validate(files, format_, password, limit, lang: str) -> int:
    """Each file's reading; its invalid rows with their messages in ``lang`` (the
    console's)."""
    from batch.inputs import load
    from batch.row_messages import column

    message = column(lang)

    unusable = 0
    for path in files:
        try:
            loaded = load(path, None, format_, password)
        except DispatchError as exc:
            click.echo(f"error: {exc}", err=True)
            unusable += 1
            continue
        sheet, profile = loaded.table.sheet, loaded.table.profile
        where = f", sheet {sheet.sheet_name!r}" if sheet.sheet_name else ""
        header = f"header on row {sheet.header_row}"
        if sheet.by_position:
            header = f"no header row: read by position ({len(sheet.header)} columns)"
        click.echo(
            f"{path}: {profile.name} ({profile.title}), {sheet.encoding or 'xlsx'}{where}, "
            f"{header}, {loaded.rows} rows, {loaded.invalid_rows} invalid"
        )
        shown = loaded.invalid.head(limit)
        for row, text in zip(shown["source_row"], shown[message], strict=True):
            click.echo(f"  row {row}: {text}")
        if len(loaded.invalid) > limit:
            click.echo(f"  … and {len(loaded.invalid) - limit} more")
    return unusable


@click.command("formats")
@options.column_map
def formats_command(maps):
    """List the input formats and the columns each requires; yours are marked."""
    seller = config.load()
    with options.seller_formats_in(seller, maps):
        for p in formats.profiles():
            required = ", ".join(p.columns[c][0] for c in p.required)
            extra = f" + {', '.join(p.signature)}" if p.signature else ""
            click.echo(f"{p.name:<18} {p.kind:<9} {p.title}")
            if seller_formats.is_users(p):
                click.echo(f"{'':<28} yours: {p.path}")
            click.echo(f"{'':<28} requires: {required}{extra}")
    folders = ", ".join(map(str, seller.format_folders()))
    click.echo(f"Your own profiles (one .toml file each) are read from: {folders}")
    click.echo(f"Columns for --map: {', '.join(sorted({c for k in BY_KIND.values() for c in k}))}")
