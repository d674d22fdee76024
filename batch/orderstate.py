"""What an order's state means for the commands that act on orders (plan, labels; run's rules
decide the same with the courier's rows in hand): one definition of each."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from batch.inputs import AWAITING_PAYMENT, CANCELLED, SHIPPED, UNKNOWN


def dispatched(o: pd.DataFrame, ledger_orders: Iterable[str]) -> pd.Series:
    """Already on its way: the export shows a tracking number, QSM says it is in delivery,
    or an earlier run put it in an upload file (``ledger_orders``)."""
    return (
        o["existing_tracking"].ne("")
        | o["state"].eq(SHIPPED)
        | o["order_no"].isin(pd.Index(ledger_orders))
    )


def not_eligible(o: pd.DataFrame) -> pd.Series:
    """Not to be shipped now: awaiting payment or cancelled, or a status the tool does not
    know (it may be unpaid, cancelled or returned)."""
    return o["state"].isin([AWAITING_PAYMENT, CANCELLED, UNKNOWN])
