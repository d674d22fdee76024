"""exceptions.jsonl is written a column at a time: byte for byte what json.dumps of each
row writes (the contract's form), whatever the cells hold."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from batch import exceptions
from batch.row_messages import say

FIELDS = exceptions.JSONL_FIELDS


def _by_row(found: pd.DataFrame) -> bytes:
    """The reference: json.dumps per row, None and NaN as null, numpy scalars as Python's."""

    def plain(v):
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return None
        return v.item() if hasattr(v, "item") else v

    rows = found.loc[:, list(FIELDS)].itertuples(index=False)
    lines = [
        json.dumps(dict(zip(FIELDS, map(plain, r), strict=True)), ensure_ascii=False) for r in rows
    ]
    return "".join(line + "\n" for line in lines).encode()


def _written(tmp_path, found: pd.DataFrame) -> bytes:
    exceptions.write_jsonl(tmp_path / "exceptions.jsonl", found)
    return (tmp_path / "exceptions.jsonl").read_bytes()


_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)
_CELL = st.one_of(
    st.none(),
    _TEXT,
    st.sampled_from(['say "hi"', "a\\b", "line\nbreak", "tab\t", "\x00\x1f\x7f", "注文 髙﨑①", ""]),
    st.integers(-(2**70), 2**70),
    st.integers(0, 10**6).map(np.int64),
    st.booleans(),
    st.floats(allow_infinity=False),
    st.just(float("nan")),
)
# A column of one kind (as the run's are) or of any mix.
_COLUMN = st.one_of(
    st.lists(st.one_of(st.none(), _TEXT), min_size=1, max_size=6),
    st.lists(st.one_of(st.none(), st.integers(0, 10**9)), min_size=1, max_size=6),
    st.lists(_CELL, min_size=1, max_size=6),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_COLUMN, min_size=len(FIELDS), max_size=len(FIELDS)), st.integers(1, 6))
def test_same_bytes_as_json_dumps_per_row(tmp_path_factory, columns, rows):
    data = {
        f: pd.Series((c * rows)[:rows], dtype=object) for f, c in zip(FIELDS, columns, strict=True)
    }
    found = pd.DataFrame(data).reindex(columns=list(exceptions.COLUMNS))
    assert _written(tmp_path_factory.mktemp("j"), found) == _by_row(found)


def test_a_run_s_rows(tmp_path):
    rows = pd.DataFrame({"source_row": [2, 3], "order_no": ["104", None], "cart_no": ["78", ""]})
    found = exceptions.concat(
        [
            exceptions.make(
                "INVALID_ROW",
                rows,
                say(
                    "row.invalid",
                    column="注文番号",
                    why='"x"',
                    value=np.array(["1O4", "a\\b\r\n"], object),
                ),
            )
        ]
    )
    found = found.assign(source_file="orders.csv")
    text = _written(tmp_path, found)
    assert text == _by_row(found)
    assert [json.loads(line)["order_no"] for line in text.decode().splitlines()] == ["104", None]


def test_no_rows_no_lines(tmp_path):
    assert _written(tmp_path, exceptions.empty()) == b""
