"""Helpers for referral, follow-up and reminder tests: cases with follow-ups due on given days."""

import datetime

import factory

from referrals.models import FollowUp
from referrals.schedule import TOKYO
from tests.factories import DeskFactory, UserFactory


class CaseFactory(factory.django.DjangoModelFactory):
    """A bare case made directly, without the intake service (these tests need no audit)."""

    class Meta:
        model = "cases.Case"

    desk = factory.SubFactory(DeskFactory)
    reference = factory.Sequence(lambda n: f"GIFU-CITY-2026-{n:04d}")
    situation = "victim"
    opened_by = factory.SubFactory(UserFactory)
    summary = "相談の要旨"


def tokyo(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=TOKYO)


def case_with_follow_ups(*, desk, assigned_to, due: list[datetime.date], **fields):
    """Create a case assigned to a counsellor with one open follow-up per due date."""
    case = CaseFactory(desk=desk, assigned_to=assigned_to, opened_by=assigned_to, **fields)
    for due_on in due:
        FollowUp.objects.create(case=case, kind=FollowUp.Kind.REFERRAL, due_on=due_on)
    return case
