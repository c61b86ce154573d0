import pytest

URL = "/api/v1/referrals/suggestions/"


def test_it_returns_ranked_explained_suggestions(api, counsellor):
    response = api(counsellor).post(
        URL,
        {"situation": "victim", "wishes": ["delete"], "categories": ["defamation"]},
        format="json",
    )
    assert response.status_code == 200
    suggestions = response.json()["suggestions"]
    assert [s["rank"] for s in suggestions] == list(range(1, len(suggestions) + 1))
    first = suggestions[0]
    assert first["service"]["slug"] == "ihaho"
    assert first["reasons"] and first["urgent"] is False
    for field in [
        "slug",
        "name",
        "organization",
        "actions",
        "channels",
        "phone",
        "url",
        "hours",
        "eligibility",
        "last_verified",
    ]:
        assert field in first["service"]


def test_urgent_suggestions_come_first(api, counsellor):
    response = api(counsellor).post(
        URL, {"situation": "worries", "flags": ["suicidal"], "wishes": ["talk"]}, format="json"
    )
    suggestions = response.json()["suggestions"]
    assert suggestions[0]["urgent"] and suggestions[0]["service"]["slug"] == "mamorouyo-kokoro"


def test_an_unknown_code_is_a_400_naming_the_field_and_the_code(api, counsellor):
    response = api(counsellor).post(
        URL, {"situation": "victim", "categories": ["defamation", "aliens"]}, format="json"
    )
    assert response.status_code == 400
    assert "aliens" in str(response.json()["categories"])


def test_a_missing_situation_is_a_400_naming_it(api, counsellor):
    response = api(counsellor).post(URL, {"wishes": ["delete"]}, format="json")
    assert response.status_code == 400
    assert "situation" in response.json()


def test_an_unknown_situation_is_a_400(api, counsellor):
    response = api(counsellor).post(URL, {"situation": "bored"}, format="json")
    assert response.status_code == 400
    assert "bored" in str(response.json()["situation"])


def test_a_desk_the_user_does_not_belong_to_is_refused(api, counsellor, school_desk):
    response = api(counsellor).post(URL, {"situation": "victim", "desk": "gifu-hs"}, format="json")
    assert response.status_code == 400
    assert "desk" in response.json()


def test_anonymous_callers_get_no_suggestions(api, db):
    assert api().post(URL, {"situation": "victim"}, format="json").status_code in {401, 403}


def test_a_desk_of_ones_own_brings_its_school_window(
    api, supervisor, school_desk, django_capture_on_commit_callbacks
):
    from catalogue.models import Service

    with django_capture_on_commit_callbacks(execute=True):
        Service.objects.create(
            slug="school-room",
            name="本校の相談室",
            description="学校の相談室",
            organization=Service.objects.get(slug="ihaho").organization,
            scope=Service.Scope.DESK,
            desk=school_desk,
            last_verified="2026-11-01",
        )
    body = {"situation": "victim", "flags": ["school_related"], "desk": "gifu-hs"}
    response = api(supervisor).post(URL, body, format="json")
    assert response.status_code == 200
    assert "school-room" in [s["service"]["slug"] for s in response.json()["suggestions"]]


def test_a_desk_that_does_not_exist_is_refused_like_anothers(api, counsellor):
    response = api(counsellor).post(URL, {"situation": "victim", "desk": "nowhere"}, format="json")
    assert response.status_code == 400
    assert "nowhere" in str(response.json()["desk"])


def test_a_code_list_that_is_not_a_list_is_a_400(api, counsellor):
    response = api(counsellor).post(URL, {"situation": "victim", "flags": "minor"}, format="json")
    assert response.status_code == 400
    assert "flags" in response.json()


def test_a_body_that_is_not_json_is_refused_without_an_error_page(api, counsellor):
    client = api(counsellor)
    assert client.post(URL, {"situation": "victim"}).status_code == 415
    response = client.post(URL, "[1, 2]", content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize(
    "body, field",
    [
        ({"situation": "victim", "wishes": None}, "wishes"),
        ({"situation": "victim", "desk": ""}, "desk"),
        ({"situation": "victim", "desk": 0}, "desk"),
        ({"situation": "victim", "desk": ["gifu-city"]}, "desk"),
    ],
)
def test_a_value_of_the_wrong_type_is_a_400_naming_the_field(api, counsellor, body, field):
    response = api(counsellor).post(URL, body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {field}
