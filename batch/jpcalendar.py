"""Japanese business days (営業日): Monday–Friday minus Japanese national holidays.

Holidays come from the maintained ``holidays`` package, so substitute holidays (振替休日)
and the "sandwiched" national holidays (国民の休日) are included; the years it holds are
read from batch.jpholidays, a table of that package's dates (loading the package is slow).
Company closures such as Jan 2–3 are *not* holidays here.

One counting convention is used everywhere, the one of Qoo10's late-dispatch penalty table
(入金日, +1, +2, ... counting business days only): **the start date is day 0, and each business
day after it adds one**, whether or not the start date itself is a business day. The time of
day is ignored (QSM times are JST wall-clock times).

Worked example, payment on Tue 2026-04-28 (Golden Week)::

    Apr 28 Tue  day 0 (入金日)
    Apr 29 Wed  Showa Day, not counted
    Apr 30 Thu  +1
    May  1 Fri  +2
    May  2-6    weekend, Constitution/Greenery/Children's Day, substitute holiday
    May  7 Thu  +3   (Qoo10 sends its reminder mail)
    May  8 Fri  +4   (last day to ship without penalty)
    May 11 Mon  +5   (-2 penalty points if not shipped by May 8)

Payment on Sat 2026-06-06: Mon 06-08 is +1 and Thu 06-11 is +4.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import numpy as np
import pandas as pd

from batch import jpholidays


@lru_cache(maxsize=16)
def _calendar(first_year: int, last_year: int) -> np.busdaycalendar:
    """Mon–Fri minus Japanese holidays of first_year..last_year (built once per range)."""
    days = jpholidays.holidays(first_year, last_year)
    if days is None:  # years the table does not hold
        import holidays

        days = sorted(holidays.country_holidays("JP", years=range(first_year, last_year + 1)))
    return np.busdaycalendar(weekmask="1111100", holidays=days)


def _year(d: np.datetime64) -> int:
    return int(d.astype("datetime64[Y]").astype(int)) + 1970


def _day(d: date) -> np.datetime64:
    return np.datetime64(d, "D")


def _days(s: pd.Series) -> np.ndarray:
    """The calendar dates of s as datetime64[D] (time of day dropped, NaT kept)."""
    s = pd.to_datetime(s)
    if s.dt.tz is not None:  # aware times: take the Japanese date
        s = s.dt.tz_convert("Asia/Tokyo").dt.tz_localize(None)
    return s.to_numpy(dtype="datetime64[D]")


def business_days_between(start: pd.Series, end: date) -> pd.Series:
    """Business days d with start's date < d <= end (start exclusive, end inclusive).

    So the start date is day 0: paid Tue 2026-04-28, end Thu 2026-05-07 → 3. When end is
    before start's date: minus the business days d with end < d <= start. NaT → <NA>.
    Returns Int64 aligned to start's index.
    """
    begin, stop = _days(start), _day(end)
    ok = ~np.isnat(begin)
    out = pd.Series(pd.NA, index=start.index, dtype="Int64")
    if ok.any():
        b = begin[ok]
        lo, hi = np.minimum(b, stop), np.maximum(b, stop)
        cal = _calendar(_year(lo.min()), _year(hi.max()))
        # busday_count counts [lo, hi); shifting both by a day gives (lo, hi].
        count = np.busday_count(lo + 1, hi + 1, busdaycal=cal)
        out[ok] = np.where(b <= stop, count, -count)
    return out


def add_business_days(start: pd.Series, n: int) -> pd.Series:
    """The date that is n (>= 0) business days after start's date; NaT stays NaT.

    Same convention as business_days_between (start = day 0), so
    ``business_days_between(s, add_business_days(s, n)) == n``. If start is not a business
    day, the next business day is day 1 (paid Sat 2026-06-06, n=4 → Thu 2026-06-11).
    n = 0 gives start itself if it is a business day, else the next business day.
    Returns datetime64[ns] dates aligned to start's index.
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    begin = _days(start)
    ok = ~np.isnat(begin)
    out = np.full(len(begin), np.datetime64("NaT"), dtype="datetime64[D]")
    if ok.any():
        # One year back for the backward roll, enough years forward for n (~245 days/year).
        cal = _calendar(_year(begin[ok].min()) - 1, _year(begin[ok].max()) + 1 + n // 200)
        # Rolling a non-business start back to the previous business day makes the next
        # business day +1, matching business_days_between.
        roll = "backward" if n else "forward"
        out[ok] = np.busday_offset(begin[ok], n, roll=roll, busdaycal=cal)
    return pd.Series(out, index=start.index).astype("datetime64[ns]")


def next_business_day(d: date) -> date:
    """The first business day strictly after d (Fri 2026-05-01 → Thu 2026-05-07)."""
    cal = _calendar(d.year - 1, d.year + 1)
    return np.busday_offset(_day(d), 1, roll="backward", busdaycal=cal).item()
