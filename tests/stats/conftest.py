import datetime
import itertools

import pytest
from django.utils import timezone

from cases.models import Case
from catalogue.models import Service
from referrals.models import FollowUp, Referral

_numbers = itertools.count(1)
ZONE = timezone.get_fixed_timezone(9 * 60)


def at(year, month, day=10):
    return datetime.datetime(year, month, day, 10, 0, tzinfo=ZONE)


@pytest.fixture
def services(db):
    return {s.slug: s for s in Service.objects.filter(slug__in=["ihaho", "jinken", "houterasu"])}


@pytest.fixture
def make_referral(services, counsellor):
    """Record a referral (and its case) made at a given time, through the models' save()."""

    def make(desk, *, when, service="ihaho", categories=("defamation",), outcome=""):
        case = Case.objects.create(
            desk=desk,
            reference=f"T-{next(_numbers):06d}",
            situation="victim",
            categories=list(categories),
            opened_by=counsellor,
            created_at=when,
        )
        target = services[service]
        return Referral.objects.create(
            case=case,
            service=target,
            service_name=target.name,
            method="info_given",
            status="concluded" if outcome else "recorded",
            outcome=outcome,
            referred_by=counsellor,
            created_at=when,
        )

    return make


@pytest.fixture
def follow_up(counsellor):
    def make(case, *, due, done_at=None):
        return FollowUp.objects.create(
            case=case,
            kind="referral",
            due_on=due,
            done_at=done_at,
            result="reached" if done_at else "",
            done_by=counsellor if done_at else None,
        )

    return make
