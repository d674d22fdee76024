"""A synthetic busy day for the benchmark: N QSM order lines and the courier sheets shipping them.

    python benchmarks/generate.py N OUTDIR [--no-xlsx] [--no-csv]

Writes into OUTDIR:
- ``orders-N.csv``: the QSM 配送要請 detail download, Japanese screen (45 columns), CP932,
  CRLF, QUOTE_MINIMAL: dates ``2026/11/24 10:12:33``, 郵便番号 ``'150-0001``, phones
  ``090-1234-5678``, empty mobile ``-``, amounts with thousands separators (quoted), names
  with CP932-only characters (髙, 﨑, ①), now and then a 配送要請事項 with a comma, a ``"`` or
  a line break; carts of 1-3 lines; 入金待ち rows without name, phone or address.
- ``yamato-b2-N.csv``: Yamato B2 Cloud issued data (95 columns, CP932, CRLF) for those orders.
- ``generic-N.xlsx``: the same dispatch rows in a generic 3PL sheet (title row, header on
  row 2; 注文番号 and 送り状番号 as numeric cells, 発送日 as a date cell).
- ``manifest-N.json``: row counts and how many of each planted problem.

The dispatch rows carry a few percent of problems: wrong check digits, numbers mangled by
Excel, B2 placeholders, unknown references, blank references (fallback), second parcels,
carts split over parcels or partly shipped, rows pasted twice, carrier mismatches, shipped
unpaid / cancelled / already dispatched orders; the orders a few invalid rows.

Deterministic (numpy's PCG64 seeded with SEED and N: same N, same bytes) and vectorised:
columns are built as Arrow arrays of CP932 bytes and joined in C++, so no Python loop runs
over rows. 1M order lines take seconds, not minutes.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import unicodedata
import zipfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the package beside it
from batch import formats  # noqa: E402

SEED = 20261126
DOWNLOAD = np.datetime64("2026-11-26T09:40:00")  # the QSM download of 'today' (2026-11-26)
CHUNK = 200_000  # rows joined at a time (keeps Arrow's 2 GB string offsets far away)
XLSX_TIME = (2026, 11, 26, 9, 40, 0)

# ---------------------------------------------------------------------------------------
# Layouts: the header rows of the format profiles (schemas/formats/*.toml)
# ---------------------------------------------------------------------------------------

QSM_DETAIL_JA = list(formats.get("qsm-detail-ja").header)
B2_HEADER = list(formats.get("yamato-b2").header)
GENERIC_HEADER = [
    "注文番号",
    "送り状番号",
    "配送会社",
    "発送日",
    "受取人名",
    "電話番号",
    "郵便番号",
]
GENERIC_TITLE = "出荷実績 2026/11/26 ハンビット物流 市川センター"
assert len(QSM_DETAIL_JA) == 45 and len(B2_HEADER) == 95

SENDER = {
    "ご依頼主電話番号": "047-398-5521",
    "ご依頼主郵便番号": "272-0014",
    "ご依頼主住所": "千葉県市川市田尻5-12-8",
    "ご依頼主住所（アパートマンション名）": "市川ロジセンター3F",
    "ご依頼主名": "ハンビットソウル 日本出荷センター",
    "ご依頼主略称カナ": "ﾊﾝﾋﾞｯﾄｿｳﾙ",
    "クール区分": "0",
    "敬称": "様",
    "営業所止置き": "0",
    "発行枚数": "1",
    "ご請求先顧客コード": "0473985521",
    "運賃管理番号": "01",
}

# ---------------------------------------------------------------------------------------
# Vocabularies (made up; several names need CP932: 髙 﨑 are not in Shift_JIS)
# ---------------------------------------------------------------------------------------

SURNAMES = [
    ("髙橋", "タカハシ"),
    ("山﨑", "ヤマサキ"),
    ("宮﨑", "ミヤザキ"),
    ("髙木", "タカギ"),
    ("佐藤", "サトウ"),
    ("鈴木", "スズキ"),
    ("田中", "タナカ"),
    ("伊藤", "イトウ"),
    ("渡辺", "ワタナベ"),
    ("山本", "ヤマモト"),
    ("中村", "ナカムラ"),
    ("小林", "コバヤシ"),
    ("加藤", "カトウ"),
    ("吉田", "ヨシダ"),
    ("山田", "ヤマダ"),
    ("佐々木", "ササキ"),
    ("松本", "マツモト"),
    ("井上", "イノウエ"),
    ("木村", "キムラ"),
    ("林", "ハヤシ"),
    ("清水", "シミズ"),
    ("山口", "ヤマグチ"),
    ("森", "モリ"),
    ("池田", "イケダ"),
    ("橋本", "ハシモト"),
    ("阿部", "アベ"),
    ("石川", "イシカワ"),
    ("前田", "マエダ"),
    ("藤田", "フジタ"),
    ("後藤", "ゴトウ"),
    ("岡田", "オカダ"),
    ("長谷川", "ハセガワ"),
    ("村上", "ムラカミ"),
    ("近藤", "コンドウ"),
    ("石井", "イシイ"),
    ("坂本", "サカモト"),
    ("遠藤", "エンドウ"),
    ("青木", "アオキ"),
    ("藤井", "フジイ"),
    ("西村", "ニシムラ"),
]
GIVEN = [
    ("美咲", "ミサキ"),
    ("翔太", "ショウタ"),
    ("恵", "メグミ"),
    ("舞", "マイ"),
    ("玲奈", "レナ"),
    ("菜摘", "ナツミ"),
    ("健太", "ケンタ"),
    ("由美", "ユミ"),
    ("美穂", "ミホ"),
    ("真由", "マユ"),
    ("千尋", "チヒロ"),
    ("奈々", "ナナ"),
    ("彩", "アヤ"),
    ("葵", "アオイ"),
    ("結衣", "ユイ"),
    ("麻衣", "マイ"),
    ("里奈", "リナ"),
    ("久美子", "クミコ"),
    ("真央", "マオ"),
    ("莉子", "リコ"),
    ("愛", "アイ"),
    ("遥", "ハルカ"),
    ("美月", "ミヅキ"),
    ("千夏", "チナツ"),
    ("沙織", "サオリ"),
    ("瞳", "ヒトミ"),
    ("杏奈", "アンナ"),
    ("香織", "カオリ"),
    ("桃子", "モモコ"),
    ("美桜", "ミオ"),
    ("夏美", "ナツミ"),
    ("凛", "リン"),
    ("結菜", "ユナ"),
    ("彩乃", "アヤノ"),
    ("詩織", "シオリ"),
    ("由香", "ユカ"),
    ("里美", "サトミ"),
    ("恵美", "エミ"),
    ("大輔", "ダイスケ"),
    ("陽子", "ヨウコ"),
]
CITIES = [  # (prefecture + city, first 3 postal digits, town)
    ("東京都渋谷区", "150", "神宮前"),
    ("東京都新宿区", "160", "新宿"),
    ("東京都品川区", "141", "西五反田"),
    ("東京都豊島区", "170", "東池袋"),
    ("東京都江東区", "135", "豊洲"),
    ("大阪府大阪市北区", "530", "芝田"),
    ("大阪府大阪市中央区", "542", "西心斎橋"),
    ("神奈川県横浜市神奈川区", "221", "鶴屋町"),
    ("神奈川県横浜市中区", "231", "桜木町"),
    ("神奈川県川崎市中原区", "211", "新丸子東"),
    ("埼玉県さいたま市大宮区", "330", "大門町"),
    ("埼玉県さいたま市南区", "336", "南浦和"),
    ("千葉県千葉市中央区", "260", "中央"),
    ("千葉県船橋市", "273", "本町"),
    ("北海道札幌市中央区", "060", "大通西"),
    ("宮城県仙台市青葉区", "980", "中央"),
    ("愛知県名古屋市東区", "461", "東桜"),
    ("京都府京都市下京区", "600", "東塩小路町"),
    ("兵庫県神戸市中央区", "650", "三宮町"),
    ("広島県広島市中区", "730", "基町"),
    ("福岡県福岡市博多区", "812", "博多駅中央街"),
    ("熊本県熊本市中央区", "862", "水前寺"),
    ("沖縄県那覇市", "900", "久茂地"),
    ("石川県金沢市", "920", "本町"),
    ("岡山県岡山市北区", "700", "駅元町"),
    ("新潟県新潟市中央区", "950", "東大通"),
    ("静岡県静岡市葵区", "420", "御幸町"),
    ("長野県長野市", "380", "南千歳"),
    ("愛媛県松山市", "790", "一番町"),
    ("岐阜県岐阜市", "500", "神田町"),
]
BUILDINGS = [
    "ラ・ポルト神宮前",
    "ハイム鶴屋町",
    "メゾン大通①",
    "サンシャインレジデンス",
    "ポルテ金沢",
    "グランドメゾン五反田",
    "豊洲フロント",
    "新宿マンション",
    "コーポ髙橋",
    "山﨑ハイツ",
    "パークハウス②",
    "シティタワー",
]
ITEMS = [  # (商品番号, 商品名, price, 販売者商品コード, JAN, 品名 on labels)
    (
        "1093847261",
        "【HANBIT】ドクダミ77 鎮静トナー 250ml",
        2480,
        "HB-TN-250",
        "8809412000110",
        "化粧品",
    ),
    (
        "1093847288",
        "【HANBIT】カタツムリ96 ムチンエッセンス 100ml",
        2180,
        "HB-SN-100",
        "8809412000288",
        "化粧品",
    ),
    (
        "1093851107",
        "【HANBIT】シカリペア クリーム 50ml",
        1980,
        "HB-CC-050",
        "8809412000356",
        "化粧品",
    ),
    (
        "1093851139",
        "【HANBIT】緑茶シード セラム 80ml",
        2350,
        "HB-GT-080",
        "8809412000424",
        "化粧品",
    ),
    (
        "1094002716",
        "【HANBIT】米ぬか クレンジングバーム 100ml",
        1880,
        "HB-RB-100",
        "8809412000592",
        "化粧品",
    ),
    (
        "1094002753",
        "【HANBIT】シートマスク 30枚入 選べる3種",
        1650,
        "HB-MK-030",
        "8809412000660",
        "化粧品",
    ),
    (
        "1094315520",
        "韓国お菓子 ハニーバターアーモンド 210g",
        1280,
        "SN-HBA-210",
        "8809413000186",
        "食品（菓子）",
    ),
    ("1094315547", "韓国ラーメン 辛口 5袋セット", 980, "SN-RM-05", "8809413000254", "食品"),
    ("1094315583", "チョコパイ 情 12個入×2箱", 1580, "SN-CP-24", "8809413000322", "食品（菓子）"),
    ("1094400192", "韓国海苔 お弁当用 16袋", 1190, "SN-NR-16", "8809413000490", "食品"),
    ("1094400215", "即席トッポッキ カップ 6個セット", 2280, "SN-TK-06", "8809413000568", "食品"),
    ("1094400238", "ゆず茶 1kg 瓶", 1780, "SN-YJ-1K", "8809413000636", "食品"),
    (
        "1094512804",
        "【業務用】韓国ラーメン 辛口 40袋 ケース",
        5980,
        "BZ-RM-40",
        "8809413000704",
        "食品",
    ),
    (
        "1094512868",
        "【まとめ買い】シートマスク 30枚入×20箱",
        26000,
        "BZ-MK-20",
        "8809412000734",
        "化粧品",
    ),
]
MASK_ITEM = 5
MASK_OPTIONS = [
    ("", ""),
    ("種類:ヒアルロン酸", "'MK-HA"),
    ("種類:シカ", "'MK-CI"),
    ("種類:ビタミンC", "'MK-VC"),
]
NOTES = [
    "置き配希望（玄関前）",
    "不在時は宅配ボックスへお願いします",
    'ゆず茶は瓶なので"ワレモノ"シールをお願いします',
    "午前中着希望, インターホン故障中です",
    "2階の方へ\n届けてください",
    "ギフト包装不要・明細書不要",
]
NOTE_P = [0.35, 0.3, 0.1, 0.15, 0.02, 0.08]
# Listing carrier (QSM 配送会社), its 配送方法, and the B2 送り状種類 a Yamato label gets.
CARRIERS = ["ヤマト宅急便", "ネコポス", "佐川急便", "ゆうパック", "ゆうパケット"]
CARRIER_P = [0.70, 0.18, 0.06, 0.03, 0.03]
METHOD = ["宅配便", "メール便", "宅配便", "宅配便", "メール便"]
FEE = [600, 0, 700, 800, 0]
YAMATO = {0, 1}
STATUSES = ["配送要請", "配送準備中", "配送遅延", "入金待ち", "キャンセル", "配送中"]
STATUS_P = [0.30, 0.61, 0.01, 0.02, 0.01, 0.05]
REQ, PREP, DELAYED, UNPAID, CANCELLED, SHIPPING = range(6)


def _hankaku_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for cp in range(0xFF61, 0xFFA0):
        full = unicodedata.normalize("NFKC", chr(cp))
        if len(full) == 1:
            table.setdefault(full, chr(cp))
    return table


_HANKAKU = _hankaku_table()


def hankaku(text: str) -> str:
    """Full-width katakana to half-width (B2's 略称カナ); per vocabulary entry, not per row."""
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        if ch in _HANKAKU:
            out.append(_HANKAKU[ch])
        elif len(parts) == 2 and parts[0] in _HANKAKU and parts[1] in "\u3099\u309a":
            out.append(_HANKAKU[parts[0]] + ("\uff9e" if parts[1] == "\u3099" else "\uff9f"))
        else:
            out.append(" " if ch == "\u3000" else ch)
    return "".join(out)


def jis(text: str) -> str:
    """B2 takes JIS level 1-2 kanji only: sellers write 高 for 髙, 崎 for 﨑, 1 for ①."""
    return text.replace("髙", "高").replace("﨑", "崎").replace("①", "1").replace("②", "2")


# ---------------------------------------------------------------------------------------
# Arrow helpers: every column is an Arrow binary array of CP932 bytes
# ---------------------------------------------------------------------------------------


def quote(text: str) -> str:
    """csv.QUOTE_MINIMAL for one field."""
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def V(strings, codes, *, quoted: bool = True, encoding: str = "cp932") -> pa.Array:
    """Vocabulary ``strings`` taken at ``codes``, as bytes (quoted for CSV when needed)."""
    table = [quote(s) if quoted else s for s in strings]
    return pa.array([s.encode(encoding) for s in table], pa.binary()).take(
        pa.array(np.asarray(codes, dtype=np.int64))
    )


def num(values, width: int = 0) -> pa.Array:
    """Integers as ASCII digits, left-padded with zeros to ``width``."""
    s = pc.cast(pa.array(np.asarray(values, dtype=np.int64)), pa.string())
    if width:
        s = pc.utf8_lpad(s, width=width, padding="0")
    return pc.cast(s, pa.binary())


def cat(*parts) -> pa.Array:
    """Element-wise concatenation; bytes/str parts are constants."""
    args = [pa.scalar(p.encode("cp932") if isinstance(p, str) else p, pa.binary())
            if isinstance(p, (str, bytes)) else p for p in parts]  # fmt: skip
    return pc.binary_join_element_wise(*args, b"")


def where(mask, yes, no) -> pa.Array:
    def arg(x):
        if isinstance(x, (str, bytes)):
            return pa.scalar(x.encode("cp932") if isinstance(x, str) else x, pa.binary())
        return x

    return pc.if_else(pa.array(np.asarray(mask, dtype=bool)), arg(yes), arg(no))


def money(values) -> pa.Array:
    """1234 -> "1,234" quoted (QSM's Japanese export); below 1000 plain. Values < 1,000,000."""
    v = np.asarray(values, dtype=np.int64)
    big = cat('"', num(v // 1000), ",", num(v % 1000, 3), '"')
    return where(v >= 1000, big, num(v))


def timestamps(t: np.ndarray) -> pa.Array:
    """datetime64[s] -> b"2026/11/24 10:12:33"."""
    days = t.astype("datetime64[D]")
    first = days.min() if len(days) else np.datetime64("2026-11-26")
    d = (days - first).astype(np.int64)
    labels = [str(first + np.timedelta64(i, "D")).replace("-", "/") for i in range(d.max() + 1)]
    sec = (t - days).astype(np.int64)
    pad = [f"{i:02d}" for i in range(60)]
    return cat(V(labels, d), " ", V(pad, sec // 3600), ":", V(pad, sec // 60 % 60), ":",
               V(pad, sec % 60))  # fmt: skip


def dates(d: np.ndarray) -> pa.Array:
    """datetime64[D] -> b"2026/11/27"."""
    first = d.min()
    i = (d - first).astype(np.int64)
    labels = [str(first + np.timedelta64(k, "D")).replace("-", "/") for k in range(i.max() + 1)]
    return V(labels, i)


def phones(rng, n: int) -> pa.Array:
    head = V(["090", "080", "070"], rng.integers(0, 3, n))
    return cat(head, "-", num(rng.integers(1000, 10000, n)), "-", num(rng.integers(0, 10000, n), 4))


def csv_bytes(fields: list, n: int, newline: bytes = b"\r\n") -> list[bytes]:
    """Rows of ``fields`` (Arrow arrays or constant str) joined by "," in chunks of bytes."""
    # Adjacent constants become one constant: fewer arguments to join.
    merged: list = []
    for f in fields:
        if isinstance(f, str) and merged and isinstance(merged[-1], str):
            merged[-1] = merged[-1] + "," + quote(f)
        else:
            merged.append(quote(f) if isinstance(f, str) else f)
    out = []
    for start in range(0, n, CHUNK):
        stop = min(n, start + CHUNK)
        args = [pa.scalar(f.encode("cp932"), pa.binary()) if isinstance(f, str)
                else f.slice(start, stop - start) for f in merged]  # fmt: skip
        rows = pc.binary_join_element_wise(*args, b",")
        rows = pc.binary_join_element_wise(rows, pa.scalar(newline, pa.binary()), b"")
        out.append(_buffer(rows))
    return out


def _buffer(arr: pa.Array) -> bytes:
    """The concatenated values of a binary array, without a Python object per row."""
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int32)
    lo, hi = offsets[arr.offset], offsets[arr.offset + len(arr)]
    return arr.buffers()[2].to_pybytes()[lo:hi] if len(arr) else b""


def header_line(header: list[str]) -> bytes:
    return (",".join(quote(h) for h in header) + "\r\n").encode("cp932")


# ---------------------------------------------------------------------------------------
# The day
# ---------------------------------------------------------------------------------------


def plan(n: int) -> dict:
    """Every fact of the day as numpy arrays: carts, order lines, dispatch rows."""
    rng = np.random.default_rng([SEED, n])
    # --- carts ---
    sizes = rng.choice([1, 2, 3], p=[0.74, 0.19, 0.07], size=n)
    ends = np.cumsum(sizes)
    c = int(np.searchsorted(ends, n)) + 1
    sizes = sizes[:c]
    sizes[-1] -= ends[c - 1] - n
    cart_no = 78_000_000 + np.cumsum(rng.integers(1, 4, c))
    step = sizes + rng.integers(0, 3, c)  # a cart's lines are consecutive 注文番号
    first_order = 104_000_000 + np.cumsum(step) - step
    status = rng.choice(6, p=STATUS_P, size=c)
    carrier = rng.choice(5, p=CARRIER_P, size=c)
    # Ordered mostly in the last day and a half, a tail of older orders.
    age = np.minimum(rng.exponential(0.6 * 86400, c), 9.5 * 86400).astype(np.int64) + 60
    ordered = DOWNLOAD - age.astype("timedelta64[s]")
    ordered = np.sort(ordered)  # the export lists carts by order time
    konbini = rng.random(c) < 0.1
    wait = np.where(konbini, rng.integers(600, 30 * 3600, c), rng.integers(15, 90, c))
    paid = np.minimum(ordered + wait.astype("timedelta64[s]"), DOWNLOAD - np.timedelta64(30, "s"))
    est = paid.astype("datetime64[D]") + rng.integers(1, 4, c).astype("timedelta64[D]")
    est = np.where(status == DELAYED, paid.astype("datetime64[D]") + 1, est)
    has_est = np.isin(status, [PREP, DELAYED, SHIPPING]) | ((status == REQ) & (rng.random(c) < 0.1))
    person = {
        "sur": rng.integers(0, len(SURNAMES), c),
        "given": rng.integers(0, len(GIVEN), c),
        "city": rng.integers(0, len(CITIES), c),
        "postal4": rng.integers(0, 10000, c),
        "block": rng.integers(1, 10, c),
        "lot": rng.integers(1, 30, c),
        "house": rng.integers(1, 25, c),
        "building": np.where(rng.random(c) < 0.35, rng.integers(0, len(BUILDINGS), c), -1),
        "room": rng.integers(1, 15, c) * 100 + rng.integers(1, 10, c),
        "phone_pre": rng.integers(0, 3, c),
        "phone_a": rng.integers(1000, 10000, c),
        "phone_b": rng.integers(0, 10000, c),
    }
    note = np.where(rng.random(c) < 0.03, rng.choice(len(NOTES), p=NOTE_P, size=c), -1)

    # --- order lines ---
    line_cart = np.repeat(np.arange(c), sizes)
    line_idx = np.arange(n) - np.repeat(ends[:c] - sizes, sizes)
    item = rng.choice(len(ITEMS), p=_item_p(), size=n)
    qty = rng.choice([1, 2, 3, 6], p=[0.8, 0.14, 0.05, 0.01], size=n)
    option = np.where(item == MASK_ITEM, rng.integers(1, 4, n), 0)
    discount = np.where(rng.random(n) < 0.1, rng.integers(1, 4, n) * 100, 0)
    price = np.array([it[2] for it in ITEMS])[item]
    total = price * qty - discount
    cart_total = np.bincount(line_cart, weights=total, minlength=c).astype(np.int64)
    fee = np.where(cart_total < 3000, np.array(FEE)[carrier], 0)

    # Invalid order rows: a lost カート番号, a letter O in a 注文番号.
    bad_line = rng.random(n)
    order_no_o = bad_line < 0.0002
    no_cart = (bad_line >= 0.0002) & (bad_line < 0.0004)

    # --- tracking numbers: one sequence, mod 7 check digits ---
    serial = iter_serial()

    existing = np.full(c, -1, dtype=np.int64)
    existing[status == SHIPPING] = serial(int((status == SHIPPING).sum()))

    # --- which carts ship today, and how ---
    u = rng.random(c)
    paid_ok = np.isin(status, [REQ, PREP, DELAYED])
    yamato = np.isin(carrier, list(YAMATO))
    ship = (paid_ok & yamato & (u < 0.92)) | (paid_ok & ~yamato & (u < 0.3))
    ship |= np.isin(status, [UNPAID, CANCELLED]) & (u < 0.1)
    ship |= (status == SHIPPING) & (u < 0.5)
    mismatch = ship & paid_ok & ~yamato
    case = rng.random(c)
    multi_line = sizes > 1
    per_line = ship & multi_line & (case < 0.08)  # one row per order, one number
    split = ship & multi_line & (case >= 0.08) & (case < 0.09)  # one number per order
    partial = ship & (sizes == 3) & (case >= 0.09) & (case < 0.10)  # last order not sent
    by_order = ship & (sizes == 1) & (case < 0.25)  # reference = 注文番号
    conflict = ship & (status == SHIPPING) & (case < 0.2)  # another number than the export's

    # Expand shipped carts to parcel rows: one per cart, or one per order line.
    lines_sent = np.where(per_line | split, sizes, np.where(partial, sizes - 1, 1))
    lines_sent = np.where(ship, lines_sent, 0)
    row_cart = np.repeat(np.arange(c), lines_sent)
    row_line = np.arange(len(row_cart)) - np.repeat(np.cumsum(lines_sent) - lines_sent, lines_sent)
    d = len(row_cart)
    row_per_order = (per_line | split | partial)[row_cart]
    reference = np.where(
        row_per_order | by_order[row_cart], first_order[row_cart] + row_line, cart_no[row_cart]
    )
    tracking = np.empty(d, dtype=np.int64)
    fresh = ~(np.isin(status[row_cart], [SHIPPING]) & ~conflict[row_cart])
    # One number per cart, except split carts: one per order.
    first_row = row_line == 0
    need = fresh & (first_row | split[row_cart])
    tracking[need] = serial(int(need.sum()))
    same = fresh & ~need
    # Rows of a per-line cart repeat the first row's number (rows of a cart are adjacent).
    idx = np.where(need | ~fresh, np.arange(d), 0)
    idx = np.maximum.accumulate(idx)
    tracking[same] = tracking[idx[same]]
    tracking[~fresh] = existing[row_cart[~fresh]]

    # Problems of single rows.
    p = rng.random(d)
    single = ~row_per_order
    kind = np.zeros(d, dtype=np.int8)  # 0 fine
    kind[single & (p < 0.010)] = 1  # wrong check digit
    kind[single & (p >= 0.010) & (p < 0.011)] = 2  # mangled by Excel (4.39628E+11)
    kind[single & (p >= 0.011) & (p < 0.012)] = 3  # B2 placeholder UMN…
    kind[single & (p >= 0.012) & (p < 0.016)] = 4  # blank reference: fallback on phone
    kind[single & (p >= 0.016) & (p < 0.018)] = 5  # unknown reference, stranger's phone
    kind[single & (p >= 0.018) & (p < 0.020)] = 6  # unknown reference (typo), right phone
    kind[~fresh] = 0
    extra_parcel = single & (p >= 0.02) & (p < 0.03) & fresh  # a second parcel: MULTI_PACKAGE
    pasted = single & (p >= 0.03) & (p < 0.032) & fresh  # the row pasted twice

    reference = np.where(np.isin(kind, [5, 6]), 200_000_000 + rng.integers(0, 99_999_999, d),
                         reference)  # fmt: skip
    ref_blank = kind == 4

    # Append second parcels and pasted rows, then shuffle the sheet (labels print in any order).
    extra_rows = np.flatnonzero(extra_parcel)
    dup_rows = np.flatnonzero(pasted)
    order = np.concatenate([np.arange(d), extra_rows, dup_rows])
    tracking = np.concatenate([tracking, serial(len(extra_rows)), tracking[dup_rows]])
    kind = np.concatenate([kind, np.zeros(len(extra_rows) + len(dup_rows), np.int8)])
    perm = rng.permutation(len(order))
    order, tracking, kind = order[perm], tracking[perm], kind[perm]

    rows = {
        "cart": row_cart[order],
        "reference": reference[order],
        "ref_blank": ref_blank[order],
        "tracking": tracking,
        "kind": kind,
        "stranger": kind == 5,
        # One parcel in ten left yesterday, when its cart was paid (and ordered) by then: a
        # ship date before the payment is SHIP_DATE_INVALID, not a busy day's normal case.
        "ship_day": np.where(
            (rng.random(len(order)) < 0.9)
            | (paid[row_cart[order]].astype("datetime64[D]") >= np.datetime64("2026-11-26")),
            26,
            25,
        ),
    }
    counts = {
        "order_lines": n,
        "carts": c,
        "dispatch_rows": len(order),
        "carts_shipped": int(ship.sum()),
        "planted": {
            "carrier_mismatch_carts": int(mismatch.sum()),
            "shipped_unpaid_carts": int((ship & (status == UNPAID)).sum()),
            "shipped_cancelled_carts": int((ship & (status == CANCELLED)).sum()),
            "already_dispatched_carts": int((ship & (status == SHIPPING) & ~conflict).sum()),
            "tracking_conflict_carts": int(conflict.sum()),
            "per_order_rows_carts": int(per_line.sum()),
            "split_carts": int(split.sum()),
            "partial_carts": int(partial.sum()),
            "bad_check_digit_rows": int((kind == 1).sum()),
            "excel_mangled_rows": int((kind == 2).sum()),
            "b2_placeholder_rows": int((kind == 3).sum()),
            "blank_reference_rows": int((kind == 4).sum()),
            "unknown_reference_rows": int(np.isin(kind, [5, 6]).sum()),
            "second_parcel_rows": len(extra_rows),
            "pasted_twice_rows": len(dup_rows),
            "invalid_order_rows": int(order_no_o.sum() + no_cart.sum()),
        },
    }
    return {
        "n": n, "c": c, "sizes": sizes, "cart_no": cart_no, "first_order": first_order,
        "status": status, "carrier": carrier, "ordered": ordered, "paid": paid, "est": est,
        "has_est": has_est, "person": person, "note": note, "line_cart": line_cart,
        "line_idx": line_idx, "item": item, "qty": qty, "option": option, "discount": discount,
        "price": price, "total": total, "fee": fee, "order_no_o": order_no_o, "no_cart": no_cart,
        "existing": existing, "rows": rows, "counts": counts, "rng": rng,
    }  # fmt: skip


def _item_p() -> np.ndarray:
    w = np.array([9, 7, 7, 6, 5, 12, 8, 8, 7, 8, 6, 5, 1.5, 0.5])
    return w / w.sum()


def iter_serial():
    """Unique 12-digit Yamato numbers (4396 28xx xxxC) handed out in order."""
    state = {"next": 0}

    def take(k: int) -> np.ndarray:
        body = 43_962_800_000 + state["next"] + np.arange(k, dtype=np.int64)
        state["next"] += k
        return body * 10 + body % 7

    return take


# ---------------------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------------------


def _person_fields(P: dict, idx: np.ndarray, *, jis_names: bool) -> dict[str, pa.Array]:
    conv = jis if jis_names else (lambda s: s)
    sur = P["sur"][idx]
    given = P["given"][idx]
    name = cat(V([conv(s) for s, _ in SURNAMES], sur), " ", V([g for g, _ in GIVEN], given))
    kana = cat(V([k for _, k in SURNAMES], sur), " ", V([k for _, k in GIVEN], given))
    kana_h = cat(V([hankaku(k) for _, k in SURNAMES], sur), " ",
                 V([hankaku(k) for _, k in GIVEN], given))  # fmt: skip
    city = P["city"][idx]
    street = cat(V([t for _, _, t in CITIES], city), num(P["block"][idx]), "-",
                 num(P["lot"][idx]), "-", num(P["house"][idx]))  # fmt: skip
    b = P["building"][idx]
    building = where(b >= 0, cat(V([conv(x) for x in BUILDINGS], np.maximum(b, 0)),
                                 num(P["room"][idx])), "")  # fmt: skip
    postal = cat(V([p for _, p, _ in CITIES], city), "-", num(P["postal4"][idx], 4))
    phone = cat(V(["090", "080", "070"], P["phone_pre"][idx]), "-", num(P["phone_a"][idx]), "-",
                num(P["phone_b"][idx], 4))  # fmt: skip
    return {
        "name": name, "kana": kana, "kana_h": kana_h, "city": V([x for x, _, _ in CITIES], city),
        "street": street, "building": building, "postal": postal, "phone": phone,
    }  # fmt: skip


def write_orders(day: dict, path: Path) -> int:
    n, lc = day["n"], day["line_cart"]
    rng = day["rng"]
    status = day["status"][lc]
    hidden = status == UNPAID  # QSM shows no name, phone or address before payment
    carrier = day["carrier"][lc]
    person = _person_fields(day["person"], lc, jis_names=False)
    building = where(day["person"]["building"][lc] >= 0, cat(" ", person["building"]), "")
    address = cat(person["city"], person["street"], building)

    def hide(arr):
        return where(hidden, "", arr)

    order_no = num(day["first_order"][lc] + day["line_idx"])
    # A letter O for a zero in the second digit: "1O4…".
    order_no = where(day["order_no_o"], cat("1O", pc.binary_slice(order_no, 2, 9)), order_no)
    cart_no = where(day["no_cart"], "", num(day["cart_no"][lc]))
    existing = day["existing"][lc]
    has_existing = existing >= 0
    paid_text = where(hidden, "", timestamps(day["paid"][lc]))
    est_text = where(day["has_est"][lc], dates(day["est"][lc]), "")
    item = day["item"]
    total = day["total"]
    first_line = day["line_idx"] == 0
    fee = np.where(first_line, day["fee"][lc], 0)
    mobile = where(rng.random(n) < 0.12, phones(rng, n), "-")
    note = where(day["note"][lc] >= 0, V(NOTES, np.maximum(day["note"][lc], 0)), "")
    fields = {
        "配送状態": V(STATUSES, status),
        "注文番号": order_no,
        "カート番号": cart_no,
        "配送会社": V(CARRIERS, carrier),
        "送り状番号": where(has_existing, num(np.maximum(existing, 0)), ""),
        "発送日": where(has_existing, "2026/11/25", ""),
        "注文日": timestamps(day["ordered"][lc]),
        "入金日": paid_text,
        "お届け希望日": "",
        "発送予定日": est_text,
        "配送完了日": "",
        "配送方法": V(METHOD, carrier),
        "商品番号": V([it[0] for it in ITEMS], item),
        "商品名": V([it[1] for it in ITEMS], item),
        "数量": num(day["qty"]),
        "オプション情報": V([o for o, _ in MASK_OPTIONS], day["option"]),
        "オプションコード": V([c for _, c in MASK_OPTIONS], day["option"]),
        "おまけ": "",
        "受取人名": hide(person["name"]),
        "受取人名(フリガナ)": hide(person["kana"]),
        "受取人電話番号": hide(person["phone"]),
        "受取人携帯電話番号": hide(mobile),
        "住所": hide(address),
        "郵便番号": hide(cat("'", person["postal"])),
        "国家": "JP",
        "送料の決済": where(fee > 0, "先払い", "無料"),
        "決済サイト": "JP",
        "通貨": "JPY",
        "購入者決済金額": money(total + fee),
        "販売価格": money(day["price"]),
        "割引額": money(day["discount"]),
        "注文金額の合計": money(total),
        "供給原価の合計": money(total * 88 // 100),
        "購入者名": hide(person["name"]),
        "購入者名(フリガナ)": hide(person["kana"]),
        "配送要請事項": note,
        "購入者電話番号": hide(person["phone"]),
        "購入者携帯電話番号": hide(mobile),
        "販売者商品コード": V([it[3] for it in ITEMS], item),
        "JANコード": V([it[4] for it in ITEMS], item),
        "規格番号": "",
        "プレゼント贈り主": "",
        "外部広告": "",
        "素材": "",
        "ギフト注文": "",
    }
    assert list(fields) == QSM_DETAIL_JA
    return _write(path, header_line(QSM_DETAIL_JA), csv_bytes(list(fields.values()), n))


def _write(path: Path, head: bytes, chunks: list[bytes]) -> int:
    size = len(head)
    with path.open("wb") as f:
        f.write(head)
        for chunk in chunks:
            f.write(chunk)
            size += len(chunk)
    return size


def _dispatch_fields(day: dict) -> dict:
    r = day["rows"]
    cart = r["cart"]
    d = len(cart)
    person = _person_fields(day["person"], cart, jis_names=True)
    kind = r["kind"]
    body = r["tracking"] // 10
    bad = body * 10 + (body % 7 + 3) % 7
    tracking_text = num(np.where(kind == 1, bad, r["tracking"]))
    tracking_text = where(kind == 2, cat(pc.binary_slice(tracking_text, 0, 1), ".",
                                         pc.binary_slice(tracking_text, 1, 6), "E+11"),
                          tracking_text)  # fmt: skip
    tracking_text = where(kind == 3, cat("UMN", num(r["tracking"] % 1_000_000_000, 9)),
                          tracking_text)  # fmt: skip
    rng = day["rng"]
    stranger_phone = phones(rng, d)
    carrier = day["carrier"][cart]
    nekopos = carrier == 1
    return {
        "reference": where(r["ref_blank"], "", num(r["reference"])),
        "tracking": tracking_text,
        "tracking_numeric": ~np.isin(kind, [2, 3]),
        "tracking_int": np.where(kind == 1, bad, r["tracking"]),
        "service": where(nekopos, "A", "0"),
        "company": where(nekopos, "ネコポス", "ヤマト運輸"),
        "ship_day": r["ship_day"],
        "ship_date": where(r["ship_day"] == 26, "2026/11/26", "2026/11/25"),
        "phone": where(r["stranger"], stranger_phone, person["phone"]),
        "postal": person["postal"],
        "address": cat(person["city"], person["street"]),
        "building": person["building"],
        "name": person["name"],
        "kana_h": person["kana_h"],
        "item_kind": V([it[5] for it in ITEMS], day["item"][_first_line(day)][cart]),
        "n": d,
    }


def _first_line(day: dict) -> np.ndarray:
    """Index of each cart's first order line."""
    return np.cumsum(day["sizes"]) - day["sizes"]


def write_b2(day: dict, path: Path, f: dict) -> int:
    values = {
        "お客様管理番号": f["reference"],
        "送り状種類": f["service"],
        "伝票番号": f["tracking"],
        "出荷予定日": f["ship_date"],
        "お届け先電話番号": f["phone"],
        "お届け先郵便番号": f["postal"],
        "お届け先住所": f["address"],
        "お届け先住所（アパートマンション名）": f["building"],
        "お届け先名": f["name"],
        "お届け先名略称カナ": f["kana_h"],
        "品名１": f["item_kind"],
        **SENDER,
    }
    fields = [values.get(h, "") for h in B2_HEADER]  # the three 予備 columns stay empty
    return _write(path, header_line(B2_HEADER), csv_bytes(fields, f["n"]))


# --- xlsx, written as XML directly (shared strings, numeric and date cells) ------------


def _xml_escape(arr: pa.Array) -> pa.Array:
    for a, b in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        arr = pc.replace_substring(arr, a, b)
    return arr


def write_xlsx(day: dict, path: Path, f: dict) -> int:
    d = f["n"]
    numeric = f["tracking_numeric"]
    # Text cells go to the shared-strings table, as Excel writes them.
    texts = [
        _buffers_to_str(f["company"]),
        _buffers_to_str(f["name"]),
        pc.cast(f["phone"], pa.string()),  # ASCII
        pc.cast(f["postal"], pa.string()),
        pc.cast(f["tracking"].filter(pa.array(~numeric)), pa.string()),
        pa.array([GENERIC_TITLE, *GENERIC_HEADER], pa.string()),
    ]
    enc = pc.dictionary_encode(pa.chunked_array(texts)).combine_chunks()
    sst_index = np.asarray(enc.indices)
    strings = enc.dictionary
    cuts = np.cumsum([len(t) for t in texts])[:-1]
    company_i, name_i, phone_i, postal_i, text_tracking_i, head_i = np.split(sst_index, cuts)
    tracking_i = np.zeros(d, dtype=np.int64)
    tracking_i[~numeric] = text_tracking_i

    rownum = num(np.arange(3, d + 3))

    def scell(col: str, idx: np.ndarray) -> pa.Array:
        return cat(f'<c r="{col}', rownum, '" t="s"><v>', num(idx), "</v></c>")

    def ncell(col: str, values: np.ndarray, style: str = "") -> pa.Array:
        return cat(f'<c r="{col}', rownum, f'"{style}><v>', num(values), "</v></c>")

    ref = f["reference"]
    ref_cell = where(day["rows"]["ref_blank"], "", cat('<c r="A', rownum, '"><v>', ref, "</v></c>"))
    serial = (np.datetime64("2026-11-01") - np.datetime64("1899-12-30")).astype(int)
    tracking_cell = where(numeric, ncell("B", f["tracking_int"]),
                          scell("B", tracking_i))  # fmt: skip
    rows = cat('<row r="', rownum, '">', ref_cell, tracking_cell, scell("C", company_i),
               ncell("D", serial + f["ship_day"] - 1, ' s="1"'), scell("E", name_i),
               scell("F", phone_i), scell("G", postal_i), "</row>")  # fmt: skip
    title = f'<row r="1"><c r="A1" t="s"><v>{head_i[0]}</v></c></row>'
    header = (
        '<row r="2">'
        + "".join(f'<c r="{chr(65 + j)}2" t="s"><v>{head_i[1 + j]}</v></c>' for j in range(7))
        + "</row>"
    )
    sheet_head = (
        (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'<dimension ref="A1:G{d + 2}"/><sheetViews><sheetView workbookViewId="0">'
            '<pane ySplit="2" topLeftCell="A3" activePane="bottomLeft" state="frozen"/>'
            '</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
            '<cols><col min="1" max="2" width="16" customWidth="1"/>'
            '<col min="3" max="7" width="14" customWidth="1"/></cols><sheetData>'
        ).encode()
        + title.encode()
        + header.encode()
    )
    sheet_tail = (
        b'</sheetData><mergeCells count="1"><mergeCell ref="A1:G1"/></mergeCells></worksheet>'
    )
    si = cat("<si><t>", pc.cast(_xml_escape(strings), pa.binary()), "</t></si>")
    sst_head = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{5 * d + 8}" uniqueCount="{len(strings)}">'
    ).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name, text in _XLSX_PARTS.items():
            z.writestr(_member(name), text)
        with z.open(_member("xl/sharedStrings.xml"), "w", force_zip64=True) as out:
            out.write(sst_head)
            out.write(_buffer(si))
            out.write(b"</sst>")
        with z.open(_member("xl/worksheets/sheet1.xml"), "w", force_zip64=True) as out:
            out.write(sheet_head)
            for start in range(0, d, CHUNK):
                out.write(_buffer(rows.slice(start, min(CHUNK, d - start))))
            out.write(sheet_tail)
    return path.stat().st_size


def _buffers_to_str(arr: pa.Array) -> pa.Array:
    """CP932 bytes back to UTF-8 text (one decode per distinct value)."""
    enc = pc.dictionary_encode(arr)
    words = [b.decode("cp932") for b in enc.dictionary.to_pylist()]
    return pa.array(words, pa.string()).take(enc.indices)


def _member(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=XLSX_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    return info


_NS = "http://schemas.openxmlformats.org"
_CT = "application/vnd.openxmlformats"
_SML = f"{_CT}-officedocument.spreadsheetml"
_XLSX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Types xmlns="{_NS}/package/2006/content-types">'
        '<Default Extension="rels" '
        f'ContentType="{_CT}-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        f'ContentType="{_SML}.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        f'ContentType="{_SML}.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        f'ContentType="{_SML}.styles+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" '
        f'ContentType="{_SML}.sharedStrings+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="{_NS}/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{_NS}/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<workbook xmlns="{_NS}/spreadsheetml/2006/main" '
        f'xmlns:r="{_NS}/officeDocument/2006/relationships">'
        '<sheets><sheet name="出荷実績" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="{_NS}/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{_NS}/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_NS}/officeDocument/2006/relationships/styles" '
        'Target="styles.xml"/>'
        f'<Relationship Id="rId3" Type="{_NS}/officeDocument/2006/relationships/sharedStrings" '
        'Target="sharedStrings.xml"/></Relationships>'
    ),
    "xl/styles.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<styleSheet xmlns="{_NS}/spreadsheetml/2006/main">'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1">'
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
        "</cellStyles></styleSheet>"
    ),
}


# ---------------------------------------------------------------------------------------


def generate(n: int, outdir: Path, *, csv: bool = True, xlsx: bool = True) -> dict:
    outdir.mkdir(parents=True, exist_ok=True)
    timings = {}
    t = time.perf_counter()
    day = plan(n)
    timings["plan"] = time.perf_counter() - t
    files = {}
    t = time.perf_counter()
    orders = outdir / f"orders-{n}.csv"
    files["orders"] = {"path": orders.name, "bytes": write_orders(day, orders)}
    timings["orders_csv"] = time.perf_counter() - t
    t = time.perf_counter()
    fields = _dispatch_fields(day)
    timings["dispatch_fields"] = time.perf_counter() - t
    if csv:
        t = time.perf_counter()
        b2 = outdir / f"yamato-b2-{n}.csv"
        files["b2"] = {"path": b2.name, "bytes": write_b2(day, b2, fields)}
        timings["b2_csv"] = time.perf_counter() - t
    if xlsx:
        t = time.perf_counter()
        book = outdir / f"generic-{n}.xlsx"
        files["xlsx"] = {"path": book.name, "bytes": write_xlsx(day, book, fields)}
        timings["xlsx"] = time.perf_counter() - t
    manifest = {**day["counts"], "seed": SEED, "files": files,
                "seconds": {k: round(v, 2) for k, v in timings.items()}}  # fmt: skip
    (outdir / f"manifest-{n}.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=lambda s: int(float(s.replace("k", "e3").replace("M", "e6"))),
                    help="order lines (10000, 100k, 1M)")  # fmt: skip
    ap.add_argument("outdir", type=Path)
    ap.add_argument("--no-xlsx", action="store_true", help="skip the .xlsx courier sheet")
    ap.add_argument("--no-csv", action="store_true", help="skip the B2 CSV courier sheet")
    args = ap.parse_args(argv)
    started = time.perf_counter()
    m = generate(args.n, args.outdir, csv=not args.no_csv, xlsx=not args.no_xlsx)
    took = time.perf_counter() - started
    sizes = ", ".join(f"{f['path']} {f['bytes'] / 1e6:.1f} MB" for f in m["files"].values())
    print(f"{m['order_lines']} order lines, {m['dispatch_rows']} dispatch rows: {sizes} "
          f"({took:.1f} s)", file=sys.stderr)  # fmt: skip


if __name__ == "__main__":
    main()
