"""Fuzz: damaged copies of the sample files through the real command line.

Hypothesis flips, inserts and deletes bytes in CSV samples and in a workbook, and changes
cell values (and their types) in .xlsx samples with openpyxl. Whatever it does, a run ends
in one of two ways only:

- exit 0: the complete output set in --out, summary.json reconciled, or
- exit 2: one message on stderr naming the file, nothing on stdout, nothing in --out.

Never exit 1 (an internal error), never a traceback, never a partial output.

A full run costs about half a second of CPU even on these small subsets (most of it fixed
costs: validation, rules, the workbook), so the whole-program property gets ~100 examples,
each damaging both inputs at once; the loaders (bytes -> rows, where damage is met first)
get ~250 more, at a fraction of the cost: a damaged file either loads with every row
accounted for (valid + invalid = rows) or raises InputError naming the file. Set
QOO10_FUZZ_SCALE=10 (say) for a longer soak.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import tempfile
from pathlib import Path

import openpyxl
from cli_outcome import SAMPLES, assert_complete, assert_nothing_written, assert_refused, invoke
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from batch.errors import InputError
from batch.inputs import load

SCALE = float(os.environ.get("QOO10_FUZZ_SCALE", "1"))
FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def examples(n: int) -> settings:
    return settings(FUZZ, max_examples=max(1, int(n * SCALE)))


def _lines(name: str, keep: list[int]) -> bytes:
    lines = (SAMPLES / name).read_bytes().split(b"\r\n")
    return b"\r\n".join(lines[i] for i in keep) + b"\r\n"


# Small subsets that still match each other: K01, K02, K03, K05, K06, K07 of the samples.
ORDERS_CSV = _lines("qsm-detail-ja.csv", [0, 1, 2, 16, 17, 18, 22, 23, 24, 45])
DISPATCH_CSV = _lines("yamato-b2.csv", list(range(8)))
DISPATCH_TSV = (SAMPLES / "generic-en.csv").read_bytes()


def _xlsx_bytes(book: openpyxl.Workbook) -> bytes:
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _orders_workbook() -> openpyxl.Workbook:
    book = openpyxl.load_workbook(SAMPLES / "qsm-detail-ja.xlsx")
    sheet = book.active
    sheet.delete_rows(12, sheet.max_row)
    return book


DISPATCH_XLSX = (SAMPLES / "generic-ko.xlsx").read_bytes()
ORDERS_XLSX = _xlsx_bytes(_orders_workbook())


def run(orders: tuple[str, bytes], dispatch: tuple[str, bytes]) -> None:
    """Write the inputs, run the CLI in-process, and check the outcome is a clean one."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "in").mkdir()
        paths = {}
        for role, (name, data) in (("orders", orders), ("dispatch", dispatch)):
            paths[role] = root / "in" / name
            paths[role].write_bytes(data)
        work = root / "work"
        work.mkdir()
        out = work / "out"
        argv = [
            "run",
            "--orders",
            str(paths["orders"]),
            "--dispatch",
            str(paths["dispatch"]),
            "--out",
            str(out),
            "--today",
            "2026-11-26",
            "--no-ledger",
            "--quiet",
        ]
        code, text, err = invoke(argv)
        assert "Traceback" not in text + err, err
        assert code in (0, 2), f"exit {code}:\n{err}"
        if code == 2:
            assert_refused(code, text, err, list(paths.values()))
            assert_nothing_written(work)
            return
        assert_complete(work, out)


# --- byte mutations ------------------------------------------------------------------------

INTERESTING = [
    b'"',
    b",",
    b"\t",
    b";",
    b"\r",
    b"\n",
    b"\r\n",
    b"\x00",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\x82\xa0",  # あ in CP932
    b"\xe3\x81\x82",  # あ in UTF-8
    b"\x81",  # a lone CP932 lead byte
    b"'",
    b"=",
    b"9" * 20,
    b"E+11",
    b" ",
]
POSITION = st.integers(min_value=0, max_value=1 << 20)
EDIT = st.one_of(
    st.tuples(st.just("flip"), POSITION, st.integers(min_value=1, max_value=255)),
    st.tuples(
        st.just("insert"),
        POSITION,
        st.one_of(st.sampled_from(INTERESTING), st.binary(min_size=1, max_size=4)),
    ),
    st.tuples(st.just("delete"), POSITION, st.integers(min_value=1, max_value=24)),
)
EDITS = st.lists(EDIT, min_size=1, max_size=6)


def mutate(data: bytes, edits) -> bytes:
    buf = bytearray(data)
    for op, position, arg in edits:
        at = position % (len(buf) + 1)
        if op == "flip" and buf:
            at = min(at, len(buf) - 1)
            buf[at] ^= arg
        elif op == "insert":
            buf[at:at] = arg
        elif op == "delete":
            del buf[at : at + arg]
    return bytes(buf)


# --- cell mutations ------------------------------------------------------------------------

TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), st.sampled_from("\t\n\r")
    ),
    max_size=24,
)
VALUE = st.one_of(
    st.none(),
    TEXT,
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2100, 1, 1)),
    st.sampled_from(
        ["=1+1", "=A1", "'104622334", "4.39628E+11", "１０４６２２３３４", "\u3000", "-", "#N/A"]
    ),
)
CELL_EDIT = st.one_of(
    st.tuples(st.just("set"), st.integers(1, 12), st.integers(1, 12), VALUE),
    st.tuples(st.just("delete_row"), st.integers(1, 12), st.just(0), st.none()),
    st.tuples(st.just("insert_row"), st.integers(1, 12), st.just(0), st.none()),
)


def edit_cells(data: bytes, edits) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    for op, row, col, value in edits:
        if op == "set":
            cell = sheet.cell(row, col)
            if not isinstance(cell, openpyxl.cell.cell.MergedCell):
                cell.value = value
        elif op == "delete_row":
            sheet.delete_rows(row)
        else:
            sheet.insert_rows(row)
    return _xlsx_bytes(book)


CELL_EDITS = st.lists(CELL_EDIT, min_size=1, max_size=8)

# What each input can be: (file name, how to damage it).
ORDERS = {
    "orders.csv": lambda edits, cells: mutate(ORDERS_CSV, edits),
    "orders.xlsx": lambda edits, cells: edit_cells(ORDERS_XLSX, cells),
}
DISPATCH = {
    "yamato.csv": lambda edits, cells: mutate(DISPATCH_CSV, edits),
    "generic.tsv": lambda edits, cells: mutate(DISPATCH_TSV, edits),
    "generic.xlsx": lambda edits, cells: edit_cells(DISPATCH_XLSX, cells),
    "bytes.xlsx": lambda edits, cells: mutate(DISPATCH_XLSX, edits[:2]),
}
GOOD = {"orders": ("orders.csv", ORDERS_CSV), "dispatch": ("yamato.csv", DISPATCH_CSV)}


@examples(100)
@given(
    orders=st.sampled_from(sorted(ORDERS)),
    dispatch=st.sampled_from(sorted(DISPATCH)),
    damage=st.sampled_from(["orders", "dispatch", "both"]),
    edits=st.tuples(EDITS, EDITS),
    cells=st.tuples(CELL_EDITS, CELL_EDITS),
)
def test_run_on_damaged_inputs(orders, dispatch, damage, edits, cells):
    """The whole program: exit 0 with a complete, reconciled output set, or a clean exit 2."""
    files = {}
    for role, names, i in (("orders", ORDERS, 0), ("dispatch", DISPATCH, 1)):
        name = orders if role == "orders" else dispatch
        if damage in (role, "both"):
            files[role] = (name, names[name](edits[i], cells[i]))
        else:
            files[role] = GOOD[role]
    run(files["orders"], files["dispatch"])


def check_load(name: str, data: bytes, role: str) -> None:
    """A damaged file loads with every row accounted for, or raises InputError (only)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        try:
            loaded = load(path, role)
        except InputError as exc:
            assert exc.path == str(path)
            assert exc.problem and exc.hint, exc.message
            return
        assert loaded.rows == len(loaded.frame) + loaded.invalid_rows
        assert loaded.invalid["source_file"].eq(name).all()


@examples(150)
@given(
    base=st.sampled_from(
        [
            ("orders.csv", ORDERS_CSV, "orders"),
            ("orders-ko.csv", (SAMPLES / "qsm-brief-ko.csv").read_bytes(), "orders"),
            ("yamato.csv", DISPATCH_CSV, "dispatch"),
            ("generic.tsv", DISPATCH_TSV, "dispatch"),
            ("clickpost.csv", (SAMPLES / "clickpost.csv").read_bytes(), "dispatch"),
        ]
    ),
    edits=EDITS,
)
def test_load_damaged_text(base, edits):
    name, data, role = base
    check_load(name, mutate(data, edits), role)


@examples(60)
@given(which=st.sampled_from(["orders", "dispatch"]), cells=CELL_EDITS)
def test_load_changed_cells(which, cells):
    data = ORDERS_XLSX if which == "orders" else DISPATCH_XLSX
    check_load(f"{which}.xlsx", edit_cells(data, cells), which)


@examples(40)
@given(edits=st.lists(EDIT, min_size=1, max_size=3))
def test_load_damaged_workbook_bytes(edits):
    check_load("generic.xlsx", mutate(DISPATCH_XLSX, edits), "dispatch")


def test_damaged_zip_header_found_by_the_fuzzer():
    # A quote inserted at byte 4 and a flipped bit made zipfile raise NotImplementedError
    # ("zip file version 8.4") instead of BadZipFile: it must still be a clean exit 2.
    data = mutate(DISPATCH_XLSX, [("insert", 4, b'"'), ("flip", 5663, 64)])
    run(("orders.csv", ORDERS_CSV), ("bytes.xlsx", data))
