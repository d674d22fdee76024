"""The bad-input corpus (tests/bad_inputs/, expectations in cases.toml) through the real CLI.

Every case runs `qoo10-dispatch run` in-process through click's test runner (the group maps
every ending to its exit code, as for a user) with the bad file as --orders or --dispatch and
a good sample as the other input, then `qoo10-dispatch validate` on the file. The only
outcomes allowed:

- exit 0 with the complete output set (summary.json reconciled, exceptions.jsonl,
  exceptions.xlsx, the upload files summary.json lists, nothing else), or
- exit 2 with one message on stderr that names the file and says what to do, nothing on
  stdout, and nothing written: no --out folder, no staging folder beside it.

Never a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from batch.inputs import load
from batch.read import read_table

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "bad_inputs"
sys.path.insert(0, str(CORPUS))
import make_bad_inputs  # noqa: E402
from cli_outcome import (  # noqa: E402
    SAMPLES,
    TODAY,
    assert_complete,
    assert_nothing_written,
    assert_refused,
    invoke,
)

CASES = tomllib.loads((CORPUS / "cases.toml").read_text(encoding="utf-8"))["case"]
GOOD = {"orders": SAMPLES / "qsm-detail-ja.csv", "dispatch": SAMPLES / "yamato-b2.csv"}


def _case_id(case: dict) -> str:
    extra = "-with-password" if case.get("args") else ""
    return f"{case['role']}:{Path(case['file']).name}{extra}"


def materialise(case: dict, tmp_path: Path) -> Path:
    """The path to give the program for this case."""
    name = case["file"]
    inputs = tmp_path / "inputs"
    inputs.mkdir(exist_ok=True)
    if name == "@directory":
        path = inputs / "a-folder.csv"
        path.mkdir()
        return path
    if name == "@missing":
        return inputs / "no-such-file.csv"
    if name in make_bad_inputs.GENERATED:
        return make_bad_inputs.write_generated(name, inputs)
    path = (CORPUS / name).resolve()
    assert path.is_file(), f"{path} missing: run python tests/bad_inputs/make_bad_inputs.py"
    return path


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_run(case, tmp_path):
    path = materialise(case, tmp_path)
    role = case["role"]
    other = "dispatch" if role == "orders" else "orders"
    work = tmp_path / "work"
    work.mkdir()
    out = work / "out"
    files = {role: path, other: GOOD[other]}
    argv = [
        "run",
        "--orders",
        str(files["orders"]),
        "--dispatch",
        str(files["dispatch"]),
        "--out",
        str(out),
        "--today",
        TODAY,
        "--no-ledger",
        *case.get("args", []),
    ]
    code, stdout, stderr = invoke(argv)
    assert "Traceback" not in stdout + stderr
    for secret in case.get("args", [])[1::2]:
        assert secret not in stdout + stderr, "the password is never printed"

    if case["expect"] == "exit 2":
        assert_refused(code, stdout, stderr, [path])
        for fragment in case["message"]:
            assert fragment.casefold() in stderr.casefold(), f"{fragment!r} not in:\n{stderr}"
        assert_nothing_written(work)
        return

    assert case["expect"] == "reads"
    assert code == 0, f"expected exit 0, got {code}\nstderr: {stderr}"
    summary = assert_complete(work, out)
    entry = summary["inputs"]["orders"] if role == "orders" else summary["inputs"]["dispatch"][0]
    assert Path(entry["path"]).name == path.name
    if "rows" in case:
        assert entry["rows"] == case["rows"]
    if "uploaded" in case:
        assert summary["orders"]["uploaded"] == case["uploaded"]


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_validate(case, tmp_path):
    path = materialise(case, tmp_path)
    code, stdout, stderr = invoke(["validate", str(path), *case.get("args", [])])
    assert "Traceback" not in stdout + stderr
    if case.get("validate", case["expect"]) == "exit 2":
        assert_refused(code, stdout, stderr, [path])
        return
    assert code == 0, f"expected exit 0, got {code}\nstderr: {stderr}"
    assert stderr == ""
    assert stdout.startswith(f"{path}: ")
    if case["expect"] == "reads" and "rows" in case:
        assert f", {case['rows']} rows," in stdout
    if "sheet" in case:
        assert f"sheet '{case['sheet']}'" in stdout


@pytest.mark.parametrize("case", [c for c in CASES if "raw" in c or "loaded" in c], ids=_case_id)
def test_values_read(case, tmp_path):
    """What is read is the value the seller sees: cached formula results, merged cells..."""
    path = materialise(case, tmp_path)
    for column, expected in case.get("raw", {}).items():
        table = read_table(path, case["role"])
        assert table.frame[column].head(len(expected)).tolist() == expected
    for column, expected in case.get("loaded", {}).items():
        loaded = load(path, case["role"])
        assert [str(v) for v in loaded.frame[column].head(len(expected))] == expected


def test_corpus_has_every_case_the_issue_asks_for():
    names = {Path(c["file"]).name for c in CASES}
    assert len(CASES) >= 30
    stored = {p.name for p in CORPUS.iterdir() if p.suffix not in (".py", ".toml")}
    stored.discard("__pycache__")
    assert stored <= names, f"files without a case: {sorted(stored - names)}"
    assert all(c["expect"] in ("reads", "exit 2") for c in CASES)
    assert all(c["role"] in ("orders", "dispatch") for c in CASES)


def test_corpus_matches_its_generator():
    """The stored files are exactly what make_bad_inputs.py writes (soffice aside)."""
    files = {**make_bad_inputs.text_files(), **make_bad_inputs.workbook_files()}
    stale = [name for name, data in files.items() if (CORPUS / name).read_bytes() != data]
    assert stale == [], f"run python tests/bad_inputs/make_bad_inputs.py: {stale}"


def test_zip_bombs_are_tiny_on_disk():
    for name in ("zip-bomb.xlsx", "shared-strings-bomb.xlsx", "far-cell.xlsx"):
        assert (CORPUS / name).stat().st_size < 4096
    assert (CORPUS / "deflate-bomb.xlsx").stat().st_size < 40_000


@pytest.mark.parametrize(
    "text, header_line, rows, newline",
    [
        ("title\r\n注文番号,送り状番号\r\n1,439628114015\r\n", "注文番号,送り状番号", [3], "\r\n"),
        ("title\r注文番号,送り状番号\r1,439628114015\r", "注文番号,送り状番号", [3], "\r"),
        (
            '"two\ntitle"\n注文番号,"送り状番号"\n1,2\n2,"x\ny"\n3,4',
            '注文番号,"送り状番号"',
            [3, 4, 5],
            "\n",
        ),
        ('注文番号,送り状番号,メモ\n1,2,"a\r\nb"\n', "注文番号,送り状番号,メモ", [2], "\n"),
        ("注文番号,送り状番号", "注文番号,送り状番号", [], "\n"),
        ("注文番号,送り状番号\x0c\r\n1,2\r\n", "注文番号,送り状番号\x0c", [2], "\r\n"),
    ],
    ids=["crlf-title", "cr-only", "quoted-newlines", "lf-with-crlf-in-a-cell", "no-line-end", "ff"],
)
def test_header_line_and_line_end_are_kept(tmp_path, text, header_line, rows, newline):
    """The upload repeats the export's header record byte for byte, with its line ends."""
    path = tmp_path / "d.csv"
    path.write_bytes(text.encode("utf-8"))
    table = read_table(path, "dispatch")
    assert table.sheet.header_line == header_line
    assert table.sheet.newline == newline
    assert table.frame["source_row"].tolist() == rows
