"""Reminders sent in-process to a real SMTP server (aiosmtpd): refusals and outages."""

import pytest

from accounts.models import Membership, User
from reminders import services as reminders
from reminders.models import Digest
from tests.referrals.followup_factories import case_with_follow_ups, tokyo

NOW = tokyo(2026, 12, 7, 9, 30)


@pytest.fixture
def real_smtp(smtp, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    return smtp


@pytest.fixture
def three_due(desk):
    users = []
    for name in ("aoki", "baba", "chiba"):
        user = User.objects.create(username=name, email=f"{name}@example.jp")
        Membership.objects.create(user=user, desk=desk, role=Membership.Role.COUNSELLOR)
        case_with_follow_ups(desk=desk, assigned_to=user, due=[NOW.date()])
        users.append(user)
    return users


def test_a_refused_address_is_marked_failed_and_the_rest_are_sent(
    real_smtp, three_due, admin_client
):
    real_smtp.sink.refuse = {"baba@example.jp"}
    result = reminders.sweep(now=NOW)
    assert (result.sent, result.failed) == (2, 1)
    failed = Digest.objects.get(status=Digest.Status.FAILED)
    assert failed.user.username == "baba"
    assert "550" in failed.last_error
    assert len(real_smtp.sink.message_ids) == 2

    page = admin_client.get("/admin/reminders/digest/", {"status__exact": "failed"})
    assert page.status_code == 200
    assert "baba" in page.content.decode()
    reminders.sweep(now=NOW)
    assert len(real_smtp.sink.message_ids) == 2, "a refused digest is not retried by itself"


def test_the_admin_can_send_a_failed_digest_again(real_smtp, three_due, admin_client):
    real_smtp.sink.refuse = {"baba@example.jp"}
    reminders.sweep(now=NOW)
    real_smtp.sink.refuse = set()
    failed = Digest.objects.get(status=Digest.Status.FAILED)
    admin_client.post(
        "/admin/reminders/digest/",
        {"action": "send_again", "_selected_action": [failed.pk]},
    )
    reminders.sweep(now=NOW)
    assert real_smtp.sink.counts()[failed.message_id] == 1
    assert len(real_smtp.sink.message_ids) == 3


def test_smtp_down_keeps_digests_waiting_and_the_next_sweep_sends_them_once(
    real_smtp, three_due, settings
):
    settings.REMINDER_RETRY_BASE_SECONDS = 0  # the next sweep comes after the backoff
    real_smtp.stop()
    reminders.sweep(now=NOW)
    assert set(Digest.objects.values_list("status", flat=True)) == {Digest.Status.PENDING}
    assert all(
        "Connection refused" in e for e in Digest.objects.values_list("last_error", flat=True)
    )
    real_smtp.start()
    reminders.sweep(now=NOW)
    reminders.sweep(now=NOW)
    counts = real_smtp.sink.counts()
    assert len(counts) == 3
    assert set(counts.values()) == {1}
    assert set(Digest.objects.values_list("status", flat=True)) == {Digest.Status.SENT}


def test_each_mail_carries_its_digest_message_id_and_both_parts(real_smtp, three_due):
    reminders.sweep(now=NOW)
    ids = set(Digest.objects.values_list("message_id", flat=True))
    assert set(real_smtp.sink.message_ids) == ids
    body = real_smtp.sink.bodies[0]
    assert b"multipart/alternative" in body
    assert b"text/html" in body
