"""The zip guard and the workbook's opening beside it (`xlsx_guard.inspect_zip(opening=...)`):
the opening is never started before what it reads is checked, and a refusal is the one
checking everything first gives."""

from __future__ import annotations

import io
import random
import threading
import zipfile
from pathlib import Path

import pytest

from batch.errors import InputError
from batch.read import xlsx_guard

CORPUS = Path(__file__).parent / "bad_inputs"
SAMPLES = Path(__file__).parents[1] / "samples"


def _refusal(path: Path, data: bytes, opening=None) -> str:
    with pytest.raises(InputError) as refused:
        xlsx_guard.inspect_zip(path, data, opening)
    return str(refused.value)


class _Opening:
    """An opening that records whether it ran, and in which thread."""

    def __init__(self, fails: bool = False):
        self.threads: list[str] = []
        self.fails = fails

    def __call__(self):
        self.threads.append(threading.current_thread().name)
        if self.fails:
            raise InputError(Path("x.xlsx"), "the opening's own error")
        return "opened"


@pytest.mark.parametrize("name", ["zip-bomb.xlsx", "deflate-bomb.xlsx", "shared-strings-bomb.xlsx"])
def test_what_the_opening_reads_is_refused_before_it_starts(name):
    path = CORPUS / name
    opening = _Opening()
    assert _refusal(path, path.read_bytes(), opening) == _refusal(path, path.read_bytes())
    assert opening.threads == []


@pytest.mark.parametrize("name", ["far-cell.xlsx", "formula-no-cache.xlsx"])
@pytest.mark.parametrize("fails", [False, True])
def test_a_sheet_refused_wins_over_the_opening(name, fails):
    path = CORPUS / name
    data = path.read_bytes()
    try:
        xlsx_guard.inspect_zip(path, data)
    except InputError as exc:
        alone = str(exc)
    else:
        pytest.skip(f"{name} passes the guard")
    assert _refusal(path, data, _Opening(fails)) == alone


def test_the_opening_runs_beside_the_scans_and_its_result_is_returned():
    path = SAMPLES / "generic-ko.xlsx"
    opening = _Opening()
    assert xlsx_guard.inspect_zip(path, path.read_bytes(), opening) == "opened"
    assert len(opening.threads) == 1 and opening.threads[0] != threading.current_thread().name
    with pytest.raises(InputError, match="the opening's own error"):
        xlsx_guard.inspect_zip(path, path.read_bytes(), _Opening(fails=True))


def _zip(parts: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts:
            z.writestr(name, data)
    return out.getvalue()


def _damaged(data: bytes, member: str) -> bytes:
    """The zip with one byte of a member's deflate data flipped (its CRC no longer holds)."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(member)
    raw = bytearray(data)
    raw[info.header_offset + 30 + len(info.filename) + len(info.extra) + 3] ^= 0xFF
    return bytes(raw)


@pytest.mark.parametrize("strings_first", [False, True])
def test_with_two_refusals_the_first_part_in_the_zip_is_the_one_told(strings_first):
    too_few = b'<sst uniqueCount="999999"><si><t>a</t></si></sst>'
    sheet = b'<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData></worksheet>'
    parts = [("xl/workbook.xml", b"<workbook/>"), ("xl/worksheets/sheet1.xml", sheet * 50)]
    parts.insert(1 if strings_first else 2, ("xl/sharedStrings.xml", too_few))
    data = _damaged(_zip(parts), "xl/worksheets/sheet1.xml")
    opening = _Opening()
    told = _refusal(Path("two.xlsx"), data, opening)
    assert told == _refusal(Path("two.xlsx"), data)
    assert ("shared strings" in told) == strings_first and opening.threads == []


WORKBOOKS = sorted(SAMPLES.glob("*.xlsx")) + sorted(CORPUS.glob("*.xlsx"))


def _outcome(path: Path, data: bytes) -> str:
    try:
        xlsx_guard.inspect_zip(path, data)
    except InputError as exc:
        return str(exc)
    return "passes"


@pytest.mark.parametrize("path", WORKBOOKS, ids=lambda p: p.name)
def test_members_are_inflated_by_isal_where_zipfile_would_read_them_alike(path, monkeypatch):
    data = path.read_bytes()
    if not data.startswith(b"PK"):
        pytest.skip("not a zip")
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        z = None
    ends = xlsx_guard._data_ends(z, z.infolist()) if z else {}
    for m in z.infolist() if z else []:
        try:
            fast = b"".join(xlsx_guard._inflated(data, m, ends[id(m)]))
        except xlsx_guard._NotPlain:
            assert path.parent != SAMPLES, f"{m.filename}: the samples' members are plain"
            continue
        assert fast == z.read(m), m.filename
    with monkeypatch.context() as only_zipfile:
        only_zipfile.setattr(xlsx_guard, "_inflated", _never_plain)
        alone = _outcome(path, data)
    assert _outcome(path, data) == alone


def _never_plain(*_):
    raise xlsx_guard._NotPlain
    yield b""  # pragma: no cover - a generator, as _inflated is


@pytest.mark.parametrize("path", [SAMPLES / "generic-ko.xlsx", SAMPLES / "qsm-detail-ja.xlsx"])
def test_a_damaged_zip_is_refused_as_zipfile_alone_refuses_it(path, monkeypatch):
    """Bytes flipped anywhere (headers, directory, deflate data), the file cut short, a
    member's directory entry pointing at another's data: the guard's outcome is the one it
    gives reading every member through zipfile."""
    rng = random.Random(path.name)
    data = path.read_bytes()
    cases = [data[: rng.randrange(len(data))] for _ in range(20)]
    for _ in range(200):
        damaged = bytearray(data)
        for _ in range(rng.choice([1, 1, 2, 5])):
            damaged[rng.randrange(len(damaged))] ^= 1 << rng.randrange(8)
        cases.append(bytes(damaged))
    fast = [_outcome(path, case) for case in cases]
    monkeypatch.setattr(xlsx_guard, "_inflated", _never_plain)
    assert fast == [_outcome(path, case) for case in cases]
