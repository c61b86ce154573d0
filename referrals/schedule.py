"""When a weekly digest is due: the user's day and hour in Asia/Tokyo, moved past public holidays."""

import datetime
from zoneinfo import ZoneInfo

import jpholiday
from django.utils import timezone

TOKYO = ZoneInfo("Asia/Tokyo")
WEEK = datetime.timedelta(days=7)


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and not jpholiday.is_holiday(day)


def week_of(day: datetime.date) -> datetime.date:
    """Return the Monday of the week the day falls in."""
    return day - datetime.timedelta(days=day.weekday())


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
