"""Are a change's outputs the same as before it? Runs the sample jobs (and, with --days, the
benchmark's days) through one checkout, then compares two such folders.

    python benchmarks/same_outputs.py jobs OLD_CHECKOUT /tmp/before
    python benchmarks/same_outputs.py jobs .            /tmp/after
    python benchmarks/same_outputs.py compare /tmp/before /tmp/after

"Same" means: upload, plan and label files and exceptions.jsonl byte-equal; summary.json equal
apart from the run id and the times of the run; every part of every workbook equal (the zip
around the parts may differ: compression is not an output). Every job of both checkouts runs
in the same folder with the same copy of the samples, because outputs quote input paths.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TODAY = "2026-11-26"
ORDERS = [
    "qsm-detail-ja.csv",
    "qsm-detail-ja.xlsx",
    "qsm-detail-ko.csv",
    "qsm-brief-ja.csv",
    "qsm-brief-ko.csv",
    "qsm-detail-ja-2022.csv",
]
# What differs between two runs of the same code: the run id and the moments of the run.
RUN_ID = re.compile(r"\d{8}-\d{6}-[0-9a-f]{6}")
MOMENTS = [
    re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} JST"),
    re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?\+09:00"),
]


def sample_jobs(samples: Path, out: Path) -> list[list[str]]:
    """The command lines: every orders layout with two and with all courier sheets, plan,
    every other courier sheet, a protected workbook, a ledger used twice, labels for three
    couriers."""

    # The sample day's sheets as samples/make_samples.py lists them.
    expected = json.loads((samples / "expected.json").read_text(encoding="utf-8"))
    two_sheets, all_sheets = (
        expected["main"]["dispatch"],
        expected["all_dispatch_files"]["dispatch"],
    )

    def sheets(names):
        return [a for n in names for a in ("--dispatch", str(samples / n))]

    jobs = []
    for name in ORDERS:
        orders = ["--orders", str(samples / name), "--today", TODAY]
        jobs.append(["run", *orders, *sheets(two_sheets), "--out", f"{out}/run-{name}"])
        jobs.append(["run", *orders, *sheets(all_sheets), "--out", f"{out}/all-{name}"])
        jobs.append(["plan", *orders, "--out", f"{out}/plan-{name}"])
    for args in jobs:
        args.append("--no-ledger")
    jobs.append(
        ["run", "--orders", str(samples / "qsm-detail-ja.csv"), "--today", TODAY, "--no-ledger"]
        + ["--dispatch", str(samples / "generic-ko-protected.xlsx"), "--password", "hanbit-2026"]
        + ["--out", f"{out}/protected"]
    )
    # The sheets of samples/scenarios/ (one courier or 3PL layout each), with any orders file.
    for name in expected["scenario_files"]:
        jobs.append(
            ["run", "--orders", str(samples / "qsm-detail-ja.csv"), "--today", TODAY]
            + ["--dispatch", str(samples / name), "--no-ledger", "--out", f"{out}/sheet-{name}"]
        )
    ledger = ["--ledger", f"{out}/ledger.sqlite3", "--today", TODAY, *sheets(all_sheets)]
    for n, name in enumerate(["qsm-detail-ja.csv", "qsm-detail-ko.csv"], 1):
        jobs.append(["run", "--orders", str(samples / name), *ledger, "--out", f"{out}/ledger{n}"])
    for carrier in ["yamato", "sagawa", "japanpost"]:
        jobs.append(
            ["labels", "--orders", str(samples / "qsm-detail-ja.csv"), "--carrier", carrier]
            + ["--ship-date", TODAY, "--sender-file", str(samples / "sender.toml")]
            + ["--out", f"{out}/labels-{carrier}"]
        )
    return jobs


def day_jobs(days: Path, out: Path) -> list[list[str]]:
    """The benchmark's generated days found in ``days`` (benchmarks/generate.py)."""
    jobs = []
    for orders in sorted(days.glob("orders-*.csv")):
        n = orders.stem.split("-", 1)[1]
        common = ["--orders", str(orders), "--today", TODAY, "--no-ledger"]
        for sheet in [days / f"yamato-b2-{n}.csv", days / f"generic-{n}.xlsx"]:
            if sheet.exists():
                tag = sheet.stem.rsplit("-", 1)[0]
                jobs.append(["run", *common, "--dispatch", str(sheet), "--out", f"{out}/{tag}-{n}"])
        jobs.append(["plan", *common, "--out", f"{out}/plan-{n}"])
    return jobs


MADE_HERE = ".same-outputs-jobs"  # marks a folder this script made, so it may replace it


@contextmanager
def one_run_at_a_time(work: Path) -> Iterator[None]:
    """Every run of this script on the machine uses the same work folder (outputs quote input
    paths, so both checkouts must run in one place): a second run waits for the first instead
    of deleting the files under its jobs."""
    try:
        import fcntl
    except ImportError:  # no flock (Windows): run one at a time by hand
        yield
        return
    with open(work.with_name(work.name + ".lock"), "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"waiting: another same_outputs run is using {work}", file=sys.stderr)
            fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _replaceable(folder: Path) -> bool:
    return (folder / MADE_HERE).exists() or not any(folder.iterdir())


def run_jobs(checkout: Path, final: Path, days: Path | None) -> int:
    """Run every job with ``checkout``'s package into ``final``; the number that failed.
    A job's exit code is an output too: a non-zero one is written to exits.txt."""
    if final.exists() and not (final.is_dir() and _replaceable(final)):
        raise ValueError(f"{final} holds files this script did not make: give a new folder")
    work = Path(tempfile.gettempdir()) / "qoo10-same-outputs"
    with one_run_at_a_time(work):
        return _run_jobs(checkout, final, days, work)


def _run_jobs(checkout: Path, final: Path, days: Path | None, work: Path) -> int:
    shutil.rmtree(work, ignore_errors=True)
    samples, out = work / "samples", work / "out"
    # The samples of the checkout this script belongs to, so both sides read the same files.
    shutil.copytree(Path(__file__).resolve().parent.parent / "samples", samples)
    out.mkdir()
    jobs = sample_jobs(samples, out) + (day_jobs(days, out) if days else [])
    failed = []
    for args in jobs:
        done = subprocess.run(
            [sys.executable, "-m", "batch", *args, "--quiet"], cwd=checkout, capture_output=True
        )
        if done.returncode:
            failed.append(f"exit {done.returncode}: {' '.join(args)}")
    if failed:
        (out / "exits.txt").write_text("\n".join(failed) + "\n", encoding="utf-8")
    (out / MADE_HERE).write_text("", encoding="utf-8")
    shutil.rmtree(final, ignore_errors=True)
    shutil.move(str(out), final)
    shutil.rmtree(work)
    return len(failed)


def _without_moments(data: bytes) -> str:
    text = RUN_ID.sub("RUN_ID", data.decode("utf-8", "surrogateescape"))
    for moment in MOMENTS:
        text = moment.sub("MOMENT", text)
    return text


def _summary(path: Path) -> dict:
    summary = json.loads(_without_moments(path.read_bytes()))
    summary.pop("run_id", None)
    return summary


def _workbook_parts(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as book:
        parts = {
            name: book.read(name).decode("utf-8", "surrogateescape") for name in book.namelist()
        }
    # The Summary sheet holds the run's start as an Excel date number of the run id's day.
    days = {
        (dt.date(int(r[:4]), int(r[4:6]), int(r[6:8])) - dt.date(1899, 12, 30)).days
        for r in RUN_ID.findall("".join(parts.values()))
    }
    started = [re.compile(rf"<v>{day}\.\d+</v>") for day in days]
    for name, text in parts.items():
        for moment in started:
            text = moment.sub("<v>MOMENT</v>", text)
        parts[name] = _without_moments(text.encode("utf-8", "surrogateescape"))
    return parts


def same(a: Path, b: Path, name: str) -> bool:
    if name == "summary.json":
        return _summary(a) == _summary(b)
    if a.suffix == ".xlsx":
        return _workbook_parts(a) == _workbook_parts(b)
    if a.suffix == ".jsonl":  # each row names its run
        return _without_moments(a.read_bytes()) == _without_moments(b.read_bytes())
    return a.read_bytes() == b.read_bytes()


def differences(before: Path, after: Path) -> list[str]:
    """What is missing, extra or different in ``after``; the ledger files are not outputs
    to compare (they hold run ids and times throughout)."""

    def files(root: Path) -> set[Path]:
        return {
            p.relative_to(root)
            for p in root.rglob("*")
            if p.is_file() and not p.name.startswith("ledger.sqlite3") and p.name != MADE_HERE
        }

    old, new = files(before), files(after)
    found = [f"missing {p}" for p in sorted(old - new)]
    found += [f"extra {p}" for p in sorted(new - old)]
    found += [f"differs {p}" for p in sorted(old & new) if not same(before / p, after / p, p.name)]
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    steps = parser.add_subparsers(dest="step", required=True)
    jobs = steps.add_parser("jobs", help="run the jobs with CHECKOUT's package into DIR")
    jobs.add_argument("checkout", type=Path)
    jobs.add_argument("dir", type=Path)
    jobs.add_argument("--days", type=Path, help="a folder of benchmarks/generate.py days")
    compare = steps.add_parser("compare", help="compare two folders the jobs step made")
    compare.add_argument("before", type=Path)
    compare.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    if args.step == "jobs":
        try:
            failed = run_jobs(args.checkout.resolve(), args.dir, args.days)
        except ValueError as exc:
            parser.error(str(exc))
        print(f"{failed} jobs ended with an error (exits.txt)" if failed else "done")
        return 0
    for folder in (args.before, args.after):
        if not (folder / "summary.json").exists() and not any(folder.glob("*/summary.json")):
            parser.error(f"{folder} holds no outputs of the jobs step (not made yet?)")
    found = differences(args.before, args.after)
    print("\n".join(found) if found else "same")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
