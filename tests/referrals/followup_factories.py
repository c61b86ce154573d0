"""Helpers for referral, follow-up and reminder tests: cases with follow-ups due on given days."""

import datetime

import factory

from core.workdays import TOKYO
from referrals.models import FollowUp
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


def activity(desk, *, at: datetime.datetime, cases=0, referrals=0, follow_ups=0, **fields):
    """Record a desk's work at a moment: intakes, referrals and follow-ups checked.

    Referrals and follow-ups belong to one case taken in 60 days earlier, so only the
    measures asked for count at ``at``.
    """
    from accounts.models import Membership, User
    from catalogue.models import Service
    from referrals.models import Referral

    # One intake worker per desk, without a password or an address: quick to make, never mailed.
    # A counsellor of the desk, so the cases have an owner (retention's handover list).
    worker = User.objects.get_or_create(username=f"intake-{desk.slug}")[0]
    Membership.objects.get_or_create(user=worker, desk=desk, defaults={"role": "counsellor"})
    fields.setdefault("opened_by", worker)
    for _ in range(cases):
        CaseFactory(desk=desk, created_at=at, **fields)
    if not (referrals or follow_ups):
        return
    case = CaseFactory(desk=desk, created_at=at - datetime.timedelta(days=60), **fields)
    service = Service.objects.get(slug="ihaho")
    for _ in range(referrals):
        Referral.objects.create(
            case=case,
            service=service,
            service_name=service.name,
            method="info_given",
            referred_by=case.opened_by,
            created_at=at,
        )
    for _ in range(follow_ups):
        FollowUp.objects.create(
            case=case,
            kind=FollowUp.Kind.REFERRAL,
            due_on=at.date(),
            result=FollowUp.Result.REACHED,
            done_at=at,
            done_by=case.opened_by,
        )
