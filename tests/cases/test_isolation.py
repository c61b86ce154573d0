"""Isolation as a matrix built from the URL patterns themselves.

Every pattern that takes a case reference, or the id of a row that belongs to a case (a
note, a referral, a deletion request, a follow-up), is found by walking the resolver and
filled with a real object of the owner's case, so an endpoint added later — by this app or
another — is covered without anyone listing it. A counsellor of another desk must get 404
from each one; an anonymous visitor must be sent to log in or refused; the owner must reach
each one (to prove the object was really used). A route parameter the matrix cannot place
fails a test of its own, so no new route is skipped in silence.

Lists are covered the same way: every route without parameters, and the list filters that
select the case, must never show an outsider the case's reference.
"""

import datetime
import re

import pytest
from django.contrib.admindocs.views import extract_views_from_urlpatterns, simplify_regex
from django.db import models
from django.test import Client
from django.urls import get_resolver
from django.utils import timezone

from accounts.models import Membership
from audit.models import AuditEntry
from cases import services as case_services
from cases.models import Case, Note
from cases.selectors import case_get_for, cases_for
from catalogue.models import Service
from referrals import services as referral_services
from referrals.models import DeletionRequest, DesignatedPlatform, FollowUp, Referral
from tests.factories import MembershipFactory
from transfers import services as transfer_services
from transfers.models import CaseTransfer

pytestmark = pytest.mark.django_db

CASE_KEYS = {"reference": "reference", "case_id": "pk", "case_pk": "pk"}
# Route parameters that name a row of a case, by the model of that row.
OBJECT_KEYS = {
    "note_id": Note,
    "referral_id": Referral,
    "deletion_request_id": DeletionRequest,
    "follow_up_id": FollowUp,
    "transfer_id": CaseTransfer,
}
# Route parameters that name nothing of a case: catalogue slugs, statistics tables, formats,
# the user's own API tokens (tests/accounts/test_tokens.py: another's token is untouched).
NON_CASE_KEYS = {"slug", "table", "fmt", "format", "token_id"}
# The rows a case owns; the fixture below makes one of each.
CASE_ROWS = (Note, Referral, DeletionRequest, FollowUp, CaseTransfer)
METHODS = ("get", "post", "patch")
# The admin site is for site administrators only (is_staff), who are not desk staff.
SKIPPED_NAMESPACES = {"admin"}
UNPLACED = "unplaced"


def _view_model(view) -> type[models.Model] | None:
    """Return the model a DRF view or viewset serves, if it declares one."""
    view_class = getattr(view, "cls", None) or getattr(view, "view_class", None)
    queryset = getattr(view_class, "queryset", None)
    return queryset.model if queryset is not None else None


def _belongs_to_a_case(model: type[models.Model]) -> bool:
    return model is Case or any(field.name == "case" for field in model._meta.get_fields())


def _place(key: str, view) -> type[models.Model] | str | None:
    """Return the model a route parameter names, None if it names nothing of a case."""
    if key in CASE_KEYS:
        return Case
    if key in OBJECT_KEYS:
        return OBJECT_KEYS[key]
    if key in NON_CASE_KEYS:
        return None
    if key in ("pk", "id"):
        model = _view_model(view)
        if model is not None:
            return model if _belongs_to_a_case(model) else None
    return UNPLACED


def _walk():
    """Yield each route (parameters as <name>) with its parameters placed."""
    for view, regex, namespace, _name in extract_views_from_urlpatterns(
        get_resolver().url_patterns
    ):
        if set(namespace or []) & SKIPPED_NAMESPACES:
            continue
        # Path converters (<str:reference>) and regex groups both become <reference>.
        route = re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", simplify_regex(regex))
        keys = re.findall(r"<(\w+)>", route)
        yield route, {key: _place(key, view) for key in keys}


def case_routes() -> dict[str, dict[str, type[models.Model]]]:
    """Return each route that names a case or a row of one, with the model of each parameter."""
    routes = {}
    for route, placed in _walk():
        if "format" in placed or UNPLACED in placed.values():
            continue
        if any(model is not None for model in placed.values()):
            routes[route] = placed
    return routes


def list_routes() -> list[str]:
    """Return every route without parameters: lists, dashboards and other pages."""
    return sorted({route for route, placed in _walk() if not placed})


def fill(route: str, placed: dict, rows: dict) -> str:
    url = route
    for key, model in placed.items():
        value = getattr(rows[Case], CASE_KEYS[key]) if key in CASE_KEYS else rows[model].pk
        url = url.replace(f"<{key}>", str(value))
    return url


def call(client, method: str, url: str):
    if method == "get":
        return client.get(url)
    return getattr(client, method)(url, data="{}", content_type="application/json")


ROUTES = case_routes()
LIST_ROUTES = list_routes()


@pytest.fixture
def rows(case, counsellor, school_desk) -> dict:
    """The owner's case with one row of each kind it owns: note, referral, request, follow-up,
    and an offer to hand it to the school desk (tests/transfers has the matrix of its states).
    """
    today = timezone.localdate()
    note = case_services.note_add(case=case, by=counsellor, body="電話で状況を確認した。")
    referral = referral_services.referral_record(
        case=case,
        service=Service.objects.get(slug="ihaho"),
        method=Referral.Method.INFO_GIVEN,
        referred_by=counsellor,
        follow_up_on=today + datetime.timedelta(days=3),
    )
    request = referral_services.deletion_request_record(
        case=case,
        platform=DesignatedPlatform.objects.get(code="x"),
        sent_by=DeletionRequest.Sender.PERSON,
        sent_on=today,
        recorded_by=counsellor,
        referral=referral,
    )
    transfer = transfer_services.transfer_offer(
        case=case, by=counsellor, to_desk=school_desk, consent="person"
    )
    case.refresh_from_db()
    return {
        Case: case,
        Note: note,
        Referral: referral,
        DeletionRequest: request,
        FollowUp: referral.follow_ups.get(kind=FollowUp.Kind.REFERRAL),
        CaseTransfer: transfer,
    }


def state(rows: dict) -> tuple:
    """Everything an outsider's request could change about the case and its rows."""
    case = Case.objects.get(pk=rows[Case].pk)
    return (
        case.status,
        case.flags,
        case.summary,
        case.assigned_to_id,
        list(case.notes.values_list("id", "body")),
        list(case.referrals.values_list("id", "status", "outcome")),
        list(case.deletion_requests.values_list("id", "sent_on")),
        list(case.follow_ups.values_list("id", "due_on", "done_at")),
        case.desk_id,
        list(case.transfers.values_list("id", "status")),
        list(case.closing_requests.values_list("id", "status")),
    )


@pytest.fixture
def stranger(other_desk):
    """A supervisor of another desk only."""
    return MembershipFactory(desk=other_desk, role=Membership.Role.SUPERVISOR).user


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
        "/api/v1/cases/<reference>/referrals/",
        "/follow-ups/cases/<reference>/deletion-request/",
        "/cases/<reference>/closing/request/",
        "/cases/<reference>/closing/approve/",
        "/cases/<reference>/closing/return/",
        "/api/v1/cases/<reference>/closing-request/",
        "/api/v1/cases/<reference>/closing-request/approve/",
        "/api/v1/cases/<reference>/closing-request/return/",
        "/transfers/offer/<reference>/",
    ):
        assert expected in ROUTES


def test_the_matrix_covers_the_endpoints_keyed_by_a_rows_own_id():
    assert ROUTES["/api/v1/referrals/<pk>/"] == {"pk": Referral}
    assert ROUTES["/api/v1/follow-ups/<pk>/"] == {"pk": FollowUp}
    assert ROUTES["/api/v1/follow-ups/<pk>/record/"] == {"pk": FollowUp}
    for step in ("accept", "decline", "withdraw"):
        assert ROUTES[f"/api/v1/transfers/<pk>/{step}/"] == {"pk": CaseTransfer}
        assert ROUTES[f"/transfers/<transfer_id>/{step}/"] == {"transfer_id": CaseTransfer}
    assert ROUTES["/follow-ups/<follow_up_id>/record/"] == {"follow_up_id": FollowUp}
    assert ROUTES["/follow-ups/referrals/<referral_id>/status/"] == {"referral_id": Referral}


def test_every_route_parameter_is_placed():
    unplaced = {route: placed for route, placed in _walk() if UNPLACED in placed.values()}
    assert unplaced == {}, "name the model of these parameters in OBJECT_KEYS or NON_CASE_KEYS"
    owned = {model for placed in ROUTES.values() for model in placed.values()} - {Case, None}
    assert owned <= set(CASE_ROWS), "make a row of this model in the rows fixture"


@pytest.mark.parametrize("who", ["outsider", "stranger"])
@pytest.mark.parametrize("route", ROUTES)
def test_another_desk_gets_404_everywhere(route, who, rows, web, request):
    """Neither a counsellor nor a supervisor of another desk reaches anything of the case."""
    user = request.getfixturevalue(who)
    url = fill(route, ROUTES[route], rows)
    before = state(rows)
    statuses = {method: call(web(user), method, url).status_code for method in METHODS}
    assert set(statuses.values()) <= {404, 405}, statuses
    assert 404 in statuses.values(), statuses
    assert state(rows) == before


@pytest.mark.parametrize("route", ROUTES)
def test_anonymous_visitors_are_refused_everywhere(route, rows, client):
    url = fill(route, ROUTES[route], rows)
    before = state(rows)
    statuses = {method: call(client, method, url).status_code for method in METHODS}
    assert set(statuses.values()) <= {302, 401, 403, 405}, statuses
    assert state(rows) == before


@pytest.mark.parametrize("route", ROUTES)
def test_the_owner_reaches_every_case_endpoint(route, rows, counsellor, web):
    url = fill(route, ROUTES[route], rows)
    statuses = {method: call(web(counsellor), method, url).status_code for method in METHODS}
    assert 404 not in statuses.values(), statuses
    assert statuses.keys() - {m for m, s in statuses.items() if s == 405}, statuses


def far_future() -> str:
    return (timezone.localdate() + datetime.timedelta(days=365)).isoformat()


# Each list that shows the case, with who may see it there.
LISTS = {
    "/cases/": "counsellor",
    "/cases/?status=referred&category=defamation": "counsellor",
    "/cases/export.csv": "counsellor",
    "/cases/audit/": "supervisor",
    "/follow-ups/": "counsellor",
    "/follow-ups/?scope=desk": "deskmate",
    "/api/v1/cases/": "counsellor",
    "/api/v1/cases/?status=referred&mine=true": "counsellor",
    "/api/v1/follow-ups/?due_before={far_future}": "counsellor",
    "/api/v1/follow-ups/?due_before={far_future}&mine=true": "counsellor",
}


def list_url(url: str) -> str:
    return url.replace("{far_future}", far_future())


@pytest.mark.parametrize("url", LISTS)
def test_the_lists_show_the_case_to_its_desk(url, rows, request, web):
    viewer = request.getfixturevalue(LISTS[url])
    response = web(viewer).get(list_url(url))
    assert response.status_code == 200
    assert rows[Case].reference in response.content.decode()


@pytest.fixture
def theirs(open_case, other_desk, outsider):
    """The outsider's own referred case, so the outsider's lists are not simply empty."""
    case = open_case(desk=other_desk, by=outsider)
    referral_services.referral_record(
        case=case,
        service=Service.objects.get(slug="ihaho"),
        method=Referral.Method.INFO_GIVEN,
        referred_by=outsider,
        follow_up_on=timezone.localdate() + datetime.timedelta(days=3),
    )
    return case


@pytest.mark.parametrize("who", ["outsider", "stranger"])
def test_no_list_shows_the_case_to_another_desk(who, rows, theirs, request):
    # A page that fails for its own reasons must still not show the case: read its answer.
    client = Client(raise_request_exception=False)
    client.force_login(request.getfixturevalue(who))
    leaks, empty = [], []
    for url in sorted({*LISTS, *LIST_ROUTES}):
        response = client.get(list_url(url))
        body = response.content.decode(errors="replace")
        if rows[Case].reference in body:
            leaks.append(url)
        # Each list is not simply empty: the outsider's own case is there.
        shown = response.status_code == 200 and theirs.reference in body
        if who == "outsider" and LISTS.get(url) in ("counsellor", "deskmate") and not shown:
            empty.append(url)
    assert leaks == []
    assert empty == []


def test_an_outsiders_attempts_are_not_audited_against_the_case(rows, outsider, web):
    before = AuditEntry.objects.filter(case_reference=rows[Case].reference).count()
    web(outsider).get(rows[Case].get_absolute_url())
    web(outsider).get(f"/api/v1/referrals/{rows[Referral].pk}/")
    assert AuditEntry.objects.filter(case_reference=rows[Case].reference).count() == before


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


def test_a_supervisor_reads_but_does_not_move_a_referral_or_a_follow_up(rows, supervisor, api, web):
    before = state(rows)
    referral, follow_up = rows[Referral].pk, rows[FollowUp].pk
    assert api(supervisor).get(f"/api/v1/referrals/{referral}/").status_code == 200
    assert api(supervisor).get(f"/api/v1/follow-ups/{follow_up}/").status_code == 200
    patch = api(supervisor).patch(
        f"/api/v1/referrals/{referral}/", {"status": "contacted"}, format="json"
    )
    record = api(supervisor).post(
        f"/api/v1/follow-ups/{follow_up}/record/", {"result": "reached"}, format="json"
    )
    page = web(supervisor).post(f"/follow-ups/{follow_up}/record/", {})
    status = web(supervisor).post(f"/follow-ups/referrals/{referral}/status/", {})
    assert (patch.status_code, record.status_code) == (403, 403)
    assert (page.status_code, status.status_code) == (404, 404)
    assert state(rows) == before


def test_a_supervisor_of_other_desks_sees_nothing_here(case, api, stranger):
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
