"""The usable pairs sorted by their order's rank among the orders' numbers: the order the
sort on the numbers' text gave (text order, not numeric: "10" before "9"), ship date
missing last, then file order."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from batch.normalize import sort_positions
from batch.rules import facts

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
