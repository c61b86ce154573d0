"""Where the calendar moved a follow-up past a day off, the pages and the digest say from when."""

import datetime

import pytest
from django.utils import timezone, translation

from catalogue.models import Service
from core.workdays import TOKYO
from referrals import services
from referrals.dates import moved_from_text
from referrals.models import DesignatedPlatform, FollowUp
from tests.referrals.followup_factories import CaseFactory, case_with_follow_ups

DAY = datetime.timedelta(days=1)


def noon(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=TOKYO)


@pytest.fixture
def case(desk, counsellor):
    return CaseFactory(desk=desk, assigned_to=counsellor, opened_by=counsellor)


def refer(case, counsellor, *, on: datetime.date, follow_up_on=None) -> FollowUp:
    referral = services.referral_record(
        case=case,
        service=Service.objects.get(slug="ihaho"),
        method="info_given",
        referred_by=counsellor,
        follow_up_on=follow_up_on,
        now=noon(on),
    )
    return FollowUp.objects.get(referral=referral)


def moved_case(desk, counsellor, *, due_on: datetime.date, moved_from: datetime.date):
    case = case_with_follow_ups(desk=desk, assigned_to=counsellor, due=[due_on])
    case.follow_ups.update(moved_from=moved_from)
    return case


def test_a_follow_up_moved_past_the_year_end_keeps_the_day_it_was_computed_as(case, counsellor):
    ihaho = Service.objects.get(slug="ihaho")
    computed = datetime.date(2026, 12, 29)
    follow_up = refer(case, counsellor, on=computed - ihaho.follow_up_days * DAY)
    assert follow_up.due_on == datetime.date(2027, 1, 4)
    assert follow_up.moved_from == computed


def test_a_follow_up_on_a_working_day_or_typed_in_was_not_moved(case, counsellor):
    ihaho = Service.objects.get(slug="ihaho")
    computed = datetime.date(2026, 12, 16)  # a Wednesday
    assert refer(case, counsellor, on=computed - ihaho.follow_up_days * DAY).moved_from is None
    typed = refer(
        case, counsellor, on=datetime.date(2026, 12, 2), follow_up_on=datetime.date(2026, 12, 5)
    )
    assert typed.due_on == datetime.date(2026, 12, 5)  # a Saturday, as the counsellor chose
    assert typed.moved_from is None


def test_a_platform_deadline_check_moved_off_a_saturday_keeps_the_saturday(case, counsellor):
    request = services.deletion_request_record(
        case=case,
        platform=DesignatedPlatform.objects.get(code="x"),
        sent_by="person",
        sent_on=datetime.date(2026, 11, 28),  # deadline Saturday 12-05
        recorded_by=counsellor,
        now=noon(datetime.date(2026, 11, 30)),
    )
    follow_up = FollowUp.objects.get(deletion_request=request)
    assert (follow_up.due_on, follow_up.moved_from) == (
        datetime.date(2026, 12, 7),
        datetime.date(2026, 12, 5),
    )


def test_the_note_reads_the_one_date_format_in_each_style_and_language():
    day = datetime.date(2026, 12, 28)
    assert moved_from_text(day) == "2026年12月28日（休日）から移動"
    assert moved_from_text(day, style="wareki") == "令和8年12月28日（休日）から移動"
    assert moved_from_text(None) == ""
    with translation.override("en"):
        assert moved_from_text(day) == "moved from 28 Dec 2026 (closed day)"


def test_the_week_page_says_a_follow_up_was_moved_and_from_when(web, desk, counsellor):
    today = timezone.localdate()
    moved = moved_case(desk, counsellor, due_on=today - DAY, moved_from=today - 3 * DAY)
    kept = case_with_follow_ups(desk=desk, assigned_to=counsellor, due=[today])
    page = web(counsellor).get("/follow-ups/").content.decode()
    note = moved_from_text(today - 3 * DAY)
    assert page.count(note) == 1
    assert page.index(moved.reference) < page.index(note) < page.index(kept.reference)


def test_the_case_page_timeline_says_it_in_the_desk_s_wareki(web, desk, counsellor):
    desk.date_style = "wareki"
    desk.save()
    today = timezone.localdate()
    case = moved_case(desk, counsellor, due_on=today, moved_from=today - 2 * DAY)
    page = web(counsellor).get(case.get_absolute_url()).content.decode()
    assert moved_from_text(today - 2 * DAY, style="wareki") in page
    assert moved_from_text(today - 2 * DAY) not in page
