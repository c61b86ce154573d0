"""Each kind of clock keeps its deadline and moves its warning before the days off."""

import datetime

import pytest

from accounts.models import DeskClosure
from deadlines.calendar import add_months, warning_due
from deadlines.selectors import board_rows
from referrals import services as referral_services
from referrals.models import DeletionRequest, DesignatedPlatform
from tests.referrals.followup_factories import tokyo

pytestmark = pytest.mark.django_db

D = datetime.date

# (kind, start, deadline, warning, the warning before the days off moved it)
MOVED = [
    # A post on a Friday: three months end on a Saturday in the year-end closure.
    ("log_retention", D(2026, 10, 2), D(2027, 1, 2), D(2026, 12, 24), D(2026, 12, 30)),
    # A decision notified on a Friday: a month ends on the Monday right after the closure.
    ("disclosure_order", D(2026, 12, 4), D(2027, 1, 4), D(2026, 12, 24), D(2026, 12, 30)),
    # Two months from a Friday end on こどもの日; 昭和の日 and Golden Week come before.
    ("provision_order", D(2027, 3, 5), D(2027, 5, 5), D(2027, 4, 27), D(2027, 4, 30)),
    # A post on スポーツの日: three months end the day after 成人の日.
    ("erasure_prohibition_order", D(2026, 10, 12), D(2027, 1, 12), D(2027, 1, 6), D(2027, 1, 7)),
]


@pytest.mark.parametrize(("code", "start", "deadline", "warning", "computed"), MOVED)
def test_a_clocks_warning_moves_before_the_days_off_and_its_deadline_stays(
    code, start, deadline, warning, computed, start_clock
):
    clock = start_clock(code, start)
    assert clock.due_on == deadline
    assert (clock.warn_on, clock.warn_moved_from) == (warning, computed)


def test_the_case_page_says_the_warning_was_moved(start_clock, case, counsellor, web):
    start_clock("log_retention", D(2026, 10, 2))
    page = web(counsellor).get(case.get_absolute_url()).content.decode()
    assert "2027年1月2日" in page
    assert "2026年12月24日" in page
    assert "2026年12月30日（休日）から移動" in page


def test_the_platforms_deadline_stays_and_its_check_moves_after_the_holiday(case, counsellor):
    # A request sent on Christmas Day, a Friday: the seventh day is New Year's Day.
    referral_services.deletion_request_record(
        case=case,
        platform=DesignatedPlatform.objects.get(code="x"),
        sent_by=DeletionRequest.Sender.PERSON,
        sent_on=D(2026, 12, 25),
        recorded_by=counsellor,
        now=tokyo(2026, 12, 25, 10, 0),
    )
    [row] = board_rows(counsellor, today=D(2026, 12, 28))["rows"]
    assert (row.source, row.code) == ("platform_deletion", "platform_deletion")
    assert row.platform == DesignatedPlatform.objects.get(code="x").name
    assert row.due_on == D(2027, 1, 1)
    assert row.due_on_closed_day
    assert (row.act_by, row.moved_from) == (D(2027, 1, 4), D(2027, 1, 1))


def test_a_desks_own_closure_moves_the_warning_of_that_desk_only(start_clock, case, desk):
    # Three months from Wednesday 2027-03-10 end on Thursday 2027-06-10.
    plain = warning_due(desk_id=desk.pk, deadline=D(2027, 6, 10), working_days=3)
    assert (plain.day, plain.moved) == (D(2027, 6, 7), False)
    DeskClosure.objects.create(desk=desk, day=D(2027, 6, 8))
    clock = start_clock("log_retention", D(2027, 3, 10))
    assert (clock.due_on, clock.warn_on, clock.warn_moved_from) == (
        D(2027, 6, 10),
        D(2027, 6, 4),
        D(2027, 6, 7),
    )


def test_no_warning_day_is_a_day_off_or_after_its_deadline(desk):
    day = D(2026, 1, 1)
    while day < D(2028, 1, 1):
        for working_days in (0, 1, 3, 10):
            due = warning_due(desk_id=desk.pk, deadline=day, working_days=working_days)
            assert due.day <= day
            assert due.day.weekday() < 5
            assert due.computed >= due.day
        day += datetime.timedelta(days=1)


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (D(2027, 1, 31), 1, D(2027, 2, 28)),
        (D(2028, 1, 31), 1, D(2028, 2, 29)),
        (D(2026, 11, 30), 3, D(2027, 2, 28)),
        (D(2026, 10, 2), 3, D(2027, 1, 2)),
        (D(2026, 12, 15), 14, D(2028, 2, 15)),
    ],
)
def test_months_end_on_the_same_day_or_the_last_of_a_shorter_month(start, months, end):
    assert add_months(start, months) == end
