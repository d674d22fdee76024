"""Upload files written a batch at a time are the same files as written all at once."""

import dataclasses
from pathlib import Path

import pandas as pd
import pytest

from batch import formats, outputs, staging, upload
from batch.read import read_table

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
