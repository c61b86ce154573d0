"""Every figure of a past month is the same after its cases are deleted, and after a rebuild."""

import datetime
import re

import pytest
from django.utils import timezone

from cases.models import Case
from retention.models import KeptMonth
from retention.services import retention_sweep
from stats.rollups import rollups_rebuild
from tests.stats.conftest import at

pytestmark = pytest.mark.django_db

MONTH = "from=2019-04&to=2019-04"
YEAR = "from=2019-01&to=2019-12"
TABLES = ("service", "category", "desk", "month", "outcome", "national")
GROUPINGS = ("service", "outcome", "category", "desk,month", "service,outcome,category,desk,month")
# The page's CSRF token changes with every answer; nothing else may.
CSRF = re.compile(r'value="[A-Za-z0-9]{64}"|"X-CSRFToken": "[A-Za-z0-9]{64}"')


@pytest.fixture
def past_month(desk, school_desk, make_referral, follow_up):
    """A month of 2019 at two desks: referrals to several windows, outcomes and follow-ups."""
    plan = [
        ("ihaho", ("defamation",), "resolved", 2),
        ("ihaho", ("defamation", "privacy"), "resolved", 3),
        ("ihaho", ("privacy",), "declined", 5),
        ("jinken", ("defamation",), "resolved", 1),
        ("jinken", ("threat",), "no_contact", 9),
        ("jinken", ("defamation",), "", 4),
        ("houterasu", ("privacy", "threat"), "resolved", 0),
        ("houterasu", ("defamation",), "declined", 7),
        ("ihaho", ("bullying",), "resolved", 3),
    ]
    cases = []
    for n, (service, categories, outcome, days) in enumerate(plan * 2):
        where = desk if n % 3 else school_desk
        referral = make_referral(
            where, when=at(2019, 4, 1 + n), service=service, categories=categories, outcome=outcome
        )
        done = at(2019, 4, 1 + n) + datetime.timedelta(days=days)
        follow_up(referral.case, due=done.date(), done_at=done)
        cases.append(referral.case)
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(
        status="closed", closure_reason="resolved", closed_at=at(2019, 6)
    )
    return cases


def everything_a_supervisor_sees(web, supervisor) -> dict[str, str]:
    client = web(supervisor)
    urls = [f"/stats/?{MONTH}", f"/stats/?{YEAR}", f"/stats/national/?{MONTH}"]
    urls += [f"/stats/export/{table}.csv?{period}" for table in TABLES for period in (MONTH, YEAR)]
    urls += [f"/api/v1/stats/referrals/?{MONTH}&group_by={g}" for g in GROUPINGS]
    urls += [f"/api/v1/stats/referrals.csv?{YEAR}&group_by={g}" for g in GROUPINGS]
    seen = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        seen[url] = CSRF.sub("", response.content.decode("utf-8-sig"))
    return seen


def test_every_statistic_of_a_past_month_survives_the_deletion_of_its_cases(
    past_month, web, supervisor
):
    before = everything_a_supervisor_sees(web, supervisor)
    assert "ihaho" in before[f"/api/v1/stats/referrals/?{MONTH}&group_by=service"]
    result = retention_sweep(
        now=datetime.datetime(2025, 1, 1, tzinfo=timezone.get_current_timezone())
    )
    assert len(result.deleted) == len(past_month)
    assert not Case.objects.exists()
    assert KeptMonth.objects.filter(month=datetime.date(2019, 4, 1)).count() == 2
    assert everything_a_supervisor_sees(web, supervisor) == before
    rollups_rebuild()
    assert everything_a_supervisor_sees(web, supervisor) == before


def test_a_later_write_in_the_same_month_does_not_recount_it(
    past_month, web, supervisor, make_referral, desk
):
    retention_sweep(now=datetime.datetime(2025, 1, 1, tzinfo=timezone.get_current_timezone()))
    before = everything_a_supervisor_sees(web, supervisor)
    # A late entry dated into a month that is history leaves its figures final.
    make_referral(desk, when=at(2019, 4, 20))
    rollups_rebuild()
    assert everything_a_supervisor_sees(web, supervisor) == before
