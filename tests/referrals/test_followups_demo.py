"""Demo referrals and follow-ups: idempotent, spread over the year, and a digest to send."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from referrals.models import FollowUp, Referral
from reminders import services as reminders
from reminders.models import Digest


@pytest.fixture
def demo(db):
    call_command("loaddemo", stdout=io.StringIO())


def test_loading_the_demo_twice_adds_nothing(demo):
    counts = (Referral.objects.count(), FollowUp.objects.count())
    call_command("loaddemo", stdout=io.StringIO())
    assert (Referral.objects.count(), FollowUp.objects.count()) == counts
    assert counts[0] > 20


def test_the_demo_spreads_referrals_over_the_last_year_with_outcomes(demo):
    dates = list(Referral.objects.values_list("created_at", flat=True))
    assert min(dates) < timezone.now() - datetime.timedelta(days=180)
    assert Referral.objects.filter(status="concluded").values("outcome").distinct().count() >= 4
    today = timezone.localdate()
    open_follow_ups = FollowUp.objects.open()
    assert open_follow_ups.filter(due_on__lt=today).exists()
    assert open_follow_ups.filter(
        due_on__gte=today, due_on__lt=today + datetime.timedelta(7)
    ).exists()


def test_a_fresh_demo_sends_the_demo_staff_their_digest_at_once(demo):
    reminders.sweep()
    recipients = {message.to[0]: message for message in mail.outbox}
    assert {"counsellor@example.jp", "school@example.jp", "supervisor@example.jp"} <= set(
        recipients
    )
    assert "管理するデスクの合計" in recipients["supervisor@example.jp"].body
    assert "管理するデスクの合計" not in recipients["counsellor@example.jp"].body
    assert Digest.objects.filter(status=Digest.Status.SENT).count() == len(mail.outbox)


def test_no_demo_follow_up_falls_due_on_a_day_off(demo):
    from core.workdays import is_working_day

    days = set(FollowUp.objects.values_list("due_on", flat=True))
    assert days and all(is_working_day(day) for day in days)
