"""Reads about the reminders, scoped to the reader through the access gate."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Min

from accounts.access import supervised_desk_ids
from accounts.models import Membership, User
from reminders.services import unsent_digests


@dataclass(frozen=True)
class Unsent:
    """How many digests are unsent an hour after their time, and since when."""

    count: int
    oldest: datetime.datetime


def unsent_for(user: User) -> Unsent | None:
    """Return the late digests an admin (all) or a supervisor (their desks' staff) should see.

    Anyone else, or nobody late, gets ``None``.
    """
    late = unsent_digests()
    if not (user.is_staff or user.is_superuser):
        desk_ids = supervised_desk_ids(user)
        if not desk_ids:
            return None
        staff = Membership.objects.filter(desk_id__in=desk_ids).values("user_id")
        late = late.filter(user_id__in=staff)
    found = late.order_by().aggregate(count=Count("id"), oldest=Min("scheduled_for"))
    if not found["count"]:
        return None
    return Unsent(count=found["count"], oldest=found["oldest"])
