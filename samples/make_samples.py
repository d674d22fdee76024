"""Generate the sample inputs in samples/ from fixed data.

Run from anywhere:  python samples/make_samples.py [--check]

Each sheet is written by samples/writer.py from its format profile (header, [file]) and the
rows built here; --check regenerates everything in memory and exits 1 naming each file of
samples/ that differs (tests/test_sample_files.py runs it).

One business day (Thursday 2026-11-26) of one shop, HANBIT SEOUL: a Korean seller of cosmetics
and snacks on Qoo10 Japan, shipping from a warehouse in Ichikawa (Chiba). Every name, phone
number and address is made up. The same orders appear in every QSM orders file; the courier
sheets ship them; samples/README.md and samples/expected.json say which row shows which case.

Deterministic: fixed data, no clock, no randomness. The .xlsx files get fixed zip timestamps
and document properties, and the password-protected copy is encrypted with a salt derived from
a fixed seed (fine for a sample, never for a real secret), so two runs give identical bytes.
Standard library + openpyxl + msoffcrypto-tool only.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run as a script from anywhere: the package beside it
from batch import codes as code_table  # noqa: E402
from batch import formats  # noqa: E402
from samples.writer import Layout, render, xlsx_bytes  # noqa: E402

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

TODAY = dt.date(2026, 11, 26)
PASSWORD = "hanbit-2026"
JP_HOLIDAYS = frozenset({dt.date(2026, 11, 3), dt.date(2026, 11, 23)})  # 文化の日, 勤労感謝の日
SHOP = "HANBIT SEOUL"

# ----------------------------------------------------------------------------------------------
# Layouts: the header row and [file] of each format profile (schemas/formats/*.toml); every
# sample file is written by writer.render from its Layout and the rows built below.
# ----------------------------------------------------------------------------------------------

QSM_DETAIL_JA = list(formats.get("qsm-detail-ja").header)
QSM_DETAIL_KO = list(formats.get("qsm-detail-ko").header)
QSM_BRIEF_KO = list(formats.get("qsm-brief-ko").header)
# The Korean detail file has one more column than the Japanese one, after (선물)보내는사람.
KO_EXTRA_AT = QSM_DETAIL_KO.index("수화물 보관함 서비스")
KO_STATUS = {
    "配送要請": "배송요청",
    "配送準備中": "배송준비중",
    "配送遅延": "배송지연",
    "入金待ち": "입금대기",
    "キャンセル": "취소",
    "配送中": "배송중",
    # No status either screen is known to show (UNKNOWN_STATUS): a new wording, say.
    "入金確認中": "입금확인중",
}

B2_HEADER = list(formats.get("yamato-b2").header)
GENERIC_KO_HEADER = ["주문번호", "송장번호", "택배사", "발송일", "수취인명", "전화번호", "우편번호"]
GENERIC_EN_HEADER = [
    "Order number",
    "Tracking number",
    "Carrier",
    "Ship date",
    "Recipient",
    "Phone",
    "Zip",
]

KO_TITLE = (
    f"{SHOP} 일본 발송 내역 (2026-11-26)",
    "※ 오전 출고분. 송장번호는 택배사 발행 기준, 정형외우편은 추적번호 없음",
)
XLSX = {"format": "xlsx"}
# Every sample file: its profile, and what it does otherwise than the profile says.
SAMPLES: dict[str, Layout] = {
    "qsm-detail-ja.csv": Layout("qsm-detail-ja"),
    "qsm-detail-ja.xlsx": Layout("qsm-detail-ja", sheet="DeliveryManagement_detail", file=XLSX),
    "qsm-detail-ko.csv": Layout("qsm-detail-ko"),
    # The form of a real 2022 download (couriers.md §9.1): 44 columns (no ギフト注文), UTF-8
    # with BOM, LF, every field quoted, 発送日 as yyyymmdd.
    "qsm-detail-ja-2022.csv": Layout(
        "qsm-detail-ja",
        tuple(QSM_DETAIL_JA[:-1]),
        file={"encoding": "utf-8-sig", "newline": "LF", "quoting": "all"},
    ),
    "qsm-brief-ja.csv": Layout("qsm-brief-ja"),
    "qsm-brief-ko.csv": Layout("qsm-brief-ko"),
    "yamato-b2.csv": Layout("yamato-b2"),
    "generic-ko.xlsx": Layout("generic", GENERIC_KO_HEADER, KO_TITLE, "발송내역", XLSX),
    "generic-ko-protected.xlsx": Layout("generic", GENERIC_KO_HEADER, KO_TITLE, "발송내역", XLSX),
    "sagawa-ehiden2.csv": Layout("sagawa-ehiden2"),
    "sagawa-ehiden3.csv": Layout("sagawa-ehiden3"),
    "japanpost-yupri.csv": Layout("japanpost-yupri"),
    "clickpost.csv": Layout("clickpost"),
    "seino-km2.csv": Layout(
        "seino-km2", title=("カンガルーマジック2 出荷データ 2026/11/26 09:55 出力",)
    ),
    "generic-en.csv": Layout(
        "generic", GENERIC_EN_HEADER, file={"delimiter": "\t", "newline": "LF"}
    ),
}
INFERRED = {"clickpost.csv"}  # layouts without a public description (couriers.md §7)
OUT: dict[str, bytes] = {}  # file name -> the bytes generated for it


def emit(name: str, rows: list[dict]) -> None:
    OUT[name] = render(SAMPLES[name], rows)


def row_no(name: str, rows: list) -> int:
    """The spreadsheet row of the last of ``rows`` (the header and the lines above it first)."""
    layout = SAMPLES[name]
    return len(rows) + (0 if layout.headerless else 1) + len(layout.title)


# A courier sheet can also be pure data: samples/scenarios/<name>.toml names its file and
# profile, its README line (quirks) and its rows; see write_scenario.
SCENARIOS = [
    tomllib.loads(p.read_text("utf-8")) for p in sorted((HERE / "scenarios").glob("*.toml"))
]
QUIRKS = {s["file"]: s["quirks"] for s in SCENARIOS}
for _s in SCENARIOS:
    # rename: header cells the file spells otherwise than the profile's header (same column).
    _renamed = tuple(_s.get("rename", {}).get(h, h) for h in formats.get(_s["profile"]).header)
    SAMPLES[_s["file"]] = Layout(
        _s["profile"],
        _renamed if "rename" in _s else (),
        file=_s.get("layout", {}),
        headerless=_s.get("headerless", False),
    )


# The shop's warehouse (sender on every label).
SENDER = {
    "name": "ハンビットソウル 日本出荷センター",
    "kana": "ﾊﾝﾋﾞｯﾄｿｳﾙ",
    "phone": "047-398-5521",
    "postal": "272-0014",
    "city": "千葉県市川市",
    "street": "田尻5-12-8",
    "building": "市川ロジセンター3F",
}

# ----------------------------------------------------------------------------------------------
# Tracking numbers
# ----------------------------------------------------------------------------------------------


def mod7(body: str) -> str:
    """12-digit Yamato / Sagawa / Japan Post number: 11 digits + (int(first 11) % 7)."""
    if len(body) != 11 or not body.isdigit():
        raise ValueError(body)
    return body + str(int(body) % 7)


def mod7_ok(number: str) -> bool:
    return len(number) == 12 and number.isdigit() and int(number[:11]) % 7 == int(number[11])


def bad_check_digit(body: str) -> str:
    return body + str((int(body) % 7 + 3) % 7)


def excel_mangled(number: str) -> str:
    """What Excel's General format writes back for a 12-digit number: 4.39628E+11."""
    return f"{int(number):.5E}"


def yamato(serial: int) -> str:
    return mod7(f"439628114{serial:02d}")


# ----------------------------------------------------------------------------------------------
# People, items, carts
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    name: str
    kana: str
    postal: str
    city: str
    street: str
    building: str = ""
    phone: str = ""
    mobile: str = "-"

    @property
    def address(self) -> str:
        return f"{self.city}{self.street}" + (f" {self.building}" if self.building else "")

    @property
    def jis_name(self) -> str:
        """B2 and e飛伝 take JIS level 1-2 kanji only: sellers replace 髙 﨑 by 高 崎."""
        return self.name.replace("髙", "高").replace("﨑", "崎")

    @property
    def jis_building(self) -> str:
        return self.building.replace("①", "1")


SHOP_DATA = tomllib.loads((HERE / "shop.toml").read_text("utf-8"))  # the people and items


def P(*args: str) -> Person:
    name, kana, postal, city, street, building, phone, *mobile = args
    return Person(name, kana, postal, city, street, building, phone, *mobile)


# The customers by case key; STRAY is no customer of this export: the B2 row whose reference
# and phone match nothing.
PEOPLE: dict[str, Person] = {k: P(*v) for k, v in SHOP_DATA["people"].items()}


@dataclass(frozen=True)
class Item:
    item_no: str  # Qoo10 商品番号
    name: str
    price: int
    seller_code: str
    jan: str
    kind: str  # 品名 on labels


def _jan(body12: str) -> str:
    total = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(body12))
    return body12 + str((10 - total % 10) % 10)


ITEMS: dict[str, Item] = {
    k: Item(no, name, price, code, _jan(jan12), kind)
    for k, (no, name, price, code, jan12, kind) in SHOP_DATA["items"].items()
}
MASK_OPTIONS = {
    "HA": ("種類:ヒアルロン酸", "'MK-HA"),
    "CI": ("種類:シカ", "'MK-CI"),
    "VC": ("種類:ビタミンC", "'MK-VC"),
}


@dataclass
class Line:
    item: Item
    qty: int = 1
    option: str = ""
    option_code: str = ""
    discount: int = 0
    order_no: str = ""

    @property
    def total(self) -> int:
        return self.item.price * self.qty - self.discount


def L(code: str, qty: int = 1, mask: str = "", discount: int = 0) -> Line:
    option, option_code = MASK_OPTIONS[mask] if mask else ("", "")
    return Line(ITEMS[code], qty, option, option_code, discount)


@dataclass
class Cart:
    key: str
    carrier: str  # the listing's 配送会社 (QSM spelling)
    status: str
    ordered: dt.datetime
    paid: dt.datetime | None
    est: dt.date | None
    lines: list[Line]
    note: str = ""  # 配送要請事項
    hope: str = ""  # お届け希望日
    gift_from: str = ""
    buyer: Person | None = None  # when the buyer is not the recipient (a gift)
    bonus: str = ""  # おまけ
    export_tracking: str = ""  # a 送り状番号 already in the QSM export
    export_ship: str = ""
    cart_no: str = ""

    @property
    def person(self) -> Person:
        return PEOPLE[self.key[:3]] if self.key[:3] in PEOPLE else PEOPLE[self.key]

    @property
    def paid_date(self) -> dt.date | None:
        return self.paid.date() if self.paid else None


def _ts(text: str) -> dt.datetime:
    return dt.datetime.strptime(f"2026/{text}", "%Y/%m/%d %H:%M:%S")


def _d(text: str) -> dt.date:
    return _ts(f"{text} 00:00:00").date()


def C(
    key: str,
    carrier: str,
    status: str,
    ordered: str,
    lines: list[Line],
    *,
    paid: str | None = "card",
    est: str | None = None,
    **kw,
) -> Cart:
    when = _ts(ordered)
    if paid == "card":  # card payment: confirmed a few seconds after the order
        paid_at: dt.datetime | None = when + dt.timedelta(seconds=19 + len(key) * 5)
    else:
        paid_at = _ts(paid) if paid else None
    return Cart(key, carrier, status, when, paid_at, _d(est) if est else None, lines, **kw)


YAMATO_EXPORTED = {"K14": mod7("43962811388"), "K15": mod7("43962811391")}

NOTE_K02 = "置き配希望（玄関前）, インターホン不要です。\n平日の午前中は不在です"
NOTE_P01 = 'ゆず茶は瓶なので"ワレモノ"シールをお願いします'

CARTS: list[Cart] = [
    # ---- older paid orders still waiting in 配送要請 (shipped later by other couriers) ----
    C(
        "P01",
        "佐川急便",
        "配送遅延",
        "11/09 22:41:07",
        [L("S6", 2)],
        paid="11/10 08:12:55",
        note=NOTE_P01,
    ),
    C(
        "P12",
        "クリックポスト",
        "配送要請",
        "11/17 21:03:44",
        [L("T6", 2, "HA")],
        paid="11/19 12:30:02",
    ),
    C("P04", "佐川急便", "配送準備中", "11/18 07:55:21", [L("T4", 2)], est="11/27"),
    C(
        "P08",
        "ゆうパック",
        "配送準備中",
        "11/18 19:20:13",
        [L("B1", 2)],
        est="11/25",
        note="2箱に分かれても大丈夫です",
    ),
    C("P02", "佐川急便", "配送準備中", "11/19 13:05:30", [L("T2")], est="11/25"),
    C("P05", "佐川急便", "配送要請", "11/20 23:47:18", [L("T1", discount=300), L("T5")]),
    # ---- orders with a problem of their own ----
    C("K13", "ネコポス", "キャンセル", "11/22 15:10:09", [L("T6", 1, "CI")]),
    C(
        "K14",
        "ヤマト宅急便",
        "配送中",
        "11/23 10:02:11",
        [L("T3", 2)],
        export_tracking=YAMATO_EXPORTED["K14"],
        export_ship="2026/11/25",
    ),
    C(
        "K15",
        "ヤマト宅急便",
        "配送中",
        "11/23 18:44:52",
        [L("S1")],
        export_tracking=YAMATO_EXPORTED["K15"],
        export_ship="2026/11/25",
    ),
    C("K12", "ヤマト宅急便", "入金待ち", "11/24 20:15:37", [L("S4", 2)], paid=None),
    # ---- 11/25 ----
    C("K16", "ヤマト宅急便", "配送準備中", "11/25 00:12:45", [L("T5")], est="11/27"),
    C(
        "P06",
        "佐川急便",
        "配送準備中",
        "11/25 06:40:18",
        [L("T3")],
        est="11/27",
        gift_from="藤井 大輝",
        buyer=Person(
            "藤井 大輝",
            "フジイ ダイキ",
            "604-8005",
            "京都府京都市中京区",
            "恵比須町534",
            "",
            "080-8891-0021",
        ),
    ),
    C("P07", "ゆうパック", "配送要請", "11/25 07:21:54", [L("S6")]),
    C("P11", "クリックポスト", "配送準備中", "11/25 07:49:26", [L("S4")], est="11/27"),
    C("K01", "ヤマト宅急便", "配送要請", "11/25 08:14:22", [L("T1")]),
    C(
        "K02",
        "ヤマト宅急便",
        "配送要請",
        "11/25 09:02:51",
        [L("T2", discount=200), L("T3")],
        note=NOTE_K02,
        bonus="シートマスク1枚",
    ),
    C("K04", "ヤマト宅急便", "配送準備中", "11/25 10:33:17", [L("S3", 2)], est="11/27"),
    C(
        "P13",
        "西濃運輸",
        "配送準備中",
        "11/25 10:58:03",
        [L("B2")],
        est="11/27",
        note="店舗宛てです。平日10-19時に受け取れます",
    ),
    C("P14", "西濃運輸", "配送要請", "11/25 11:22:40", [L("B1")]),
    C("K05", "ネコポス", "配送準備中", "11/25 11:48:09", [L("T6", 1, "VC")], est="11/27"),
    C("K06", "ヤマト宅急便", "配送準備中", "11/25 12:20:44", [L("S5")], est="11/30"),
    C("K07", "ヤマト宅急便", "配送要請", "11/25 13:07:30", [L("T4")]),
    C("P15", "西濃運輸", "配送準備中", "11/25 13:36:17", [L("B3")], est="11/30"),
    C("K08a", "ネコポス", "配送要請", "11/25 14:41:02", [L("T6", 1, "HA")]),
    C("K09", "ヤマト宅急便", "配送要請", "11/25 15:26:19", [L("S2", 6)], hope="2026/11/29"),
    C("K10", "ヤマト宅急便", "配送要請", "11/25 16:03:55", [L("T1", discount=100), L("S6")]),
    C("P17", "ゆうパケット", "配送準備中", "11/25 16:44:09", [L("T6", 1, "CI")], est="11/27"),
    C("K11", "ヤマト宅急便", "配送要請", "11/25 17:45:12", [L("T2"), L("T4"), L("S1", 2)]),
    C("K17", "ヤマト宅急便", "配送準備中", "11/25 18:52:07", [L("S4")], est="11/27"),
    C("X1", "ヤマト宅急便", "配送準備中", "11/25 19:02:58", [L("T1")], est="11/27"),
    C("K18", "佐川急便", "配送要請", "11/25 19:33:28", [L("S3")]),
    C(
        "K19",
        "ヤマト宅急便",
        "配送要請",
        "11/25 20:05:16",
        [L("T1"), L("T6", 1, "CI", discount=150)],
    ),
    C("K20", "ゆうパケット", "配送要請", "11/25 20:48:39", [L("T6", 2, "HA")]),
    C("K21", "佐川急便", "配送要請", "11/25 21:15:02", [L("S5")]),
    C("K22", "ゆうパケット", "配送準備中", "11/25 21:57:45", [L("S4")], est="11/27"),
    C("X2", "ネコポス", "配送準備中", "11/25 22:02:31", [L("T6", 1, "VC")], est="11/27"),
    C("K23", "ヤマト宅急便", "配送準備中", "11/25 22:31:10", [L("T3")], est="11/27"),
    C("P10", "クリックポスト", "配送要請", "11/25 23:05:33", [L("T6", 1, "VC")]),
    # ---- 11/26, before the 09:40 download ----
    C("K03", "ネコポス", "配送要請", "11/26 00:37:45", [L("T6", 1, "CI")]),
    C("K08b", "ネコポス", "配送要請", "11/26 01:12:19", [L("T5")]),
    C("P03", "佐川急便", "配送要請", "11/26 02:55:08", [L("S3")]),
    C("X3", "ゆうパケット", "入金待ち", "11/26 06:10:47", [L("T6", 1, "HA")], paid=None),
    C("P09", "ゆうパケット", "配送要請", "11/26 07:18:44", [L("T6", 1, "VC")]),
    C("P16", "ヤマト宅急便", "配送要請", "11/26 08:02:30", [L("T2")]),
    # A status the tool does not know (UNKNOWN_STATUS), and a label printed for it already.
    C("K24", "ヤマト宅急便", "入金確認中", "11/26 08:31:05", [L("T3")], paid=None),
]
BY_KEY = {c.key: c for c in CARTS}


def _gap(seed: str, low: int, span: int) -> int:
    return low + int(hashlib.sha256(seed.encode()).hexdigest()[:8], 16) % span


def assign_numbers() -> None:
    order_no, cart_no = 104602117, 78360221
    for cart in sorted(CARTS, key=lambda c: c.ordered):
        cart_no += _gap(f"cart:{cart.key}", 60, 240)
        order_no += _gap(f"order:{cart.key}", 600, 1400)
        cart.cart_no = str(cart_no)
        for i, line in enumerate(cart.lines):
            line.order_no = str(order_no + i)
        order_no += len(cart.lines)
    # INVALID_ROW cases: one row lost its カート番号, one 注文番号 got a letter O for a zero.
    BY_KEY["X1"].cart_no = ""
    x2 = BY_KEY["X2"].lines[0]
    x2.order_no = x2.order_no[0] + "O" + x2.order_no[2:]


# ----------------------------------------------------------------------------------------------
# QSM orders files
# ----------------------------------------------------------------------------------------------

SHIPPING_FEE = {"ヤマト宅急便": 600, "佐川急便": 700, "ゆうパック": 800}
PARCEL_CARRIERS = {"ヤマト宅急便", "佐川急便", "ゆうパック", "西濃運輸"}


def _money(value: int, thousands: bool) -> str:
    return f"{value:,}" if thousands else str(value)


def _fmt_ts(value: dt.datetime | None) -> str:
    return value.strftime("%Y/%m/%d %H:%M:%S") if value else ""


def _fmt_date(value: dt.date | None) -> str:
    return value.strftime("%Y/%m/%d") if value else ""


def order_rows(thousands: bool) -> list[dict[str, str]]:
    """One dict per 注文番号, keyed by the Japanese detail header."""
    rows = []
    for cart in sorted(CARTS, key=lambda c: c.ordered):
        person, buyer = cart.person, cart.buyer or cart.person
        cart_total = sum(line.total for line in cart.lines)
        fee = SHIPPING_FEE.get(cart.carrier, 0) if cart_total < 3000 else 0
        hidden = cart.status == "入金待ち"  # QSM shows no name, phone or address before payment
        paid = cart.paid
        for i, line in enumerate(cart.lines):
            row = dict.fromkeys(QSM_DETAIL_JA, "")
            row.update(
                {
                    "配送状態": cart.status,
                    "注文番号": line.order_no,
                    "カート番号": cart.cart_no,
                    "配送会社": cart.carrier,
                    "送り状番号": cart.export_tracking,
                    "発送日": cart.export_ship,
                    "注文日": _fmt_ts(cart.ordered),
                    "入金日": _fmt_ts(paid),
                    "お届け希望日": cart.hope,
                    "発送予定日": _fmt_date(cart.est),
                    "配送方法": "宅配便" if cart.carrier in PARCEL_CARRIERS else "メール便",
                    "商品番号": line.item.item_no,
                    "商品名": line.item.name,
                    "数量": str(line.qty),
                    "オプション情報": line.option,
                    "オプションコード": line.option_code,
                    "おまけ": cart.bonus if i == 0 else "",
                    "国家": "JP",
                    "送料の決済": "先払い" if fee else "無料",
                    "決済サイト": "JP",
                    "通貨": "JPY",
                    "購入者決済金額": _money(line.total + (fee if i == 0 else 0), thousands),
                    "販売価格": _money(line.item.price, thousands),
                    "割引額": _money(line.discount, thousands),
                    "注文金額の合計": _money(line.total, thousands),
                    "供給原価の合計": _money(line.total * 88 // 100, thousands),
                    "配送要請事項": cart.note,
                    "販売者商品コード": line.item.seller_code,
                    "JANコード": line.item.jan,
                    "プレゼント贈り主": cart.gift_from,
                    "ギフト注文": "Y" if cart.gift_from else "",
                }
            )
            if not hidden:
                row.update(
                    {
                        "受取人名": person.name,
                        "受取人名(フリガナ)": person.kana,
                        "受取人電話番号": person.phone,
                        "受取人携帯電話番号": person.mobile,
                        "住所": person.address,
                        "郵便番号": f"'{person.postal}",
                        "購入者名": buyer.name,
                        "購入者名(フリガナ)": buyer.kana,
                        "購入者電話番号": buyer.phone,
                        "購入者携帯電話番号": buyer.mobile,
                    }
                )
            rows.append(row)
    return rows


def korean_row(ja: dict[str, str]) -> list[str]:
    values = [ja[h] for h in QSM_DETAIL_JA]
    values[0] = KO_STATUS[values[0]]
    values.insert(KO_EXTRA_AT, "")
    return values


def write_orders() -> None:
    ja = order_rows(thousands=True)
    plain = order_rows(thousands=False)
    emit("qsm-detail-ja.csv", ja)
    emit("qsm-detail-ja-2022.csv", [r | {"発送日": r["発送日"].replace("/", "")} for r in ja])
    emit("qsm-brief-ja.csv", ja)
    korean = [dict(zip(QSM_DETAIL_KO, korean_row(r), strict=True)) for r in plain]
    emit("qsm-detail-ko.csv", korean)
    emit("qsm-brief-ko.csv", korean)
    emit("qsm-detail-ja.xlsx", [xlsx_cells(r) for r in plain])


NUMERIC_JA = {
    "注文番号",
    "カート番号",
    "送り状番号",
    "数量",
    "購入者決済金額",
    "販売価格",
    "割引額",
    "注文金額の合計",
    "供給原価の合計",
}


def xlsx_cells(row: dict[str, str]) -> dict[str, object]:
    """The cells of the xlsx export: numbers as numeric cells, 郵便番号 without the apostrophe
    (a CSV-for-Excel trick only)."""
    cells: dict[str, object] = {}
    for header, value in row.items():
        if header == "郵便番号":
            value = value.lstrip("'")
        cells[header] = int(value) if header in NUMERIC_JA and value.isdigit() else value
    return cells


# ----------------------------------------------------------------------------------------------
# Dispatch sheets
# ----------------------------------------------------------------------------------------------


@dataclass
class DispatchRow:
    """One row of a courier sheet and what the run must make of it (main or 'all' scenario)."""

    file: str
    row: int  # spreadsheet row number (header row of a plain CSV = 1)
    cart: str | None  # cart key it belongs to, None when it matches nothing
    lines: list[int]  # indexes of the cart's lines it covers
    reference: str  # as written in the file
    tracking: str  # as written in the file ("" when blank)
    carrier: str  # carrier / service the row states (profile carrier or service text)
    codes: list[str] = field(default_factory=list)
    bucket: str = "matched"
    note: str = ""


DISPATCH: list[DispatchRow] = []


def _ref_cart(key: str) -> str:
    return BY_KEY[key].cart_no


def _ref_order(key: str, i: int = 0) -> str:
    return BY_KEY[key].lines[i].order_no


def _b2_row(
    ref: str,
    service: str,
    tracking: str,
    person: Person,
    item: str,
    *,
    ship: str = "2026/11/26",
    phone: str | None = None,
    postal: str | None = None,
    name: str | None = None,
    handling: str = "",
    group_key: str = "",
    hope: str = "",
) -> dict[str, str]:
    values = {
        "お客様管理番号": ref,
        "送り状種類": service,
        "クール区分": "0",
        "伝票番号": tracking,
        "出荷予定日": ship,
        "お届け予定（指定）日": hope,
        "お届け先電話番号": person.phone if phone is None else phone,
        "お届け先郵便番号": person.postal if postal is None else postal,
        "お届け先住所": f"{person.city}{person.street}",
        "お届け先住所（アパートマンション名）": person.jis_building,
        "お届け先名": person.jis_name if name is None else name,
        "お届け先名略称カナ": hankaku(person.kana),
        "敬称": "様",
        "ご依頼主電話番号": SENDER["phone"],
        "ご依頼主郵便番号": SENDER["postal"],
        "ご依頼主住所": SENDER["city"] + SENDER["street"],
        "ご依頼主住所（アパートマンション名）": SENDER["building"],
        "ご依頼主名": SENDER["name"],
        "ご依頼主略称カナ": SENDER["kana"],
        "品名１": item,
        "荷扱い１": handling,
        "営業所止置き": "0",
        "発行枚数": "1",
        "ご請求先顧客コード": "0473985521",
        "運賃管理番号": "01",
        "複数口くくりキー": group_key,
    }
    return values


B2_SERVICE_NAME = {"0": "ヤマト宅急便", "7": "ネコポス", "A": "ネコポス"}


def write_yamato_b2() -> None:
    name = "yamato-b2.csv"
    rows: list[dict[str, str]] = []

    def add(
        cart: str | None,
        lines: list[int],
        ref: str,
        service: str,
        tracking: str,
        person: Person,
        codes: list[str] | None = None,
        bucket: str = "matched",
        note: str = "",
        **kw,
    ) -> None:
        item = BY_KEY[cart].lines[lines[0]].item.kind if cart else "化粧品"
        rows.append(_b2_row(ref, service, tracking, person, item, **kw))
        DISPATCH.append(
            DispatchRow(
                name,
                row_no(name, rows),
                cart,
                lines,
                ref,
                tracking,
                B2_SERVICE_NAME[service],
                codes or [],
                bucket,
                note,
            )
        )

    p = PEOPLE
    add(
        "K01",
        [0],
        _ref_cart("K01"),
        "0",
        yamato(1),
        p["K01"],
        note="reference = カート番号; label name 高橋 (B2 takes JIS level 1-2 kanji only)",
    )
    add(
        "K02",
        [0, 1],
        _ref_cart("K02"),
        "0",
        yamato(2),
        p["K02"],
        note="2-order cart, one parcel, reference = カート番号",
    )
    add(
        "K03",
        [0],
        _ref_order("K03"),
        "A",
        yamato(3),
        p["K03"],
        note="reference is the 注文番号, not the カート番号",
    )
    add(
        "K04",
        [0],
        _ref_cart("K04"),
        "0",
        "UMN261125043",
        p["K04"],
        ["INVALID_ROW"],
        "invalid",
        note="伝票番号 is a B2 placeholder (saved, label not printed): not issued yet, so "
        "the order stays unshipped",
    )
    add(
        "K05",
        [0],
        _ref_cart("K05"),
        "7",
        bad_check_digit("43962811404"),
        p["K05"],
        ["TRACKING_INVALID"],
        note="check digit wrong (mod 7)",
    )
    add(
        "K06",
        [0],
        _ref_cart("K06"),
        "0",
        excel_mangled(yamato(5)),
        p["K06"],
        ["TRACKING_MANGLED"],
        note="re-saved from Excel: digits lost",
    )
    add(
        "K07",
        [0],
        "",
        "0",
        yamato(6),
        p["K07"],
        ["FALLBACK_MATCH"],
        phone=p["K07"].phone.replace("-", ""),
        postal=p["K07"].postal.replace("-", ""),
        name=p["K07"].name.replace(" ", "\u3000"),
        note="blank reference; phone + postal + name of exactly one cart",
    )
    add(
        None,
        [],
        "",
        "A",
        yamato(7),
        p["K08"],
        ["AMBIGUOUS_MATCH"],
        "unmatched",
        note="blank reference; phone + postal + name fit two carts of the same buyer",
    )
    add(
        None,
        [],
        "78291577",
        "0",
        yamato(8),
        p["STRAY"],
        ["UNMATCHED_DISPATCH"],
        "unmatched",
        note="reference is no cart or order of this export; phone matches nothing",
    )
    add(
        "K09",
        [0],
        _ref_cart("K09"),
        "0",
        yamato(9),
        p["K09"],
        ["MULTI_PACKAGE"],
        group_key=_ref_cart("K09"),
        hope="2026/11/29",
        note="parcel 1 of 2: this number is uploaded",
    )
    add(
        "K09",
        [0],
        _ref_cart("K09"),
        "0",
        yamato(10),
        p["K09"],
        ["MULTI_PACKAGE"],
        group_key=_ref_cart("K09"),
        hope="2026/11/29",
        note="parcel 2 of 2: to be sent to the customer by message",
    )
    add(
        "K10",
        [0],
        _ref_order("K10", 0),
        "0",
        yamato(11),
        p["K10"],
        ["SPLIT_CART"],
        note="cart of 2 orders shipped as 2 parcels: order 1",
    )
    add(
        "K10",
        [1],
        _ref_order("K10", 1),
        "0",
        yamato(12),
        p["K10"],
        ["SPLIT_CART"],
        handling="ワレモノ注意",
        note="order 2 (glass jar) in its own parcel",
    )
    add(
        "K11",
        [0],
        _ref_order("K11", 0),
        "0",
        yamato(13),
        p["K11"],
        ["PARTIAL_CART"],
        note="cart of 3 orders: order 1 shipped",
    )
    add(
        "K11",
        [1],
        _ref_order("K11", 1),
        "0",
        yamato(13),
        p["K11"],
        ["PARTIAL_CART"],
        note="order 2 shipped in the same parcel; order 3 not shipped yet",
    )
    add(
        "K12",
        [0],
        _ref_cart("K12"),
        "0",
        yamato(14),
        p["K12"],
        ["SHIPPED_UNPAID"],
        note="order is still 入金待ち",
    )
    add(
        "K13",
        [0],
        _ref_cart("K13"),
        "A",
        yamato(15),
        p["K13"],
        ["SHIPPED_CANCELLED"],
        note="order is キャンセル",
    )
    add(
        "K14",
        [0],
        _ref_cart("K14"),
        "0",
        YAMATO_EXPORTED["K14"],
        p["K14"],
        ["ALREADY_DISPATCHED"],
        ship="2026/11/25",
        note="same number as the export's 送り状番号: nothing to upload",
    )
    add(
        "K15",
        [0],
        _ref_cart("K15"),
        "0",
        yamato(16),
        p["K15"],
        ["TRACKING_CONFLICT"],
        note="export already holds another 送り状番号 (label reprinted)",
    )
    add(
        "K16",
        [0],
        _ref_cart("K16"),
        "0",
        yamato(17),
        p["K16"],
        ["DUPLICATE_TRACKING"],
        note="same number as the next row, different recipient",
    )
    add(
        "K17",
        [0],
        _ref_cart("K17"),
        "0",
        yamato(17),
        p["K17"],
        ["DUPLICATE_TRACKING"],
        note="same number as the previous row, different recipient",
    )
    add(
        "K18",
        [0],
        _ref_cart("K18"),
        "0",
        yamato(18),
        p["K18"],
        ["CARRIER_MISMATCH"],
        note="listing says 佐川急便, shipped with ヤマト宅急便 (allowed: trackable)",
    )
    add(
        "K24",
        [0],
        _ref_cart("K24"),
        "0",
        yamato(19),
        p["K24"],
        ["UNKNOWN_STATUS"],
        note="配送状態 入金確認中 is no status the tool knows: held, never taken for paid",
    )
    add(
        "K08b",
        [0],
        _ref_cart("K08b"),
        "A",
        yamato(20),
        p["K08"],
        ["SHIP_DATE_INVALID"],
        ship="2026/11/27",
        note="出荷予定日 is tomorrow: a label printed ahead, offered on the 2026/11/27 run",
    )
    add(
        "X1",
        [0],
        _ref_order("X1"),
        "0",
        yamato(21),
        p["X1"],
        ["INVALID_ROW"],
        note="reference is the 注文番号 of an invalid export row (no カート番号): linked to "
        "that row, not uploaded",
    )
    emit(name, rows)


GENERIC_KO_TRACKING = {
    "K19": mod7("43962811512"),
    "K20": mod7("11562093140"),
    "K21": mod7("36024417052"),
    "K23": mod7("43962811515"),
}


def _fullwidth_digits(text: str) -> str:
    return text.translate({ord(c): 0xFF10 + int(c) for c in "0123456789"})


def _hyphenated(number: str) -> str:
    return f"{number[:4]}-{number[4:8]}-{number[8:]}"


def generic_ko_workbook() -> openpyxl.Workbook:
    name = "generic-ko.xlsx"
    layout = SAMPLES[name]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = layout.sheet
    ws["A1"], ws["A2"] = layout.title
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells("A1:G1")
    ws["A2"].font = Font(italic=True, color="666666")
    ws.merge_cells("A2:G2")
    ws.append(list(layout.columns))
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(horizontal="center")
    ship = dt.datetime(2026, 11, 26)
    t = GENERIC_KO_TRACKING
    p = PEOPLE
    specs: list[tuple[str | None, int, object, str, Person, list[str], str, str]] = [
        (
            "K19",
            0,
            int(t["K19"]),
            "ヤマト運輸",
            p["K19"],
            [],
            "matched",
            "2-order cart, one row per order, same number; tracking as a numeric cell",
        ),
        ("K19", 1, int(t["K19"]), "ヤマト運輸", p["K19"], [], "matched", "order 2 of the cart"),
        (
            "K20",
            0,
            _fullwidth_digits(t["K20"]),
            "ゆうパケット",
            p["K20"],
            [],
            "matched",
            "tracking typed with full-width digits (text cell)",
        ),
        (
            "K21",
            0,
            _hyphenated(t["K21"]),
            "佐川急便",
            p["K21"],
            [],
            "matched",
            "tracking written as on the label: 4-4-4 with hyphens (text cell)",
        ),
        (
            "K22",
            0,
            None,
            "定形外郵便",
            p["K22"],
            ["CARRIER_UNTRACKABLE"],
            "matched",
            "sent as 定形外郵便 (no tracking): Qoo10 forbids switching to it",
        ),
        (
            "K23",
            0,
            int(t["K23"]),
            "기타",
            p["K23"],
            ["CARRIER_UNKNOWN"],
            "matched",
            "택배사 = 기타 ('other'): carrier cannot be recognised",
        ),
        (
            "K19",
            1,
            int(t["K19"]),
            "ヤマト運輸",
            p["K19"],
            ["duplicate"],
            "duplicate",
            "exact copy of row 5 (pasted twice)",
        ),
    ]
    for key, i, tracking, carrier, person, codes, bucket, note in specs:
        order_no = BY_KEY[key].lines[i].order_no
        postal = person.postal if person.postal[0] in "13579" else person.postal.replace("-", "")
        ws.append([int(order_no), tracking, carrier, ship, person.name, person.phone, postal])
        r = ws.max_row
        ws.cell(r, 1).number_format = "0"
        ws.cell(r, 2).number_format = "0" if isinstance(tracking, int) else "@"
        ws.cell(r, 4).number_format = "yyyy-mm-dd"
        ws.cell(r, 6).number_format = "@"
        ws.cell(r, 7).number_format = "@"
        written = "" if tracking is None else str(tracking)
        DISPATCH.append(
            DispatchRow(name, r, key, [i], order_no, written, carrier, codes, bucket, note)
        )
    for col, width in zip("ABCDEFG", (14, 18, 14, 12, 14, 16, 10), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A4"
    return wb


# --- courier sheets for orders the main scenario leaves unshipped ----------------------------


def _person_row_values(person: Person) -> tuple[str, str, str]:
    return person.city, person.street, person.jis_building


def write_sagawa_ehiden2() -> None:
    name = "sagawa-ehiden2.csv"
    rows: list[dict[str, str]] = []
    for n, (key, time) in enumerate([("P01", "10:42"), ("P02", "10:44"), ("P03", "10:47")]):
        cart, person = BY_KEY[key], PEOPLE[key]
        tracking = mod7(f"3602441830{n + 1}")
        city, street, building = _person_row_values(person)
        values = {
            "お問合せ送り状No": tracking,
            "出荷日時": f"2026/11/26 {time}",
            "お届け先電話番号": person.phone,
            "お届け先郵便番号": person.postal.replace("-", ""),
            "お届け先住所１": city,
            "お届け先住所２": street,
            "お届け先住所３": building,
            "お届け先名称１": person.jis_name,
            "お客様管理ナンバー": cart.cart_no,
            "お客様コード": "047398552100",
            "荷送人電話番号": SENDER["phone"],
            "ご依頼主電話番号": SENDER["phone"],
            "ご依頼主郵便番号": SENDER["postal"],
            "ご依頼主住所１": SENDER["city"],
            "ご依頼主住所２": SENDER["street"],
            "ご依頼主名称１": SENDER["name"],
            "荷姿コード": "001",
            "品名１": cart.lines[0].item.kind,
            "出荷個数": "1",
            "便種（スピードで選択）": "000",
            "便種（商品）": "001",
            "営業店止め": "0",
            "元着区分": "1",
            "削除区分": "0",
        }
        rows.append(values)
        DISPATCH.append(
            DispatchRow(
                name,
                row_no(name, rows),
                key,
                list(range(len(cart.lines))),
                cart.cart_no,
                tracking,
                "佐川急便",
                note="reference = カート番号 (お客様管理ナンバー)",
            )
        )
    emit(name, rows)


def write_sagawa_ehiden3() -> None:
    name = "sagawa-ehiden3.csv"
    rows: list[dict[str, str]] = []
    for n, key in enumerate(["P04", "P05", "P06"]):
        cart, person = BY_KEY[key], PEOPLE[key]
        tracking = mod7(f"3602441830{n + 4}")
        by_order = key == "P06"
        ref = cart.lines[0].order_no if by_order else cart.cart_no
        city, street, building = _person_row_values(person)
        values = {
            "お届け先電話番号": person.phone,
            "お届け先郵便番号": person.postal,
            "お届け先住所１": city,
            "お届け先住所２": street,
            "お届け先住所３": building,
            "お届け先名称１": person.jis_name,
            "お客様管理番号": ref,
            "お客様コード": "047398552100",
            "荷送人電話番号": SENDER["phone"],
            "ご依頼主電話番号": SENDER["phone"],
            "ご依頼主郵便番号": SENDER["postal"],
            "ご依頼主住所１": SENDER["city"],
            "ご依頼主住所２": SENDER["street"],
            "ご依頼主名称１": SENDER["name"],
            "荷姿": "001",
            "品名１": cart.lines[0].item.kind,
            "出荷個数": "1",
            "スピード指定": "000",
            "クール便指定": "001",
            "営業所受取": "0",
            "元着区分": "1",
            "出荷日": "20261126",
            "お問い合せ送り状No.": tracking,
        }
        if cart.gift_from:
            values["品名２"] = "ギフト"
        rows.append(values)
        DISPATCH.append(
            DispatchRow(
                name,
                row_no(name, rows),
                key,
                list(range(len(cart.lines))),
                ref,
                tracking,
                "佐川急便",
                note="reference = 注文番号"
                if by_order
                else "reference = カート番号; covers every order of the cart",
            )
        )
    emit(name, rows)


def write_japanpost_yupri() -> None:
    name = "japanpost-yupri.csv"
    rows: list[dict[str, str]] = []
    p08_master = mod7("15084427661")
    parcels = [
        ("P07", mod7("15084427660"), "", "0", "", ""),
        ("P08", p08_master, p08_master, "0", "2", "parcel 1 of 2 (代表お問い合わせ番号 = itself)"),
        ("P08", mod7("15084427662"), p08_master, "0", "2", "parcel 2 of 2"),
        ("P09", mod7("11562093155"), "", "9", "", "郵便種別 9 = ゆうパケット"),
    ]
    for key, tracking, master, kind, pieces, note in parcels:
        cart, person = BY_KEY[key], PEOPLE[key]
        line = cart.lines[0]
        city, street, building = _person_row_values(person)
        values = {
            "お客様側管理番号": cart.cart_no,
            "お問い合わせ番号": tracking,
            "代表お問い合わせ番号": master,
            "発送予定日": "20261126",
            "郵便種別": kind,
            "保冷種別": "0",
            "元／着払／代引": "0",
            "お届け先 郵便番号": person.postal,
            "お届け先 住所１": city,
            "お届け先 住所２": street,
            "お届け先 住所３": building,
            "お届け先 名称１": person.jis_name,
            "お届け先 敬称区分": "0",
            "お届け先 電話番号": person.phone,
            "お届け先 局留め区分": "0",
            "ご依頼主 郵便番号": SENDER["postal"],
            "ご依頼主 住所１": SENDER["city"],
            "ご依頼主 住所２": SENDER["street"],
            "ご依頼主 住所３": SENDER["building"],
            "ご依頼主 名称１": SENDER["name"],
            "ご依頼主 電話番号": SENDER["phone"],
            "受注番号": line.order_no,
            "配達希望時間帯区分": "00",
            "複数個口数": pieces,
            "記事名１": line.item.kind,
            "送り状発行年月日": "20261126",
            "商品番号（明細）": line.item.seller_code,
            "品名（明細）": line.item.name,
            "個数（明細）": str(line.qty),
        }
        rows.append(values)
        carrier = "ゆうパケット" if kind == "9" else "ゆうパック"
        codes = ["MULTI_PACKAGE"] if key == "P08" else []
        DISPATCH.append(
            DispatchRow(
                name,
                row_no(name, rows),
                key,
                [0],
                cart.cart_no,
                tracking,
                carrier,
                codes,
                note=note or "reference = カート番号",
            )
        )
    emit(name, rows)


def write_clickpost() -> None:
    name = "clickpost.csv"
    rows: list[dict[str, str]] = []
    for n, (key, applied) in enumerate(
        [("P10", "09:12:05"), ("P11", "09:13:40"), ("P12", "09:15:22")]
    ):
        cart, person = BY_KEY[key], PEOPLE[key]
        tracking = mod7(f"6281194037{n + 2}")
        applied_at = _ts(f"11/26 {applied}")
        paid_at = applied_at + dt.timedelta(seconds=47)
        values = {
            "お問い合わせ番号": tracking,
            "申込日時": _fmt_ts(applied_at),
            "支払日時": _fmt_ts(paid_at),
            "お届け先郵便番号": person.postal,
            "お届け先氏名": person.jis_name,
            "お届け先敬称": "様",
            "お届け先住所1行目": person.city,
            "お届け先住所2行目": person.street,
            "お届け先住所3行目": person.jis_building,
            "内容品": cart.lines[0].item.kind,
            "ご依頼主郵便番号": SENDER["postal"],
            "ご依頼主氏名": SENDER["name"],
            "ご依頼主住所1行目": SENDER["city"],
            "ご依頼主住所2行目": SENDER["street"],
            "ご依頼主住所3行目": SENDER["building"],
            "支払方法": "Amazon Pay",
            "状態": "支払済",
        }
        rows.append(values)
        DISPATCH.append(
            DispatchRow(
                name,
                row_no(name, rows),
                key,
                [0],
                "",
                tracking,
                "クリックポスト",
                ["FALLBACK_MATCH"],
                note="Click Post has no reference and no phone: postal code + name only",
            )
        )
    emit(name, rows)


def write_seino_km2() -> None:
    name = "seino-km2.csv"
    rows: list[dict[str, str]] = []
    for n, (key, weight) in enumerate([("P13", "14"), ("P14", "9"), ("P15", "11")]):
        cart, person = BY_KEY[key], PEOPLE[key]
        tracking = f"247031846{n + 1}"
        values = {
            "荷送人コード": "04739855210",
            "西濃発店コード": "0472",
            "出荷予定日": "20261126",
            "お問合せ番号": tracking,
            "管理番号": cart.cart_no,
            "元着区分": "1",
            "原票区分": "1",
            "個数": "1",
            "重量区分": "1",
            "重量（Ｋ)": weight,
            "荷送人名称": SENDER["name"],
            "荷送人住所１": SENDER["city"] + SENDER["street"],
            "荷送人住所２": SENDER["building"],
            "荷送人電話番号": SENDER["phone"],
            "お届け先郵便番号": person.postal,
            "お届け先名称１": person.jis_name,
            "お届け先住所１": person.city + person.street,
            "お届け先住所２": person.jis_building,
            "お届け先電話番号": person.phone,
            "記事１": cart.lines[0].item.kind,
        }
        rows.append(values)
        DISPATCH.append(
            DispatchRow(
                name,
                row_no(name, rows),
                key,
                [0],
                cart.cart_no,
                tracking,
                "西濃運輸",
                note="10-digit Seino number; title line above the header",
            )
        )
    emit(name, rows)


def write_generic_en() -> None:
    name = "generic-en.csv"
    rows: list[dict[str, str]] = []
    for key, tracking, carrier in [
        ("P16", mod7("43962811520"), "Yamato Transport"),
        ("P17", mod7("11562093160"), "Japan Post"),
    ]:
        cart, person = BY_KEY[key], PEOPLE[key]
        values = [cart.lines[0].order_no, tracking, carrier, "2026-11-26"]
        values += [person.name, person.phone, person.postal]
        rows.append(dict(zip(GENERIC_EN_HEADER, values, strict=True)))
        DISPATCH.append(
            DispatchRow(
                name,
                row_no(name, rows),
                key,
                [0],
                cart.lines[0].order_no,
                tracking,
                carrier,
                note="English headers, tab-separated",
            )
        )
    emit(name, rows)


def write_scenario(scenario: dict) -> None:
    """The rows of a scenario file. Each [[row]] has the cells of the sheet by header text
    (`{cart_no}`, `{order_no}`, `{name}`, `{phone}`, `{postal}` stand for those of its case's
    cart) and what the run must make of it: case (omitted: matches nothing), codes, bucket,
    note. Reference, tracking number and carrier are read through the profile, as the tool
    reads them."""
    name, profile = scenario["file"], formats.get(scenario["profile"])
    rows: list[dict[str, str]] = []
    for spec in scenario["row"]:
        cart = BY_KEY.get(spec.get("case", ""))
        facts = {"cart_no": cart.cart_no, "order_no": cart.lines[0].order_no} if cart else {}
        if cart:
            person = cart.person
            facts |= {"name": person.name, "phone": person.phone, "postal": person.postal}
        rows.append({h: str(v).format(**facts) for h, v in spec["cells"].items()})
        found = profile.locate(list(rows[-1]))
        cell = {c: list(rows[-1].values())[i] for c, i in found.items()}
        lines = list(range(len(cart.lines))) if cart else []
        DISPATCH.append(
            DispatchRow(
                name,
                row_no(name, rows),
                cart.key if cart else None,
                lines,
                cell.get("reference", ""),
                cell.get("tracking_no", ""),
                cell.get("carrier")
                or profile.service_codes.get(cell.get("service", ""))
                or profile.carrier,
                spec.get("codes", []),
                spec.get("bucket", "matched"),
                spec.get("note", ""),
            )
        )
    emit(name, rows)


# ----------------------------------------------------------------------------------------------
# xlsx writing (deterministic) and encryption
# ----------------------------------------------------------------------------------------------


@contextlib.contextmanager
def _fixed_crypto_randomness():
    """msoffcrypto draws salts and keys from `secrets` and stamps the OLE container with now():
    pin both so the encrypted sample is reproducible. Never do this for a real secret."""
    import msoffcrypto.method.container.ecma376_encrypted as container
    import msoffcrypto.method.ecma376_agile as agile

    counter = {"n": 0}

    def fake_random(size: int) -> bytes:
        counter["n"] += 1
        out = b""
        while len(out) < size:
            out += hashlib.sha256(f"hanbit-sample-{counter['n']}-{len(out)}".encode()).digest()
        return out[:size]

    class FixedDatetime(dt.datetime):
        @classmethod
        def now(cls, tz=None):  # noqa: ARG003 - signature of datetime.now
            return cls(2026, 11, 26, 0, 40)

    saved = agile._random_buffer, container.datetime
    agile._random_buffer, container.datetime = fake_random, FixedDatetime
    try:
        yield
    finally:
        agile._random_buffer, container.datetime = saved


def encrypt_xlsx(plain: bytes, password: str) -> bytes:
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    with _fixed_crypto_randomness():
        OOXMLFile(io.BytesIO(plain)).encrypt(password, out)
    return out.getvalue()


def write_generic_ko() -> None:
    plain = xlsx_bytes(generic_ko_workbook())
    OUT["generic-ko.xlsx"] = plain
    OUT["generic-ko-protected.xlsx"] = encrypt_xlsx(plain, PASSWORD)


# ----------------------------------------------------------------------------------------------
# Half-width katakana (B2 お届け先名略称カナ)
# ----------------------------------------------------------------------------------------------


def _hankaku_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for cp in range(0xFF61, 0xFFA0):
        full = unicodedata.normalize("NFKC", chr(cp))
        if len(full) == 1:
            table.setdefault(full, chr(cp))
    return table


_HANKAKU = _hankaku_table()


def hankaku(text: str) -> str:
    out = []
    for ch in text:
        if ch in _HANKAKU:
            out.append(_HANKAKU[ch])
            continue
        parts = unicodedata.normalize("NFD", ch)
        if len(parts) == 2 and parts[0] in _HANKAKU and parts[1] in "\u3099\u309a":
            out.append(_HANKAKU[parts[0]] + ("\uff9e" if parts[1] == "\u3099" else "\uff9f"))
        else:
            out.append(" " if ch == "\u3000" else ch)
    return "".join(out)


# ----------------------------------------------------------------------------------------------
# Expected outcomes
# ----------------------------------------------------------------------------------------------

MAIN_DISPATCH = ["yamato-b2.csv", "generic-ko.xlsx"]
EXTRA_DISPATCH = [
    "sagawa-ehiden2.csv",
    "sagawa-ehiden3.csv",
    "japanpost-yupri.csv",
    "clickpost.csv",
    "seino-km2.csv",
    "generic-en.csv",
]

# Per cart: bucket of its order rows in the main scenario (a list = one bucket per line) and
# the order-level codes besides those of its dispatch rows. Unshipped carts get their info
# codes from urgency() below.
MAIN_BUCKET: dict[str, str | list[str]] = {
    "K01": "uploaded",
    "K02": "uploaded",
    "K03": "uploaded",
    "K07": "uploaded",
    "K09": "uploaded",
    "K10": "uploaded",
    "K11": ["uploaded", "uploaded", "unshipped"],
    "K18": "uploaded",
    "K19": "uploaded",
    "K20": "uploaded",
    "K21": "uploaded",
    "K04": "unshipped",
    "K05": "held",
    "K06": "held",
    "K12": "held",
    "K13": "held",
    "K16": "held",
    "K17": "held",
    "K22": "held",
    "K23": "held",
    "K14": "already_dispatched",
    "K15": "held",
    "K08a": "unshipped",
    "K08b": "held",
    "K24": "held",
    "X1": "invalid",
    "X2": "invalid",
    "X3": "not_eligible",
}
for _key in [c.key for c in CARTS if c.key.startswith("P")]:
    MAIN_BUCKET[_key] = "unshipped"


def business_days_after(start: dt.date, end: dt.date) -> int:
    """Japanese business days d with start < d <= end (weekends and 2026 holidays off)."""
    days, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and day not in JP_HOLIDAYS:
            days += 1
    return days


def urgency(cart: Cart) -> list[str]:
    """Info codes of a paid, unshipped order as of TODAY (CONTRACT.md definitions)."""
    paid = cart.paid_date
    assert paid is not None
    codes = []
    if (
        cart.status == "配送遅延"
        or (cart.est and cart.est < TODAY)
        or (not cart.est and (TODAY - paid).days >= 14)
    ):
        codes.append("OVERDUE")
    if business_days_after(paid, TODAY) >= 3:
        codes.append("PENALTY_RISK")
    if not cart.est:
        codes.append("NO_SHIP_DATE")
    # No borderline case: the answer must not depend on how a business day is counted.
    assert cart.est != TODAY, cart.key
    assert not dt.date(2026, 11, 21) <= paid <= dt.date(2026, 11, 24), cart.key
    return codes


def _line_bucket(cart: Cart, i: int, buckets: dict[str, str | list[str]]) -> str:
    value = buckets[cart.key]
    return value[i] if isinstance(value, list) else value


def build_expected() -> dict:
    orders = []
    buckets = ["uploaded", "held", "unshipped", "pending", "not_eligible", "already_dispatched"]
    counts = dict.fromkeys([*buckets, "invalid"], 0)
    for cart in sorted(CARTS, key=lambda c: c.ordered):
        for i, line in enumerate(cart.lines):
            bucket = _line_bucket(cart, i, MAIN_BUCKET)
            counts[bucket] += 1
            codes = sorted(
                {
                    code
                    for r in DISPATCH
                    if r.file in MAIN_DISPATCH and r.cart == cart.key and i in r.lines
                    for code in r.codes
                    if code != "duplicate"
                }
            )
            if bucket == "unshipped":
                codes += urgency(cart)
            if cart.key == "K11" and i == 2:
                codes = ["PARTIAL_CART"] + urgency(cart)
            if cart.key in ("X1", "X2"):
                codes = ["INVALID_ROW"]
            uploaded = [
                r
                for r in DISPATCH
                if r.file in MAIN_DISPATCH
                and r.cart == cart.key
                and i in r.lines
                and bucket == "uploaded"
            ]
            orders.append(
                {
                    "order_no": line.order_no,
                    "cart_no": cart.cart_no or None,
                    "status": cart.status,
                    "listing_carrier": cart.carrier,
                    "paid": _fmt_ts(cart.paid) or None,
                    "est_ship_date": _fmt_date(cart.est) or None,
                    "export_tracking_no": cart.export_tracking or None,
                    "bucket": bucket,
                    "codes": codes,
                    "upload_tracking_no": _digits(uploaded[0].tracking) if uploaded else None,
                    "case": cart.key,
                }
            )
    assert sum(counts.values()) == len(orders)
    dispatch_counts = dict.fromkeys(["matched", "unmatched", "invalid", "duplicate"], 0)
    for r in DISPATCH:
        if r.file in MAIN_DISPATCH:
            dispatch_counts[r.bucket] += 1
    return {"orders": orders, "order_buckets": counts, "dispatch_buckets": dispatch_counts}


def _digits(raw: str) -> str:
    text = unicodedata.normalize("NFKC", raw).replace("-", "")
    return text


def _case_entry(cart_key: str | None, rows: list[DispatchRow], note: str = "") -> dict:
    cart = BY_KEY.get(cart_key) if cart_key else None
    line_idx = sorted({i for r in rows for i in r.lines}) if rows else []
    if cart and not line_idx:
        line_idx = list(range(len(cart.lines)))
    return {
        "case": cart_key,
        "order_no": [cart.lines[i].order_no for i in line_idx] if cart else [],
        "cart_no": (cart.cart_no or None) if cart else None,
        "tracking_no": sorted({_digits(r.tracking) for r in rows if r.tracking}),
        "tracking_raw": [r.tracking for r in rows],
        "rows": [{"file": r.file, "row": r.row} for r in rows],
        "note": note or "; ".join(r.note for r in rows if r.note),
    }


def build_cases(files: list[str], orders: list[dict]) -> dict[str, list[dict]]:
    cases: dict[str, list[dict]] = {}
    rows = [r for r in DISPATCH if r.file in files]
    by_code: dict[tuple[str, str | None], list[DispatchRow]] = {}
    for r in rows:
        for code in r.codes:
            key = r.cart if r.cart else f"{r.file}:{r.row}"
            by_code.setdefault((code, key), []).append(r)
    for (code, key), group in by_code.items():
        cart_key = key if key in BY_KEY else None
        if code == "AMBIGUOUS_MATCH":
            entry = _case_entry(None, group)
            entry["candidates"] = [
                {
                    "case": k,
                    "cart_no": BY_KEY[k].cart_no,
                    "order_no": [ln.order_no for ln in BY_KEY[k].lines],
                }
                for k in ("K08a", "K08b")
            ]
        else:
            entry = _case_entry(cart_key, group)
        if code == "PARTIAL_CART":
            entry["unshipped_order_no"] = [BY_KEY["K11"].lines[2].order_no]
        if code == "MULTI_PACKAGE":
            entry["uploaded_tracking_no"] = _digits(group[0].tracking)
        cases.setdefault(code, []).append(entry)
    uploaded: dict[str, list[DispatchRow]] = {}
    for r in rows:
        if r.cart and r.bucket == "matched" and not set(r.codes) & ERROR_CODES:
            uploaded.setdefault(r.cart, []).append(r)
    for key, group in uploaded.items():
        if any("MULTI_PACKAGE" in r.codes for r in group):
            uploaded[key] = group[:1]  # the first number goes in the upload, the rest by message
    cases["uploaded"] = [
        _case_entry(k, g)
        for k, g in uploaded.items()
        if any(o["case"] == k and o["bucket"] == "uploaded" for o in orders)
        or files != MAIN_DISPATCH
    ]
    cases.pop("duplicate", None)
    dup = [r for r in rows if r.bucket == "duplicate"]
    if dup:
        cases["duplicate"] = [_case_entry(dup[0].cart, dup, dup[0].note)]
    # The invalid export rows join the dispatch rows' own INVALID_ROW cases (the UMN
    # placeholder, the row linked to X1); the date reminders are the orders' alone.
    invalid_rows = cases.pop("INVALID_ROW", [])
    for code in ("INVALID_ROW", *UNSHIPPED_CODES):
        found = [o for o in orders if code in o["codes"]]
        if code == "INVALID_ROW":
            found = [o for o in found if o["bucket"] == "invalid"]
        if found or (code == "INVALID_ROW" and invalid_rows):
            cases[code] = (invalid_rows if code == "INVALID_ROW" else []) + [
                {
                    "case": o["case"],
                    "order_no": [o["order_no"]],
                    "cart_no": o["cart_no"],
                    "tracking_no": [],
                    "tracking_raw": [],
                    "rows": [],
                    "note": _order_note(code, o),
                }
                for o in found
            ]
    return dict(sorted(cases.items()))


# The codes that keep an order out of the upload, from the program's one table of codes.
ERROR_CODES = code_table.names(severity=code_table.ERROR)
UNSHIPPED_CODES = code_table.listed(about=code_table.UNSHIPPED)


def _order_note(code: str, order: dict) -> str:
    if code == "INVALID_ROW":
        if order["cart_no"] is None:
            return "カート番号 is empty (required)"
        return f"注文番号 {order['order_no']!r} is not numeric (letter O for a zero)"
    cart = BY_KEY[order["case"]]
    paid = cart.paid_date
    bdays = business_days_after(paid, TODAY) if paid else 0
    parts = [f"status {cart.status}", f"paid {paid}", f"{bdays} business days since payment"]
    parts.append(f"est ship date {cart.est}" if cart.est else "no est ship date")
    return ", ".join(parts)


def file_facts() -> dict[str, dict]:
    """What each sample file is, from its layout (expected.json's "files")."""
    facts = {}
    for name, layout in SAMPLES.items():
        profile, dialect = formats.get(layout.profile), layout.dialect
        kind = {"kind": profile.kind, "format": profile.name}
        size = {
            "header_row": 0 if layout.headerless else 1 + len(layout.title),
            "columns": len(layout.columns),
            "rows": sum(len(c.lines) for c in CARTS)
            if profile.kind == "orders"
            else sum(1 for r in DISPATCH if r.file == name.replace("-protected", "")),
        }
        if dialect["format"] == "xlsx":
            facts[name] = {**kind, "encoding": "xlsx", **size, "sheet": layout.sheet}
            continue
        encoding = dialect["encoding"]
        text = {"encoding": encoding, "bom": encoding == "utf-8-sig", "quoting": dialect["quoting"]}
        lines = {"delimiter": dialect["delimiter"], "line_ending": dialect["newline"]}
        if lines == {"delimiter": ",", "line_ending": "CRLF"}:  # the common case first
            head = {"header_row": size.pop("header_row"), **lines}
            facts[name] = {**head, **kind, **text, **size}
        else:
            facts[name] = {**kind, **dict(list(text.items())[:2]), **lines, **text, **size}
        if name in INFERRED:
            facts[name]["inferred_layout"] = True
    protected = facts["generic-ko-protected.xlsx"]
    facts["generic-ko-protected.xlsx"] = {
        **{k: protected[k] for k in ("kind", "format")},
        "encoding": "xlsx (OOXML agile encryption)",
        "password": PASSWORD,
        **{k: protected[k] for k in ("header_row", "columns", "rows", "sheet")},
        "same_content_as": "generic-ko.xlsx",
    }
    return facts


def build_all_run(main: dict) -> dict:
    """Every dispatch file together: the extra sheets ship the orders main leaves unshipped."""
    buckets = dict(MAIN_BUCKET)
    for key in [c.key for c in CARTS if c.key.startswith("P")]:
        buckets[key] = "uploaded"
    counts = dict.fromkeys(main["order_buckets"], 0)
    for cart in CARTS:
        for i in range(len(cart.lines)):
            counts[_line_bucket(cart, i, buckets)] += 1
    rows = [r for r in DISPATCH if r.file in MAIN_DISPATCH + EXTRA_DISPATCH]
    dispatch_counts = dict.fromkeys(main["dispatch_buckets"], 0)
    for r in rows:
        dispatch_counts[r.bucket] += 1
    extra = [r for r in DISPATCH if r.file in EXTRA_DISPATCH]
    return {
        "dispatch": MAIN_DISPATCH + EXTRA_DISPATCH,
        "order_buckets": counts,
        "dispatch_buckets": dispatch_counts,
        "additional_cases": build_cases(EXTRA_DISPATCH, []),
        "still_unshipped": [BY_KEY[k].lines[i].order_no for k, i in (("K08a", 0), ("K11", 2))],
        "uploaded_by_extra_files": [
            {
                "file": r.file,
                "row": r.row,
                "case": r.cart,
                "cart_no": BY_KEY[r.cart].cart_no,
                "order_no": [BY_KEY[r.cart].lines[i].order_no for i in r.lines],
                "tracking_no": r.tracking,
                "carrier": r.carrier,
                "codes": r.codes,
            }
            for r in extra
        ],
    }


def dispatch_rows_json(files: list[str]) -> list[dict]:
    out = []
    for r in DISPATCH:
        if r.file not in files:
            continue
        cart = BY_KEY.get(r.cart) if r.cart else None
        out.append(
            {
                "file": r.file,
                "row": r.row,
                "reference": r.reference or None,
                "tracking_raw": r.tracking or None,
                "tracking_no": _digits(r.tracking)
                if mod7_ok(_digits(r.tracking)) or re.fullmatch(r"\d{10}", r.tracking)
                else None,
                "carrier": r.carrier,
                "case": r.cart,
                "order_no": [cart.lines[i].order_no for i in r.lines] if cart else [],
                "cart_no": cart.cart_no if cart else None,
                "bucket": r.bucket,
                "codes": [c for c in r.codes if c != "duplicate"],
                "note": r.note,
            }
        )
    return out


def write_expected() -> dict:
    main = build_expected()
    data = {
        "version": 1,
        "today": TODAY.isoformat(),
        "shop": SHOP,
        "password": PASSWORD,
        "conventions": {
            "row": "spreadsheet row number: the header row of a plain CSV is row 1, so the first "
            "data row is 2; a CSV record with an embedded newline is still one row",
            "business_days_since_payment": "Japanese business days d with paid < d <= today "
            "(weekends, 2026-11-03 and 2026-11-23 off)",
            "penalty_risk": "3 or more business days since payment",
            "overdue": "status 配送遅延, or est ship date < today, or no est ship date and "
            "14+ days since payment",
            "no_borderline": "no unshipped paid order was paid 2026-11-21..24 or has est ship "
            "date = today, so either counting convention gives the same codes",
        },
        "files": file_facts(),
        "main": {
            "command": "qoo10-dispatch run --orders samples/qsm-detail-ja.csv "
            "--dispatch samples/yamato-b2.csv --dispatch samples/generic-ko.xlsx "
            "--out out --today 2026-11-26",
            "orders": "qsm-detail-ja.csv",
            "dispatch": MAIN_DISPATCH,
            "order_buckets": main["order_buckets"],
            "dispatch_buckets": main["dispatch_buckets"],
            "cases": build_cases(MAIN_DISPATCH, main["orders"]),
            "orders_detail": main["orders"],
            "dispatch_rows": dispatch_rows_json(MAIN_DISPATCH),
            "same_outcome_with": [
                "qsm-detail-ja.xlsx",
                "qsm-detail-ko.csv",
                "generic-ko-protected.xlsx (instead of generic-ko.xlsx, with --password)",
            ],
            "with_brief_orders": {
                "files": ["qsm-brief-ja.csv", "qsm-brief-ko.csv"],
                "difference": "a brief file has no phone, postal code or address, so the two "
                "blank-reference B2 rows cannot be fallback-matched: yamato-b2.csv "
                "rows 8 and 9 become UNMATCHED_DISPATCH and the K07 order stays "
                "unshipped (NO_SHIP_DATE) instead of uploaded",
                "yamato_rows_unmatched": [8, 9],
                "order_no_unshipped_instead_of_uploaded": [BY_KEY["K07"].lines[0].order_no],
            },
        },
        "all_dispatch_files": build_all_run(main),
        # Each scenario file (samples/scenarios/) run alone beside qsm-detail-ja.csv: its rows.
        "scenario_files": {sc["file"]: dispatch_rows_json([sc["file"]]) for sc in SCENARIOS},
        "judgment_calls": [
            "UMN placeholder (yamato-b2 row 5) is an INVALID_ROW (label not issued yet): the "
            "dispatch row is bucketed invalid and its order stays unshipped, so the date watch "
            "keeps an eye on it",
            "TRACKING_CONFLICT order (K15) is counted as held: a number was found for it and an "
            "error blocks it, although the export already carries another number",
            "SHIPPED_UNPAID / SHIPPED_CANCELLED orders are counted as held (a number was found, "
            "an error blocks it), not as not_eligible",
            "the 定形外郵便 row (generic-ko row 8) has a blank 송장번호; it is expected as "
            "CARRIER_UNTRACKABLE on a matched row, not as INVALID_ROW",
            "held and invalid orders were given a future est ship date and a recent payment so "
            "that they trigger no OVERDUE / PENALTY_RISK / NO_SHIP_DATE either way",
            "Click Post rows carry no reference and no phone: matching needs postal code + name",
            "K24's 配送状態 入金確認中 (Korean screen 입금확인중) is no status the tool knows: the "
            "order is held with UNKNOWN_STATUS although a label was printed for it, never "
            "taken for paid",
            "K08b's B2 row has 出荷予定日 2026/11/27, a label printed ahead of tomorrow's pickup: "
            "SHIP_DATE_INVALID holds the order today (the row is matched); the 11/27 run offers "
            "it",
            "the B2 row for X1 names its 注文番号, whose export row is invalid (no カート番号): "
            "the row is matched, linked to that export row and reported as INVALID_ROW",
        ],
    }
    OUT["expected.json"] = (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode()
    return data


# ----------------------------------------------------------------------------------------------
# README
# ----------------------------------------------------------------------------------------------

CASE_ORDER = [
    "uploaded",
    "FALLBACK_MATCH",
    "AMBIGUOUS_MATCH",
    "UNMATCHED_DISPATCH",
    "MULTI_PACKAGE",
    "SPLIT_CART",
    "PARTIAL_CART",
    "SHIPPED_UNPAID",
    "SHIPPED_CANCELLED",
    "ALREADY_DISPATCHED",
    "TRACKING_CONFLICT",
    "DUPLICATE_TRACKING",
    "TRACKING_INVALID",
    "TRACKING_MANGLED",
    "CARRIER_MISMATCH",
    "CARRIER_UNTRACKABLE",
    "CARRIER_UNKNOWN",
    "UNKNOWN_STATUS",
    "SHIP_DATE_INVALID",
    "INVALID_ROW",
    "duplicate",
    "OVERDUE",
    "PENALTY_RISK",
    "NO_SHIP_DATE",
]
SHORT = {"yamato-b2.csv": "B2", "generic-ko.xlsx": "KO"}


def _rows_text(entry: dict) -> str:
    return ", ".join(f"{SHORT.get(r['file'], r['file'])} {r['row']}" for r in entry["rows"])


def readme(data: dict) -> str:
    files = data["files"]
    main = data["main"]
    cases = main["cases"]
    lines = [
        "# Sample inputs",
        "",
        f"One business day of one shop: **{SHOP}** (ハンビットソウル), a Korean seller of "
        "cosmetics and snacks on Qoo10 Japan, shipping from a 3PL warehouse in Ichikawa "
        "(Chiba). 'Today' is **Thursday 2026-11-26**; the QSM download was taken at 09:40. "
        "Every name, phone number and address is made up.",
        "",
        "All files are written by `python samples/make_samples.py` from the fixed data in that "
        "script (no clock, no randomness: two runs give identical bytes): each sheet by one "
        "writer (`samples/writer.py`) from its format profile in `schemas/formats/` (header row, "
        "`[file]`: csv or xlsx, encoding, line endings, quoting) and the scenario's rows. Edit "
        "the script or the profile, not the files: `python samples/make_samples.py --check` "
        "(run by the tests) fails naming any file that differs from what it generates. "
        "`expected.json` holds the same facts as this page in machine-readable form "
        "(file formats and row counts, per case the order / cart / tracking numbers and rows, "
        "the expected buckets of every order).",
        "",
        "## The main scenario",
        "",
        "```",
        "qoo10-dispatch run --orders samples/qsm-detail-ja.csv \\",
        "    --dispatch samples/yamato-b2.csv --dispatch samples/generic-ko.xlsx \\",
        "    --out out --today 2026-11-26",
        "```",
        "",
        "Expected reconciliation: orders "
        + ", ".join(f"{k} {v}" for k, v in main["order_buckets"].items())
        + f" (total {sum(main['order_buckets'].values())}); dispatch rows "
        + ", ".join(f"{k} {v}" for k, v in main["dispatch_buckets"].items())
        + f" (total {sum(main['dispatch_buckets'].values())}).",
        "",
        "The same outcome comes from `qsm-detail-ja.xlsx` or `qsm-detail-ko.csv` as orders file, "
        f"and from `generic-ko-protected.xlsx --password {PASSWORD}` instead of "
        "`generic-ko.xlsx` (use one or the other, not both: they hold the same rows). With a "
        "brief orders file (`qsm-brief-*.csv`: no phone, postal code or address) the two "
        "blank-reference rows of `yamato-b2.csv` (rows 8, 9) cannot be fallback-matched and "
        "become UNMATCHED_DISPATCH.",
        "",
        "Adding every other courier sheet ships the orders the main scenario leaves unshipped; "
        "nothing is shipped twice:",
        "",
        "```",
        "qoo10-dispatch run --orders samples/qsm-detail-ja.csv \\",
        "    --dispatch samples/yamato-b2.csv --dispatch samples/generic-ko.xlsx \\",
        "    --dispatch samples/sagawa-ehiden2.csv --dispatch samples/sagawa-ehiden3.csv \\",
        "    --dispatch samples/japanpost-yupri.csv --dispatch samples/clickpost.csv \\",
        "    --dispatch samples/seino-km2.csv --dispatch samples/generic-en.csv \\",
        "    --out out --today 2026-11-26",
        "```",
        "",
        "## Files",
        "",
        "| file | format (profile) | encoding | data rows | quirks |",
        "|---|---|---|---|---|",
    ]
    quirks = {
        "qsm-detail-ja.csv": "45-column JP detail header (with ギフト注文); CRLF; QUOTE_MINIMAL; "
        'amounts with thousands separators (`"2,480"`); 郵便番号 as `\'150-0001`; empty '
        'mobile as `-`; a 配送要請事項 with a comma and a newline (quoted) and one with `"`; '
        "CP932-only characters 髙橋, 山﨑, ① (not encodable as shift_jis); the 入金待ち rows "
        "have no name, phone or address",
        "qsm-detail-ja.xlsx": "same rows as the JP detail CSV; 注文番号, カート番号, 送り状番号, "
        "数量 and amounts as numeric cells (the broken 注文番号 stays text); dates as text; "
        "郵便番号 without the apostrophe",
        "qsm-detail-ko.csv": '46-column KR detail header incl. `"할인액 "` (trailing space) '
        "and 수화물 보관함 서비스; QUOTE_ALL; CRLF; statuses in Korean (배송요청, 배송준비중, "
        "배송지연, 입금대기, 취소, 배송중, 입금확인중); amounts without separators",
        "qsm-detail-ja-2022.csv": "the form of a real 2022 download: 44 columns (no ギフト注文), "
        "UTF-8 with BOM, LF, every field quoted, 発送日 as `20261125` (yyyymmdd) beside 注文日 "
        "`2026/11/09 22:41:07`: the upload writes 発送日 as yyyymmdd; same rows as the JP "
        "detail CSV",
        "qsm-brief-ja.csv": "15-column JP brief (no address, phone, amounts)",
        "qsm-brief-ko.csv": "16-column KR brief; QUOTE_ALL",
        "yamato-b2.csv": "95-column B2 Cloud 基本レイアウト, three columns named 予備; names "
        "with JIS-only kanji (高橋 for 髙橋, 山崎 for 山﨑) as B2 requires; 略称カナ in half-width "
        "kana; service codes 0, 7 and A; see the cases below",
        "generic-ko.xlsx": "title row and note row (merged cells) above the Korean header on "
        "row 3; 주문번호 and most 송장번호 as numeric cells; 발송일 as real Excel dates; "
        "one full-width tracking number, one hyphenated; Japanese carrier names plus 기타",
        "generic-ko-protected.xlsx": f"byte-for-byte the same workbook, encrypted (OOXML agile) "
        f"with password `{PASSWORD}`",
        "sagawa-ehiden2.csv": "53-column e飛伝Ⅱ 出荷履歴: tracking in column 1, お客様管理ナンバー "
        "in column 13; 出荷日時 `2026/11/26 10:42`; postal codes without hyphen",
        "sagawa-ehiden3.csv": "74-column e飛伝Ⅲ 標準_飛脚宅配便: お客様管理番号 col 10, "
        "出荷日 col 61 (`20261126`), お問い合せ送り状No. col 62; one row references a 注文番号",
        "japanpost-yupri.csv": "119-column ゆうプリR 郵便・ゆうパック標準 filter (headers with a "
        "half-width space: `お届け先 郵便番号`); one 2-parcel shipment with 代表お問い合わせ番号; "
        "郵便種別 0 and 9",
        "clickpost.csv": "**inferred layout** (no public spec): お問い合わせ番号, 申込日時, "
        "支払日時, まとめ申込 address columns, 内容品; no reference, no phone; numbers start 628",
        "seino-km2.csv": "44-column カンガルーマジック2 layout with a title line above the header "
        "(header on row 2); 10-digit お問合せ番号; 管理番号 = カート番号",
        "generic-en.csv": "English headers, tab-separated, LF line ends; carriers written "
        "`Yamato Transport`, `Japan Post`",
        **QUIRKS,
    }
    for name, fact in files.items():
        enc = fact["encoding"]
        if fact.get("delimiter") == "\t":
            enc += ", TAB"
        lines.append(
            f"| `{name}` | {fact['kind']}: `{fact['format']}` | {enc} | {fact['rows']} "
            f"| {quirks[name]} |"
        )
    lines += [
        "",
        "## Which order or row shows which case (main scenario)",
        "",
        "Rows are spreadsheet row numbers: **B2** = `yamato-b2.csv` (header = row 1), **KO** = "
        "`generic-ko.xlsx` (header = row 3). A case key (K01…) names a cart in "
        "`make_samples.py` and in `expected.json`.",
        "",
        "| case code | case | 注文番号 | カート番号 | tracking no. | rows | what it is |",
        "|---|---|---|---|---|---|---|",
    ]
    for code in CASE_ORDER:
        for entry in cases.get(code, []):
            if code in UNSHIPPED_CODES:
                continue
            if code == "uploaded" and len(entry["rows"]) == 1 and entry["case"] == "K09":
                entry = {**entry, "note": "first parcel of the MULTI_PACKAGE case"}
            tracking = " ".join(entry["tracking_raw"] or entry["tracking_no"]) or "—"
            note = entry["note"]
            if code == "AMBIGUOUS_MATCH":
                cands = entry["candidates"]
                note += (
                    " (candidates: "
                    + ", ".join(f"{c['case']} cart {c['cart_no']}" for c in cands)
                    + ")"
                )
            lines.append(
                f"| {code} | {entry['case'] or '—'} | {' '.join(entry['order_no']) or '—'} "
                f"| {entry['cart_no'] or '—'} | {tracking} | {_rows_text(entry) or '—'} "
                f"| {note} |"
            )
    for code in UNSHIPPED_CODES:
        found = cases.get(code, [])
        keys = ", ".join(dict.fromkeys(e["case"] for e in found))
        numbers = " ".join(n for e in found for n in e["order_no"])
        lines.append(
            f"| {code} | {keys} | {numbers} | see below | — | — "
            f"| {len(found)} unshipped paid orders, listed in the next table |"
        )
    lines += [
        "",
        "### Unshipped paid orders by urgency (today 2026-11-26)",
        "",
        "Business days since payment count Japanese business days after the payment date up "
        "to today (11-23 勤労感謝の日 is a holiday). No order sits on a boundary, so counting the "
        "payment day or not gives the same answer.",
        "",
        "| case | 注文番号 | カート番号 | status | paid | est ship date | codes | shipped by "
        "(all-files run) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    shipped_by = {}
    for r in DISPATCH:
        if r.file in EXTRA_DISPATCH:
            shipped_by.setdefault(r.cart, r.file)
    for order in main["orders_detail"]:
        if order["bucket"] != "unshipped":
            continue
        info = [c for c in order["codes"] if c in UNSHIPPED_CODES]
        lines.append(
            f"| {order['case']} | {order['order_no']} | {order['cart_no']} | {order['status']} "
            f"| {order['paid'][:10]} | {order['est_ship_date'] or '—'} "
            f"| {', '.join(info) or '— (nothing due yet)'} "
            f"| {shipped_by.get(order['case'], '— (stays unshipped)')} |"
        )
    all_run = data["all_dispatch_files"]
    lines += [
        "",
        "## All dispatch files together",
        "",
        "Expected reconciliation: orders "
        + ", ".join(f"{k} {v}" for k, v in all_run["order_buckets"].items())
        + "; dispatch rows "
        + ", ".join(f"{k} {v}" for k, v in all_run["dispatch_buckets"].items())
        + ". On top of the main scenario's exceptions: MULTI_PACKAGE for "
        f"{BY_KEY['P08'].lines[0].order_no} (ゆうプリR 2-parcel shipment, the 代表 number is "
        "uploaded) and FALLBACK_MATCH for the three Click Post rows; the OVERDUE / PENALTY_RISK / "
        "NO_SHIP_DATE reminders of the shipped orders disappear. Still unshipped: "
        + ", ".join(all_run["still_unshipped"])
        + ".",
        "",
        "## Notes and judgment calls",
        "",
    ]
    lines += [f"- {text}" for text in data["judgment_calls"]]
    lines += [
        "- The B2 service code 7 is read as ネコポス (older CSV layout); current B2 Cloud uses A "
        "for ネコポス. Both occur in `yamato-b2.csv`.",
        "- Listing carrier names (配送会社) are those QSM shows: ヤマト宅急便, ネコポス, 佐川急便, "
        "ゆうパケット, ゆうパック, クリックポスト, 西濃運輸.",
        "- The QSM 配送状態 values used: 配送要請, 配送準備中, 配送遅延, 入金待ち, キャンセル, "
        "配送中 (Korean: 배송요청, 배송준비중, 배송지연, 입금대기, 취소, 배송중), and 入금確認中 "
        "(입금확인중), which the tool does not know on purpose. Orders with an "
        "est ship date in the past still say 配送準備中: the download predates QSM's switch "
        "to 配送遅延.",
        "- Seino numbers (10 digits) have no known check digit; Click Post numbers are made to "
        "pass mod 7 although that is not verified for real ones.",
        "",
    ]
    return "\n".join(lines)


# ----------------------------------------------------------------------------------------------


def check() -> None:
    """Self-checks on the generated data (fail loudly rather than write wrong samples)."""
    numbers = [_digits(r.tracking) for r in DISPATCH if r.tracking]
    for r in DISPATCH:
        raw = _digits(r.tracking)
        # An INVALID_ROW of a matched row is its order's (X1), not the row's own number; a row
        # invalid for its placeholder number (UMN) has none, one invalid otherwise (a cancelled
        # line) a good one.
        broken = {"TRACKING_INVALID", "TRACKING_MANGLED"} & set(r.codes) or r.tracking.startswith(
            "UMN"
        )
        if r.tracking and not broken and r.carrier != "西濃運輸":
            assert mod7_ok(raw), (r.file, r.row, r.tracking)
        if broken:
            assert not mod7_ok(raw), (r.file, r.row)
    cart_nos = {c.cart_no for c in CARTS}
    order_nos = {ln.order_no for c in CARTS for ln in c.lines}
    assert "78291577" not in cart_nos | order_nos
    assert len(order_nos) == sum(len(c.lines) for c in CARTS)
    assert not set(numbers) & {c.export_tracking for c in CARTS if c.key != "K14"}
    for cart in CARTS:
        assert cart.cart_no == "" or len(cart.cart_no) == 8, cart.key
        for line in cart.lines:
            assert len(line.order_no) == 9 and line.order_no.startswith(("1046", "1O46"))


def generate() -> dict[str, bytes]:
    """Every file of samples/ this script owns, name -> bytes, built in memory."""
    OUT.clear()
    DISPATCH.clear()
    assign_numbers()
    write_orders()
    write_yamato_b2()
    write_generic_ko()
    write_sagawa_ehiden2()
    write_sagawa_ehiden3()
    write_japanpost_yupri()
    write_clickpost()
    write_seino_km2()
    write_generic_en()
    for scenario in SCENARIOS:
        write_scenario(scenario)
    check()
    data = write_expected()
    OUT["README.md"] = readme(data).encode()
    return dict(OUT)


def stale(generated: dict[str, bytes]) -> list[str]:
    """The files of samples/ that differ from what this script generates (or are missing)."""
    return [
        n for n, b in generated.items() if not (HERE / n).is_file() or (HERE / n).read_bytes() != b
    ]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    generated = generate()
    if args == ["--check"]:  # like `cog --check`: regenerate in memory, compare, write nothing
        differ = stale(generated)
        for name in differ:
            print(
                f"samples/{name} differs from what make_samples.py generates: run it",
                file=sys.stderr,
            )
        return 1 if differ else 0
    if args:
        print("usage: python samples/make_samples.py [--check]", file=sys.stderr)
        return 2
    for name, data in generated.items():
        (HERE / name).write_bytes(data)
    print(f"wrote {len(generated)} files to {HERE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
