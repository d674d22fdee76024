"""The loaders keep the valid rows of a file's columns as pandas' filter does, whichever way
they copy them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from batch import inputs


def _frame(rng, n: int, chunks: int) -> pd.DataFrame:
    cells = pa.array([f"行{i}" * int(rng.integers(0, 3)) for i in range(n)], pa.large_string())
    size = -(-n // chunks)
    text = pa.chunked_array([cells.slice(i, size) for i in range(0, n, size)], pa.large_string())
    return pd.DataFrame(
        {
            "text": pd.Series(text, dtype=str),
            "row": np.arange(n, dtype=np.int64) + 2,
            "flag": rng.random(n) < 0.5,
            "object": pd.Series([f"o{i}" for i in range(n)], dtype=object),
        },
        index=pd.RangeIndex(n) + 5,
    )


@pytest.mark.parametrize("seed", range(6))
def test_the_valid_rows_are_those_of_pandas_filter(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 400))
    frame = _frame(rng, n, int(rng.integers(1, 9)))
    for bad in (
        rng.random(n) < 0.05,  # a few, anywhere
        rng.random(n) < 0.6,  # many, side by side
        np.arange(n) % 50 == 0,  # the first row, chunk borders perhaps
        np.arange(n) >= n - 1,  # the last row
        np.ones(n, dtype=bool),  # every row
    ):
        valid = pd.Series(~bad, index=frame.index)
        got = inputs._valid_rows(frame, valid)
        pd.testing.assert_frame_equal(got, frame[valid])
        assert got["text"].array.__arrow_array__().num_chunks == 1
    text_only = inputs._valid_rows(frame, valid, ["text", "row"])
    pd.testing.assert_frame_equal(text_only, frame[["text", "row"]][valid])


def test_many_invalid_rows_are_filtered_by_pandas(monkeypatch):
    frame = _frame(np.random.default_rng(9), 300, 4)
    valid = pd.Series(np.arange(300) % 3 == 0, index=frame.index)
    monkeypatch.setattr(inputs, "_FEW_INVALID", 10)
    monkeypatch.setattr(inputs, "_runs_of", None)  # not called
    pd.testing.assert_frame_equal(inputs._valid_rows(frame, valid), frame[valid])
