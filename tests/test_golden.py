"""Golden files: the upload CSV must match byte for byte (encoding, BOM, quoting, line
endings), and the exceptions line for line. Each case is a folder of tests/golden/ with
its inputs and an expected/ folder checked by hand when it was made."""

import csv
import io
import json
from pathlib import Path

import pytest
from cli_outcome import invoke

GOLDEN = Path(__file__).resolve().parent / "golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "expected").is_dir())


@pytest.mark.parametrize("case", CASES)
def test_golden_case(tmp_path, case):
    folder = GOLDEN / case
    orders = next(folder.glob("orders.*"))
    out = tmp_path / "out"
    code, _, err = invoke(
        ["run", "--orders", str(orders), "--dispatch", str(folder / "dispatch.csv"),
         "--out", str(out), "--today", "2026-11-26", "--no-ledger", "--quiet"]
    )  # fmt: skip
    assert code == 0, err
    expected = sorted((folder / "expected").glob("qsm-upload-*.csv"))
    assert sorted(p.name for p in out.glob("qsm-upload-*.csv")) == [p.name for p in expected]
    for path in expected:
        assert (out / path.name).read_bytes() == path.read_bytes(), path.name
    got = [json.loads(line) for line in (out / "exceptions.jsonl").read_text("utf-8").splitlines()]
    want = [json.loads(line) for line in (folder / "expected" / "exceptions.jsonl").open("rb")]
    assert got == want


def test_upload_keeps_every_byte_of_untouched_cells():
    # The CP932 case: every cell but the three filled ones is the export's own text.
    folder = GOLDEN / "cp932-detail"
    source = list(csv.reader(io.StringIO((folder / "orders.csv").read_bytes().decode("cp932"))))
    upload = (folder / "expected" / "qsm-upload-001.csv").read_bytes().decode("cp932")
    rows = list(csv.reader(io.StringIO(upload)))
    header = source[0]
    filled = {header.index(h) for h in ("送り状番号", "配送会社", "発送日")}
    by_order = {r[1]: r for r in source[1:]}
    assert rows[0] == header
    for row in rows[1:]:
        original = by_order[row[1]]
        assert [c for i, c in enumerate(row) if i not in filled] == [
            c for i, c in enumerate(original) if i not in filled
        ]


def test_uploads_are_split_at_500_rows(tmp_path):
    header = "配送状態,注文番号,カート番号,配送会社,送り状番号,発送日,発送予定日\r\n"
    orders = "".join(
        f"配送要請,{104800000 + i},{78500000 + i},ヤマト宅急便,,,2026/11/27\r\n"
        for i in range(1203)
    )
    (tmp_path / "orders.csv").write_bytes((header + orders).encode("cp932"))

    def mod7(body: int) -> str:
        return f"{body}{body % 7}"

    dispatch = "注文番号,送り状番号,配送会社\r\n" + "".join(
        f"{104800000 + i},{mod7(38971107401 + 7 * i)},ヤマト運輸\r\n" for i in range(1203)
    )
    (tmp_path / "dispatch.csv").write_bytes(dispatch.encode("cp932"))
    out = tmp_path / "out"
    orders, dispatch = str(tmp_path / "orders.csv"), str(tmp_path / "dispatch.csv")
    args = ["run", "--orders", orders, "--dispatch", dispatch, "--out", str(out), "--no-ledger"]
    assert invoke(args)[0] == 0
    files = sorted(out.glob("qsm-upload-*.csv"))
    assert [p.name for p in files] == [f"qsm-upload-00{n}.csv" for n in (1, 2, 3)]
    counts = [len(p.read_bytes().decode("cp932").splitlines()) - 1 for p in files]
    assert counts == [500, 500, 203]
    seen = [
        r[1]
        for p in files
        for r in list(csv.reader(io.StringIO(p.read_bytes().decode("cp932"))))[1:]
    ]
    assert len(seen) == len(set(seen)) == 1203
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert summary["upload_files"] == [
        {"path": p.name, "rows": n} for p, n in zip(files, counts, strict=True)
    ]
