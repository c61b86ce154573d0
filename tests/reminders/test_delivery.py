"""Delivery under faults, in-process: marks per mail, retries for the week, honest dispatch.

The relays here are Django email backends standing in for an SMTP server that is down or
dies mid-batch; the fault suite (tests/queue/) does the same with real processes.
"""

import datetime

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import CommandError, call_command
from django.utils import timezone

from reminders import services as reminders
from reminders.models import Digest
from tests.factories import UserFactory
from tests.referrals.followup_factories import case_with_follow_ups, tokyo

MONDAY = tokyo(2026, 12, 7, 9, 30)
DAY = datetime.timedelta(days=1)


class RelayDown(EmailBackend):
    """A relay nobody answers at."""

    def open(self):
        raise ConnectionRefusedError(111, "Connection refused")


class ProcessDies(BaseException):
    """Stands for a SIGKILL: nothing after it runs, not even an except clause for Exception."""


class RelayThatDiesAfterTwo(EmailBackend):
    def send_messages(self, messages):
        if len(mail.outbox) >= 2:
            raise ProcessDies
        return super().send_messages(messages)


@pytest.fixture
def three_due(desk):
    users = []
    for n in range(3):
        user = UserFactory(username=f"due{n}", email=f"due{n}@example.jp")
        user.memberships.create(desk=desk, role="counsellor")
        case_with_follow_ups(desk=desk, assigned_to=user, due=[MONDAY.date()])
        users.append(user)
    return users


def test_each_mail_is_marked_sent_the_moment_the_relay_accepts_it(three_due, settings):
    settings.EMAIL_BACKEND = f"{__name__}.RelayThatDiesAfterTwo"
    with pytest.raises(ProcessDies):
        reminders.sweep(now=MONDAY)
    assert len(mail.outbox) == 2
    sent = set(
        Digest.objects.filter(status=Digest.Status.SENT).values_list("message_id", flat=True)
    )
    assert sent == {message.extra_headers["Message-ID"] for message in mail.outbox}


def test_a_relay_down_past_the_old_ten_attempts_never_gives_a_digest_up_while_the_week_lasts(
    three_due, settings
):
    settings.EMAIL_BACKEND = f"{__name__}.RelayDown"
    settings.REMINDER_RETRY_BASE_SECONDS = 0
    for _ in range(15):
        reminders.sweep(now=MONDAY)
    assert set(Digest.objects.values_list("status", flat=True)) == {Digest.Status.PENDING}
    assert set(Digest.objects.values_list("attempts", flat=True)) == {15}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    reminders.sweep(now=MONDAY + 6 * DAY)
    assert len(mail.outbox) == 3


def test_a_digest_whose_week_is_over_is_marked_failed_not_sent_late(three_due, settings):
    settings.EMAIL_BACKEND = f"{__name__}.RelayDown"
    settings.REMINDER_RETRY_BASE_SECONDS = 0
    reminders.sweep(now=MONDAY)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    reminders.sweep(now=tokyo(2026, 12, 14, 0, 0))
    old = Digest.objects.filter(period=MONDAY.date())
    assert set(old.values_list("status", flat=True)) == {Digest.Status.FAILED}
    assert all("週が終わった" in error for error in old.values_list("last_error", flat=True))
    assert not [m for m in mail.outbox if "12月7日" in m.body]


def test_an_unreachable_relay_backs_off_doubling_up_to_the_ceiling(three_due, settings):
    settings.EMAIL_BACKEND = f"{__name__}.RelayDown"
    settings.REMINDER_RETRY_BASE_SECONDS = 10
    settings.REMINDER_RETRY_MAX_SECONDS = 40
    waits = []
    for _ in range(4):
        Digest.objects.update(lease_until=None)  # as if each backoff had passed
        before = timezone.now()
        reminders.sweep(now=MONDAY)
        digest = Digest.objects.first()
        waits.append(round((digest.lease_until - before).total_seconds()))
        assert digest.lease_token == "" and "Connection refused" in digest.last_error
    assert waits == [10, 20, 40, 40]
    # Within the backoff the next sweep leaves them alone.
    assert reminders.sweep(now=MONDAY).leased == 0


# Handed over after the lease commits: these need real commits, not a test transaction.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_refused_dispatch_releases_the_leases_and_raises(three_due):
    def broker_down(ids, token):
        raise ConnectionRefusedError(111, "Connection refused")

    with pytest.raises(reminders.DispatchFailed):
        reminders.sweep(now=MONDAY, dispatch=broker_down)
    assert Digest.objects.count() == 3
    assert not Digest.objects.filter(lease_until__isnull=False).exists()
    queued = []
    reminders.sweep(now=MONDAY, dispatch=lambda ids, token: queued.extend(ids))
    assert len(queued) == 3


# Handed over after the lease commits: these need real commits, not a test transaction.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sendreminders_queue_exits_non_zero_when_the_broker_is_down(three_due, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    from config.celery import app

    saved = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    app._pool = None
    app.amqp._producer_pool = None
    try:
        with pytest.raises(CommandError, match="ワーカーにリマインダーを渡せませんでした"):
            call_command("sendreminders", "--queue", "--at", MONDAY.isoformat())
    finally:
        app.conf.broker_url = saved
        app._pool = None
        app.amqp._producer_pool = None
    assert not Digest.objects.filter(lease_until__isnull=False).exists()


def test_moving_the_digest_to_a_later_weekday_never_sends_last_week_again(desk, counsellor):
    case_with_follow_ups(desk=desk, assigned_to=counsellor, due=[MONDAY.date() + DAY])
    reminders.sweep(now=MONDAY)
    assert len(mail.outbox) == 1
    counsellor.digest_weekday = 3  # Thursday: last Thursday's time has passed, this one's not
    counsellor.save()
    reminders.sweep(now=MONDAY + DAY)
    assert len(mail.outbox) == 1
    assert Digest.objects.count() == 1


def test_moving_the_digest_to_an_earlier_weekday_sends_this_week_once(desk, counsellor):
    case_with_follow_ups(desk=desk, assigned_to=counsellor, due=[MONDAY.date() + DAY])
    counsellor.digest_weekday = 3
    counsellor.save()
    reminders.sweep(now=MONDAY - 4 * DAY)  # last Thursday: that week's digest goes out
    assert Digest.objects.count() == 1
    counsellor.digest_weekday = 0
    counsellor.save()
    reminders.sweep(now=MONDAY + DAY)
    reminders.sweep(now=MONDAY + DAY)
    assert list(Digest.objects.order_by("period").values_list("period", flat=True)) == [
        MONDAY.date() - 7 * DAY,
        MONDAY.date(),
    ]


def test_a_digest_unsent_an_hour_after_its_time_is_listed(three_due, settings):
    settings.EMAIL_BACKEND = f"{__name__}.RelayDown"
    reminders.sweep(now=MONDAY)
    scheduled = Digest.objects.first().scheduled_for
    assert not reminders.unsent_digests(now=scheduled + datetime.timedelta(minutes=59)).exists()
    assert reminders.unsent_digests(now=scheduled + datetime.timedelta(hours=1)).count() == 3
