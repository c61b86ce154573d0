"""Template filters for dates: ``{{ day|day:request.user }}``, ``{{ day|day:"wareki" }}``.

The argument is the user whose desks choose 西暦 or 和暦, or the style itself (in mails and
files, which have no request); without one, 西暦. The language is the active one.
"""

import datetime

from django.template import Library

from accounts.dates import date_style_for
from core.dates import DateStyle, format_date, format_month, format_period

register = Library()


def _style(whose) -> str:
    if whose in DateStyle.values:
        return str(whose)
    if whose is None or whose == "":
        return DateStyle.SEIREKI
    return date_style_for(whose)


@register.filter
def day(value, whose=None) -> str:
    """Write a date (or an aware datetime, in local time) as 2026年12月2日 or 2 Dec 2026."""
    if not isinstance(value, datetime.date):
        return "" if value is None else str(value)
    return format_date(value, style=_style(whose))


@register.filter
def month(value, whose=None) -> str:
    """Write a month (a date in it) as 2026年12月, 令和8年12月 or Dec 2026."""
    if not isinstance(value, datetime.date):
        return "" if value is None else str(value)
    return format_month(value, style=_style(whose))


@register.simple_tag
def period(first, last, whose=None, months=False) -> str:
    """Write a period as 2026年11月23日〜2026年11月29日 (``months=True``: 2025年12月〜2026年11月)."""
    return format_period(first, last, months=bool(months), style=_style(whose))
