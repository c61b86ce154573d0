"""Every follow-up the product computes falls on a working day of the desk."""

import datetime

from django.contrib.messages import get_messages
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.calendar import deadline_reminder_due, follow_up_due
from accounts.models import DeskClosure
from catalogue.models import Service
from core.workdays import TOKYO, is_working_day
from referrals import services
from referrals.models import DesignatedPlatform, FollowUp
from tests.referrals.followup_factories import CaseFactory

FIRST, LAST = datetime.date(2026, 1, 1), datetime.date(2027, 12, 31)


def noon(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=TOKYO)


def closed_days(desk) -> set[datetime.date]:
    return set(DeskClosure.objects.filter(desk=desk).values_list("day", flat=True))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    day=st.dates(min_value=FIRST, max_value=LAST),
    service=st.sampled_from(["ihaho", "jinken", "houterasu"]),
)
def test_no_default_follow_up_of_a_referral_falls_on_a_day_off(desk, counsellor, day, service):
    case = CaseFactory(desk=desk, assigned_to=counsellor, opened_by=counsellor)
    window = Service.objects.get(slug=service)
    referral = services.referral_record(
        case=case, service=window, method="info_given", referred_by=counsellor, now=noon(day)
    )
    due_on = FollowUp.objects.get(referral=referral).due_on
    computed = day + datetime.timedelta(days=window.follow_up_days)
    assert is_working_day(due_on, closed_days(desk))
    assert computed <= due_on < computed + datetime.timedelta(days=10)
    assert referral.follow_up_moved_from == (computed if due_on != computed else None)


def test_a_desk_closure_day_moves_the_follow_up_of_that_desk_only(desk, other_desk, counsellor):
    # 2026-12-02 + 14 days is Wednesday 12-16, a working day the desk closes.
    DeskClosure.objects.create(desk=desk, day=datetime.date(2026, 12, 16), reason="研修")
    assert follow_up_due(desk_id=desk.id, day=datetime.date(2026, 12, 16)).day == datetime.date(
        2026, 12, 17
    )
    assert follow_up_due(desk_id=other_desk.id, day=datetime.date(2026, 12, 16)).day == (
        datetime.date(2026, 12, 16)
    )


def test_a_reminder_before_a_deadline_never_falls_after_it(desk):
    DeskClosure.objects.create(desk=desk, day=datetime.date(2027, 1, 4))
    # Deadline Tuesday 2027-01-05; a reminder a day before falls in the closure, so earlier.
    due = deadline_reminder_due(desk_id=desk.id, deadline=datetime.date(2027, 1, 5), days_before=1)
    assert due.day == datetime.date(2026, 12, 28)
    assert due.moved


def test_a_platform_deadline_on_a_weekend_is_checked_on_the_next_working_day(desk, counsellor):
    case = CaseFactory(desk=desk, assigned_to=counsellor, opened_by=counsellor)
    request = services.deletion_request_record(
        case=case,
        platform=DesignatedPlatform.objects.get(code="x"),
        sent_by="person",
        sent_on=datetime.date(2026, 11, 28),  # deadline Saturday 12-05
        recorded_by=counsellor,
        now=noon(datetime.date(2026, 11, 30)),
    )
    assert request.decision_due_on == datetime.date(2026, 12, 5)
    assert FollowUp.objects.get(deletion_request=request).due_on == datetime.date(2026, 12, 7)


def test_the_page_says_when_the_calendar_moved_the_follow_up(web, desk, counsellor):
    case = CaseFactory(desk=desk, assigned_to=counsellor, opened_by=counsellor)
    # Whatever today is, a closure on the computed day moves the follow-up: the page says so.
    computed = timezone.localdate() + datetime.timedelta(days=14)
    for offset in range(0, 10):
        DeskClosure.objects.get_or_create(desk=desk, day=computed + datetime.timedelta(offset))
    response = web(counsellor).post(
        f"/follow-ups/cases/{case.reference}/refer/",
        {"service": Service.objects.get(slug="ihaho").pk, "method": "info_given"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert "休日・休業日のため" in message
    assert f"{computed.year}年{computed.month}月{computed.day}日" in message
