"""The working-day calendar of one desk: ``core.workdays`` with the desk's own closure days.

Call these for every due date the product computes:

- ``follow_up_due(desk_id=…, day=…)`` — the counsellor's own follow-up: moves to the next
  working day;
- ``deadline_reminder_due(desk_id=…, deadline=…, days_before=…)`` — a reminder before a
  deadline that does not move (a legal clock): moves to the previous working day, never
  after the deadline.

Both return a ``core.workdays.Due``, whose ``moved`` and ``computed`` let a page say that
the calendar moved the date.
"""

import datetime

from accounts.models import DeskClosure
from core.workdays import Due, next_working_day, previous_working_day

# A closure run longer than this is not a calendar: the search stops there (see core.workdays).
_WINDOW = datetime.timedelta(days=62)


def closed_days(
    desk_id: int | None, start: datetime.date, end: datetime.date
) -> set[datetime.date]:
    """Return the days from ``start`` to ``end`` (both included) that the desk closed."""
    if desk_id is None:
        return set()
    return set(
        DeskClosure.objects.filter(desk_id=desk_id, day__gte=start, day__lte=end).values_list(
            "day", flat=True
        )
    )


def follow_up_due(*, desk_id: int | None, day: datetime.date) -> Due:
    """Return the working day on which a follow-up computed for ``day`` falls due."""
    return next_working_day(day, closed_days(desk_id, day, day + _WINDOW))


def deadline_reminder_due(
    *, desk_id: int | None, deadline: datetime.date, days_before: int = 0
) -> Due:
    """Return the working day for a reminder ``days_before`` a deadline, on or before it."""
    day = deadline - datetime.timedelta(days=days_before)
    return previous_working_day(day, closed_days(desk_id, day - _WINDOW, day))
