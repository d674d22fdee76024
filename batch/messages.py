"""Ready-to-send Japanese messages for the customer (QSM's customer message box).

They stay Japanese whatever --lang is: the buyers are in Japan.
"""

from __future__ import annotations

from collections.abc import Sequence


def _dear(name: str) -> str:
    name = (name or "").strip()
    return f"{name}様" if name else "お客様"


def multi_package(name: str, order_nos: Sequence[str], parcels: Sequence[tuple[str, str]]) -> str:
    """``parcels``: (carrier, tracking number) of each parcel, the one QSM holds first."""
    numbers = "\n".join(f"・{carrier} {number}" for carrier, number in parcels)
    return (
        f"{_dear(name)}\n"
        "この度はご注文いただき、誠にありがとうございます。\n"
        f"ご注文（注文番号：{'、'.join(order_nos)}）の商品は、{len(parcels)}個のお荷物に分けて発送いたしました。\n"
        "Qoo10の配送情報には送り状番号を1つしか登録できないため、すべての送り状番号をお知らせいたします。\n"
        f"{numbers}\n"
        "お荷物は別々に届く場合がございます。すべてお受け取りいただけますよう、お願い申し上げます。\n"
        "ご不明な点がございましたら、お気軽にお問い合わせください。"
    )


def split_cart(name: str, lines: Sequence[tuple[str, str, str]]) -> str:
    """``lines``: (order number, carrier, tracking number) of each order of the cart."""
    listed = "\n".join(
        f"・注文番号 {order_no}：{carrier} {tracking}" for order_no, carrier, tracking in lines
    )
    return (
        f"{_dear(name)}\n"
        "この度はご注文いただき、誠にありがとうございます。\n"
        "ご注文の商品は、下記のとおり別々のお荷物で発送いたしました。\n"
        f"{listed}\n"
        "到着日が異なる場合がございますので、あらかじめご了承ください。\n"
        "ご不明な点がございましたら、お気軽にお問い合わせください。"
    )
