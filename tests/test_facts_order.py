"""The usable pairs sorted by their order's rank among the orders' numbers: the order the
sort on the numbers' text gave (text order, not numeric: "10" before "9"), ship date
missing last, then file order."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import given, settings
from hypothesis import strategies as st

from batch.rules import facts


# The sort facts.build used before the ranks (Arrow's sort of the text), kept as the oracle.
def sort_positions(frame: pd.DataFrame, by: list[str]) -> np.ndarray:
    """Row positions that sort ``frame`` by ``by`` (ascending, missing last, stable): what
    ``sort_values(by, na_position="last")`` gives, sorted by Arrow instead."""
    table = pa.table({str(i): pa.array(frame[c], from_pandas=True) for i, c in enumerate(by)})
    # Arrow puts nulls (NaT, None) last by default; the sort is stable.
    order = pc.sort_indices(table, sort_keys=[(str(i), "ascending") for i in range(len(by))])
    return order.to_numpy()


_DAYS = [None, "2026-11-20", "2026-11-21 09:30", "2026-11-25"]


@settings(deadline=None)
@given(
    st.lists(st.text("0123456789", min_size=1, max_size=3), min_size=1, max_size=8, unique=True),
    st.lists(st.tuples(st.integers(0, 7), st.sampled_from(_DAYS)), max_size=20),
)
def test_pairs_sort_as_on_the_numbers_text(numbers, pairs):
    orders = pd.DataFrame({"order_no": pd.Series(numbers, dtype="str")})
    pairs = [(o % len(numbers), day) for o, day in pairs]
    order_at = np.array([o for o, _ in pairs], dtype=np.int64)
    keys = pd.DataFrame(
        {
            "order_no": orders["order_no"].take(order_at).to_numpy(),
            "ship_date": pd.to_datetime(
                pd.Series([d for _, d in pairs], dtype=object), format="mixed"
            ),
            "dispatch_id": np.arange(len(pairs))[::-1],  # file order against pair order
        }
    )
    j = SimpleNamespace(keys=keys, order_at=order_at)
    usable = np.arange(len(pairs))[::2]  # some pairs only
    expected = sort_positions(keys.iloc[usable], ["order_no", "ship_date", "dispatch_id"])
    assert facts._by_order(j, usable, orders).tolist() == expected.tolist()


def test_the_oracle_sorts_as_pandas():
    from test_normalize import _random_frame

    rng = np.random.default_rng(7)
    for n in [0, 1, 2, 5, 50, 300] * 20:
        df = _random_frame(rng, n)
        expected = df.sort_values(["a", "c", "d"], na_position="last").index
        assert (df.index[sort_positions(df, ["a", "c", "d"])] == expected).all()
