"""A clock warns its case's counsellor by mail on the warning day, once however often the
sweep runs; an overdue clock joins the supervisors' weekly digest, once in each."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command

from accounts.models import Membership
from cases import services as case_services
from deadlines import services
from reminders import services as reminders
from tests.factories import MembershipFactory
from tests.referrals.followup_factories import tokyo

pytestmark = pytest.mark.django_db

D = datetime.date


def warnings_to(address: str) -> list:
    return [m for m in mail.outbox if m.to == [address] and "【期限】" in m.subject]


@pytest.fixture
def clock(start_clock):
    # Three months from the post end on Saturday 2027-01-02; the warning is Thursday 12-24.
    return start_clock("log_retention", D(2026, 10, 2), now=tokyo(2026, 12, 1, 10, 0))


def test_the_warning_goes_out_on_its_day_once(clock, counsellor):
    assert services.clock_warnings_send(now=tokyo(2026, 12, 23, 9, 0)) == 0
    assert services.clock_warnings_send(now=tokyo(2026, 12, 24, 9, 0)) == 1
    assert services.clock_warnings_send(now=tokyo(2026, 12, 24, 9, 5)) == 0
    assert services.clock_warnings_send(now=tokyo(2026, 12, 25, 9, 0)) == 0
    [message] = warnings_to(counsellor.email)
    assert clock.case.reference in message.subject
    assert "2027年1月2日" in message.subject
    assert "アクセスログの保存期間" in message.body
    assert clock.case.get_absolute_url() in message.body
    assert clock.case.summary not in message.body
    assert message.extra_headers["Message-ID"] == services.message_id_for(clock)


def test_the_scheduled_task_and_the_command_share_the_sweep(clock, counsellor):
    call_command("sendreminders", at="2026-12-24T09:00+09:00")
    call_command("sendreminders", at="2026-12-24T10:00+09:00")
    assert len(warnings_to(counsellor.email)) == 1


def test_a_clock_recorded_after_its_warning_day_warns_at_once(start_clock, counsellor):
    clock = start_clock("log_retention", D(2026, 10, 2), now=tokyo(2026, 12, 28, 10, 0))
    assert clock.warn_on == D(2026, 12, 24)
    assert services.clock_warnings_send(now=tokyo(2026, 12, 28, 11, 0)) == 1


def test_a_closed_clock_or_case_and_a_past_deadline_warn_nobody(
    clock, start_clock, open_case, counsellor
):
    services.clock_close(clock=clock, reason="acted", by=counsellor, now=tokyo(2026, 12, 1, 11, 0))
    other = start_clock(
        "log_retention", D(2026, 10, 2), on=open_case(), now=tokyo(2026, 12, 1, 10, 0)
    )
    case_services.case_close(case=other.case, by=counsellor, reason="resolved")
    late = start_clock(
        "log_retention", D(2026, 10, 2), on=open_case(), now=tokyo(2026, 12, 1, 10, 0)
    )
    assert services.clock_warnings_send(now=tokyo(2026, 12, 24, 9, 0)) == 1
    mail.outbox.clear()
    services.LegalClock.objects.filter(pk=late.pk).update(warning_sent_at=None)
    assert services.clock_warnings_send(now=tokyo(2027, 1, 4, 9, 0)) == 0


def test_a_leavers_clock_warns_the_desks_supervisors(clock, counsellor, supervisor):
    Membership.objects.filter(user=counsellor).delete()
    services.clock_warnings_send(now=tokyo(2026, 12, 24, 9, 0))
    assert warnings_to(counsellor.email) == []
    assert len(warnings_to(supervisor.email)) == 1


MONDAY = tokyo(2027, 1, 4, 9, 30)


def overdue_sections(address: str) -> list[str]:
    return [m.body for m in mail.outbox if m.to == [address] and "期限を過ぎた法的な期限" in m.body]


def test_the_supervisors_digest_shows_each_overdue_clock_once(
    clock, start_clock, open_case, school_desk, counsellor, supervisor
):
    # The supervisor oversees both desks: one digest, each desk's clock listed once.
    school = MembershipFactory(desk=school_desk).user
    theirs = start_clock(
        "provision_order",
        D(2026, 10, 1),
        on=open_case(desk=school_desk, by=school),
        by=school,
        now=tokyo(2026, 12, 1, 10, 0),
    )
    not_yet = start_clock("log_retention", D(2026, 11, 30), on=open_case(), now=MONDAY)
    reminders.sweep(now=MONDAY)
    reminders.sweep(now=MONDAY + datetime.timedelta(minutes=5))
    [body] = overdue_sections(supervisor.email)
    assert body.count(clock.case.reference) == 1
    assert body.count(theirs.case.reference) == 1
    assert not_yet.case.reference not in body
    assert "期限を過ぎた法的な期限が 2件" in body
    assert overdue_sections(counsellor.email) == []


def test_an_overdue_clock_leaves_the_digest_once_closed(clock, counsellor, supervisor):
    reminders.sweep(now=MONDAY)
    assert len(overdue_sections(supervisor.email)) == 1
    services.clock_close(clock=clock, reason="expired", by=counsellor, now=MONDAY)
    mail.outbox.clear()
    reminders.sweep(now=MONDAY + datetime.timedelta(days=7))
    assert overdue_sections(supervisor.email) == []


def test_another_desks_supervisor_is_not_told(clock, other_desk):
    stranger = MembershipFactory(desk=other_desk, role=Membership.Role.SUPERVISOR).user
    reminders.sweep(now=MONDAY)
    assert all(clock.case.reference not in m.body for m in mail.outbox if m.to == [stranger.email])
