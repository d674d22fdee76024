"""Matching by reference with carts as integer codes: the same pairs, in the same order, as
the merges on the cart number's text it replaced (a cart's eligible orders, else all)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from batch import matching
from batch.inputs import AWAITING_PAYMENT, CANCELLED, PAID, SHIPPED


def _merged(dispatch: pd.DataFrame, orders: pd.DataFrame) -> pd.DataFrame:
    """The pairs as the text merges gave them (the code before the codes)."""
    members = orders[["cart_no", "order_no", "state"]]
    eligible = ~members["state"].isin([AWAITING_PAYMENT, CANCELLED])
    has_eligible = eligible.groupby(members["cart_no"]).transform("any")
    members = members.loc[eligible | ~has_eligible, ["cart_no", "order_no"]]
    refs = dispatch.loc[dispatch["reference"].ne(""), ["dispatch_id", "reference"]]
    is_order = refs["reference"].isin(orders["order_no"])
    by_order = pd.DataFrame(
        {"dispatch_id": refs["dispatch_id"][is_order], "order_no": refs["reference"][is_order]}
    ).assign(how="order")
    by_cart = refs[~is_order].merge(members, left_on="reference", right_on="cart_no")
    parts = [by_order, by_cart.assign(how="cart")]
    return pd.concat(parts, ignore_index=True)[["dispatch_id", "order_no", "how"]]


@st.composite
def _day(draw):
    n = draw(st.integers(0, 12))
    carts = draw(st.lists(st.sampled_from(["C1", "C2", "C3", "C4"]), min_size=n, max_size=n))
    states = [PAID, AWAITING_PAYMENT, CANCELLED, SHIPPED]
    state = draw(st.lists(st.sampled_from(states), min_size=n, max_size=n))
    orders = pd.DataFrame(
        {"order_no": [str(100 + i) for i in range(n)], "cart_no": carts, "state": state},
        dtype=object,
    ).astype({"order_no": "str", "cart_no": "str"})
    # Rows in no particular order, a cart or an order named several times, not side by side.
    names = ["", "999", "C1", "C2", "C3", "C4", "C9", *orders["order_no"]]
    refs = draw(st.lists(st.sampled_from(names), max_size=15))
    dispatch = pd.DataFrame({"reference": pd.Series(refs, dtype="str")})
    return orders.set_axis(np.arange(n) * 3 + 7), dispatch.assign(dispatch_id=range(len(refs)))


@settings(deadline=None)  # a shared machine; the pandas calls take what they take
@given(_day())
def test_references_pair_as_the_text_merges_did(day):
    orders, dispatch = day
    pairs = matching._by_reference(dispatch, orders, matching._carts(orders))
    expected = _merged(dispatch, orders)
    pd.testing.assert_frame_equal(
        pairs[["dispatch_id", "order_no", "how"]], expected, check_dtype=False
    )
    # Each pair's position is its order's.
    assert (orders["order_no"].to_numpy()[pairs["order_at"].to_numpy()] == pairs["order_no"]).all()


def test_a_cart_named_twice_apart_ships_its_orders_each_time():
    orders = pd.DataFrame(
        {"order_no": ["1", "2", "3"], "cart_no": ["A", "B", "A"], "state": [PAID] * 3}
    )
    dispatch = pd.DataFrame({"reference": ["A", "2", "A"], "dispatch_id": [0, 1, 2]})
    pairs = matching._by_reference(dispatch, orders, matching._carts(orders))
    assert pairs.values.tolist() == [
        [1, "2", "order", 1], [0, "1", "cart", 0], [0, "3", "cart", 2],
        [2, "1", "cart", 0], [2, "3", "cart", 2],
    ]  # fmt: skip
