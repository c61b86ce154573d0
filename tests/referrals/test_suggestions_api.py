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
