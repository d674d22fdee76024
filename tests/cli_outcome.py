"""The two ways a whole run may end, checked the same way by every whole-program test.

- exit 0: beside --out nothing but --out; in it the complete output set (summary.json,
  exceptions.jsonl, exceptions.xlsx and the upload files summary.json lists) and a
  reconciled summary;
- exit 2: one "error" line on stderr naming one of ``paths``, nothing on stdout, nothing
  written beside --out.
Never a traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
TODAY = dt.date(2026, 11, 26)  # the sample day, a Thursday; Mon 11/23 was 勤労感謝の日
OUTPUTS = {"summary.json", "exceptions.jsonl", "exceptions.xlsx"}


def invoke(args: list[str]) -> tuple[int, str, str]:
    """The command line as a user meets it, through click's test runner: the exit code the
    group maps every ending to, stdout and stderr."""
    from click.testing import CliRunner

    from batch.cli import cli

    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def assert_refused(code: int, out: str, err: str, paths: list[Path]) -> None:
    assert code == 2, f"expected exit 2, got {code}\nstdout: {out}\nstderr: {err}"
    assert "Traceback" not in out + err
    assert out == "", f"nothing on stdout on exit 2, got {out!r}"
    lines = [line for line in err.splitlines() if line.strip()]
    errors = [line for line in lines if line.lower().startswith("error")]
    assert len(errors) == 1, f"one message on stderr, got:\n{err}"
    assert any(p.name in err for p in paths), f"the message names the file:\n{err}"


def assert_nothing_written(work: Path) -> None:
    """``work`` is the folder --out was to be made in."""
    assert list(work.iterdir()) == [], "nothing written to --out, no staging folder beside it"


def assert_complete(work: Path, out: Path) -> dict:
    """The outputs of a finished run; returns its summary."""
    assert sorted(p.name for p in work.iterdir()) == [out.name], "no staging folder left over"
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    uploads = {f["path"] for f in summary["upload_files"]}
    assert {p.name for p in out.iterdir()} == OUTPUTS | uploads, "a complete output set"
    assert summary["reconciled"] is True
    return summary


# What is not a sentence of the tool's: values quoted from the input ('…', "…"), paths and
# file names, codes (TRACKING_INVALID, --dispatch-carrier) and URLs.
_NOT_PROSE = [
    re.compile(r"'[^'\n]*'|\"[^\"\n]*\""),
    re.compile(r"https?://\S+"),
    re.compile(r"\S*[/\\]\S*"),
    re.compile(r"\b[\w.-]+\.(?:csv|tsv|txt|xlsx|xls|jsonl|json|toml|sqlite3|pdf|zip)\b", re.I),
    re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b|--[\w-]+"),
]
# Three or more ASCII words of two letters or more in a row, spaces between them.
_ENGLISH = re.compile(r"(?<!\w)[A-Za-z]{2,}(?:[ \t]+[A-Za-z]{2,}){2,}(?!\w)")


def english_sentences(text: str) -> list[str]:
    """The English sentences (or pieces of one) in ``text``: runs of three or more ASCII
    words of 2+ letters, once quoted input values, paths, file names and codes are taken
    out (each replaced by a break, so the words either side do not join)."""
    for pattern in _NOT_PROSE:
        text = pattern.sub(" | ", text)
    return _ENGLISH.findall(text)


def wait_until_working(proc, timeout: float = 120.0) -> bool:
    """Wait until a child ``python -m batch`` is past Python's own start-up and loading its
    work, seen as numpy's library mapped into it (``import batch.cli`` loads no numpy; a
    run's work does, after the package's Ctrl-C handling is in place). A signal sent sooner
    meets Python's default handler inside site or the import system (exit -2, or a
    traceback from the standard library): not the tool's behaviour, and on a loaded machine
    that window lasts past any fixed delay. False if the child ended first or the system has
    no /proc (the caller's own delay is all there is then)."""
    import time

    maps = Path(f"/proc/{proc.pid}/maps")
    if not maps.exists():
        return False
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            if "/numpy/" in maps.read_text(errors="replace"):
                return True
        except OSError:  # the child ended between the two looks
            return False
        time.sleep(0.002)
    return False
