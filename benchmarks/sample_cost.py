"""Where the README sample run's CPU goes, in one fresh process (issue 16's start-up target).

    python benchmarks/sample_cost.py              # imports, first run, warm runs per stage
    python benchmarks/sample_cost.py --ops        # + library calls made by the package, per stage

Parts, each `time.process_time()` (CPU, so a loaded machine distorts it less than wall):
- the imports in the order a run pays them, the collector off as `options.load_work` has it:
  `batch.cli`, pandas + pyarrow.csv (the floor), typeguard (with unittest.mock, which it
  imports), pydantic, the rest of pandera, the rest of the package;
- the first sample run in the process (it also pays set-up: format profiles, catalogues,
  pandera's backends, lazy imports), then --reps warm runs split by the program's own stages;
- with --ops, one more warm run counting the calls the package's own code makes directly into
  pandas, pandera, pyarrow and numpy (Python functions and C functions), per stage and per
  function: pandas' fixed cost per call is what a 50-row day pays.
Run from the checkout measured (its `batch` is imported from the current folder). Prints one
JSON object. Not a test: nothing here asserts.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import gc
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

TODAY = "2026-11-26"
LIBRARIES = ("pandas", "pandera", "pyarrow", "numpy")


def imports() -> dict[str, float]:
    """CPU seconds of each group of imports, in the order a `run` makes them."""
    steps = {
        "batch.cli": "batch.cli",
        "pandas, pyarrow.csv": "pandas, pyarrow.csv",
        "typeguard (+ unittest.mock)": "typeguard",
        "pydantic": "pydantic, pydantic.main",
        "pandera (the rest)": "pandera.pandas",
        "the package (the rest)": "batch.pipeline",
    }
    spent = {}
    gc.disable()
    try:
        for name, modules in steps.items():
            t = time.process_time()
            exec(f"import {modules}")
            spent[name] = time.process_time() - t
    finally:
        gc.freeze()
        gc.enable()
    return spent


def sample_args(samples: Path, out: Path) -> list[str]:
    return ["run", "--orders", str(samples / "qsm-detail-ja.csv"),
            "--dispatch", str(samples / "yamato-b2.csv"),
            "--dispatch", str(samples / "generic-ko.xlsx"),
            "--today", TODAY, "--no-ledger", "--quiet", "--out", str(out)]  # fmt: skip


class Stages:
    """CPU seconds and library calls between the program's stage laps (`Clock.lap`)."""

    def __init__(self, root: Path) -> None:
        from batch import command

        self.ours = (str(root / "batch") + os.sep, str(root / "schemas") + os.sep)
        self.cpu: dict[str, float] = {}
        self.calls: dict[str, collections.Counter] = {}
        self.by_function: collections.Counter = collections.Counter()
        self._pending: collections.Counter = collections.Counter()
        self._last = time.process_time()
        lap = command.Clock.lap

        def timed_lap(clock, stage, what="", **counts):
            now = time.process_time()
            self.cpu[stage] = self.cpu.get(stage, 0.0) + now - self._last
            self._last = now
            self.calls.setdefault(stage, collections.Counter()).update(self._pending)
            self._pending.clear()
            return lap(clock, stage, what, **counts)

        command.Clock.lap = timed_lap

    def start(self) -> None:
        self.cpu.clear()
        self._last = time.process_time()

    def hook(self, frame, event, arg) -> None:
        """A call from the package's code into a library: counted once, where it was made."""
        if event == "call":
            caller, library = frame.f_back, _library(frame.f_code.co_filename)
        elif event == "c_call":
            caller, library = frame, (getattr(arg, "__module__", None) or "").split(".")[0]
        else:
            return
        if library not in LIBRARIES or caller is None:
            return
        where = caller.f_code.co_filename
        if where.startswith(self.ours):
            self._pending[library] += 1
            self.by_function[f"{Path(where).name}:{caller.f_code.co_name}"] += 1


def _library(filename: str) -> str:
    for name in LIBRARIES:
        if f"{os.sep}{name}{os.sep}" in filename:
            return name
    return ""


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=3, help="warm runs after the first")
    ap.add_argument("--ops", action="store_true", help="count library calls per stage")
    args = ap.parse_args(argv)
    root = Path.cwd()
    sys.path.insert(0, str(root))
    spent = imports()
    from batch.cli import cli

    stages = Stages(root)
    work = Path(tempfile.mkdtemp(prefix="sample-cost-"))

    def one(i: int) -> float:
        t = time.process_time()
        stages.start()
        with contextlib.suppress(SystemExit):  # a finished command exits
            cli.main(sample_args(root / "samples", work / str(i)), standalone_mode=False)
        return time.process_time() - t

    try:
        first = one(0)
        warm = []
        for i in range(args.reps):
            total = one(i + 1)
            warm.append({"total": total, **stages.cpu})
        if args.ops:
            stages.calls.clear()
            sys.setprofile(stages.hook)
            try:
                one(args.reps + 1)
            finally:
                sys.setprofile(None)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report = {
        "imports": {k: round(v, 4) for k, v in spent.items()},
        "first run": round(first, 4),
        "warm run (median)": {k: round(statistics.median(w[k] for w in warm), 4) for k in warm[0]},
        "load average": [round(x, 2) for x in os.getloadavg()],
    }
    if args.ops:
        report["library calls per stage"] = {s: dict(c) for s, c in stages.calls.items()}
        report["most calls (function)"] = dict(stages.by_function.most_common(25))
    print(json.dumps(report, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
