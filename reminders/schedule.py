"""When a weekly digest is due: the user's day and hour in Asia/Tokyo, moved past days off."""

import datetime

from django.utils import timezone

from core.workdays import TOKYO, WEEK, is_closed, next_working_day, week_of


def scheduled_time(*, period: datetime.date, weekday: int, hour: int) -> datetime.datetime:
    """Return when the digest of the week starting on ``period`` goes out for these choices."""
    day = period + datetime.timedelta(days=weekday)
    # A holiday or 12月29日〜1月3日 moves on; a weekend day the user chose stays.
    if is_closed(day):
        day = next_working_day(day).day
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
