"""Working-day deadlines of customs IPR protection, counted on China's official calendar.

- 3 working days from service of customs' notice: the right holder applies for detention and posts
  the guarantee, or explains in writing (Implementing Measures Art. 22).
- 30 working days from detention: customs investigates goods detained ex officio (Regulations Art. 20).
- 20 working days from detention: goods detained on application are released unless a court's
  assistance notice has arrived (Regulations Art. 24(1)).
- 50 working days from detention: goods detained ex officio are released unless a court notice has
  arrived or customs has found infringement (Regulations Art. 24(2)).

A time limit starts on the day after service (Implementing Measures Art. 41). Working days skip
weekends and public holidays and include the official make-up working days (调休); the dates come
from the maintained `chinesecalendar` package (import name ``chinese_calendar``), not a hand-made
table. A year it does not cover yet (the State Council publishes each year's schedule late in the
year before) still skips the statutory public holidays, which follow fixed rules (New Year's Day,
the Spring Festival by the lunar calendar...), from the maintained `holidays` package; that year's
extra days off and make-up working days are unknown, and the result says so.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from enum import StrEnum

import chinese_calendar

from assistant.tools.base import Explained, to_date

ONE_DAY = dt.timedelta(days=1)

# Legal basis (chunk ids of the indexed corpus).
REPLY = "customs-ipr-implementing-measures:art-22:0"
COUNTING = "customs-ipr-implementing-measures:art-41:0"
INVESTIGATION = "customs-ipr-regulations:art-20:0"
RELEASE = "customs-ipr-regulations:art-24:0"
NO_DETENTION = "customs-ipr-regulations:art-16:0"  # no request and guarantee in time: no detention
LEGAL_BASIS = (REPLY, COUNTING, INVESTIGATION, RELEASE, NO_DETENTION)


class DeadlineKind(StrEnum):
    """The four working-day periods."""

    REPLY = "reply_3"
    INVESTIGATION = "investigation_30"
    COURT_NOTICE_APPLICATION = "court_notice_20"
    COURT_NOTICE_EX_OFFICIO = "court_notice_50"


@dataclass(frozen=True)
class Period:
    """One period's fixed terms: its length, what it runs from, what happens, and where it is stated."""

    kind: DeadlineKind
    working_days: int
    runs_from: str  # "service" or "detention"
    meaning: str
    basis: tuple[str, ...]
    label: str = ""  # what the period is, naming its step line


PERIODS = (
    Period(DeadlineKind.REPLY, 3, "service",
           "right holder applies for detention and posts the guarantee, or explains in writing; "
           "otherwise customs may not detain the goods", (REPLY, NO_DETENTION), "Right holder's reply"),
    Period(DeadlineKind.INVESTIGATION, 30, "detention",
           "customs investigates goods detained ex officio and decides whether they infringe "
           "(or tells the right holder in writing that it cannot)", (INVESTIGATION,),
           "Customs' investigation (ex officio detention)"),
    Period(DeadlineKind.COURT_NOTICE_APPLICATION, 20, "detention",
           "goods detained on application are released unless a court's assistance notice has arrived",
           (RELEASE,), "Release unless a court notice arrives (detention on application)"),
    Period(DeadlineKind.COURT_NOTICE_EX_OFFICIO, 50, "detention",
           "goods detained ex officio are released unless a court notice has arrived or customs has found "
           "infringement", (RELEASE,), "Release unless a court notice arrives or infringement is found (ex officio detention)"),
)


class DayKind(StrEnum):
    """Why a calendar day was or was not counted."""

    WORKDAY = "workday"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"
    MAKEUP_WORKDAY = "makeup_workday"  # a weekend day that is an official working day


@dataclass(frozen=True)
class Day:
    """One calendar day as the count saw it. ``holiday``: the holiday's name; ``known``: in the library's data."""

    date: dt.date
    kind: DayKind
    holiday: str | None = None
    known: bool = True

    @property
    def counts(self) -> bool:
        return self.kind in (DayKind.WORKDAY, DayKind.MAKEUP_WORKDAY)


@functools.lru_cache(maxsize=16)
def statutory_holidays(year: int) -> dict[dt.date, str]:
    """China's statutory public holidays of ``year`` by rule (no observed or bridged days)."""
    import holidays

    return dict(holidays.country_holidays("CN", years=year, observed=False))


def classify(day: dt.date) -> Day:
    """Whether ``day`` is a working day in China, and why. Outside the official schedules the library
    holds, weekends and the statutory holidays by rule (``known`` is then False)."""
    weekend = day.weekday() >= 5
    try:
        workday = chinese_calendar.is_workday(day)
        _, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:  # the library raises this for a year it has no data for
        statutory = statutory_holidays(day.year).get(day)
        if statutory:
            return Day(day, DayKind.HOLIDAY, holiday=statutory, known=False)
        return Day(day, DayKind.WEEKEND if weekend else DayKind.WORKDAY, known=False)
    if workday:
        return Day(day, DayKind.MAKEUP_WORKDAY if weekend else DayKind.WORKDAY)
    if name:  # a named public holiday (weekend days inside a holiday block carry its name too)
        return Day(day, DayKind.HOLIDAY, holiday=str(name))
    return Day(day, DayKind.WEEKEND)


def add_working_days(start: dt.date, n: int) -> tuple[dt.date, list[Day]]:
    """The n-th working day after ``start`` (counting begins the day after), and every day looked at."""
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    days: list[Day] = []
    counted = 0
    day = start
    while counted < n:
        day += ONE_DAY
        d = classify(day)
        days.append(d)
        if d.counts:
            counted += 1
    return day, days


@dataclass(kw_only=True)
class Deadline:
    """One period's due date. ``anchor`` is the day it runs from; counting starts the day after."""

    kind: DeadlineKind
    working_days: int
    runs_from: str
    anchor: dt.date
    due: dt.date
    meaning: str
    skipped: list[str] = field(default_factory=list)  # compact runs of non-working days
    makeup_days_counted: list[dt.date] = field(default_factory=list)
    uncovered_years: list[int] = field(default_factory=list)  # years the library has no data for: weekends only
    legal_basis: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DeadlineInput:
    """``served``: the day customs' notice was served. ``detained``: the day the goods were detained,
    which the 30-, 20- and 50-day periods run from; when not given, ``served`` stands in (and a
    warning says so)."""

    served: dt.date | str
    detained: dt.date | str | None = None


@dataclass(kw_only=True)
class DeadlineResult(Explained):
    """The due date of each period, with the days skipped on the way."""

    served: dt.date
    detained: dt.date | None
    deadlines: list[Deadline]

    def headline(self) -> list[str]:
        return [
            f"{d.working_days:>2} working days from {d.runs_from} ({d.anchor.isoformat()}): due {d.due.isoformat()} "
            f"({d.due.strftime('%a')}) - {d.meaning}"
            for d in self.deadlines
        ]

    def due(self, kind: DeadlineKind | str) -> dt.date:
        """The due date of one period (``"reply_3"`` or the enum)."""
        kind = DeadlineKind(kind)
        return next(d.due for d in self.deadlines if d.kind is kind)


def _runs(days: list[Day]) -> list[list[Day]]:
    """Consecutive non-working days grouped into runs."""
    runs: list[list[Day]] = []
    current: list[Day] = []
    for d in days:
        if d.counts:
            if current:
                runs.append(current)
            current = []
        else:
            current.append(d)
    if current:
        runs.append(current)
    return runs


def _describe(run: list[Day]) -> str:
    """'2025-10-01 to 2025-10-08 (National Day, Mid-autumn Festival)' or '2026-10-11 (weekend)'."""
    reasons: list[str] = []
    for d in run:
        reason = d.holiday if d.kind is DayKind.HOLIDAY and d.holiday else "weekend"
        if reason not in reasons:
            reasons.append(reason)
    first, last = run[0].date.isoformat(), run[-1].date.isoformat()
    span = first if first == last else f"{first} to {last}"
    return f"{span} ({', '.join(reasons)})"


def _compact(d: Deadline, days: list[Day], label: str = "") -> str:
    """One step line: holiday runs named, plain weekends only counted, make-up days listed."""
    runs = _runs(days)
    holidays = [_describe(r) for r in runs if any(x.kind is DayKind.HOLIDAY for x in r)]
    weekend_days = sum(len(r) for r in runs if all(x.kind is DayKind.WEEKEND for x in r))
    parts = holidays + ([f"{weekend_days} weekend day{'s' if weekend_days != 1 else ''}"] if weekend_days else [])
    skipped = "skipped " + (", ".join(parts) if parts else "nothing")
    makeup = "".join(
        f"; counted make-up working day {m.isoformat()} ({m.strftime('%a')})" for m in d.makeup_days_counted
    )
    gap = (
        f" [no official schedule for {', '.join(map(str, d.uncovered_years))}: weekends and statutory holidays only]"
        if d.uncovered_years else ""
    )
    return (
        (f"{label}: " if label else "")
        + f"{d.working_days} working days from {d.anchor.isoformat()} (counting from "
        f"{(d.anchor + ONE_DAY).isoformat()}): {skipped}{makeup}{gap} -> due {d.due.isoformat()} "
        f"({d.due.strftime('%a')})"
    )


def _one(period: Period, anchor: dt.date) -> tuple[Deadline, str]:
    due, days = add_working_days(anchor, period.working_days)
    deadline = Deadline(
        kind=period.kind,
        working_days=period.working_days,
        runs_from=period.runs_from,
        anchor=anchor,
        due=due,
        meaning=period.meaning,
        skipped=[_describe(r) for r in _runs(days)],
        makeup_days_counted=[d.date for d in days if d.kind is DayKind.MAKEUP_WORKDAY],
        uncovered_years=sorted({d.date.year for d in days if not d.known}),
        legal_basis=list(period.basis),
    )
    return deadline, _compact(deadline, days, period.label)


def calculate_deadlines(inp: DeadlineInput) -> DeadlineResult:
    """Due dates of the 3-, 30-, 20- and 50-working-day periods."""
    served = to_date("served", inp.served)
    detained = to_date("detained", inp.detained) if inp.detained not in (None, "") else None
    if detained is not None and detained < served:
        # Detention follows the notice (the holder's request and guarantee come first), so an earlier
        # date is almost certainly a typo; it is still used, but flagged.
        detention_warning = [f"detained ({detained}) is before served ({served}); check the dates."]
    else:
        detention_warning = []
    detention_anchor = detained or served

    computed = [_one(p, served if p.runs_from == "service" else detention_anchor) for p in PERIODS]
    deadlines = [d for d, _ in computed]
    steps = [step for _, step in computed]
    rules = [
        "A time limit starts on the day after the notice is served (and here, after the day of detention "
        "for the periods that run from detention).",
        "On the last day the limit ends at 24:00 when documents or guarantees go by post or through a bank, "
        "and at the end of customs' office hours when delivered in person.",
        "Working days skip Saturdays, Sundays and public holidays and include the official make-up working "
        "days, as published by the State Council (dates from the chinesecalendar package).",
        "Right holder's reply: 3 working days from service of customs' notice.",
        "Customs' investigation of an ex officio detention: 30 working days from detention.",
        "Court assistance notice: 20 working days from detention on application, 50 working days from an "
        "ex officio detention; otherwise the goods are released.",
    ]
    warnings = list(detention_warning)
    if detained is None:
        warnings.append(
            "No detention date given: the 30-, 20- and 50-working-day periods run from detention, which comes "
            "after the 3-day reply; they are counted here from the served date. Pass the detention date for "
            "the real due dates."
        )
    unknown_years = sorted({year for d in deadlines for year in d.uncovered_years})
    if unknown_years:
        years = ", ".join(map(str, unknown_years))
        warnings.append(
            f"The official holiday schedule for {years} is not in the chinesecalendar data yet: for dates in "
            f"{years} weekends and the statutory public holidays (fixed by rule) were skipped; that year's extra "
            "days off and make-up working days were not taken into account, so check the due dates against the "
            "State Council's schedule."
        )
    warnings.append(
        "The corpus states the periods and the day-after rule, not the definition of a working day; "
        "the official holiday calendar is applied as the usual reading."
    )
    result = DeadlineResult(
        served=served, detained=detained, deadlines=deadlines, steps=steps, rules=rules, warnings=warnings
    )
    result.cite(COUNTING, *(cid for d in deadlines for cid in d.legal_basis))
    return result

