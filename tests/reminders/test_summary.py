"""The weekly summary in a supervisor's digest: last week against the week before, suppressed."""

import datetime
import re

import pytest
from django.core import mail
from django.core.management import call_command

from accounts.models import Membership
from reminders import services as reminders
from reminders.models import Digest
from tests.factories import MembershipFactory, UserFactory
from tests.referrals.followup_factories import activity, case_with_follow_ups, tokyo

# Monday 2026-12-07, 09:30 in Tokyo: the default digest time has just passed. Last week is
# 11/30–12/6, the week before 11/23–11/29.
MONDAY = tokyo(2026, 12, 7, 9, 30)
LAST_WEEK = tokyo(2026, 12, 2, 14, 0)
WEEK_BEFORE = tokyo(2026, 11, 25, 14, 0)
DAY = datetime.timedelta(days=1)


def sweep(now=MONDAY):
    return reminders.sweep(now=now)


def mails_to(user):
    return [m for m in mail.outbox if m.to == [user.email]]


def html_of(message) -> str:
    return message.alternatives[0][0]


def summary_line(message, label: str) -> str:
    [line] = [line for line in message.body.splitlines() if line.startswith(f"- {label}: ")]
    return line


@pytest.fixture
def other_supervisor(other_desk):
    """A supervisor of another desk only."""
    user = UserFactory(username="other-supervisor")
    MembershipFactory(user=user, desk=other_desk, role=Membership.Role.SUPERVISOR)
    return user


def test_a_supervisor_gets_last_weeks_numbers_against_the_week_before(
    desk, school_desk, supervisor
):
    activity(desk, at=LAST_WEEK, cases=5, referrals=4, follow_ups=3)
    activity(school_desk, at=LAST_WEEK, cases=1)
    activity(desk, at=WEEK_BEFORE, cases=3, follow_ups=3)
    sweep()
    [message] = mails_to(supervisor)
    assert "先週の件数のまとめ" in message.subject
    assert "確認が必要なフォローアップはありません" in message.body
    assert (
        "先週（2026年11月30日〜2026年12月6日）の件数と前の週との比較（管理するデスクの合計）"
        in message.body
    )
    assert summary_line(message, "受け付けた相談") == "- 受け付けた相談: 6件（前の週 3件、+3）"
    assert summary_line(message, "窓口への案内") == "- 窓口への案内: 4件（前の週 0件、+4）"
    assert (
        summary_line(message, "記録したフォローアップ")
        == "- 記録したフォローアップ: 3件（前の週 3件、±0）"
    )
    html = html_of(message)
    assert "前の週（2026年11月23日〜2026年11月29日）" in html
    assert re.search(r"受け付けた相談</th><td[^>]*>6</td><td[^>]*>3</td><td[^>]*>\+3</td>", html)
    assert Digest.objects.get(user=supervisor).status == Digest.Status.SENT


def test_a_small_count_shows_as_under_the_threshold_and_no_total_gives_it_away(desk, supervisor):
    activity(desk, at=LAST_WEEK, cases=1)
    activity(desk, at=WEEK_BEFORE, cases=4)
    sweep()
    [message] = mails_to(supervisor)
    line = summary_line(message, "受け付けた相談")
    assert line == "- 受け付けた相談: X件（前の週 X件）", "4 and the total 5 would give 1 away"
    assert "「X」は伏せた数です。3件未満の数か" in message.body
    assert "<3" not in message.body
    html = html_of(message)
    assert re.search(r"受け付けた相談</th><td[^>]*>X</td><td[^>]*>X</td><td[^>]*>—</td>", html)
    for number in ("1", "4", "5"):
        assert number not in line


def test_the_threshold_is_the_statistics_setting(desk, supervisor, settings):
    settings.STATS_SUPPRESSION_THRESHOLD = 5
    activity(desk, at=LAST_WEEK, cases=4)
    activity(desk, at=WEEK_BEFORE, cases=6)
    sweep()
    [message] = mails_to(supervisor)
    assert summary_line(message, "受け付けた相談") == "- 受け付けた相談: X件（前の週 X件）"
    assert "5件未満の数か" in message.body


def test_a_supervisor_with_nothing_to_report_gets_no_mail(desk, supervisor):
    activity(desk, at=WEEK_BEFORE - 7 * DAY, cases=5, referrals=5)
    activity(desk, at=MONDAY - datetime.timedelta(minutes=20), cases=5)
    sweep()
    assert mail.outbox == []
    assert Digest.objects.get(user=supervisor).status == Digest.Status.SKIPPED


def test_numbers_of_another_desk_never_reach_a_supervisor_of_other_desks(
    desk, other_desk, supervisor, outsider, other_supervisor
):
    activity(desk, at=LAST_WEEK, cases=3)
    for _ in range(7):
        case_with_follow_ups(desk=other_desk, assigned_to=outsider, due=[], created_at=LAST_WEEK)
    activity(other_desk, at=WEEK_BEFORE, referrals=4)
    sweep()
    [mine] = mails_to(supervisor)
    assert summary_line(mine, "受け付けた相談") == "- 受け付けた相談: 3件（前の週 0件、+3）"
    assert summary_line(mine, "窓口への案内") == "- 窓口への案内: 0件（前の週 0件、±0）"
    [theirs] = mails_to(other_supervisor)
    assert summary_line(theirs, "受け付けた相談") == "- 受け付けた相談: 7件（前の週 0件、+7）"
    assert summary_line(theirs, "窓口への案内") == "- 窓口への案内: 0件（前の週 4件、-4）"


def test_a_week_is_counted_from_midnight_in_tokyo(desk, supervisor):
    activity(desk, at=tokyo(2026, 11, 30, 0, 10), cases=3)
    activity(desk, at=tokyo(2026, 11, 29, 23, 50), cases=4)
    activity(desk, at=tokyo(2026, 12, 7, 0, 10), cases=5)
    sweep()
    [message] = mails_to(supervisor)
    assert summary_line(message, "受け付けた相談") == "- 受け付けた相談: 3件（前の週 4件、-1）"


def test_running_the_sweep_twice_sends_the_summary_once(desk, supervisor):
    activity(desk, at=LAST_WEEK, cases=4)
    sweep()
    sweep()
    sweep(MONDAY + 2 * DAY)
    call_command("sendreminders", "--at", "2026-12-07T10:00:00+09:00")
    [message] = mails_to(supervisor)
    assert "受け付けた相談: 4件" in message.body


def test_next_week_compares_the_following_weeks(desk, supervisor):
    activity(desk, at=LAST_WEEK, cases=4)
    activity(desk, at=LAST_WEEK + 7 * DAY, cases=6)
    sweep()
    sweep(MONDAY + 7 * DAY)
    first, second = mails_to(supervisor)
    assert summary_line(first, "受け付けた相談") == "- 受け付けた相談: 4件（前の週 0件、+4）"
    assert summary_line(second, "受け付けた相談") == "- 受け付けた相談: 6件（前の週 4件、+2）"


def test_counsellors_get_no_summary_and_nothing_due_still_means_no_mail(
    desk, counsellor, deskmate, supervisor
):
    activity(desk, at=LAST_WEEK, cases=5)
    case_with_follow_ups(
        desk=desk, assigned_to=counsellor, due=[MONDAY.date()], created_at=WEEK_BEFORE
    )
    sweep()
    [theirs] = mails_to(counsellor)
    assert "先週" not in theirs.body
    assert "先週" not in html_of(theirs)
    assert "今週のフォローアップ 1件" in theirs.subject
    assert mails_to(deskmate) == []
    assert len(mails_to(supervisor)) == 1


def test_a_supervisor_with_follow_ups_of_their_own_gets_one_digest_with_the_summary(
    desk, counsellor, supervisor
):
    activity(desk, at=LAST_WEEK, cases=3)
    mine = case_with_follow_ups(
        desk=desk, assigned_to=supervisor, due=[MONDAY.date() + DAY], created_at=LAST_WEEK
    )
    late = case_with_follow_ups(
        desk=desk, assigned_to=counsellor, due=[MONDAY.date() - 20 * DAY], created_at=LAST_WEEK
    )
    sweep()
    [message] = mails_to(supervisor)
    assert "今週のフォローアップ 1件（要確認 1件）" in message.subject
    assert mine.reference in message.body
    assert late.reference in message.body
    assert summary_line(message, "受け付けた相談").startswith("- 受け付けた相談: 5件")


def test_a_summary_never_carries_any_text_of_a_case(desk, supervisor):
    activity(
        desk, at=LAST_WEEK, cases=4, referrals=3, summary="秘密の相談内容：加害者はクラスの山田"
    )
    sweep()
    [message] = mails_to(supervisor)
    for part in (message.subject, message.body, html_of(message)):
        assert "秘密" not in part
        assert "山田" not in part
