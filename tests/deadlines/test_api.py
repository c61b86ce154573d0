import datetime

import pytest
from django.utils import timezone

from deadlines.models import LegalClock

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


def test_the_board_api_lists_the_desks_clocks_soonest_first(
    start_clock, open_case, counsellor, api, today
):
    later = start_clock("log_retention", today - datetime.timedelta(days=10), now=None)
    sooner = start_clock(
        "provision_order", today - datetime.timedelta(days=50), on=open_case(), now=None
    )
    response = api(counsellor).get("/api/v1/deadlines/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(r["case"], r["kind"], r["code"]) for r in rows] == [
        (sooner.case.reference, "clock", "provision_order"),
        (later.case.reference, "clock", "log_retention"),
    ]
    assert rows[0]["due_on"] == sooner.due_on.isoformat()
    assert rows[0]["platform"] is None
    assert rows[0]["source_url"].startswith("https://laws.e-gov.go.jp/")


def test_a_counsellor_starts_a_clock_through_the_api(case, counsellor, api, today):
    response = api(counsellor).post(
        f"/api/v1/cases/{case.reference}/clocks/",
        {"kind": "log_retention", "started_on": (today - datetime.timedelta(days=5)).isoformat()},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["kind"] == "log_retention"
    listed = api(counsellor).get(f"/api/v1/cases/{case.reference}/clocks/").json()
    assert [c["id"] for c in listed["results"]] == [response.json()["id"]]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"kind": "log_retention", "started_on": "2999-01-01"}, "started_on", "未来"),
        (
            {"kind": "statute", "started_on": "2026-01-01"},
            "kind",
            "期限の種類「statute」はありません。",
        ),
        ({"kind": "platform_deletion", "started_on": "2026-01-01"}, "kind", "削除の申出"),
        ({"started_on": "2026-01-01"}, "kind", ""),
        ({"kind": "log_retention", "started_on": "yesterday"}, "started_on", ""),
    ],
)
def test_bad_input_is_a_400_naming_the_field(case, counsellor, api, body, field, message):
    response = api(counsellor).post(f"/api/v1/cases/{case.reference}/clocks/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert message in " ".join(response.json()[field])
    assert not LegalClock.objects.exists()


def test_another_desks_case_is_a_404_on_its_clocks(start_clock, outsider, api, today):
    clock = start_clock("log_retention", today - datetime.timedelta(days=5), now=None)
    url = f"/api/v1/cases/{clock.case.reference}/clocks/"
    assert api(outsider).get(url).status_code == 404
    body = {"kind": "log_retention", "started_on": today.isoformat()}
    assert api(outsider).post(url, body, format="json").status_code == 404
    assert LegalClock.objects.count() == 1


def test_the_schema_documents_the_board_and_the_clocks(counsellor, api):
    schema = api(counsellor).get("/api/v1/schema/?format=json").json()
    assert "get" in schema["paths"]["/api/v1/deadlines/"]
    assert set(schema["paths"]["/api/v1/cases/{reference}/clocks/"]) >= {"get", "post"}
