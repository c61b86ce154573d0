import datetime

import pytest
from django.utils import timezone

from accounts.models import Membership
from catalogue.models import Service
from referrals import services as referral_services
from referrals.models import Referral
from tests.factories import MembershipFactory, UserFactory
from transfers import services

SUMMARY = "Aさんの同級生がいじめ動画を投稿した。学校と市の両方に相談している。"


@pytest.fixture
def receiver(school_desk):
    """A counsellor of the school desk, to which the owner's case is offered."""
    return MembershipFactory(user=UserFactory(username="receiver"), desk=school_desk).user


@pytest.fixture
def sender_supervisor(desk):
    """A supervisor of the owner's desk only."""
    user = UserFactory(username="sender-supervisor")
    MembershipFactory(user=user, desk=desk, role=Membership.Role.SUPERVISOR)
    return user


@pytest.fixture
def receiver_supervisor(school_desk):
    """A supervisor of the school desk only."""
    user = UserFactory(username="receiver-supervisor")
    MembershipFactory(user=user, desk=school_desk, role=Membership.Role.SUPERVISOR)
    return user


@pytest.fixture
def moving_case(open_case, counsellor):
    """The owner's case with a referral and its follow-up: what moves with it."""
    case = open_case(summary=SUMMARY, categories=["bullying"], flags=["minor", "school_related"])
    referral_services.referral_record(
        case=case,
        service=Service.objects.get(slug="ihaho"),
        method=Referral.Method.INFO_GIVEN,
        referred_by=counsellor,
        follow_up_on=timezone.localdate() + datetime.timedelta(days=3),
    )
    case.refresh_from_db()
    return case


@pytest.fixture
def offered(moving_case, counsellor, school_desk):
    """The owner's case offered to the school desk with the person's consent."""
    return services.transfer_offer(
        case=moving_case, by=counsellor, to_desk=school_desk, consent="person"
    )
