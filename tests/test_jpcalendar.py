"""Japanese business days. Expected values are counted by hand on a 2026/2027 calendar."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime, timedelta

import pandas as pd
import pytest
from cli_outcome import ROOT

from batch import jpholidays
from batch.jpcalendar import (
    add_business_days,
    business_days_between,
    next_business_day,
)


def _series(*values: str | None) -> pd.Series:
    return pd.Series(pd.to_datetime(list(values), format="ISO8601")).astype("datetime64[ns]")


def test_normal_week():
    # Mon 2026-06-01 paid: Tue=1, Wed=2, Thu=3, Fri=4, Mon 06-08=5 (no holiday in June).
    paid = _series("2026-06-01 09:30")
    assert business_days_between(paid, date(2026, 6, 1)).tolist() == [0]
    assert business_days_between(paid, date(2026, 6, 4)).tolist() == [3]
    assert business_days_between(paid, date(2026, 6, 8)).tolist() == [5]
    assert add_business_days(paid, 4).tolist() == [pd.Timestamp("2026-06-05")]


def test_across_a_weekend():
    # Thu 2026-06-04 paid: Fri 06-05=1, Sat/Sun skipped, Mon 06-08=2, Tue=3, Wed 06-10=4.
    paid = _series("2026-06-04 23:59")
    assert business_days_between(paid, date(2026, 6, 7)).tolist() == [1]
    assert business_days_between(paid, date(2026, 6, 9)).tolist() == [3]
    assert add_business_days(paid, 4).tolist() == [pd.Timestamp("2026-06-10")]


def test_start_on_a_weekend_counts_the_next_business_day_as_one():
    # Sat 2026-06-06 paid: Sun skipped, Mon 06-08=1, Tue=2, Wed=3, Thu 06-11=4.
    paid = _series("2026-06-06 12:00")
    assert business_days_between(paid, date(2026, 6, 7)).tolist() == [0]
    assert business_days_between(paid, date(2026, 6, 8)).tolist() == [1]
    assert add_business_days(paid, 4).tolist() == [pd.Timestamp("2026-06-11")]
    # n=0: the start itself when a business day, else the next one.
    assert add_business_days(paid, 0).tolist() == [pd.Timestamp("2026-06-08")]
    assert add_business_days(_series("2026-06-04"), 0).tolist() == [pd.Timestamp("2026-06-04")]


def test_golden_week_2026():
    # Tue 04-28 paid; 04-29 Showa Day; Thu 04-30=1, Fri 05-01=2; 05-02 Sat, 05-03 Sun
    # (Constitution Day), 05-04 Greenery, 05-05 Children's, 05-06 substitute holiday;
    # Thu 05-07=3, Fri 05-08=4, Mon 05-11=5.
    paid = _series("2026-04-28 15:00")
    assert business_days_between(paid, date(2026, 4, 29)).tolist() == [0]
    assert business_days_between(paid, date(2026, 5, 6)).tolist() == [2]
    assert business_days_between(paid, date(2026, 5, 7)).tolist() == [3]
    assert business_days_between(paid, date(2026, 5, 11)).tolist() == [5]
    assert add_business_days(paid, 3).tolist() == [pd.Timestamp("2026-05-07")]
    assert add_business_days(paid, 4).tolist() == [pd.Timestamp("2026-05-08")]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 4, 29), False),  # Showa Day (Wed)
        (date(2026, 4, 30), True),
        (date(2026, 5, 1), True),
        (date(2026, 5, 2), False),  # Saturday
        (date(2026, 5, 3), False),  # Constitution Day (Sun)
        (date(2026, 5, 4), False),  # Greenery Day
        (date(2026, 5, 5), False),  # Children's Day
        (date(2026, 5, 6), False),  # substitute holiday for May 3
        (date(2026, 5, 7), True),
        (date(2027, 1, 1), False),  # New Year's Day (Fri)
        (date(2027, 1, 11), False),  # Coming of Age Day (2nd Monday of January)
    ],
)
def test_is_business_day(day: date, expected: bool):
    # A business day is the next business day after the day before it.
    assert (next_business_day(day - timedelta(days=1)) == day) is expected


def test_next_business_day_is_strictly_after():
    assert next_business_day(date(2026, 5, 1)) == date(2026, 5, 7)  # over Golden Week
    assert next_business_day(date(2026, 4, 28)) == date(2026, 4, 30)  # over Showa Day
    assert next_business_day(date(2026, 6, 1)) == date(2026, 6, 2)
    # Jan 1 2026 is a Thursday; Jan 2 is no national holiday, so it counts.
    assert next_business_day(datetime(2025, 12, 31, 18, 0)) == date(2026, 1, 2)


def test_new_year_across_years():
    # Wed 2026-12-30 paid: Thu 12-31=1; Fri 01-01 holiday, 01-02/03 weekend; Mon 01-04=2,
    # Tue=3, Wed 01-06=4, Thu=5, Fri 01-08=6; Mon 01-11 Coming of Age Day; Tue 01-12=7, Wed=8.
    paid = _series("2026-12-30 20:00")
    assert business_days_between(paid, date(2027, 1, 3)).tolist() == [1]
    assert business_days_between(paid, date(2027, 1, 5)).tolist() == [3]
    assert add_business_days(paid, 4).tolist() == [pd.Timestamp("2027-01-06")]
    assert add_business_days(paid, 8).tolist() == [pd.Timestamp("2027-01-13")]


def test_vectorised_with_nat_and_index_kept():
    paid = _series("2026-04-28", None, "2026-06-06")
    paid.index = [10, 11, 12]
    counted = business_days_between(paid, date(2026, 6, 8))
    # 04-28 → 06-08: 04-30, 05-01 (2) + 05-07..05-08 (2) + 05-11..06-05 (4 weeks, 20) + 06-08 = 25
    assert counted.dtype == "Int64"
    assert counted.index.tolist() == [10, 11, 12]
    assert counted.iloc[0] == 25
    assert counted.iloc[1] is pd.NA
    assert counted.iloc[2] == 1
    added = add_business_days(paid, 4)
    assert added.index.tolist() == [10, 11, 12]
    assert added.iloc[0] == pd.Timestamp("2026-05-08")
    assert added.isna().tolist() == [False, True, False]
    assert added.iloc[2] == pd.Timestamp("2026-06-11")


def test_end_before_start_is_negative():
    # Business days after Thu 05-07 up to Sat 05-09: Fri 05-08 only.
    assert business_days_between(_series("2026-05-09"), date(2026, 5, 7)).tolist() == [-1]


def test_negative_n_rejected():
    with pytest.raises(ValueError):
        add_business_days(_series("2026-06-01"), -1)


def test_the_holiday_table_is_the_holidays_packages():
    # A moved holiday (a new law, then a holidays release) fails here until TABLE is
    # replaced by the text printed.
    fresh = jpholidays.from_package(jpholidays.FIRST_YEAR, jpholidays.LAST_YEAR) + "\n"
    assert fresh == jpholidays.TABLE, fresh


@pytest.mark.parametrize("years", [(2026, 2026), (2025, 2027), (1949, 1949), (2029, 2030)])
def test_table_years_give_the_packages_dates(years):
    import holidays

    jp = holidays.country_holidays("JP", years=range(years[0], years[1] + 1))
    assert jpholidays.holidays(*years).tolist() == sorted(jp)


def test_years_past_the_table_are_asked_of_the_package():
    assert jpholidays.holidays(2030, 2031) is None and jpholidays.holidays(1948, 1950) is None
    # Tue 2031-12-30 paid; 12-31 +1, 2032-01-01 (New Year's Day) skipped, Fri 01-02 +2.
    assert add_business_days(_series("2031-12-30"), 2).tolist() == [pd.Timestamp("2032-01-02")]
    assert business_days_between(_series("1948-12-31"), date(1949, 1, 3)).tolist() == [1]


def test_the_tables_years_do_not_load_the_package():
    # Loading holidays and its Japanese calendar was ~0.3 s of CPU in every run.
    code = (
        "import sys, datetime; from batch.jpcalendar import next_business_day;"
        "assert next_business_day(datetime.date(2026, 5, 1)) == datetime.date(2026, 5, 7);"
        "assert 'holidays' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
