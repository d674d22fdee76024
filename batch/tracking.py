"""Tracking-number validation: each service's `number_rule` (the registry's, see
batch/carriers.py) checked on a whole column of canonical numbers at once.

A failing number gets the catalogue key of its reason (batch/locale/*/rows.toml,
``row.tracking.why.*``); ``why`` words the reasons of the rows reported, in every language."""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from batch import normalize, row_messages

MAX_LENGTH = 50  # QSM's TrackingNo limit (qsm.md §2.3)

# Each takes canonical numbers (normalize.tracking) and returns a reason's key, "" when valid.
# The digits a rule of _digits wants, for the reason's fields.
DIGITS = {"mod7_12": (12, 12), "digits10": (10, 10), "digits10_14": (10, 14)}


def _reasons(s: pd.Series, *checks: tuple) -> np.ndarray:
    """The reason of the first failing check per row ("" when none fails). Kept as a NumPy
    array of keys until ``reasons`` returns: a text Series per step is a conversion of
    every row to Arrow and back."""
    conditions = [_mask(failed) for failed, _ in checks]
    choices = [np.asarray(reason, dtype=object) for _, reason in checks]
    choices = [np.broadcast_to(c, len(s)) for c in choices]
    return np.select(conditions, choices, default="")


def _mask(failed) -> np.ndarray:
    return failed.to_numpy(dtype=bool) if isinstance(failed, pd.Series) else failed


def _digits(s: pd.Series, lo: int, hi: int) -> pd.Series:
    length = s.str.len()
    one = lo == hi
    return _reasons(
        s,
        (
            ~s.str.fullmatch("[0-9]+"),
            "row.tracking.why.not_numeric" if one else "row.tracking.why.not_numeric_range",
        ),
        (
            (length < lo) | (length > hi),
            "row.tracking.why.wrong_length" if one else "row.tracking.why.wrong_length_range",
        ),
    )


def _spread(where: pd.Series, values: np.ndarray) -> np.ndarray:
    """Values computed on the rows `where` is True, False elsewhere (by position)."""
    out = np.zeros(len(where), dtype=bool)
    out[where.to_numpy(dtype=bool)] = values
    return out


def _mod7(s: pd.Series) -> pd.Series:
    twelve = s.str.fullmatch("[0-9]{12}")
    n = s[twelve].astype("int64").to_numpy()  # 12 digits < 2**63: exact
    bad = _spread(twelve, n // 10 % 7 != n % 10)
    return np.where(bad, "row.tracking.why.mod7", _digits(s, 12, 12)).astype(object)


_S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)


# The S10 suffix is the ISO 3166-1 alpha-2 code of the issuing post. Current codes only:
# a label printed today cannot come from a post of a country that no longer exists (AN,
# YU, CS...), and several withdrawn codes now name another country (AI, BQ, GE, SK), so
# ISO 3166-3 would let typos through without telling anything true.
@cache
def _s10_countries() -> frozenset[str]:
    import pycountry  # its database loads in ~0.1 s: only when an S10 number is checked

    return frozenset(c.alpha_2 for c in pycountry.countries)


def _s10(s: pd.Series) -> pd.Series:
    shaped = s.str.fullmatch("[A-Z]{2}[0-9]{9}[A-Z]{2}")
    d = s[shaped]
    total = sum(d.str[2 + i].astype("int64") * w for i, w in enumerate(_S10_WEIGHTS))
    check = 11 - total % 11
    check = check.mask(check == 10, 0).mask(check == 11, 5)
    bad = _spread(shaped, (check != d.str[10].astype("int64")).to_numpy())
    country = s.str[-2:]
    unknown = (shaped & ~country.isin(_s10_countries())).to_numpy(dtype=bool)
    return _reasons(
        s,
        (~shaped, "row.tracking.why.not_s10"),
        (unknown, "row.tracking.why.s10_country"),
        (bad, "row.tracking.why.s10_check"),
    )


def _mod7_or_s10(s: pd.Series) -> pd.Series:
    return np.where(s.str.match("[A-Z]{2}").to_numpy(dtype=bool), _s10(s), _mod7(s))


def _alnum(s: pd.Series) -> pd.Series:
    # Qxpress: no number format found in any source (couriers.md §4.3); the API example is
    # "A1234567890". This only keeps out obvious garbage.
    return _reasons(s, (~s.str.fullmatch("[A-Z0-9]{8,20}"), "row.tracking.why.alnum"))


def _anything(s: pd.Series) -> np.ndarray:
    return np.full(len(s), "", dtype=object)


_RULES = {
    "mod7_12": _mod7,
    "s10": _s10,
    "mod7_12_or_s10": _mod7_or_s10,
    "digits10": lambda s: _digits(s, 10, 10),
    "digits10_14": lambda s: _digits(s, 10, 14),
    "alnum8_20": _alnum,
    "any": _anything,
}


def validate_tracking(numbers: pd.Series, number_rule: pd.Series | str) -> pd.Series:
    """Reason each canonical tracking number is invalid for its rule, in English; "" = valid."""
    keys = reasons(numbers, number_rule)
    bad = keys.ne("").to_numpy()
    out = keys.copy()
    if bad.any():
        english = why(numbers[bad], _rules(numbers, number_rule)[bad], keys[bad])["message"]
        out[bad] = english
    return out


def why(numbers: pd.Series, rules: pd.Series, keys: pd.Series) -> row_messages.Said:
    """The reasons ``keys`` (of ``reasons``) of these numbers and their rules, worded."""
    s = normalize.as_text(numbers)
    lo = rules.map({r: d[0] for r, d in DIGITS.items()}).fillna(0).astype(int)
    hi = rules.map({r: d[1] for r, d in DIGITS.items()}).fillna(0).astype(int)
    return row_messages.say(
        keys.to_numpy(dtype=object), got=s.str.len(), lo=lo, hi=hi, country=s.str[-2:],
        max=MAX_LENGTH,
    )  # fmt: skip


def _rules(numbers: pd.Series, number_rule: pd.Series | str) -> pd.Series:
    if isinstance(number_rule, str):
        return pd.Series(number_rule, index=numbers.index, dtype="str")
    return normalize.as_text(number_rule.reindex(numbers.index))


def reasons(numbers: pd.Series, number_rule: pd.Series | str) -> pd.Series:
    """The key of the reason each canonical tracking number is invalid for its rule; "" =
    valid.

    `numbers` should come from `normalize.tracking`. `number_rule` is a Series aligned
    with `numbers` (e.g. `resolve(...)["number_rule"]`) or one rule for all rows.
    An untrackable service ("none") always passes; whether it may be used is not a
    question about the number.
    """
    s = normalize.as_text(numbers)
    rules = _rules(s, number_rule)
    common = _reasons(
        s,
        (s == "", "row.tracking.why.empty"),
        (s.str.match("UMN[0-9]"), "row.tracking.why.umn"),
        (s.str.fullmatch("0+"), "row.tracking.why.zeros"),
        (
            s.str.fullmatch(normalize.SCIENTIFIC),
            "row.tracking.why.scientific",
        ),
        (s.str.len() > MAX_LENGTH, "row.tracking.why.too_long"),
    )
    first = common
    reason = first.copy()
    for rule in rules.unique():
        rows = (rules == rule).to_numpy(dtype=bool)
        if rule == "none":
            reason[rows] = ""
        else:
            specific = _RULES.get(rule, _anything)(s[rows])
            reason[rows] = np.where(first[rows] == "", specific, first[rows])
    return pd.Series(reason, index=s.index, dtype="str")
