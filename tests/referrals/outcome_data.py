"""Concluded referrals made in bulk, for the tests of outcomes on suggestions."""

import datetime
import itertools

from django.utils import timezone

from cases.models import Case
from catalogue.models import Service
from referrals.models import Referral

_serial = itertools.count()


def last_month(now: datetime.datetime | None = None) -> datetime.datetime:
    """A moment in the month before this one, so that the referral counts."""
    today = timezone.localdate(now)
    first = today.replace(day=1)
    return timezone.make_aware(
        datetime.datetime.combine(first - datetime.timedelta(days=10), datetime.time(10))
    )


def seed(
    *,
    desk,
    user,
    situation: str,
    categories,
    service: str,
    outcome: str,
    count: int,
    concluded_at: datetime.datetime | None = None,
) -> None:
    """Store `count` cases like this, each with one concluded referral to the window."""
    if not count:
        return
    window = Service.objects.get(slug=service)
    when = concluded_at or last_month()
    cases = Case.objects.bulk_create(
        [
            Case(
                desk=desk,
                reference=f"T-OUT-{next(_serial):06d}",
                situation=situation,
                categories=sorted(categories),
                opened_by=user,
                created_at=when - datetime.timedelta(days=5),
                status=Case.Status.REFERRED,
            )
            for _ in range(count)
        ]
    )
    Referral.objects.bulk_create(
        [
            Referral(
                case=case,
                service=window,
                service_name=window.name,
                method=Referral.Method.INFO_GIVEN,
                status=Referral.Status.CONCLUDED,
                outcome=outcome,
                referred_by=user,
                created_at=when - datetime.timedelta(days=5),
                concluded_at=when,
            )
            for case in cases
        ]
    )


def seed_tally(*, desk, user, situation, categories, service, referred, resolved, **kwargs):
    """Store `referred` concluded referrals of which `resolved` ended resolved."""
    seed(
        desk=desk,
        user=user,
        situation=situation,
        categories=categories,
        service=service,
        outcome=Referral.Outcome.RESOLVED,
        count=resolved,
        **kwargs,
    )
    seed(
        desk=desk,
        user=user,
        situation=situation,
        categories=categories,
        service=service,
        outcome=Referral.Outcome.ADVICE_RECEIVED,
        count=referred - resolved,
        **kwargs,
    )
