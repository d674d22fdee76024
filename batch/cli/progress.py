"""Progress on a terminal: a bar with counts while a long command works, and a line per
finished stage above it. click's own progressbar draws it: click is loaded already, so the
bar costs no start-up time and no dependency, and click draws it only on a terminal.
The core reports through a callback (pipeline.Options.progress, SendOptions.progress)
and never imports click."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click

from batch.cli.speech import number, t


def wanted(quiet: bool) -> bool:
    """Progress only for a person watching: a terminal, and not --quiet."""
    return not quiet and sys.stderr.isatty()


class Stages:
    """run's stages as a bar of ``total`` steps; each finished stage prints its line."""

    def __init__(self, bar, ctx: click.Context, follow_run: bool) -> None:
        self._bar = bar
        self._ctx = ctx
        self._follow_run = follow_run  # --lang auto: speak the export's language once read

    def __call__(self, stage: str, seconds: float, detail: dict) -> None:
        language = detail.get("language")
        if self._follow_run and language:
            self._ctx.meta["lang"] = language
            self._bar.label = t("console.stage.bar")
        fields = {k: number(v) if isinstance(v, int) else v for k, v in detail.items()}
        line = t(
            "console.stage.line",
            stage=t(f"console.stage.{stage}"),
            seconds=f"{seconds:.1f}",
            detail=t(f"console.stage.{detail['what']}", **fields),
        )
        click.echo("\r\033[K", nl=False, err=True)  # the bar's line, cleared for this one
        click.secho(line, err=True, dim=True)
        self._bar.update(1)


@contextmanager
def stages(ctx: click.Context, total: int, follow_run: bool) -> Iterator[Stages]:
    with click.progressbar(
        length=total, label=t("console.stage.bar"), file=sys.stderr, show_pos=True, width=24
    ) as bar:
        yield Stages(bar, ctx, follow_run)


@contextmanager
def rows_sent(show: bool):
    """send's bar: rows answered of the rows to send; None when not shown."""
    if not show:
        yield None
        return
    with click.progressbar(
        length=1, label=t("console.stage.send"), file=sys.stderr, show_pos=True, width=24
    ) as bar:

        def answered(done: int, todo: int) -> None:
            bar.length = todo
            bar.update(done - bar.pos)

        yield answered
