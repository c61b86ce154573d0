"""Unusual reading opens one episode per user, kind and desk, and mails its supervisors once."""

import datetime

import pytest
from django.core import mail

from audit import anomalies, chain
from audit.models import AccessAlert, AuditEntry
from audit.tasks import send_access_alert
from core.workdays import TOKYO
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

# A Wednesday, inside and outside the default working hours (8-20, Tokyo).
WORKING = datetime.datetime(2026, 12, 2, 10, 0, tzinfo=TOKYO)
NIGHT = datetime.datetime(2026, 12, 2, 23, 30, tzinfo=TOKYO)
SUNDAY = datetime.datetime(2026, 12, 6, 11, 0, tzinfo=TOKYO)


@pytest.fixture
def desk_supervisor(desk):
    membership = MembershipFactory(desk=desk, role="supervisor")
    membership.user.email = "boss@example.jp"
    membership.user.save()
    return membership.user


def read(user, reference: str, desk_id: int, at: datetime.datetime) -> list[AccessAlert]:
    entry = AuditEntry(
        actor=user, action="view", case_reference=reference, desk_id=desk_id, at=at, via="web"
    )
    chain.append([entry])
    return anomalies.note_read(entry)


@pytest.fixture
def limit(settings):
    settings.AUDIT_ALERT_CASES_PER_HOUR = 3
    settings.AUDIT_WORKING_HOURS = (8, 20)
    return 3


def test_reading_a_few_cases_in_working_hours_opens_nothing(counsellor, desk, limit):
    for n in range(limit):
        assert read(counsellor, f"R-{n}", desk.pk, WORKING + datetime.timedelta(minutes=n)) == []


def test_reading_more_distinct_cases_than_the_limit_in_an_hour_opens_one_episode(
    counsellor, desk, limit, django_capture_on_commit_callbacks
):
    opened = []
    for n in range(limit + 5):
        opened += read(counsellor, f"R-{n}", desk.pk, WORKING + datetime.timedelta(minutes=n))
    assert [alert.kind for alert in opened] == ["volume"]
    assert opened[0].case_count == limit + 1
    assert AccessAlert.objects.count() == 1


def test_reading_the_same_case_again_and_again_is_not_unusual(counsellor, desk, limit):
    for n in range(20):
        assert read(counsellor, "R-1", desk.pk, WORKING + datetime.timedelta(minutes=n)) == []


def test_reads_spread_over_hours_are_not_unusual(counsellor, desk, limit):
    for n in range(10):
        assert (
            read(counsellor, f"R-{n}", desk.pk, WORKING + datetime.timedelta(minutes=25 * n)) == []
        )


def test_a_read_at_night_or_on_a_sunday_opens_an_episode(counsellor, desk, limit):
    assert [a.kind for a in read(counsellor, "R-1", desk.pk, NIGHT)] == ["off_hours"]
    assert [
        a.kind for a in read(counsellor, "R-2", desk.pk, NIGHT + datetime.timedelta(minutes=5))
    ] == []
    assert [a.kind for a in read(counsellor, "R-3", desk.pk, SUNDAY)] == ["off_hours"]


def test_a_new_episode_starts_after_the_episode_window(counsellor, desk, limit, settings):
    settings.AUDIT_ALERT_EPISODE_HOURS = 8
    assert read(counsellor, "R-1", desk.pk, NIGHT)
    assert not read(counsellor, "R-2", desk.pk, NIGHT + datetime.timedelta(hours=7))
    assert read(counsellor, "R-3", desk.pk, NIGHT + datetime.timedelta(hours=24))


def test_the_mail_names_references_and_counts_and_is_sent_once(
    counsellor, desk, case, desk_supervisor, limit
):
    (alert,) = read(counsellor, case.reference, desk.pk, NIGHT)
    assert send_access_alert(alert.pk) is True
    assert send_access_alert(alert.pk) is False
    (message,) = mail.outbox
    assert message.to == ["boss@example.jp"]
    assert case.reference in message.body and "owner" in message.body
    assert case.summary not in message.body
    assert message.extra_headers["Message-ID"].startswith(f"<access-alert-{alert.pk}@")
    alert.refresh_from_db()
    assert alert.sent_at is not None


def test_a_claimed_alert_is_not_sent_by_a_second_worker(counsellor, desk, desk_supervisor, limit):
    (alert,) = read(counsellor, "R-1", desk.pk, NIGHT)
    assert anomalies.alert_claim(alert.pk) is not None
    assert send_access_alert(alert.pk) is False
    assert mail.outbox == []
