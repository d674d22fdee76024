"""fetch against the QAPI simulator: the file it writes reads in `run` as a QSM download
does, and gives the same upload rows."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from qapi_fixtures import SAMPLES, qapi  # noqa: F401

from batch import pipeline
from batch.errors import UsageError
from batch.qapi.fetch import fetch, windows

TODAY = dt.date(2026, 11, 26)
AWAITING = {"配送要請", "配送準備中", "配送遅延"}
DISPATCH = [SAMPLES / "yamato-b2.csv", SAMPLES / "generic-ko.xlsx"]


def _equivalent_download(tmp_path):
    """The sample download with only the orders awaiting dispatch: what QSM would give for
    the statuses fetch asks for."""
    raw = (SAMPLES / "qsm-detail-ja.csv").read_bytes().decode("cp932")
    rows = list(csv.reader(io.StringIO(raw, newline="")))
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(
        [rows[0], *(r for r in rows[1:] if r[0] in AWAITING)]
    )
    path = tmp_path / "DeliveryManagement_detail_20261126_0940.csv"
    path.write_bytes(buf.getvalue().encode("cp932"))
    return path


def _upload_rows(result):
    cols = ["order_no", "cart_no", "tracking_no", "carrier", "ship_date"]
    return sorted(map(tuple, result.uploaded[cols].astype(str).to_numpy().tolist()))


@pytest.mark.parametrize("lang", ["ja", "ko"])
def test_fetch_then_run_gives_the_upload_rows_of_the_download(qapi, tmp_path, lang):  # noqa: F811
    fetched = tmp_path / f"fetched-{lang}.csv"
    n = fetch(fetched, ["new", "ready", "delayed"], None, lang, TODAY)
    options = pipeline.Options(today=TODAY, ledger=None)
    via_api = pipeline.run(fetched, DISPATCH, tmp_path / "api", options)
    download = pipeline.run(_equivalent_download(tmp_path), DISPATCH, tmp_path / "qsm", options)
    assert via_api.summary["inputs"]["orders"]["format"] == f"qsm-detail-{lang}"
    # the download's row with a damaged 注文番号 is none Qoo10 would hold
    assert n == via_api.summary["orders"]["total"] == download.summary["orders"]["total"] - 1
    assert _upload_rows(via_api) == _upload_rows(download) and len(via_api.uploaded) == 15
    assert via_api.summary["reconciled"]
    methods = [r["params"]["ShippingStatus"] for r in qapi.sim.requests]
    assert sorted(methods) == ["2", "3"], "one request per status, one 90-day window"


def test_windows_are_at_most_90_days_and_cover_every_day():
    got = windows(dt.date(2026, 1, 1), dt.date(2026, 11, 26))
    assert got[0][0] == dt.date(2026, 1, 1) and got[-1][1] == dt.date(2026, 11, 26)
    assert all((end - start).days < 90 for start, end in got)
    assert all(b[0] - a[1] == dt.timedelta(days=1) for a, b in zip(got, got[1:], strict=False))


def test_fetch_asks_one_request_per_status_and_window(qapi, tmp_path):  # noqa: F811
    fetch(tmp_path / "f.csv", ["new"], dt.date(2026, 5, 1), "ja", TODAY)
    asked = [(r["params"]["ShippingStatus"], r["params"]["SearchStartDate"],
              r["params"]["SearchEndDate"]) for r in qapi.sim.requests]  # fmt: skip
    assert asked == [("2", "20260501", "20260729"), ("2", "20260730", "20261027"),
                     ("2", "20261028", "20261126")]  # fmt: skip


def test_fetch_never_overwrites_a_file(qapi, tmp_path):  # noqa: F811
    path = tmp_path / "orders.csv"
    path.write_text("mine", encoding="utf-8")
    with pytest.raises(UsageError, match="exists"):
        fetch(path, ["new"], None, "ja", TODAY)
    assert path.read_text("utf-8") == "mine" and qapi.sim.requests == []
