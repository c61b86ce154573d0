"""The referral and follow-up API of contract.md: lifecycle, follow-up dates, desk isolation."""

import datetime

import pytest
from django.utils import timezone

from cases.models import Case
from catalogue.models import Service
from core.workdays import next_working_day
from referrals.models import DeletionRequest, FollowUp, Referral
from tests.referrals.followup_factories import CaseFactory

TODAY = timezone.localdate


@pytest.fixture
def case(desk, counsellor):
    return CaseFactory(desk=desk, assigned_to=counsellor, opened_by=counsellor)


def refer(client, case, **body):
    return client.post(
        f"/api/v1/cases/{case.reference}/referrals/",
        {"service": "ihaho", "method": "info_given", **body},
        format="json",
    )


def test_a_referral_is_recorded_with_a_snapshot_of_the_window(api, counsellor, case):
    response = refer(api(counsellor), case, service="houterasu")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "recorded"
    due = next_working_day(TODAY() + datetime.timedelta(days=14)).day
    assert body["follow_up_on"] == due.isoformat()
    referral = Referral.objects.get(pk=body["id"])
    assert referral.service_name == "法テラス（日本司法支援センター）"
    assert referral.service_phone == "0570-078374"
    assert referral.service_url.startswith("https://www.houterasu.or.jp")
    assert referral.referred_by == counsellor
    case.refresh_from_db()
    assert case.status == Case.Status.REFERRED


def test_the_snapshot_survives_a_later_change_to_the_catalogue(api, counsellor, case):
    body = refer(api(counsellor), case, service="houterasu").json()
    referral = Referral.objects.get(pk=body["id"])
    referral.service.name = "改称された窓口"
    referral.service.save()
    referral.service.phones.update(number="0120-000-000")
    again = api(counsellor).get(f"/api/v1/referrals/{body['id']}/").json()
    assert again["service_name"] == "法テラス（日本司法支援センター）"
    assert again["service_phone"] == "0570-078374"


def test_the_legal_affairs_bureau_gets_a_longer_default_follow_up(api, counsellor, case):
    body = refer(api(counsellor), case, service="jinken").json()
    due = next_working_day(TODAY() + datetime.timedelta(days=30)).day
    assert body["follow_up_on"] == due.isoformat()


def test_a_chosen_follow_up_date_is_kept(api, counsellor, case):
    day = TODAY() + datetime.timedelta(days=3)
    body = refer(api(counsellor), case, follow_up_on=day.isoformat()).json()
    assert body["follow_up_on"] == day.isoformat()
    assert FollowUp.objects.get(referral_id=body["id"]).due_on == day


def test_a_follow_up_date_in_the_past_is_refused(api, counsellor, case):
    response = refer(api(counsellor), case, follow_up_on="2020-01-01")
    assert response.status_code == 400
    assert "follow_up_on" in response.json()
    assert not Referral.objects.exists()


@pytest.mark.parametrize("method", ["warm_handoff", "desk_contacted", "accompanied"])
def test_acting_for_the_person_needs_their_recorded_consent(api, counsellor, case, method):
    refused = refer(api(counsellor), case, method=method)
    assert refused.status_code == 400
    assert "同意" in refused.json()["consent"][0]
    accepted = refer(api(counsellor), case, method=method, consent=True)
    assert accepted.status_code == 201
    assert accepted.json()["consent_recorded_at"] is not None


def test_giving_information_needs_no_consent(api, counsellor, case):
    body = refer(api(counsellor), case).json()
    assert body["consent_recorded_at"] is None


@pytest.mark.parametrize(
    ("field", "value"), [("service", "no-such-window"), ("method", "telepathy")]
)
def test_an_unknown_code_is_a_400_naming_the_field(api, counsellor, case, field, value):
    response = refer(api(counsellor), case, **{field: value})
    assert response.status_code == 400
    assert field in response.json()


def test_another_desks_local_window_cannot_be_used(api, counsellor, case, other_desk):
    from catalogue.models import Organization, Service

    Service.objects.create(
        slug="ogaki-only",
        name="大垣市の窓口",
        organization=Organization.objects.first(),
        description="x",
        scope=Service.Scope.DESK,
        desk=other_desk,
        last_verified=TODAY(),
    )
    response = refer(api(counsellor), case, service="ogaki-only")
    assert response.status_code == 400
    assert "service" in response.json()


def test_a_referral_moves_along_its_lifecycle_with_timestamps(api, counsellor, case):
    client = api(counsellor)
    referral_id = refer(client, case).json()["id"]
    url = f"/api/v1/referrals/{referral_id}/"
    contacted = client.patch(url, {"status": "contacted"}, format="json")
    assert contacted.status_code == 200
    assert contacted.json()["contacted_at"] is not None
    assert client.patch(url, {"status": "in_progress"}, format="json").status_code == 200
    concluded = client.patch(
        url, {"status": "concluded", "outcome": "content_deleted"}, format="json"
    )
    assert concluded.status_code == 200
    assert concluded.json()["outcome"] == "content_deleted"
    assert concluded.json()["concluded_at"] is not None


@pytest.mark.parametrize(
    ("steps", "illegal"),
    [
        (["contacted"], {"status": "recorded"}),
        (["in_progress"], {"status": "contacted"}),
        ([], {"status": "concluded"}),
        ([], {"outcome": "resolved", "status": "in_progress"}),
    ],
)
def test_an_illegal_transition_is_a_400(api, counsellor, case, steps, illegal):
    client = api(counsellor)
    referral_id = refer(client, case).json()["id"]
    url = f"/api/v1/referrals/{referral_id}/"
    for step in steps:
        assert client.patch(url, {"status": step}, format="json").status_code == 200
    response = client.patch(url, illegal, format="json")
    assert response.status_code == 400
    assert set(response.json()) & {"status", "outcome"}


def test_a_concluded_referral_cannot_change_again(api, counsellor, case):
    client = api(counsellor)
    referral_id = refer(client, case).json()["id"]
    url = f"/api/v1/referrals/{referral_id}/"
    client.patch(url, {"outcome": "not_contacted"}, format="json")
    response = client.patch(url, {"outcome": "resolved"}, format="json")
    assert response.status_code == 400
    assert Referral.objects.get().outcome == "not_contacted"


def test_concluding_a_referral_closes_its_open_follow_up(api, counsellor, case):
    client = api(counsellor)
    referral_id = refer(client, case).json()["id"]
    client.patch(f"/api/v1/referrals/{referral_id}/", {"outcome": "resolved"}, format="json")
    follow_up = FollowUp.objects.get(referral_id=referral_id)
    assert follow_up.result == FollowUp.Result.OUTCOME_RECORDED
    assert not follow_up.is_open


def test_follow_ups_list_the_open_ones_of_the_users_desks(
    api, counsellor, deskmate, outsider, case, other_desk
):
    refer(api(counsellor), case, follow_up_on=(TODAY() + datetime.timedelta(days=2)).isoformat())
    refer(api(counsellor), case, service="jinken")
    theirs = CaseFactory(desk=other_desk, assigned_to=outsider, opened_by=outsider)
    refer(api(outsider), theirs)
    soon = (TODAY() + datetime.timedelta(days=7)).isoformat()
    listed = api(deskmate).get("/api/v1/follow-ups/", {"due_before": soon}).json()
    assert listed["count"] == 1
    assert listed["results"][0]["case"] == case.reference
    everything = api(deskmate).get("/api/v1/follow-ups/").json()
    assert {row["case"] for row in everything["results"]} == {case.reference}
    assert everything["count"] == 2


def test_a_malformed_due_before_is_a_400_naming_it(api, counsellor):
    response = api(counsellor).get("/api/v1/follow-ups/", {"due_before": "next week"})
    assert response.status_code == 400
    assert "due_before" in response.json()


def test_another_desk_gets_404_everywhere(api, counsellor, outsider, case):
    referral_id = refer(api(counsellor), case).json()["id"]
    follow_up_id = FollowUp.objects.get().pk
    client = api(outsider)
    assert refer(client, case).status_code == 404
    assert client.get(f"/api/v1/cases/{case.reference}/referrals/").status_code == 404
    assert client.get(f"/api/v1/referrals/{referral_id}/").status_code == 404
    patched = client.patch(
        f"/api/v1/referrals/{referral_id}/", {"status": "contacted"}, format="json"
    )
    assert patched.status_code == 404
    assert (
        client.post(f"/api/v1/follow-ups/{follow_up_id}/record/", {"result": "reached"}).status_code
        == 404
    )
    assert client.get("/api/v1/follow-ups/").json()["count"] == 0
    assert Referral.objects.get().status == "recorded"


def test_a_supervisor_reads_the_desks_referrals_but_records_nothing(
    api, counsellor, supervisor, case
):
    referral_id = refer(api(counsellor), case).json()["id"]
    follow_up_id = FollowUp.objects.get().pk
    client = api(supervisor)
    assert client.get(f"/api/v1/cases/{case.reference}/referrals/").status_code == 200
    assert client.get(f"/api/v1/referrals/{referral_id}/").status_code == 200
    assert refer(client, case).status_code == 403
    patched = client.patch(
        f"/api/v1/referrals/{referral_id}/", {"status": "contacted"}, format="json"
    )
    assert patched.status_code == 403
    recorded = client.post(f"/api/v1/follow-ups/{follow_up_id}/record/", {"result": "reached"})
    assert recorded.status_code == 403
    assert Referral.objects.count() == 1
    assert Referral.objects.get().status == "recorded"


def test_anonymous_callers_get_no_data(api, counsellor, case):
    refer(api(counsellor), case)
    assert api().get("/api/v1/follow-ups/").status_code in (401, 403)
    assert refer(api(), case).status_code in (401, 403)


def test_a_follow_up_is_recorded_in_one_step_with_the_next_date(api, counsellor, case):
    client = api(counsellor)
    referral_id = refer(client, case).json()["id"]
    follow_up = FollowUp.objects.get()
    next_on = TODAY() + datetime.timedelta(days=10)
    response = client.post(
        f"/api/v1/follow-ups/{follow_up.pk}/record/",
        {"result": "waiting", "referral_status": "in_progress", "next_on": next_on.isoformat()},
        format="json",
    )
    assert response.status_code == 200, response.json()
    follow_up.refresh_from_db()
    assert follow_up.result == "waiting"
    assert follow_up.next.due_on == next_on
    assert Referral.objects.get(pk=referral_id).status == "in_progress"
    case.refresh_from_db()
    assert case.status == Case.Status.FOLLOWING_UP
    again = client.post(f"/api/v1/follow-ups/{follow_up.pk}/record/", {"result": "reached"})
    assert again.status_code == 400


def test_a_deletion_request_to_a_designated_platform_is_followed_up_after_seven_days(
    api, counsellor, case
):
    sent_on = TODAY() - datetime.timedelta(days=1)
    response = api(counsellor).post(
        f"/api/v1/cases/{case.reference}/deletion-requests/",
        {"platform": "x", "sent_by": "person", "sent_on": sent_on.isoformat()},
        format="json",
    )
    assert response.status_code == 201, response.json()
    due = next_working_day(sent_on + datetime.timedelta(days=7)).day
    assert response.json()["follow_up_on"] == due.isoformat()
    follow_up = FollowUp.objects.get()
    assert follow_up.kind == FollowUp.Kind.PLATFORM_DEADLINE
    assert follow_up.deletion_request == DeletionRequest.objects.get()


def test_a_platform_an_admin_designates_later_can_be_chosen(api, counsellor, case):
    from referrals.models import DesignatedPlatform

    DesignatedPlatform.objects.create(code="newtube", name="NewTube")
    response = api(counsellor).post(
        f"/api/v1/cases/{case.reference}/deletion-requests/",
        {"platform": "newtube", "sent_by": "desk", "sent_on": TODAY().isoformat()},
        format="json",
    )
    assert response.status_code == 201


def test_an_undesignated_platform_is_refused(api, counsellor, case):
    response = api(counsellor).post(
        f"/api/v1/cases/{case.reference}/deletion-requests/",
        {"platform": "bbs", "sent_by": "person", "sent_on": TODAY().isoformat()},
        format="json",
    )
    assert response.status_code == 400
    assert "platform" in response.json()


def test_the_schema_documents_the_referral_endpoints(api, counsellor):
    schema = api(counsellor).get("/api/v1/schema/", {"format": "json"}).json()
    for path in (
        "/api/v1/cases/{reference}/referrals/",
        "/api/v1/referrals/{id}/",
        "/api/v1/follow-ups/",
        "/api/v1/follow-ups/{id}/record/",
    ):
        assert path in schema["paths"]


def test_what_is_not_known_is_null_not_blank(api, counsellor, case):
    client = api(counsellor)
    Service.objects.filter(slug="lawyer").update(url="")
    body = refer(client, case, service="lawyer").json()
    assert (body["outcome"], body["service_url"], body["service_phone"]) == (None, None, None)
    sent_on = TODAY().isoformat()
    client.post(
        f"/api/v1/cases/{case.reference}/deletion-requests/",
        {"platform": "x", "sent_by": "person", "sent_on": sent_on},
        format="json",
    )
    rows = client.get("/api/v1/follow-ups/").json()["results"]
    deadline = next(row for row in rows if row["kind"] == "platform_deadline")
    assert (deadline["referral"], deadline["result"]) == (None, None)
    assert deadline["window"]


def test_a_cases_referrals_are_listed_a_page_at_a_time(api, counsellor, case):
    client = api(counsellor)
    first = refer(client, case).json()
    second = refer(client, case, service="jinken").json()
    listed = client.get(f"/api/v1/cases/{case.reference}/referrals/").json()
    assert (listed["count"], listed["next"], listed["previous"]) == (2, None, None)
    assert [row["id"] for row in listed["results"]] == [first["id"], second["id"]]


def test_json_values_must_have_the_type_the_schema_gives(api, counsellor, case):
    response = refer(api(counsellor), case, method="warm_handoff", consent="yes")
    assert response.status_code == 400
    assert set(response.json()) == {"consent"}
    assert not Referral.objects.exists()


def test_a_refused_step_of_the_referral_names_referral_status(api, counsellor, case):
    client = api(counsellor)
    referral_id = refer(client, case).json()["id"]
    client.patch(f"/api/v1/referrals/{referral_id}/", {"status": "in_progress"}, format="json")
    follow_up = FollowUp.objects.get()
    response = client.post(
        f"/api/v1/follow-ups/{follow_up.pk}/record/",
        {"result": "reached", "referral_status": "contacted"},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"referral_status"}
    follow_up.refresh_from_db()
    assert follow_up.is_open


def test_an_empty_due_before_is_a_filter_not_given(api, counsellor, case):
    refer(api(counsellor), case)
    response = api(counsellor).get("/api/v1/follow-ups/", {"due_before": "", "mine": ""})
    assert response.status_code == 200
    assert response.json()["count"] == 1
