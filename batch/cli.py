"""The command line. Only options, console output and exit codes live here."""

from __future__ import annotations

import datetime as dt
import os
import sys
import traceback
from pathlib import Path

import click

from batch import formats, interrupts, job, ledger, pipeline
from batch import labels as labels_module
from batch import plan as plan_module
from batch.errors import DispatchError
from batch.inputs import load

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT, EXIT_STRICT, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


def _date(ctx, param, value):
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD") from None


password_option = click.option(
    "--password",
    envvar="QOO10_DISPATCH_PASSWORD",
    show_envvar=True,
    help="Password of protected .xlsx files (never printed or written).",
)


orders_option = click.option(
    "--orders",
    "orders",
    required=True,
    type=click.Path(dir_okay=False),
    help="The QSM 配送要請 download (detail or brief; .csv or .xlsx).",
)


replace_option = click.option(
    "--replace",
    is_flag=True,
    help="When --out already holds an earlier run's outputs, move them into "
    "OUT/replaced-<RUN_ID>/ first (nothing is deleted). Without it such a run stops. "
    "A --dry-run never moves a real run's files.",
)


def run_ledger_options(fn):
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


def _ledger_for(ledger_path: str | None, no_ledger: bool, out: str) -> Path | None:
    if ledger_path and no_ledger:
        raise click.UsageError("Use either --ledger or --no-ledger, not both.")
    return None if no_ledger else Path(ledger_path or ledger.default_path(Path(out)))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="qoo10-dispatch")
def cli():
    """Match courier tracking numbers to Qoo10 Japan orders and write the QSM upload."""


@cli.command()
@orders_option
@click.option(
    "--dispatch",
    "dispatch",
    required=True,
    multiple=True,
    type=click.Path(dir_okay=False),
    help="A courier dispatch sheet (.csv, .tsv, .txt, .xlsx). Repeat for several.",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False),
    help="Folder for the upload files, the workbook and summary.json.",
)
@click.option("--today", callback=_date, help="The date the run treats as today (YYYY-MM-DD).")
@click.option(
    "--lang",
    type=click.Choice(["auto", "ja", "ko", "en"]),
    default="auto",
    show_default=True,
    help="Language of the workbook and console text.",
)
@click.option("--dispatch-format", help="Force the format of the dispatch sheets (see `formats`).")
@run_ledger_options
@password_option
@click.option(
    "--dry-run", is_flag=True, help="Write every output but record nothing in the ledger."
)
@click.option(
    "--strict",
    is_flag=True,
    help="Exit 3 when any error or warning exists; the outputs are written for review but "
    "nothing is recorded in the ledger.",
)
@replace_option
@click.option("--quiet", is_flag=True, help="No console summary (errors still shown).")
@click.option("--profile", "show_profile", is_flag=True, help="Print the time spent per stage.")
@click.option(
    "--show-personal-data",
    is_flag=True,
    help="Full phone numbers and addresses in the workbook (masked by default).",
)
def run(
    orders,
    dispatch,
    out,
    today,
    lang,
    dispatch_format,
    ledger_path,
    no_ledger,
    password,
    dry_run,
    strict,
    replace,
    quiet,
    show_profile,
    show_personal_data,
):
    """Match the courier sheets to the orders and write the QSM upload.

    The outputs are added to --out, which may hold other files (they are never touched).
    When it already holds an earlier run's outputs the run stops, unless --replace."""
    book = _ledger_for(ledger_path, no_ledger, out)
    options = pipeline.Options(
        progress=_show_progress if not quiet and sys.stderr.isatty() else None,
        ledger=book,
        today=today or job.today_in_tokyo(),
        lang=lang,
        dispatch_format=dispatch_format,
        password=password,
        dry_run=dry_run,
        strict=strict,
        replace=replace,
        show_personal_data=show_personal_data,
    )
    result = pipeline.run(orders, dispatch, out, options)
    if not quiet:
        _print_summary(result)
    if show_profile:
        for stage, seconds in result.timings.items():
            click.echo(f"  {stage:<10} {seconds:8.2f} s", err=True)
    serious = result.exceptions["severity"].isin(["error", "warning"]).any()
    if strict and serious:
        sys.exit(EXIT_STRICT)


def _show_progress(stage: str, seconds: float, detail: str) -> None:
    """One line per finished stage on stderr, for runs long enough to wonder about."""
    click.secho(f"  {stage:<9}{seconds:7.1f} s  {detail}", err=True, dim=True)


def _print_summary(result: pipeline.RunResult) -> None:
    s = result.summary
    o, d = s["orders"], s["dispatch"]
    click.echo(f"qoo10-dispatch run {s['run_id']} (today {s['today']})")
    click.echo(
        f"  orders   {o['total']:>6}: uploaded {o['uploaded']}, held {o['held']}, "
        f"unshipped {o['unshipped']}, pending {o['pending']}, not eligible {o['not_eligible']}, "
        f"already dispatched {o['already_dispatched']}, invalid {o['invalid']}"
    )
    click.echo(
        f"  dispatch {d['total']:>6}: matched {d['matched']}, unmatched {d['unmatched']}, "
        f"invalid {d['invalid']}, duplicate {d['duplicate']}"
    )
    if s["exceptions"]:
        codes = ", ".join(f"{c} {n}" for c, n in s["exceptions"].items())
        click.echo(f"  exceptions: {codes}")
    files = ", ".join(f"{f['path']} ({f['rows']} rows)" for f in s["upload_files"]) or "none"
    click.echo(f"  upload files: {files}")
    click.echo(f"  written to {result.out}/ (exceptions.xlsx, summary.json)")
    if result.replaced is not None:
        click.echo(f"  the earlier outputs were moved into {result.replaced}/")
    if result.dry_run:
        click.echo("  dry run: nothing recorded in the ledger")
    elif not result.recorded and s["ledger"]["path"]:
        click.secho(
            "  --strict: errors or warnings exist, so nothing was recorded in the ledger; "
            "fix them and run again (with --replace, or another --out)",
            fg="yellow",
        )
    if not s["reconciled"]:
        click.secho("  WARNING: the buckets do not add up to the input rows", fg="red")
    rows = o["total"] + d["total"]
    rate = rows / result.seconds if result.seconds else 0
    click.echo(f"  {result.seconds:.1f} s, {rate:,.0f} rows/s")


def _time(ctx, param, value):
    if value is None:
        return None
    try:
        return dt.time.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a time; use HH:MM") from None


@cli.command()
@orders_option
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False),
    help="Folder for the ship-date files, plan.xlsx and summary.json.",
)
@click.option(
    "--lead-days",
    default=2,
    show_default=True,
    type=click.IntRange(0, 60),
    help="Business days from payment to dispatch.",
)
@click.option("--today", callback=_date, help="The date the run treats as today (YYYY-MM-DD).")
@click.option(
    "--cutoff",
    callback=_time,
    help="Orders paid after this time (HH:MM) count from the next business day.",
)
@click.option(
    "--max-ahead-days",
    default=plan_module.MAX_AHEAD_DAYS,
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
@run_ledger_options
@password_option
@click.option(
    "--dry-run", is_flag=True, help="Write every output but record nothing in the ledger."
)
@replace_option
@click.option("--quiet", is_flag=True, help="No console summary (errors still shown).")
def plan(
    orders,
    out,
    lead_days,
    today,
    cutoff,
    max_ahead_days,
    delay_type,
    delay_memo,
    ledger_path,
    no_ledger,
    password,
    dry_run,
    replace,
    quiet,
):
    """Propose estimated ship dates (発送予定日) for paid orders that have none."""
    book = _ledger_for(ledger_path, no_ledger, out)
    if delay_memo and not delay_type:
        raise click.UsageError("--delay-memo goes with --delay-type.")
    options = plan_module.PlanOptions(
        today=today or job.today_in_tokyo(),
        lead_days=lead_days,
        cutoff=cutoff,
        max_ahead_days=max_ahead_days,
        delay_type=delay_type,
        delay_memo=delay_memo,
        password=password,
        ledger=book,
        dry_run=dry_run,
        replace=replace,
    )
    result = plan_module.plan(orders, out, options)
    if quiet:
        return
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
    files = ", ".join(f"{f['path']} ({f['rows']} rows)" for f in s["shipdate_files"]) or "none"
    click.echo(f"  ship-date files: {files}")
    click.echo(f"  written to {result.out}/ (plan.xlsx, summary.json)")
    if result.replaced is not None:
        click.echo(f"  the earlier outputs were moved into {result.replaced}/")
    if s["shipdate_files"]:
        click.secho(
            "  A ship date cannot be changed once uploaded, and QSM mails it to the "
            "buyer: check plan.xlsx first.",
            fg="yellow",
        )
    if result.dry_run:
        click.echo("  dry run: nothing recorded in the ledger")


@cli.command()
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
    type=click.Choice(list(labels_module.CARRIERS)),
    help="The courier whose label software imports the file.",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False),
    help="Folder for the import file and summary.json.",
)
@click.option(
    "--sender-file",
    type=click.Path(dir_okay=False, exists=True),
    help="TOML file with the sender's name, phone, postal and address.",
)
@click.option("--ship-date", callback=_date, help="Ship date on the labels (default: today).")
@click.option(
    "--merge-same-address", is_flag=True, help="One label for carts to the same recipient."
)
@password_option
@replace_option
@click.option("--quiet", is_flag=True, help="No console summary (errors still shown).")
def labels(
    orders, carrier, out, sender_file, ship_date, merge_same_address, password, replace, quiet
):
    """Write the courier's label import file, with the カート番号 as reference."""
    options = labels_module.LabelOptions(
        carrier=carrier,
        ship_date=ship_date or job.today_in_tokyo(),
        sender_file=Path(sender_file) if sender_file else None,
        merge_same_address=merge_same_address,
        password=password,
        ledger=ledger.default_path(Path(out)),
        replace=replace,
    )
    result = labels_module.labels(orders, out, options)
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
    if result.replaced is not None:
        click.echo(f"  the earlier outputs were moved into {result.replaced}/")
    if s["warnings"]:
        click.secho(f"  {len(s['warnings'])} warnings: see summary.json", fg="yellow")


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--format", "format_", help="Force the format (see `formats`).")
@password_option
@click.option("--limit", default=20, show_default=True, help="Invalid rows shown per file.")
def validate(files, format_, password, limit):
    """Check input files: detected format, encoding, rows and invalid rows."""
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
        click.echo(
            f"{path}: {profile.name} ({profile.title}), {sheet.encoding or 'xlsx'}{where}, "
            f"header on row {sheet.header_row}, {loaded.rows} rows, {loaded.invalid_rows} invalid"
        )
        for rec in loaded.invalid.head(limit).itertuples(index=False):
            click.echo(f"  row {rec.source_row}: {rec.message}")
        if len(loaded.invalid) > limit:
            click.echo(f"  … and {len(loaded.invalid) - limit} more")
    if unusable:
        sys.exit(EXIT_INPUT)


@cli.command("formats")
def formats_command():
    """List the input formats and the columns each requires."""
    for p in formats.profiles():
        required = ", ".join(p.columns[c][0] for c in p.required)
        extra = f" + {', '.join(p.signature)}" if p.signature else ""
        click.echo(f"{p.name:<18} {p.kind:<9} {p.title}")
        click.echo(f"{'':<28} requires: {required}{extra}")


ledger_option = click.option(
    "--ledger",
    "ledger_path",
    default=ledger.DEFAULT_NAME,
    show_default=True,
    type=click.Path(dir_okay=False),
    help="The ledger file (by default `run` keeps it beside its --out folder).",
)


def _open_ledger(path: str) -> ledger.Ledger:
    if not Path(path).is_file():
        raise click.UsageError(f"no ledger at {path}; pass --ledger PATH.")
    return ledger.Ledger(Path(path))


@cli.group("ledger")
def ledger_group():
    """What earlier runs put in upload files."""


@ledger_group.command("list")
@ledger_option
def ledger_list(ledger_path):
    """Show the runs recorded in the ledger, newest first, and what became of their rows."""
    with _open_ledger(ledger_path) as book:
        runs = book.runs()
    if runs.empty:
        click.echo("no runs recorded")
        return
    click.echo(_runs_table(runs))


def _runs_table(runs) -> str:
    """The runs as aligned columns with a header; times in Japan time."""
    from batch.upload_life import jst

    def count(r, col):
        return str(r[col]) if r["command"] == "run" else "-"

    header = ("#", "RUN", "COMMAND", "RECORDED (JST)", "TODAY", "WRITTEN", "CONFIRMED",
              "PENDING", "OFFERED AGAIN", "UNDONE (JST)", "OUT")  # fmt: skip
    lines = [header]
    for r in runs.to_dict("records"):
        lines.append(
            (
                str(r["seq"]),
                r["run_id"],
                r["command"],
                jst(r["started_at"]),
                r["today"],
                str(r["rows"]),
                count(r, "confirmed"),
                count(r, "pending"),
                count(r, "not_confirmed"),
                jst(r["undone_at"]) if r["undone_at"] else "",
                r["files_dir"] or r["out_dir"],
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    right = {0, 5, 6, 7, 8}
    return "\n".join(
        "  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in
                  enumerate(zip(line, widths, strict=True))).rstrip()
        for line in lines
    )  # fmt: skip


@ledger_group.command("undo")
@click.argument("run_id")
@ledger_option
def ledger_undo(run_id, ledger_path):
    """Forget a run (its QSM upload failed); a rerun produces those rows again."""
    with _open_ledger(ledger_path) as book:
        rows = book.undo(run_id)
    click.echo(f"run {run_id} undone: its {rows} rows will be uploaded again by the next run")


def _interrupted():
    click.echo(
        "interrupted: nothing was written to --out and nothing recorded in the ledger.", err=True
    )
    sys.exit(EXIT_INTERRUPTED)


def main(argv=None) -> None:
    """Entry point: our own errors become one line and exit 2, never a traceback."""
    try:
        with interrupts.command():
            cli.main(args=argv, prog_name="qoo10-dispatch", standalone_mode=False)
            if interrupts.received():
                click.echo(
                    "Ctrl-C came after the outputs were written: the run was completed.", err=True
                )
    except (click.exceptions.Abort, KeyboardInterrupt):
        _interrupted()
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_INPUT)
    except DispatchError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_INPUT)
    except OSError as exc:  # the machine around the run: permissions, a full disk, a busy file
        where = exc.filename or "a file"
        click.echo(
            f"error: {where}: {exc.strerror or exc}. Check the path and run again.", err=True
        )
        sys.exit(EXIT_INPUT)
    except SystemExit:
        raise
    except Exception as exc:  # a bug: say so briefly; the traceback only on request
        if interrupts.caused_by_ctrl_c(exc):
            _interrupted()
        if os.environ.get("QOO10_DISPATCH_TRACEBACK"):
            traceback.print_exc()
        click.echo(
            f"internal error: {type(exc).__name__}: {exc}\n"
            "  This is a bug in qoo10-dispatch. Set QOO10_DISPATCH_TRACEBACK=1 to see the details.",
            err=True,
        )
        sys.exit(EXIT_INTERNAL)
