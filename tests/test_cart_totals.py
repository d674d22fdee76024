"""A cart's amount summed for every cart at once is the sum np.nansum gives per cart."""

import numpy as np
import pytest

from batch.rules.cart import _totals


def _per_group(group, amounts, n):
    return [np.nansum(amounts[group == g]) for g in range(n)]


def _same(got, expected):
    # Bit for bit, sign of zero included: the amount is written as text.
    return [float(x).hex() for x in got] == [float(x).hex() for x in expected]


@pytest.mark.parametrize("seed", range(20))
def test_whole_yen_sum_the_same_in_any_order(seed):
    rng = np.random.default_rng(seed)
    amounts = rng.integers(-(10**6), 10**9, size=500).astype("float64")
    amounts[rng.random(500) < 0.1] = np.nan
    amounts[rng.random(500) < 0.05] = -0.0
    group = rng.integers(0, 30, size=500)  # carts of ~17 orders: np.nansum's 8 partial sums
    assert _same(_totals(group, amounts, 31), _per_group(group, amounts, 31))
    shuffled = rng.permutation(500)
    assert _same(_totals(group[shuffled], amounts[shuffled], 31), _totals(group, amounts, 31))


@pytest.mark.parametrize("seed", range(20))
def test_decimal_amounts_sum_as_np_nansum_does(seed):
    rng = np.random.default_rng(100 + seed)
    amounts = rng.random(400) * 10 ** rng.integers(0, 17, size=400)
    amounts[rng.random(400) < 0.1] = np.nan
    group = rng.integers(0, 60, size=400)
    assert _same(_totals(group, amounts, 60), _per_group(group, amounts, 60))


def test_the_two_orders_of_adding_do_differ_on_decimals():
    # Why decimal carts of 8 or more are left to np.nansum: its partial sums round apart.
    rng = np.random.default_rng(3)
    amounts = rng.random(16) * 1000
    sequential = np.bincount(np.zeros(16, dtype=int), weights=amounts)[0]
    assert any(
        np.nansum(a) != np.bincount(np.zeros(16, dtype=int), weights=a)[0]
        for a in (rng.random(16) * 1000 for _ in range(200))
    )
    assert np.isclose(sequential, np.nansum(amounts))


def test_sums_at_2_53_are_left_to_np_nansum():
    amounts = np.array([2.0**53, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0])
    group = np.zeros(9, dtype=int)
    assert _same(_totals(group, amounts, 1), [np.nansum(amounts)])
