"""`ledger list` and `ledger undo`: what earlier runs put in upload files."""

from __future__ import annotations

from pathlib import Path

import click

from batch import config, ledger
from batch.cli import options
from batch.cli.speech import say, t

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


@click.group("ledger")
def ledger_group():
    """What earlier runs put in upload files."""


@ledger_group.command("list")
@ledger_option
@options.lang
@click.pass_context
def ledger_list(ctx, ledger_path, lang):
    """Show the runs recorded in the ledger, newest first, and what became of their rows."""
    options.chosen_language(ctx, config.load(), lang)
    with _open_ledger(ledger_path) as book:
        runs = book.runs()
    if runs.empty:
        say("console.ledger.none")
        return
    click.echo(_runs_table(runs))


def _runs_table(runs) -> str:
    """The runs as aligned columns with a header; times in Japan time."""
    from batch.upload_life import jst

    def count(r, col):
        return str(r[col]) if r["command"] == "run" else "-"

    header = tuple(t("console.ledger.header").split(" | "))
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
@options.lang
@click.pass_context
def ledger_undo(ctx, run_id, ledger_path, lang):
    """Forget a run (its QSM upload failed); a rerun produces those rows again."""
    options.chosen_language(ctx, config.load(), lang)
    with _open_ledger(ledger_path) as book:
        rows = book.undo(run_id)
    say("console.ledger.undone", run_id=run_id, n=rows)
