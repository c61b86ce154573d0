"""The weekly digest: who gets what, when, and never twice (sent in-process to Django's outbox)."""

import datetime

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Membership, User
from referrals.models import FollowUp
from reminders import services as reminders
from reminders.models import Digest
from tests.factories import DeskFactory, MembershipFactory, UserFactory
from tests.referrals.followup_factories import activity, case_with_follow_ups, tokyo

# Monday 2026-12-07, 09:30 in Tokyo: the default digest time has just passed.
MONDAY = tokyo(2026, 12, 7, 9, 30)
DAY = datetime.timedelta(days=1)


def sweep(now):
    return reminders.sweep(now=now)


def mails_to(address):
    return [m for m in mail.outbox if m.to == [address]]


def html_of(message) -> str:
    return message.alternatives[0][0]


@pytest.fixture
def owner_case(desk, counsellor):
    return case_with_follow_ups(
        desk=desk,
        assigned_to=counsellor,
        due=[datetime.date(2026, 12, 1), datetime.date(2026, 12, 9), datetime.date(2026, 12, 21)],
        summary="秘密の相談内容：加害者はクラスの山田",
    )


def test_it_sends_the_assigned_counsellor_the_due_and_overdue_follow_ups(owner_case, counsellor):
    sweep(MONDAY)
    [message] = mails_to(counsellor.email)
    assert "今週のフォローアップ 2件" in message.subject
    assert owner_case.reference in message.body
    assert "期限 2026年12月1日（6日超過）" in message.body
    assert "期限 2026年12月9日" in message.body
    assert "12月21日" not in message.body
    link = f"http://127.0.0.1:8000/cases/{owner_case.reference}/"
    assert link in message.body
    assert f'href="{link}"' in html_of(message)
    digest = Digest.objects.get(user=counsellor)
    assert digest.status == Digest.Status.SENT
    assert digest.item_count == 2
    assert message.extra_headers["Message-ID"] == digest.message_id


def test_it_never_puts_any_text_of_the_case_in_a_mail(owner_case, counsellor):
    sweep(MONDAY)
    [message] = mails_to(counsellor.email)
    for part in (message.subject, message.body, html_of(message)):
        assert "秘密" not in part
        assert "山田" not in part


def test_it_leaves_out_done_follow_ups(owner_case, counsellor):
    FollowUp.objects.filter(case=owner_case, due_on=datetime.date(2026, 12, 1)).update(
        result=FollowUp.Result.REACHED, done_at=MONDAY - 2 * DAY
    )
    sweep(MONDAY)
    [message] = mails_to(counsellor.email)
    assert "12月1日" not in message.body
    assert "今週のフォローアップ 1件" in message.subject


def test_it_lists_only_the_cases_assigned_to_each_counsellor(
    desk, counsellor, deskmate, owner_case
):
    theirs = case_with_follow_ups(desk=desk, assigned_to=deskmate, due=[datetime.date(2026, 12, 8)])
    sweep(MONDAY)
    [mine] = mails_to(counsellor.email)
    [other] = mails_to(deskmate.email)
    assert theirs.reference not in mine.body
    assert theirs.reference in other.body
    assert owner_case.reference not in other.body


def test_nothing_due_means_no_mail(desk, counsellor):
    case_with_follow_ups(desk=desk, assigned_to=counsellor, due=[datetime.date(2026, 12, 28)])
    sweep(MONDAY)
    assert mail.outbox == []


def test_a_digest_that_became_empty_before_sending_is_skipped_not_sent(owner_case, counsellor):
    reminders.create_due_digests(now=MONDAY)
    FollowUp.objects.filter(case=owner_case).update(result=FollowUp.Result.RESOLVED, done_at=MONDAY)
    sweep(MONDAY)
    assert mail.outbox == []
    assert Digest.objects.get(user=counsellor).status == Digest.Status.SKIPPED


def test_running_the_sweep_twice_sends_nothing_twice(owner_case, counsellor):
    sweep(MONDAY)
    sweep(MONDAY)
    sweep(MONDAY + 3 * DAY)
    assert len(mails_to(counsellor.email)) == 1


def test_sendreminders_runs_the_same_sweep_and_twice_sends_once(owner_case, counsellor):
    call_command("sendreminders", "--at", "2026-12-07T09:30:00+09:00")
    call_command("sendreminders", "--at", "2026-12-07T09:30:00+09:00")
    assert len(mails_to(counsellor.email)) == 1


def test_sendreminders_reads_a_time_without_zone_as_tokyo_time(owner_case, counsellor):
    call_command("sendreminders", "--at", "2026-12-07T08:59")
    assert Digest.objects.get().period == datetime.date(2026, 11, 30)


@pytest.mark.parametrize("value", ["tomorrow", "2026-13-01T09:00"])
def test_sendreminders_refuses_a_malformed_time_in_japanese(value):
    with pytest.raises(CommandError, match="ISO 8601"):
        call_command("sendreminders", "--at", value)


def test_next_week_brings_a_new_digest(owner_case, counsellor):
    sweep(MONDAY)
    sweep(MONDAY + 7 * DAY)
    first, second = mails_to(counsellor.email)
    assert first.extra_headers["Message-ID"] != second.extra_headers["Message-ID"]
    assert "期限を過ぎているもの（2件）" in second.body


def test_a_paused_user_gets_no_digest(owner_case, counsellor):
    counsellor.digest_paused = True
    counsellor.save()
    sweep(MONDAY)
    assert mail.outbox == []


def test_the_digest_waits_for_the_day_and_hour_the_user_chose(owner_case, counsellor):
    counsellor.digest_weekday = 2
    counsellor.digest_hour = 7
    counsellor.save()
    sweep(tokyo(2026, 12, 2, 7, 0))
    assert len(mail.outbox) == 1
    sweep(MONDAY)
    sweep(tokyo(2026, 12, 9, 6, 59))
    assert len(mail.outbox) == 1
    sweep(tokyo(2026, 12, 9, 7, 0))
    assert len(mail.outbox) == 2
    assert "2026年12月9日時点" in mail.outbox[1].body


def test_on_a_public_holiday_the_digest_goes_out_the_next_working_day(desk, counsellor):
    case_with_follow_ups(desk=desk, assigned_to=counsellor, due=[datetime.date(2027, 1, 12)])
    sweep(tokyo(2027, 1, 4, 10))  # the week before: nothing due within it
    sweep(tokyo(2027, 1, 11, 10))  # 成人の日
    assert mail.outbox == []
    sweep(tokyo(2027, 1, 12, 9))
    [message] = mails_to(counsellor.email)
    assert "2027年1月12日時点" in message.body
    assert Digest.objects.get(status=Digest.Status.SENT).period == datetime.date(2027, 1, 11)


def test_a_digest_missed_while_the_system_was_down_is_sent_late_not_lost(owner_case, counsellor):
    sweep(MONDAY + 2 * DAY)
    [message] = mails_to(counsellor.email)
    assert "2026年12月7日時点" in message.body


def test_long_overdue_follow_ups_are_escalated_to_the_supervisor(
    desk, other_desk, counsellor, supervisor, outsider
):
    late = case_with_follow_ups(desk=desk, assigned_to=counsellor, due=[MONDAY.date() - 20 * DAY])
    recent = case_with_follow_ups(desk=desk, assigned_to=counsellor, due=[MONDAY.date() - 5 * DAY])
    elsewhere = case_with_follow_ups(
        desk=other_desk, assigned_to=outsider, due=[MONDAY.date() - 30 * DAY]
    )
    sweep(MONDAY)
    [message] = mails_to(supervisor.email)
    assert "要確認 1件" in message.subject
    assert late.reference in message.body
    assert "担当 owner" in message.body
    assert recent.reference not in message.body
    assert elsewhere.reference not in message.body
    assert Digest.objects.get(user=supervisor).escalated_count == 1


def test_the_escalation_threshold_is_a_setting(desk, counsellor, supervisor, settings):
    settings.REMINDER_ESCALATE_AFTER_DAYS = 3
    recent = case_with_follow_ups(desk=desk, assigned_to=counsellor, due=[MONDAY.date() - 5 * DAY])
    sweep(MONDAY)
    [message] = mails_to(supervisor.email)
    assert recent.reference in message.body


def test_users_without_an_address_or_inactive_get_nothing(desk):
    silent = MembershipFactory(desk=desk, user=UserFactory(username="silent", email="")).user
    gone = MembershipFactory(desk=desk, user=UserFactory(username="gone", is_active=False)).user
    for user in (silent, gone):
        case_with_follow_ups(desk=desk, assigned_to=user, due=[MONDAY.date()])
    sweep(MONDAY)
    assert mail.outbox == []
    assert not Digest.objects.exists()


def _counsellors_with_due_follow_ups(desk, count, start=0):
    for n in range(start, start + count):
        user = User.objects.create(username=f"c{n}", email=f"c{n}@example.jp")
        Membership.objects.create(user=user, desk=desk, role=Membership.Role.COUNSELLOR)
        case_with_follow_ups(desk=desk, assigned_to=user, due=[MONDAY.date(), MONDAY.date() + DAY])


def _supervisors_with_weekly_numbers(count, start=0):
    """Supervisors of a desk each, and of one shared desk, whose desks took cases on 12/3."""
    shared = DeskFactory(slug="shared")
    activity(shared, at=tokyo(2026, 12, 3, 11), cases=2)
    for n in range(start, start + count):
        user = User.objects.create(username=f"s{n}", email=f"s{n}@example.jp")
        own = DeskFactory(slug=f"supervised-{n}")
        activity(own, at=tokyo(2026, 12, 3, 10), cases=n % 4 + 1)
        for supervised in (own, shared):
            Membership.objects.create(user=user, desk=supervised, role=Membership.Role.SUPERVISOR)


def test_queries_grow_with_batches_and_one_mark_per_mail_not_with_users(desk, settings):
    settings.REMINDER_BATCH_SIZE = 100
    _counsellors_with_due_follow_ups(desk, 5)
    _supervisors_with_weekly_numbers(2)
    with CaptureQueriesContext(connection) as few:
        sweep(MONDAY)
    _counsellors_with_due_follow_ups(desk, 40, start=5)
    _supervisors_with_weekly_numbers(20, start=2)
    with CaptureQueriesContext(connection) as many:
        sweep(MONDAY + 7 * DAY)
    assert len(mail.outbox) == (5 + 2) + (45 + 22)
    # Each mail is marked sent by its own UPDATE the moment it is accepted (so a crash sends
    # again at most the one in flight); everything else is per batch.
    marks = [
        q for q in many.captured_queries if q["sql"].startswith("UPDATE") and "'sent'" in q["sql"]
    ]
    assert len(marks) == 45 + 22
    assert len(many) - len(marks) == len(few) - (5 + 2)
    summaries = [m for m in mail.outbox if "前の週" in m.body]
    assert len(summaries) == 2 + 22


def test_a_supervisor_who_also_counsels_gets_one_digest_with_both_parts(desk, supervisor):
    Membership.objects.filter(user=supervisor, desk=desk).update(role=Membership.Role.SUPERVISOR)
    case_with_follow_ups(desk=desk, assigned_to=supervisor, due=[MONDAY.date() - 20 * DAY])
    sweep(MONDAY)
    [message] = mails_to(supervisor.email)
    assert "期限を過ぎているもの（1件）" in message.body
    assert "管理するデスクで期限を14日以上過ぎているもの（1件）" in message.body


def test_a_counsellor_removed_from_a_desk_gets_nothing_of_it_in_the_next_digest(
    desk, school_desk, counsellor
):
    MembershipFactory(user=counsellor, desk=school_desk)
    kept = case_with_follow_ups(
        desk=school_desk, assigned_to=counsellor, due=[datetime.date(2026, 12, 8)]
    )
    left = case_with_follow_ups(desk=desk, assigned_to=counsellor, due=[datetime.date(2026, 12, 8)])
    Membership.objects.filter(user=counsellor, desk=desk).delete()
    sweep(MONDAY)
    [message] = mails_to(counsellor.email)
    assert kept.reference in message.body
    assert left.reference not in message.body
    assert left.reference not in html_of(message)
    assert "今週のフォローアップ 1件" in message.subject


def test_a_counsellor_removed_from_their_only_desk_gets_no_digest(desk, counsellor):
    case_with_follow_ups(desk=desk, assigned_to=counsellor, due=[datetime.date(2026, 12, 8)])
    Membership.objects.filter(user=counsellor).delete()
    sweep(MONDAY)
    assert mails_to(counsellor.email) == []


def test_a_supervisor_removed_from_a_desk_gets_no_escalations_of_it(
    desk, school_desk, supervisor, counsellor
):
    late = case_with_follow_ups(desk=desk, assigned_to=counsellor, due=[datetime.date(2026, 11, 2)])
    Membership.objects.filter(user=supervisor, desk=desk).delete()
    sweep(MONDAY)
    for message in mails_to(supervisor.email):
        assert late.reference not in message.body
        assert late.reference not in html_of(message)
