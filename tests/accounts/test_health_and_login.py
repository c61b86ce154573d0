import pytest


def test_healthz_reports_database_and_broker(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] and body["broker"]["ok"]


def test_healthz_stays_200_and_reports_the_broker_when_only_the_broker_is_down(
    client, db, settings
):
    from config.celery import app

    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = settings.CELERY_BROKER_URL
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"]["ok"]
    assert body["broker"] == {"ok": False, "error": "OperationalError"}


def test_healthz_reports_a_relay_that_does_not_answer_without_failing(client, db, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["relay"]["ok"] is False


def test_healthz_names_the_oldest_digest_unsent_after_an_hour(client, db, counsellor):
    import datetime

    from django.utils import timezone

    from reminders.models import Digest

    late = timezone.now() - datetime.timedelta(hours=2)
    Digest.objects.create(
        user=counsellor, period=late.date(), scheduled_for=late, message_id="<late@example>"
    )
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["digests"] == {"ok": False, "oldest_unsent": late.isoformat()}


def test_pages_redirect_anonymous_visitors_to_the_login(client, db):
    for path in ["/", "/catalogue/", "/catalogue/safeline/"]:
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


def test_login_page_is_japanese_by_default(client, db):
    response = client.get("/login/")
    assert response.status_code == 200
    assert '<html lang="ja">' in response.content.decode()
    assert "ユーザー名" in response.content.decode()


@pytest.mark.parametrize("password", ["wrong", ""])
def test_wrong_credentials_get_a_japanese_message_and_no_session(client, counsellor, password):
    response = client.post("/login/", {"username": "owner", "password": password})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_home_page_lists_the_users_desks(web, counsellor):
    response = web(counsellor).get("/")
    assert "岐阜市 相談窓口" in response.content.decode()
