"""The carrier registry and tracking-number validation.

`resolve` turns the carrier text of an order or a dispatch sheet (Japanese, Korean or
English, any spacing) into a registry row; `validate_tracking` checks numbers against the
service's `number_rule`. Facts and sources: reference/couriers.md §5, reference/qsm.md §2.3.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pycountry

from batch import normalize

MAX_LENGTH = 50  # QSM's TrackingNo limit (qsm.md §2.3)


@dataclass(frozen=True)
class Service:
    company: str
    service: str
    qsm_name: str  # 配送会社 as QSM spells it; "" when no spelling is confirmed
    trackable: bool
    number_rule: str
    aliases: tuple[str, ...] = ()


# Number rules (see _RULES below):
#   mod7_12         12 digits, first 11 mod 7 = last (Yamato, Sagawa, Japan Post domestic)
#   s10             UPU S10, e.g. EF719215461JP (international mail)
#   mod7_12_or_s10  either of the two: "Japan Post" without the service named
#   digits10        Seino; digits10_14  Fukuyama; alnum8_20  Qxpress
#   none            untrackable service: nothing to check
#   any             (and any unknown rule) non-empty, at most MAX_LENGTH characters
#
# The first service of each company is the one its plain company name (COMPANIES) means.
SERVICES: tuple[Service, ...] = (
    Service(
        "yamato",
        "宅急便",
        "ヤマト宅急便",
        True,
        "mod7_12",
        ("宅急便", "ヤマト宅急便", "ta-q-bin", "takkyubin", "다큐빈", "택큐빈"),
    ),
    Service(
        "yamato",
        "宅急便コンパクト",
        "ヤマト宅急便",
        True,
        "mod7_12",
        ("宅急便コンパクト", "takkyubin compact", "다큐빈컴팩트", "택큐빈컴팩트"),
    ),
    Service("yamato", "ネコポス", "ネコポス", True, "mod7_12", ("ネコポス", "nekopos", "네코포스")),
    # Replaced ネコポス in 2024-25; no QSM spelling seen in any source.
    Service(
        "yamato",
        "クロネコゆうパケット",
        "",
        True,
        "mod7_12",
        ("クロネコゆうパケット", "kuroneko yu-packet", "쿠로네코유우패킷", "쿠로네코유패킷"),
    ),
    # Discontinued 2024-01 (became クロネコゆうメール) but still a QSM name.
    Service(
        "yamato",
        "クロネコDM便",
        "クロネコDM便",
        True,
        "mod7_12",
        ("クロネコDM便", "DM便", "kuroneko dm"),
    ),
    Service(
        "yamato",
        "クロネコゆうメール",
        "",
        False,
        "none",
        ("クロネコゆうメール", "쿠로네코유우메일"),
    ),
    Service("sagawa", "飛脚宅配便", "佐川急便", True, "mod7_12", ("飛脚宅配便", "飛脚", "hikyaku")),
    # Japan Post's own tracking site also tracks inbound international mail, so a plain
    # "Japan Post" accepts S10 numbers of any country.
    Service("japanpost", "日本郵便", "ゆうパック", True, "mod7_12_or_s10"),
    Service(
        "japanpost",
        "ゆうパック",
        "ゆうパック",
        True,
        "mod7_12",
        ("ゆうパック", "yu-pack", "yupack", "유우팩", "유팩"),
    ),
    Service(
        "japanpost",
        "ゆうパケット",
        "ゆうパケット",
        True,
        "mod7_12",
        (
            "ゆうパケット",
            "ゆうパケットプラス",
            "ゆうパケットポスト",
            "yu-packet",
            "yupacket",
            "유우패킷",
            "유패킷",
        ),
    ),
    # 12 digits starting 628; passing mod 7 is assumed, not verified (couriers.md §3.2).
    Service(
        "japanpost",
        "クリックポスト",
        "クリックポスト",
        True,
        "mod7_12",
        ("クリックポスト", "click post", "clickpost", "클릭포스트"),
    ),
    Service(
        "japanpost",
        "レターパック",
        "",
        True,
        "mod7_12",
        (
            "レターパック",
            "レターパックプラス",
            "レターパックライト",
            "letter pack",
            "letterpack",
            "레터팩",
            "레터팩플러스",
            "레터팩라이트",
        ),
    ),
    Service(
        "japanpost",
        "EMS",
        "",
        True,
        "s10",
        (
            "EMS",
            "国際スピード郵便",
            "国際郵便",
            "国際小包",
            "国際書留",
            "international mail",
            "k-packet",
            "kパケット",
            "케이패킷",
            "국제우편",
            "국제특송",
            "이엠에스",
        ),
    ),
    Service(
        "japanpost",
        "定形外郵便",
        "",
        False,
        "none",
        (
            "定形外郵便",
            "定形外",
            "定型外郵便",
            "定型外",
            "teikeigai",
            "정형외",
            "정형외우편",
            "테이케이가이",
        ),
    ),
    Service(
        "japanpost",
        "ゆうメール",
        "",
        False,
        "none",
        ("ゆうメール", "yu-mail", "yumail", "유우메일", "유메일"),
    ),
    Service(
        "japanpost",
        "スマートレター",
        "",
        False,
        "none",
        ("スマートレター", "smart letter", "smartletter", "스마트레터"),
    ),
    Service(
        "japanpost",
        "普通郵便",
        "",
        False,
        "none",
        ("普通郵便", "定形郵便", "定型郵便", "第一種郵便", "regular mail", "보통우편", "일반우편"),
    ),
    Service(
        "seino",
        "カンガルー便",
        "西濃運輸",
        True,
        "digits10",
        ("カンガルー便", "カンガルー宅配便", "kangaroo"),
    ),
    Service("fukuyama", "福山通運", "福山通運", True, "digits10_14"),
    Service("qxpress", "Qxpress", "Qxpress", True, "alnum8_20"),
)

# Names of the company as a whole; they resolve to the company's first service above.
COMPANIES: dict[str, tuple[str, ...]] = {
    "yamato": (
        "ヤマト運輸",
        "ヤマト",
        "クロネコヤマト",
        "クロネコ",
        "yamato",
        "yamato transport",
        "kuroneko yamato",
        "kuroneko",
        "야마토",
        "야마토운수",
        "야마토운송",
        "야마토택배",
        "쿠로네코",
        "쿠로네코야마토",
    ),
    "sagawa": (
        "佐川急便",
        "佐川",
        "sagawa",
        "sagawa express",
        "사가와",
        "사가와큐빈",
        "사가와택배",
        "사가와익스프레스",
    ),
    "japanpost": (
        "日本郵便",
        "郵便局",
        "日本郵政",
        "ゆうびん",
        "japan post",
        "japanpost",
        "jp post",
        "japan postal",
        "일본우편",
        "일본우정",
        "일본우체국",
        "우체국",
    ),
    "seino": ("西濃運輸", "西濃", "seino", "seino transportation", "세이노", "세이노운수"),
    "fukuyama": (
        "福山通運",
        "福通",
        "fukuyama",
        "fukuyama transporting",
        "fukutsu",
        "후쿠야마",
        "후쿠야마통운",
    ),
    "qxpress": (
        "Qxpress",
        "q express",
        "qxpress japan",
        "キューエクスプレス",
        "큐익스프레스",
        "큐엑스프레스",
    ),
}

COLUMNS = ["company", "service", "qsm_name", "trackable", "number_rule"]


def _key(s: pd.Series) -> pd.Series:
    """Matching key: NFKC, casefolded, without spaces and punctuation."""
    return normalize.nfkc(s).str.casefold().str.replace(r"[\W_]+", "", regex=True)


def _alias_table() -> tuple[dict[str, int], list[tuple[str, int]]]:
    """Exact key → service position, and (key, position) in the order containment tries them.

    Service names come before company names (so "ネコポス(ヤマト運輸)" is ネコポス, not
    宅急便), longer before shorter (so "クロネコゆうパケット" is not ゆうパケット).
    """
    first: dict[str, int] = {}
    for i, svc in enumerate(SERVICES):
        first.setdefault(svc.company, i)
    names = [(a, i, 0) for i, svc in enumerate(SERVICES) for a in (svc.service, *svc.aliases)]
    names += [(a, first[c], 1) for c, aliases in COMPANIES.items() for a in aliases]
    keys = _key(pd.Series([a for a, _, _ in names], dtype=object))
    rows = sorted(
        {(k, i, tier) for k, (_, i, tier) in zip(keys, names, strict=True)},
        key=lambda r: (r[2], -len(r[0]), r[0]),
    )
    exact: dict[str, int] = {}
    for k, i, _ in rows:
        exact.setdefault(k, i)
    # Short Latin names ("ems") would turn up inside unrelated words: exact match only.
    contained = [(k, i) for k, i, _ in rows if not (k.isascii() and len(k) < 4)]
    return exact, contained


_EXACT, _CONTAINED = _alias_table()
_UNKNOWN = len(SERVICES)
_TABLE = pd.DataFrame(
    [[getattr(svc, c) for c in COLUMNS] for svc in SERVICES] + [["", "", "", False, ""]],
    columns=COLUMNS,
).astype(
    {"company": "str", "service": "str", "qsm_name": "str", "trackable": bool, "number_rule": "str"}
)


def _lookup(key: str) -> int:
    if not key:
        return _UNKNOWN
    if key in _EXACT:
        return _EXACT[key]
    # Longer texts such as "ヤマト運輸(宅急便)" or "宅配便(佐川急便)".
    return next((i for alias, i in _CONTAINED if alias in key), _UNKNOWN)


def resolve(names: pd.Series) -> pd.DataFrame:
    """Registry row for each carrier text, same index; unknown or blank → company "".

    Columns: company, service, qsm_name, trackable (bool), number_rule.
    """
    # Carrier columns hold a handful of distinct values: key and look up each one once.
    codes, distinct = pd.factorize(normalize.as_text(names))
    found = _key(pd.Series(distinct, dtype=object)).map(_lookup).to_numpy(dtype=np.int64)
    return _TABLE.take(found[codes]).set_axis(names.index)


# --- tracking-number rules ----------------------------------------------------------------
# Each takes canonical numbers (normalize.tracking) and returns a reason, "" when valid.


def _reasons(s: pd.Series, *checks: tuple[pd.Series, str | pd.Series]) -> pd.Series:
    """The reason of the first failing check per row ("" when none fails)."""
    conditions = [failed.to_numpy(dtype=bool) for failed, _ in checks]
    choices = [np.asarray(reason, dtype=object) for _, reason in checks]
    choices = [np.broadcast_to(c, len(s)) for c in choices]
    return pd.Series(np.select(conditions, choices, default=""), index=s.index, dtype="str")


def _digits(s: pd.Series, lo: int, hi: int) -> pd.Series:
    expected = f"{lo} digits" if lo == hi else f"{lo}–{hi} digits"
    length = s.str.len()
    return _reasons(
        s,
        (~s.str.fullmatch("[0-9]+"), f"not numeric: {expected} expected"),
        (
            (length < lo) | (length > hi),
            f"wrong length: {expected} expected, got " + length.astype(str),
        ),
    )


def _spread(where: pd.Series, values: np.ndarray) -> pd.Series:
    """Values computed on the rows `where` is True, False elsewhere (positional, so a
    duplicated index is fine)."""
    out = np.zeros(len(where), dtype=bool)
    out[where.to_numpy(dtype=bool)] = values
    return pd.Series(out, index=where.index)


def _mod7(s: pd.Series) -> pd.Series:
    twelve = s.str.fullmatch("[0-9]{12}")
    n = s[twelve].astype("int64").to_numpy()  # 12 digits < 2**63: exact
    bad = _spread(twelve, n // 10 % 7 != n % 10)
    return _digits(s, 12, 12).mask(bad, "check digit (mod 7) fails")


_S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
# The S10 suffix is the ISO 3166-1 alpha-2 code of the issuing post. Current codes only:
# a label printed today cannot come from a post of a country that no longer exists (AN,
# YU, CS...), and several withdrawn codes now name another country (AI, BQ, GE, SK), so
# ISO 3166-3 would let typos through without telling anything true.
_S10_COUNTRIES = frozenset(c.alpha_2 for c in pycountry.countries)


def _s10(s: pd.Series) -> pd.Series:
    shaped = s.str.fullmatch("[A-Z]{2}[0-9]{9}[A-Z]{2}")
    d = s[shaped]
    total = sum(d.str[2 + i].astype("int64") * w for i, w in enumerate(_S10_WEIGHTS))
    check = 11 - total % 11
    check = check.mask(check == 10, 0).mask(check == 11, 5)
    bad = _spread(shaped, (check != d.str[10].astype("int64")).to_numpy())
    country = s.str[-2:]
    unknown = shaped & ~country.isin(_S10_COUNTRIES)
    return _reasons(
        s,
        (~shaped, "not a UPU S10 number (2 letters, 9 digits, 2 letters)"),
        (unknown, "country code " + country + " is not an ISO 3166-1 country"),
        (bad, "UPU S10 check digit fails"),
    )


def _mod7_or_s10(s: pd.Series) -> pd.Series:
    return _mod7(s).mask(s.str.match("[A-Z]{2}"), _s10(s).to_numpy())


def _alnum(s: pd.Series) -> pd.Series:
    # Qxpress: no number format found in any source (couriers.md §4.3); the API example is
    # "A1234567890". This only keeps out obvious garbage.
    return _reasons(s, (~s.str.fullmatch("[A-Z0-9]{8,20}"), "8–20 letters or digits expected"))


def _anything(s: pd.Series) -> pd.Series:
    return pd.Series("", index=s.index, dtype="str")


_RULES = {
    "mod7_12": _mod7,
    "s10": _s10,
    "mod7_12_or_s10": _mod7_or_s10,
    "digits10": lambda s: _digits(s, 10, 10),
    "digits10_14": lambda s: _digits(s, 10, 14),
    "alnum8_20": _alnum,
    "any": _anything,
}
NUMBER_RULES = (*_RULES, "none")


def validate_tracking(numbers: pd.Series, number_rule: pd.Series | str) -> pd.Series:
    """Reason each canonical tracking number is invalid for its rule; "" = valid.

    `numbers` should come from `normalize.tracking`. `number_rule` is a Series aligned
    with `numbers` (e.g. `resolve(...)["number_rule"]`) or one rule for all rows.
    An untrackable service ("none") always passes; whether it may be used is not a
    question about the number.
    """
    s = normalize.as_text(numbers)
    if isinstance(number_rule, str):
        rules = pd.Series(number_rule, index=s.index, dtype="str")
    else:
        rules = normalize.as_text(number_rule.reindex(s.index))
    common = _reasons(
        s,
        (s == "", "empty"),
        (s.str.match("UMN[0-9]"), "placeholder (B2 UMN… number: label not issued yet)"),
        (s.str.fullmatch("0+"), "placeholder (all zeros)"),
        (
            s.str.fullmatch(normalize.SCIENTIFIC),
            "mangled by a spreadsheet (scientific notation): use the original file",
        ),
        (s.str.len() > MAX_LENGTH, f"too long: at most {MAX_LENGTH} characters"),
    )
    first = common.to_numpy(dtype=object)
    reason = first.copy()
    for rule in rules.unique():
        rows = (rules == rule).to_numpy(dtype=bool)
        if rule == "none":
            reason[rows] = ""
        else:
            specific = _RULES.get(rule, _anything)(s[rows]).to_numpy(dtype=object)
            reason[rows] = np.where(first[rows] == "", specific, first[rows])
    return pd.Series(reason, index=s.index, dtype="str")
