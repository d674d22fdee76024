"""Options and parameter types several commands share."""

from __future__ import annotations

import datetime as dt
import gc
import importlib
import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import click

from batch import collector, config, formats, i18n, ledger, seller_formats


def load_work(module: str):
    """Import a command's work (pandas, pandera, the package: ~1,400 modules), the garbage
    collector off meanwhile: the imports make ~250 collections' worth of objects and no
    garbage; then frozen, so later collections do not walk them again. Once per process."""
    if module in sys.modules:
        return sys.modules[module]
    try:
        with collector.off():
            return importlib.import_module(module)
    finally:
        gc.freeze()


_DATE = re.compile(r"(\d{4})([-/])(\d{2})\2(\d{2})")


def date_value(ctx, param, value):
    """YYYY-MM-DD, or YYYY/MM/DD as every QSM date is written; nothing else."""
    if value is None:
        return None
    found = _DATE.fullmatch(value.strip())
    try:
        return dt.date(int(found[1]), int(found[3]), int(found[4]))
    except (TypeError, ValueError):
        raise click.BadParameter(
            f"{value!r} is not a date: write YYYY-MM-DD or YYYY/MM/DD, e.g. 2026-11-26"
        ) from None


def time_value(ctx, param, value):
    if value is None:
        return None
    try:
        return dt.time.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a time; use HH:MM") from None


password = click.option(
    "--password",
    envvar="QOO10_DISPATCH_PASSWORD",
    show_envvar=True,
    help="Password of protected .xlsx files (never printed or written).",
)

orders = click.option(
    "--orders",
    "orders",
    required=True,
    type=click.Path(dir_okay=False),
    help="The QSM 配送要請 download (detail or brief; .csv or .xlsx).",
)

today = click.option(
    "--today", callback=date_value, help="The date the run treats as today (YYYY-MM-DD)."
)

replace = click.option(
    "--replace",
    is_flag=True,
    help="When --out already holds an earlier run's outputs, move them into "
    "OUT/replaced-<RUN_ID>/ first (nothing is deleted). Without it such a run stops. "
    "A --dry-run never moves a real run's files.",
)

dry_run = click.option(
    "--dry-run", is_flag=True, help="Write every output but record nothing in the ledger."
)

quiet = click.option("--quiet", is_flag=True, help="No console summary (errors still shown).")


def out_folder(what: str):
    return click.option("--out", required=True, type=click.Path(file_okay=False), help=what)


def run_ledger(fn):
    """--ledger / --no-ledger of the commands that record what they wrote (run, plan)."""
    fn = click.option(
        "--no-ledger", is_flag=True, help="Use no ledger: remember nothing between runs."
    )(fn)
    return click.option(
        "--ledger",
        "ledger_path",
        type=click.Path(dir_okay=False),
        help="Ledger of earlier runs [default: qoo10-dispatch-ledger.sqlite3 beside --out].",
    )(fn)


def ledger_for(
    ledger_path: str | None, no_ledger: bool, out: str, seller: config.Config | None = None
) -> Path | None:
    """--ledger, else the config file's, else the default beside --out; None: --no-ledger."""
    if ledger_path and no_ledger:
        raise click.UsageError("Use either --ledger or --no-ledger, not both.")
    if no_ledger:
        return None
    chosen = seller.get("ledger", ledger_path).value if seller else ledger_path
    return Path(chosen or ledger.default_path(Path(out)))


column_map = click.option(
    "--map",
    "maps",
    multiple=True,
    metavar="COLUMN=HEADER",
    help='Read a column from this header, e.g. --map "tracking_no=Parcel No" (repeatable; '
    "the columns are listed by `formats`). For good: a profile in your formats folder.",
)


@contextmanager
def seller_formats_in(seller: config.Config, maps: Sequence[str]) -> Iterator[None]:
    """Files are read with the seller's own profiles and --map beside the shipped ones."""
    mapping = seller_formats.parse_map(maps)
    with formats.using(seller_formats.in_use(seller.format_folders(), mapping)):
        yield


def given(ctx: click.Context, name: str, value):
    """``value`` if the option was typed (or set in its environment variable), else None:
    the config file fills what the command line left at its default."""
    source = ctx.get_parameter_source(name)
    return None if source in (None, click.core.ParameterSource.DEFAULT) else value


LANG_CHOICES = ("auto", "ja", "ko", "en")

lang = click.option(
    "--lang",
    type=click.Choice(LANG_CHOICES),
    default="auto",
    show_default=True,
    help="Language of the console text [auto: the config file's lang, else the run's or the "
    "machine's].",
)


def chosen_language(ctx: click.Context, seller: config.Config, lang: str | None) -> str:
    """--lang as typed, else the config file's lang, else auto; the console speaks it from
    here on (``console_language``). Returns it, so a command that learns its run's language
    can tell whether the seller chose one."""
    chosen = seller.get("lang", given(ctx, "lang", lang)).value or "auto"
    console_language(ctx, chosen)
    return chosen


def console_language(ctx: click.Context, chosen: str | None) -> str:
    """The language this command's console speaks, set once for the whole command (errors
    included: ``spoken``): a language chosen (--lang, else the config file's lang), else the
    machine's own (``auto`` or nothing chosen), else English. ``run`` and ``plan`` switch to
    the run's language once the export's headers have told it."""
    lang = chosen if chosen in i18n.LANGUAGES else (i18n.system_language() or i18n.FALLBACK)
    ctx.meta["lang"] = lang  # click shares meta between a command and its group
    return lang


def spoken(ctx: click.Context | None = None) -> str:
    """The console's language for this command (English before a command has set one)."""
    ctx = ctx or click.get_current_context(silent=True)
    return (ctx.meta.get("lang") if ctx else None) or i18n.FALLBACK
