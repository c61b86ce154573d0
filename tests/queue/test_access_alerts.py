"""The unusual-access mail through the real parts: redis-server, a celery worker, an SMTP sink."""

import time
from email import message_from_bytes, policy

import pytest

from audit.models import AccessAlert
from audit.tasks import send_access_alert
from tests.factories import MembershipFactory
from tests.queue.conftest import wait_for

pytestmark = [
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LIMIT = 3


@pytest.fixture
def desk_supervisor(desk):
    membership = MembershipFactory(desk=desk, role="supervisor")
    membership.user.email = "boss@example.jp"
    membership.user.save()
    return membership.user


def test_reading_many_cases_mails_the_supervisors_once_per_episode(
    desk, counsellor, desk_supervisor, open_case, broker, smtp, worker, web, settings
):
    settings.AUDIT_ALERT_CASES_PER_HOUR = LIMIT
    cases = [open_case() for _ in range(LIMIT * 3)]
    client = web(counsellor)
    for case in cases:
        assert client.get(case.get_absolute_url()).status_code == 200
    (volume,) = AccessAlert.objects.filter(kind="volume")
    # At night or on a day off, the reads are one off-hours episode as well.
    alerts = list(AccessAlert.objects.all())
    assert len(alerts) <= 2
    expected = {f"<access-alert-{alert.pk}@localhost>" for alert in alerts}
    wait_for(lambda: set(smtp.sink.counts()) >= expected, timeout=30, what="the alert mail")

    # The same episode goes on, and a duplicate task arrives: nothing is sent again.
    for case in cases:
        client.get(case.get_absolute_url())
    send_access_alert.delay(volume.pk)
    time.sleep(3)
    counts = smtp.sink.counts()
    assert set(counts) == expected
    assert set(counts.values()) == {1}
    message = message_from_bytes(smtp.sink.bodies[0], policy=policy.default)
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert message["To"] == "boss@example.jp"
    assert cases[0].reference in text or cases[-1].reference in text
    assert all(case.summary not in text for case in cases)
    assert AccessAlert.objects.filter(sent_at__isnull=True).count() == 0
