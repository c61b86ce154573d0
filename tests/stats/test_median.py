"""The median days to a first follow-up follows every filter the tables follow."""

import datetime

import pytest

from stats.models import FirstFollowUpCategoryRollup
from stats.params import parse_stats_query
from stats.rollups import rollups_rebuild
from stats.tables import follow_up_median
from tests.stats.conftest import at

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 2)


def query(desk_ids, **params):
    return parse_stats_query(
        {"from": "2026-01", "to": "2026-06", **params}, supervised=set(desk_ids), today=TODAY
    )


@pytest.fixture
def followed(desk, school_desk, make_referral, follow_up):
    """Defamation intakes followed up after 2 days, bullying ones after 10; one of each both."""

    def intake(desk, categories, days):
        referral = make_referral(desk, when=at(2026, 3, 2), categories=categories)
        done = at(2026, 3, 2 + days)
        follow_up(referral.case, due=done.date(), done_at=done)

    for _ in range(5):
        intake(desk, ("defamation",), 2)
    for _ in range(3):
        intake(desk, ("bullying",), 10)
    intake(school_desk, ("defamation", "bullying"), 20)


def test_the_median_follows_the_content_filter(followed, desk, school_desk):
    ids = {desk.id, school_desk.id}
    assert follow_up_median(query(ids)) == (2, 9)
    assert follow_up_median(query(ids, category="bullying")) == (10, 4)
    assert follow_up_median(query(ids, category="defamation")) == (2, 6)


def test_the_median_follows_the_desk_filter_and_hides_under_the_threshold(
    followed, desk, school_desk
):
    ids = {desk.id, school_desk.id}
    assert follow_up_median(query(ids, desk="gifu-city", category="bullying")) == (10, 3)
    assert follow_up_median(query(ids, desk="gifu-hs")) == (None, 1)


def test_the_category_histogram_survives_a_rebuild(followed):
    before = sorted(
        FirstFollowUpCategoryRollup.objects.values_list(
            "desk_id", "month", "category", "days", "count"
        )
    )
    rollups_rebuild()
    after = sorted(
        FirstFollowUpCategoryRollup.objects.values_list(
            "desk_id", "month", "category", "days", "count"
        )
    )
    assert after == before and before
