"""Isolation as a matrix built from the URL patterns themselves.

Every pattern that takes a case reference (or a case id) is found by walking the resolver, so
an endpoint added later — by this app or another — is covered without anyone listing it. A
counsellor of another desk must get 404 from each one; an anonymous visitor must be sent to
log in or refused; the owner must reach each one (to prove the reference was really used).
"""

import re

import pytest
from django.contrib.admindocs.views import extract_views_from_urlpatterns, simplify_regex
from django.urls import get_resolver

from accounts.models import Membership
from cases.models import Case
from cases.selectors import case_get_for, cases_for
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

CASE_KEYS = ("<reference>", "<case_id>", "<case_pk>")
METHODS = ("get", "post", "patch")
# The admin site is for site administrators only (is_staff), who are not desk staff.
SKIPPED_NAMESPACES = {"admin"}


def case_routes() -> list[str]:
    routes = set()
    for _view, regex, namespace, _name in extract_views_from_urlpatterns(
        get_resolver().url_patterns
    ):
        # Path converters (<str:reference>) and regex groups both become <reference>.
        route = re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", simplify_regex(regex))
        if set(namespace or []) & SKIPPED_NAMESPACES:
            continue
        if "<format>" in route or not any(key in route for key in CASE_KEYS):
            continue
        routes.add(route)
    return sorted(routes)


def fill(route: str, case: Case) -> str:
    return (
        route.replace("<reference>", case.reference)
        .replace("<case_id>", str(case.pk))
        .replace("<case_pk>", str(case.pk))
    )


def call(client, method: str, url: str):
    if method == "get":
        return client.get(url)
    return getattr(client, method)(url, data="{}", content_type="application/json")


ROUTES = case_routes()


def test_the_matrix_covers_the_case_endpoints():
    for expected in (
        "/cases/<reference>/",
        "/cases/<reference>/edit/",
        "/cases/<reference>/notes/",
        "/cases/<reference>/reassign/",
        "/cases/<reference>/close/",
        "/cases/<reference>/reopen/",
        "/api/v1/cases/<reference>/",
        "/api/v1/cases/<reference>/notes/",
    ):
        assert expected in ROUTES


@pytest.mark.parametrize("route", ROUTES)
def test_another_desk_gets_404_everywhere(route, case, outsider, web, client):
    url = fill(route, case)
    statuses = {method: call(web(outsider), method, url).status_code for method in METHODS}
    assert set(statuses.values()) <= {404, 405}, statuses
    assert 404 in statuses.values(), statuses
    case.refresh_from_db()
    assert case.notes.count() == 0
    assert case.status == Case.Status.OPEN


@pytest.mark.parametrize("route", ROUTES)
def test_anonymous_visitors_are_refused_everywhere(route, case, client):
    url = fill(route, case)
    statuses = {method: call(client, method, url).status_code for method in METHODS}
    assert set(statuses.values()) <= {302, 401, 403, 405}, statuses


@pytest.mark.parametrize("route", ROUTES)
def test_the_owner_reaches_every_case_endpoint(route, case, counsellor, web):
    url = fill(route, case)
    statuses = {method: call(web(counsellor), method, url).status_code for method in METHODS}
    assert 404 not in statuses.values(), statuses
    assert statuses.keys() - {m for m, s in statuses.items() if s == 405}, statuses


def test_a_deskmate_reads_and_changes_the_owners_case(case, deskmate, api):
    assert api(deskmate).get(f"/api/v1/cases/{case.reference}/").status_code == 200
    response = api(deskmate).post(
        f"/api/v1/cases/{case.reference}/notes/", {"body": "引き継ぎました。"}, format="json"
    )
    assert response.status_code == 201


def test_a_supervisor_reads_but_does_not_change(case, supervisor, api, web):
    assert api(supervisor).get(f"/api/v1/cases/{case.reference}/").status_code == 200
    assert web(supervisor).get(case.get_absolute_url()).status_code == 200
    patch = api(supervisor).patch(
        f"/api/v1/cases/{case.reference}/", {"flags": ["minor"]}, format="json"
    )
    note = api(supervisor).post(
        f"/api/v1/cases/{case.reference}/notes/", {"body": "確認"}, format="json"
    )
    close = web(supervisor).post(f"/cases/{case.reference}/close/", {"closure_reason": "resolved"})
    assert (patch.status_code, note.status_code, close.status_code) == (403, 403, 403)
    case.refresh_from_db()
    assert (case.flags, case.status, case.notes.count()) == ([], "open", 0)


def test_a_supervisor_of_other_desks_sees_nothing_here(case, api, other_desk):
    stranger = MembershipFactory(desk=other_desk, role=Membership.Role.SUPERVISOR).user
    assert api(stranger).get(f"/api/v1/cases/{case.reference}/").status_code == 404
    assert api(stranger).get("/api/v1/cases/").json()["count"] == 0


def test_lists_hold_only_the_users_desks(open_case, counsellor, outsider, supervisor, api, web):
    mine = open_case()
    theirs = open_case(desk=outsider.memberships.get().desk, by=outsider)
    assert [c["reference"] for c in api(counsellor).get("/api/v1/cases/").json()["results"]] == [
        mine.reference
    ]
    assert [c["reference"] for c in api(outsider).get("/api/v1/cases/").json()["results"]] == [
        theirs.reference
    ]
    assert [c["reference"] for c in api(supervisor).get("/api/v1/cases/").json()["results"]] == [
        mine.reference
    ]
    page = web(counsellor).get("/cases/").content.decode()
    assert mine.reference in page and theirs.reference not in page
    export = web(counsellor).get("/cases/export.csv").content.decode()
    assert mine.reference in export and theirs.reference not in export


def test_the_selectors_apply_the_same_rule(case, counsellor, deskmate, outsider, supervisor):
    from django.http import Http404

    assert list(cases_for(deskmate)) == [case]
    assert list(cases_for(supervisor)) == [case]
    assert list(cases_for(supervisor, write=True)) == []
    assert list(cases_for(outsider)) == []
    with pytest.raises(Http404):
        case_get_for(outsider, case.reference)
    assert case_get_for(counsellor, case.reference) == case


def test_an_inactive_user_sees_nothing(case, counsellor, api):
    counsellor.is_active = False
    counsellor.save()
    assert list(cases_for(counsellor)) == []
