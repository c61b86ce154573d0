"""The product's calendar: Tokyo time, weeks that start on Monday, and working days.

A working day is a weekday that is not a national holiday (``jpholiday``), not in the
year-end closure (12月29日〜1月3日) and not a day the desk closed (``closed``, the desk's own
closure days: ``accounts.calendar.closed_days`` reads them). Every due date the product
computes goes through one of two functions:

- ``next_working_day`` for a date the counsellor acts on (a follow-up): it moves later;
- ``previous_working_day`` for a reminder before a deadline: the deadline does not move, so
  the reminder moves earlier.

Both return a ``Due``: the day and, when it was moved, the day it was computed as, so a page
can say so.
"""

import datetime
from collections.abc import Collection
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import jpholiday

TOKYO = ZoneInfo("Asia/Tokyo")
WEEK = datetime.timedelta(days=7)
DAY = datetime.timedelta(days=1)
# 12月29日〜1月3日, as (month, day): the closure of public offices (行政機関の休日).
YEAR_END_CLOSURE = frozenset({(12, 29), (12, 30), (12, 31), (1, 1), (1, 2), (1, 3)})
# Golden Week, the year-end and a desk's own closures never reach this far.
_MAX_SHIFT = 60


@dataclass(frozen=True)
class Due:
    """A due date and, if the calendar moved it, the day it was computed as."""

    day: datetime.date
    computed: datetime.date

    @property
    def moved(self) -> bool:
        return self.day != self.computed


def is_closed(day: datetime.date, closed: Collection[datetime.date] = ()) -> bool:
    """Return whether ``day`` is a day off whatever its weekday: a holiday or a closure."""
    return (day.month, day.day) in YEAR_END_CLOSURE or jpholiday.is_holiday(day) or day in closed


def is_working_day(day: datetime.date, closed: Collection[datetime.date] = ()) -> bool:
    """Return whether the desks work on ``day``, given the desk's own ``closed`` days."""
    return day.weekday() < 5 and not is_closed(day, closed)


def _shift(day: datetime.date, step: datetime.timedelta, closed: Collection[datetime.date]) -> Due:
    found = day
    for _ in range(_MAX_SHIFT):
        if is_working_day(found, closed):
            return Due(day=found, computed=day)
        found += step
    raise ValueError(f"no working day within {_MAX_SHIFT} days of {day}")


def next_working_day(day: datetime.date, closed: Collection[datetime.date] = ()) -> Due:
    """Return ``day`` itself if it is a working day, else the first working day after it.

    For the counsellor's own follow-ups: a follow-up due on a Saturday is done on Monday.
    """
    return _shift(day, DAY, closed)


def previous_working_day(day: datetime.date, closed: Collection[datetime.date] = ()) -> Due:
    """Return ``day`` itself if it is a working day, else the last working day before it.

    For a reminder before a deadline: the deadline stays, so the reminder comes earlier.
    """
    return _shift(day, -DAY, closed)


def week_of(day: datetime.date) -> datetime.date:
    """Return the Monday of the week the day falls in."""
    return day - datetime.timedelta(days=day.weekday())
