"""The Orders sheet's look-ups by order-number ids (report.tables.NumberIds) give what
Arrow's own string look-ups give: ``joined`` (a hash group-by per column) and index_in,
whatever the numbers: missing ones, repeated ones, keys no row has, values missing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import given, settings
from hypothesis import strategies as st

from batch.report import tables

_NUMBER = st.one_of(st.none(), st.sampled_from(["1", "2", "3", "10", "", "注文"]))
_VALUE = st.one_of(st.none(), st.sampled_from(["a", "b", "", "x\ny", "YT-1"]))
_ENTRY = st.tuples(_NUMBER, _VALUE)


def _texts(values) -> pa.Array:
    return pa.array(values, pa.large_string())


@settings(max_examples=300, deadline=None)
@given(
    st.lists(_NUMBER, max_size=12),
    st.lists(_ENTRY, max_size=12),
    st.lists(_NUMBER, max_size=12),
    st.sampled_from([", ", "\n"]),
)
def test_joined_by_ids_is_joined_by_text(where, entries, prefix, sep):
    keys = [k for k, _ in entries]
    values = _texts([v for _, v in entries])
    ids = tables.NumberIds(_texts(prefix + where), _texts(keys))
    at = ids.of[0][len(prefix) :]
    got = ids.lookup(at, 1).joined(values, sep)
    assert got.equals(tables.joined(_texts(where), values, _texts(keys), sep))


@settings(max_examples=300, deadline=None)
@given(st.lists(_NUMBER, max_size=12), st.lists(_NUMBER, max_size=12))
def test_first_at_is_index_in(where, value_set):
    ids = tables.NumberIds(_texts(value_set), _texts(where))
    first = tables.first_at(ids.of[0], ids.count)[ids.of[1]]
    expected = pc.index_in(_texts(where), _texts(value_set))
    assert pa.array(first, mask=first < 0).cast(pa.int32()).equals(expected)


def test_one_value_per_key_and_groups_alike():
    ids = tables.NumberIds(_texts(["2", "1", None, "3"]), _texts(["1", "2", "1", None]))
    lookup = ids.lookup(ids.of[0], 1)
    assert lookup.joined(_texts(["a", "b", "c", "d"])).to_pylist() == ["b", "a, c", None, None]
    assert np.array_equal(tables.first_at(ids.of[1], ids.count)[ids.of[0]], [1, 0, 3, -1])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.just(""), st.text(max_size=7)), max_size=10))
def test_masked_phone_is_pandas_slice(phones):
    phone = pd.Series(phones, dtype=object)
    expected = ("…" + phone.str[-4:]).where(phone.str.len().gt(0), None)
    got = tables.masked_phone(phone)
    got = got.to_pylist() if isinstance(got, pa.Array) else got.tolist()
    assert got == [None if pd.isna(v) else v for v in expected.tolist()]
