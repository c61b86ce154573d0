"""The open follow-up and intake rollups stay equal to the base tables through every write."""

import datetime
from collections import Counter

import pytest
from django.db.models import Count

from cases.models import Case
from cases.services import case_close
from referrals.models import FollowUp
from referrals.services import follow_up_record, referral_update
from stats.models import IntakeRollup, OpenFollowUpRollup
from stats.national import headings_of
from stats.params import parse_stats_query
from stats.rollups import month_of, rollups_rebuild
from stats.tables import national_table, open_follow_ups_table
from tests.stats.conftest import at

pytestmark = pytest.mark.django_db

DUE = datetime.date(2025, 6, 20)


def open_from_base() -> Counter:
    rows = (
        FollowUp.objects.open()
        .values_list("case__desk_id", "due_on")
        .annotate(n=Count("id"))
        .order_by()
    )
    return Counter({(d, due): n for d, due, n in rows})


def open_from_rollup() -> Counter:
    return Counter(
        {(r.desk_id, r.due_on): r.count for r in OpenFollowUpRollup.objects.all() if r.count}
    )


def intakes_from_base() -> Counter:
    counts: Counter = Counter()
    for case in Case.objects.all():
        month = month_of(case.created_at)
        counts[(case.desk_id, month, IntakeRollup.ALL)] += 1
        for heading in headings_of(case.categories):
            counts[(case.desk_id, month, heading)] += 1
    return counts


def intakes_from_rollup() -> Counter:
    return Counter(
        {(r.desk_id, r.month, r.heading): r.count for r in IntakeRollup.objects.all() if r.count}
    )


def assert_rollups_match_the_base_tables():
    assert open_from_rollup() == open_from_base()
    assert intakes_from_rollup() == intakes_from_base()
    rollups_rebuild()
    assert open_from_rollup() == open_from_base()
    assert intakes_from_rollup() == intakes_from_base()


def test_open_follow_ups_are_counted_as_they_are_scheduled_moved_and_done(
    desk, make_referral, follow_up, counsellor
):
    referral = make_referral(desk, when=at(2025, 6))
    first = follow_up(referral.case, due=DUE)
    follow_up(referral.case, due=DUE)
    assert open_from_rollup() == {(desk.id, DUE): 2}
    first.due_on = DUE + datetime.timedelta(days=3)
    first.save()
    assert open_from_rollup() == {(desk.id, DUE): 1, (desk.id, DUE + datetime.timedelta(days=3)): 1}
    follow_up_record(follow_up=first, result="reached", by=counsellor)
    assert open_from_rollup() == {(desk.id, DUE): 1}
    assert_rollups_match_the_base_tables()


def test_recording_an_outcome_closes_the_open_follow_ups_in_the_counts(
    desk, make_referral, follow_up, counsellor
):
    referral = make_referral(desk, when=at(2025, 6))
    FollowUp.objects.create(case=referral.case, referral=referral, kind="referral", due_on=DUE)
    referral_update(referral=referral, by=counsellor, status="concluded", outcome="resolved")
    assert FollowUp.objects.open().count() == 0
    assert open_from_rollup() == {}
    assert_rollups_match_the_base_tables()


def test_closing_a_case_with_a_reason_empties_its_open_follow_ups(
    desk, make_referral, follow_up, counsellor
):
    referral = make_referral(desk, when=at(2025, 6))
    follow_up(referral.case, due=DUE)
    follow_up(referral.case, due=DUE + datetime.timedelta(days=7))
    case_close(
        case=referral.case,
        by=counsellor,
        reason="resolved",
        data={"follow_up_reason": "no_longer_needed"},
    )
    assert open_from_rollup() == {}
    assert_rollups_match_the_base_tables()


def test_deleting_a_case_takes_its_intake_and_follow_ups_out_of_the_counts(
    desk, make_referral, follow_up
):
    keep = make_referral(desk, when=at(2025, 6))
    gone = make_referral(desk, when=at(2025, 6), categories=("privacy",))
    follow_up(keep.case, due=DUE)
    follow_up(gone.case, due=DUE)
    Case.objects.filter(pk=gone.case_id).delete()
    assert open_from_rollup() == {(desk.id, DUE): 1}
    assert intakes_from_rollup()[(desk.id, datetime.date(2025, 6, 1), "privacy")] == 0
    assert_rollups_match_the_base_tables()


def test_the_open_table_splits_overdue_from_later(desk, make_referral, follow_up):
    case = make_referral(desk, when=at(2025, 6)).case
    for days in (-10, -10, -1, 0, 0, 5, 30):
        follow_up(case, due=DUE + datetime.timedelta(days=days))
    table = open_follow_ups_table([desk.id], today=DUE)
    cells = {c.key: c.count for c in table.rows}
    assert cells == {(desk.id, "overdue"): 3, (desk.id, "later"): 4}
    assert table.total.count == 7


def test_an_intake_counts_once_under_each_heading_and_once_in_the_total(
    desk, school_desk, make_referral, supervisor
):
    from accounts.access import supervised_desk_ids

    for _ in range(4):
        make_referral(desk, when=at(2025, 6), categories=("privacy", "image_rights"))
    for _ in range(3):
        make_referral(desk, when=at(2025, 7), categories=("defamation", "privacy"))
    query = parse_stats_query(
        {"from": "2025-04", "to": "2026-03"},
        supervised=supervised_desk_ids(supervisor),
        today=datetime.date(2026, 5, 14),
    )
    table = national_table(query)
    counts = {c.key[0]: c.count for c in table.rows}
    assert counts["privacy"] == 7, "privacy and image_rights share one heading"
    assert counts["defamation"] == 3
    assert table.total.count == 7


def test_changing_a_case_s_categories_moves_its_intake(desk, make_referral):
    case = make_referral(desk, when=at(2025, 6), categories=("defamation",)).case
    case.categories = ["fraud"]
    case.save()
    month = datetime.date(2025, 6, 1)
    counts = intakes_from_rollup()
    assert counts[(desk.id, month, "consumer")] == 1
    assert counts[(desk.id, month, "defamation")] == 0
    assert counts[(desk.id, month, IntakeRollup.ALL)] == 1
    assert_rollups_match_the_base_tables()
