"""Working-day deadlines across National Day and Spring Festival, with the make-up working days
counted, checked against dates worked out by hand on the State Council calendar.

Make-up working days (weekend days that are working days) as the chinesecalendar package holds them:
2025: Sun 26 Jan, Sat 8 Feb, Sun 27 Apr, Sun 28 Sep, Sat 11 Oct.
2026: Sun 4 Jan, Sat 14 Feb, Sat 28 Feb, Sat 9 May, Sun 20 Sep, Sat 10 Oct.
Holidays used below: 2025 Spring Festival 28 Jan-4 Feb, National Day + Mid-autumn 1-8 Oct;
2026 Spring Festival 15-23 Feb, Mid-autumn 25-27 Sep, National Day 1-7 Oct.
"""

import datetime as dt

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.tools.base import ToolInputError
from assistant.tools.deadlines import (
    COUNTING,
    DayKind,
    DeadlineInput,
    DeadlineKind,
    add_working_days,
    calculate_deadlines,
    classify,
)

D = dt.date
MAKEUP_DAYS = [
    D(2025, 1, 26), D(2025, 2, 8), D(2025, 4, 27), D(2025, 9, 28), D(2025, 10, 11),
    D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28), D(2026, 5, 9), D(2026, 9, 20), D(2026, 10, 10),
]


def deadlines(served, detained=None):
    return calculate_deadlines(DeadlineInput(served=served, detained=detained))


@pytest.mark.parametrize("day", MAKEUP_DAYS, ids=str)
def test_official_make_up_days_are_weekend_working_days(day):
    assert day.weekday() >= 5 and chinese_calendar.is_workday(day)
    assert classify(day).kind is DayKind.MAKEUP_WORKDAY


def test_the_library_knows_exactly_these_make_up_days_in_2025_and_2026():
    known = sorted(d for d in chinese_calendar.workdays if d.year in (2025, 2026))
    assert known == MAKEUP_DAYS


@pytest.mark.parametrize(
    ("day", "name"),
    [(D(2025, 10, 1), "National Day"), (D(2026, 2, 17), "Spring Festival"), (D(2026, 10, 5), "National Day")],
)
def test_public_holidays_are_named(day, name):
    d = classify(day)
    assert d.kind is DayKind.HOLIDAY and d.holiday == name and not d.counts


def test_national_day_2025_reply_counts_the_sunday_make_up_day():
    # Served Fri 26 Sep 2025: Sat 27 skipped; Sun 28 is a make-up working day (1), Mon 29 (2), Tue 30 (3).
    r = deadlines("2025-09-26")
    reply = r.deadlines[0]
    assert reply.kind is DeadlineKind.REPLY and reply.due == D(2025, 9, 30)
    assert reply.makeup_days_counted == [D(2025, 9, 28)]


def test_national_day_2025_reply_runs_across_the_holiday_to_a_saturday():
    # Served Tue 30 Sep 2025: 1-8 Oct holiday; Thu 9 (1), Fri 10 (2), Sat 11 make-up (3).
    r = deadlines("2025-09-30")
    assert r.due("reply_3") == D(2025, 10, 11)
    assert r.deadlines[0].skipped == ["2025-10-01 to 2025-10-08 (National Day, Mid-autumn Festival)"]
    # Served Mon 29 Sep: Tue 30 (1), Thu 9 (2), Fri 10 (3).
    assert deadlines("2025-09-29").due("reply_3") == D(2025, 10, 10)
    # Served on the holiday itself: counting still starts the next day: 9, 10, 11 Oct.
    assert deadlines("2025-10-01").due("reply_3") == D(2025, 10, 11)


def test_national_day_2026_all_four_periods():
    # Served Sat 26 Sep 2026 (no detention date: the served date stands in, with a warning).
    # 3: Sun 27 skipped (Mid-autumn block); 28, 29, 30 Sep -> 30 Sep.
    # 20: 28-30 Sep (3), 1-7 Oct holiday, 8, 9 Oct (5), Sat 10 make-up (6), 12-16 (11), 19-23 (16),
    #     26-29 (20) -> 29 Oct.
    # 30: 30 Oct (21), 2-6 Nov (26), 9-12 Nov (30) -> 12 Nov.
    # 50: 13 Nov (31), 16-20 (36), 23-27 (41), 30 Nov-4 Dec (46), 7-10 Dec (50) -> 10 Dec.
    r = deadlines("2026-09-26")
    assert [d.due for d in r.deadlines] == [D(2026, 9, 30), D(2026, 11, 12), D(2026, 10, 29), D(2026, 12, 10)]
    assert r.deadlines[1].makeup_days_counted == [D(2026, 10, 10)]
    assert "2026-10-01 to 2026-10-07 (National Day)" in r.deadlines[1].skipped
    assert any("No detention date" in w for w in r.warnings)
    assert "counted make-up working day 2026-10-10 (Sat)" in r.steps[1]


def test_periods_from_detention_use_the_detention_date():
    # Detained Fri 9 Oct 2026: Sat 10 make-up (1), 12-16 (6), 19-23 (11), 26-30 (16), 2-5 Nov (20)
    # -> 20 days due 5 Nov; 6 Nov (21), 9-13 (26), 16-19 (30) -> 30 days due 19 Nov.
    r = deadlines("2026-09-26", "2026-10-09")
    assert r.due("reply_3") == D(2026, 9, 30)
    assert r.due(DeadlineKind.COURT_NOTICE_APPLICATION) == D(2026, 11, 5)
    assert r.due(DeadlineKind.INVESTIGATION) == D(2026, 11, 19)
    assert not any("No detention date" in w for w in r.warnings)


def test_spring_festival_2026_with_two_make_up_saturdays():
    # Served Thu 12 Feb 2026: Fri 13 (1), Sat 14 make-up (2), 15-23 Feb holiday, Tue 24 (3) -> 24 Feb.
    # 20 days: 25-27 Feb (6), Sat 28 make-up (7), 2-6 Mar (12), 9-13 (17), 16-18 (20) -> 18 Mar.
    r = deadlines("2026-02-12")
    assert r.due("reply_3") == D(2026, 2, 24)
    assert r.deadlines[0].makeup_days_counted == [D(2026, 2, 14)]
    assert r.due("court_notice_20") == D(2026, 3, 18)
    assert r.deadlines[2].makeup_days_counted == [D(2026, 2, 14), D(2026, 2, 28)]


def test_spring_festival_2025_counts_the_sunday_before():
    # Served Fri 24 Jan 2025: Sat 25 skipped, Sun 26 make-up (1), Mon 27 (2), 28 Jan-4 Feb holiday,
    # Wed 5 Feb (3) -> 5 Feb.
    r = deadlines("2025-01-24")
    assert r.due("reply_3") == D(2025, 2, 5)
    assert r.deadlines[0].skipped == ["2025-01-25 (weekend)", "2025-01-28 to 2025-02-04 (Spring Festival)"]


def test_years_without_an_official_schedule_skip_weekends_and_statutory_holidays_and_say_so():
    # 20 days from Sun 20 Dec 2026: 21-25 Dec (5), 28-31 Dec (9), Fri 1 Jan 2027 New Year's Day (a
    # statutory holiday by rule, skipped although the official 2027 schedule is not in the data),
    # 4-8 Jan (14), 11-15 Jan (19), Mon 18 Jan (20) -> 18 Jan 2027.
    r = deadlines("2026-12-20")
    assert r.due("court_notice_20") == D(2027, 1, 18)
    assert "2027-01-01 to 2027-01-03 (New Year's Day, weekend)" in r.deadlines[2].skipped
    assert r.deadlines[2].uncovered_years == [2027] and r.deadlines[0].uncovered_years == []
    assert any("not in the chinesecalendar data" in w and "2027" in w and "statutory" in w for w in r.warnings)
    assert deadlines("2030-01-01").deadlines[0].uncovered_years == [2030]


def test_the_spring_festival_of_a_year_without_an_official_schedule_is_still_skipped():
    # 2027's Spring Festival by rule: Eve Fri 5 Feb to Mon 8 Feb. From Wed 3 Feb 2027: Thu 4 (1),
    # 5-8 skipped, Tue 9 (2), Wed 10 (3) -> 10 Feb; weekends alone would give Tue 9 Feb.
    r = deadlines("2027-02-03")
    assert r.due("reply_3") == D(2027, 2, 10)
    assert any("Spring Festival" in x for x in r.deadlines[0].skipped)


def test_legal_basis_and_rules():
    r = deadlines("2026-03-02")
    assert r.legal_basis[0] == COUNTING
    assert {"customs-ipr-implementing-measures:art-22:0", "customs-ipr-regulations:art-20:0",
            "customs-ipr-regulations:art-24:0"} <= set(r.legal_basis)
    assert any("day after" in rule for rule in r.rules)
    assert r.to_dict()["deadlines"][0]["due"] == "2026-03-05"


@pytest.mark.parametrize("bad", ["2026-02-30", "next monday", "", 20260930, None, "1900-01-01", "2200-01-01"])
def test_bad_dates_are_refused(bad):
    with pytest.raises(ToolInputError) as info:
        deadlines(bad)
    assert info.value.field == "served"


def test_a_detention_before_service_is_flagged():
    assert any("before served" in w for w in deadlines("2026-03-10", "2026-03-02").warnings)


def test_add_working_days_needs_a_positive_count():
    with pytest.raises(ValueError):
        add_working_days(D(2026, 1, 5), 0)


@settings(max_examples=150, deadline=None, database=None, derandomize=True)
# 50 working days end about 10 weeks later: starts up to August keep the whole run inside the
# library's data (it ends with 2026), which the assertion below reads day by day.
@given(start=st.dates(min_value=D(2004, 1, 1), max_value=D(2026, 8, 31)), n=st.sampled_from([3, 20, 30, 50]))
def test_due_date_is_the_nth_working_day_after_the_start(start, n):
    due, days = add_working_days(start, n)
    assert due > start and days[0].date == start + dt.timedelta(days=1) and days[-1].date == due
    assert sum(d.counts for d in days) == n and days[-1].counts
    assert all(chinese_calendar.is_workday(d.date) == d.counts for d in days)


@settings(max_examples=100, deadline=None, database=None, derandomize=True)
@given(a=st.dates(min_value=D(2024, 1, 1), max_value=D(2026, 12, 31)), b=st.dates(min_value=D(2024, 1, 1),
       max_value=D(2026, 12, 31)))
def test_a_later_service_never_gives_an_earlier_due_date(a, b):
    early, late = sorted((a, b))
    assert add_working_days(early, 3)[0] <= add_working_days(late, 3)[0]
