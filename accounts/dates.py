"""Dates written the way the user's desks chose (西暦 or 和暦), in the active language."""

import datetime
from collections import defaultdict
from collections.abc import Iterable

from accounts.models import Desk, Membership, User
from core.dates import DateStyle, format_date, format_month, format_period


def date_style_for(user: User | None) -> str:
    """Return 和暦 when every desk of the user keeps it, else 西暦 (which no one misreads).

    The answer is kept on the user object, which lives as long as the request.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return DateStyle.SEIREKI
    if not hasattr(user, "_date_style"):
        styles = set(
            Desk.objects.filter(memberships__user=user).values_list("date_style", flat=True)
        )
        user._date_style = DateStyle.WAREKI if styles == {DateStyle.WAREKI} else DateStyle.SEIREKI
    return user._date_style


def date_styles_for_users(user_ids: Iterable[int]) -> dict[int, str]:
    """Return each user's date style as ``date_style_for`` answers it, in one query: for mails."""
    user_ids = list(user_ids)
    styles: dict[int, set[str]] = defaultdict(set)
    for user_id, style in Membership.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "desk__date_style"
    ):
        styles[user_id].add(style)
    return {
        user_id: DateStyle.WAREKI if styles[user_id] == {DateStyle.WAREKI} else DateStyle.SEIREKI
        for user_id in user_ids
    }


def desks_date_style(desk_ids) -> str:
    """Return 和暦 when every one of the desks keeps it, else 西暦: for exports and mails."""
    styles = set(Desk.objects.filter(id__in=desk_ids).values_list("date_style", flat=True))
    return DateStyle.WAREKI if styles == {DateStyle.WAREKI} else DateStyle.SEIREKI


def user_date(user: User | None, day: datetime.date | datetime.datetime | None) -> str:
    return format_date(day, style=date_style_for(user))


def user_month(user: User | None, month: datetime.date) -> str:
    return format_month(month, style=date_style_for(user))


def user_period(
    user: User | None, first: datetime.date, last: datetime.date, *, months=False
) -> str:
    return format_period(first, last, months=months, style=date_style_for(user))
