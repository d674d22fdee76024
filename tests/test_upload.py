"""Upload files written a batch at a time are the same files as written all at once."""

import dataclasses
from pathlib import Path
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from batch import formats, outputs, staging, upload
from batch.read import Sheet, read_table

GOLDEN = Path(__file__).resolve().parent / "golden"


@pytest.mark.parametrize("case", ["cp932-detail", "utf8-lf-detail", "bom-ko-brief", "xlsx-detail"])
def test_batches_do_not_change_the_files(tmp_path, monkeypatch, case):
    orders = next((GOLDEN / case).glob("orders.*"))
    table = read_table(orders, "orders")
    n = len(table.sheet.cells)
    rows = pd.DataFrame(
        {
            "tracking_no": [f"3897110740{i:02d}" for i in range(n)],
            "carrier": ["ヤマト運輸"] * n,
            "ship_date": ["2026/11/26"] * n,
        },
        index=table.sheet.cells.index,
    )
    outputs = {}
    for files_per_batch in (1, 2, 100):
        monkeypatch.setattr(upload, "FILES_PER_BATCH", files_per_batch)
        out = tmp_path / str(files_per_batch)
        out.mkdir()
        layout = dataclasses.replace(table.profile.upload, rows_per_file=2)
        written = upload.write(table.sheet, table.positions, rows, out, "ja", layout)
        assert [len(index) for _, index in written] == [2] * (n // 2) + [1] * (n % 2)
        assert pd.Index([]).append([index for _, index in written]).equals(rows.index)
        outputs[files_per_batch] = {p.name: p.read_bytes() for p, _ in written}
        names = upload.file_of_rows(written)
        assert names.tolist() == [f"qsm-upload-{i // 2 + 1:03d}.csv" for i in range(n)]
    assert outputs[1] == outputs[2] == outputs[100]
    assert len(outputs[1]) == (n + 1) // 2


@pytest.mark.parametrize("profile", formats.profiles(), ids=lambda p: p.name)
def test_every_file_a_profile_names_is_one_the_out_folder_knows_as_its_own(profile):
    """The --out folder moves or replaces only names it knows (staging.OWN_NAME,
    outputs.WRITES): a profile naming its files otherwise must change those too."""
    names = []
    if profile.upload:
        for n in (1, 999):
            dispatch, shipdate = profile.upload.dispatch.name(n), profile.upload.shipdate.name(n)
            assert outputs.WRITES["run"].fullmatch(dispatch)
            assert outputs.WRITES["plan"].fullmatch(shipdate)
            names += [dispatch, shipdate]
    if profile.writer:
        assert outputs.WRITES["labels"].fullmatch(profile.writer["file"])
        names.append(profile.writer["file"])
    assert all(staging.OWN_NAME.fullmatch(n) for n in names)


_FIELD = st.one_of(
    st.none(),
    st.text(st.sampled_from("a,\"\t\r\n; 注'"), max_size=5),
    st.sampled_from(["", "-", "=1+1", 'say "hi"', "line\nbreak"]),
)


@settings(max_examples=120, deadline=None)
@given(
    st.integers(1, 4).flatmap(
        lambda width: st.tuples(
            st.lists(st.lists(_FIELD, min_size=width, max_size=width), min_size=1, max_size=9),
            st.sampled_from([",", "\t"]),
            st.sampled_from(["\r\n", "\n"]),
            st.booleans(),
            st.sampled_from(["utf-8", "utf-8-sig", "cp932"]),
        )
    ),
    st.data(),
)
def test_the_files_are_what_pandas_writes_for_the_filled_cells(tmp_path_factory, dialect, data):
    """Rows taken from the export's own Arrow columns (any subset, in any order, some cells
    filled, some empty) are the bytes Python's csv module writes for the filled cells, in
    the export's encoding."""
    body, delimiter, newline, quote_all, encoding = dialect
    width = len(body[0])
    cells = pd.DataFrame({j: pd.array([r[j] for r in body], dtype=str) for j in range(width)})
    cells.index = pd.RangeIndex(10, 10 + len(body))
    sheet = Sheet(Path("orders.csv"), [f"h{j}" for j in range(width)], cells,
                  rows=np.arange(2, 2 + len(body)), encoding=encoding, newline=newline,
                  delimiter=delimiter, quote_all=quote_all)  # fmt: skip
    picked = data.draw(st.lists(st.sampled_from(list(cells.index)), unique=True, min_size=1))
    n = len(picked)
    rows = pd.DataFrame(
        {
            "tracking_no": data.draw(st.lists(_FIELD, min_size=n, max_size=n)),
            "carrier": ["ヤマト運輸"] * n,
            "ship_date": ["2026/11/26"] * n,
        },
        index=picked,
    )
    positions = {"tracking_no": 0}
    layout = dataclasses.replace(formats.get("qsm-detail-ja").upload, rows_per_file=2)
    out = tmp_path_factory.mktemp("up")
    with mock.patch.object(upload, "FILES_PER_BATCH", 2):
        written = upload.write(sheet, positions, rows, out, "ja", layout)
    filled = upload.fill(sheet, positions, rows[list(layout.dispatch.fill)])
    for k, (path, index) in enumerate(written):
        assert list(index) == picked[2 * k : 2 * k + 2]
        part = filled.iloc[2 * k : 2 * k + 2]
        expected = upload.header_text(sheet) + newline + upload._to_csv(sheet, part)
        assert path.read_bytes() == upload.encode(expected, sheet, "ja")


@pytest.mark.parametrize("case", ["cp932-detail", "utf8-lf-detail", "bom-ko-brief", "xlsx-detail"])
def test_cells_not_in_arrow_write_the_same_files(tmp_path, case):
    """Cells as Python objects (as pandas before 3 reads text) take the frame-by-frame path:
    the same bytes as the rows taken from Arrow."""
    table = read_table(next((GOLDEN / case).glob("orders.*")), "orders")
    n = len(table.sheet.cells)
    rows = pd.DataFrame(
        {"tracking_no": [f"3897110740{i:02d}" for i in range(n)][::-1], "carrier": ["佐川急便"] * n,
         "ship_date": ["2026/11/26"] * n},
        index=table.sheet.cells.index[::-1],
    )  # fmt: skip
    layout = dataclasses.replace(table.profile.upload, rows_per_file=2)
    files = {}
    for kind in ("arrow", "object"):
        cells = table.sheet.cells if kind == "arrow" else table.sheet.cells.astype(object)
        sheet = dataclasses.replace(table.sheet, cells=cells)
        (tmp_path / kind).mkdir()
        written = upload.write(sheet, table.positions, rows, tmp_path / kind, "ja", layout)
        files[kind] = [path.read_bytes() for path, _ in written]
    assert files["arrow"] == files["object"] and len(files["arrow"]) == (n + 1) // 2


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("kind", ["arrow", "object", "numbers"])
def test_a_line_break_in_a_cell_never_splits_the_row(tmp_path, newline, kind):
    """A cell holding a CR, an LF or both is quoted whatever the file's own line ends: any
    reader (QSM's, Excel's, pandas', ours) takes either for the end of a row. Python's csv
    writer quotes only the line terminator's characters, so a lone CR in an LF export was
    written bare, and the file read back had a row more than was uploaded."""
    import csv
    import io

    notes = ["memo\rnext", "two\nlines", "both\r\nends", "plain"]
    cells = pd.DataFrame(
        {0: pd.array(["1001", "1002", "1003", "1004"], dtype=str), 1: pd.array(notes, dtype=str)}
    )
    if kind == "object":
        cells = cells.astype(object)
    cells[2] = [1, 2, 3, 4] if kind == "numbers" else ["1", "2", "3", "4"]  # numbers: pandas'
    sheet = Sheet(Path("orders.csv"), ["注文番号", "メモ", "数量"], cells, rows=np.arange(2, 6),
                  encoding="utf-8", newline=newline, delimiter=",", quote_all=False)  # fmt: skip
    rows = pd.DataFrame(
        {"tracking_no": [f"3897110740{i}" for i in range(12, 16)], "carrier": ["ヤマト運輸"] * 4,
         "ship_date": ["2026/11/26"] * 4},
        index=cells.index,
    )  # fmt: skip
    layout = formats.get("qsm-detail-ja").upload
    [(path, _)] = upload.write(sheet, {"tracking_no": 0}, rows, tmp_path, "ja", layout)
    back = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8"), newline="")))
    assert back[1:] == [
        [t, n, q] for t, n, q in zip(rows["tracking_no"], notes, "1234", strict=True)
    ]
    assert path.read_bytes().count(newline.encode()) >= len(notes) + 1  # the file's own ends
