"""The board asks the database the same number of questions for five cases or fifty."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalogue.models import Service
from deadlines import services
from deadlines.models import ClockKind
from referrals import services as referral_services
from referrals.models import DeletionRequest, DesignatedPlatform, Referral

pytestmark = pytest.mark.django_db


def grow(open_case, counsellor, cases: int) -> None:
    """Add cases, each with two clocks (one with a court step), a referral and a deletion
    request, so that every kind of row on the board grows."""
    today = timezone.localdate()
    ihaho = Service.objects.get(slug="ihaho")
    platform = DesignatedPlatform.objects.get(code="x")
    log_retention = ClockKind.objects.get(code="log_retention")
    provision = ClockKind.objects.get(code="provision_order")
    for n in range(cases):
        case = open_case()
        clock = services.clock_start(
            case=case,
            kind=log_retention,
            started_on=today - datetime.timedelta(days=n % 80),
            by=counsellor,
        )
        services.clock_step_record(
            clock=clock, step="disclosure_order", done_on=today, by=counsellor
        )
        services.clock_start(case=case, kind=provision, started_on=today, by=counsellor)
        referral = referral_services.referral_record(
            case=case,
            service=ihaho,
            method=Referral.Method.INFO_GIVEN,
            referred_by=counsellor,
            follow_up_on=today + datetime.timedelta(days=n % 9),
        )
        referral_services.deletion_request_record(
            case=case,
            platform=platform,
            sent_by=DeletionRequest.Sender.PERSON,
            sent_on=today,
            recorded_by=counsellor,
            referral=referral,
        )


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["/deadlines/", "/api/v1/deadlines/"])
def test_the_boards_query_count_is_flat_in_the_number_of_cases(
    url, open_case, counsellor, supervisor, web
):
    grow(open_case, counsellor, 5)
    few = {who: count(web(user), url) for who, user in (("c", counsellor), ("s", supervisor))}
    grow(open_case, counsellor, 45)
    many = {who: count(web(user), url) for who, user in (("c", counsellor), ("s", supervisor))}
    assert few == many


def test_the_board_with_fifty_cases_shows_them_all(open_case, counsellor, web):
    grow(open_case, counsellor, 50)
    page = web(counsellor).get("/deadlines/").content.decode()
    assert page.count('class="deadline-row') == 50 * 4
