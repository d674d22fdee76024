"""fetch: the orders awaiting dispatch, read with ShippingBasic.GetShippingInfo_v3 and
written in the QSM detail layout of the chosen screen language, so `run --orders` and
`labels` read it as they read a download.

One request per status (2 配送要請, 3 配送準備) per window of at most 90 days, by payment
date. The API has no status for 配送遅延 (statuses 1-5, qsm.md §3.2); QSM shows an order
awaiting dispatch as delayed once its 発送予定日 has passed, or 14 days after payment
with none (qsm.md §4.2), and so does this file. The header rows are QSM's own (qsm.md
§1.2, §1.3); a column no API field fills (供給原価の合計, JANコード, 規格番号, 外部広告...)
is left empty. Values come back as a download shows them: dates with slashes, phones
without +81, an empty mobile as "-".
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import tempfile
from pathlib import Path

from batch.errors import Phrase, UsageError
from batch.qapi.client import Client, QapiError, Settings

METHOD = "ShippingBasic.GetShippingInfo_v3"
STATUSES = {"new": "2", "ready": "3", "delayed": "delayed"}
WINDOW_DAYS = 90
NO_DATE_DAYS = 14  # QSM's rule: no 発送予定日 14 days after payment -> 配送遅延
# (Japanese header, Korean header, API field or "") in QSM's column order.
_COLUMNS = (
    ("配送状態", "배송상태", "ShippingStatus"), ("注文番号", "주문번호", "OrderNo"),
    ("カート番号", "장바구니번호", "PackNo"), ("配送会社", "택배사", "DeliveryCompany"),
    ("送り状番号", "송장번호", "TrackingNo"), ("発送日", "발송일", "ShippingDate"),
    ("注文日", "주문일", "OrderDate"), ("入金日", "입금일", "PaymentDate"),
    ("お届け希望日", "배달희망일", "DesiredDeliveryDate"),
    ("発送予定日", "발송예정일", "EstimatedShippingDate"),
    ("配送完了日", "배송완료일", "DeliveredDate"), ("配送方法", "배송방식", "ShippingWay"),
    ("商品番号", "상품코드", "ItemNo"), ("商品名", "상품명", "ItemTitle"),
    ("数量", "수량", "OrderQty"), ("オプション情報", "옵션정보", "Option"),
    ("オプションコード", "판매자옵션코드", "OptionCode"), ("おまけ", "사은품", "Gift"),
    ("受取人名", "수취인명", "Receiver"),
    ("受取人名(フリガナ)", "수취인명(음성표기)", "ReceiverKana"),
    ("受取人電話番号", "수취인전화번호", "ReceiverTel"),
    ("受取人携帯電話番号", "수취인핸드폰번호", "ReceiverMobile"),
    ("住所", "주소", "ShippingAddress"), ("郵便番号", "우편번호", "ZipCode"),
    ("国家", "국가", "ShippingCountry"), ("送料の決済", "배송비결제", "ShippingRateType"),
    ("決済サイト", "주문국가", "PaymentNation"), ("通貨", "통화", "Currency"),
    ("購入者決済金額", "구매자결제금", "SettlePrice"), ("販売価格", "판매가", "OrderPrice"),
    ("割引額", "할인액 ", "Discount"), ("注文金額の合計", "총주문액", "Total"),
    ("供給原価の合計", "총공급원가", ""), ("購入者名", "구매자명", "Buyer"),
    ("購入者名(フリガナ)", "구매자명(발음표기)", "BuyerKana"),
    ("配送要請事項", "배송요청사항", "ShippingMessage"),
    ("購入者電話番号", "구매자전화번호", "BuyerTel"),
    ("購入者携帯電話番号", "구매자핸드폰번호", "BuyerMobile"),
    ("販売者商品コード", "판매자상품코드", "SellerItemCode"), ("JANコード", "JAN코드", ""),
    ("規格番号", "규격번호", ""), ("プレゼント贈り主", "(선물)보내는사람", "SenderName"),
    ("", "수화물 보관함 서비스", ""), ("外部広告", "외부광고", ""), ("素材", "소재", "Material"),
    ("ギフト注文", "선물하기주문", ""),
)  # fmt: skip
_STATUS_TEXT = {  # API status number -> 配送状態 as the screen writes it
    "ja": {"2": "配送要請", "3": "配送準備中", "delayed": "配送遅延"},
    "ko": {"2": "배송요청", "3": "배송준비중", "delayed": "배송지연"},
}
_DATES = ("ShippingDate", "OrderDate", "PaymentDate", "EstimatedShippingDate", "DeliveredDate")
_PHONES = ("ReceiverTel", "ReceiverMobile", "BuyerTel", "BuyerMobile")


def windows(since: dt.date, today: dt.date) -> list[tuple[dt.date, dt.date]]:
    """[since, today] cut into windows of at most 90 days, oldest first."""
    out, start = [], since
    while start <= today:
        end = min(start + dt.timedelta(days=WINDOW_DAYS - 1), today)
        out.append((start, end))
        start = end + dt.timedelta(days=1)
    return out


def _status_number(text: str) -> str:
    """ "On request(2)" -> "2" (the API writes the number in brackets)."""
    digits = "".join(ch for ch in str(text) if ch.isdigit())
    return digits[-1:] if digits else ""


def _is_delayed(order: dict, today: dt.date) -> bool:
    est = _date(order.get("EstimatedShippingDate"))
    if est is not None:
        return est < today
    paid = _date(order.get("PaymentDate"))
    return paid is not None and (today - paid).days >= NO_DATE_DAYS


def _date(text) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text or "")[:10].replace("/", "-"))
    except ValueError:
        return None


def _phone(text) -> str:
    """ "+81-80-6627-1180" -> "080-6627-1180"; "+81--" (none) -> "-"."""
    text = str(text or "").strip()
    if text.startswith("+81"):
        rest = text[3:].strip("-")
        return "0" + rest if rest else "-"
    return text or "-"


def _cells(order: dict, lang: str, today: dt.date) -> list[str]:
    status = _status_number(order.get("ShippingStatus", ""))
    if status in ("2", "3") and _is_delayed(order, today):
        status = "delayed"
    values = {k: "" if v is None else str(v) for k, v in order.items()}
    for f in _DATES:
        values[f] = values.get(f, "").replace("-", "/")
    for f in _PHONES:
        values[f] = _phone(values.get(f))
    values["ZipCode"] = "'" + values["ZipCode"] if values.get("ZipCode") else ""
    values["ShippingStatus"] = _STATUS_TEXT[lang][status]
    at = 0 if lang == "ja" else 1
    return [values.get(api, "") if api else "" for *names, api in _COLUMNS if names[at]]


def fetch_orders(client: Client, statuses: list[str], since: dt.date, today: dt.date) -> list:
    """The orders of ``statuses`` (new, ready, delayed) paid from ``since`` to ``today``."""
    numbers = sorted(
        {n for s in statuses for n in (("2", "3") if s == "delayed" else (STATUSES[s],))}
    )
    found: dict[str, dict] = {}
    for number in numbers:
        for start, end in windows(since, today):
            answer = client.call(METHOD, {
                "ShippingStatus": number, "SearchStartDate": start.strftime("%Y%m%d"),
                "SearchEndDate": end.strftime("%Y%m%d"), "SearchCondition": "2",
            })  # fmt: skip
            if answer.code != 0:  # not "no orders": the file would silently lack them
                refused = Phrase(
                    "error.fetch.refused", method=METHOD, status=number, start=start, end=end,
                    code=answer.code, message=answer.message,
                )  # fmt: skip
                raise QapiError(refused)
            for order in answer.result if isinstance(answer.result, list) else []:
                if isinstance(order, dict) and order.get("OrderNo"):
                    found[str(order["OrderNo"])] = {**order, "ShippingStatus": number}
    kind = {"2": "new", "3": "ready"}

    def category(order: dict) -> str:
        return "delayed" if _is_delayed(order, today) else kind[order["ShippingStatus"]]

    keep = [o for o in found.values() if category(o) in statuses]
    return sorted(keep, key=lambda o: (str(o.get("PackNo", "")), str(o.get("OrderNo", ""))))


def render(orders: list[dict], lang: str, today: dt.date) -> bytes:
    """The file's bytes: JA as QSM's Japanese screen writes (CP932, CRLF), KO as the
    Korean screen (UTF-8 with BOM, every field quoted, CRLF)."""
    at = 0 if lang == "ja" else 1
    header = [names[at] for *names, _ in _COLUMNS if names[at]]
    buf = io.StringIO()
    quoting = csv.QUOTE_ALL if lang == "ko" else csv.QUOTE_MINIMAL
    out = csv.writer(buf, lineterminator="\r\n", quoting=quoting)
    out.writerow(header)
    out.writerows(_cells(o, lang, today) for o in orders)
    text = buf.getvalue()
    if lang == "ko":
        return text.encode("utf-8-sig")
    try:
        return text.encode("cp932")
    except UnicodeEncodeError:
        return text.encode("utf-8-sig")  # a name outside CP932: UTF-8 keeps it, run reads both


def outside_cp932(orders: list[dict]) -> list[str]:
    """The order numbers with a value the Japanese screen's CP932 cannot write."""

    def fits(value) -> bool:
        try:
            str(value or "").encode("cp932")
        except UnicodeEncodeError:
            return False
        return True

    return [str(o.get("OrderNo")) for o in orders if not all(map(fits, o.values()))]


def fetch(out: Path, statuses: list[str], since: dt.date | None, lang: str, today: dt.date,
          settings: Settings | None = None, warn=None) -> int:  # fmt: skip
    """Write the file ``out`` (never over an existing file); the number of orders.
    ``warn(text)`` hears of what the seller should know about the file."""
    unknown = [s for s in statuses if s not in STATUSES]
    if unknown or not statuses:
        raise UsageError(Phrase("error.fetch.status", given=", ".join(unknown) or "-"))
    if lang not in ("ja", "ko"):
        raise UsageError(Phrase("error.fetch.lang"))
    out = Path(out)
    if out.exists():
        raise UsageError(Phrase("error.fetch.exists", out=out))
    since = since or today - dt.timedelta(days=WINDOW_DAYS - 1)
    with Client(settings or Settings.from_env()) as client:
        orders = fetch_orders(client, statuses, since, today)
    data = render(orders, lang, today)
    odd = outside_cp932(orders) if lang == "ja" else []
    if odd and warn:
        warn(
            f"{len(odd)} orders hold characters CP932 cannot write (order "
            f"{', '.join(odd[:5])}{' ...' if len(odd) > 5 else ''}): the file is UTF-8 with "
            "BOM to keep them; run and labels read it, but check those names on the labels."
        )
    fd, tmp = tempfile.mkstemp(prefix=".qoo10-dispatch-", suffix=".tmp", dir=out.parent or ".")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    try:
        os.link(tmp, out)  # fails rather than replace a file that appeared meanwhile
    except FileExistsError:
        raise UsageError(Phrase("error.fetch.exists", out=out)) from None
    finally:
        os.unlink(tmp)
    return len(orders)
