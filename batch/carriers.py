"""The carrier registry and tracking-number validation.

The registry is data: ``schemas/carriers.toml`` (services, their names, QSM spellings,
whether trackable, number rules), loaded and checked once, on first use. `resolve` turns the
carrier text of an order or a dispatch sheet (Japanese, Korean or English, any spacing) into
a registry row; batch/tracking.py checks numbers against the service's `number_rule`.

Loading the registry needs no pandas (only `resolve` does, and imports it when called): the
format profiles name carriers, and `formats` lists them without loading pandas.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

try:
    import tomli as tomllib  # compiled: a third of tomllib's time; every start parses TOML
except ModuleNotFoundError:  # an install from before tomli was required
    import tomllib

REGISTRY = Path(str(files("schemas") / "carriers.toml"))


@dataclass(frozen=True)
class Service:
    company: str
    service: str
    qsm_name: str  # 配送会社 as QSM spells it; "" when no spelling is confirmed
    trackable: bool
    number_rule: str
    aliases: tuple[str, ...] = ()


# The rules batch/tracking.py implements; "none": not trackable, any number passes.
NUMBER_RULES = ("mod7_12", "s10", "mod7_12_or_s10", "digits10", "digits10_14", "alnum8_20",
                "any", "none")  # fmt: skip
COLUMNS = ["company", "service", "qsm_name", "trackable", "number_rule"]
_TYPES = {"company": str, "service": str, "qsm_name": str, "trackable": bool, "number_rule": str}


@dataclass(frozen=True)
class Registry:
    services: tuple[Service, ...]
    companies: dict[str, tuple[str, ...]]  # company -> names of the company as a whole
    exact: dict[str, int]  # matching key -> service position
    contained: list[tuple[str, int]]  # (key, position) in the order containment tries them


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
    return Registry(services, companies, exact, contained)


@cache
def registry() -> Registry:
    return load()


def services() -> tuple[Service, ...]:
    return registry().services


def companies() -> dict[str, tuple[str, ...]]:
    return registry().companies


_PUNCTUATION = re.compile(r"[\W_]+")


def key(text: str) -> str:
    """Matching key: NFKC, casefolded, without spaces and punctuation (as normalize.nfkc and
    normalize.casefold would make it: the same library calls, one text at a time)."""
    return _PUNCTUATION.sub("", unicodedata.normalize("NFKC", text).strip().casefold())


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
    rows = sorted(
        {(key(a), i, tier) for a, i, tier in names},
        key=lambda r: (r[2], -len(r[0]), r[0]),
    )
    exact: dict[str, int] = {}
    for k, i, _ in rows:
        exact.setdefault(k, i)
    # Short Latin names ("ems") would turn up inside unrelated words: exact match only.
    contained = [(k, i) for k, i, _ in rows if not (k.isascii() and len(k) < 4)]
    return exact, contained


def _lookup(text: str, reg: Registry) -> int:
    """Position of the service ``text`` names; len(reg.services) when none."""
    unknown = len(reg.services)
    k = key(text)
    if not k:
        return unknown
    if k in reg.exact:
        return reg.exact[k]
    # Longer texts such as "ヤマト運輸(宅急便)" or "宅配便(佐川急便)".
    return next((i for alias, i in reg.contained if alias in k), unknown)


def company(text: str) -> str:
    """The company a carrier text names, "" when none (one text; `resolve` for a column)."""
    reg = registry()
    i = _lookup(text, reg)
    return reg.services[i].company if i < len(reg.services) else ""


@cache
def _table() -> pd.DataFrame:
    """The registry as a table: one row per service (COLUMNS), a last row for "unknown"."""
    import pandas as pd

    rows = [[getattr(svc, c) for c in COLUMNS] for svc in services()]
    return pd.DataFrame(rows + [["", "", "", False, ""]], columns=COLUMNS).astype(
        {**{c: "str" for c in COLUMNS}, "trackable": bool}
    )


def resolve(names: pd.Series) -> pd.DataFrame:
    """Registry row for each carrier text, same index; unknown or blank → company "".

    Columns: company, service, qsm_name, trackable (bool), number_rule.
    """
    import numpy as np
    import pandas as pd

    from batch import normalize

    # Carrier columns hold a handful of distinct values: key and look up each one once.
    reg = registry()
    codes, distinct = pd.factorize(normalize.as_text(names))
    found = np.array([_lookup(t, reg) for t in distinct], dtype=np.int64)
    return _table().take(found[codes]).set_axis(names.index)
