"""The product's calendar: Tokyo time, weeks that start on Monday, and working days."""

import datetime
from zoneinfo import ZoneInfo

import jpholiday

TOKYO = ZoneInfo("Asia/Tokyo")
WEEK = datetime.timedelta(days=7)


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and not jpholiday.is_holiday(day)


def week_of(day: datetime.date) -> datetime.date:
    """Return the Monday of the week the day falls in."""
    return day - datetime.timedelta(days=day.weekday())
