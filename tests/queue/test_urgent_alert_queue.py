"""The urgent mail through the real parts: redis-server, a celery worker process, an SMTP sink."""

from email import message_from_bytes, policy

import pytest

from accounts.models import Membership, User
from cases import services
from cases.models import UrgentAlert
from cases.tasks import send_urgent_alert
from tests.queue.conftest import wait_for

pytestmark = [
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SUMMARY = "Aさんが「もう死にたい」と話している。画像を消してほしい。"


@pytest.fixture
def desk_supervisors(desk):
    for name in ("sato", "suzuki"):
        user = User.objects.create(username=name, email=f"{name}@example.jp")
        Membership.objects.create(user=user, desk=desk, role=Membership.Role.SUPERVISOR)
    elsewhere = User.objects.create(username="kato", email="kato@example.jp")
    Membership.objects.create(user=elsewhere, desk=desk, role=Membership.Role.COUNSELLOR)


def open_urgent_case(desk, counsellor, flags=("suicidal",)):
    return services.case_open(
        desk=desk,
        opened_by=counsellor,
        situation="victim",
        wishes=["delete"],
        flags=list(flags),
        channel="phone",
        summary=SUMMARY,
    )


def test_supervisors_get_one_mail_naming_only_the_case_reference(
    broker, worker, smtp, desk, counsellor, desk_supervisors
):
    case = open_urgent_case(desk, counsellor)
    wait_for(lambda: smtp.sink.message_ids, timeout=60, what="the urgent mail")
    alert = UrgentAlert.objects.get(case=case)
    assert smtp.sink.counts() == {alert.message_id: 1}
    message = message_from_bytes(smtp.sink.bodies[0], policy=policy.default)
    assert sorted(message["To"].split(", ")) == ["sato@example.jp", "suzuki@example.jp"]
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert case.reference in message["Subject"] and case.reference in text
    assert "死にたい" not in smtp.sink.bodies[0].decode("utf-8", "replace")
    assert "死にたい" not in text and "画像" not in text

    # Asked again (a duplicate delivery of the task), nothing more is sent.
    send_urgent_alert.delay(alert.pk)
    UrgentAlert.objects.filter(pk=alert.pk).update(claimed_until=None)
    wait_for(
        lambda: (
            UrgentAlert.objects.get(pk=alert.pk).attempts == 1
            and UrgentAlert.objects.get(pk=alert.pk).sent_at
        ),
        timeout=10,
        what="the alert to stay sent",
    )
    services.urgent_alert_send(alert_id=alert.pk)
    assert smtp.sink.counts() == {alert.message_id: 1}


def test_a_retry_after_a_crash_reuses_the_message_id(
    broker, worker, smtp, desk, counsellor, desk_supervisors
):
    case = open_urgent_case(desk, counsellor, flags=("imminent_danger",))
    wait_for(lambda: smtp.sink.message_ids, timeout=60, what="the urgent mail")
    alert = UrgentAlert.objects.get(case=case)
    # The worker died after the SMTP server took the mail but before the row said so.
    UrgentAlert.objects.filter(pk=alert.pk).update(sent_at=None, claimed_until=None)
    send_urgent_alert.delay(alert.pk)
    wait_for(lambda: len(smtp.sink.message_ids) == 2, timeout=60, what="the retried mail")
    assert set(smtp.sink.message_ids) == {alert.message_id}
