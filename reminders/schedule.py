"""When a weekly digest is due: the user's day and hour in Asia/Tokyo, moved past public holidays."""

import datetime

import jpholiday
from django.utils import timezone

from core.workdays import TOKYO, WEEK, is_working_day, week_of


def scheduled_time(*, period: datetime.date, weekday: int, hour: int) -> datetime.datetime:
    """Return when the digest of the week starting on ``period`` goes out for these choices."""
    day = period + datetime.timedelta(days=weekday)
    if jpholiday.is_holiday(day):
        day += datetime.timedelta(days=1)
        while not is_working_day(day):
            day += datetime.timedelta(days=1)
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=TOKYO)


def due_period(
    *, now: datetime.datetime, weekday: int, hour: int
) -> tuple[datetime.date, datetime.datetime]:
    """Return the latest week whose digest time has come by ``now``, and that time."""
    this_week = week_of(timezone.localtime(now, TOKYO).date())
    for period in (this_week, this_week - WEEK, this_week - 2 * WEEK):
        at = scheduled_time(period=period, weekday=weekday, hour=hour)
        if at <= now:
            return period, at
    raise AssertionError("a digest time always falls within three weeks")
