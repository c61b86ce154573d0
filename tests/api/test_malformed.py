"""A request the schema refuses is a 4xx on every database, never a server error."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_nul_in_a_path_is_refused_before_any_lookup(api, counsellor, case):
    client = api(counsellor)
    for url in (
        "/api/v1/cases/%00/referrals/",
        "/api/v1/cases/%00/deletion-requests/",
        "/api/v1/catalogue/services/ihaho%00/",
    ):
        response = client.get(url)
        assert response.status_code == 400, url
        assert "NUL" in response.json()["detail"]


def test_a_nul_in_a_statistics_filter_is_a_400_naming_it(api, supervisor):
    response = api(supervisor).get("/api/v1/stats/referrals/", {"desk": "gifu-city\x00"})
    assert response.status_code == 400
    assert list(response.json()) == ["desk"]
    assert "NUL" in response.json()["desk"][0]


def test_a_nul_in_a_json_body_is_a_400_naming_its_field(api, counsellor, case):
    response = api(counsellor).post(
        f"/api/v1/cases/{case.reference}/deletion-requests/",
        {"platform": "x\x00", "sent_by": "person", "sent_on": "2026-01-05"},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["platform"]


def test_a_nul_deep_in_a_json_body_names_its_top_level_field(api, counsellor):
    response = api(counsellor).post(
        "/api/v1/referrals/suggestions/",
        {"situation": "victim", "wishes": ["delete", "a\x00b"]},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["wishes"]


def test_a_platform_that_is_not_a_code_is_a_400_naming_it(api, counsellor, case):
    response = api(counsellor).post(
        f"/api/v1/cases/{case.reference}/deletion-requests/",
        {"platform": "x y", "sent_by": "person", "sent_on": "2026-01-05"},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"platform"}


def test_a_malformed_month_is_refused_even_beside_a_fiscal_year(api, supervisor):
    response = api(supervisor).get(
        "/api/v1/stats/referrals/", {"fiscal_year": "2025", "from": "April"}
    )
    assert response.status_code == 400
    assert set(response.json()) == {"from"}


def test_a_format_suffix_on_any_api_path_is_a_json_404_never_a_server_error(api, counsellor, case):
    client = api(counsellor)
    reference = case.reference
    for path in (
        f"cases/{reference}",
        f"cases/{reference}/notes",
        f"cases/{reference}/referrals",
        f"cases/{reference}/deletion-requests",
        "cases",
        "follow-ups",
        "catalogue/services/ihaho",
        "referrals/suggestions",
    ):
        for method in ("get", "post", "patch"):
            response = getattr(client, method)(f"/api/v1/{path}.json", data={}, format="json")
            assert response.status_code == 404, (method, path, response.status_code)
            assert "detail" in response.json()
