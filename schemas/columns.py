"""The canonical columns of the two input tables, as plain names: what a format profile may
map a header to. Kept apart from the pandera models so that reading a profile imports
nothing heavy."""

ORDERS = (
    "status",
    "order_no",
    "cart_no",
    "carrier",
    "tracking_no",
    "ship_date",
    "order_date",
    "paid_at",
    "hope_date",
    "est_ship_date",
    "delivered_date",
    "item_name",
    "qty",
    "recipient_name",
    "recipient_phone",
    "recipient_mobile",
    "address",
    "postal_code",
    "amount",
    "payment_amount",
)

DISPATCH = (
    "reference",
    "cart_reference",  # a sheet's カート番号 column beside its 注文番号: used where that is blank
    "tracking_no",
    "carrier",
    "service",
    "ship_date",
    "recipient_name",
    "recipient_phone",
    "postal_code",
    "address",
    "master_tracking",
    "item_name",
    "cancelled",  # a sheet's "cancelled?" mark (a 3PL's 주문 취소 여부): read by its [cancelled]
)

BY_KIND = {"orders": ORDERS, "dispatch": DISPATCH}
