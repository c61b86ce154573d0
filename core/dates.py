"""Write dates one way per language: pages, mails and exports all call these functions.

Japanese reads 2026年12月2日, or 令和8年12月2日 at a desk that keeps 和暦 (the first year of
an era is 元年); English reads 2 Dec 2026. A period is its two ends joined by 〜 (Japanese)
or an en dash (English); months read 2026年12月 / 令和8年12月 / Dec 2026.
"""

import datetime

from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _


class DateStyle(models.TextChoices):
    SEIREKI = "seireki", _("西暦（2026年12月2日）")
    WAREKI = "wareki", _("和暦（令和8年12月2日）")


# Each era from its first day, newest first.
ERAS = (
    (datetime.date(2019, 5, 1), "令和"),
    (datetime.date(1989, 1, 8), "平成"),
    (datetime.date(1926, 12, 25), "昭和"),
)
ENGLISH_MONTHS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)


def _english(language: str | None) -> bool:
    return (language or translation.get_language() or "ja").split("-")[0] == "en"


def era_year(day: datetime.date) -> str:
    """Return the era and year of a day, as 令和8年 or 令和元年; 西暦 before 昭和."""
    for start, name in ERAS:
        if day >= start:
            year = day.year - start.year + 1
            return f"{name}{'元' if year == 1 else year}年"
    return f"{day.year}年"


def format_date(
    day: datetime.date | datetime.datetime | None,
    *,
    style: str = DateStyle.SEIREKI,
    language: str | None = None,
) -> str:
    """Return the day as the language writes it; an aware datetime is read in local time."""
    if day is None:
        return ""
    if isinstance(day, datetime.datetime):
        day = timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
    if _english(language):
        return f"{day.day} {ENGLISH_MONTHS[day.month - 1]} {day.year}"
    year = era_year(day) if style == DateStyle.WAREKI else f"{day.year}年"
    return f"{year}{day.month}月{day.day}日"


def format_month(
    month: datetime.date, *, style: str = DateStyle.SEIREKI, language: str | None = None
) -> str:
    """Return a month (any day of it) as 2026年12月, 令和8年12月 or Dec 2026."""
    if _english(language):
        return f"{ENGLISH_MONTHS[month.month - 1]} {month.year}"
    # A month an era begins in (1989-01) is named by its first day, in the era then running.
    first = month.replace(day=1)
    year = era_year(first) if style == DateStyle.WAREKI else f"{month.year}年"
    return f"{year}{month.month}月"


def format_period(
    first: datetime.date,
    last: datetime.date,
    *,
    months: bool = False,
    style: str = DateStyle.SEIREKI,
    language: str | None = None,
) -> str:
    """Return a period from ``first`` to ``last`` (both included), of days or of whole months."""
    write = format_month if months else format_date
    ends = (
        write(first, style=style, language=language),
        write(last, style=style, language=language),
    )
    return " – ".join(ends) if _english(language) else "〜".join(ends)
