"""A request whose connection dropped before it wrote runs again; API errors are JSON, 500s too."""

import pytest
from django.db import connection
from django.test import Client

from accounts.models import Desk
from tests import retry_urls

pytestmark = [
    pytest.mark.urls("tests.retry_urls"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def fresh_counts():
    retry_urls.runs.clear()


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


def test_a_request_that_only_read_before_its_connection_failed_runs_again_and_succeeds(client):
    response = client.get("/api/read-then-fail-once/")
    assert response.status_code == 200
    assert response.json() == {"runs": 2}


def test_a_read_that_wrote_its_bookkeeping_before_its_connection_failed_runs_again(client):
    response = client.get("/api/bookkeep-then-fail-once/")
    assert response.status_code == 200
    assert response.json() == {"runs": 2}


def test_a_request_that_had_written_is_not_run_again_and_answers_a_json_500(client):
    response = client.post("/api/write-then-fail/", {"a": "b"})
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()
    assert retry_urls.runs["write"] == 1
    connection.close_if_unusable_or_obsolete()  # as the end of a request does outside tests
    assert Desk.objects.filter(slug__startswith="written-").count() == 1


def test_a_write_rolled_back_with_its_dropped_transaction_is_run_again_once(client):
    response = client.post("/api/write-in-a-transaction-then-fail-once/", {"a": "b"})
    assert response.status_code == 200
    assert response.json() == {"runs": 2}
    connection.close_if_unusable_or_obsolete()
    assert list(
        Desk.objects.filter(slug__startswith="pending-").values_list("slug", flat=True)
    ) == ["pending-2"]


def test_an_unhandled_error_in_an_api_view_is_a_json_500(client):
    response = client.get("/api/boom/")
    assert response.status_code == 500
    assert response.json() == {
        "detail": "サーバーでエラーが起きました。しばらくしてからもう一度お試しください。"
    }


def test_an_unhandled_error_outside_drf_under_api_is_a_json_500_and_elsewhere_the_page(client):
    response = client.get("/api/plain-boom/")
    assert response.status_code == 500
    assert response.json()["detail"]
    page = client.get("/plain-boom/")
    assert page.status_code == 500
    assert page["Content-Type"].startswith("text/html")
