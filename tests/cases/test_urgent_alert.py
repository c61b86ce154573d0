"""The urgent mail's service: raised once per case, sent once, the case named by reference only."""

import datetime
from contextlib import contextmanager
from unittest import mock

import pytest
from django.core import mail

from accounts.models import Membership, User
from cases import services
from cases.models import UrgentAlert
from cases.tasks import send_urgent_alert, sweep_urgent_alerts

pytestmark = pytest.mark.django_db


@contextmanager
def freeze(moment):
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


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


def test_an_alert_that_was_never_queued_is_sent_once_by_the_sweep(
    desk, counsellor, desk_supervisor, django_capture_on_commit_callbacks
):
    # The callbacks are captured and never run: the broker was down when the case was saved.
    with django_capture_on_commit_callbacks():
        case = services.case_open(
            desk=desk, opened_by=counsellor, situation="victim", flags=["suicidal"]
        )
    alert = UrgentAlert.objects.get(case=case)
    assert services.urgent_alerts_unsent() == [], "its own task gets a minute first"

    later = alert.created_at + services.URGENT_ALERT_GRACE + datetime.timedelta(seconds=1)
    # The queued task runs here at once, as the worker would take it from the broker.
    run_now = mock.patch.object(
        send_urgent_alert, "delay", lambda alert_id: send_urgent_alert.apply(args=(alert_id,))
    )
    with freeze(later), run_now:
        assert sweep_urgent_alerts() == 1
        assert sweep_urgent_alerts() == 0
    assert len(mail.outbox) == 1
    alert.refresh_from_db()
    assert alert.sent_at is not None
