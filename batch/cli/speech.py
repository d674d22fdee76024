"""What the commands print: every line from the catalogue's console part
(``batch/locale/<lang>/console.toml``) in the command's language (``options.spoken``), so a
command never holds a sentence of its own. Keys are written out whole (``console.run.head``)
so tests/test_catalogue.py can tell which keys the code asks for."""

from __future__ import annotations

import click

from batch import i18n
from batch.cli.options import spoken

# From this many files on, the console names the first and the last (a 200k-line day makes
# 393 upload files; their names on one line are 10 kB no one reads).
RANGE_FROM = 4


def t(key: str, **fields: object) -> str:
    """The text of ``key`` in the command's language."""
    return i18n.text(key, spoken(), **fields)


def say(key: str, *, err: bool = False, fg: str | None = None, **fields: object) -> None:
    line = t(key, **fields)
    click.secho(line, err=err, fg=fg) if fg else click.echo(line, err=err)


def number(n: int | float) -> str:
    return f"{n:,}"


def files(listed: list[dict], folder: str = "") -> str:
    """The files of a run with their rows: each one, or the first … the last when many.
    ``folder``: put before each name, the range's first only (the next-step line names
    where they are)."""
    if not listed:
        return t("console.files.none")
    path = [f"{folder}{f['path']}" for f in listed]
    if len(listed) >= RANGE_FROM:
        rows = number(sum(f["rows"] for f in listed))
        last = listed[-1]["path"]
        return t("console.files.range", first=path[0], last=last, n=len(listed), rows=rows)
    return ", ".join(
        t("console.files.one", path=p, n=f["rows"]) for p, f in zip(path, listed, strict=True)
    )


def file_list(title_key: str, listed: list[dict]) -> None:
    say("console.files.title", title=t(title_key), files=files(listed))


def replaced(folder) -> None:
    if folder is not None:
        say("console.replaced", path=folder)


def dry_run(done: bool) -> None:
    if done:
        say("console.dry_run")


def next_step(key: str, **fields: object) -> None:
    """The last line: what the seller does next."""
    say(key, fg="cyan", **fields)
