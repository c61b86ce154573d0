"""No page or list answers with more queries because it shows more rows.

Every GET route of the site and the API — the lists without parameters and every route of
one case — is requested by each kind of desk user twice: with a few rows behind it, then
with ten times as many. The query counts must be the same. Routes are found by walking the
resolver (as the isolation matrix does), so a list added later is covered without anyone
listing it here.
"""

import datetime
import itertools

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Membership
from cases import services as case_services
from catalogue.models import Service
from referrals import services as referral_services
from referrals.models import DeletionRequest, DesignatedPlatform, Referral
from tests.cases.test_isolation import LIST_ROUTES, ROUTES, fill
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

FEW, MANY = 5, 50
_serial = itertools.count()


def grow(*, desk, counsellor, first_case, cases: int) -> None:
    """Add cases, each with a note, a referral, its follow-up and a deletion request; and give
    the first case as many rows again, so that pages of one case grow too."""
    today = timezone.localdate()
    services = list(Service.objects.filter(scope="national").order_by("slug")[:8])
    platform = DesignatedPlatform.objects.get(code="x")
    for n in range(cases):
        case = case_services.case_open(
            desk=desk,
            opened_by=counsellor,
            situation="victim",
            wishes=["delete"],
            categories=["defamation"],
            summary="匿名掲示板で中傷された。",
        )
        for target in (case, first_case):
            case_services.note_add(case=target, by=counsellor, body="状況を確認した。")
            referral = referral_services.referral_record(
                case=target,
                service=services[(n + next(_serial)) % len(services)],
                method=Referral.Method.INFO_GIVEN,
                referred_by=counsellor,
                follow_up_on=today + datetime.timedelta(days=n % 9),
            )
            referral_services.deletion_request_record(
                case=target,
                platform=platform,
                sent_by=DeletionRequest.Sender.PERSON,
                sent_on=today,
                recorded_by=counsellor,
                referral=referral,
            )


def routes_of_one_case() -> list[tuple[str, dict]]:
    return [(route, placed) for route, placed in ROUTES.items() if set(placed) == {"reference"}]


def count_queries(client: Client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response.status_code, len(queries)


@pytest.fixture
def cast(desk, counsellor, school_desk):
    supervisor = UserFactory(username="sv")
    for each in (desk, school_desk):
        MembershipFactory(user=supervisor, desk=each, role=Membership.Role.SUPERVISOR)
    return {"counsellor": counsellor, "supervisor": supervisor}


def test_no_page_or_list_grows_its_queries_with_its_rows(desk, cast):
    counsellor = cast["counsellor"]
    first_case = case_services.case_open(
        desk=desk, opened_by=counsellor, situation="victim", summary="最初の相談。"
    )
    urls = list(LIST_ROUTES) + [
        fill(route, placed, {type(first_case): first_case})
        for route, placed in routes_of_one_case()
    ]
    clients = {}
    for role, user in cast.items():
        clients[role] = Client()
        clients[role].force_login(user)

    def measure() -> dict:
        counts = {}
        for (role, client), url in itertools.product(clients.items(), urls):
            status, queries = count_queries(client, url)
            counts[(role, url)] = (status, queries)
        return counts

    grow(desk=desk, counsellor=counsellor, first_case=first_case, cases=FEW)
    few = measure()
    grow(desk=desk, counsellor=counsellor, first_case=first_case, cases=MANY - FEW)
    many = measure()

    grew = {
        key: (few[key][1], many[key][1])
        for key in few
        if few[key][0] == 200 and many[key][0] == 200 and many[key][1] > few[key][1]
    }
    assert grew == {}, f"query counts (with {FEW} rows, with {MANY}) that grew: {grew}"
    answered = {key for key in few if few[key][0] == 200}
    assert ("counsellor", "/api/v1/cases/") in answered
    assert ("counsellor", "/cases/") in answered
    assert ("supervisor", "/stats/") in answered
