"""The canonical orders table: one row per 注文番号 of the QSM 配送要請 export."""

from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

from schemas.checks import DATE, DIGITS, MONEY, Row, blank_or, real_date
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

    @pa.check(
        "order_no", name="order_no_digits", error="注文番号 must be digits only and not empty"
    )
    def _order_no(cls, s):
        return s.str.fullmatch(DIGITS)

    @pa.check(
        "order_no", name="order_no_unique", error="注文番号 appears on an earlier row of the export"
    )
    def _order_no_once(cls, s):
        return ~s.duplicated(keep="first")

    @pa.check(
        "cart_no", name="cart_no_digits", error="カート番号 must be digits only and not empty"
    )
    def _cart_no(cls, s):
        return s.str.fullmatch(DIGITS)

    @pa.check("order_date", name="order_date_date", error="注文日 is not a date")
    def _order_date(cls, s):
        return s.str.fullmatch(blank_or(DATE))

    @pa.check("order_date", name="order_date_real", error="注文日 is not a real date or time")
    def _order_date_real(cls, s):
        return real_date(s)

    @pa.check("paid_at", name="paid_at_date", error="入金日 is not a date")
    def _paid_at(cls, s):
        return s.str.fullmatch(blank_or(DATE))

    @pa.check("paid_at", name="paid_at_real", error="入金日 is not a real date or time")
    def _paid_at_real(cls, s):
        return real_date(s)

    @pa.check("est_ship_date", name="est_ship_date_date", error="発送予定日 is not a date")
    def _est_ship(cls, s):
        return s.str.fullmatch(blank_or(DATE))

    @pa.check("est_ship_date", name="est_ship_date_real", error="発送予定日 is not a real date")
    def _est_ship_real(cls, s):
        return real_date(s)

    @pa.check("amount", name="amount_number", error="注文金額の合計 is not an amount")
    def _amount(cls, s):
        return s.str.fullmatch(blank_or(MONEY))
