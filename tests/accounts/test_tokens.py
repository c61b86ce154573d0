"""API tokens: hashed, named, scoped, expiring, revoked with the access they stand for."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import ApiToken, Membership
from accounts.services import token_create
from tests.factories import DeskFactory, MembershipFactory

pytestmark = pytest.mark.django_db

NOTE = {"body": "電話で状況を確認した。"}


def client_for(key: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {key}")


def notes_url(case) -> str:
    return f"/api/v1/cases/{case.reference}/notes/"


@pytest.fixture
def write_key(counsellor):
    return token_create(user=counsellor, name="連携", scope=ApiToken.Scope.WRITE)[1]


def test_a_live_write_token_reads_and_writes(case, write_key):
    client = client_for(write_key)
    assert client.get(f"/api/v1/cases/{case.reference}/").status_code == 200
    assert client.post(notes_url(case), NOTE, content_type="application/json").status_code == 201


def test_an_unknown_token_is_a_401_that_names_the_scheme(db):
    response = client_for("not-a-real-key").get("/api/v1/cases/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_an_expired_token_is_a_401(case, counsellor):
    token, key = token_create(user=counsellor, name="古い", scope=ApiToken.Scope.WRITE)
    ApiToken.objects.filter(pk=token.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = client_for(key).get(f"/api/v1/cases/{case.reference}/")
    assert response.status_code == 401
    assert "期限切れ" in response.json()["detail"]


def test_a_revoked_token_is_a_401(case, counsellor, web):
    token, key = token_create(user=counsellor, name="連携", scope=ApiToken.Scope.WRITE)
    response = web(counsellor).post(f"/account/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    assert client_for(key).get(f"/api/v1/cases/{case.reference}/").status_code == 401


def test_a_user_cannot_revoke_someone_elses_token(counsellor, outsider, web):
    token, _key = token_create(user=counsellor, name="連携", scope=ApiToken.Scope.WRITE)
    web(outsider).post(f"/account/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_read_token_reads_but_any_write_is_a_403(case, counsellor):
    _token, key = token_create(user=counsellor, name="集計", scope=ApiToken.Scope.READ)
    client = client_for(key)
    assert client.get(f"/api/v1/cases/{case.reference}/").status_code == 200
    response = client.post(notes_url(case), NOTE, content_type="application/json")
    assert response.status_code == 403
    assert "読み取り専用" in response.json()["detail"]
    assert not case.notes.exists()


def test_a_read_token_may_ask_for_suggestions_which_store_nothing(counsellor):
    _token, key = token_create(user=counsellor, name="集計", scope=ApiToken.Scope.READ)
    response = client_for(key).post(
        "/api/v1/referrals/suggestions/",
        {"situation": "victim", "wishes": ["delete"], "categories": ["defamation"]},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["suggestions"]


def test_a_password_change_revokes_every_token(case, counsellor, write_key):
    counsellor.set_password("a-brand-new-passphrase")
    counsellor.save()
    assert client_for(write_key).get(f"/api/v1/cases/{case.reference}/").status_code == 401


def test_a_password_change_on_the_page_revokes_tokens_and_keeps_that_session(
    case, counsellor, write_key, web
):
    client = web(counsellor)
    response = client.post(
        "/account/password/",
        {
            "old_password": "correct-horse-battery",
            "new_password1": "a-brand-new-passphrase",
            "new_password2": "a-brand-new-passphrase",
        },
    )
    assert response.status_code == 302
    assert client_for(write_key).get(f"/api/v1/cases/{case.reference}/").status_code == 401
    assert client.get("/").status_code == 200


def test_deactivation_ends_the_open_session_and_the_token_at_once(case, counsellor, write_key, web):
    browser = web(counsellor)
    assert browser.get(case.get_absolute_url()).status_code == 200

    counsellor.is_active = False
    counsellor.save()

    assert client_for(write_key).get(f"/api/v1/cases/{case.reference}/").status_code == 401
    response = browser.get(case.get_absolute_url())
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    counsellor.is_active = True
    counsellor.save()
    # Coming back does not bring the old token back.
    assert client_for(write_key).get(f"/api/v1/cases/{case.reference}/").status_code == 401


def test_removal_from_the_last_desk_ends_the_session_and_revokes_the_token(
    case, counsellor, write_key, web
):
    browser = web(counsellor)
    assert browser.get(case.get_absolute_url()).status_code == 200

    Membership.objects.filter(user=counsellor).delete()

    assert client_for(write_key).get("/api/v1/cases/").status_code == 401
    response = browser.get(case.get_absolute_url())
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_removal_from_one_of_two_desks_takes_only_that_desk_on_the_next_request(
    case, counsellor, write_key, web
):
    MembershipFactory(user=counsellor, desk=DeskFactory(slug="seki-city"))
    browser = web(counsellor)
    assert browser.get(case.get_absolute_url()).status_code == 200

    Membership.objects.filter(user=counsellor, desk=case.desk).delete()

    api = client_for(write_key)
    assert api.get(f"/api/v1/cases/{case.reference}/").status_code == 404
    assert api.get("/api/v1/cases/").status_code == 200
    assert browser.get(case.get_absolute_url()).status_code == 404
    assert browser.get("/").status_code == 200


def test_the_api_answers_429_with_retry_after_per_token(case, counsellor, settings):
    settings.API_THROTTLE_RATES = {"read": "3/min", "write": "2/min", "export": "1/min"}
    _first, key = token_create(user=counsellor, name="一", scope=ApiToken.Scope.WRITE)
    _second, other = token_create(user=counsellor, name="二", scope=ApiToken.Scope.WRITE)
    url = f"/api/v1/cases/{case.reference}/"

    statuses = [client_for(key).get(url).status_code for _ in range(4)]
    refused = client_for(key).get(url)

    assert statuses == [200, 200, 200, 429]
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    # Writes are counted apart from reads, and each token apart from the others.
    assert (
        client_for(key).post(notes_url(case), NOTE, content_type="application/json").status_code
        == 201
    )
    assert client_for(other).get(url).status_code == 200


def test_a_browser_session_is_throttled_per_user(case, counsellor, settings, web):
    settings.API_THROTTLE_RATES = {"read": "2/min", "write": "2/min", "export": "1/min"}
    url = f"/api/v1/cases/{case.reference}/"
    assert [web(counsellor).get(url).status_code for _ in range(3)] == [200, 200, 429]


def test_the_schema_documents_401_403_and_429(counsellor, web):
    schema = web(counsellor).get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/cases/{reference}/notes/"]["post"]
    assert {"401", "403", "429"} <= set(operation["responses"])
    assert "Retry-After" in operation["responses"]["429"]["headers"]
    assert schema["components"]["securitySchemes"]["tokenAuth"]["type"] == "http" or (
        schema["components"]["securitySchemes"]["tokenAuth"]["in"] == "header"
    )


def test_the_account_page_shows_a_new_key_once_and_stores_only_its_digest(counsellor, web):
    client = web(counsellor)
    response = client.post("/account/tokens/", {"name": "集計", "scope": "read", "days": "30"})
    body = response.content.decode()
    token = ApiToken.objects.get(user=counsellor, name="集計")
    key = body.split('id="new-token">')[1].split("<")[0]

    assert ApiToken.digest_of(key) == token.digest and token.scope == "read"
    assert key not in client.get("/account/").content.decode()


def test_the_account_page_refuses_a_token_lifetime_over_the_maximum(counsellor, web):
    response = web(counsellor).post(
        "/account/tokens/", {"name": "長い", "scope": "write", "days": "9999"}
    )
    assert response.status_code == 200
    assert "日以内" in response.content.decode()
    assert not ApiToken.objects.filter(name="長い").exists()
