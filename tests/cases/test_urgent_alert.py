"""The urgent mail's service: raised once per case, sent once, the case named by reference only."""

import pytest
from django.core import mail

from accounts.models import Membership, User
from cases import services
from cases.models import UrgentAlert

pytestmark = pytest.mark.django_db

SUMMARY = "Aさんが「もう死にたい」と話している。"


@pytest.fixture
def desk_supervisor(desk):
    user = User.objects.create(username="sato", email="sato@example.jp")
    Membership.objects.create(user=user, desk=desk, role=Membership.Role.SUPERVISOR)
    return user


def test_a_case_without_an_urgent_flag_raises_no_alert(desk, counsellor, desk_supervisor):
    case = services.case_open(desk=desk, opened_by=counsellor, situation="victim")
    assert not UrgentAlert.objects.filter(case=case).exists()


def test_an_urgent_case_is_queued_after_the_commit_and_mailed_once(
    desk, counsellor, desk_supervisor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        case = services.case_open(
            desk=desk,
            opened_by=counsellor,
            situation="worries",
            flags=["suicidal"],
            summary=SUMMARY,
        )
    assert len(callbacks) == 1
    alert = UrgentAlert.objects.get(case=case)
    assert services.urgent_alert_send(alert_id=alert.pk) is True
    assert services.urgent_alert_send(alert_id=alert.pk) is False
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["sato@example.jp"]
    assert message.extra_headers["Message-ID"] == alert.message_id
    assert case.reference in message.subject
    assert "死にたい" not in message.body and "死にたい" not in message.subject


def test_adding_an_urgent_flag_later_raises_the_alert_once(
    desk, counsellor, desk_supervisor, django_capture_on_commit_callbacks
):
    case = services.case_open(desk=desk, opened_by=counsellor, situation="victim")
    with django_capture_on_commit_callbacks() as callbacks:
        services.case_update(case=case, by=counsellor, flags=["imminent_danger"])
    assert len(callbacks) == 1
    with django_capture_on_commit_callbacks() as callbacks:
        services.case_update(case=case, by=counsellor, flags=["imminent_danger", "suicidal"])
    assert callbacks == []
    assert UrgentAlert.objects.filter(case=case).count() == 1


def test_a_claimed_alert_is_not_sent_by_a_second_worker(desk, counsellor, desk_supervisor):
    case = services.case_open(
        desk=desk, opened_by=counsellor, situation="victim", flags=["suicidal"]
    )
    alert = UrgentAlert.objects.get(case=case)
    from django.utils import timezone

    UrgentAlert.objects.filter(pk=alert.pk).update(
        claimed_until=timezone.now() + services.URGENT_ALERT_LEASE
    )
    assert services.urgent_alert_send(alert_id=alert.pk) is False
    assert mail.outbox == []
