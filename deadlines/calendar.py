"""When a clock runs out and when to warn: the deadline never moves, the warning comes earlier.

A clock runs ``length`` days or calendar months from its start day (a month from 31 January
ends on the last day of February). The warning falls ``warn_working_days`` working days
before the deadline, counted on the desk's working-day calendar (``accounts.calendar``).
When holidays or the desk's closures between them push it earlier than weekends alone would,
the warning says it was moved, and from which day.
"""

import calendar
import datetime
from dataclasses import dataclass

from accounts.calendar import closed_days
from core.workdays import DAY, Due, is_working_day

# Sixty working days span less than this, even across Golden Week and the year-end.
_SPAN = datetime.timedelta(days=120)


@dataclass(frozen=True)
class ClockDates:
    due_on: datetime.date
    warning: Due


def add_months(day: datetime.date, months: int) -> datetime.date:
    """Return the same day ``months`` later, or the last day of that month when it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def deadline_for(*, started_on: datetime.date, length: int, unit: str) -> datetime.date:
    if unit == "months":
        return add_months(started_on, length)
    return started_on + datetime.timedelta(days=length)


def _count_back(deadline: datetime.date, working_days: int, is_open) -> datetime.date:
    day = deadline
    if working_days == 0:
        while not is_open(day):
            day -= DAY
        return day
    counted = 0
    while counted < working_days:
        day -= DAY
        if is_open(day):
            counted += 1
    return day


def warning_due(*, desk_id: int | None, deadline: datetime.date, working_days: int) -> Due:
    """Return the day to warn, ``working_days`` working days before the deadline, never after it."""
    closed = closed_days(desk_id, deadline - _SPAN, deadline)
    day = _count_back(deadline, working_days, lambda d: is_working_day(d, closed))
    # The same count over weekends alone: the day a reader expects, before the days off.
    computed = _count_back(deadline, working_days, lambda d: d.weekday() < 5)
    return Due(day=day, computed=computed)


def clock_dates(
    *,
    desk_id: int | None,
    started_on: datetime.date,
    length: int,
    unit: str,
    warn_working_days: int,
) -> ClockDates:
    due_on = deadline_for(started_on=started_on, length=length, unit=unit)
    return ClockDates(
        due_on=due_on,
        warning=warning_due(desk_id=desk_id, deadline=due_on, working_days=warn_working_days),
    )
