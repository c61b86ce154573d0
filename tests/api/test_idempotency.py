"""Writes safe to retry: the same Idempotency-Key answers the first answer and stores nothing."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import IdempotentRequest
from cases.models import Case, Note
from referrals.models import FollowUp, Referral
from tests.cases.test_api import INTAKE
from tests.referrals.followup_factories import CaseFactory

pytestmark = pytest.mark.django_db


def post(client, url, body, key=None):
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post(url, body, format="json", headers=headers)


@pytest.fixture
def case(desk, counsellor):
    return CaseFactory(desk=desk, assigned_to=counsellor, opened_by=counsellor)


def test_an_intake_sent_twice_with_one_key_is_stored_once_and_answered_alike(api, counsellor):
    client = api(counsellor)
    first = post(client, "/api/v1/cases/", INTAKE, key="intake-7f3a")
    again = post(client, "/api/v1/cases/", INTAKE, key="intake-7f3a")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Case.objects.count() == 1


def test_without_a_key_or_with_another_key_each_post_is_a_new_intake(api, counsellor):
    client = api(counsellor)
    post(client, "/api/v1/cases/", INTAKE)
    post(client, "/api/v1/cases/", INTAKE)
    post(client, "/api/v1/cases/", INTAKE, key="a")
    post(client, "/api/v1/cases/", INTAKE, key="b")
    assert Case.objects.count() == 4


def test_the_same_key_from_another_user_is_another_request(api, counsellor, deskmate):
    post(api(counsellor), "/api/v1/cases/", INTAKE, key="shared")
    response = post(api(deskmate), "/api/v1/cases/", INTAKE, key="shared")
    assert response.status_code == 201 and "Idempotent-Replayed" not in response
    assert Case.objects.count() == 2


def test_a_key_older_than_24_hours_is_free_again(api, counsellor):
    client = api(counsellor)
    post(client, "/api/v1/cases/", INTAKE, key="old")
    IdempotentRequest.objects.update(created_at=timezone.now() - datetime.timedelta(hours=25))
    assert post(client, "/api/v1/cases/", INTAKE, key="old").status_code == 201
    assert Case.objects.count() == 2
    assert IdempotentRequest.objects.count() == 1


def test_a_refused_request_stores_no_answer_and_may_be_corrected_under_the_same_key(
    api, counsellor
):
    client = api(counsellor)
    refused = post(client, "/api/v1/cases/", {**INTAKE, "situation": "nope"}, key="fix-me")
    assert refused.status_code == 400
    assert post(client, "/api/v1/cases/", INTAKE, key="fix-me").status_code == 201
    assert Case.objects.count() == 1


@pytest.mark.parametrize("key", ["", "x" * 256, "日本語のキー", "with space"])
def test_a_malformed_key_is_a_400_naming_the_header(api, counsellor, key):
    response = post(api(counsellor), "/api/v1/cases/", INTAKE, key=key)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()
    assert not Case.objects.exists()


def test_a_note_a_referral_and_a_follow_up_outcome_are_each_written_once(api, counsellor, case):
    client = api(counsellor)
    notes = f"/api/v1/cases/{case.reference}/notes/"
    first = post(client, notes, {"body": "電話で状況を確認した。"}, key="note-1")
    assert post(client, notes, {"body": "電話で状況を確認した。"}, key="note-1").json() == (
        first.json()
    )
    assert Note.objects.filter(case=case, body="電話で状況を確認した。").count() == 1

    referrals = f"/api/v1/cases/{case.reference}/referrals/"
    body = {"service": "ihaho", "method": "info_given"}
    referral = post(client, referrals, body, key="ref-1")
    assert referral.status_code == 201
    assert post(client, referrals, body, key="ref-1").json() == referral.json()
    assert Referral.objects.filter(case=case).count() == 1

    follow_up = FollowUp.objects.get(referral_id=referral.json()["id"])
    record = f"/api/v1/follow-ups/{follow_up.pk}/record/"
    outcome = {"result": "reached", "outcome": "resolved"}
    recorded = post(client, record, outcome, key="rec-1")
    assert recorded.status_code == 200, recorded.json()
    replayed = post(client, record, outcome, key="rec-1")
    assert replayed.status_code == 200 and replayed.json() == recorded.json()
    assert replayed["Idempotent-Replayed"] == "true"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_copies_sent_at_once_store_one_intake_and_both_learn_it(counsellor):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises the two transactions; the race needs PostgreSQL")
    answers = []

    def send():
        client = APIClient()
        client.force_authenticate(counsellor)
        answers.append(post(client, "/api/v1/cases/", INTAKE, key="race"))
        connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Case.objects.count() == 1
    assert {a.status_code for a in answers} == {201}
    assert len({a.json()["reference"] for a in answers}) == 1


def test_the_schema_documents_the_header_on_the_four_writes(api, counsellor):
    schema = api(counsellor).get("/api/v1/schema/", {"format": "json"}).json()
    documented = {
        (path, method)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if any(p.get("name") == "Idempotency-Key" for p in operation.get("parameters", []))
    }
    conflicts = {
        (path, method)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if "409" in operation.get("responses", {})
    }
    assert conflicts == documented
    assert documented == {
        ("/api/v1/cases/", "post"),
        ("/api/v1/cases/{reference}/notes/", "post"),
        ("/api/v1/cases/{reference}/referrals/", "post"),
        ("/api/v1/follow-ups/{id}/record/", "post"),
    }


def test_a_key_sent_again_with_another_body_is_a_409_naming_the_header(api, counsellor):
    client = api(counsellor)
    post(client, "/api/v1/cases/", INTAKE, key="one-request")
    other = post(client, "/api/v1/cases/", {**INTAKE, "situation": "witness"}, key="one-request")
    assert other.status_code == 409
    assert "Idempotency-Key" in other.json()
    assert Case.objects.count() == 1
