"""The carrier registry and tracking-number validation.

The registry is data: ``schemas/carriers.toml`` (services, their names, QSM spellings,
whether trackable, number rules), loaded and checked once, on first use. `resolve` turns the
carrier text of an order or a dispatch sheet (Japanese, Korean or English, any spacing) into
a registry row; `validate_tracking` checks numbers against the service's `number_rule`.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd
import pycountry

from batch import normalize

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

MAX_LENGTH = 50  # QSM's TrackingNo limit (qsm.md §2.3)
REGISTRY = Path(str(files("schemas") / "carriers.toml"))


@dataclass(frozen=True)
class Service:
    company: str
    service: str
    qsm_name: str  # 配送会社 as QSM spells it; "" when no spelling is confirmed
    trackable: bool
    number_rule: str
    aliases: tuple[str, ...] = ()


COLUMNS = ["company", "service", "qsm_name", "trackable", "number_rule"]
_TYPES = {"company": str, "service": str, "qsm_name": str, "trackable": bool, "number_rule": str}


@dataclass(frozen=True)
class Registry:
    services: tuple[Service, ...]
    companies: dict[str, tuple[str, ...]]  # company -> names of the company as a whole
    exact: dict[str, int]  # matching key -> service position
    contained: list[tuple[str, int]]  # (key, position) in the order containment tries them
    table: pd.DataFrame  # one row per service (COLUMNS) and a last row for "unknown"


def _service(path: Path, n: int, entry: dict) -> Service:
    where = f"{path}: service {n} ({entry.get('service', '?')})"
    unknown = sorted(set(entry) - {*_TYPES, "aliases"})
    missing = sorted(set(_TYPES) - set(entry) - {"qsm_name"})
    if unknown or missing:
        raise ValueError(f"{where}: unknown keys {unknown}, missing keys {missing}")
    values = {"qsm_name": "", **{k: v for k, v in entry.items() if k != "aliases"}}
    aliases = entry.get("aliases", [])
    if any(type(values[k]) is not t for k, t in _TYPES.items()) or not all(
        isinstance(a, str) for a in aliases
    ):
        raise ValueError(f"{where}: trackable is true or false, aliases a list of texts")
    if values["number_rule"] not in NUMBER_RULES:
        raise ValueError(f"{where}: number_rule is one of {', '.join(NUMBER_RULES)}")
    return Service(**values, aliases=tuple(aliases))


def load(path: Path = REGISTRY) -> Registry:
    """The registry in ``path``, checked: a typo would silently make a carrier unknown."""
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: not valid TOML: {exc}") from None
    if set(data) != {"service", "companies"}:
        raise ValueError(f"{path}: expects [[service]] entries and [companies], got {sorted(data)}")
    services = tuple(_service(path, n, e) for n, e in enumerate(data["service"], start=1))
    companies = {k: tuple(v) for k, v in data["companies"].items()}
    stray = sorted({s.company for s in services} ^ set(companies))
    if stray:
        raise ValueError(f"{path}: companies without a service or [companies] names: {stray}")
    exact, contained = _alias_table(services, companies)
    table = pd.DataFrame(
        [[getattr(svc, c) for c in COLUMNS] for svc in services] + [["", "", "", False, ""]],
        columns=COLUMNS,
    ).astype({**{c: "str" for c in COLUMNS}, "trackable": bool})
    return Registry(services, companies, exact, contained, table)


@cache
def registry() -> Registry:
    return load()


def services() -> tuple[Service, ...]:
    return registry().services


def companies() -> dict[str, tuple[str, ...]]:
    return registry().companies


def _key(s: pd.Series) -> pd.Series:
    """Matching key: NFKC, casefolded, without spaces and punctuation."""
    return normalize.nfkc(s).str.casefold().str.replace(r"[\W_]+", "", regex=True)


def _alias_table(
    services: tuple[Service, ...], companies: dict[str, tuple[str, ...]]
) -> tuple[dict[str, int], list[tuple[str, int]]]:
    """Exact key → service position, and (key, position) in the order containment tries them.

    Service names come before company names (so "ネコポス(ヤマト運輸)" is ネコポス, not
    宅急便), longer before shorter (so "クロネコゆうパケット" is not ゆうパケット).
    """
    first: dict[str, int] = {}
    for i, svc in enumerate(services):
        first.setdefault(svc.company, i)
    names = [(a, i, 0) for i, svc in enumerate(services) for a in (svc.service, *svc.aliases)]
    names += [(a, first[c], 1) for c, aliases in companies.items() for a in aliases]
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


def _lookup(key: str, reg: Registry) -> int:
    unknown = len(reg.services)
    if not key:
        return unknown
    if key in reg.exact:
        return reg.exact[key]
    # Longer texts such as "ヤマト運輸(宅急便)" or "宅配便(佐川急便)".
    return next((i for alias, i in reg.contained if alias in key), unknown)


def resolve(names: pd.Series) -> pd.DataFrame:
    """Registry row for each carrier text, same index; unknown or blank → company "".

    Columns: company, service, qsm_name, trackable (bool), number_rule.
    """
    # Carrier columns hold a handful of distinct values: key and look up each one once.
    reg = registry()
    codes, distinct = pd.factorize(normalize.as_text(names))
    keys = _key(pd.Series(distinct, dtype=object))
    found = np.array([_lookup(k, reg) for k in keys], dtype=np.int64)
    return reg.table.take(found[codes]).set_axis(names.index)


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
