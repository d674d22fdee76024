"""The canonical orders table: one row per 注文番号 of the QSM 配送要請 export."""

from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

from schemas.checks import DATE, DIGITS, MONEY, Row, blank_or, first_of_each, real_date
from schemas.columns import ORDERS

COLUMNS = ORDERS


class Orders(Row):
    """Checked after normalisation: ids are NFKC text, dates and money still text."""

    order_no: Series[str]
    cart_no: Series[str]
    order_date: Series[str]
    paid_at: Series[str]
    est_ship_date: Series[str]
    amount: Series[str]

    @pa.check("order_no", name="order_no_digits", error="row.check.order_no_digits")
    def _order_no(cls, s):
        return s.str.fullmatch(DIGITS)

    @pa.check("order_no", name="order_no_unique", error="row.check.order_no_unique")
    def _order_no_once(cls, s):
        return first_of_each(s)

    @pa.check("cart_no", name="cart_no_digits", error="row.check.cart_no_digits")
    def _cart_no(cls, s):
        return s.str.fullmatch(DIGITS)

    @pa.check("order_date", name="order_date_date", error="row.check.order_date_date")
    def _order_date(cls, s):
        return s.str.fullmatch(blank_or(DATE))

    @pa.check("order_date", name="order_date_real", error="row.check.order_date_real")
    def _order_date_real(cls, s):
        return real_date(s)

    @pa.check("paid_at", name="paid_at_date", error="row.check.paid_at_date")
    def _paid_at(cls, s):
        return s.str.fullmatch(blank_or(DATE))

    @pa.check("paid_at", name="paid_at_real", error="row.check.paid_at_real")
    def _paid_at_real(cls, s):
        return real_date(s)

    @pa.check("est_ship_date", name="est_ship_date_date", error="row.check.est_ship_date_date")
    def _est_ship(cls, s):
        return s.str.fullmatch(blank_or(DATE))

    @pa.check("est_ship_date", name="est_ship_date_real", error="row.check.est_ship_date_real")
    def _est_ship_real(cls, s):
        return real_date(s)

    @pa.check("amount", name="amount_number", error="row.check.amount_number")
    def _amount(cls, s):
        return s.str.fullmatch(blank_or(MONEY))
