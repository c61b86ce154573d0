"""Offers waiting at a desk are in its supervisors' weekly digest, until decided."""

import pytest
from django.core import mail
from django.test import override_settings

from accounts.models import Membership
from tests.factories import MembershipFactory
from tests.referrals.followup_factories import tokyo
from tests.transfers.conftest import SUMMARY
from transfers import services
from transfers.digest import DIGEST_SECTION

pytestmark = pytest.mark.django_db

MONDAY = tokyo(2027, 1, 4, 9, 30)
HEADING = "引き継ぎを依頼された相談"


def offer_sections(address: str) -> list[str]:
    return [m.body for m in mail.outbox if m.to == [address] and HEADING in m.body]


def sweep(now=MONDAY) -> None:
    from reminders import services as reminders

    reminders.sweep(now=now)


def test_the_receiving_desks_supervisor_is_told_of_a_waiting_offer_once_per_digest(
    offered, receiver_supervisor
):
    sweep()
    sweep(MONDAY.replace(minute=35))
    [body] = offer_sections(receiver_supervisor.email)
    assert body.count(offered.reference) == 1
    assert "1件" in body
    assert SUMMARY not in body
    assert "/transfers/" in body


def test_the_sending_desk_and_other_desks_are_not_told(
    offered, counsellor, sender_supervisor, other_desk
):
    stranger = MembershipFactory(desk=other_desk, role=Membership.Role.SUPERVISOR).user
    sweep()
    # The sender's own digests list the case's follow-up as before, not the offer.
    for person in (counsellor, sender_supervisor, stranger):
        assert offer_sections(person.email) == []
    assert all(offered.reference not in m.body for m in mail.outbox if m.to == [stranger.email])


@pytest.mark.parametrize("step", ["accept", "decline", "withdraw"])
def test_a_decided_offer_leaves_the_digest(
    step, offered, receiver, receiver_supervisor, counsellor
):
    sweep()
    assert len(offer_sections(receiver_supervisor.email)) == 1
    if step == "accept":
        services.transfer_accept(transfer_id=offered.pk, by=receiver)
    elif step == "decline":
        services.transfer_decline(transfer_id=offered.pk, by=receiver, reason="outside_area")
    else:
        services.transfer_withdraw(transfer_id=offered.pk, by=counsellor)
    mail.outbox.clear()
    sweep(tokyo(2027, 1, 11, 9, 30))
    assert offer_sections(receiver_supervisor.email) == []


def test_the_section_reads_every_offer_in_one_query(
    offered, receiver_supervisor, sender_supervisor, django_assert_num_queries
):
    from core.digest import DigestRecipient

    today = MONDAY.date()
    recipients = [
        DigestRecipient(
            digest_id=n,
            user_id=user.pk,
            period=today,
            today=today,
            readable_desk_ids=frozenset({desk_id}),
            supervised_desk_ids=frozenset({desk_id}),
        )
        for n, (user, desk_id) in enumerate(
            ((receiver_supervisor, offered.to_desk_id), (sender_supervisor, offered.from_desk_id))
        )
    ]
    with django_assert_num_queries(1):
        sections = DIGEST_SECTION.collect(recipients)
    assert [row["reference"] for row in sections[0]["rows"]] == [offered.reference]
    assert sections[0]["total"] == 1
    assert sections[1] is None


@override_settings(LANGUAGE_CODE="en")
def test_the_section_reads_in_english(offered):
    from django.template.loader import render_to_string
    from django.utils import translation

    section = {"rows": [], "total": 2, "url": "https://example.org/transfers/"}
    with translation.override("en"):
        text = render_to_string(DIGEST_SECTION.text_template, {"section": section})
    assert "2 cases offered by other desks are waiting" in text
