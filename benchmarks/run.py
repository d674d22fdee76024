"""Time the whole `qoo10-dispatch run` against a floor measured in the same session.

    python benchmarks/run.py            # 10k, 100k, 200k, 1M CSV and 10k, 100k xlsx, 3 reps
    python benchmarks/run.py --quick    # 10k and 100k CSV, 10k xlsx, 1 repetition
    python benchmarks/run.py --sizes 100k --xlsx-sizes '' --reps 5

For every case it runs, interleaved, in fresh processes:
- the program: ``python -m batch run --orders … --dispatch … --no-ledger --quiet --profile
  --today 2026-11-26`` (wall time, peak RSS from wait4, the per-stage times it prints);
- the floor: read both inputs with pyarrow (CP932 decoded; an .xlsx with calamine) and write
  a CSV of the orders table (``run.py --floor``);
- for .xlsx: the program's reader (``batch.read.read_table``) and calamine alone, in-process
  timings without interpreter start-up (``run.py --read-xlsx``).
Once per CSV size it also splits the orders load into parse / pandera / normalise
(``run.py --stages``), and it times the start-up: ``--help``, ``formats`` and the README's
sample run (``--no-ledger``, a fresh --out), median of 5 fresh processes each.
Medians are reported; the table goes to stdout and RESULTS.md.

Inputs come from benchmarks/generate.py and are kept in --data (default: a folder in the
system temp dir), so a second run skips generation. Not a test: nothing here asserts.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import datetime as dt
import importlib.metadata as md
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TODAY = "2026-11-26"
DEFAULT_DATA = Path(tempfile.gettempdir()) / "qoo10-dispatch-bench"
NOTES_MARKER = "<!-- notes: kept when run.py rewrites this file -->"
# Issue 16's targets: run/floor at 100k, 200k and 1M; peak RSS at 1M and at 200k; the
# .xlsx read against calamine; time per line at 1M against 100k.
TARGETS = {"run_floor": 4.0, "rss_gb": 3.0, "rss_200k_gb": 1.0, "xlsx_read": 1.3, "linear": 1.2}
# Start-up (issue 16): the seconds a seller waits for the quick commands and the sample day.
STARTUP_TARGETS = {"--help": 0.3, "formats": 0.3, "sample run": 1.0}


def parse_size(text: str) -> int:
    return int(float(text.lower().replace("k", "e3").replace("m", "e6")))


def label(n: int) -> str:
    return f"{n // 1_000_000}M" if n % 1_000_000 == 0 else f"{n // 1000}k"


# --- helpers run in their own process ---------------------------------------------------


def _pyarrow_table(path: Path):
    """A CSV of any width as a table of strings, CP932 decoded (duplicate headers allowed)."""
    import pyarrow as pa
    import pyarrow.csv as pv

    with path.open("rb") as f:
        width = len(f.readline().split(b","))
    names = [f"c{i}" for i in range(width)]
    return pv.read_csv(
        path,
        read_options=pv.ReadOptions(
            encoding="cp932", column_names=names, skip_rows=1, block_size=1 << 24
        ),  # fmt: skip
        parse_options=pv.ParseOptions(newlines_in_values=True),
        convert_options=pv.ConvertOptions(column_types=dict.fromkeys(names, pa.string())),
    )


def _calamine_rows(path: Path) -> list:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    return book.get_sheet_by_index(0).to_python(skip_empty_area=False)


def floor(orders: Path, dispatch: Path, out: Path) -> None:
    """The least any tool must do: parse both inputs and write the orders-sized CSV."""
    import pyarrow.csv as pv

    table = _pyarrow_table(orders)
    rows = _calamine_rows(dispatch) if dispatch.suffix == ".xlsx" else _pyarrow_table(dispatch)
    pv.write_csv(table, out)
    print(json.dumps({"orders": table.num_rows, "dispatch": len(rows)}))


def read_xlsx(path: Path, reps: int = 5) -> None:
    """In-process seconds, median of ``reps``: calamine alone, the program's reader, its full
    dispatch load. The three alternate, after one untimed round that pays the imports and
    the first call's set-up (what a run pays once whatever its size)."""
    from batch import inputs
    from batch.read import read_table

    steps = {
        "calamine": lambda: _calamine_rows(path),
        "read_table": lambda: read_table(path, "dispatch"),
        "load_dispatch": lambda: inputs.load_dispatch(path),
    }
    for fn in steps.values():
        fn()
    spent = {name: [] for name in steps}
    for _ in range(reps):
        for name, fn in steps.items():
            t = time.perf_counter()
            fn()
            spent[name].append(time.perf_counter() - t)
    print(json.dumps({name: statistics.median(s) for name, s in spent.items()}))


def stages(path: Path) -> None:
    """Seconds of the orders load split into CSV parse, pandera validation and the rest, as
    the program measures them itself (``Loaded.seconds``)."""
    from batch import inputs

    t = time.perf_counter()
    loaded = inputs.load_orders(path)
    total = time.perf_counter() - t
    spent = {
        "read_table": loaded.seconds["parse"],
        "validate": loaded.seconds["validate"],
        "normalise": loaded.seconds["normalise"],
        "load_orders": total,
    }
    print(json.dumps(spent))


# --- the driver -------------------------------------------------------------------------


TREE = ROOT  # the checkout whose `batch` package is measured (--tree)


def timed_process(cmd: list[str]) -> dict:
    """Wall seconds, peak RSS (MB), exit code, stdout and stderr of one child process."""
    env = dict(os.environ)
    # The checkout measured is this one (or --tree), never whatever `batch` is installed.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(TREE), env.get("PYTHONPATH")]))
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=TREE, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return {
            "wall": wall,
            "rss_mb": usage.ru_maxrss / 1024,  # Linux: kilobytes
            "code": proc.returncode,
            "stdout": out.read().decode(errors="replace"),
            "stderr": err.read().decode(errors="replace"),
        }


def ensure_data(n: int, data: Path, xlsx: bool) -> dict:
    sys.path.insert(0, str(HERE))
    import generate

    manifest = data / f"manifest-{n}.json"
    want = ["orders", "b2"] + (["xlsx"] if xlsx else [])
    if manifest.exists():
        m = json.loads(manifest.read_text())
        if m.get("seed") == generate.SEED and all(
            k in m["files"] and (data / m["files"][k]["path"]).exists() for k in want
        ):
            return m
    print(f"generating {label(n)} order lines in {data} ...", file=sys.stderr, flush=True)
    # In a process of its own: Linux keeps a process's peak RSS across fork and exec, so a
    # day generated in this process would be every later run's "peak RSS" (1.6 GB at 1M).
    command = [sys.executable, str(HERE / "generate.py"), str(n), str(data)]
    subprocess.run(command + ([] if xlsx else ["--no-xlsx"]), check=True)
    return json.loads(manifest.read_text())


def profile_lines(stderr: str) -> dict[str, float]:
    """`--profile` prints one JSON line on stderr: the seconds spent per stage. (A checkout
    from before it did, measured with --tree, printed '  stage   1.23 s' lines.)"""
    found: dict[str, float] = {}
    for line in stderr.splitlines():
        if line.startswith('{"profile"'):
            return json.loads(line)["profile"]
        parts = line.split()
        if len(parts) == 3 and parts[2] == "s":
            with contextlib.suppress(ValueError):
                found[parts[0]] = found.get(parts[0], 0.0) + float(parts[1])
    return found


def run_case(kind: str, n: int, m: dict, data: Path, reps: int, work: Path) -> dict:
    orders = data / m["files"]["orders"]["path"]
    dispatch = data / m["files"]["b2" if kind == "csv" else "xlsx"]["path"]
    runs, floors, reads = [], [], []
    for rep in range(reps):
        out = work / f"out-{kind}-{n}-{rep}"
        cmd = [sys.executable, "-m", "batch", "run", "--orders", str(orders), "--dispatch",
               str(dispatch), "--out", str(out), "--no-ledger", "--quiet", "--profile",
               "--today", TODAY]  # fmt: skip
        r = timed_process(cmd)
        if r["code"] != 0:
            raise SystemExit(f"run failed ({r['code']}): {' '.join(cmd)}\n{r['stderr']}")
        r["stages"] = profile_lines(r["stderr"])
        r["summary"] = json.loads((out / "summary.json").read_text(encoding="utf-8"))
        shutil.rmtree(out, ignore_errors=True)
        runs.append(r)
        f = timed_process([sys.executable, str(HERE / "run.py"), "--floor", str(orders),
                           str(dispatch), str(work / "floor.csv")])  # fmt: skip
        if f["code"] != 0:
            raise SystemExit(f"floor failed: {f['stderr']}")
        floors.append(f)
        if kind == "xlsx" and not reads:  # once a case: it repeats itself in one process
            x = timed_process([sys.executable, str(HERE / "run.py"), "--read-xlsx", str(dispatch)])
            if x["code"] != 0:
                raise SystemExit(f"xlsx read failed: {x['stderr']}")
            reads.append(json.loads(x["stdout"]))
        print(f"  {kind} {label(n)} rep {rep + 1}: run {r['wall']:.1f} s, floor {f['wall']:.1f} s, "
              f"rss {r['rss_mb']:.0f} MB", file=sys.stderr, flush=True)  # fmt: skip
    med = statistics.median
    stage_names = list(dict.fromkeys(k for r in runs for k in r["stages"]))
    result = {
        "kind": kind,
        "n": n,
        "dispatch_rows": m["dispatch_rows"],
        "reps": reps,
        "run": med(r["wall"] for r in runs),
        "runs": [round(r["wall"], 2) for r in runs],
        "floor": med(f["wall"] for f in floors),
        "floors": [round(f["wall"], 2) for f in floors],
        "rss_mb": max(r["rss_mb"] for r in runs),
        "stages": {s: med(r["stages"].get(s, 0.0) for r in runs) for s in stage_names},
        "summary": {k: runs[0]["summary"][k] for k in ("orders", "dispatch", "exceptions")},
    }
    if reads:
        result["xlsx"] = {k: med(x[k] for x in reads) for k in reads[0]}
    return result


def startup_case(reps: int, work: Path) -> dict[str, dict]:
    """Wall seconds of fresh processes, interleaved: the quick commands, the README's sample
    run, and importing pandas and pyarrow.csv alone (what any run pays before it starts)."""
    s = TREE / "samples"
    sample = ["run", "--orders", str(s / "qsm-detail-ja.csv"), "--dispatch",
              str(s / "yamato-b2.csv"), "--dispatch", str(s / "generic-ko.xlsx"), "--today",
              TODAY, "--no-ledger", "--quiet"]  # fmt: skip
    cases = {
        "--help": ["-m", "batch", "--help"],
        "formats": ["-m", "batch", "formats"],
        "sample run": ["-m", "batch", *sample],
        "import pandas, pyarrow.csv": ["-c", "import pandas, pyarrow.csv"],
    }
    walls: dict[str, list[float]] = {name: [] for name in cases}
    for rep in range(reps):
        for name, args in cases.items():
            out = ["--out", str(work / f"startup-{rep}")] if name == "sample run" else []
            r = timed_process([sys.executable, *args, *out])
            if r["code"] != 0:
                raise SystemExit(f"{name} failed ({r['code']}): {r['stderr']}")
            walls[name].append(r["wall"])
    print("  start-up: " + ", ".join(f"{k} {statistics.median(v):.2f} s"
                                     for k, v in walls.items()), file=sys.stderr)  # fmt: skip
    return {k: {"median": statistics.median(v), "walls": [round(w, 3) for w in v]}
            for k, v in walls.items()}  # fmt: skip


def startup_lines(startup: dict[str, dict]) -> list[str]:
    lines = ["", "## Start-up (wall seconds of fresh processes, median)", "",
             "| command | median (s) | each (s) | target (s) |", "|---|---:|---|---:|"]  # fmt: skip
    for name, r in startup.items():
        target = STARTUP_TARGETS.get(name)
        lines.append(f"| `{name}` | {r['median']:.2f} | {' '.join(f'{w:.2f}' for w in r['walls'])} "
                     f"| {target if target else '–'} |")  # fmt: skip
    return lines + [
        "",
        "`python -m batch …` of this checkout; the sample run is the README's first command "
        "(`samples/qsm-detail-ja.csv` with `yamato-b2.csv` and `generic-ko.xlsx`) with "
        "`--no-ledger --quiet` into a fresh --out.",
    ]


def machine() -> dict:
    mem = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {}
    for pkg in ("pandas", "pyarrow", "numpy", "pandera", "openpyxl", "python-calamine"):
        try:
            versions[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            versions[pkg] = "-"
    return {
        "cores": os.cpu_count(),
        "ram_gb": round(mem, 1),
        "cpu": cpu,
        "os": platform.platform(),
        "python": platform.python_version(),
        "versions": versions,
        "load": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
    }


def report(
    results: list[dict], stage_split: dict, info: dict, reps_note: str, startup: dict
) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Measured {info['date']} by `python benchmarks/run.py{reps_note}` on {info['cores']} "
        f"cores ({info['cpu']}), {info['ram_gb']} GB RAM, {info['os']}; Python "
        f"{info['python']}, " + ", ".join(f"{k} {v}" for k, v in info["versions"].items()) + ".",
        "",
        "Load average when the benchmark started: "
        + (", ".join(f"{x:.2f}" for x in info["load"]) if info["load"] else "unknown")
        + " (a shared machine: run and floor are interleaved so both see the same load).",
        "",
        "| case | order lines | dispatch rows | reps | run (s) | floor (s) | run/floor "
        "| µs per line | peak RSS (MB) | xlsx read / calamine |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        per_line = r["run"] / r["n"] * 1e6
        x = r.get("xlsx")
        ratio = f"{x['read_table'] / x['calamine']:.2f} ({x['read_table']:.2f} / " \
                f"{x['calamine']:.2f} s)" if x else "–"  # fmt: skip
        lines.append(
            f"| {r['kind']} {label(r['n'])} | {r['n']:,} | {r['dispatch_rows']:,} | {r['reps']} "
            f"| {r['run']:.1f} | {r['floor']:.1f} | {r['run'] / r['floor']:.1f} "
            f"| {per_line:.0f} | {r['rss_mb']:.0f} | {ratio} |"
        )
    lines += [
        "",
        "run: wall time of the whole `qoo10-dispatch run` process (start-up included), median "
        "of the repetitions; floor: a process that parses both inputs with pyarrow (CP932 "
        "decoded; the .xlsx with calamine) and writes the orders table as CSV. xlsx read: "
        "in-process seconds of `batch.read.read_table` over calamine's `to_python` alone, "
        "medians of 5 alternated repetitions after an untimed one.",
        "",
        "## Time per stage (median seconds, from `--profile`)",
        "",
    ]
    names = list(dict.fromkeys(s for r in results for s in r["stages"]))
    lines.append("| case | " + " | ".join(names) + " |")
    lines.append("|---|" + "---:|" * len(names))
    for r in results:
        lines.append(
            f"| {r['kind']} {label(r['n'])} | "
            + " | ".join(f"{r['stages'].get(s, 0):.2f}" for s in names)
            + " |"
        )
    if stage_split:
        lines += [
            "",
            "## Orders load split (one process per size, in-process seconds)",
            "",
            "| order lines | CSV parse (read_table) | pandera validation | normalise | total |",
            "|---:|---:|---:|---:|---:|",
        ]
        for n, s in stage_split.items():
            lines.append(
                f"| {int(n):,} | {s['read_table']:.2f} | {s['validate']:.2f} "
                f"| {s['normalise']:.2f} | {s['load_orders']:.2f} |"
            )
    if startup:
        lines += startup_lines(startup)
    lines += ["", "## Targets", ""]
    lines += targets(results, stage_split, startup)
    lines += ["", "## Outcome of the largest CSV run (summary.json)", ""]
    big = max((r for r in results if r["kind"] == "csv"), key=lambda r: r["n"], default=None)
    if big:
        lines.append("```json")
        lines.append(json.dumps(big["summary"], ensure_ascii=False, indent=1))
        lines.append("```")
    return "\n".join(lines) + "\n"


def targets(results: list[dict], split: dict, startup: dict) -> list[str]:
    out = []
    csv = {r["n"]: r for r in results if r["kind"] == "csv"}
    xlsx = {r["n"]: r for r in results if r["kind"] == "xlsx"}

    def mark(ok: bool) -> str:
        return "met" if ok else "**not met**"

    for n in (100_000, 200_000, 1_000_000):
        if n in csv:
            ratio = csv[n]["run"] / csv[n]["floor"]
            out.append(f"- CSV run/floor <= {TARGETS['run_floor']:g} at {label(n)}: "
                       f"{ratio:.1f}, {mark(ratio <= TARGETS['run_floor'])}")  # fmt: skip
    if 1_000_000 in csv:
        gb = csv[1_000_000]["rss_mb"] / 1024
        out.append(f"- peak RSS at 1M <= {TARGETS['rss_gb']:g} GB: {gb:.2f} GB, "
                   f"{mark(gb <= TARGETS['rss_gb'])}")  # fmt: skip
    if 200_000 in csv:
        gb = csv[200_000]["rss_mb"] / 1024
        out.append(f"- peak RSS at 200k <= {TARGETS['rss_200k_gb']:g} GB: {gb:.2f} GB, "
                   f"{mark(gb <= TARGETS['rss_200k_gb'])}")  # fmt: skip
    if 100_000 in xlsx and "xlsx" in xlsx[100_000]:
        x = xlsx[100_000]["xlsx"]
        ratio = x["read_table"] / x["calamine"]
        out.append(f"- .xlsx of 100k rows read within {TARGETS['xlsx_read']:g}x of calamine: "
                   f"{ratio:.2f}x, {mark(ratio <= TARGETS['xlsx_read'])}")  # fmt: skip
    if 100_000 in csv and 1_000_000 in csv:
        a = csv[100_000]["run"] / 100_000
        b = csv[1_000_000]["run"] / 1_000_000
        out.append(f"- time per line at 1M within {TARGETS['linear']:g}x of 100k: "
                   f"{b / a:.2f}x, {mark(b / a <= TARGETS['linear'])}")  # fmt: skip
    big = max((int(k) for k in split), default=None)
    if big:
        s = split[str(big)] if str(big) in split else split[big]
        out.append(f"- pandera validation cheaper than the CSV parse at {label(big)}: "
                   f"{s['validate']:.2f} s vs {s['read_table']:.2f} s, "
                   f"{mark(s['validate'] < s['read_table'])}")  # fmt: skip
    for name, limit in STARTUP_TARGETS.items():
        if name in startup:
            took = startup[name]["median"]
            out.append(f"- `{name}` within {limit:g} s: {took:.2f} s, {mark(took <= limit)}")
    return out or ["- (no case measured that a target is about)"]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="Benchmark qoo10-dispatch run against a floor.")
    ap.add_argument("--quick", action="store_true", help="1 repetition, 10k and 100k only")
    ap.add_argument("--reps", type=int, help="repetitions per case (default 3; --quick 1)")
    ap.add_argument("--big-reps", type=int, help="repetitions for 1M+ cases (default: --reps)")
    ap.add_argument("--sizes", help="CSV sizes, comma-separated (default 10k,100k,200k,1M)")
    ap.add_argument("--xlsx-sizes", help="xlsx sizes (default 10k,100k; '' for none)")
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="where inputs are kept")
    ap.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    ap.add_argument("--no-write", action="store_true", help="print only, keep RESULTS.md")
    ap.add_argument("--no-split", action="store_true", help="skip the orders-load split")
    ap.add_argument("--tree", type=Path, help="measure the batch package of another checkout")
    ap.add_argument("--startup-reps", type=int, default=5, help="start-up repetitions; 0: none")
    # Helper modes (run in a child process by the driver).
    ap.add_argument("--floor", nargs=3, type=Path, metavar=("ORDERS", "DISPATCH", "OUT"))
    ap.add_argument("--read-xlsx", type=Path, metavar="XLSX")
    ap.add_argument("--stages", type=Path, metavar="ORDERS")
    args = ap.parse_args(argv)
    if args.floor:
        return floor(*args.floor)
    if args.read_xlsx:
        return read_xlsx(args.read_xlsx)
    if args.stages:
        return stages(args.stages)

    if args.tree:
        global TREE
        TREE = args.tree.resolve()
    # pip byte-compiles an installed package; a checkout run under PYTHONDONTWRITEBYTECODE
    # (this machine's sessions set it) compiles its ~75 modules again in every process
    # measured: 0.05 s of `--help`, ~0.2 s of the sample run, at a load of 3-5.
    for package in ("batch", "schemas"):
        compileall.compile_dir(TREE / package, quiet=1)
    reps = args.reps or (1 if args.quick else 3)
    default = "10k,100k" if args.quick else "10k,100k,200k,1M"
    sizes = args.sizes if args.sizes is not None else default
    xsizes = (
        args.xlsx_sizes if args.xlsx_sizes is not None else ("10k" if args.quick else "10k,100k")
    )
    csv_sizes = [parse_size(s) for s in sizes.split(",") if s.strip()]
    xlsx_sizes = [parse_size(s) for s in xsizes.split(",") if s.strip()]
    info = machine()
    args.data.mkdir(parents=True, exist_ok=True)
    manifests = {n: ensure_data(n, args.data, n in xlsx_sizes)
                 for n in sorted(set(csv_sizes) | set(xlsx_sizes))}  # fmt: skip
    results, split = [], {}
    with tempfile.TemporaryDirectory(prefix="qoo10-bench-") as tmp:
        work = Path(tmp)
        for kind, ns in (("csv", csv_sizes), ("xlsx", xlsx_sizes)):
            for n in ns:
                r = reps if n < 1_000_000 or not args.big_reps else args.big_reps
                results.append(run_case(kind, n, manifests[n], args.data, r, work))
        if not args.no_split:
            for n in csv_sizes:
                orders = args.data / manifests[n]["files"]["orders"]["path"]
                s = timed_process([sys.executable, str(HERE / "run.py"), "--stages", str(orders)])
                if s["code"] == 0:
                    split[str(n)] = json.loads(s["stdout"])
        startup = startup_case(args.startup_reps, work) if args.startup_reps else {}
    given = argv if argv is not None else sys.argv[1:]
    note = (" " + " ".join(given)) if given else ""
    text = report(results, split, info, note, startup)
    print(text)
    if not args.no_write:
        # Hand-written notes below the marker survive a new measurement.
        old = args.results.read_text(encoding="utf-8") if args.results.exists() else ""
        if NOTES_MARKER in old:
            text += "\n" + old[old.index(NOTES_MARKER) :]
        args.results.write_text(text, encoding="utf-8")
        (args.results.with_suffix(".json")).write_text(
            json.dumps({"machine": info, "results": results, "orders_load": split,
                        "startup": startup}, indent=1, ensure_ascii=False) + "\n",
            encoding="utf-8")  # fmt: skip


if __name__ == "__main__":
    main()
