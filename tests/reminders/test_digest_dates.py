"""A digest writes its dates the way the recipient reads them: 和暦 when every desk of theirs keeps it."""

import datetime

import pytest
from django.core import mail

from accounts.models import Desk, Membership
from reminders import services as reminders
from tests.factories import MembershipFactory
from tests.referrals.followup_factories import activity, case_with_follow_ups, tokyo

# Monday 2026-12-07, 09:30 in Tokyo: the default digest time has just passed.
MONDAY = tokyo(2026, 12, 7, 9, 30)


def mail_to(user):
    [message] = [m for m in mail.outbox if m.to == [user.email]]
    return message


def keep_wareki(*desks: Desk) -> None:
    Desk.objects.filter(pk__in=[d.pk for d in desks]).update(date_style="wareki")


@pytest.fixture
def due_case(desk, counsellor):
    return case_with_follow_ups(
        desk=desk,
        assigned_to=counsellor,
        due=[datetime.date(2026, 12, 1), datetime.date(2026, 12, 9)],
    )


def test_a_counsellor_whose_only_desk_keeps_wareki_reads_wareki_throughout(
    desk, counsellor, due_case
):
    keep_wareki(desk)
    reminders.sweep(now=MONDAY)
    message = mail_to(counsellor)
    assert message.subject.endswith("— 令和8年12月7日")
    assert "令和8年12月7日時点で" in message.body
    assert "期限 令和8年12月1日（6日超過）" in message.body
    assert "期限 令和8年12月9日" in message.body
    assert "2026年" not in message.body
    assert "令和8年12月9日" in message.alternatives[0][0]


def test_a_counsellor_of_a_wareki_desk_and_a_seireki_desk_reads_seireki(
    desk, other_desk, counsellor, due_case
):
    keep_wareki(desk)
    MembershipFactory(user=counsellor, desk=other_desk, role=Membership.Role.COUNSELLOR)
    reminders.sweep(now=MONDAY)
    message = mail_to(counsellor)
    assert "期限 2026年12月1日（6日超過）" in message.body
    assert "令和" not in message.body + message.subject


def test_two_recipients_of_one_batch_each_read_their_own_style(
    desk, other_desk, counsellor, outsider, due_case
):
    keep_wareki(other_desk)
    case_with_follow_ups(desk=other_desk, assigned_to=outsider, due=[datetime.date(2026, 12, 9)])
    reminders.sweep(now=MONDAY)
    assert "期限 2026年12月9日" in mail_to(counsellor).body
    assert "期限 令和8年12月9日" in mail_to(outsider).body


def test_a_supervisor_s_weekly_summary_follows_the_supervisor_s_style(
    desk, school_desk, supervisor
):
    activity(desk, at=tokyo(2026, 12, 2, 14, 0), cases=5)
    keep_wareki(desk, school_desk)
    reminders.sweep(now=MONDAY)
    message = mail_to(supervisor)
    assert "先週（令和8年11月30日〜令和8年12月6日）" in message.body
    assert message.subject.endswith("— 令和8年12月7日")


def test_the_digest_line_says_a_follow_up_was_moved(desk, counsellor):
    case = case_with_follow_ups(desk=desk, assigned_to=counsellor, due=[datetime.date(2027, 1, 4)])
    case.follow_ups.update(moved_from=datetime.date(2026, 12, 29))
    reminders.sweep(now=tokyo(2027, 1, 4, 9, 30))
    [message] = [m for m in mail.outbox if m.to == [counsellor.email]]
    assert "期限 2027年1月4日（2026年12月29日（休日）から移動）" in message.body
    assert "2026年12月29日（休日）から移動" in message.alternatives[0][0]
